// SPDX-License-Identifier: GPL-2.0
/*
 * Refusals: changes a live patch cannot apply. Each must stop the differ
 * with a reason naming the function or section, and no output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "diff_fixture.h"

static void assert_refused(struct fx *f, const char *orig, const char *patched,
			   const char *what, const char *reason)
{
	assert_int_equal(fx_diff(f, orig, patched), KDIFF_REFUSED);
	assert_null(f->res.out);
	assert_int_equal(f->res.nfunctions, 0);
	if (strncmp(f->res.msg, what, strlen(what)) || f->res.msg[strlen(what)] != ':')
		fail_msg("message does not start with \"%s:\": %s", what, f->res.msg);
	if (!strstr(f->res.msg, reason))
		fail_msg("message lacks \"%s\": %s", reason, f->res.msg);
}

#define INIT_SRC(s, show) \
	"int __init setup_thing(void) { seq_puts(0, \"" s "\"); return 0; }\n" \
	"int show(struct seq_file *m) { seq_puts(m, \"" show "\"); return 0; }\n"

/* Boot-time and runtime code changed: the way out is --skip-init. */
static void changed_init_code(void **state)
{
	assert_refused(*state, INIT_SRC("one", "show"), INIT_SRC("two", "shown"), "setup_thing",
		       "changed __init/__exit function: boot-time code cannot be patched");
	assert_non_null(strstr(((struct fx *)*state)->res.msg,
			       "rebuild with --skip-init to apply that part alone (setup_thing() left out)"));
}

static void new_init_code(void **state)
{
	assert_refused(*state, INIT_SRC("one", "show"),
		       INIT_SRC("one", "shown") "int __init more_setup(void) { seq_puts(0, \"m\"); return 1; }\n",
		       "more_setup", "new __init/__exit function");
	assert_non_null(strstr(((struct fx *)*state)->res.msg, "--skip-init"));
}

static void assert_boot_only(struct fx *f, const char *orig, const char *patched, const char *names)
{
	char want[300];

	assert_int_equal(fx_diff(f, orig, patched), KDIFF_INIT_ONLY);
	assert_null(f->res.out);
	assert_int_equal(f->res.nfunctions, 0);
	snprintf(want, sizeof(want), "nothing to patch at runtime: the change is in boot-time "
		 "code only (__init/__exit: %s)", names);
	assert_string_equal(f->res.msg, want);
	assert_string_equal(f->res.init, names);
}

/* Only boot-time code changed: not a refusal, nothing to patch (names in symbol-table order). */
static void changed_init_code_only(void **state)
{
	assert_boot_only(*state, INIT_SRC("one", "show"), INIT_SRC("two", "show"), "setup_thing()");
}

static void new_init_code_only(void **state)
{
	assert_boot_only(*state, INIT_SRC("one", "show"),
			 INIT_SRC("two", "show") "int __init more_setup(void) { return 1; }\n"
			 "static int boot_flag __attribute__((section(\".init.data\"))) = 3;\n"
			 "int __init flag_setup(void) { return boot_flag; }\n",
			 "boot_flag, setup_thing(), more_setup(), flag_setup()");
}

#define EXIT_FN(s) \
	"void __attribute__((section(\".exit.text\"), cold)) teardown(void) " \
	"{ seq_puts(0, \"" s "\"); }\n"

/* __exit code runs only when built-in code would exit: never patched either. */
static void changed_exit_code_only(void **state)
{
	assert_boot_only(*state,
			 EXIT_FN("bye") INIT_SRC("a", "s"), EXIT_FN("ciao") INIT_SRC("a", "s"),
			 "teardown()");
}

#define DATA_SRC(decl) decl "\nint get(void) { return limit[0]; }\n"

static void changed_initial_value(void **state)
{
	assert_refused(*state, DATA_SRC("int limit[2] = { 5, 1 };"),
		       DATA_SRC("int limit[2] = { 6, 1 };"), "limit", "initial value");
}

static void changed_bss_layout(void **state)
{
	assert_refused(*state, DATA_SRC("int limit[4];"),
		       DATA_SRC("int limit[8];"), "limit", "layout");
}

static void changed_read_mostly(void **state)
{
	assert_refused(*state,
		       DATA_SRC("int limit[1] __attribute__((section(\".data..read_mostly\"))) = { 1 };"),
		       DATA_SRC("int limit[1] __attribute__((section(\".data..read_mostly\"))) = { 2 };"),
		       "limit", ".data..read_mostly");
}

