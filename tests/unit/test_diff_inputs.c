// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch-diff's inputs and outputs: two objects that are not one object
 * before and after a patch are an error of their own (not "no functional
 * change"); an output that is an input by any path is refused before
 * anything is written; a FIFO as an input is refused without blocking.
 * Each exits 1 with one line and leaves every file as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "diff_fixture.h"

#define SHOW(s) "int show(struct seq_file *m) { seq_puts(m, \"" s "\"); return 0; }\n"
#define OTHER "int add(int a, int b) { return a * 7 + b; }\nint sub(int a) { return a - 9; }\n"

/* Runs kpatch-diff ARGS (in the test dir); expects RC, one line of stderr with TEXT. */
static void expect(struct fx *f, int rc, const char *text, const char *args)
{
	assert_int_equal(fx_sh("cd %s && timeout 20 %s %s 2>err", f->dir, fx_tool(), args), rc);
	assert_int_equal(fx_sh("test $(wc -l < %s/err) = 1", f->dir), 0);
	if (fx_sh("grep -qF -- '%s' %s/err", text, f->dir))
		fail_msg("no \"%s\" in: %s", text, "see err");
}

static void unchanged(struct fx *f)
{
	assert_int_equal(fx_sh("cd %s && cmp -s orig.o orig.copy && cmp -s patched.o patched.copy",
			       f->dir), 0);
}

static void pair(struct fx *f, const char *orig, const char *patched)
{
	fx_compile(f, orig, f->orig);
	fx_compile(f, patched, f->patched);
	assert_int_equal(fx_sh("cd %s && cp orig.o orig.copy && cp patched.o patched.copy", f->dir), 0);
}

static void unrelated_functions(void **state)
{
	struct fx *f = *state;

	pair(f, SHOW("a"), OTHER);
	expect(f, 1, "kpatch-diff: patched: the objects do not correspond: none of the 2 functions "
	       "of the patched object is one of the 1 of the original",
	       "orig.o patched.o -o out.o --manifest out.json");
	assert_int_equal(fx_sh("test ! -e %s && test ! -e %s", f->out, f->manifest), 0);
}

static void different_source_files(void **state)
{
	struct fx *f = *state;

	/* the same code, compiled from another file name */
	pair(f, SHOW("a"), SHOW("a"));
	assert_int_equal(fx_sh("cd %s && cp orig.o.d/unit.c other.c && gcc -O2 -ffunction-sections "
			       "-w -c -o patched.o other.c", f->dir), 0);
	expect(f, 1, "the objects do not correspond: the original is compiled from unit.c, the "
	       "patched one from other.c", "orig.o patched.o -o out.o --manifest out.json");
}

static void output_is_an_input(void **state)
{
	struct fx *f = *state;

	pair(f, SHOW("a"), SHOW("b"));
	expect(f, 1, "-o orig.o: is the input orig.o", "orig.o patched.o -o orig.o --manifest m.json");
	expect(f, 1, "-o ./patched.o: is the input patched.o",
	       "orig.o patched.o -o ./patched.o --manifest m.json");
	assert_int_equal(fx_sh("cd %s && ln orig.o hard.o && ln -s patched.o soft.o", f->dir), 0);
	expect(f, 1, "-o hard.o: is the input orig.o", "orig.o patched.o -o hard.o --manifest m.json");
	expect(f, 1, "-o soft.o: is the input patched.o", "orig.o patched.o -o soft.o --manifest m.json");
	expect(f, 1, "--manifest hard.o: is the input orig.o",
	       "orig.o patched.o -o out.o --manifest hard.o");
	expect(f, 1, "-o same and --manifest same: the same file",
	       "orig.o patched.o -o same --manifest same");
	unchanged(f);
	assert_int_equal(fx_sh("test ! -e %s/m.json && test ! -e %s/out.o", f->dir, f->dir), 0);
	/* a distinct output still works */
	assert_int_equal(fx_sh("cd %s && %s orig.o patched.o -o out.o --manifest out.json", f->dir,
			       fx_tool()), 0);
}

static void fifo_inputs(void **state)
{
	struct fx *f = *state;

	pair(f, SHOW("a"), SHOW("b"));
	assert_int_equal(fx_sh("mkfifo %s/fifo", f->dir), 0);
	expect(f, 1, "kpatch-diff: fifo: a FIFO, not a regular file",
	       "orig.o fifo -o out.o --manifest out.json");
	expect(f, 1, "kpatch-diff: fifo: a FIFO, not a regular file",
	       "fifo patched.o -o out.o --manifest out.json");
	expect(f, 1, "kpatch-diff: --entry-sizes: fifo: a FIFO, not a regular file",
	       "--entry-sizes fifo orig.o patched.o -o out.o --manifest out.json");
	expect(f, 1, "kpatch-diff: --exports: fifo: a FIFO, not a regular file",
	       "--exports fifo orig.o patched.o -o out.o --manifest out.json");
	expect(f, 1, "kpatch-diff: .: a directory, not a regular file",
	       "orig.o . -o out.o --manifest out.json");
	unchanged(f);
}

/*
 * The option files: a missing one is named with its option, and a bad
 * JSON file is one line (json-c's reason ends with a newline of its own).
 */
static void option_files(void **state)
{
	struct fx *f = *state;

	pair(f, SHOW("a"), SHOW("b"));
	expect(f, 1, "kpatch-diff: --exports: nothere.symvers: No such file or directory",
	       "--exports nothere.symvers orig.o patched.o -o out.o --manifest out.json");
	expect(f, 1, "kpatch-diff: --entry-sizes: nothere.json: No such file or directory",
	       "--entry-sizes nothere.json orig.o patched.o -o out.o --manifest out.json");
	assert_int_equal(fx_sh("echo 'not json' >%s/sizes.json", f->dir), 0);
	expect(f, 1, "kpatch-diff: --entry-sizes: sizes.json: not readable JSON: ",
	       "--entry-sizes sizes.json orig.o patched.o -o out.o --manifest out.json");
	assert_int_equal(fx_sh("test ! -e %s && test ! -e %s", f->out, f->manifest), 0);
	unchanged(f);
}

/*
 * --result carries every outcome (status, exit code, the one-line reason)
 * for the driver; as an input by any path it is refused like -o.
 */
static void result_file(void **state)
{
	struct fx *f = *state;

	pair(f, SHOW("a"), SHOW("b"));
	assert_int_equal(fx_sh("cd %s && %s orig.o patched.o -o out.o --manifest out.json "
			       "--result r.json", f->dir, fx_tool()), 0);
	assert_int_equal(fx_sh("grep -qx '{\"status\":\"changed\",\"code\":0}' %s/r.json", f->dir), 0);
	expect(f, 3, "no functional change", "orig.o orig.o -o out.o --manifest out.json --result r.json");
	assert_int_equal(fx_sh("grep -qF '\"status\":\"no-change\",\"code\":3,\"reason\":\"orig: no functional change\"' "
			       "%s/r.json", f->dir), 0);
	pair(f, SHOW("a"), OTHER);
	expect(f, 1, "the objects do not correspond", "orig.o patched.o -o out.o --manifest out.json --result r.json");
	assert_int_equal(fx_sh("grep -qF '\"status\":\"error\",\"code\":1,\"reason\":\"patched: the objects do not correspond' "
			       "%s/r.json", f->dir), 0);
	expect(f, 1, "--result orig.o: is the input orig.o",
	       "orig.o patched.o -o out.o --manifest m.json --result orig.o");
	expect(f, 1, "--manifest same and --result same: the same file",
	       "orig.o patched.o -o out.o --manifest same --result same");
	unchanged(f);
	assert_int_equal(fx_sh("test ! -e %s/m.json && test ! -e %s/same", f->dir, f->dir), 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(unrelated_functions), T(different_source_files), T(output_is_an_input),
		T(fifo_inputs), T(option_files), T(result_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
