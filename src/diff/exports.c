// SPDX-License-Identifier: GPL-2.0
/*
 * Exported symbols of the kernel being patched, from its Module.symvers.
 * The differ needs them only for what the module loader resolves before
 * livepatch relocations exist (jump-label keys, static-call keys).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff.h"

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void kdiff_exports_free(struct kdiff_exports *ex)
{
	size_t i;

	for (i = 0; i < ex->n; i++)
		free(ex->names[i]);
	free(ex->names);
	ex->names = NULL;
	ex->n = 0;
}

/* Module.symvers lines: CRC <tab> SYMBOL <tab> MODULE <tab> EXPORT_TYPE [<tab> NAMESPACE] */
int kdiff_exports_load(const char *path, struct kdiff_exports *ex, char *msg, size_t msglen)
{
	FILE *f = fopen(path, "r");
	size_t cap = 0, lineno = 0;
	char *line = NULL;
	size_t len = 0;

	ex->names = NULL;
	ex->n = 0;
	if (!f) {
		snprintf(msg, msglen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	while (getline(&line, &len, f) > 0) {
		char *crc, *name, *save = NULL;

		lineno++;
		crc = strtok_r(line, "\t\n", &save);
		name = strtok_r(NULL, "\t\n", &save);
		if (!crc || !name || strncmp(crc, "0x", 2)) {
			snprintf(msg, msglen, "%s:%zu: not a Module.symvers line", path, lineno);
			goto fail;
		}
		if (ex->n == cap) {
			char **v = realloc(ex->names, (cap ? cap * 2 : 4096) * sizeof(*v));

			if (!v)
				goto nomem;
			ex->names = v;
			cap = cap ? cap * 2 : 4096;
		}
		ex->names[ex->n] = strdup(name);
		if (!ex->names[ex->n])
			goto nomem;
		ex->n++;
	}
	free(line);
	fclose(f);
	if (ex->n)
		qsort(ex->names, ex->n, sizeof(*ex->names), cmp_name);
	return 0;
nomem:
	snprintf(msg, msglen, "out of memory");
fail:
	free(line);
	fclose(f);
	kdiff_exports_free(ex);
	return -EINVAL;
}

bool kdiff_exports_has(const struct kdiff_exports *ex, const char *name)
{
	return ex && ex->n && bsearch(&name, ex->names, ex->n, sizeof(*ex->names), cmp_name);
}
