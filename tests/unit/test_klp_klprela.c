// SPDX-License-Identifier: GPL-2.0
/*
 * The post-link step on a real relocatable object: the non-exported symbol
 * becomes ".klp.sym.vmlinux.<name>,<pos>" in SHN_LIVEPATCH, every relocation
 * against it moves to ".klp.rela.vmlinux.<section>" (SHF_RELA_LIVEPATCH,
 * sh_info = the patched section), and the others stay where they were.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "build_fixture.h"
#include "elf_edit.h"
#include "klp/klprela.h"

static const char src[] =
	"extern char *hidden_line;\n"
	"extern int hidden_counter;\n"
	"extern int exported_puts(const char *);\n"
	"int patched_show(void);\n"
	"int patched_show(void) { exported_puts(hidden_line); return hidden_counter; }\n"
	"int patched_other(void);\n"
	"int patched_other(void) { return hidden_counter + 1; }\n";

struct seen {
	int klp_syms, undef_named, klp_secs, klp_relocs, plain_to_klp, plain_relocs;
	char klp_names[4][96];
	char sec_names[4][96];
	int sec_info_ok;
};

static void inspect(const char *path, struct seen *s)
{
	int fd = open(path, O_RDONLY);
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr symsh = { 0 };
	Elf_Data *symdata = NULL;

	memset(s, 0, sizeof(*s));
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	assert_non_null(elf);
	elf_getshdrstrndx(elf, &shstrndx);
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		gelf_getshdr(scn, &sh);
		if (sh.sh_type == SHT_SYMTAB) {
			symsh = sh;
			symdata = elf_getdata(scn, NULL);
		}
	}
	assert_non_null(symdata);
	for (size_t i = 1; i < symsh.sh_size / symsh.sh_entsize; i++) {
		GElf_Sym sym;
		const char *n;

		gelf_getsym(symdata, (int)i, &sym);
		n = elf_strptr(elf, symsh.sh_link, sym.st_name);
		if (sym.st_shndx == KLP_SHN_LIVEPATCH && s->klp_syms < 4)
			strcpy(s->klp_names[s->klp_syms++], n);
		if (sym.st_shndx == SHN_UNDEF && (!strcmp(n, "hidden_line") || !strcmp(n, "hidden_counter")))
			s->undef_named++;
	}
	scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh, tsh;
		Elf_Data *d;
		const char *n;

		gelf_getshdr(scn, &sh);
		if (sh.sh_type != SHT_RELA)
			continue;
		n = elf_strptr(elf, shstrndx, sh.sh_name);
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; i < sh.sh_size / sizeof(Elf64_Rela); i++) {
			GElf_Rela r;
			GElf_Sym sym;

			gelf_getrela(d, (int)i, &r);
			gelf_getsym(symdata, (int)GELF_R_SYM(r.r_info), &sym);
			if (sh.sh_flags & KLP_SHF_RELA_LIVEPATCH) {
				s->klp_relocs++;
			} else {
				s->plain_relocs++;
				if (sym.st_shndx == KLP_SHN_LIVEPATCH)
					s->plain_to_klp++;
			}
		}
		if (sh.sh_flags & KLP_SHF_RELA_LIVEPATCH) {
			gelf_getshdr(elf_getscn(elf, sh.sh_info), &tsh);
			if (s->klp_secs < 4)
				strcpy(s->sec_names[s->klp_secs++], n);
			if (!strcmp(n + strlen(".klp.rela.vmlinux"), elf_strptr(elf, shstrndx, tsh.sh_name)) &&
			    (sh.sh_flags & SHF_ALLOC))
				s->sec_info_ok++;
		}
	}
	elf_end(elf);
	close(fd);
}

static void moves_only_livepatch_relocations(void **state)
{
	char *obj = fx_compile("patch", src);
	struct klp_ref refs[] = {
		{ "hidden_line", "vmlinux", 0, NULL },
		{ "hidden_counter", "vmlinux", 2, NULL },
		{ "not_referenced", "vmlinux", 0, NULL },
	};
	struct klp_stats st;
	struct seen s;

	assert_int_equal(klp_write_relocs(obj, refs, 3, &st), 0);
	assert_int_equal(st.symbols, 2);
	assert_int_equal(st.sections, 2);	/* .text.patched_show, .text.patched_other */
	assert_int_equal(st.relocs, 3);

	inspect(obj, &s);
	assert_int_equal(s.klp_syms, 2);
	assert_int_equal(s.undef_named, 0);
	assert_true(!strcmp(s.klp_names[0], ".klp.sym.vmlinux.hidden_line,0") ||
		    !strcmp(s.klp_names[1], ".klp.sym.vmlinux.hidden_line,0"));
	assert_true(!strcmp(s.klp_names[0], ".klp.sym.vmlinux.hidden_counter,2") ||
		    !strcmp(s.klp_names[1], ".klp.sym.vmlinux.hidden_counter,2"));
	assert_int_equal(s.klp_secs, 2);
	assert_int_equal(s.sec_info_ok, 2);
	assert_int_equal(s.klp_relocs, 3);
	assert_int_equal(s.plain_to_klp, 0);
	assert_true(s.plain_relocs >= 1);	/* exported_puts stays a normal relocation */
	fx_cleanup();
}

