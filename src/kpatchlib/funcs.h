/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_FUNCS_H
#define KPATCHLIB_FUNCS_H

#include <stddef.h>

/*
 * One patched function as the kernel names it: object ("vmlinux" or a
 * module name), function and sympos. sympos 0 ("the only one") is stored
 * as 1, which is how sysfs spells it, so module files and live patches
 * compare equal.
 */
struct kp_func_ref {
	char object[64];
	char name[128];
	unsigned long sympos;
	char patch[64];		/* the patch that carries it (live state only) */
};

struct kp_func_list {
	size_t n;
	struct kp_func_ref *f;
	size_t cap;		/* allocated entries */
};

/* Append; returns the new entry or NULL when out of memory. */
struct kp_func_ref *kp_funcs_add(struct kp_func_list *l, const char *object,
				 const char *name, unsigned long sympos);
void kp_funcs_free(struct kp_func_list *l);
int kp_func_same(const struct kp_func_ref *a, const struct kp_func_ref *b);

#endif
