// SPDX-License-Identifier: GPL-2.0
/*
 * The common case: a changed /proc show function that uses strings, calls
 * static helpers and references static and global data, plus new functions
 * and new data. Asserts on the differ's result and on OUT.o as re-read
 * from disk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "diff_fixture.h"

#define SHOW(msg) \
	"static int hits;\n" \
	"int shared_total;\n" \
	"static noinline void count(void) { hits++; shared_total++; }\n" \
	"int cmdline_proc_show(struct seq_file *m, void *v)\n" \
	"{\n" \
	"	count();\n" \
	"	seq_puts(m, saved_command_line);\n" \
	"	seq_printf(m, \"" msg " %d\", hits);\n" \
	"	seq_putc(m, '\\n');\n" \
	"	return 0;\n" \
	"}\n" \
	"int other_show(struct seq_file *m) { seq_puts(m, \"other\"); return 1; }\n"

static void string_change_carries_function_and_strings(void **state)
{
	struct fx *f = *state;
	const struct kdiff_function *fn;
	struct kelf_sym *y;
	struct kelf_sec *text;

	assert_int_equal(fx_diff(f, SHOW("before"), SHOW("after!")), KDIFF_CHANGED);
	assert_int_equal(f->res.nfunctions, 1);
	fn = fx_function(f, "cmdline_proc_show");
	assert_non_null(fn);
	assert_int_equal(fn->change, KDIFF_FN_CHANGED);
	assert_null(fx_function(f, "other_show"));

	/* carried as a GLOBAL FUNC in its own .text.<name> */
	y = fx_out_symbol(f, "cmdline_proc_show");
	assert_non_null(y);
	assert_int_equal(y->bind, STB_GLOBAL);
	assert_int_equal(y->type, STT_FUNC);
	assert_non_null(y->sec);
	assert_string_equal(y->sec->name, ".text.cmdline_proc_show");
	assert_null(kelf_find_section(f->outobj, ".text.other_show"));

	/* the new string is in the output, with the bytes of the patched object */
	text = y->sec;
	{
		size_t i;
		bool found = false;

		for (i = 0; i < f->outobj->nsecs; i++) {
			struct kelf_sec *s = f->outobj->secs[i];

			if ((s->sh.sh_flags & SHF_STRINGS) && s->data &&
			    memmem(s->data, s->size, "after! %d", 9))
				found = true;
		}
		assert_true(found);
	}
	assert_true(text->nrelas > 0);
}

static void references_become_undefined_globals(void **state)
{
	struct fx *f = *state;
	const struct kdiff_symbol *s;
	struct kelf_sym *y;

	assert_int_equal(fx_diff(f, SHOW("before"), SHOW("after!")), KDIFF_CHANGED);

	/* unchanged static helper: undefined, local in the original */
	s = fx_symbol(f, "count");
	assert_non_null(s);
	assert_int_equal(s->bind, STB_LOCAL);
	assert_int_equal(s->type, STT_FUNC);
	/* static data referenced through its section: named, local */
	s = fx_symbol(f, "hits");
	assert_non_null(s);
	assert_int_equal(s->bind, STB_LOCAL);
	assert_int_equal(s->type, STT_OBJECT);
	/* external kernel symbols stay global */
	s = fx_symbol(f, "saved_command_line");
	assert_non_null(s);
	assert_int_equal(s->bind, STB_GLOBAL);
	assert_non_null(fx_symbol(f, "seq_printf"));
	assert_non_null(fx_symbol(f, "__fentry__"));

	y = fx_out_symbol(f, "hits");
	assert_non_null(y);
	assert_null(y->sec);
	assert_int_equal(y->bind, STB_GLOBAL);
	assert_true(fx_out_relas_to(f, ".text.cmdline_proc_show", "hits") >= 1);
	assert_true(fx_out_relas_to(f, ".text.cmdline_proc_show", "count") == 1);
	/* nothing refers to the original's data sections any more */
	assert_null(kelf_find_section(f->outobj, ".bss.hits"));
}

static void mcount_entry_for_every_carried_function(void **state)
{
	struct fx *f = *state;
	struct kelf_sec *mc;

	assert_int_equal(fx_diff(f, SHOW("a"), SHOW("b")), KDIFF_CHANGED);
	mc = kelf_find_section(f->outobj, "__mcount_loc");
	assert_non_null(mc);
	assert_int_equal(mc->size, 8);
	assert_int_equal(mc->nrelas, 1);
	assert_string_equal(mc->relas[0].sym->name, "cmdline_proc_show");
}

