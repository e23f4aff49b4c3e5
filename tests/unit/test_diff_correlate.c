// SPDX-License-Identifier: GPL-2.0
/*
 * Correlation: compiler-suffixed functions (.constprop.N, .isra.N, .cold),
 * renumbered static locals, and changes that only move __LINE__.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diff_fixture.h"

/* Name of the variable the code of FUNCTION in object PATH uses. */
static char *used_variable(const char *path, const char *function)
{
	char secname[256];
	struct kelf_err err;
	struct kelf *k;
	struct kelf_sec *s;
	char *name = NULL;
	size_t i;

	snprintf(secname, sizeof(secname), ".text.%s", function);
	assert_int_equal(kelf_open(path, &k, &err), 0);
	s = kelf_find_section(k, secname);
	assert_non_null(s);
	for (i = 0; i < s->nrelas && !name; i++) {
		struct kelf_sym *t = s->relas[i].sym;

		if (t->type == STT_SECTION && t->sec && t->sec->primary &&
		    t->sec->primary->type == STT_OBJECT)
			name = strdup(t->sec->primary->name);
		else if (t->type == STT_OBJECT)
			name = strdup(t->name);
	}
	kelf_free(k);
	assert_non_null(name);
	return name;
}

#define LOCALS_ORIG \
	"int first(void) { static int counter; return ++counter; }\n" \
	"int second(void) { static int counter; return counter += 2; }\n"
#define LOCALS_PATCHED \
	"int first(void) { static int counter; return ++counter; }\n" \
	"int second(void) { static int counter; return counter += 3; }\n" \
	"int third(void) { static int counter; return counter--; }\n"

static void renumbered_static_locals(void **state)
{
	struct fx *f = *state;
	char *orig_name, *patched_name;
	const struct kdiff_symbol *s;

	assert_int_equal(fx_diff(f, LOCALS_ORIG, LOCALS_PATCHED), KDIFF_CHANGED);
	orig_name = used_variable(f->orig, "second");
	patched_name = used_variable(f->patched, "second");
	/* the compiler did renumber: otherwise this test proves nothing */
	assert_string_not_equal(orig_name, patched_name);
	assert_non_null(fx_function(f, "second"));
	assert_non_null(fx_function(f, "third"));
	assert_null(fx_function(f, "first"));
	/* second's counter is referenced under the original's name */
	s = fx_symbol(f, orig_name);
	assert_non_null(s);
	assert_int_equal(s->bind, STB_LOCAL);
	assert_int_equal(s->type, STT_OBJECT);
	assert_null(fx_symbol(f, patched_name));
	free(orig_name);
	free(patched_name);
}

#define FUNCNAMES \
	"void report(const char *fn, int v);\n" \
	"int f1(int x) { report(__func__, x); return x; }\n" \
	"int f2(int x) { report(__func__, x * 2); return x; }\n"

static void renumbered_func_strings_pair_by_contents(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, FUNCNAMES,
				 FUNCNAMES "int f3(int x) { report(__func__, x * 3); return x; }\n"
				 "int f4(int x) { return f3(x); }\n"), KDIFF_NO_CHANGE);
	assert_int_equal(fx_diff(f, FUNCNAMES "int f4(int x) { return x; }\n",
				 FUNCNAMES "int f3(int x) { report(__func__, x * 3); return x; }\n"
				 "int f4(int x) { return f3(x); }\n"), KDIFF_CHANGED);
	assert_int_equal(f->res.nfunctions, 2);
	assert_non_null(fx_function(f, "f3"));
	assert_non_null(fx_function(f, "f4"));
}

#define TWO_COUNTERS \
	"int first(void) { static int counter; return ++counter; }\n" \
	"int second(void) { static int counter; return counter += 2; }\n"

static void ambiguous_static_local_is_refused(void **state)
{
	struct fx *f = *state;

	/* second now has two "counter"s: which one is the old one is a guess */
	assert_int_equal(fx_diff(f, TWO_COUNTERS,
		"int first(void) { static int counter; return ++counter; }\n"
		"int second(void) { static int counter; { static int counter; counter++; }\n"
		"  return counter += 2; }\n"), KDIFF_REFUSED);
	assert_non_null(strstr(f->res.msg, "cannot tell which variable"));
}

#define KEYS \
	"int f(void) { int r = 0; { static int key; r += key++; } { static int key; r += key--; }\n" \
	"  { static int key; r += key; } return r; }\n"

static void same_named_locals_pair_in_order_of_use(void **state)
{
	struct fx *f = *state;

	/* g's new "key" renumbers f's three; f itself is unchanged */
	assert_int_equal(fx_diff(f, KEYS "int g(void) { return 1; }\n",
				 KEYS "int g(void) { static int key; return key++; }\n"),
			 KDIFF_CHANGED);
	assert_int_equal(f->res.nfunctions, 1);
	assert_non_null(fx_function(f, "g"));
	assert_null(fx_function(f, "f"));
}

