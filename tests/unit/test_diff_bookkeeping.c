// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's bookkeeping about code is not state: pr_debug() descriptors
 * are the patch module's own, tracepoint_string() pointers and BTF IDs are
 * the running kernel's when it has them and refused when it has not, and
 * module_exit() of built-in code is exit-time code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "diff_fixture.h"

#define BOOKKEEPING_CFLAGS "-I" KPATCH_SRC_DIR "/tests/unit/diff_fixture_include"
#define INC "#include \"bookkeeping.h\"\n"

static int setup(void **state)
{
	int rc = fx_setup(state);

	if (!rc)
		((struct fx *)*state)->cflags = BOOKKEEPING_CFLAGS;
	return rc;
}

/* Symbols of OUT.o whose name starts with PREFIX: defined (>0) and undefined (<0) counted apart. */
static void count_out(const struct fx *f, const char *prefix, int *defined, int *undefined)
{
	*defined = *undefined = 0;
	for (size_t i = 0; i < f->outobj->nsyms; i++) {
		const struct kelf_sym *y = f->outobj->syms[i];

		if (strncmp(y->name, prefix, strlen(prefix)))
			continue;
		if (y->sec)
			(*defined)++;
		else
			(*undefined)++;
	}
}

/* The output's __dyndbg holds N descriptors, each the patch module's own, none shared. */
static void assert_own_descriptors(const struct fx *f, int n)
{
	struct kelf_sec *dd = kelf_find_section(f->outobj, "__dyndbg"), *jt;
	int defined, undefined;
	size_t i, keys = 0;

	assert_non_null(dd);
	assert_int_equal(dd->size, 56 * n);
	for (i = 0; i < f->outobj->nsecs; i++)
		if (f->outobj->secs[i] != dd && f->outobj->secs[i]->sh.sh_type != SHT_RELA)
			assert_null(strstr(f->outobj->secs[i]->name, "dyndbg"));
	count_out(f, "__UNIQUE_ID_ddebug", &defined, &undefined);
	assert_int_equal(defined, n);
	assert_int_equal(undefined, 0);
	for (i = 0; i < f->res.nsymbols; i++)
		assert_null(strstr(f->res.symbols[i].name, "ddebug"));
	/* every static branch of a carried site switches on its own descriptor's key */
	jt = kelf_find_section(f->outobj, "__jump_table");
	assert_non_null(jt);
	for (i = 0; i < jt->nrelas; i++)
		if (jt->relas[i].offset % 16 == 8) {
			assert_ptr_equal(jt->relas[i].sym->sec, dd);
			keys++;
		}
	assert_int_equal(keys, n);
}

#define DD_SRC(extra, f_body, g_val) INC extra \
	"int f(int x) { " f_body " return x + 1; }\n" \
	"int g(int x) { pr_debug(\"g %d\\n\", x); return x + " g_val "; }\n" \
	"int h(int x) { pr_debug(\"h %d\\n\", x); return x * 3; }\n"

/* Moving a pr_debug() changes its line only: nothing to patch. */
static void moved_pr_debug_is_no_change(void **state)
{
	assert_int_equal(fx_diff(*state, DD_SRC("", "pr_debug(\"f\\n\");", "2"),
				 DD_SRC("\n\n\n", "pr_debug(\"f\\n\");", "2")), KDIFF_NO_CHANGE);
}

/* A pr_debug() added before others renumbers and moves every descriptor after it: g and h do not change. */
static void added_pr_debug_renumbers_no_one_else(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, DD_SRC("", "", "2"), DD_SRC("", "pr_debug(\"f\\n\");", "2")),
			 KDIFF_CHANGED);
	assert_int_equal(f->res.nfunctions, 1);
	assert_non_null(fx_function(f, "f"));
	assert_own_descriptors(f, 1);
}

/* A changed function carries its pr_debug() sites with fresh descriptors, however they were renumbered. */
static void changed_function_carries_its_descriptors(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, DD_SRC("", "", "2"), DD_SRC("", "pr_debug(\"f\\n\");", "5")),
			 KDIFF_CHANGED);
	assert_int_equal(f->res.nfunctions, 2);
	assert_non_null(fx_function(f, "g"));
	assert_own_descriptors(f, 2);
}

#define DD2_SRC(more) INC \
	"int f(int x) { pr_debug(\"one\\n\"); " more " pr_debug(\"two %d\\n\", x); return x; }\n"

/* A site added among others of the same function (no pairing possible) is no lost static local. */
static void added_site_among_others_is_no_lost_state(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, DD2_SRC(""), DD2_SRC("pr_debug(\"new\\n\");")), KDIFF_CHANGED);
	assert_own_descriptors(f, 3);
}

/* A changed format is a changed function. */
static void changed_format_changes_the_function(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, DD_SRC("", "pr_debug(\"f\\n\");", "2"),
				 DD_SRC("", "pr_debug(\"f!\\n\");", "2")), KDIFF_CHANGED);
	assert_int_equal(f->res.nfunctions, 1);
	assert_non_null(fx_function(f, "f"));
	assert_own_descriptors(f, 1);
}

#define TP_SRC(before, text, v, after) INC before \
	"int tp(int x) { trace_thing(tracepoint_string(\"start\"), x); " \
	"trace_thing(tracepoint_string(" text "), x + " v "); return x; }\n" after
#define TP_EARLY "int early(void) { trace_thing(tracepoint_string(\"early\"), 0); return 0; }\n"

