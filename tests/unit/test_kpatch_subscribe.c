// SPDX-License-Identifier: GPL-2.0
/*
 * Automatic subscription against a real dpkg database in a fake tree
 * (dpkg-query --admindir): what check and status say in each mode, the
 * hooks' pending notes, and the refusals of auto/manual/hook.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_kpatch_fake.h"

#ifndef KPATCH_BIN
#error "KPATCH_BIN must name the kpatch program under test"
#endif

#define PKG1 "kpatch-patch-" FAKE_KREL
#define PKG2 "kpatch-patch-" FAKE_KREL2
#define IMG1 "linux-image-" FAKE_KREL " 6.1.176-1 install ok installed"
#define IMG2 "linux-image-" FAKE_KREL2 "-unsigned 6.1.170-3 install ok installed"

static char out[65536], err[16384];

static int run(const char *args)
{
	return fake_run(KPATCH_BIN, args, out, sizeof(out), err, sizeof(err));
}

static int setup(void **state)
{
	fake_setup();
	return 0;
}

static int teardown(void **state)
{
	fake_teardown();
	return 0;
}

static void set_mode(const char *mode)
{
	assert_int_equal(run(mode), 0);
}

/* Manual (the default): the running kernel's missing package is a note, exit 0. */
static void test_manual_note(void **state)
{
	fake_dpkg((const char *const[]){ IMG1, IMG2, PKG2 " 1-1 install ok installed", NULL });
	assert_int_equal(run("check"), 0);
	assert_non_null(strstr(out, "OK: the running kernel " FAKE_KREL " has no patch package " PKG1));
	assert_non_null(strstr(out, "apt-get install " PKG1));
	assert_non_null(strstr(out, "OK: 0 patch module(s) loaded"));
	assert_null(strstr(out, FAKE_KREL2 " has"));
}

/* Auto: the running kernel without its package is CRITICAL, another kernel WARNING. */
static void test_auto_missing(void **state)
{
	fake_dpkg((const char *const[]){ IMG1, IMG2, NULL });
	set_mode("auto --no-install");
	assert_int_equal(run("check"), 2);
	assert_non_null(strstr(out, "CRITICAL: the running kernel " FAKE_KREL " has no patch package although the subscription is auto: apt-get install " PKG1));
	assert_non_null(strstr(out, "WARNING: installed kernel " FAKE_KREL2 " has no patch package"));
	assert_int_equal(run("--json check"), 2);
	assert_non_null(strstr(out, "\"id\":\"patch-package-missing\""));
}

/* Auto with both packages installed: OK, and the versions are in status. */
static void test_auto_complete(void **state)
{
	fake_dpkg((const char *const[]){ IMG1, IMG2, PKG1 " 0-0 install ok installed",
					 PKG2 " 2-1 install ok installed", NULL });
	set_mode("auto --no-install");
	assert_int_equal(run("check"), 0);
	assert_string_equal(out, "OK: 0 patch module(s) loaded, 0 installed for " FAKE_KREL "\n");
	assert_int_equal(run("status"), 0);
	assert_non_null(strstr(out, "subscription: auto (deb packages)\n"));
	assert_non_null(strstr(out, "    " FAKE_KREL " (running): " PKG1 " 0-0\n"));
	assert_non_null(strstr(out, "    " FAKE_KREL2 ": " PKG2 " 2-1\n"));
	assert_int_equal(run("--json status"), 0);
	assert_non_null(strstr(out, "\"subscription\":{\"mode\":\"auto\",\"package_system\":\"deb\""));
}

/* A patch package that is only unpacked (its postinst failed) does not count. */
static void test_half_installed(void **state)
{
	fake_dpkg((const char *const[]){ IMG1, PKG1 " 1-1 install ok half-configured", NULL });
	set_mode("auto --no-install");
	assert_int_equal(run("check"), 2);
	assert_non_null(strstr(out, "the running kernel " FAKE_KREL " has no patch package"));
}

/* Meta packages, debug images and removed kernels are not installed kernels. */
static void test_not_kernels(void **state)
{
	fake_dpkg((const char *const[]){ "linux-image-cloud-amd64 6.1.176-1 install ok installed",
					 "linux-image-" FAKE_KREL "-dbg 6.1.176-1 install ok installed",
					 "linux-image-" FAKE_KREL2 " 6.1.170-3 deinstall ok config-files", NULL });
	set_mode("auto --no-install");
	assert_int_equal(run("check"), 0);
	assert_int_equal(run("--json status"), 0);
	assert_non_null(strstr(out, "\"kernels\":[]"));
}

