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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(failed_build_leaves_no_directories),
		cmocka_unit_test(uncreatable_output_is_refused_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