#define CONSTPROP(body_a) \
	"extern void note(int);\n" \
	"static noinline int scale(int x, int k) { note(x); return x * k + 1; }\n" \
	"int a(int x) { " body_a " }\n" \
	"int b(int x) { return scale(x + 1, 3); }\n"

static void constprop_callee_keeps_suffixed_name(void **state)
{
	struct fx *f = *state;
	const struct kdiff_symbol *s;

	assert_int_equal(fx_diff(f, CONSTPROP("return scale(x, 3);"),
				 CONSTPROP("return scale(x, 3) + 1;")), KDIFF_CHANGED);
	assert_non_null(fx_function(f, "a"));
	assert_int_equal(f->res.nfunctions, 1);
	s = fx_symbol(f, "scale.constprop.0");
	assert_non_null(s);
	assert_int_equal(s->bind, STB_LOCAL);
	assert_int_equal(s->type, STT_FUNC);
}

/* Names forced with asm labels, so the numbering differs for sure. */
#define SUFFIX(n, body) \
	"extern void note(int);\n" \
	"static noinline int helper(int x) __asm__(\"helper.isra." n "\");\n" \
	"static noinline int helper(int x) { " body " }\n" \
	"int caller(int x) { return helper(x) + 1; }\n"

static void renumbered_suffix_is_the_same_function(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, SUFFIX("0", "note(x); return x;"),
				 SUFFIX("1", "note(x); return x;")), KDIFF_NO_CHANGE);
}

static void changed_suffixed_function_keeps_original_name(void **state)
{
	struct fx *f = *state;
	const struct kdiff_function *fn;
	struct kelf_sym *y;

	assert_int_equal(fx_diff(f, SUFFIX("0", "note(x); return x;"),
				 SUFFIX("1", "note(x + 1); return x;")), KDIFF_CHANGED);
	fn = fx_function(f, "helper.isra.0");
	assert_non_null(fn);
	assert_int_equal(fn->change, KDIFF_FN_CHANGED);
	assert_null(fx_function(f, "helper.isra.1"));
	assert_null(fx_function(f, "caller"));
	y = fx_out_symbol(f, "helper.isra.0");
	assert_non_null(y);
	assert_int_equal(y->bind, STB_GLOBAL);
	assert_non_null(kelf_find_section(f->outobj, ".text.helper.isra.0"));
}

#define PART(k) \
	"extern int heavy(int); extern int g;\n" \
	"static int maybe(int x) {\n" \
	"  if (__builtin_expect(x == 0, 1)) return 0;\n" \
	"  x = heavy(x) + heavy(x + 1) * heavy(x + " k ");\n" \
	"  x += heavy(x) + heavy(x * 3); g += x; return x + heavy(g); }\n" \
	"int use1(int x) { return maybe(x) + 1; }\n" \
	"int use2(int x) { return maybe(x + 7) + 2; }\n" \
	"int use3(int x) { return maybe(x * 7) + 3; }\n"

static void changed_part_is_patched_under_its_name(void **state)
{
	struct fx *f = *state;
	const struct kdiff_function *fn;

	assert_int_equal(fx_diff(f, PART("2"), PART("5")), KDIFF_CHANGED);
	/* the split-off part has its own ftrace entry: it is patched itself */
	fn = fx_function(f, "maybe.part.0");
	assert_non_null(fn);
	assert_int_equal(fn->change, KDIFF_FN_CHANGED);
	assert_int_equal(f->res.nfunctions, 1);
	assert_non_null(fx_out_symbol(f, "maybe.part.0"));
	assert_int_equal(fx_out_symbol(f, "maybe.part.0")->bind, STB_GLOBAL);
}

#define COLD(msg) \
	"extern void report(const char *) __attribute__((cold));\n" \
	"extern void note(int);\n" \
	"int check(int x) { if (unlikely(x > 100)) { report(\"" msg "\"); note(x); report(\"really\"); return -1; }\n" \
	"  note(x); return x * 2; }\n"

static void cold_part_follows_its_parent(void **state)
{
	struct fx *f = *state;
	struct kelf_sym *cold, *parent;

	/* only the cold part changes: the parent is what gets patched */
	assert_int_equal(fx_diff(f, COLD("too big"), COLD("way too big")), KDIFF_CHANGED);
	assert_int_equal(f->res.nfunctions, 1);
	assert_non_null(fx_function(f, "check"));
	parent = fx_out_symbol(f, "check");
	cold = fx_out_symbol(f, "check.cold");
	assert_non_null(parent);
	assert_non_null(cold);
	assert_non_null(cold->sec);
	assert_int_equal(cold->bind, STB_LOCAL);
	/* the parent jumps to the carried cold part, not to the kernel's */
	assert_true(fx_out_relas_to(f, ".text.check", "check.cold") >= 1);
	assert_null(fx_symbol(f, "check.cold"));
}

