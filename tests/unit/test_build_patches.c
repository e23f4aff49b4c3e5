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
#include <sys/stat.h>
#include <unistd.h>
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
	for (size_t i = 0; i < kb->ntargets; i++)
		free(kb->targets[i]);
	free(kb->targets);
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

/*
 * An absolute name is refused as written; a doubled slash after the first
 * component is not one: patch -p1 reads "a//etc/x.c" as etc/x.c, in the tree.
 */
static void absolute_name_is_refused(void **state)
{
	struct kb kb;

	run_read(&kb, "abs.patch", "--- /etc/x.c\n+++ /etc/x.c\n@@ -1 +1 @@\n-a\n+b\n");
	assert_int_equal(kb_read_patches(&kb), -1);
	assert_int_equal(kb.err.code, KB_EUSAGE);
	assert_non_null(strstr(kb.err.msg, "abs.patch: /etc/x.c: path leaves the source tree (absolute)"));
	release(&kb);
	fx_cleanup();

	run_read(&kb, "slash.patch", "--- a//etc/x.c\n+++ b//etc/x.c\n@@ -1 +1 @@\n-a\n+b\n");
	assert_int_equal(kb_read_patches(&kb), 0);
	assert_int_equal(kb.nobjs, 1);
	assert_string_equal(kb.objs[0].src, "etc/x.c");
	release(&kb);
	fx_cleanup();
}

