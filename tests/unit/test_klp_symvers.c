// SPDX-License-Identifier: GPL-2.0
/* Module.symvers: exported names and their modules; malformed input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "build_fixture.h"
#include "common/symvers.h"

static void finds_exports_by_name(void **state)
{
	struct symvers sv;

	assert_int_equal(symvers_load(fx_write("Module.symvers",
		"0x64b04786\tseq_puts\tvmlinux\tEXPORT_SYMBOL\t\n"
		"0x3c30d1b5\tseq_putc\tvmlinux\tEXPORT_SYMBOL_GPL\t\n"
		"0x12345678\tsnd_card_new\tsound/core/snd\tEXPORT_SYMBOL\tSND\n"), &sv), 0);
	assert_int_equal(sv.n, 3);
	assert_string_equal(symvers_find(&sv, "seq_puts"), "vmlinux");
	assert_string_equal(symvers_find(&sv, "snd_card_new"), "sound/core/snd");
	assert_null(symvers_find(&sv, "saved_command_line"));
	assert_null(symvers_find(&sv, "seq_put"));
	/* the namespace a module must import to use it */
	assert_string_equal(symvers_namespace(&sv, "snd_card_new"), "SND");
	assert_null(symvers_namespace(&sv, "seq_puts"));
	assert_null(symvers_namespace(&sv, "saved_command_line"));
	symvers_free(&sv);
	fx_cleanup();
}

static void empty_file_has_no_exports(void **state)
{
	struct symvers sv;

	assert_int_equal(symvers_load(fx_write("empty.symvers", ""), &sv), 0);
	assert_int_equal(sv.n, 0);
	assert_null(symvers_find(&sv, "anything"));
	symvers_free(&sv);
	fx_cleanup();
}

static void malformed_and_missing(void **state)
{
	struct symvers sv;

	assert_int_equal(symvers_load(fx_write("bad.symvers", "seq_puts vmlinux\n"), &sv), -EINVAL);
	assert_int_equal(symvers_load("/nonexistent/Module.symvers", &sv), -ENOENT);
	fx_cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_exports_by_name),
		cmocka_unit_test(empty_file_has_no_exports),
		cmocka_unit_test(malformed_and_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
