// SPDX-License-Identifier: GPL-2.0
/* Module.symvers parsing: "crc<TAB>name<TAB>module<TAB>export type<TAB>namespace". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/array.h"
#include "common/regfile.h"
#include "common/symvers.h"

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct symver *)a)->name, ((const struct symver *)b)->name);
}

void symvers_free(struct symvers *sv)
{
	for (size_t i = 0; i < sv->n; i++) {
		free(sv->v[i].name);
		free(sv->v[i].module);
		free(sv->v[i].ns);
	}
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

int symvers_load(const char *path, struct symvers *out)
{
	const char *kind;
	int fd = kp_open_regular(path, &kind);
	FILE *f;
	char *line = NULL;
	size_t len = 0, cap = 0;
	int ret = 0;

	out->v = NULL;
	out->n = 0;
	/* a FIFO or a device is not a Module.symvers (and would block) */
	if (fd == KP_NOT_REGULAR)
		return -EINVAL;
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "r");
	if (!f) {
		ret = -errno;
		close(fd);
		return ret;
	}
	while (getline(&line, &len, f) > 0) {
		char *save, *crc, *name, *mod, *ns;

		if (line[0] == '\n')
			continue;
		crc = strtok_r(line, "\t\n", &save);
		name = strtok_r(NULL, "\t\n", &save);
		mod = strtok_r(NULL, "\t\n", &save);
		strtok_r(NULL, "\t\n", &save);	/* the export type */
		ns = strtok_r(NULL, "\t\n", &save);
		if (!crc || !name || !mod || strncmp(crc, "0x", 2)) {
			ret = -EINVAL;
			break;
		}
		if (kp_reserve(&out->v, &cap, out->n + 1, sizeof(*out->v))) {
			ret = -ENOMEM;
			break;
		}
		out->v[out->n].name = strdup(name);
		out->v[out->n].module = strdup(mod);
		out->v[out->n].ns = ns ? strdup(ns) : NULL;
		if (!out->v[out->n].name || !out->v[out->n].module || (ns && !out->v[out->n].ns)) {
			free(out->v[out->n].name);
			free(out->v[out->n].module);
			free(out->v[out->n].ns);
			ret = -ENOMEM;
			break;
		}
		out->n++;
	}
	free(line);
	fclose(f);
	if (ret) {
		symvers_free(out);
		return ret;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), cmp_name);
	return 0;
}

static const struct symver *lookup(const struct symvers *sv, const char *name)
{
	struct symver key = { .name = (char *)name };

	if (!sv->n)
		return NULL;
	return bsearch(&key, sv->v, sv->n, sizeof(*sv->v), cmp_name);
}

const char *symvers_find(const struct symvers *sv, const char *name)
{
	const struct symver *s = lookup(sv, name);

	return s ? s->module : NULL;
}

const char *symvers_namespace(const struct symvers *sv, const char *name)
{
	const struct symver *s = lookup(sv, name);

	return s ? s->ns : NULL;
}

bool symvers_exporter_is(const char *exporter, const char *objname)
{
	const char *base = strrchr(exporter, '/') ? strrchr(exporter, '/') + 1 : exporter;
	size_t i;

	for (i = 0; base[i] && objname[i]; i++)
		if (base[i] != objname[i] && !(base[i] == '-' && objname[i] == '_'))
			return false;
	return !base[i] && !objname[i];
}
