// SPDX-License-Identifier: GPL-2.0
/*
 * The loader on crafted objects: a compiled object with one header field
 * changed must be refused by kelf_open with one line naming the file and
 * the entry, never followed into a crash further on (the differ used to
 * dereference the missing section of an SHN_ABS section symbol).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "diff_fixture.h"
#include "elf_edit.h"

static const char src[] =
	"static int counter;\n"
	"int show(struct seq_file *m) { seq_puts(m, \"hello\"); return ++counter; }\n"
	"int other(int x) { return x * 3 + counter; }\n";

/* A symbol the object must have: fails the test, not the edit, when absent. */
static size_t sym_of(const struct eobj *o, const char *name, unsigned int type)
{
	size_t i = eobj_symbol(o, name, type);

	assert_true(i);
	return i;
}

static size_t sec_of(const struct eobj *o, const char *name, unsigned int type)
{
	size_t i = eobj_section(o, name, type);

	assert_true(i);
	return i;
}

/* The section symbol the first relocation of show's code refers to. */
static size_t string_secsym(const struct eobj *o)
{
	size_t rs = sec_of(o, ".rela.text.show", 0), i;

	for (i = 0; i < eobj_shdr(o, rs)->sh_size / sizeof(Elf64_Rela); i++) {
		size_t y = ELF64_R_SYM(eobj_rela(o, rs, i)->r_info);

		if (ELF64_ST_TYPE(eobj_sym(o, y)->st_info) == STT_SECTION)
			return y;
	}
	fail_msg("show refers to no section symbol");
	return 0;
}

typedef void (*edit_fn)(struct eobj *o);

/* Compiles SRC, applies EDIT to a copy (f->patched) and expects kelf_open to refuse it. */
static void assert_bad(struct fx *f, edit_fn edit, const char *reason)
{
	struct kelf_err err = { "" };
	struct eobj o;
	struct kelf *k;
	char prefix[320];

	fx_compile(f, src, f->orig);
	eobj_read(&o, f->orig);
	edit(&o);
	eobj_write(&o, f->patched);
	eobj_free(&o);
	assert_true(kelf_open(f->patched, &k, &err) < 0);
	assert_null(k);
	snprintf(prefix, sizeof(prefix), "%s: ", f->patched);
	if (strncmp(err.msg, prefix, strlen(prefix)) || !strstr(err.msg, reason))
		fail_msg("expected \"%s...%s\", got: %s", prefix, reason, err.msg);
	assert_null(strchr(err.msg, '\n'));
}