static void changed_const_table(void **state)
{
	assert_refused(*state,
		       "static const int table[3] = { 1, 2, 3 };\n"
		       "int pick(int i) { return table[i]; }\n",
		       "static const int table[3] = { 1, 2, 4 };\n"
		       "int pick(int i) { return table[i]; }\n",
		       "table", "shadow variable");
}

#define NOTRACE_SRC(s) \
	"notrace int quiet_show(struct seq_file *m) { seq_puts(m, \"" s "\"); return 0; }\n"

static void changed_notrace_function(void **state)
{
	assert_refused(*state, NOTRACE_SRC("a"), NOTRACE_SRC("b"), "quiet_show", "ftrace entry");
}

#define NOTRACE_STATIC(s) \
	"static notrace noinline int quiet(struct seq_file *m) { seq_puts(m, \"" s "\"); return 0; }\n" \
	"int show_a(struct seq_file *m) { return quiet(m) + 1; }\n" \
	"int show_b(struct seq_file *m) { return quiet(m) + 2; }\n" \
	"int show_c(struct seq_file *m) { seq_puts(m, \"c\"); return 3; }\n"

static void changed_static_notrace_patches_its_callers(void **state)
{
	struct fx *f = *state;
	struct kelf_sym *y;

	assert_int_equal(fx_diff(f, NOTRACE_STATIC("a"), NOTRACE_STATIC("b")), KDIFF_CHANGED);
	assert_int_equal(f->res.nfunctions, 2);
	assert_non_null(fx_function(f, "show_a"));
	assert_non_null(fx_function(f, "show_b"));
	assert_null(fx_function(f, "quiet"));
	/* the helper is carried, local, and the callers call the carried copy */
	y = fx_out_symbol(f, "quiet");
	assert_non_null(y);
	assert_non_null(y->sec);
	assert_int_equal(y->bind, STB_LOCAL);
	assert_int_equal(fx_out_relas_to(f, ".text.show_a", "quiet"), 1);
	assert_null(fx_symbol(f, "quiet"));
}

static void changed_notrace_with_address_taken(void **state)
{
	assert_refused(*state,
		NOTRACE_STATIC("a") "int (*const quiet_ptr)(struct seq_file *) = quiet;\n",
		NOTRACE_STATIC("b") "int (*const quiet_ptr)(struct seq_file *) = quiet;\n",
		"quiet", "its address is taken in quiet_ptr, so it is called indirectly");
}

/* A helper that init code also calls: the init caller cannot be patched. */
static void changed_notrace_called_from_init(void **state)
{
	assert_refused(*state,
		NOTRACE_STATIC("a") "int __init quiet_setup(void) { return quiet(0); }\n",
		NOTRACE_STATIC("b") "int __init quiet_setup(void) { return quiet(0); }\n",
		"quiet", "its caller quiet_setup is __init/__exit code, which cannot be patched");
}

/* The helper's caller has no ftrace entry either and is global: refused naming both. */
static void changed_notrace_with_unpatchable_caller(void **state)
{
	struct fx *f = *state;

	assert_refused(f,
		NOTRACE_STATIC("a") "notrace int loud(struct seq_file *m) { return quiet(m) * 2; }\n",
		NOTRACE_STATIC("b") "notrace int loud(struct seq_file *m) { return quiet(m) * 2; }\n",
		"loud", "it is global, so code elsewhere calls it directly");
	assert_non_null(strstr(f->res.msg, "it must change because it calls the changed notrace "
			       "function quiet, so quiet cannot be applied by patching its callers"));
}

static void new_notrace_function_is_fine(void **state)
{
	struct fx *f = *state;

	/* only changed functions are redirected; a new one needs no entry */
	assert_int_equal(fx_diff(f,
		"int show(struct seq_file *m, int n) { seq_puts(m, \"a\"); return n; }\n",
		"notrace noinline static void helper(struct seq_file *m) { seq_puts(m, \"h\"); }\n"
		"int show(struct seq_file *m, int n) { seq_puts(m, \"a\"); helper(m); return n; }\n"),
		KDIFF_CHANGED);
	assert_non_null(fx_function(f, "helper"));
}

#define WEIRD_SRC(v) \
	"int weird[2] __attribute__((section(\".kpatch_weird\"))) = { " v ", 0 };\n" \
	"int use(void) { return weird[1]; }\n"

static void changed_unknown_section(void **state)
{
	assert_refused(*state, WEIRD_SRC("1"), WEIRD_SRC("2"), "weird", "does not understand");
}

