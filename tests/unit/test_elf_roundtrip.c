// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF model: an object built with the kelf API, written and read back,
 * keeps its sections, symbols (locals first, as ELF requires) and
 * relocations, and the binutils accept it; a compiled object loads with
 * its relocations attached to the sections they apply to.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <unistd.h>

#include "diff_fixture.h"
#include "elf_edit.h"

/* eobj_module_src (elf_edit.h), linked as kbuild links a module. */
static void link_module(struct fx *f, char *ko, size_t n)
{
	snprintf(ko, n, "%s/m.ko", f->dir);
	fx_compile(f, eobj_module_src, f->orig);
	assert_int_equal(fx_sh("ld -r --build-id=sha1 -o %s %s", ko, f->orig), 0);
}

static void built_object_round_trips(void **state)
{
	struct fx *f = *state;
	static const unsigned char code[] = { 0xe8, 0, 0, 0, 0, 0xc3 };
	GElf_Shdr text = { .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
			   .sh_addralign = 16 };
	GElf_Shdr bss = { .sh_type = SHT_NOBITS, .sh_flags = SHF_ALLOC | SHF_WRITE,
			  .sh_addralign = 8 };
	struct kelf *k = kelf_new(), *r;
	struct kelf_sec *t, *b;
	struct kelf_sym *fn, *ext, *var;
	struct kelf_err err;

	assert_non_null(k);
	t = kelf_add_section(k, ".text.fn", &text, code, sizeof(code));
	b = kelf_add_section(k, ".bss.var", &bss, NULL, 64);
	assert_non_null(t);
	assert_non_null(b);
	/* a global first: the writer must still put locals first */
	fn = kelf_add_symbol(k, "fn", STB_GLOBAL, STT_FUNC, t, 0, sizeof(code));
	ext = kelf_add_symbol(k, "callee", STB_GLOBAL, STT_NOTYPE, NULL, 0, 0);
	var = kelf_add_symbol(k, "var", STB_LOCAL, STT_OBJECT, b, 0, 64);
	assert_non_null(fn);
	assert_non_null(ext);
	assert_non_null(var);
	assert_int_equal(kelf_add_rela(t, 1, 4 /* PLT32 */, ext, -4), 0);
	assert_int_equal(kelf_write(k, f->out, &err), 0);
	kelf_free(k);

	assert_int_equal(kelf_open(f->out, &r, &err), 0);
	t = kelf_find_section(r, ".text.fn");
	b = kelf_find_section(r, ".bss.var");
	assert_non_null(t);
	assert_non_null(b);
	assert_int_equal(t->size, sizeof(code));
	assert_memory_equal(t->data, code, sizeof(code));
	assert_int_equal(t->sh.sh_addralign, 16);
	assert_int_equal(b->sh.sh_type, SHT_NOBITS);
	assert_int_equal(b->size, 64);
	assert_int_equal(t->nrelas, 1);
	assert_int_equal(t->relas[0].offset, 1);
	assert_int_equal(t->relas[0].type, 4);
	assert_int_equal(t->relas[0].addend, -4);
	assert_string_equal(t->relas[0].sym->name, "callee");
	fn = kelf_find_symbol(r, "fn");
	assert_non_null(fn);
	assert_ptr_equal(fn->sec, t);
	assert_ptr_equal(t->primary, fn);
	assert_int_equal(fn->bind, STB_GLOBAL);
	var = kelf_find_symbol(r, "var");
	assert_non_null(var);
	assert_int_equal(var->bind, STB_LOCAL);
	assert_true(var->index < fn->index);
	kelf_free(r);

	/* the binutils agree: symtab sh_info is the first global, ld links it */
	assert_int_equal(fx_sh("readelf -sW %s | grep -q ' LOCAL .* var$'", f->out), 0);
	assert_int_equal(fx_sh("ld -r -o %s/linked.o %s", f->dir, f->out), 0);
	assert_int_equal(fx_sh("readelf -rW %s/linked.o | grep -q 'R_X86_64_PLT32.*callee - 4'",
			       f->dir), 0);
}