static void secsym_abs(struct eobj *o) { eobj_sym(o, string_secsym(o))->st_shndx = SHN_ABS; }
static void secsym_undef(struct eobj *o) { eobj_sym(o, string_secsym(o))->st_shndx = SHN_UNDEF; }
static void sym_past_sections(struct eobj *o) { eobj_sym(o, sym_of(o, "show", 0))->st_shndx = eobj_shnum(o) + 3; }
static void sym_xindex(struct eobj *o) { eobj_sym(o, sym_of(o, "show", 0))->st_shndx = SHN_XINDEX; }
static void sym_reserved(struct eobj *o) { eobj_sym(o, sym_of(o, "other", 0))->st_shndx = 0xff20; }
static void sym_past_end(struct eobj *o) { eobj_sym(o, sym_of(o, "show", 0))->st_value = 0x100000; }
static void sym_too_big(struct eobj *o) { eobj_sym(o, sym_of(o, "other", 0))->st_size = ~0ULL; }
static void sym_name(struct eobj *o) { eobj_sym(o, sym_of(o, "show", 0))->st_name = 0x7fffffff; }
static void sec_name(struct eobj *o) { eobj_shdr(o, sec_of(o, ".text.show", 0))->sh_name = 0x7fffffff; }
static void shstrndx(struct eobj *o) { eobj_ehdr(o)->e_shstrndx = eobj_shnum(o) + 1; }
static void symtab_link(struct eobj *o) { eobj_shdr(o, sec_of(o, NULL, SHT_SYMTAB))->sh_link = 999; }
static void symtab_link_self(struct eobj *o) { size_t s = sec_of(o, NULL, SHT_SYMTAB); eobj_shdr(o, s)->sh_link = s; }
static void symtab_info(struct eobj *o) { eobj_shdr(o, sec_of(o, NULL, SHT_SYMTAB))->sh_info = 100000; }
static void rela_info(struct eobj *o) { eobj_shdr(o, sec_of(o, ".rela.text.show", 0))->sh_info = 999; }
static void rela_info_bss(struct eobj *o) { eobj_shdr(o, sec_of(o, ".rela.text.show", 0))->sh_info = sec_of(o, ".bss.counter", 0); }
static void rela_link(struct eobj *o) { eobj_shdr(o, sec_of(o, ".rela.text.show", 0))->sh_link = sec_of(o, ".text.show", 0); }
static void rela_sym(struct eobj *o) { Elf64_Rela *r = eobj_rela(o, sec_of(o, ".rela.text.show", 0), 0); r->r_info = ELF64_R_INFO(eobj_nsyms(o) + 7, ELF64_R_TYPE(r->r_info)); }
static void rela_offset(struct eobj *o) { eobj_rela(o, sec_of(o, ".rela.text.show", 0), 0)->r_offset = 0x10000; }
static void rela_offset_edge(struct eobj *o) { size_t t = sec_of(o, ".text.show", 0); eobj_rela(o, sec_of(o, ".rela.text.show", 0), 0)->r_offset = eobj_shdr(o, t)->sh_size - 2; }
static void rela_size(struct eobj *o) { eobj_shdr(o, sec_of(o, ".rela.text.show", 0))->sh_size -= 5; }
static void any_link(struct eobj *o) { eobj_shdr(o, sec_of(o, ".text.other", 0))->sh_link = 500; }
static void data_outside(struct eobj *o) { eobj_shdr(o, sec_of(o, ".text.other", 0))->sh_offset = o->len + 100; }
static void huge_align(struct eobj *o) { eobj_shdr(o, sec_of(o, ".text.other", 0))->sh_addralign = 1ULL << 40; }
static void odd_align(struct eobj *o) { eobj_shdr(o, sec_of(o, ".text.other", 0))->sh_addralign = 24; }
static void big_endian(struct eobj *o) { eobj_ehdr(o)->e_ident[EI_DATA] = ELFDATA2MSB; }

#define CASE(name, edit, reason) \
	static void name(void **state) { assert_bad(*state, edit, reason); }

CASE(section_symbol_abs, secsym_abs, "section symbol with section index SHN_ABS")
CASE(section_symbol_undef, secsym_undef, "section symbol with section index SHN_UNDEF")
CASE(symbol_past_the_sections, sym_past_sections, "'show': section index")
CASE(symbol_xindex_without_table, sym_xindex, "'show': SHN_XINDEX without an index table")
CASE(symbol_reserved_index, sym_reserved, "'other': reserved section index 0xff20")
CASE(symbol_past_its_section, sym_past_end, "'show': bytes 0x100000+")
CASE(symbol_larger_than_section, sym_too_big, "outside its section '.text.other'")
CASE(symbol_name_offset, sym_name, "name offset 2147483647 is not in the string table")
CASE(section_name_offset, sec_name, "name offset 2147483647 is not in the section name table")
CASE(section_name_table_index, shstrndx, "section name table index")
CASE(symtab_link_out_of_range, symtab_link, "'.symtab': sh_link 999 is not a section")
CASE(symtab_link_not_strings, symtab_link_self, "'.symtab': sh_link")
CASE(symtab_info_past_symbols, symtab_info, "symbol table: sh_info 100000 is past")
CASE(rela_target_out_of_range, rela_info, "'.rela.text.show': sh_info 999 is not a section relocations can apply to")
CASE(rela_target_nobits, rela_info_bss, "'.rela.text.show': sh_info")
CASE(rela_link_not_symtab, rela_link, "'.rela.text.show': sh_link")
CASE(rela_symbol_out_of_range, rela_sym, "relocation 0: symbol index")
CASE(rela_offset_past_section, rela_offset, "relocation 0: offset 0x10000 is outside '.text.show'")
CASE(rela_field_across_the_end, rela_offset_edge, "relocation 0: offset")
CASE(rela_table_partial_entry, rela_size, "is not a multiple of 24")
CASE(any_link_out_of_range, any_link, "'.text.other': sh_link 500 is not a section")
CASE(section_data_outside_file, data_outside, "'.text.other': data outside the file")
CASE(big_endian_object, big_endian, "not an x86_64 relocatable object")
CASE(section_alignment_huge, huge_align, "'.text.other': alignment 0x10000000000 is not a power of two up to 0x200000")
CASE(section_alignment_not_power_of_two, odd_align, "'.text.other': alignment 0x18 is not")