static void identical_source_is_no_change(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, SHOW("same"), "/* a comment */\n" SHOW("same")),
			 KDIFF_NO_CHANGE);
	assert_int_equal(f->res.nfunctions, 0);
}

static void other_string_moving_is_no_change(void **state)
{
	struct fx *f = *state;

	/* other_show's string moves inside the merged section: not a change */
	assert_int_equal(fx_diff(f, SHOW("x") "int third(struct seq_file *m) { seq_puts(m, \"third\"); return 3; }\n",
				 SHOW("x") "int third(struct seq_file *m) { seq_puts(m, \"3rd!\"); return 3; }\n"),
			 KDIFF_CHANGED);
	assert_int_equal(f->res.nfunctions, 1);
	assert_non_null(fx_function(f, "third"));
}

#define NEWFN_ORIG \
	"int proc_show(struct seq_file *m, int n) { seq_puts(m, \"v1\"); return n; }\n"
#define NEWFN_PATCHED \
	"static const char *const names[] = { \"alpha\", \"beta\", \"gamma\" };\n" \
	"static int calls;\n" \
	"static noinline void show_names(struct seq_file *m, int n)\n" \
	"{ calls++; seq_puts(m, names[n % 3]); }\n" \
	"int proc_show(struct seq_file *m, int n) { seq_puts(m, \"v1\"); show_names(m, n); return n; }\n"

static void new_function_and_new_data_are_carried(void **state)
{
	struct fx *f = *state;
	const struct kdiff_function *fn;
	struct kelf_sym *y;

	assert_int_equal(fx_diff(f, NEWFN_ORIG, NEWFN_PATCHED), KDIFF_CHANGED);
	fn = fx_function(f, "show_names");
	assert_non_null(fn);
	assert_int_equal(fn->change, KDIFF_FN_NEW);
	fn = fx_function(f, "proc_show");
	assert_non_null(fn);
	assert_int_equal(fn->change, KDIFF_FN_CHANGED);

	/* the new function is defined in the output and called there */
	y = fx_out_symbol(f, "show_names");
	assert_non_null(y);
	assert_non_null(y->sec);
	assert_int_equal(fx_out_relas_to(f, ".text.proc_show", "show_names"), 1);
	/* new static table and counter are carried, not external */
	y = fx_out_symbol(f, "names");
	assert_non_null(y);
	assert_non_null(y->sec);
	assert_int_equal(y->size, 3 * sizeof(void *));
	assert_int_equal(y->sec->nrelas, 3);
	y = fx_out_symbol(f, "calls");
	assert_non_null(y);
	assert_non_null(y->sec);
	assert_null(fx_symbol(f, "names"));
	assert_null(fx_symbol(f, "calls"));
}

/* __sched and friends put several functions in one section */
#define SHARED(v) \
	"#define __sched __attribute__((section(\".sched.text\")))\n" \
	"extern void ext(int);\n" \
	"static noinline __sched void inner(int x) { ext(x); ext(x + 1); }\n" \
	"noinline __sched void mid(int x) { inner(x); ext(" v "); }\n" \
	"__sched void outer(int x) { inner(x * 2); mid(x); ext(2); }\n"

static void calls_inside_a_shared_section_get_relocations(void **state)
{
	struct fx *f = *state;
	struct kelf_sym *mid;
	size_t i;
	bool found = false;

	assert_int_equal(fx_diff(f, SHARED("3"), SHARED("4")), KDIFF_CHANGED);
	assert_non_null(fx_function(f, "mid"));
	assert_int_equal(f->res.nfunctions, 1);
	mid = fx_out_symbol(f, "mid");
	assert_non_null(mid);
	/* the assembler resolved "call inner" itself; the copy needs a relocation */
	for (i = 0; i < mid->sec->nrelas; i++) {
		struct kelf_rela *r = &mid->sec->relas[i];

		if (!strcmp(r->sym->name, "inner")) {
			uint32_t disp;

			memcpy(&disp, mid->sec->data + r->offset, 4);
			assert_int_equal(disp, 0);
			assert_int_equal(r->addend, -4);
			assert_int_equal(mid->sec->data[r->offset - 1], 0xe8);
			found = true;
		}
	}
	assert_true(found);
	assert_non_null(fx_symbol(f, "inner"));
	assert_int_equal(fx_symbol(f, "inner")->bind, STB_LOCAL);
}