static void new_unknown_section(void **state)
{
	assert_refused(*state, "int use(void) { return 1; }\n",
		       "static int odd[2] __attribute__((section(\"odd_things\"), used)) = { 3, 4 };\n"
		       "int use(void) { return 2; }\n",
		       "odd_things", "does not understand");
}

#define PTRS(t) \
	"asm(\".pushsection kp_ptrs,\\\"a\\\"\\n.quad " t "\\n.popsection\");\n" \
	"int use(void) { return 2; }\n"

static void changed_relocation_in_unknown_section(void **state)
{
	/* the bytes are zero either way: only the relocation differs */
	assert_refused(*state, PTRS("target_a"), PTRS("target_b"), "kp_ptrs", "does not understand");
}

static void tool_prints_one_line_and_exits_4(void **state)
{
	struct fx *f = *state;

	fx_compile(f, NOTRACE_SRC("a"), f->orig);
	fx_compile(f, NOTRACE_SRC("b"), f->patched);
	assert_int_equal(fx_sh("%s --object-name vmlinux %s %s -o %s --manifest %s 2>%s/err",
			       fx_tool(), f->orig, f->patched, f->out, f->manifest, f->dir), 4);
	assert_int_equal(fx_sh("test $(wc -l < %s/err) = 1", f->dir), 0);
	assert_int_equal(fx_sh("grep -q '^kpatch-diff: vmlinux: quiet_show: changed function has no "
			       "ftrace entry' %s/err", f->dir), 0);
	assert_int_equal(fx_sh("test ! -e %s && test ! -e %s", f->out, f->manifest), 0);
}

/* The tool: exit 9, one line, nothing written, the result file says init-only. */
static void tool_boot_only_exits_9(void **state)
{
	struct fx *f = *state;

	fx_compile(f, INIT_SRC("one", "show"), f->orig);
	fx_compile(f, INIT_SRC("two", "show"), f->patched);
	assert_int_equal(fx_sh("%s --object-name vmlinux %s %s -o %s --manifest %s --result %s/r.json "
			       "2>%s/err", fx_tool(), f->orig, f->patched, f->out, f->manifest, f->dir,
			       f->dir), 9);
	assert_int_equal(fx_sh("test $(wc -l < %s/err) = 1", f->dir), 0);
	assert_int_equal(fx_sh("grep -qx 'kpatch-diff: vmlinux: nothing to patch at runtime: the change "
			       "is in boot-time code only (__init/__exit: setup_thing())' %s/err", f->dir), 0);
	assert_int_equal(fx_sh("test ! -e %s && test ! -e %s", f->out, f->manifest), 0);
	assert_int_equal(fx_sh("grep -qF '\"status\":\"init-only\",\"code\":9,' %s/r.json && "
			       "grep -qF '\"init\":\"setup_thing()\"' %s/r.json", f->dir, f->dir), 0);
	/* --skip-init asks to leave boot-time code out: still nothing to patch */
	assert_int_equal(fx_sh("%s --skip-init -n vmlinux %s %s -o %s --manifest %s 2>/dev/null",
			       fx_tool(), f->orig, f->patched, f->out, f->manifest), 9);
}

/* Mixed: exit 4, and the line names --skip-init. */
static void tool_mixed_init_names_skip_init(void **state)
{
	struct fx *f = *state;

	fx_compile(f, INIT_SRC("one", "show"), f->orig);
	fx_compile(f, INIT_SRC("two", "shown"), f->patched);
	assert_int_equal(fx_sh("%s --object-name vmlinux %s %s -o %s --manifest %s 2>%s/err",
			       fx_tool(), f->orig, f->patched, f->out, f->manifest, f->dir), 4);
	assert_int_equal(fx_sh("test $(wc -l < %s/err) = 1", f->dir), 0);
	assert_int_equal(fx_sh("grep -q '^kpatch-diff: vmlinux: setup_thing: changed __init/__exit "
			       "function: .*; rebuild with --skip-init to apply that part alone' %s/err",
			       f->dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(changed_init_code, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(new_init_code, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(changed_init_code_only, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(new_init_code_only, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(changed_exit_code_only, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(tool_boot_only_exits_9, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(tool_mixed_init_names_skip_init, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(changed_initial_value, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(changed_bss_layout, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(changed_read_mostly, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(changed_const_table, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(changed_notrace_function, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(new_notrace_function_is_fine, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(changed_static_notrace_patches_its_callers, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(changed_notrace_with_address_taken, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(changed_notrace_called_from_init, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(changed_notrace_with_unpatchable_caller, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(changed_unknown_section, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(new_unknown_section, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(changed_relocation_in_unknown_section, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(tool_prints_one_line_and_exits_4, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
