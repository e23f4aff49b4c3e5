// SPDX-License-Identifier: GPL-2.0
/*
 * The file of each local symbol of vmlinux, saved once per kernel release
 * and attached to the System.map-ordered table on every build (see
 * ksyms.h). A text file, one file symbol and the locals behind it at a
 * time, in link order:
 *
 *   F dsmethod.c
 *   ffffffff8162d5a0 acpi_ds_auto_serialize_method
 *   ffffffff82345b80 _acpi_module_name
 *   F dsmthdat.c
 *   ...
 *
 * Names with blanks or control characters are left out: kernel symbols
 * have none, and a crafted one must not split a line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "klp/ksyms.h"

#define KSYMFILES_HEADER "# kpatch-build file symbols 1\n"
#define KSYMFILES_LINE 1024

static bool plain_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

int ksyms_save_files(const struct ksyms *ks, const char *path)
{
	unsigned int *order;
	size_t *count, *at;
	FILE *f;
	int ret = 0;

	/* the table is in address order: group its locals by file again */
	order = calloc(ks->n + 1, sizeof(*order));
	count = calloc(ks->nfiles + 2, sizeof(*count));
	at = calloc(ks->nfiles + 2, sizeof(*at));
	if (!order || !count || !at) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < ks->n; i++)
		count[ks->v[i].file]++;
	for (size_t fi = 1; fi <= ks->nfiles + 1; fi++)
		at[fi] = at[fi - 1] + count[fi - 1];
	for (size_t i = 0; i < ks->n; i++)
		order[at[ks->v[i].file]++] = (unsigned int)i;

	f = fopen(path, "w");
	if (!f) {
		ret = -errno;
		goto out;
	}
	fputs(KSYMFILES_HEADER, f);
	for (size_t fi = 1, j = count[0]; fi <= ks->nfiles; fi++) {
		if (!plain_name(ks->files[fi - 1])) {
			j += count[fi];
			continue;
		}
		fprintf(f, "F %s\n", ks->files[fi - 1]);
		for (size_t end = j + count[fi]; j < end; j++) {
			const struct ksym *y = &ks->v[order[j]];

			if (plain_name(y->name))
				fprintf(f, "%lx %s\n", y->addr, y->name);
		}
	}
	if (ferror(f))
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
out:
	free(order);
	free(count);
	free(at);
	return ret;
}

static int cmp_addr_name(const void *a, const void *b)
{
	const struct ksym *x = *(const struct ksym *const *)a, *y = *(const struct ksym *const *)b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

static struct ksym *find(struct ksym **byaddr, size_t n, unsigned long addr, const char *name)
{
	struct ksym key = { .addr = addr, .name = (char *)name }, *kp = &key, **hit;

	hit = bsearch(&kp, byaddr, n, sizeof(*byaddr), cmp_addr_name);
	return hit ? *hit : NULL;
}

int ksyms_attach_files(struct ksyms *ks, const char *path)
{
	char line[KSYMFILES_LINE], name[KSYMFILES_LINE];
	struct ksym **byaddr;
	size_t cap = 0;
	FILE *f;
	int ret = 0;

	ksyms_forget_files(ks);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	byaddr = malloc((ks->n + 1) * sizeof(*byaddr));
	if (!byaddr) {
		fclose(f);
		return -ENOMEM;
	}
	for (size_t i = 0; i < ks->n; i++)
		byaddr[i] = &ks->v[i];
	qsort(byaddr, ks->n, sizeof(*byaddr), cmp_addr_name);

	if (!fgets(line, sizeof(line), f) || strcmp(line, KSYMFILES_HEADER))
		ret = -EINVAL;
	while (!ret && fgets(line, sizeof(line), f)) {
		unsigned long addr;
		struct ksym *y;
		char tail;

		if (!strchr(line, '\n')) {
			ret = -EINVAL;	/* longer than any symbol name, or cut short */
		} else if (line[0] == 'F' && line[1] == ' ') {
			if (sscanf(line + 2, "%1023s%c", name, &tail) != 2 || tail != '\n')
				ret = -EINVAL;
			else
				ret = ksyms_add_file(ks, &cap, name);
		} else if (!ks->nfiles ||
			   sscanf(line, "%lx %1023s%c", &addr, name, &tail) != 3 || tail != '\n') {
			ret = -EINVAL;
		} else if ((y = find(byaddr, ks->n, addr, name)) && !ksym_is_global(y)) {
			y->file = (unsigned int)ks->nfiles;
		}
	}
	if (!ret && ferror(f))
		ret = -EIO;
	fclose(f);
	free(byaddr);
	if (ret)
		ksyms_forget_files(ks);
	return ret;
}