static void compiled_object_loads_with_relocations(void **state)
{
	struct fx *f = *state;
	struct kelf_err err;
	struct kelf *k;
	struct kelf_sec *s;
	size_t i;
	bool fentry = false;

	fx_compile(f, "int show(struct seq_file *m) { seq_puts(m, \"x\"); return 1; }\n", f->orig);
	assert_int_equal(kelf_open(f->orig, &k, &err), 0);
	s = kelf_find_section(k, ".text.show");
	assert_non_null(s);
	assert_non_null(s->primary);
	assert_string_equal(s->primary->name, "show");
	for (i = 0; i < s->nrelas; i++) {
		if (i)
			assert_true(s->relas[i - 1].offset <= s->relas[i].offset);
		if (!strcmp(s->relas[i].sym->name, "__fentry__"))
			fentry = true;
	}
	assert_true(fentry);
	assert_non_null(kelf_find_section(k, "__mcount_loc"));
	kelf_free(k);
}

static void bad_inputs_are_errors(void **state)
{
	struct fx *f = *state;
	struct kelf_err err;
	struct kelf *k;

	assert_true(kelf_open("/nonexistent/x.o", &k, &err) < 0);
	assert_null(k);
	assert_non_null(strstr(err.msg, "No such file"));
	assert_int_equal(fx_sh("echo 'not elf' > %s/junk.o", f->dir), 0);
	snprintf(f->orig, sizeof(f->orig), "%s/junk.o", f->dir);
	assert_true(kelf_open(f->orig, &k, &err) < 0);
	assert_non_null(strstr(err.msg, "not an ELF file"));
	/* an executable is not a relocatable object */
	assert_true(kelf_open("/bin/true", &k, &err) < 0);
	assert_non_null(strstr(err.msg, "not an x86_64 relocatable object"));
}

/* Loaded and written back untouched, a module keeps every section, header and symbol. */
static void loaded_module_writes_back_unchanged(void **state)
{
	struct fx *f = *state;
	struct kelf_err err;
	struct eobj a, b;
	struct kelf *k;
	char ko[320], why[200];
	const char *d;

	link_module(f, ko, sizeof(ko));
	assert_int_equal(kelf_open(ko, &k, &err), 0);
	assert_int_equal(kelf_write(k, f->out, &err), 0);
	kelf_free(k);
	eobj_read(&a, ko);
	eobj_read(&b, f->out);
	d = eobj_diff(&a, &b, true, 0, why, sizeof(why));
	if (d)
		fail_msg("written back: %s", d);
	assert_int_equal(eobj_shnum(&b), eobj_shnum(&a));
	assert_int_equal(eobj_shdr(&b, eobj_section(&b, ".note.Linux", 0))->sh_type, SHT_NOTE);
	assert_int_equal(eobj_shdr(&b, eobj_section(&b, ".note.gnu.build-id", 0))->sh_type, SHT_NOTE);
	assert_true(eobj_section(&b, ".modinfo", 0));
	assert_true(eobj_section(&b, "__versions", 0));
	assert_true(eobj_section(&b, ".BTF", 0));
	assert_true(eobj_section(&b, ".rela.gnu.linkonce.this_module", 0));
	assert_int_equal(eobj_shdr(&b, eobj_section(&b, ".gnu.linkonce.this_module", 0))->sh_addralign, 64);
	eobj_free(&a);
	eobj_free(&b);
	assert_int_equal(fx_sh("readelf -SsrW %s >/dev/null 2>%s/readelf.err && ! test -s %s/readelf.err",
			       f->out, f->dir, f->dir), 0);
}

/*
 * Relocations pointed at a new relocation section move there; a symbol
 * without a section keeps the OS-specific index it is given.
 */
