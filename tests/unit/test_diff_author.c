// SPDX-License-Identifier: GPL-2.0
/*
 * The author macros (kmod/kpatch-author.h, compiled here for real against
 * stub kernel headers) and the hard cases next to them: static locals a
 * function stops using, once-only flags, exports, --skip-init.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "diff_fixture.h"

#define AUTHOR_CFLAGS "-I" KPATCH_SRC_DIR "/tests/unit/diff_fixture_include -I" KPATCH_SRC_DIR "/kmod"
#define AUTHOR "#include <kpatch-author.h>\n"

static int author_setup(void **state)
{
	int rc = fx_setup(state);

	if (!rc)
		((struct fx *)*state)->cflags = AUTHOR_CFLAGS;
	return rc;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, author_setup, fx_teardown)

static const char *warning_with(const struct fx *f, const char *needle)
{
	for (size_t i = 0; i < f->res.nwarnings; i++)
		if (strstr(f->res.warnings[i], needle))
			return f->res.warnings[i];
	return NULL;
}

static bool file_has(const char *path, const char *needle)
{
	char buf[8192];
	FILE *fp = fopen(path, "r");
	size_t n;

	if (!fp)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

#define SHOW(s) "int show(struct seq_file *m) { seq_puts(m, \"" s "\"); return 0; }\n"

static void callbacks_are_carried_and_listed(void **state)
{
	struct fx *f = *state;
	char err[128];

	assert_int_equal(fx_diff(f, SHOW("a"),
		AUTHOR SHOW("b")
		"static int ready(struct klp_object *o) { seq_puts(0, \"pre\"); return 0; }\n"
		"static void done(struct klp_object *o) { seq_puts(0, \"post\"); }\n"
		"static void going(struct klp_object *o) { seq_puts(0, \"pre-un\"); }\n"
		"static void gone(struct klp_object *o) { kpatch_shadow_free_all(7); }\n"
		"KPATCH_PRE_PATCH_CALLBACK(ready);\n"
		"KPATCH_POST_PATCH_CALLBACK(done);\n"
		"KPATCH_PRE_UNPATCH_CALLBACK(going);\n"
		"KPATCH_POST_UNPATCH_CALLBACK(gone);\n"), KDIFF_CHANGED);
	assert_int_equal(f->res.ncallbacks, 4);
	for (size_t i = 0; i < 4; i++) {
		const char *want[][2] = { { "pre_patch", "ready" }, { "post_patch", "done" },
					  { "pre_unpatch", "going" }, { "post_unpatch", "gone" } };
		size_t j;

		for (j = 0; j < 4 && strcmp(f->res.callbacks[j].type, want[i][0]); j++)
			;
		assert_true(j < 4);
		assert_string_equal(f->res.callbacks[j].symbol, want[i][1]);
		/* carried, global, so the template can name it */
		assert_non_null(fx_out_symbol(f, want[i][1]));
		assert_int_equal(fx_out_symbol(f, want[i][1])->bind, STB_GLOBAL);
		assert_non_null(fx_function(f, want[i][1]));
		assert_int_equal(fx_function(f, want[i][1])->change, KDIFF_FN_NEW);
	}
	/* the markers themselves stay behind */
	assert_null(kelf_find_section(f->outobj, ".kpatch.callback.pre_patch"));
	assert_int_equal(kdiff_manifest_write(&f->res, "vmlinux", f->manifest, err, sizeof(err)), 0);
	assert_true(file_has(f->manifest, "\"callbacks\""));
	assert_true(file_has(f->manifest, "\"post_unpatch\""));
	assert_true(file_has(f->manifest, "\"gone\""));
}

static void two_callbacks_of_a_kind_are_refused(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, SHOW("a"),
		AUTHOR SHOW("b")
		"static int one(struct klp_object *o) { return 0; }\n"
		"static int two(struct klp_object *o) { return 1; }\n"
		"KPATCH_PRE_PATCH_CALLBACK(one);\nKPATCH_PRE_PATCH_CALLBACK(two);\n"),
		KDIFF_REFUSED);
	assert_non_null(strstr(f->res.msg, "a second pre_patch callback"));
}

static void shadow_helpers_call_the_kernel(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f,
		"int count(void *file) { return 0; }\n",
		AUTHOR
		"int count(void *file) {\n"
		"	int *n = kpatch_shadow_get_or_alloc(file, 1, sizeof(*n), GFP_KERNEL);\n"
		"	return n ? ++*n : -1;\n"
		"}\n"), KDIFF_CHANGED);
	assert_non_null(fx_function(f, "count"));
	assert_non_null(fx_symbol(f, "klp_shadow_get_or_alloc"));
}