/* An export of another module: looked up there, applied with the patched module. */
static void module_export_is_looked_up_in_its_module(void **state)
{
	char *obj = fx_compile("modexport", src);
	struct klp_ref refs[] = { { "hidden_line", "dm_mirror", 0, "dm_mod" } };
	struct klp_stats st;
	struct seen s;

	assert_int_equal(klp_write_relocs(obj, refs, 1, &st), 0);
	assert_int_equal(st.symbols, 1);
	inspect(obj, &s);
	assert_int_equal(s.klp_syms, 1);
	assert_string_equal(s.klp_names[0], ".klp.sym.dm_mod.hidden_line,0");
	assert_int_equal(s.klp_secs, 1);
	assert_non_null(strstr(s.sec_names[0], ".klp.rela.dm_mirror."));
	fx_cleanup();
}

static void nothing_to_do_leaves_the_object_alone(void **state)
{
	char *obj = fx_compile("plain", src);
	struct klp_ref refs[] = { { "absent", "vmlinux", 0, NULL } };
	struct klp_stats st;
	struct seen s;

	assert_int_equal(klp_write_relocs(obj, refs, 1, &st), 0);
	assert_int_equal(st.symbols + st.relocs + st.sections, 0);
	inspect(obj, &s);
	assert_int_equal(s.klp_syms + s.klp_secs, 0);
	assert_int_equal(s.undef_named, 2);
	fx_cleanup();
}

static void not_elf_is_refused(void **state)
{
	struct klp_ref refs[] = { { "x", "vmlinux", 0, NULL } };
	struct klp_stats st;

	assert_int_equal(klp_write_relocs(fx_write("junk.ko", "not an ELF file\n"), refs, 1, &st),
			 -EINVAL);
	assert_int_equal(klp_write_relocs("/nonexistent.ko", refs, 1, &st), -ENOENT);
	fx_cleanup();
}

/*
 * Everything of the module but the livepatch symbol and the relocations
 * that moved stays as it was: headers, bytes, indices, alignment.
 */
static void module_keeps_its_sections(void **state)
{
	const char *ld[] = { "ld", "-r", "--build-id=sha1", "-o", "m.ko", "mod.o", NULL };
	struct klp_ref refs[] = { { "hidden_counter", "vmlinux", 0, NULL } };
	struct klp_stats st;
	struct eobj a, b;
	char ko[512], why[200];
	size_t yi, oi;
	const char *d;

	fx_compile("mod", eobj_module_src);
	fx_run(NULL, ld);
	snprintf(ko, sizeof(ko), "%s/m.ko", fx_dir());
	eobj_read(&a, ko);
	assert_int_equal(klp_write_relocs(ko, refs, 1, &st), 0);
	assert_int_equal(st.symbols, 1);
	assert_int_equal(st.sections, 1);
	assert_int_equal(st.relocs, 1);
	eobj_read(&b, ko);
	yi = eobj_symbol(&a, "hidden_counter", 0);
	assert_true(yi);
	d = eobj_diff(&a, &b, false, yi, why, sizeof(why));
	if (d)
		fail_msg("post-linked module: %s", d);
	assert_string_equal(eobj_symname(&b, yi), ".klp.sym.vmlinux.hidden_counter,0");
	assert_int_equal(eobj_sym(&b, yi)->st_shndx, KLP_SHN_LIVEPATCH);
	assert_int_equal(eobj_shnum(&b), eobj_shnum(&a) + 1);
	assert_string_equal(eobj_secname(&b, eobj_shnum(&a)), ".klp.rela.vmlinux.text.patched_init");
	assert_int_equal(eobj_shdr(&b, eobj_shnum(&a))->sh_flags,
			 SHF_ALLOC | SHF_INFO_LINK | KLP_SHF_RELA_LIVEPATCH);
	oi = eobj_section(&a, ".rela.text.patched_init", 0);
	for (size_t i = 1; i < eobj_shnum(&a); i++) {
		const Elf64_Shdr *x = eobj_shdr(&a, i), *z = eobj_shdr(&b, i);

		if (x->sh_type != SHT_RELA)
			continue;
		if (i == oi) {
			assert_int_equal(z->sh_size, x->sh_size - sizeof(Elf64_Rela));
			continue;
		}
		assert_int_equal(z->sh_size, x->sh_size);
		assert_memory_equal(b.buf + z->sh_offset, a.buf + x->sh_offset, x->sh_size);
	}
	assert_true(eobj_section(&b, ".BTF", 0) && eobj_section(&b, "__versions", 0) &&
		    eobj_section(&b, ".modinfo", 0) && eobj_section(&b, ".note.Linux", 0));
	eobj_free(&a);
	eobj_free(&b);
	fx_cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(moves_only_livepatch_relocations),
		cmocka_unit_test(module_export_is_looked_up_in_its_module),
		cmocka_unit_test(nothing_to_do_leaves_the_object_alone),
		cmocka_unit_test(not_elf_is_refused),
		cmocka_unit_test(module_keeps_its_sections),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