/* A FIFO has no writer: opening it must not wait for one. */
static void fifo_is_refused_without_blocking(void **state)
{
	struct fx *f = *state;
	struct kelf_err err = { "" };
	struct kelf *k;

	assert_int_equal(mkfifo(f->patched, 0600), 0);
	alarm(10);	/* a hang fails the test instead of the suite */
	assert_true(kelf_open(f->patched, &k, &err) < 0);
	alarm(0);
	assert_non_null(strstr(err.msg, "a FIFO, not an object file"));
	assert_true(kelf_open(f->dir, &k, &err) < 0);
	assert_non_null(strstr(err.msg, "a directory, not an object file"));
}

/*
 * The case the differ crashed on: the patched object's string section
 * symbol made absolute, in an otherwise unchanged function. kpatch-diff
 * exits 1 with one line and writes nothing.
 */
static void differ_refuses_abs_section_symbol(void **state)
{
	struct fx *f = *state;
	struct eobj o;

	fx_compile(f, src, f->orig);
	eobj_read(&o, f->orig);
	secsym_abs(&o);
	eobj_write(&o, f->patched);
	eobj_free(&o);
	assert_int_equal(fx_sh("%s %s %s -o %s --manifest %s 2>%s/err", fx_tool(), f->orig,
			       f->patched, f->out, f->manifest, f->dir), 1);
	assert_int_equal(fx_sh("test $(wc -l < %s/err) = 1", f->dir), 0);
	assert_int_equal(fx_sh("grep -q '^kpatch-diff: patched: %s: symbol [0-9]*: section symbol "
			       "with section index SHN_ABS$' %s/err", f->patched, f->dir), 0);
	assert_int_equal(fx_sh("test ! -e %s && test ! -e %s", f->out, f->manifest), 0);
	/* the other way round too */
	assert_int_equal(fx_sh("%s %s %s -o %s --manifest %s 2>/dev/null", fx_tool(), f->patched,
			       f->orig, f->out, f->manifest), 1);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(section_symbol_abs), T(section_symbol_undef), T(symbol_past_the_sections),
		T(symbol_xindex_without_table), T(symbol_reserved_index), T(symbol_past_its_section),
		T(symbol_larger_than_section), T(symbol_name_offset), T(section_name_offset),
		T(section_name_table_index), T(symtab_link_out_of_range), T(symtab_link_not_strings),
		T(symtab_info_past_symbols), T(rela_target_out_of_range), T(rela_target_nobits),
		T(rela_link_not_symtab), T(rela_symbol_out_of_range), T(rela_offset_past_section),
		T(rela_field_across_the_end), T(rela_table_partial_entry), T(any_link_out_of_range),
		T(section_data_outside_file), T(big_endian_object),
		T(section_alignment_huge), T(section_alignment_not_power_of_two),
		T(fifo_is_refused_without_blocking), T(differ_refuses_abs_section_symbol),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
