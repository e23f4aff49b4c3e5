/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_WITHDRAWN_H
#define KPATCHLIB_WITHDRAWN_H

#include <stddef.h>

#include "kpatchlib/err.h"

/*
 * Withdrawn patches: <conf dir>/withdrawn, kept by the administrator, and
 * every file in <conf dir>/withdrawn.d/, dropped there by packages. One
 * entry per line, "name" (any kernel) or "name@release"; '#' starts a
 * comment; blank lines are ignored. A file that is not clean text (a NUL
 * or control byte), a directory or not a regular file is an error: the
 * list fails closed.
 */
struct kp_withdrawn_entry {
	char name[64];
	char krel[128];		/* empty: every kernel */
};

struct kp_withdrawn {
	size_t n;
	struct kp_withdrawn_entry *e;
};

int kp_withdrawn_load(struct kp_withdrawn *w, struct kp_err *err);
/*
 * Parse one file's text, size bytes (exposed for tests); appends to w.
 * A NUL or control byte, an invalid name or release fails the whole list.
 */
int kp_withdrawn_parse(struct kp_withdrawn *w, const char *text, size_t size, const char *what,
		       struct kp_err *err);
int kp_withdrawn_has(const struct kp_withdrawn *w, const char *name, const char *krel);
void kp_withdrawn_free(struct kp_withdrawn *w);

#endif
