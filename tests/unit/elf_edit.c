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

const char *eobj_symname(const struct eobj *o, size_t i)
{
	const char *strs = (const char *)o->buf + eobj_shdr(o, symtab(o)->sh_link)->sh_offset;

	return strs + eobj_sym(o, i)->st_name;
}

static const char *differs(char *why, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static const char *differs(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, n, fmt, ap);
	va_end(ap);
	return why;
}

const char *eobj_diff(const struct eobj *a, const struct eobj *b, bool relas, size_t skip_sym,
		      char *why, size_t n)
{
	const Elf64_Ehdr *ea = eobj_ehdr(a), *eb = eobj_ehdr(b);

	if (memcmp(ea->e_ident, eb->e_ident, EI_NIDENT) || ea->e_type != eb->e_type ||
	    ea->e_machine != eb->e_machine || ea->e_flags != eb->e_flags ||
	    ea->e_shstrndx != eb->e_shstrndx)
		return differs(why, n, "ELF header");
	if (eobj_shnum(b) < eobj_shnum(a))
		return differs(why, n, "%zu sections, was %zu", eobj_shnum(b), eobj_shnum(a));
	for (size_t i = 1; i < eobj_shnum(a); i++) {
		const Elf64_Shdr *x = eobj_shdr(a, i), *y = eobj_shdr(b, i);
		bool rela = x->sh_type == SHT_RELA;

		if (strcmp(eobj_secname(a, i), eobj_secname(b, i)) || x->sh_type != y->sh_type ||
		    x->sh_flags != y->sh_flags || x->sh_addr != y->sh_addr ||
		    x->sh_link != y->sh_link || x->sh_info != y->sh_info ||
		    x->sh_addralign != y->sh_addralign || x->sh_entsize != y->sh_entsize ||
		    (x->sh_size != y->sh_size && x->sh_type != SHT_STRTAB && (relas || !rela)))
			return differs(why, n, "section %zu '%s': header", i, eobj_secname(a, i));
		if (y->sh_addralign > 1 && y->sh_offset % y->sh_addralign)
			return differs(why, n, "section %zu '%s': offset %#lx not aligned", i,
				       eobj_secname(b, i), (unsigned long)y->sh_offset);
		if (x->sh_type == SHT_NOBITS || x->sh_type == SHT_STRTAB ||
		    x->sh_type == SHT_SYMTAB || (rela && !relas))
			continue;
		if (memcmp(a->buf + x->sh_offset, b->buf + y->sh_offset, x->sh_size))
			return differs(why, n, "section %zu '%s': bytes", i, eobj_secname(a, i));
	}
	if (eobj_nsyms(a) != eobj_nsyms(b))
		return differs(why, n, "%zu symbols, was %zu", eobj_nsyms(b), eobj_nsyms(a));
	for (size_t i = 1; i < eobj_nsyms(a); i++) {
		const Elf64_Sym *x = eobj_sym(a, i), *y = eobj_sym(b, i);

		if (i == skip_sym)
			continue;
		if (strcmp(eobj_symname(a, i), eobj_symname(b, i)) || x->st_info != y->st_info ||
		    x->st_other != y->st_other || x->st_shndx != y->st_shndx ||
		    x->st_value != y->st_value || x->st_size != y->st_size)
			return differs(why, n, "symbol %zu '%s'", i, eobj_symname(a, i));
	}
	return NULL;
}

/* A livepatch module's shape as kbuild links it (see elf_edit.h). */
const char eobj_module_src[] =
	"struct module { char name[56]; int (*init)(void); void (*exit)(void); };\n"
	"extern int hidden_counter;\n"
	"extern int exported_puts(const char *);\n"
	"int patched_init(void);\n"
	"void patched_exit(void);\n"
	"int patched_init(void) { return hidden_counter + exported_puts(\"hi\"); }\n"
	"void patched_exit(void) { exported_puts(\"bye\"); }\n"
	"static const char license[] __attribute__((section(\".modinfo\"), used, aligned(1))) =\n"
	"	\"license=GPL\";\n"
	"static const struct { unsigned long crc; char name[56]; } versions[]\n"
	"	__attribute__((section(\"__versions\"), used, aligned(32))) = { { 0x1234, \"module_layout\" } };\n"
	"struct module __this_module __attribute__((section(\".gnu.linkonce.this_module\"), aligned(64))) =\n"
	"	{ \"m\", patched_init, patched_exit };\n"
	"static const char btf[] __attribute__((section(\".BTF\"), used)) = \"\\x9f\\xeb\\x01\";\n"
	"asm(\".pushsection .note.Linux,\\\"a\\\",@note\\n.balign 4\\n.long 6\\n.long 4\\n.long 0x100\\n\"\n"
	"    \".asciz \\\"Linux\\\"\\n.balign 4\\n.long 0\\n.popsection\\n\");\n";
