// SPDX-License-Identifier: GPL-2.0
/*
 * Patch handling: which objects a patch set touches, what is refused before
 * any compiling, and that a hunk that does not apply is named.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "build/kb.h"
#include "build_fixture.h"

static const char two_files[] =
	"--- a/fs/proc/cmdline.c\n"
	"+++ b/fs/proc/cmdline.c\n"
	"@@ -1,3 +1,3 @@\n"
	" one\n"
	"-two\n"
	"+TWO\n"
	" three\n"
	"--- a/kernel/exit.c\t2024-01-01 00:00:00.000000000 +0000\n"
	"+++ b/kernel/exit.c\t2024-01-01 00:00:00.000000000 +0000\n"
	"@@ -1 +1 @@\n"
	"-x\n"
	"+y\n";

/* kb_read_patches hands over absolute patch paths and the object list. */
static void release(struct kb *kb)
{
	for (int i = 0; i < kb->npatches; i++)
		if (kb->patches[i][0] == '/' && strstr(kb->patches[i], "/kpatch-unit."))
			free(kb->patches[i]);
	for (size_t i = 0; i < kb->nobjs; i++) {
		free(kb->objs[i].src);
		free(kb->objs[i].obj);
	}
	free(kb->objs);
}

static void run_read(struct kb *kb, const char *name, const char *text)
{
	static char *argv[2];

	memset(kb, 0, sizeof(*kb));
	argv[0] = fx_write(name, text);
	kb->patches = argv;
	kb->npatches = 1;
}

static void objects_of_a_patch(void **state)
{
	struct kb kb;

	run_read(&kb, "two.patch", two_files);
	assert_int_equal(kb_read_patches(&kb), 0);
	assert_int_equal(kb.nobjs, 2);
	assert_string_equal(kb.objs[0].src, "fs/proc/cmdline.c");
	assert_string_equal(kb.objs[0].obj, "fs/proc/cmdline.o");
	assert_string_equal(kb.objs[1].obj, "kernel/exit.o");
	release(&kb);
	fx_cleanup();
}

static void same_file_twice_is_one_object(void **state)
{
	struct kb kb;
	char *argv[2];

	memset(&kb, 0, sizeof(kb));
	argv[0] = fx_write("a.patch", two_files);
	argv[1] = fx_write("b.patch", two_files);
	kb.patches = argv;
	kb.npatches = 2;
	assert_int_equal(kb_read_patches(&kb), 0);
	assert_int_equal(kb.nobjs, 2);
	release(&kb);
	fx_cleanup();
}

/* An added line that itself starts with "++ " is hunk text, not a header. */
static void plus_lines_in_hunks_are_text(void **state)
{
	struct kb kb;

	run_read(&kb, "plus.patch",
		 "--- a/lib/x.c\n+++ b/lib/x.c\n@@ -1,1 +1,2 @@\n a\n+++ b/include/y.h\n");
	assert_int_equal(kb_read_patches(&kb), 0);
	assert_int_equal(kb.nobjs, 1);
	assert_string_equal(kb.objs[0].obj, "lib/x.o");
	release(&kb);
	fx_cleanup();
}

/*
 * A global header is noted for the include graph, not refused and not an
 * object itself: the objects that include it come later (depindex.c).
 */
static void header_change_is_noted(void **state)
{
	struct kb kb;

	run_read(&kb, "hdr.patch",
		 "--- a/include/linux/fs.h\n+++ b/include/linux/fs.h\n@@ -1 +1 @@\n-a\n+b\n");
	assert_int_equal(kb_read_patches(&kb), 0);
	assert_int_equal(kb.nobjs, 0);
	release(&kb);
	fx_cleanup();
}

static void new_file_is_refused(void **state)
{
	struct kb kb;

	run_read(&kb, "new.patch",
		 "--- /dev/null\n+++ b/kernel/new.c\n@@ -0,0 +1 @@\n+int x;\n");
	assert_int_equal(kb_read_patches(&kb), -1);
	assert_int_equal(kb.err.code, KB_EREFUSED);
	assert_non_null(strstr(kb.err.msg, "kernel/new.c: adding or deleting files"));
	release(&kb);
	fx_cleanup();
}

static void not_a_diff_is_usage_error(void **state)
{
	struct kb kb;

	run_read(&kb, "prose.patch", "This is not a patch.\n");
	assert_int_equal(kb_read_patches(&kb), -1);
	assert_int_equal(kb.err.code, KB_EUSAGE);
	assert_non_null(strstr(kb.err.msg, "not a unified diff"));
	release(&kb);

	run_read(&kb, "x", "");
	kb.patches[0] = "/nonexistent/fix.patch";
	assert_int_equal(kb_read_patches(&kb), -1);
	assert_int_equal(kb.err.code, KB_EUSAGE);
	fx_cleanup();
}

/* <ws>/rel, in a small ring of buffers */
static const char *at(const char *ws, const char *rel)
{
	static char ring[4][512];
	static int next;
	char *p = ring[next++ % 4];

	snprintf(p, sizeof(ring[0]), "%s/%s", ws, rel);
	return p;
}

static void file_is(const char *path, const char *want)
{
	char *got = kb_read_file(path, NULL);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void failing_hunk_is_named(void **state)
{
	struct kb kb;
	char ws[128];

	run_read(&kb, "two.patch", two_files);
	assert_int_equal(kb_read_patches(&kb), 0);
	snprintf(ws, sizeof(ws), "%s/ws", fx_dir());
	kb_mkdirs(at(ws, "fs/proc"));
	kb_mkdirs(at(ws, "kernel"));
	/* cmdline.c applies; exit.c has other content, so its hunk fails */
	kb_write_file(at(ws, "fs/proc/cmdline.c"), "one\ntwo\nthree\n", 14);
	kb_write_file(at(ws, "kernel/exit.c"), "z\n", 2);
	kb.ws = ws;
	kb.work = (char *)fx_dir();
	kb.krel = "6.1.0-test";
	assert_int_equal(kb_apply_patches(&kb), -1);
	assert_int_equal(kb.err.code, KB_EAPPLY);
	assert_non_null(strstr(kb.err.msg, "does not apply to the 6.1.0-test source"));
	assert_non_null(strstr(kb.err.msg, "kernel/exit.c: Hunk #1 FAILED"));
	/* the dry run comes first: nothing was changed */
	file_is(at(ws, "fs/proc/cmdline.c"), "one\ntwo\nthree\n");

	kb_write_file(at(ws, "kernel/exit.c"), "x\n", 2);
	assert_int_equal(kb_apply_patches(&kb), 0);
	file_is(at(ws, "fs/proc/cmdline.c"), "one\nTWO\nthree\n");
	file_is(at(ws, "kernel/exit.c"), "y\n");
	assert_int_equal(kb_revert_patches(&kb), 0);
	file_is(at(ws, "kernel/exit.c"), "x\n");
	file_is(at(ws, "fs/proc/cmdline.c"), "one\ntwo\nthree\n");
	release(&kb);
	fx_cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(objects_of_a_patch),
		cmocka_unit_test(same_file_twice_is_one_object),
		cmocka_unit_test(plus_lines_in_hunks_are_text),
		cmocka_unit_test(header_change_is_noted),
		cmocka_unit_test(new_file_is_refused),
		cmocka_unit_test(not_a_diff_is_usage_error),
		cmocka_unit_test(failing_hunk_is_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
