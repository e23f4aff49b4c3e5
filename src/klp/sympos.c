// SPDX-License-Identifier: GPL-2.0
/* sympos resolution against the kernel's symbol table; see sympos.h. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/array.h"
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
	os->v = NULL;
	os->n = 0;
}

int objsyms_load(const char *obj_path, struct objsyms *out)
{
	Elf_Scn *scn = NULL;
	size_t cap = 0;
	Elf *elf;
	int fd, ret = -EINVAL;

	out->v = NULL;
	out->n = 0;
	elf_version(EV_CURRENT);
	fd = open(obj_path, O_RDONLY);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf) {
		close(fd);
		return -EINVAL;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		data = elf_getdata(scn, NULL);
		ret = 0;
		for (size_t i = 1; data && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *name;
			int t;

			if (!gelf_getsym(data, (int)i, &sym))
				continue;
			t = GELF_ST_TYPE(sym.st_info);
			if ((t != STT_FUNC && t != STT_OBJECT) || sym.st_shndx == SHN_UNDEF)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			if (kp_reserve(&out->v, &cap, out->n + 1, sizeof(*out->v))) {
				ret = -ENOMEM;
				break;
			}
			out->v[out->n].name = strdup(name);
			out->v[out->n].local = GELF_ST_BIND(sym.st_info) == STB_LOCAL;
			if (!out->v[out->n].name) {
				ret = -ENOMEM;
				break;
			}
			out->n++;
		}
		break;
	}
	elf_end(elf);
	close(fd);
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

int ksyms_sympos(const struct ksyms *ks, const char *name, bool want_local,
		 const struct objsyms *obj, unsigned long *sympos)
{
	size_t total = 0, ncand = 0, nconf = 0;
	unsigned long cand_pos = 0, conf_pos = 0;

	for (size_t i = 0; i < ks->n; i++) {
		const struct ksym *s = &ks->v[i];

		if (strcmp(s->name, name))
			continue;
		total++;
		if (ksym_is_global(s) == want_local)
			continue;
		ncand++;
		cand_pos = total;
		if (obj && (neighbour_confirms(ks, i, -1, obj) ||
			    neighbour_confirms(ks, i, 1, obj))) {
			nconf++;
			conf_pos = total;
		}
	}
	if (!ncand)
		return -ENOENT;
	if (ncand > 1) {
		if (nconf != 1)
			return -EEXIST;
		cand_pos = conf_pos;
	}
	*sympos = total == 1 ? 0 : cand_pos;
	return 0;
}