#define TWO(a, b) \
	"int first(struct seq_file *m) { seq_puts(m, \"" a "\"); return 0; }\n" \
	"int second(struct seq_file *m) { seq_puts(m, \"" b "\"); return 0; }\n"

static void ignored_function_is_not_carried(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, TWO("a", "a"),
		AUTHOR TWO("b", "debug") "KPATCH_IGNORE_FUNCTION(second);\n"), KDIFF_CHANGED);
	assert_non_null(fx_function(f, "first"));
	assert_null(fx_function(f, "second"));
	assert_null(fx_out_symbol(f, "second"));
}

static void only_ignored_changes_are_no_change(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, TWO("a", "a"),
		AUTHOR TWO("a", "debug") "KPATCH_IGNORE_FUNCTION(second);\n"), KDIFF_NO_CHANGE);
}

static void ignoring_a_new_function_is_refused(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, TWO("a", "a"),
		AUTHOR TWO("b", "a")
		"int third(struct seq_file *m) { seq_puts(m, \"c\"); return 0; }\n"
		"KPATCH_IGNORE_FUNCTION(third);\n"), KDIFF_REFUSED);
	assert_true(!strncmp(f->res.msg, "third: KPATCH_IGNORE_FUNCTION names a new function", 50));
}

#define ODD(v) \
	"int odd_table[2] __attribute__((section(\".odd.table\"))) = { " v " };\n"

static void ignored_section_is_not_compared(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, ODD("1, 2") SHOW("a"), ODD("1, 3") SHOW("b")), KDIFF_REFUSED);
	assert_int_equal(fx_diff(f, ODD("1, 2") SHOW("a"),
				 AUTHOR ODD("1, 3") SHOW("b") "KPATCH_IGNORE_SECTION(\".odd.table\");\n"),
			 KDIFF_CHANGED);
	assert_non_null(fx_function(f, "show"));
}

#define LIMIT(v) "int limit[2] = { " v " };\nint get(void) { return limit[0]; }\n"

static void forced_data_change_is_a_warning(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, LIMIT("5, 1") SHOW("a"), LIMIT("6, 1") SHOW("b")), KDIFF_REFUSED);
	assert_int_equal(fx_diff(f, LIMIT("5, 1") SHOW("a"),
				 AUTHOR LIMIT("6, 1") SHOW("b") "KPATCH_FORCE(limit);\n"), KDIFF_CHANGED);
	assert_non_null(warning_with(f, "limit: forced"));
	assert_null(fx_function(f, "get"));
	assert_non_null(fx_function(f, "show"));
}

#define COUNTER_USED \
	"int tick(void) { static int calls; return ++calls; }\n"
#define COUNTER_DROPPED \
	"int tick(void) { static int other; seq_puts(0, \"t\"); return ++other; }\n"

static void lost_static_local_is_refused(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, COUNTER_USED, COUNTER_DROPPED), KDIFF_REFUSED);
	assert_true(!strncmp(f->res.msg, "tick: no longer uses its static local calls.", 44));
	assert_null(f->res.out);
}

static void lost_static_local_can_be_forced(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, COUNTER_USED, AUTHOR COUNTER_DROPPED "KPATCH_FORCE(tick);\n"),
			 KDIFF_CHANGED);
	assert_non_null(warning_with(f, "tick: forced (KPATCH_FORCE): no longer uses static local calls."));
	assert_non_null(fx_function(f, "tick"));
}

static void kept_static_local_is_fine(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, COUNTER_USED,
		"int tick(void) { static int calls; seq_puts(0, \"t\"); return calls += 2; }\n"),
		KDIFF_CHANGED);
	assert_int_equal(f->res.nwarnings, 0);
	/* the running kernel's variable, through an undefined symbol */
	assert_null(kelf_find_symbol(f->outobj, "calls.0") ?
		    kelf_find_symbol(f->outobj, "calls.0")->sec : NULL);
}

#define ONCE(s) \
	"int warn(void) {\n" \
	"	static _Bool __already_done __attribute__((section(\".data.once\")));\n" \
	"	if (!__already_done) { __already_done = 1; seq_puts(0, \"" s "\"); }\n" \
	"	return 0;\n" \
	"}\n"

static void once_flags_get_a_fresh_copy(void **state)
{
	struct fx *f = *state;
	struct kelf_sym *flag = NULL;

	assert_int_equal(fx_diff(f, ONCE("old"), ONCE("new message")), KDIFF_CHANGED);
	for (size_t i = 0; i < f->outobj->nsyms; i++)
		if (!strncmp(f->outobj->syms[i]->name, "__already_done.", 15))
			flag = f->outobj->syms[i];
	/* defined in the module, zero, never the kernel's flag */
	assert_non_null(flag);
	assert_non_null(flag->sec);
	assert_int_equal(flag->bind, STB_LOCAL);
	for (size_t i = 0; i < f->res.nsymbols; i++)
		assert_null(strstr(f->res.symbols[i].name, "__already_done"));
}

