// SPDX-License-Identifier: GPL-2.0
/* Every `kpatch check` finding, and conflict detection, against a fake tree. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kpatchlib/check.h"
#include "kpatchlib/live.h"
#include "kpatchlib/modfile.h"
#include "test_kpatch_fake.h"

static const char *const cmdline_fn[] = { "vmlinux/cmdline_proc_show,1", NULL };

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

static void install(const char *krel, const char *name, int replace)
{
	struct fake_ko_opts o = { .name = name, .livepatch = 1, .replace = replace,
				  .vermagic = krel, .funcs = { "cmdline_proc_show" } };
	char rel[512];

	snprintf(rel, sizeof(rel), "lib/%s/%s.ko", krel, name);
	fake_ko(rel, &o);
}

/* Run the check; the single finding (when want_id) must be the expected one. */
static struct kp_check run(enum kp_level want, const char *want_id, const char *want_msg)
{
	struct kp_check c;
	struct kp_err err = { 0 };

	assert_int_equal(kp_check_run(FAKE_KREL, 60, &c, &err), 0);
	for (size_t i = 0; i < c.n; i++)
		print_message("finding: %s %s\n", c.f[i].id, c.f[i].msg);
	assert_int_equal(c.level, want);
	if (want_id) {
		assert_int_equal(c.n, 1);
		assert_string_equal(c.f[0].id, want_id);
		assert_string_equal(c.f[0].msg, want_msg);
	} else {
		assert_int_equal(c.n, 0);
	}
	kp_check_free(&c);
	return c;
}

static void test_ok_empty_and_consistent(void **state)
{
	run(KP_CHECK_OK, NULL, NULL);
	install(FAKE_KREL, "kp_a", 0);
	fake_patch("kp_a", 1, 0, cmdline_fn);
	struct kp_check c = run(KP_CHECK_OK, NULL, NULL);

	assert_int_equal(c.loaded, 1);
	assert_int_equal(c.installed, 1);
}

static void test_not_loaded(void **state)
{
	install(FAKE_KREL, "kp_a", 0);
	run(KP_CHECK_CRITICAL, KP_FIND_NOT_LOADED,
	    "kp_a is installed for the running kernel " FAKE_KREL " but not loaded");
}

static void test_not_enabled(void **state)
{
	install(FAKE_KREL, "kp_a", 0);
	fake_patch("kp_a", 0, 0, cmdline_fn);
	run(KP_CHECK_CRITICAL, KP_FIND_NOT_ENABLED, "kp_a is installed and loaded but not enabled (disabled)");
	fake_teardown();
	fake_setup();
	install(FAKE_KREL, "kp_a", 0);
	fake_module("kp_a", "K");
	run(KP_CHECK_CRITICAL, KP_FIND_NOT_ENABLED, "kp_a is installed and loaded but not enabled (superseded)");
}

static void test_kernel_updated_patch_not(void **state)
{
	install(FAKE_KREL2, "kp_old", 0);
	install("6.1.0-40-cloud-amd64", "kp_older", 0);
	fake_mkdir("lib/6.1.0-30-cloud-amd64");	/* empty: not named */
	run(KP_CHECK_CRITICAL, KP_FIND_KERNEL_MISMATCH,
	    "no patch modules installed for the running kernel " FAKE_KREL
	    "; installed only for 6.1.0-40-cloud-amd64, " FAKE_KREL2);
}

static void test_not_installed(void **state)
{
	fake_patch("kp_a", 1, 0, cmdline_fn);
	run(KP_CHECK_WARNING, KP_FIND_NOT_INSTALLED,
	    "kp_a is loaded but not installed for " FAKE_KREL "; it will be gone after a reboot");
}

