// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch-build -o: a directory that does not exist yet is checked at the
 * start but created only when the module is written, so a build that fails
 * leaves nothing behind; one that cannot be created is refused at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "build_fixture.h"

/* The kpatch-build next to this test ($(BUILD)/bin). */
static const char *tool(void)
{
	static char path[4096];
	ssize_t n;

	if (path[0])
		return path;
	n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	assert_true(n > 0);
	path[n] = '\0';
	strcpy(strrchr(path, '/'), "/../bin/kpatch-build");
	return path;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* kpatch-build with ARGS in the scratch directory, an empty cache: its exit code. */
static int build(const char *args)
{
	return sh("cd %s && KPATCH_CACHE=%s/cache TMPDIR=%s timeout 60 %s -k 6.1.0-test %s "
		  ">out 2>&1", fx_dir(), fx_dir(), fx_dir(), tool(), args);
}

static void failed_build_leaves_no_directories(void **state)
{
	fx_write("prose.patch", "not a patch\n");
	assert_int_equal(build("-o new/dir/x.ko prose.patch"), 1);
	assert_int_equal(sh("grep -q 'not a unified diff' %s/out", fx_dir()), 0);
	assert_int_equal(sh("test ! -e %s/new", fx_dir()), 0);
	assert_int_equal(build("-o other/dir prose.patch"), 1);
	assert_int_equal(sh("test ! -e %s/other", fx_dir()), 0);
	/* and no work directory either */
	assert_int_equal(sh("test -z \"$(ls -d %s/kpatch-build.* 2>/dev/null)\"", fx_dir()), 0);
	fx_cleanup();
}

static void uncreatable_output_is_refused_first(void **state)
{
	fx_write("prose.patch", "not a patch\n");
	fx_write("file", "x\n");
	assert_int_equal(build("-o file/dir/x.ko prose.patch"), 1);
	assert_int_equal(sh("grep -q -- '--output file/dir/x.ko: cannot write into file/dir: Not a "
			    "directory' %s/out", fx_dir()), 0);
	assert_int_equal(build("-o file/x.ko prose.patch"), 1);
	assert_int_equal(sh("grep -q -- '--output file/x.ko: cannot write into file: Not a "
			    "directory' %s/out", fx_dir()), 0);
	fx_cleanup();
}

/* The output is one line holding TEXT (under ASan, a leak report would add more). */
static void one_line(const char *text)
{
	assert_int_equal(sh("test $(wc -l < %s/out) = 1", fx_dir()), 0);
	if (sh("grep -qF -- '%s' %s/out", text, fx_dir()))
		fail_msg("no \"%s\" in %s/out", text, fx_dir());
}

static void module_path_must_be_a_file(void **state)
{
	fx_write("x.patch", "--- a/fs/x.c\n+++ b/fs/x.c\n@@ -1 +1 @@\n-a\n+b\n");
	assert_int_equal(sh("mkdir %s/x.ko %s/out.d && mkfifo %s/out.d/kpatch_x.ko", fx_dir(),
			    fx_dir(), fx_dir()), 0);
	assert_int_equal(build("-o x.ko x.patch"), 1);
	one_line("kpatch-build: error: --output x.ko: x.ko is a directory, not a regular file");
	alarm(60);	/* writing into the FIFO would block: refused first */
	assert_int_equal(build("-o out.d x.patch"), 1);
	alarm(0);
	one_line("kpatch-build: error: --output out.d: out.d/kpatch_x.ko is a FIFO, not a regular file");
	assert_int_equal(sh("test -d %s/x.ko && test -p %s/out.d/kpatch_x.ko", fx_dir(), fx_dir()), 0);
	fx_cleanup();
}

/* getopt's own message is off: one line, ours, naming the option. */
static void bad_options_are_one_line(void **state)
{
	static const struct { const char *args, *text; } cases[] = {
		{ "--frobnicate x.patch", "error: --frobnicate: unknown option; see kpatch-build --help" },
		{ "--frob=1 x.patch", "error: --frob: unknown option;" },
		{ "-Z x.patch", "error: -Z: unknown option;" },
		{ "-vZ x.patch", "error: -Z: unknown option;" },
		{ "--s x.patch", "error: --s: ambiguous option;" },
		{ "--keep-tmp=1 x.patch", "error: --keep-tmp: option takes no argument;" },
		{ "x.patch -j", "error: -j: option requires an argument;" },
		{ "x.patch --jobs", "error: --jobs: option requires an argument;" },
		{ "x.patch --max-objects", "error: --max-objects: option requires an argument;" },
	};

	fx_write("x.patch", "--- a/fs/x.c\n+++ b/fs/x.c\n@@ -1 +1 @@\n-a\n+b\n");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(build(cases[i].args), 1);
		one_line(cases[i].text);
	}
	fx_cleanup();
}

/* Every error path frees what it holds: under ASan the error stays the one line. */
static void error_paths_are_one_line(void **state)
{
	fx_write("prose.patch", "not a patch\n");
	assert_int_equal(build("prose.patch"), 1);
	one_line("not a unified diff");
	assert_int_equal(build("nothere.patch"), 1);
	one_line("nothere.patch: No such file or directory");
	fx_write("x.patch", "--- a/fs/x.c\n+++ b/fs/x.c\n@@ -1 +1 @@\n-a\n+b\n");
	/* the kernel cannot be fetched: a step after the patches are read */
	assert_int_equal(sh("cd %s && KPATCH_FETCH_KERNEL=/bin/false KPATCH_CACHE=%s/cache TMPDIR=%s "
			    "timeout 60 %s -k 6.1.0-test x.patch >out 2>&1", fx_dir(), fx_dir(),
			    fx_dir(), tool()), 2);
	assert_int_equal(sh("test $(grep -c '' %s/out) = 2", fx_dir()), 0);	/* progress + error */
	assert_int_equal(sh("grep -q 'error: kernel 6.1.0-test: fetching its packages failed' %s/out",
			    fx_dir()), 0);
	fx_cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(failed_build_leaves_no_directories),
		cmocka_unit_test(uncreatable_output_is_refused_first),
		cmocka_unit_test(module_path_must_be_a_file),
		cmocka_unit_test(bad_options_are_one_line),
		cmocka_unit_test(error_paths_are_one_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
