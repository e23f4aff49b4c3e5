// SPDX-License-Identifier: GPL-2.0
/* Live state from a fake sysfs, blocking tasks from a fake procfs, the withdrawn list, the install store. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kpatchlib/kernel.h"
#include "kpatchlib/live.h"
#include "kpatchlib/paths.h"
#include "kpatchlib/store.h"
#include "kpatchlib/withdrawn.h"
#include "test_kpatch_fake.h"

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

static void test_live_states_and_functions(void **state)
{
	const char *const fa[] = { "vmlinux/cmdline_proc_show,1", "kpt_busy/kpt_busy_wait,2", NULL };
	struct kp_live live;
	const struct kp_live_patch *p;

	fake_patch("p_enabled", 1, 0, fa);
	fake_patch("p_patching", 1, 1, NULL);
	fake_patch("p_unpatching", 0, 1, NULL);
	fake_patch("p_disabled", 0, 0, NULL);
	fake_module("p_gone", "OEK");	/* livepatch module without a patch directory */
	fake_module("plain", "OE");	/* not a livepatch: not listed */
	assert_int_equal(kp_live_read(&live, NULL), 0);
	assert_int_equal(live.n, 5);
	assert_string_equal(live.p[0].name, "p_disabled");	/* sorted */
	assert_int_equal(kp_live_find(&live, "p_disabled")->state, KP_LIVE_DISABLED);
	assert_int_equal(kp_live_find(&live, "p_patching")->state, KP_LIVE_PATCHING);
	assert_int_equal(kp_live_find(&live, "p_unpatching")->state, KP_LIVE_UNPATCHING);
	p = kp_live_find(&live, "p_gone");
	assert_int_equal(p->state, KP_LIVE_SUPERSEDED);
	assert_false(p->has_sysfs);
	assert_null(kp_live_find(&live, "plain"));
	p = kp_live_find(&live, "p_enabled");
	assert_int_equal(p->state, KP_LIVE_ENABLED);
	assert_int_equal(p->funcs.n, 2);
	for (size_t i = 0; i < 2; i++) {
		const struct kp_func_ref *f = &p->funcs.f[i];

		if (!strcmp(f->object, "vmlinux")) {
			assert_string_equal(f->name, "cmdline_proc_show");
			assert_int_equal(f->sympos, 1);
		} else {
			assert_string_equal(f->object, "kpt_busy");
			assert_string_equal(f->name, "kpt_busy_wait");
			assert_int_equal(f->sympos, 2);
		}
		assert_string_equal(f->patch, "p_enabled");
	}
	assert_string_equal(kp_live_state_name(KP_LIVE_PATCHING), "patching");
	kp_live_free(&live);
}

static void test_live_without_livepatch_support(void **state)
{
	struct kp_live live;
	struct kp_err err = { 0 };

	rmdir(fake_path("sys/kernel/livepatch"));
	assert_int_equal(kp_live_read(&live, &err), -1);
	assert_int_equal(err.class, KP_E_SYSTEM);
	assert_non_null(strstr(err.msg, "CONFIG_LIVEPATCH"));
}

