// SPDX-License-Identifier: GPL-2.0
/*
 * The list of objects a build compiles: the .c files the patches touch and
 * the objects a changed header reaches. One entry per source file.
 */
#include <stdlib.h>
#include <string.h>

#include "build/kb.h"

/* path: a kernel-tree relative .c or .o path (fs/proc/cmdline.c or .o) */
int kb_add_object(struct kb *kb, const char *path)
{
	size_t n = strlen(path);
	struct kb_object *o;
	char *src, *obj;

	if (n < 3 || path[n - 2] != '.' || (path[n - 1] != 'c' && path[n - 1] != 'o'))
		return kb_fail(&kb->err, KB_EENV, "%s: not a .c or .o path", path);
	src = strdup(path);
	obj = strdup(path);
	if (!src || !obj)
		goto nomem;
	src[n - 1] = 'c';
	obj[n - 1] = 'o';
	for (size_t i = 0; i < kb->nobjs; i++)
		if (!strcmp(kb->objs[i].src, src)) {
			free(src);
			free(obj);
			return 0;
		}
	o = realloc(kb->objs, (kb->nobjs + 1) * sizeof(*o));
	if (!o)
		goto nomem;
	kb->objs = o;
	o = &kb->objs[kb->nobjs++];
	memset(o, 0, sizeof(*o));
	o->src = src;
	o->obj = obj;
	return 0;
nomem:
	free(src);
	free(obj);
	return kb_fail(&kb->err, KB_EENV, "out of memory");
}
