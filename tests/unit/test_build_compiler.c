// SPDX-License-Identifier: GPL-2.0
/*
 * The compiler check against CONFIG_CC_VERSION_TEXT, with the gcc of this
 * machine: a match, a mismatch naming both, the skip option, a config
 * without the text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "build/kb.h"
#include "build_fixture.h"

static char gcc_line[512];

static int setup(void **state)
{
	FILE *p = popen("gcc --version", "r");

	if (!p || !fgets(gcc_line, sizeof(gcc_line), p))
		return -1;
	pclose(p);
	gcc_line[strcspn(gcc_line, "\n")] = '\0';
	return 0;
}

static void check_with(struct kb *kb, const char *cc_text, bool skip)
{
	char cfg[1024];

	snprintf(cfg, sizeof(cfg), "CONFIG_X86_64=y\nCONFIG_CC_VERSION_TEXT=\"%s\"\nCONFIG_GCC_VERSION=120200\n",
		 cc_text);
	memset(kb, 0, sizeof(*kb));
	kb->config = fx_write("config", cfg);
	kb->skip_compiler_check = skip;
}

static void same_compiler_passes(void **state)
{
	struct kb kb;

	check_with(&kb, gcc_line, false);
	assert_int_equal(kb_check_compiler(&kb), 0);
	assert_non_null(kb.cc);
	/* the command is the text's first word ("gcc" for this machine's gcc) */
	assert_int_equal(strncmp(gcc_line, kb.cc, strlen(kb.cc)), 0);
	free(kb.cc);
	fx_cleanup();
}

static void other_compiler_is_named(void **state)
{
	struct kb kb;

	check_with(&kb, "gcc (Debian 99.1.0-1) 99.1.0", false);
	assert_int_equal(kb_check_compiler(&kb), -1);
	assert_int_equal(kb.err.code, KB_ECOMPILER);
	assert_non_null(strstr(kb.err.msg, "'gcc (Debian 99.1.0-1) 99.1.0'"));
	assert_non_null(strstr(kb.err.msg, gcc_line));
	assert_non_null(strstr(kb.err.msg, "--skip-compiler-check"));
	fx_cleanup();
}

static void missing_command_falls_back_to_gcc(void **state)
{
	struct kb kb;

	/* "gcc-99" is not installed: the check compares plain gcc, and fails */
	check_with(&kb, "gcc-99 (Debian 99.1.0-1) 99.1.0", false);
	assert_int_equal(kb_check_compiler(&kb), -1);
	assert_int_equal(kb.err.code, KB_ECOMPILER);
	fx_cleanup();
}

static void skip_builds_anyway(void **state)
{
	struct kb kb;

	check_with(&kb, "gcc (Debian 99.1.0-1) 99.1.0", true);
	assert_int_equal(kb_check_compiler(&kb), 0);
	assert_string_equal(kb.cc, "gcc");
	free(kb.cc);
	fx_cleanup();
}

static void config_without_text_is_refused(void **state)
{
	struct kb kb;

	memset(&kb, 0, sizeof(kb));
	kb.config = fx_write("config", "CONFIG_X86_64=y\n");
	assert_int_equal(kb_check_compiler(&kb), -1);
	assert_int_equal(kb.err.code, KB_EUSAGE);
	assert_non_null(strstr(kb.err.msg, "no CONFIG_CC_VERSION_TEXT"));
	fx_cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_compiler_passes),
		cmocka_unit_test(other_compiler_is_named),
		cmocka_unit_test(missing_command_falls_back_to_gcc),
		cmocka_unit_test(skip_builds_anyway),
		cmocka_unit_test(config_without_text_is_refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