/* A directory as the patch is named as one, in one line. */
static void directory_patch_is_refused(void **state)
{
	struct kb kb;
	char path[256];

	run_read(&kb, "x", "");
	snprintf(path, sizeof(path), "%s/dir.patch", fx_dir());
	assert_int_equal(mkdir(path, 0700), 0);
	kb.patches[0] = path;
	assert_int_equal(kb_read_patches(&kb), -1);
	assert_int_equal(kb.err.code, KB_EUSAGE);
	assert_non_null(strstr(kb.err.msg, "dir.patch: a directory, not a regular file"));
	kb.patches[0] = (char *)"";
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

/*
 * Patches read by kb_read_patches that must be refused with CODE and a
 * message holding WHY; the patch names no file before its refusal.
 */
static void assert_patch_refused(const char *text, int code, const char *why)
{
	struct kb kb;

	run_read(&kb, "bad.patch", text);
	assert_int_equal(kb_read_patches(&kb), -1);
	if (kb.err.code != code || !strstr(kb.err.msg, why))
		fail_msg("expected code %d and \"%s\", got %d: %s", code, why, kb.err.code, kb.err.msg);
	assert_null(strchr(kb.err.msg, '\n'));
	assert_null(strchr(kb.err.msg, '\033'));
	release(&kb);
	fx_cleanup();
}

#define HUNK "@@ -1 +1 @@\n-a\n+b\n"
#define REFUSED(name, text, code, why) \
	static void name(void **state) { assert_patch_refused(text, code, why); }

REFUSED(dotdot_in_new_name, "--- a/fs/x.c\n+++ b/../../etc/passwd\n" HUNK,
	KB_EUSAGE, "../../etc/passwd: path leaves the source tree (a '..' component)")
REFUSED(dotdot_in_old_name, "--- a/../../etc/passwd.c\n+++ b/fs/x.c\n" HUNK,
	KB_EUSAGE, "a/../../etc/passwd.c: path leaves the source tree")
REFUSED(dotdot_both_names, "--- a/../../etc/passwd\n+++ b/../../etc/passwd\n" HUNK,
	KB_EUSAGE, "path leaves the source tree")
REFUSED(dotdot_inside, "--- a/fs/../../x.c\n+++ b/fs/../../x.c\n" HUNK,
	KB_EUSAGE, "path leaves the source tree (a '..' component)")
REFUSED(absolute_name, "--- /etc/passwd\n+++ /etc/passwd\n" HUNK,
	KB_EUSAGE, "/etc/passwd: path leaves the source tree (absolute)")
REFUSED(new_file_outside, "--- /dev/null\n+++ b/../x.c\n" HUNK,
	KB_EUSAGE, "path leaves the source tree")
REFUSED(deleted_file, "--- a/kernel/x.c\n+++ /dev/null\n" HUNK,
	KB_EREFUSED, "kernel/x.c: adding or deleting files is not supported")
REFUSED(names_differ, "--- a/fs/proc/cmdline.c\n+++ b/fs/proc/version.c\n" HUNK,
	KB_EUSAGE, "the '---' line names fs/proc/cmdline.c and the '+++' line fs/proc/version.c")
REFUSED(control_chars_escaped, "--- a/fs/\033[2Jx.c\n+++ b/fs/\033[2Jx.c\n" HUNK,
	KB_EUSAGE, "a/fs/\\x1b[2Jx.c: file name with characters")
REFUSED(quoted_name, "--- \"a/fs/\\056\\056/x.c\"\n+++ \"b/fs/\\056\\056/x.c\"\n" HUNK,
	KB_EUSAGE, "quoted file names are not supported")
REFUSED(nothing_after_strip, "--- x.c\n+++ x.c\n" HUNK, KB_EUSAGE, "no file name left")
REFUSED(context_diff, "*** a/fs/x.c\n--- b/fs/x.c\n***************\n*** 1 ****\n! a\n--- 1 ----\n! b\n",
	KB_EUSAGE, "a context diff")
REFUSED(normal_diff_after_unified, "--- a/fs/x.c\n+++ b/fs/x.c\n" HUNK
	"Index: fs/y.c\n1c1\n< a\n---\n> b\n", KB_EUSAGE, "'1c1': a normal diff hunk")
REFUSED(index_outside, "Index: ../../etc/passwd\n--- a/fs/x.c\n+++ b/fs/x.c\n" HUNK,
	KB_EUSAGE, "../../etc/passwd: path leaves the source tree")
REFUSED(git_rename, "diff --git a/fs/x.c b/fs/y.c\nsimilarity index 100%\nrename from fs/x.c\n"
	"rename to fs/y.c\n", KB_EREFUSED, "fs/x.c: renaming or copying files is not supported")
REFUSED(git_rename_outside, "diff --git a/fs/x.c b/fs/y.c\nrename from fs/x.c\n"
	"rename to ../../etc/cron.d/x\n", KB_EUSAGE, "path leaves the source tree")
REFUSED(git_empty_new_file, "--- a/fs/x.c\n+++ b/fs/x.c\n" HUNK "diff --git a/fs/e.c b/fs/e.c\n"
	"new file mode 100644\nindex 0000000..e69de29\n", KB_EREFUSED, "adding or deleting files")

/* Hunk lines are skipped by count, whatever they look like. */
static void header_like_hunk_text_is_text(void **state)
{
	struct kb kb;

	run_read(&kb, "t.patch", "--- a/fs/x.c\n+++ b/fs/x.c\n@@ -1,3 +1,3 @@\n ctx\n"
		 "--- a/../../etc/passwd\n+++ b/../../etc/passwd\n ctx\n"
		 "--- a/lib/foo..bar.c\n+++ b/lib/foo..bar.c\n" HUNK);
	assert_int_equal(kb_read_patches(&kb), 0);
	assert_int_equal(kb.nobjs, 2);
	assert_string_equal(kb.objs[0].src, "fs/x.c");
	assert_string_equal(kb.objs[1].src, "lib/foo..bar.c");
	release(&kb);
	fx_cleanup();
}

/* A FIFO has no writer: reading it as a patch must not wait for one. */
static void fifo_patch_is_refused(void **state)
{
	struct kb kb;
	char path[256];

	run_read(&kb, "x", "");
	snprintf(path, sizeof(path), "%s/fifo.patch", fx_dir());
	assert_int_equal(mkfifo(path, 0600), 0);
	kb.patches[0] = path;
	alarm(10);	/* a hang fails the test instead of the suite */
	assert_int_equal(kb_read_patches(&kb), -1);
	alarm(0);
	assert_int_equal(kb.err.code, KB_EUSAGE);
	assert_non_null(strstr(kb.err.msg, "fifo.patch: a FIFO, not a regular file"));
	kb.patches[0] = (char *)"";
	release(&kb);
	fx_cleanup();
}

/* A name inside the tree that a symbolic link of the tree leads out of. */
static void symlink_out_of_the_tree_is_refused(void **state)
{
	struct kb kb;
	char ws[128], outside[128], link[160], fs[160], victim[160];

	run_read(&kb, "s.patch", "--- a/fs/evil/x.c\n+++ b/fs/evil/x.c\n@@ -1 +1 @@\n-a\n+b\n");
	assert_int_equal(kb_read_patches(&kb), 0);
	snprintf(ws, sizeof(ws), "%s/ws", fx_dir());
	snprintf(outside, sizeof(outside), "%s/outside", fx_dir());
	snprintf(link, sizeof(link), "%s/fs/evil", ws);
	snprintf(fs, sizeof(fs), "%s/fs", ws);
	snprintf(victim, sizeof(victim), "%s/x.c", outside);
	kb_mkdirs(fs);
	kb_mkdirs(outside);
	assert_int_equal(symlink(outside, link), 0);
	kb_write_file(victim, "a\n", 2);
	kb.ws = ws;
	kb.work = (char *)fx_dir();
	kb.krel = "6.1.0-test";
	assert_int_equal(kb_apply_patches(&kb), -1);
	assert_int_equal(kb.err.code, KB_EUSAGE);
	assert_non_null(strstr(kb.err.msg, "fs/evil/x.c: resolves outside the source tree"));
	file_is(victim, "a\n");
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
		cmocka_unit_test(dotdot_in_new_name),
		cmocka_unit_test(dotdot_in_old_name),
		cmocka_unit_test(dotdot_both_names),
		cmocka_unit_test(dotdot_inside),
		cmocka_unit_test(absolute_name),
		cmocka_unit_test(new_file_outside),
		cmocka_unit_test(deleted_file),
		cmocka_unit_test(names_differ),
		cmocka_unit_test(control_chars_escaped),
		cmocka_unit_test(quoted_name),
		cmocka_unit_test(nothing_after_strip),
		cmocka_unit_test(context_diff),
		cmocka_unit_test(normal_diff_after_unified),
		cmocka_unit_test(index_outside),
		cmocka_unit_test(git_rename),
		cmocka_unit_test(git_rename_outside),
		cmocka_unit_test(git_empty_new_file),
		cmocka_unit_test(header_like_hunk_text_is_text),
		cmocka_unit_test(fifo_patch_is_refused),
		cmocka_unit_test(absolute_name_is_refused),
		cmocka_unit_test(directory_patch_is_refused),
		cmocka_unit_test(symlink_out_of_the_tree_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
