// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF model: an object built with the kelf API, written and read back,
 * keeps its sections, symbols (locals first, as ELF requires) and
 * relocations, and the binutils accept it; a compiled object loads with
 * its relocations attached to the sections they apply to.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "diff_fixture.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(built_object_round_trips, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(compiled_object_loads_with_relocations, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(bad_inputs_are_errors, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