/* A WARN-like site: ud2 plus a __bug_table entry holding file and line. */
#define WARN_LIKE \
	"#define WARN_LIKE(c) ({ int __c = !!(c); if (unlikely(__c)) asm volatile(" \
	"\"1: ud2\\n.pushsection __bug_table,\\\"aw\\\"\\n2: .long 1b - 2b\\n.long %c0 - 2b\\n" \
	".word %c1\\n.word 0\\n.org 2b+12\\n.popsection\" :: \"i\"(__FILE__), \"i\"(__LINE__)); __c; })\n"
#define WARN_FN(v) \
	"int guarded(int x) { WARN_LIKE(x < 0); return x + " v "; }\n" \
	"int other(int x) { WARN_LIKE(x > 5); return x; }\n"

static void moved_line_numbers_are_no_change(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, WARN_LIKE WARN_FN("1"), WARN_LIKE "\n\n\n" WARN_FN("1")),
			 KDIFF_NO_CHANGE);
}

static void bug_table_keeps_entries_of_carried_functions(void **state)
{
	struct fx *f = *state;
	struct kelf_sec *bt;
	uint16_t line;

	assert_int_equal(fx_diff(f, WARN_LIKE WARN_FN("1"), WARN_LIKE "\n" WARN_FN("2")),
			 KDIFF_CHANGED);
	assert_non_null(fx_function(f, "guarded"));
	assert_null(fx_function(f, "other"));
	bt = kelf_find_section(f->outobj, "__bug_table");
	assert_non_null(bt);
	assert_int_equal(bt->size, 12);
	assert_int_equal(bt->nrelas, 2);
	assert_string_equal(bt->relas[0].sym->name, "guarded");
	/* the file name string travels with it; the line is the patched one */
	assert_int_equal(bt->relas[1].sym->type, STT_SECTION);
	assert_non_null(bt->relas[1].sym->sec);
	assert_true(bt->relas[1].sym->sec->sh.sh_flags & SHF_STRINGS);
	assert_non_null(strstr((char *)bt->relas[1].sym->sec->data +
			       bt->relas[1].addend - 4, "unit.c"));
	memcpy(&line, bt->data + 8, 2);
	assert_int_equal(line, 12);	/* 9 prelude lines, WARN_LIKE, a blank line */
}

static void entry_size_must_divide_the_section(void **state)
{
	struct fx *f = *state;
	char sizes[320];

	fx_compile(f, WARN_LIKE WARN_FN("1"), f->orig);
	fx_compile(f, WARN_LIKE WARN_FN("2"), f->patched);
	snprintf(sizes, sizeof(sizes), "%s/sizes.json", f->dir);
	assert_int_equal(fx_sh("echo '{\"__bug_table\": 16}' > %s", sizes), 0);
	assert_int_equal(fx_sh("%s --entry-sizes %s %s %s -o %s --manifest %s 2>%s/err", fx_tool(),
			       sizes, f->orig, f->patched, f->out, f->manifest, f->dir), 4);
	assert_int_equal(fx_sh("grep -q 'patched: __bug_table: size 24 is not a multiple of the "
			       "entry size 16' %s/err", f->dir), 0);
	assert_int_equal(fx_sh("echo '{\"__bug_table\": \"x\"}' > %s", sizes), 0);
	assert_int_equal(fx_sh("%s --entry-sizes %s %s %s -o %s --manifest %s 2>/dev/null",
			       fx_tool(), sizes, f->orig, f->patched, f->out, f->manifest), 1);
	assert_int_equal(fx_sh("echo '{\"__bug_table\": 12}' > %s", sizes), 0);
	assert_int_equal(fx_sh("%s --entry-sizes %s %s %s -o %s --manifest %s",
			       fx_tool(), sizes, f->orig, f->patched, f->out, f->manifest), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(renumbered_static_locals, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(renumbered_func_strings_pair_by_contents, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(ambiguous_static_local_is_refused, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(same_named_locals_pair_in_order_of_use, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(constprop_callee_keeps_suffixed_name, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(renumbered_suffix_is_the_same_function, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(changed_suffixed_function_keeps_original_name, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(changed_part_is_patched_under_its_name, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(cold_part_follows_its_parent, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(moved_line_numbers_are_no_change, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(bug_table_keeps_entries_of_carried_functions, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(entry_size_must_divide_the_section, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