/* one-byte flags side by side, written with movb $imm, flag(%rip) */
#define FLAGS(v) \
	"static char fa __attribute__((section(\".data..flags\"), used));\n" \
	"static char fb __attribute__((section(\".data..flags\"), used));\n" \
	"void set_a(void) { fa = 1; }\n" \
	"void set_b(void) { fb = " v "; }\n"

static void immediate_after_displacement_names_the_right_variable(void **state)
{
	struct fx *f = *state;
	struct kelf_sec *t;

	assert_int_equal(fx_diff(f, FLAGS("1"), FLAGS("2")), KDIFF_CHANGED);
	assert_non_null(fx_function(f, "set_b"));
	assert_non_null(fx_symbol(f, "fb"));
	assert_null(fx_symbol(f, "fa"));
	t = kelf_find_section(f->outobj, ".text.set_b");
	assert_non_null(t);
	assert_int_equal(fx_out_relas_to(f, ".text.set_b", "fb"), 1);
	/* movb $imm8: the instruction ends one byte after the field */
	for (size_t i = 0; i < t->nrelas; i++)
		if (!strcmp(t->relas[i].sym->name, "fb"))
			assert_int_equal(t->relas[i].addend, -5);
}

static void tool_writes_outputs_and_exit_codes(void **state)
{
	struct fx *f = *state;
	const char *bin = fx_tool();

	fx_compile(f, SHOW("a"), f->orig);
	fx_compile(f, SHOW("b"), f->patched);
	assert_int_equal(fx_sh("%s --object-name vmlinux %s %s -o %s --manifest %s",
			       bin, f->orig, f->patched, f->out, f->manifest), 0);
	assert_int_equal(fx_sh("grep -q '\"name\":\"cmdline_proc_show\"' %s", f->manifest), 0);
	assert_int_equal(fx_sh("grep -q '\"object\":\"vmlinux\"' %s", f->manifest), 0);
	assert_int_equal(fx_sh("readelf -s %s | grep -q 'FUNC    GLOBAL DEFAULT    1 cmdline_proc_show'",
			       f->out), 0);
	/* no change: 3 and the documented message */
	assert_int_equal(fx_sh("%s %s %s -o %s.x --manifest %s.x 2>%s/err", bin, f->orig, f->orig,
			       f->out, f->manifest, f->dir), 3);
	assert_int_equal(fx_sh("grep -qx 'kpatch-diff: orig: no functional change' %s/err", f->dir), 0);
	assert_int_equal(fx_sh("test ! -e %s.x", f->out), 0);
	/* usage and I/O errors: 1 */
	assert_int_equal(fx_sh("%s %s 2>/dev/null", bin, f->orig), 1);
	assert_int_equal(fx_sh("%s %s /nonexistent.o -o %s --manifest %s 2>/dev/null", bin,
			       f->orig, f->out, f->manifest), 1);
	assert_int_equal(fx_sh("%s %s %s.d/unit.c -o %s --manifest %s 2>%s/err", bin, f->orig, f->orig,
			       f->out, f->manifest, f->dir), 1);
	assert_int_equal(fx_sh("grep -q 'not an ELF file' %s/err", f->dir), 0);
	assert_int_equal(fx_sh("%s --help | grep -q Usage", bin), 0);
	assert_int_equal(fx_sh("%s --bogus %s %s -o %s --manifest %s 2>%s/err", bin, f->orig,
			       f->patched, f->out, f->manifest, f->dir), 1);
	assert_int_equal(fx_sh("test $(wc -l < %s/err) = 1 && grep -q -- '--bogus' %s/err",
			       f->dir, f->dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(string_change_carries_function_and_strings, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(references_become_undefined_globals, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(mcount_entry_for_every_carried_function, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(identical_source_is_no_change, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(other_string_moving_is_no_change, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(new_function_and_new_data_are_carried, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(calls_inside_a_shared_section_get_relocations, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(immediate_after_displacement_names_the_right_variable, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(tool_writes_outputs_and_exit_codes, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