/* Switching back to manual: the finding becomes the note again. */
static void test_manual_again(void **state)
{
	fake_dpkg((const char *const[]){ IMG1, NULL });
	set_mode("auto --no-install");
	assert_int_equal(run("check"), 2);
	set_mode("manual");
	assert_int_equal(run("check"), 0);
	assert_non_null(strstr(out, "subscription manual"));
}

/* A damaged subscription file: the check warns and names file and line. */
static void test_bad_mode_file(void **state)
{
	fake_dpkg((const char *const[]){ IMG1, NULL });
	fake_write("etc/subscription", "# comment\nsometimes\n");
	assert_int_equal(run("check"), 1);
	assert_non_null(strstr(out, "WARNING: cannot tell which kernels have their patch package: "));
	assert_non_null(strstr(out, "subscription:2: the mode must be auto or manual"));
}

/* The kernel hook notes a new kernel in auto mode only; apt's hook takes the note. */
static void test_hook_pending(void **state)
{
	fake_dpkg((const char *const[]){ IMG1, PKG1 " 0-0 install ok installed", NULL });
	assert_int_equal(run("hook kernel-installed " FAKE_KREL2), 0);
	assert_int_not_equal(access(fake_path("run/subscribe/" FAKE_KREL2), F_OK), 0);
	set_mode("auto --no-install");
	assert_int_equal(run("hook kernel-installed " FAKE_KREL2), 0);
	assert_int_equal(access(fake_path("run/subscribe/" FAKE_KREL2), F_OK), 0);
	assert_non_null(strstr(err, "kernel " FAKE_KREL2 ": its patch package is installed once dpkg is done"));
	/* the kernel is not in the database (removed again): the note goes, nothing runs */
	assert_int_equal(run("hook apt-post-invoke"), 0);
	assert_int_not_equal(access(fake_path("run/subscribe/" FAKE_KREL2), F_OK), 0);
}

/* Every refusal: a usage error or a missing package system, one line each. */
static void test_refusals(void **state)
{
	assert_int_equal(run("auto"), 3);
	assert_non_null(strstr(err, "auto: this host has no dpkg package database"));
	assert_int_equal(run("manual extra"), 2);
	assert_int_equal(run("auto --bogus"), 2);
	assert_int_equal(run("hook"), 2);
	assert_int_equal(run("hook kernel-installed"), 2);
	assert_int_equal(run("hook kernel-installed ../../etc"), 2);
	assert_non_null(strstr(err, "is not a kernel release"));
	assert_int_equal(run("hook kernel-installed $'a\\nb'"), 2);
	assert_null(strstr(err, "a\nb"));
	/* without a package system the hooks do nothing, never fail a kernel install */
	assert_int_equal(run("hook kernel-installed " FAKE_KREL2), 0);
	assert_int_equal(run("hook apt-post-invoke"), 0);
}

/* An RPM host: the mode is dnf's (autoupdate), auto/manual point to dnf kpatch. */
static void test_rpm_host(void **state)
{
	fake_write("rpmroot/etc/dnf/plugins/kpatch.conf", "[main]\nenabled = 1\nautoupdate = True\n");
	setenv("KPATCH_RPM_ROOT", fake_path("rpmroot"), 1);
	assert_int_equal(run("--json status"), 0);
	assert_non_null(strstr(out, "\"mode\":\"auto\",\"package_system\":\"rpm\""));
	assert_int_equal(run("auto"), 2);
	assert_non_null(strstr(err, "`dnf kpatch auto` (kpatch-dnf)"));
	fake_write("rpmroot/etc/dnf/plugins/kpatch.conf", "[main]\nautoupdate=False\n");
	assert_int_equal(run("--json status"), 0);
	assert_non_null(strstr(out, "\"mode\":\"manual\",\"package_system\":\"rpm\""));
	unsetenv("KPATCH_RPM_ROOT");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_manual_note, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_complete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_half_installed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_kernels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_manual_again, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_mode_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rpm_host, setup, teardown),
	};

	return cmocka_run_group_tests_name("kpatch_subscribe", tests, NULL, NULL);
}
