// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpatchlib/funcs.h"

struct kp_func_ref *kp_funcs_add(struct kp_func_list *l, const char *object,
				 const char *name, unsigned long sympos)
{
	struct kp_func_ref *f;

	/* Doubling keeps a long list linear to build. */
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;

		f = realloc(l->f, cap * sizeof(*f));
		if (!f)
			return NULL;
		l->f = f;
		l->cap = cap;
	}
	f = &l->f[l->n++];
	memset(f, 0, sizeof(*f));
	snprintf(f->object, sizeof(f->object), "%s", object);
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->sympos = sympos ? sympos : 1;
	return f;
}

void kp_funcs_free(struct kp_func_list *l)
{
	free(l->f);
	l->f = NULL;
	l->n = 0;
	l->cap = 0;
}

int kp_func_same(const struct kp_func_ref *a, const struct kp_func_ref *b)
{
	return a->sympos == b->sympos && !strcmp(a->object, b->object) &&
	       !strcmp(a->name, b->name);
}
