// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "common/array.h"

static void grows_and_keeps_contents(void **state)
{
	int *v = NULL;
	size_t cap = 0, i;

	for (i = 0; i < 1000; i++) {
		assert_int_equal(kp_reserve(&v, &cap, i + 1, sizeof(*v)), 0);
		assert_true(cap >= i + 1);
		v[i] = (int)i;
	}
	for (i = 0; i < 1000; i++)
		assert_int_equal(v[i], (int)i);
	free(v);
}

static void no_realloc_when_room(void **state)
{
	int *v = NULL, *before;
	size_t cap = 0;

	assert_int_equal(kp_reserve(&v, &cap, 3, sizeof(*v)), 0);
	before = v;
	assert_int_equal(kp_reserve(&v, &cap, cap, sizeof(*v)), 0);
	assert_ptr_equal(v, before);
	free(v);
}

static void overflow_is_refused_and_leaves_array(void **state)
{
	char *v = NULL;
	size_t cap = 0;

	assert_int_equal(kp_reserve(&v, &cap, 8, 1), 0);
	v[0] = 'k';
	assert_int_equal(kp_reserve(&v, &cap, SIZE_MAX / 2 + 2, 4), -ENOMEM);
	assert_non_null(v);
	assert_int_equal(v[0], 'k');
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grows_and_keeps_contents),
		cmocka_unit_test(no_realloc_when_room),
		cmocka_unit_test(overflow_is_refused_and_leaves_array),
	};

	return cmocka_run_group_tests_name("array", tests, NULL, NULL);
}
