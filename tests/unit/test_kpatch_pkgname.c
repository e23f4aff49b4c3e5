// SPDX-License-Identifier: GPL-2.0
/*
 * Package and module names from a kernel release and a patch version
 * (kpatchlib/pkgname.c): the guide's examples, the Debian mapping, and
 * every refusal. One line a case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "kpatchlib/pkgname.h"

#define REL "6.1.0-50-cloud-amd64"

static void name_is(const char *krel, enum kp_pkg_kind kind, const char *want)
{
	struct kp_err err = { 0 };
	char buf[KP_PKGNAME_MAX];

	if (kp_pkg_name(krel, kind, buf, sizeof(buf), &err))
		fail_msg("%s refused: %s", krel, err.msg);
	assert_string_equal(buf, want);
}

static void name_refused(const char *krel, enum kp_pkg_kind kind, const char *reason)
{
	struct kp_err err = { 0 };
	char buf[KP_PKGNAME_MAX];

	assert_int_equal(kp_pkg_name(krel, kind, buf, sizeof(buf), &err), -1);
	assert_int_equal(err.class, KP_E_USAGE);
	if (!strstr(err.msg, reason))
		fail_msg("message lacks \"%s\": %s", reason, err.msg);
}

static void module_is(const char *krel, const char *version, const char *want)
{
	struct kp_err err = { 0 };
	struct kp_pkg_version v;
	char buf[KP_PKGNAME_MAX];

	assert_int_equal(kp_pkg_version_parse(version, &v, &err), 0);
	if (kp_pkg_module_name(krel, &v, buf, sizeof(buf), &err))
		fail_msg("%s %s refused: %s", krel, version, err.msg);
	assert_string_equal(buf, want);
}

static void version_refused(const char *s, const char *reason)
{
	struct kp_err err = { 0 };
	struct kp_pkg_version v;

	assert_int_equal(kp_pkg_version_parse(s, &v, &err), -1);
	assert_int_equal(err.class, KP_E_USAGE);
	if (!strstr(err.msg, reason))
		fail_msg("message lacks \"%s\": %s", reason, err.msg);
}

static void guide_rpm_name(void **s) { name_is("5.14.0-1", KP_PKG_RPM, "kpatch-patch-5_14_0-1"); }
static void guide_module_name(void **s) { module_is("5.14.0-1", "0-1", "kpatch_5_14_0_1_0_1"); }
static void debian_rpm_name(void **s) { name_is(REL, KP_PKG_RPM, "kpatch-patch-6_1_0-50-cloud-amd64"); }
static void debian_rpm_debug(void **s) { name_is(REL, KP_PKG_RPM_DEBUG, "kpatch-patch-6_1_0-50-cloud-amd64-debuginfo"); }
static void debian_deb_name(void **s) { name_is(REL, KP_PKG_DEB, "kpatch-patch-6.1.0-50-cloud-amd64"); }
static void debian_deb_debug(void **s) { name_is(REL, KP_PKG_DEB_DEBUG, "kpatch-patch-6.1.0-50-cloud-amd64-dbgsym"); }
static void debian_module(void **s) { module_is(REL, "1-1", "kpatch_6_1_0_50_cloud_amd64_1_1"); }
static void empty_module(void **s) { module_is(REL, "0-0", "kpatch_6_1_0_50_cloud_amd64_0_0"); }
static void big_version(void **s) { module_is(REL, "12-3", "kpatch_6_1_0_50_cloud_amd64_12_3"); }
static void refuse_slash(void **s) { name_refused("6.1/../x", KP_PKG_DEB, "kernel release"); }
static void refuse_underscore(void **s) { name_refused("6.1.0_custom", KP_PKG_DEB, "'_'"); }
static void rhel_rpm_name(void **s) { name_is("5.14.0-503.38.1.el9_5.x86_64", KP_PKG_RPM, "kpatch-patch-5_14_0-503_38_1_el9_5_x86_64"); }
static void rhel_module(void **s) { module_is("5.14.0-1.el9.x86_64", "1-1", "kpatch_5_14_0_1_el9_x86_64_1_1"); }
static void refuse_tilde(void **s) { name_refused("6.1.0~rc1", KP_PKG_DEB, "'~'"); }
static void refuse_upper_deb(void **s) { name_refused("6.1.0-Custom", KP_PKG_DEB, "upper-case"); }
static void upper_ok_rpm(void **s) { name_is("6.1.0-Custom", KP_PKG_RPM, "kpatch-patch-6_1_0-Custom"); }
static void refuse_empty_rel(void **s) { name_refused("", KP_PKG_DEB, "kernel release"); }
static void refuse_no_dash(void **s) { version_refused("1", "not N-R"); }
static void refuse_letters(void **s) { version_refused("1-a", "not N-R"); }
static void refuse_negative(void **s) { version_refused("-1-1", "not N-R"); }
static void refuse_leading_zero(void **s) { version_refused("01-1", "not N-R"); }
static void refuse_three_parts(void **s) { version_refused("1-1-1", "not N-R"); }
static void refuse_huge(void **s) { version_refused("1234567890-1", "not N-R"); }
static void refuse_release_zero(void **s) { version_refused("2-0", "empty package 0-0"); }

static void refuse_long_module(void **s)
{
	struct kp_err err = { 0 };
	struct kp_pkg_version v = { 1, 1 };
	char buf[KP_PKGNAME_MAX];

	assert_int_equal(kp_pkg_module_name("6.1.0-50-a-very-long-flavour-name-for-testing", &v,
					    buf, sizeof(buf), &err), -1);
	if (!strstr(err.msg, "longer than the kernel's 55"))
		fail_msg("unexpected message: %s", err.msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(guide_rpm_name), cmocka_unit_test(guide_module_name),
		cmocka_unit_test(debian_rpm_name), cmocka_unit_test(debian_rpm_debug),
		cmocka_unit_test(debian_deb_name), cmocka_unit_test(debian_deb_debug),
		cmocka_unit_test(debian_module), cmocka_unit_test(empty_module),
		cmocka_unit_test(big_version), cmocka_unit_test(refuse_slash),
		cmocka_unit_test(refuse_underscore), cmocka_unit_test(refuse_tilde),
		cmocka_unit_test(rhel_rpm_name), cmocka_unit_test(rhel_module),
		cmocka_unit_test(refuse_upper_deb), cmocka_unit_test(upper_ok_rpm),
		cmocka_unit_test(refuse_empty_rel), cmocka_unit_test(refuse_no_dash),
		cmocka_unit_test(refuse_letters), cmocka_unit_test(refuse_negative),
		cmocka_unit_test(refuse_leading_zero), cmocka_unit_test(refuse_three_parts),
		cmocka_unit_test(refuse_huge), cmocka_unit_test(refuse_release_zero),
		cmocka_unit_test(refuse_long_module),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
