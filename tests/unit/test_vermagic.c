// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "common/vermagic.h"

static void release_is_first_word(void **state)
{
	char buf[64];

	assert_int_equal(kp_vermagic_release("6.1.0-50-cloud-amd64 SMP mod_unload modversions ",
					     buf, sizeof(buf)), 0);
	assert_string_equal(buf, "6.1.0-50-cloud-amd64");
}

static void empty_and_null_are_invalid(void **state)
{
	char buf[8];

	assert_int_equal(kp_vermagic_release("", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(kp_vermagic_release("   ", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(kp_vermagic_release(NULL, buf, sizeof(buf)), -EINVAL);
}

static void small_buffer_is_reported(void **state)
{
	char buf[8];

	assert_int_equal(kp_vermagic_release("6.1.0-50-cloud-amd64 SMP", buf, sizeof(buf)),
			 -ENAMETOOLONG);
}

static void matches_exact_release_only(void **state)
{
	assert_true(kp_vermagic_matches("6.1.0-50-cloud-amd64 SMP", "6.1.0-50-cloud-amd64"));
	assert_false(kp_vermagic_matches("6.1.0-47-cloud-amd64 SMP", "6.1.0-50-cloud-amd64"));
	assert_false(kp_vermagic_matches("6.1.0-50-cloud-amd64-x SMP", "6.1.0-50-cloud-amd64"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(release_is_first_word),
		cmocka_unit_test(empty_and_null_are_invalid),
		cmocka_unit_test(small_buffer_is_reported),
		cmocka_unit_test(matches_exact_release_only),
	};

	return cmocka_run_group_tests_name("vermagic", tests, NULL, NULL);
}
