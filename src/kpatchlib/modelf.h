/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_MODELF_H
#define KPATCHLIB_MODELF_H

#include <sys/types.h>

#include "kpatchlib/err.h"

/*
 * Validate the ELF structure of a module file with libelf before anything
 * else (libkmod, the klp reader) reads it: libkmod asserts, and so aborts
 * the whole process, on some malformed headers. Checked: a 64-bit
 * little-endian x86_64 relocatable object; the section header table inside
 * the file with the standard entry size and no extended numbering; every
 * section's data inside the file; section names, links and infos in range;
 * the section name table a NUL-terminated string table; symbol and
 * relocation tables with their entry sizes and a valid string table or
 * symbol table; one .modinfo section, inside the file and NUL-terminated.
 * size is the file's size (fstat). 0, or err (KP_E_INVALID) names the
 * file and the first problem found.
 */
int kp_modelf_check(int fd, off_t size, const char *path, struct kp_err *err);

#endif
