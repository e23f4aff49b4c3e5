// SPDX-License-Identifier: GPL-2.0
/* Loading the kernel's symbol table from System.map or vmlinux. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/array.h"
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
	ks->n++;
	return 0;
}

void ksyms_free(struct ksyms *ks)
{
	for (size_t i = 0; i < ks->n; i++)
		free(ks->v[i].name);
	free(ks->v);
	ks->v = NULL;
	ks->n = 0;
}

int ksyms_load_map(const char *path, struct ksyms *out)
{
	FILE *f = fopen(path, "r");
	char line[1024], name[512], type;
	unsigned long addr;
	size_t cap = 0;
	int ret = 0;

	out->v = NULL;
	out->n = 0;
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
static char elf_sym_letter(GElf_Sym *sym, GElf_Shdr *sh)
{
	char c;

	if (sym->st_shndx == SHN_ABS)
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
	if (GELF_ST_BIND(sym->st_info) != STB_LOCAL)
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

static int load_elf(const char *path, struct ksyms *out, bool module);

int ksyms_load_elf(const char *path, struct ksyms *out)
{
	return load_elf(path, out, false);
}

int ksyms_load_module(const char *ko_path, struct ksyms *out)
{
	return load_elf(ko_path, out, true);
}

/* Symbols a loaded module keeps in its kallsyms (see ksyms_load_module). */
static bool module_keeps(Elf *elf, GElf_Sym *sym, GElf_Shdr *sh)
{
	size_t shstrndx;
	const char *sec;

	if (!sh || !(sh->sh_flags & SHF_ALLOC) || elf_getshdrstrndx(elf, &shstrndx))
		return false;
	sec = elf_strptr(elf, shstrndx, sh->sh_name);
	/* init sections are freed after loading, their symbols with them */
	return sec && strncmp(sec, ".init", 5) && strncmp(sec, ".exit", 5) &&
	       GELF_ST_TYPE(sym->st_info) != STT_SECTION;
}

static int load_elf(const char *path, struct ksyms *out, bool module)
{
	Elf *elf = NULL;
	Elf_Scn *scn = NULL;
	size_t cap = 0;
	int fd, ret = -EINVAL;

	out->v = NULL;
	out->n = 0;
	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf)
		goto out;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		data = elf_getdata(scn, NULL);
		for (size_t i = 1; data && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			GElf_Shdr tsh, *tshp = NULL;
			const char *name;
			int t;

			if (!gelf_getsym(data, (int)i, &sym))
				continue;
			t = GELF_ST_TYPE(sym.st_info);
			if (t == STT_SECTION || t == STT_FILE || sym.st_shndx == SHN_UNDEF)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name || !*name)
				continue;
			if (sym.st_shndx < SHN_LORESERVE &&
			    gelf_getshdr(elf_getscn(elf, sym.st_shndx), &tsh))
				tshp = &tsh;
			if (module && !module_keeps(elf, &sym, tshp))
				continue;
			ret = ksyms_push(out, &cap, sym.st_value,
					 elf_sym_letter(&sym, tshp), name);
			if (ret)
				goto out;
		}
		ret = 0;
		break;
	}
	if (out->n && !module)
		qsort(out->v, out->n, sizeof(*out->v), cmp_addr);
out:
	if (elf)
		elf_end(elf);
	close(fd);
	if (ret)
		ksyms_free(out);
	return ret;
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