/* What EXPORT_SYMBOL leaves in a 6.1 object (prel32 ksymtab, strings). */
#define EXPORT(sym, sec) \
	"extern const char __kstrtab_" sym "[], __kstrtabns_" sym "[];\n" \
	"asm(\".section \\\"__ksymtab_strings\\\",\\\"aMS\\\",%progbits,1\\n" \
	"__kstrtab_" sym ": .asciz \\\"" sym "\\\"\\n__kstrtabns_" sym ": .asciz \\\"\\\"\\n.previous\\n\");\n" \
	"asm(\".section \\\"___ksymtab" sec "+" sym "\\\", \\\"a\\\"\\n.balign 4\\n__ksymtab_" sym ":\\n" \
	".long " sym " - .\\n.long __kstrtab_" sym " - .\\n.long __kstrtabns_" sym " - .\\n.previous\\n\");\n"

static void new_export_is_a_warning(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, SHOW("a"),
		SHOW("b") "int helper(int x) { return x + 1; }\n" EXPORT("helper", "_gpl")),
		KDIFF_CHANGED);
	assert_int_equal(f->res.nwarnings, 1);
	assert_non_null(warning_with(f, "exports not changed"));
	assert_non_null(warning_with(f, "helper (new, GPL)"));
	assert_non_null(fx_function(f, "show"));
	assert_null(kelf_find_section(f->outobj, "___ksymtab_gpl+helper"));
	assert_null(kelf_find_section(f->outobj, "__ksymtab_strings"));
}

#define INIT(s) \
	"int __init setup_thing(void) { seq_puts(0, \"" s "\"); return 0; }\n"

static void skip_init_carries_the_rest(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, INIT("one") SHOW("a"), INIT("two") SHOW("b")), KDIFF_REFUSED);
	assert_non_null(strstr(f->res.msg, "rebuild with --skip-init"));
	f->skip_init = true;
	assert_int_equal(fx_diff(f, INIT("one") SHOW("a"),
				 INIT("two") SHOW("b")
				 "int __init more_setup(void) { return 1; }\n"), KDIFF_CHANGED);
	assert_non_null(fx_function(f, "show"));
	assert_null(fx_function(f, "setup_thing"));
	assert_non_null(warning_with(f, "init code not applied (it already ran at boot): "
				     "setup_thing(), more_setup()"));
}

/* Left out, the boot-time change leaves nothing to patch: its own outcome. */
static void skip_init_alone_is_boot_time_only(void **state)
{
	struct fx *f = *state;

	f->skip_init = true;
	assert_int_equal(fx_diff(f, INIT("one") SHOW("a"), INIT("two") SHOW("a")), KDIFF_INIT_ONLY);
	assert_non_null(strstr(f->res.msg, "nothing to patch at runtime"));
	assert_string_equal(f->res.init, "setup_thing()");
}

static void tool_prints_warnings(void **state)
{
	struct fx *f = *state;

	fx_compile(f, INIT("one") SHOW("a"), f->orig);
	fx_compile(f, INIT("two") SHOW("b"), f->patched);
	assert_int_equal(fx_sh("%s --skip-init -n vmlinux '%s' '%s' -o '%s' --manifest '%s' "
			       "2>'%s/err'", fx_tool(), f->orig, f->patched, f->out, f->manifest,
			       f->dir), 0);
	assert_int_equal(fx_sh("grep -qx 'kpatch-diff: vmlinux: warning: init code not applied "
			       "(it already ran at boot): setup_thing()' '%s/err'", f->dir), 0);
	assert_true(file_has(f->manifest, "\"warnings\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(callbacks_are_carried_and_listed),
		T(two_callbacks_of_a_kind_are_refused),
		T(shadow_helpers_call_the_kernel),
		T(ignored_function_is_not_carried),
		T(only_ignored_changes_are_no_change),
		T(ignoring_a_new_function_is_refused),
		T(ignored_section_is_not_compared),
		T(forced_data_change_is_a_warning),
		T(lost_static_local_is_refused),
		T(lost_static_local_can_be_forced),
		T(kept_static_local_is_fine),
		T(once_flags_get_a_fresh_copy),
		T(new_export_is_a_warning),
		T(skip_init_carries_the_rest),
		T(skip_init_alone_is_boot_time_only),
		T(tool_prints_warnings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
