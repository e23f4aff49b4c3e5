// SPDX-License-Identifier: GPL-2.0
/* sympos resolution against the kernel's symbol table; see sympos.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "elf/kelf.h"
#include "klp/sympos.h"

static int cmp_sym(const void *a, const void *b)
{
	return strcmp(((const struct objsym *)a)->name, ((const struct objsym *)b)->name);
}

void objsyms_free(struct objsyms *os)
{
	for (size_t i = 0; i < os->n; i++)
		free(os->v[i].name);
	free(os->v);
	free(os->file);
	memset(os, 0, sizeof(*os));
}

int objsyms_load(const char *obj_path, struct objsyms *out)
{
	size_t cap = 0;
	struct kelf *k;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = kelf_open_symbols(obj_path, &k, NULL);
	if (ret)
		return ret;
	for (size_t i = 0; !ret && i < k->nsyms; i++) {
		const struct kelf_sym *y = k->syms[i];

		if (y->type == STT_FILE && !out->file) {
			out->file = strdup(y->name);
			ret = out->file ? 0 : -ENOMEM;
			continue;
		}
		if ((y->type != STT_FUNC && y->type != STT_OBJECT) || y->shndx == SHN_UNDEF ||
		    !*y->name)
			continue;
		if (kp_reserve(&out->v, &cap, out->n + 1, sizeof(*out->v))) {
			ret = -ENOMEM;
			break;
		}
		out->v[out->n].name = strdup(y->name);
		out->v[out->n].local = y->bind == STB_LOCAL;
		if (!out->v[out->n].name) {
			ret = -ENOMEM;
			break;
		}
		out->n++;
	}
	kelf_free(k);
	if (ret) {
		objsyms_free(out);
		return ret;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), cmp_sym);
	return 0;
}

const struct objsym *objsyms_find(const struct objsyms *os, const char *name)
{
	struct objsym key = { .name = (char *)name };

	if (!os || !os->n)
		return NULL;
	return bsearch(&key, os->v, os->n, sizeof(*os->v), cmp_sym);
}

bool objsyms_has(const struct objsyms *os, const char *name)
{
	return objsyms_find(os, name) != NULL;
}

static size_t count_named(const struct ksyms *ks, const char *name)
{
	size_t c = 0;

	for (size_t i = 0; i < ks->n; i++)
		c += !strcmp(ks->v[i].name, name);
	return c;
}

/* Walk from i in direction dir across the object's own symbols. */
static bool neighbour_confirms(const struct ksyms *ks, size_t i, int dir,
			       const struct objsyms *obj)
{
	for (long j = (long)i + dir; j >= 0 && (size_t)j < ks->n; j += dir) {
		const char *n = ks->v[j].name;

		if (!objsyms_has(obj, n))
			return false;
		if (count_named(ks, n) == 1)
			return true;
	}
	return false;
}

/*
 * Whether file entry F (1-based) of the table is the object's own file:
 * the same file name, and every function and variable local to it is one
 * the object defines. Objects that share a file name ("core.c") differ in
 * their locals; an object whose locals are all among another's would pass
 * for it, which two files of the same name and the same statics make a
 * true ambiguity.
 */
static bool file_is_objects(const struct ksyms *ks, unsigned int f, const struct objsyms *obj)
{
	if (strcmp(ks->files[f - 1], obj->file))
		return false;
	for (size_t i = 0; i < ks->n; i++)
		if (ks->v[i].file == f && !objsyms_has(obj, ks->v[i].name))
			return false;
	return true;
}

struct candidates {
	size_t total;			/* every symbol of the name */
	size_t n;			/* of them, with the wanted binding */
	unsigned long last;		/* the position of the last such one */
	size_t by_file, no_file;	/* in the object's own file; of no known file */
	unsigned long file_pos;
	size_t by_neighbour;
	unsigned long neighbour_pos;
};

int ksyms_sympos(const struct ksyms *ks, const char *name, bool want_local,
		 const struct objsyms *obj, unsigned long *sympos)
{
	bool use_files = obj && obj->file && ks->nfiles && want_local;
	struct candidates c = { 0 };

	for (size_t i = 0; i < ks->n; i++) {
		const struct ksym *s = &ks->v[i];

		if (strcmp(s->name, name))
			continue;
		c.total++;
		if (ksym_is_global(s) == want_local)
			continue;
		c.n++;
		c.last = c.total;
		if (use_files && !s->file) {
			c.no_file++;
		} else if (use_files && file_is_objects(ks, s->file, obj)) {
			c.by_file++;
			c.file_pos = c.total;
		}
		/* neighbours mean something only in address order (vmlinux) */
		if (obj && ks->in_address_order && (neighbour_confirms(ks, i, -1, obj) ||
						    neighbour_confirms(ks, i, 1, obj))) {
			c.by_neighbour++;
			c.neighbour_pos = c.total;
		}
	}
	if (!c.n)
		return -ENOENT;
	if (c.n == 1)
		*sympos = c.total == 1 ? 0 : c.last;
	else if (use_files && c.by_file == 1 && !c.no_file)
		*sympos = c.file_pos;	/* the file symbols say it: exact */
	else if (use_files && c.by_file > 1)
		return -EEXIST;		/* two files alike in name and statics */
	else if (c.by_neighbour == 1)
		*sympos = c.neighbour_pos;
	else
		return -EEXIST;
	return 0;
}
