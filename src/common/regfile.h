/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KP_COMMON_REGFILE_H
#define KP_COMMON_REGFILE_H

/*
 * Opens PATH read-only for reading as an input file. The open does not
 * block on a FIFO or a device (O_NONBLOCK, then fstat on the descriptor),
 * and anything but a regular file is refused. Returns the descriptor, in
 * blocking mode again; -1 with errno set when it cannot be opened; or
 * KP_NOT_REGULAR with *kind naming what it is ("a FIFO", "a directory", ...).
 */
#define KP_NOT_REGULAR (-2)
int kp_open_regular(const char *path, const char **kind);

/*
 * Copies S into BUF (of LEN > 4 bytes) for a message: printable ASCII as
 * is, a backslash as "\\", every other byte as "\xNN", cut with "..." when
 * it does not fit. Names read from files or patches go through this before
 * they form a line of output.
 */
const char *kp_escape(const char *s, char *buf, unsigned long len);

#endif