static void relocations_move_to_a_new_section(void **state)
{
	struct fx *f = *state;
	struct kelf_err err;
	struct kelf_sec *t, *rs, *old = NULL;
	struct kelf_sym *y;
	struct eobj a, b;
	struct kelf *k;
	char ko[320], why[200];
	size_t moved = 0, yi, ti, oi, ni, i;
	const Elf64_Shdr *nsh;
	const char *d;

	link_module(f, ko, sizeof(ko));
	assert_int_equal(kelf_open(ko, &k, &err), 0);
	t = kelf_find_section(k, ".text.patched_init");
	y = kelf_find_symbol(k, "hidden_counter");
	assert_non_null(t);
	assert_non_null(y);
	rs = kelf_add_rela_section(k, ".klp.rela.vmlinux.text.patched_init", t, SHF_ALLOC | 0x00100000);
	assert_non_null(rs);
	assert_ptr_equal(rs->target, t);
	for (i = 0; i < t->nrelas; i++)
		if (t->relas[i].sym == y) {
			old = t->relas[i].rsec;
			t->relas[i].rsec = rs;
			moved++;
		}
	assert_int_equal(moved, 1);
	assert_non_null(old);
	assert_string_equal(old->name, ".rela.text.patched_init");
	y->shndx = 0xff20;
	assert_int_equal(kelf_write(k, f->out, &err), 0);
	kelf_free(k);

	eobj_read(&a, ko);
	eobj_read(&b, f->out);
	yi = eobj_symbol(&a, "hidden_counter", 0);
	d = eobj_diff(&a, &b, false, yi, why, sizeof(why));
	if (d)
		fail_msg("after the move: %s", d);
	assert_int_equal(eobj_sym(&b, yi)->st_shndx, 0xff20);
	assert_string_equal(eobj_symname(&b, yi), "hidden_counter");
	assert_int_equal(eobj_shnum(&b), eobj_shnum(&a) + 1);
	ni = eobj_shnum(&a);
	nsh = eobj_shdr(&b, ni);
	ti = eobj_section(&b, ".text.patched_init", 0);
	assert_string_equal(eobj_secname(&b, ni), ".klp.rela.vmlinux.text.patched_init");
	assert_int_equal(nsh->sh_type, SHT_RELA);
	assert_int_equal(nsh->sh_flags, SHF_ALLOC | SHF_INFO_LINK | 0x00100000);
	assert_int_equal(nsh->sh_info, ti);
	assert_int_equal(nsh->sh_link, eobj_section(&b, NULL, SHT_SYMTAB));
	assert_int_equal(nsh->sh_entsize, sizeof(Elf64_Rela));
	assert_int_equal(nsh->sh_addralign, 8);
	assert_int_equal(nsh->sh_offset % 8, 0);
	assert_int_equal(nsh->sh_size, sizeof(Elf64_Rela));
	assert_int_equal(ELF64_R_SYM(eobj_rela(&b, ni, 0)->r_info), yi);
	oi = eobj_section(&b, ".rela.text.patched_init", 0);
	assert_int_equal(eobj_shdr(&b, oi)->sh_size, eobj_shdr(&a, oi)->sh_size - sizeof(Elf64_Rela));
	for (i = 0; i < eobj_shdr(&b, oi)->sh_size / sizeof(Elf64_Rela); i++)
		assert_int_not_equal(ELF64_R_SYM(eobj_rela(&b, oi, i)->r_info), yi);
	/* every other relocation section is as it was */
	for (i = 1; i < eobj_shnum(&a); i++) {
		const Elf64_Shdr *x = eobj_shdr(&a, i), *z = eobj_shdr(&b, i);

		if (x->sh_type != SHT_RELA || i == oi)
			continue;
		assert_int_equal(z->sh_size, x->sh_size);
		assert_memory_equal(b.buf + z->sh_offset, a.buf + x->sh_offset, x->sh_size);
	}
	eobj_free(&a);
	eobj_free(&b);
}

/* A new local symbol would shift the loaded globals under their raw users: refused. */
static void moving_a_loaded_symbol_is_refused(void **state)
{
	struct fx *f = *state;
	struct kelf_err err;
	struct kelf *k;
	char ko[320];

	link_module(f, ko, sizeof(ko));
	assert_int_equal(kelf_open(ko, &k, &err), 0);
	assert_non_null(kelf_add_symbol(k, "late_local", STB_LOCAL, STT_NOTYPE, NULL, 0, 0));
	assert_int_equal(kelf_write(k, f->out, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "would move from index"));
	assert_int_not_equal(access(f->out, F_OK), 0);
	kelf_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(built_object_round_trips, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(compiled_object_loads_with_relocations, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(bad_inputs_are_errors, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(loaded_module_writes_back_unchanged, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(relocations_move_to_a_new_section, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(moving_a_loaded_symbol_is_refused, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
