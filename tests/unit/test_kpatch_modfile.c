// SPDX-License-Identifier: GPL-2.0
/* Module files: module info through libkmod, patched functions from the ELF data, checks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kpatchlib/modfile.h"
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

static void test_reads_info_and_functions(void **state)
{
	struct fake_ko_opts o = { .name = "kp_a", .livepatch = 1, .cves = "CVE-2099-1,CVE-2099-2",
				  .funcs = { "cmdline_proc_show", "meminfo_proc_show" } };
	struct kp_modfile mf;
	struct kp_err err = { 0 };

	assert_int_equal(kp_modfile_open(fake_ko("m/kp_a.ko", &o), 0, &mf, &err), 0);
	assert_string_equal(mf.name, "kp_a");
	assert_true(mf.livepatch);
	assert_false(mf.replace);
	assert_string_equal(mf.cves, "CVE-2099-1,CVE-2099-2");
	assert_string_equal(mf.description, "fake kp_a");
	assert_int_equal(mf.funcs.n, 2);
	assert_string_equal(mf.funcs.f[0].object, "vmlinux");
	assert_string_equal(mf.funcs.f[0].name, "cmdline_proc_show");
	assert_int_equal(mf.funcs.f[0].sympos, 1);	/* 0 in the module = 1 in sysfs */
	assert_string_equal(mf.funcs.f[1].name, "meminfo_proc_show");
	assert_int_equal(kp_modfile_check(&mf, FAKE_KREL, &err), 0);
	kp_modfile_close(&mf);
}

static void test_replace_and_module_object(void **state)
{
	struct fake_ko_opts o = { .name = "kp_r", .livepatch = 1, .replace = 1, .object = "kpt_busy",
				  .funcs = { "kpt_busy_wait" } };
	struct kp_modfile mf;

	assert_int_equal(kp_modfile_open(fake_ko("m/kp_r.ko", &o), 0, &mf, NULL), 0);
	assert_true(mf.replace);
	assert_int_equal(mf.funcs.n, 1);
	assert_string_equal(mf.funcs.f[0].object, "kpt_busy");
	assert_string_equal(mf.funcs.f[0].name, "kpt_busy_wait");
	kp_modfile_close(&mf);
}

static void test_two_objects_one_function_each(void **state)
{
	/* One entry per array: the walk must not run into the other array. */
	struct fake_ko_opts o = { .name = "kp_two", .livepatch = 1, .funcs = { "cmdline_proc_show" },
				  .object2 = "kpt_busy", .funcs2 = { "kpt_busy_wait" }, .owner_struct = 1 };
	struct kp_modfile mf;

	assert_int_equal(kp_modfile_open(fake_ko("m/kp_two.ko", &o), 0, &mf, NULL), 0);
	assert_false(mf.replace);
	assert_int_equal(mf.funcs.n, 2);
	assert_string_equal(mf.funcs.f[0].object, "vmlinux");
	assert_string_equal(mf.funcs.f[0].name, "cmdline_proc_show");
	assert_string_equal(mf.funcs.f[1].object, "kpt_busy");
	assert_string_equal(mf.funcs.f[1].name, "kpt_busy_wait");
	assert_int_equal(mf.funcs.f[1].sympos, 2);
	kp_modfile_close(&mf);
}

static void test_two_objects_several_functions(void **state)
{
	struct fake_ko_opts o = { .name = "kp_many", .livepatch = 1, .replace = 1,
				  .funcs = { "a_fn", "b_fn", "c_fn" },
				  .object2 = "ext4", .funcs2 = { "x_fn", "y_fn" } };
	struct kp_modfile mf;
	static const char *const want[][2] = {
		{ "vmlinux", "a_fn" }, { "vmlinux", "b_fn" }, { "vmlinux", "c_fn" },
		{ "ext4", "x_fn" }, { "ext4", "y_fn" },
	};

	assert_int_equal(kp_modfile_open(fake_ko("m/kp_many.ko", &o), 0, &mf, NULL), 0);
	assert_true(mf.replace);
	assert_int_equal(mf.funcs.n, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(mf.funcs.f[i].object, want[i][0]);
		assert_string_equal(mf.funcs.f[i].name, want[i][1]);
	}
	assert_int_equal(mf.funcs.f[3].sympos, 2);
	assert_int_equal(mf.funcs.f[4].sympos, 3);
	kp_modfile_close(&mf);
}

