/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_TEXTFILE_H
#define KPATCHLIB_TEXTFILE_H

#include <stddef.h>

#include "kpatchlib/err.h"

/*
 * Small administrator files (the withdrawn list, kpatch.conf): read whole
 * or not at all. what names the kind of file in messages ("withdrawn
 * list"). A directory, anything but a regular file, a file over 1 MiB or
 * one that grows while read is an error. 0 with *text NULL when the file
 * does not exist; else *text (NUL-terminated, free() it) and *len.
 */
int kp_text_read(const char *path, const char *what, char **text, size_t *len, struct kp_err *err);

/*
 * A clean text line has no NUL and no control character but a tab (and
 * the '\r' of a CRLF file); anything else means a damaged file. 0, or err
 * naming file:line.
 */
int kp_text_line_check(const char *line, size_t len, const char *file, unsigned int lineno,
		       const char *what, struct kp_err *err);

/*
 * Walk text (size bytes) line by line: each line is checked as above
 * (file:line naming it), one longer than max bytes is "file:N: line too
 * long", and fn gets a NUL-terminated copy without its '\n' that it may
 * change. Stops at the first non-zero return of fn, and returns it.
 */
int kp_text_each_line(const char *text, size_t size, const char *file, const char *what, size_t max,
		      int (*fn)(void *ctx, char *line, unsigned int lineno, struct kp_err *err),
		      void *ctx, struct kp_err *err);

#endif