/* A tracepoint string the kernel has is the kernel's, however renumbered: its pointer was registered at boot. */
static void tracepoint_string_is_the_kernels(void **state)
{
	struct fx *f = *state;
	int defined, undefined;

	/* moving early() after tp() renumbers every ___tp_str.N */
	assert_int_equal(fx_diff(f, TP_SRC(TP_EARLY, "\"stop\"", "1", ""),
				 TP_SRC("", "\"stop\"", "2", TP_EARLY)), KDIFF_CHANGED);
	assert_int_equal(f->res.nfunctions, 1);
	assert_non_null(fx_function(f, "tp"));
	count_out(f, "___tp_str", &defined, &undefined);
	assert_int_equal(defined, 0);
	assert_int_equal(undefined, 2);
	assert_null(kelf_find_section(f->outobj, "__tracepoint_str"));
}

/* A tracepoint string the kernel does not have is refused: trace output would not trust it. */
static void new_tracepoint_string_is_refused(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, TP_SRC("", "\"stop\"", "1", ""), TP_SRC("", "\"halt\"", "1", "")),
			 KDIFF_REFUSED);
	assert_non_null(strstr(f->res.msg, "___tp_str"));
	assert_non_null(strstr(f->res.msg, ": new tracepoint_string() in carried code: the running "
			       "kernel did not register it"));
}

/* A function that stops using a tracepoint string leaves no state behind. */
static void dropped_tracepoint_string_is_no_lost_state(void **state)
{
	assert_int_equal(fx_diff(*state, TP_SRC("", "\"stop\"", "1", ""),
				 INC "int tp(int x) { trace_thing(tracepoint_string(\"start\"), x); return x; }\n"),
			 KDIFF_CHANGED);
}

/* The undefined BTF ID OUT.o references. */
static const char *btf_external(const struct fx *f)
{
	for (size_t i = 0; i < f->res.nsymbols; i++)
		if (!strncmp(f->res.symbols[i].name, "__BTF_ID__", 10))
			return f->res.symbols[i].name;
	fail_msg("no BTF ID referenced");
	return NULL;
}

static bool in_object(const char *path, const char *name)
{
	struct kelf_err err;
	struct kelf *k;
	bool found;

	if (kelf_open(path, &k, &err))
		fail_msg("%s", err.msg);
	found = kelf_find_symbol(k, name) != NULL;
	kelf_free(k);
	return found;
}

#define BTF_SRC(extra, v) INC \
	"BTF_ID_LIST(thing_ids)\nBTF_ID(struct, task_struct)\nBTF_ID(struct, file)\n" extra \
	"int uses_ids(int x) { return thing_ids[1] + x + " v "; }\n"

/* BTF IDs renumbered by a moved line are the kernel's, which resolve_btfids filled in. */
static void btf_ids_are_the_kernels(void **state)
{
	struct fx *f = *state;
	int defined, undefined;

	assert_int_equal(fx_diff(f, BTF_SRC("", "1"), "\n\n" BTF_SRC("", "2")), KDIFF_CHANGED);
	assert_non_null(fx_function(f, "uses_ids"));
	assert_null(kelf_find_section(f->outobj, ".BTF_ids"));
	count_out(f, "__BTF_ID__struct__", &defined, &undefined);
	assert_int_equal(defined, 0);
	assert_int_equal(undefined, 1);
	/* the one of the original (uses_ids reads the second ID), named as there */
	assert_true(fx_out_relas_to(f, ".text.uses_ids", btf_external(f)) >= 1);
	assert_true(in_object(f->orig, btf_external(f)));
	assert_false(in_object(f->patched, btf_external(f)));
	assert_non_null(strstr(btf_external(f), "__BTF_ID__struct__file__"));
}

/* A new BTF ID would hold 0 in a module: refused with the way out. */
static void new_btf_id_is_refused(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, BTF_SRC("", "1"), BTF_SRC("BTF_ID(struct, inode)\n", "1")),
			 KDIFF_REFUSED);
	assert_non_null(strstr(f->res.msg, "__BTF_ID__struct__inode__"));
	assert_non_null(strstr(f->res.msg, ": new BTF ID (section .BTF_ids): resolve_btfids fills"));
	assert_non_null(strstr(f->res.msg, "btf_find_by_name_kind()"));
}

#define EXIT_SRC(exit, v) INC \
	"void __exit teardown(void) { trace_thing(\"bye\", 0); }\n" exit \
	"int runtime(int x) { return x + " v "; }\n"

/* module_exit() of built-in code is discarded with the __exit code: adding one is boot-time only. */
static void new_exitcall_is_exit_code(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, EXIT_SRC("", "1"), EXIT_SRC("module_exit(teardown)\n", "1")),
			 KDIFF_INIT_ONLY);
	assert_string_equal(f->res.init, "__exitcall_teardown");
}

/* An unchanged module_exit() next to a runtime change is ignored. */
static void unchanged_exitcall_is_ignored(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, EXIT_SRC("module_exit(teardown)\n", "1"),
				 EXIT_SRC("module_exit(teardown)\n", "2")), KDIFF_CHANGED);
	assert_int_equal(f->res.nfunctions, 1);
	assert_non_null(fx_function(f, "runtime"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(moved_pr_debug_is_no_change, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(added_pr_debug_renumbers_no_one_else, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(changed_function_carries_its_descriptors, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(added_site_among_others_is_no_lost_state, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(changed_format_changes_the_function, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(tracepoint_string_is_the_kernels, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(new_tracepoint_string_is_refused, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(dropped_tracepoint_string_is_no_lost_state, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(btf_ids_are_the_kernels, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(new_btf_id_is_refused, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(new_exitcall_is_exit_code, setup, fx_teardown),
		cmocka_unit_test_setup_teardown(unchanged_exitcall_is_ignored, setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