static void test_blockers(void **state)
{
	struct kp_task *t;
	size_t n;

	fake_task(1, "init", 1, "");
	fake_task(42, "kpt_busy", 0, "[<0>] msleep+0x1/0x2\n[<0>] kpt_busy_wait+0x1a/0x30 [kpt_busy]\n");
	fake_task(77, "idle", -1, "");
	/* Patching (target 1): the task still at 0 blocks. */
	assert_int_equal(kp_blockers(1, &t, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(t[0].pid, 42);
	assert_string_equal(t[0].comm, "kpt_busy");
	assert_string_equal(t[0].stack, "msleep+0x1/0x2 < kpt_busy_wait+0x1a/0x30 [kpt_busy]");
	free(t);
	/* Unpatching (target 0): the task still at 1 blocks. */
	assert_int_equal(kp_blockers(0, &t, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(t[0].pid, 1);
	free(t);
}

static void test_wait_and_enable(void **state)
{
	struct kp_err err = { 0 };
	unsigned long long t0;

	fake_patch("p", 1, 1, NULL);
	t0 = kp_now_ms();
	assert_int_equal(kp_wait_transition("p", 100), 1);	/* still in transition */
	assert_true(kp_now_ms() - t0 >= 100);
	fake_write("sys/kernel/livepatch/p/transition", "0\n");
	assert_int_equal(kp_wait_transition("p", 100), 0);
	assert_int_equal(kp_wait_transition("nosuch", 100), 0);	/* gone counts as settled */
	assert_int_equal(kp_patch_enable("p", 0, &err), 0);
	assert_int_equal(kp_read_line(fake_path("sys/kernel/livepatch/p/enabled"), (char[8]){ 0 }, 8), 0);
	assert_int_equal(kp_patch_enable("nosuch", 0, &err), -1);
	assert_int_equal(err.class, KP_E_NOTFOUND);
	assert_false(kp_patch_has_signal("p"));
}

static void test_transition_age(void **state)
{
	char stamp[32];

	assert_int_equal(kp_transition_age("p"), -1);
	kp_transition_mark("p");
	assert_int_equal(kp_transition_age("p"), 0);
	snprintf(stamp, sizeof(stamp), "%lld\n", (long long)time(NULL) - 100);
	fake_write("run/transition/p", stamp);
	kp_transition_mark("p");	/* keeps the first start */
	assert_true(kp_transition_age("p") >= 100);
	kp_transition_clear("p");
	assert_int_equal(kp_transition_age("p"), -1);
}

/* A string literal's bytes, NULs included. */
#define PARSE(w, lit, what, err) kp_withdrawn_parse(w, lit, sizeof(lit) - 1, what, err)

static void test_withdrawn_parse(void **state)
{
	struct kp_withdrawn w = { 0 };
	struct kp_err err = { 0 };

	assert_int_equal(PARSE(&w, "# vendor list\n\n  kpatch-a  # regression\nkpatch_b@" FAKE_KREL2 "\n", "t", &err), 0);
	assert_int_equal(w.n, 2);
	assert_true(kp_withdrawn_has(&w, "kpatch_a", FAKE_KREL));	/* '-' and '_' equal */
	assert_true(kp_withdrawn_has(&w, "kpatch_a", FAKE_KREL2));
	assert_true(kp_withdrawn_has(&w, "kpatch_b", FAKE_KREL2));
	assert_false(kp_withdrawn_has(&w, "kpatch_b", FAKE_KREL));
	assert_false(kp_withdrawn_has(&w, "kpatch_c", FAKE_KREL));
	assert_int_equal(PARSE(&w, "ok\nbad/name\n", "list", &err), -1);
	assert_string_equal(err.msg, "list:2: 'bad/name' is not a module name (has a '/')");
	assert_int_equal(PARSE(&w, "name@\n", "list", &err), -1);
	assert_string_equal(err.msg, "list:1: expected NAME or NAME@RELEASE");
	kp_withdrawn_free(&w);
}

static void test_withdrawn_files(void **state)
{
	struct kp_withdrawn w;
	struct kp_err err = { 0 };

	assert_int_equal(kp_withdrawn_load(&w, &err), 0);	/* nothing configured */
	assert_int_equal(w.n, 0);
	fake_write("etc/withdrawn", "");	/* an empty list */
	assert_int_equal(kp_withdrawn_load(&w, &err), 0);
	assert_int_equal(w.n, 0);
	fake_write("etc/withdrawn", "admin_one\n");
	fake_write("etc/withdrawn.d/pkg", "pkg_two@" FAKE_KREL "\n");
	fake_write("etc/withdrawn.d/.hidden", "ignored\n");
	assert_int_equal(kp_withdrawn_load(&w, &err), 0);
	assert_int_equal(w.n, 2);
	assert_true(kp_withdrawn_has(&w, "admin_one", FAKE_KREL));
	assert_true(kp_withdrawn_has(&w, "pkg_two", FAKE_KREL));
	assert_false(kp_withdrawn_has(&w, "ignored", FAKE_KREL));
	kp_withdrawn_free(&w);
	fake_write("etc/withdrawn.d/broken", "a b c d\nx/y\n");
	assert_int_equal(kp_withdrawn_load(&w, &err), -1);
	assert_non_null(strstr(err.msg, "withdrawn.d/broken:2: 'x/y' is not a module name"));
}

static void test_store(void **state)
{
	struct fake_ko_opts o = { .name = "kp_s", .livepatch = 1, .funcs = { "f" } };
	struct kp_modfile mf;
	struct kp_names names, kernels;
	struct kp_err err = { 0 };
	struct stat st;
	char path[4096];

	assert_int_equal(kp_store_list(FAKE_KREL, &names, &err), 0);	/* no directory yet */
	assert_int_equal(names.n, 0);
	assert_int_equal(kp_modfile_open(fake_ko("src/kp_s.ko", &o), 0, &mf, &err), 0);
	assert_int_equal(kp_store_install(&mf, FAKE_KREL, &err), 0);
	assert_int_equal(kp_store_install(&mf, FAKE_KREL2, &err), 0);
	kp_modfile_close(&mf);
	kp_store_path(FAKE_KREL, "kp_s", path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(stat(fake_path("lib/" FAKE_KREL), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	fake_write("lib/" FAKE_KREL "/notes.txt", "not a module");
	assert_int_equal(kp_store_list(FAKE_KREL, &names, &err), 0);
	assert_int_equal(names.n, 1);
	assert_string_equal(names.v[0], "kp_s");
	kp_names_free(&names);
	assert_int_equal(kp_store_kernels(&kernels, &err), 0);
	assert_int_equal(kernels.n, 2);
	assert_string_equal(kernels.v[0], FAKE_KREL2);
	assert_string_equal(kernels.v[1], FAKE_KREL);
	kp_names_free(&kernels);
	assert_int_equal(kp_store_uninstall(FAKE_KREL, "kp_s", &err), 0);
	assert_int_equal(kp_store_uninstall(FAKE_KREL, "kp_s", &err), -1);
	assert_int_equal(err.class, KP_E_NOTFOUND);
	assert_non_null(strstr(err.msg, "kp_s is not installed for kernel " FAKE_KREL));
}

static void test_store_refuses_unsafe_dir(void **state)
{
	struct fake_ko_opts o = { .name = "kp_u", .livepatch = 1, .funcs = { "f" } };
	struct kp_modfile mf;
	struct kp_err err = { 0 };

	fake_mkdir("lib/" FAKE_KREL);
	chmod(fake_path("lib/" FAKE_KREL), 0777);
	assert_int_equal(kp_modfile_open(fake_ko("src/kp_u.ko", &o), 0, &mf, &err), 0);
	assert_int_equal(kp_store_install(&mf, FAKE_KREL, &err), -1);
	assert_int_equal(err.class, KP_E_INVALID);
	assert_non_null(strstr(err.msg, "writable by group or others (mode 0777)"));
	kp_modfile_close(&mf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_live_states_and_functions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live_without_livepatch_support, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blockers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_and_enable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transition_age, setup, teardown),
		cmocka_unit_test_setup_teardown(test_withdrawn_parse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_withdrawn_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_refuses_unsafe_dir, setup, teardown),
	};

	return cmocka_run_group_tests_name("kpatch_state", tests, NULL, NULL);
}