static void test_transition(void **state)
{
	char stamp[32];

	install(FAKE_KREL, "kp_a", 0);
	fake_patch("kp_a", 1, 1, cmdline_fn);
	/* First sighting starts the clock: not yet over the threshold. */
	run(KP_CHECK_OK, NULL, NULL);
	snprintf(stamp, sizeof(stamp), "%lld\n", (long long)time(NULL) - 90);
	fake_write("run/transition/kp_a", stamp);
	struct kp_check c;

	assert_int_equal(kp_check_run(FAKE_KREL, 60, &c, NULL), 0);
	assert_int_equal(c.level, KP_CHECK_WARNING);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.f[0].id, KP_FIND_TRANSITION);
	assert_non_null(strstr(c.f[0].msg, "kp_a has been patching for 9"));
	assert_non_null(strstr(c.f[0].msg, "(threshold 60 s)"));
	kp_check_free(&c);
	/* Once settled the record goes, so the next transition starts afresh. */
	fake_patch("kp_a", 1, 0, cmdline_fn);
	run(KP_CHECK_OK, NULL, NULL);
	assert_int_equal(access(fake_path("run/transition/kp_a"), F_OK), -1);
}

static void test_withdrawn(void **state)
{
	install(FAKE_KREL, "kp_a", 0);
	fake_patch("kp_a", 1, 0, cmdline_fn);
	fake_write("etc/withdrawn", "# regressions\nkp_a\n");
	run(KP_CHECK_CRITICAL, KP_FIND_WITHDRAWN,
	    "kp_a is loaded but withdrawn; unload it with `kpatch unload kp_a`");
	fake_teardown();
	fake_setup();
	install(FAKE_KREL, "kp_a", 0);
	fake_write("etc/withdrawn.d/vendor", "kp_a@" FAKE_KREL "\n");
	run(KP_CHECK_WARNING, KP_FIND_WITHDRAWN_INST,
	    "kp_a is withdrawn but still installed for " FAKE_KREL "; uninstall it");
	/* Withdrawn for another kernel only: the usual rules apply. */
	fake_write("etc/withdrawn.d/vendor", "kp_a@" FAKE_KREL2 "\n");
	run(KP_CHECK_CRITICAL, KP_FIND_NOT_LOADED,
	    "kp_a is installed for the running kernel " FAKE_KREL " but not loaded");
}

static void test_superseded_by_replace(void **state)
{
	install(FAKE_KREL, "kp_a", 0);
	install(FAKE_KREL, "kp_cumulative", 1);
	fake_patch("kp_cumulative", 1, 0, cmdline_fn);
	run(KP_CHECK_WARNING, KP_FIND_SUPERSEDED,
	    "kp_a is installed but superseded by atomic-replace patch kp_cumulative; uninstall it");
}

static void test_conflict(void **state)
{
	struct fake_ko_opts o = { .name = "kp_new", .livepatch = 1, .funcs = { "other_fn", "cmdline_proc_show" } };
	const struct kp_func_ref *mine, *theirs = NULL;
	struct kp_modfile mf;
	struct kp_live live;

	fake_patch("kp_old", 1, 0, cmdline_fn);
	fake_patch("kp_off", 0, 0, (const char *const[]){ "vmlinux/other_fn,1", NULL });
	assert_int_equal(kp_live_read(&live, NULL), 0);
	assert_int_equal(kp_modfile_open(fake_ko("m/kp_new.ko", &o), 0, &mf, NULL), 0);
	mine = kp_conflict(&mf, &live, &theirs);
	assert_non_null(mine);
	assert_string_equal(mine->name, "cmdline_proc_show");
	assert_string_equal(theirs->patch, "kp_old");	/* the disabled kp_off does not count */
	mf.replace = 1;		/* an atomic-replace patch takes over instead */
	assert_null(kp_conflict(&mf, &live, &theirs));
	kp_modfile_close(&mf);
	o.funcs[1] = NULL;
	o.name = "kp_other";
	assert_int_equal(kp_modfile_open(fake_ko("m/kp_other.ko", &o), 0, &mf, NULL), 0);
	assert_null(kp_conflict(&mf, &live, &theirs));
	kp_modfile_close(&mf);
	kp_live_free(&live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ok_empty_and_consistent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_loaded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_enabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_updated_patch_not, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_installed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transition, setup, teardown),
		cmocka_unit_test_setup_teardown(test_withdrawn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_superseded_by_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflict, setup, teardown),
	};

	return cmocka_run_group_tests_name("kpatch_check", tests, NULL, NULL);
}