static void test_vermagic_mismatch_names_both(void **state)
{
	struct fake_ko_opts o = { .name = "kp_old", .livepatch = 1, .vermagic = FAKE_KREL2,
				  .funcs = { "f" } };
	struct kp_modfile mf;
	struct kp_err err = { 0 };

	assert_int_equal(kp_modfile_open(fake_ko("m/kp_old.ko", &o), 0, &mf, &err), 0);
	assert_int_equal(kp_modfile_check(&mf, FAKE_KREL, &err), -1);
	assert_int_equal(err.class, KP_E_INVALID);
	assert_non_null(strstr(err.msg, "built for kernel " FAKE_KREL2 ", not for kernel " FAKE_KREL));
	kp_modfile_close(&mf);
}

static void test_not_livepatch(void **state)
{
	struct fake_ko_opts o = { .name = "kp_plain", .livepatch = 0, .funcs = { "f" } };
	struct kp_modfile mf;
	struct kp_err err = { 0 };

	assert_int_equal(kp_modfile_open(fake_ko("m/kp_plain.ko", &o), 0, &mf, &err), 0);
	assert_int_equal(mf.funcs.n, 0);
	assert_int_equal(kp_modfile_check(&mf, FAKE_KREL, &err), -1);
	assert_non_null(strstr(err.msg, "kp_plain is not a livepatch module"));
	kp_modfile_close(&mf);
}

static void test_refusals(void **state)
{
	struct fake_ko_opts o = { .name = "kp_w", .livepatch = 1, .funcs = { "f" } };
	struct kp_modfile mf;
	struct kp_err err = { 0 };
	char link[4096];
	const char *ko = fake_ko("m/kp_w.ko", &o);

	/* Writable by others: whoever can write it could put code in the kernel. */
	chmod(ko, 0666);
	assert_int_equal(kp_modfile_open(ko, 0, &mf, &err), -1);
	assert_int_equal(err.class, KP_E_INVALID);
	assert_non_null(strstr(err.msg, "writable by others (mode 0666)"));
	chmod(ko, 0644);

	/* A symbolic link is refused in strict mode (install), accepted otherwise. */
	snprintf(link, sizeof(link), "%s", fake_path("m/link.ko"));
	assert_int_equal(symlink(ko, link), 0);
	assert_int_equal(kp_modfile_open(link, KP_OPEN_STRICT, &mf, &err), -1);
	assert_non_null(strstr(err.msg, "is a symbolic link"));
	assert_int_equal(kp_modfile_open(link, 0, &mf, &err), 0);
	kp_modfile_close(&mf);

	/* Missing file, directory, not ELF. */
	assert_int_equal(kp_modfile_open(fake_path("m/none.ko"), 0, &mf, &err), -1);
	assert_int_equal(err.class, KP_E_NOTFOUND);
	assert_int_equal(kp_modfile_open(fake_path("m"), 0, &mf, &err), -1);
	assert_non_null(strstr(err.msg, "not a regular file"));
	fake_write("m/text.ko", "hello\n");
	assert_int_equal(kp_modfile_open(fake_path("m/text.ko"), 0, &mf, &err), -1);
	assert_int_equal(err.class, KP_E_INVALID);
	assert_non_null(strstr(err.msg, "not a kernel module"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reads_info_and_functions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_and_module_object, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_objects_one_function_each, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_objects_several_functions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vermagic_mismatch_names_both, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_livepatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	};

	return cmocka_run_group_tests_name("kpatch_modfile", tests, NULL, NULL);
}
