/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_ORIGIN_H
#define KPATCHLIB_ORIGIN_H

#include <stddef.h>

#include "kpatchlib/err.h"

/*
 * The file a module was loaded from, kept under <run dir>/loaded/<name>
 * while it is loaded, so that the CVEs of a module loaded from a path
 * (not installed) can still be shown. Best effort: a lost record only
 * hides those CVEs.
 */
void kp_origin_record(const char *name, const char *path);
void kp_origin_clear(const char *name);
/* 0 and the recorded path, or -1 and err (may be NULL) filled: no record. */
int kp_origin_path(const char *name, char *buf, size_t size, struct kp_err *err);

#endif
