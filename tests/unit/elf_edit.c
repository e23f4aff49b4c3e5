// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "elf_edit.h"

void eobj_read(struct eobj *o, const char *path)
{
	FILE *f = fopen(path, "rb");
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	o->len = (size_t)n;
	o->buf = malloc(o->len);
	assert_non_null(o->buf);
	assert_int_equal(fread(o->buf, 1, o->len, f), o->len);
	fclose(f);
}

void eobj_write(const struct eobj *o, const char *path)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(o->buf, 1, o->len, f), o->len);
	assert_int_equal(fclose(f), 0);
}

void eobj_free(struct eobj *o)
{
	free(o->buf);
	o->buf = NULL;
}

Elf64_Ehdr *eobj_ehdr(const struct eobj *o)
{
	return (Elf64_Ehdr *)o->buf;
}

size_t eobj_shnum(const struct eobj *o)
{
	return eobj_ehdr(o)->e_shnum;
}

Elf64_Shdr *eobj_shdr(const struct eobj *o, size_t i)
{
	return (Elf64_Shdr *)(o->buf + eobj_ehdr(o)->e_shoff) + i;
}

const char *eobj_secname(const struct eobj *o, size_t i)
{
	Elf64_Shdr *strs = eobj_shdr(o, eobj_ehdr(o)->e_shstrndx);

	return (const char *)o->buf + strs->sh_offset + eobj_shdr(o, i)->sh_name;
}

size_t eobj_section(const struct eobj *o, const char *name, unsigned int type)
{
	for (size_t i = 1; i < eobj_shnum(o); i++)
		if (name ? !strcmp(eobj_secname(o, i), name) : eobj_shdr(o, i)->sh_type == type)
			return i;
	return 0;
}

static Elf64_Shdr *symtab(const struct eobj *o)
{
	size_t i = eobj_section(o, NULL, SHT_SYMTAB);

	assert_true(i);
	return eobj_shdr(o, i);
}

size_t eobj_nsyms(const struct eobj *o)
{
	return symtab(o)->sh_size / sizeof(Elf64_Sym);
}

Elf64_Sym *eobj_sym(const struct eobj *o, size_t i)
{
	return (Elf64_Sym *)(o->buf + symtab(o)->sh_offset) + i;
}

size_t eobj_symbol(const struct eobj *o, const char *name, unsigned int type)
{
	const char *strs = (const char *)o->buf + eobj_shdr(o, symtab(o)->sh_link)->sh_offset;

	for (size_t i = 1; i < eobj_nsyms(o); i++) {
		Elf64_Sym *y = eobj_sym(o, i);

		if (name ? !strcmp(strs + y->st_name, name) : ELF64_ST_TYPE(y->st_info) == type)
			return i;
	}
	return 0;
}

Elf64_Rela *eobj_rela(const struct eobj *o, size_t sec, size_t i)
{
	return (Elf64_Rela *)(o->buf + eobj_shdr(o, sec)->sh_offset) + i;
}
