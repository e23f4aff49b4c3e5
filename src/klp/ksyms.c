// SPDX-License-Identifier: GPL-2.0
/* Loading the kernel's symbol table from System.map or vmlinux. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "elf/kelf.h"
#include "klp/ksyms.h"

static int ksyms_push(struct ksyms *ks, size_t *cap, unsigned long addr,
		      char type, const char *name)
{
	if (kp_reserve(&ks->v, cap, ks->n + 1, sizeof(*ks->v)))
		return -ENOMEM;
	ks->v[ks->n].name = strdup(name);
	if (!ks->v[ks->n].name)
		return -ENOMEM;
	ks->v[ks->n].addr = addr;
	ks->v[ks->n].type = type;
	ks->v[ks->n].file = 0;
	ks->n++;
	return 0;
}

void ksyms_forget_files(struct ksyms *ks)
{
	for (size_t i = 0; i < ks->nfiles; i++)
		free(ks->files[i]);
	free(ks->files);
	ks->files = NULL;
	ks->nfiles = 0;
	for (size_t i = 0; i < ks->n; i++)
		ks->v[i].file = 0;
}

void ksyms_free(struct ksyms *ks)
{
	ksyms_forget_files(ks);
	for (size_t i = 0; i < ks->n; i++)
		free(ks->v[i].name);
	free(ks->v);
	memset(ks, 0, sizeof(*ks));
}

int ksyms_load_map(const char *path, struct ksyms *out)
{
	FILE *f = fopen(path, "r");
	char line[1024], name[512], type;
	unsigned long addr;
	size_t cap = 0;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	out->in_address_order = true;
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '\n')
			continue;
		if (sscanf(line, "%lx %c %511s", &addr, &type, name) != 3) {
			ret = -EINVAL;
			break;
		}
		ret = ksyms_push(out, &cap, addr, type, name);
		if (ret)
			break;
	}
	fclose(f);
	if (ret)
		ksyms_free(out);
	return ret;
}

/* The nm letter for an ELF symbol of vmlinux, close enough for sympos. */
static char elf_sym_letter(const struct kelf_sym *y)
{
	const GElf_Shdr *sh = y->sec ? &y->sec->sh : NULL;
	char c;

	if (y->shndx == SHN_ABS)
		c = 'a';
	else if (!sh)
		c = '?';
	else if (sh->sh_flags & SHF_EXECINSTR)
		c = 't';
	else if (sh->sh_type == SHT_NOBITS)
		c = 'b';
	else if (!(sh->sh_flags & SHF_WRITE))
		c = 'r';
	else
		c = 'd';
	if (y->bind != STB_LOCAL)
		c = (char)(c - 'a' + 'A');
	return c;
}

static int cmp_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Symbols a loaded module keeps in its kallsyms (see ksyms_load_module). */
static bool module_keeps(const struct kelf_sym *y)
{
	const struct kelf_sec *s = y->sec;

	/* init sections are freed after loading, their symbols with them */
	return s && (s->sh.sh_flags & SHF_ALLOC) && strncmp(s->name, ".init", 5) &&
	       strncmp(s->name, ".exit", 5);
}

int ksyms_add_file(struct ksyms *ks, size_t *cap, const char *name)
{
	if (kp_reserve(&ks->files, cap, ks->nfiles + 1, sizeof(*ks->files)))
		return -ENOMEM;
	ks->files[ks->nfiles] = strdup(name);
	if (!ks->files[ks->nfiles])
		return -ENOMEM;
	ks->nfiles++;
	return 0;
}

/*
 * The linker copies each input object's local symbols as one run behind
 * that object's file symbol, in link order: a local function or variable
 * belongs to the file symbol last seen.
 */
static int load_elf(const char *path, struct ksyms *out, bool module)
{
	size_t cap = 0, fcap = 0;
	struct kelf *k;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = kelf_open_symbols(path, &k, NULL);
	if (ret)
		return ret;
	for (size_t i = 0; !ret && i < k->nsyms; i++) {
		const struct kelf_sym *y = k->syms[i];

		if (y->type == STT_FILE) {
			ret = ksyms_add_file(out, &fcap, y->name);
			continue;
		}
		if (y->type == STT_SECTION || y->shndx == SHN_UNDEF || !*y->name)
			continue;
		if (module && !module_keeps(y))
			continue;
		ret = ksyms_push(out, &cap, y->value, elf_sym_letter(y), y->name);
		if (!ret && out->nfiles && y->bind == STB_LOCAL &&
		    (y->type == STT_FUNC || y->type == STT_OBJECT))
			out->v[out->n - 1].file = (unsigned int)out->nfiles;
	}
	kelf_free(k);
	if (ret) {
		ksyms_free(out);
		return ret;
	}
	out->in_address_order = !module;
	if (out->n && !module)
		qsort(out->v, out->n, sizeof(*out->v), cmp_addr);
	return 0;
}

int ksyms_load_elf(const char *path, struct ksyms *out)
{
	return load_elf(path, out, false);
}

int ksyms_load_module(const char *ko_path, struct ksyms *out)
{
	return load_elf(ko_path, out, true);
}

int ksyms_load(const char *path, struct ksyms *out)
{
	unsigned char magic[4] = { 0 };
	FILE *f = fopen(path, "rb");
	size_t got;

	if (!f)
		return -errno;
	got = fread(magic, 1, sizeof(magic), f);
	fclose(f);
	if (got == 4 && !memcmp(magic, ELFMAG, SELFMAG))
		return ksyms_load_elf(path, out);
	return ksyms_load_map(path, out);
}
