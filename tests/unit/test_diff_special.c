// SPDX-License-Identifier: GPL-2.0
/*
 * Special sections, written with inline asm the way the kernel's macros
 * write them: only entries of carried functions are kept, with relocations
 * pointing at the carried copies; alternatives carry only their own
 * replacement code; jump-label keys must be exportable; __func__ strings
 * are copied.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "diff_fixture.h"

/* An alternative whose replacement calls TARGET, as ALTERNATIVE() lays it out. */
#define ALT_MACRO \
	"#define ALT_CALL(target) asm volatile(\"661: .skip 5, 0x90\\n662:\\n" \
	".pushsection .altinstructions,\\\"a\\\"\\n.long 661b - .\\n.long 663f - .\\n" \
	".word 42\\n.byte 662b-661b\\n.byte 664f-663f\\n.popsection\\n" \
	".pushsection .altinstr_replacement,\\\"ax\\\"\\n663: call \" target \"\\n664:\\n" \
	".popsection\")\n" \
	"extern void helper_a(void); extern void helper_b(void);\n"
#define ALT_SRC(v) ALT_MACRO \
	"int fn_b(int x) { ALT_CALL(\"helper_b\"); return x * 3; }\n" \
	"int fn_a(int x) { ALT_CALL(\"helper_a\"); return x + " v "; }\n"

static void alternatives_carry_only_their_replacement(void **state)
{
	struct fx *f = *state;
	struct kelf_sec *alt, *repl;

	assert_int_equal(fx_diff(f, ALT_SRC("1"), ALT_SRC("2")), KDIFF_CHANGED);
	assert_non_null(fx_function(f, "fn_a"));
	alt = kelf_find_section(f->outobj, ".altinstructions");
	repl = kelf_find_section(f->outobj, ".altinstr_replacement");
	assert_non_null(alt);
	assert_non_null(repl);
	assert_int_equal(alt->size, 12);
	assert_int_equal(alt->nrelas, 2);
	assert_string_equal(alt->relas[0].sym->name, "fn_a");
	/* fn_a's replacement calls helper_a; fn_b's block brings nothing along */
	assert_int_equal(repl->nrelas, 1);
	assert_string_equal(repl->relas[0].sym->name, "helper_a");
	/* at the call's operand inside fn_a's block (the second), where the entry points */
	assert_int_equal(alt->relas[1].addend, 5);
	assert_int_equal(repl->relas[0].offset, 6);
	assert_non_null(fx_symbol(f, "helper_a"));
	assert_null(fx_symbol(f, "helper_b"));
	assert_true(repl->sh.sh_flags & SHF_EXECINSTR);
}

/* static_cpu_has(): the function jumps into its own .altinstr_aux block and back */
#define AUX_SRC(v) \
	"extern void helper_x(void); extern void helper_y(void);\n" \
	"#define AUX(t) asm goto(\"jmp 6f\\n.pushsection .altinstr_aux,\\\"ax\\\"\\n6: call \" t " \
	"\"\\njmp %l[done]\\n.popsection\" : : : : done); done:\n" \
	"int fn_y(int x) { AUX(\"helper_y\"); return x * 3; }\n" \
	"int fn_x(int x) { AUX(\"helper_x\"); return x + " v "; }\n"

static void aux_blocks_follow_their_function(void **state)
{
	struct fx *f = *state;
	struct kelf_sec *aux;
	size_t i;
	int to_helper = 0, back = 0;

	assert_int_equal(fx_diff(f, AUX_SRC("1"), AUX_SRC("2")), KDIFF_CHANGED);
	assert_non_null(fx_function(f, "fn_x"));
	aux = kelf_find_section(f->outobj, ".altinstr_aux");
	assert_non_null(aux);
	assert_true(aux->sh.sh_flags & SHF_EXECINSTR);
	for (i = 0; i < aux->nrelas; i++) {
		const char *n = aux->relas[i].sym->name;

		/* fn_x's block is the second: its relocations keep their offsets */
		assert_true(aux->relas[i].offset >= 10);
		to_helper += !strcmp(n, "helper_x");
		back += !strcmp(n, "fn_x");
		assert_string_not_equal(n, "helper_y");
		assert_string_not_equal(n, "fn_y");
	}
	assert_int_equal(to_helper, 1);
	assert_int_equal(back, 1);
	assert_true(fx_out_relas_to(f, ".text.fn_x", ".altinstr_aux") >= 1);
	assert_null(fx_symbol(f, "helper_y"));
}

/* A jump label: code, target and key, as arch_static_branch() writes them. */
#define JUMP_MACRO(key) \
	"#define JUMP(k) ({ asm goto(\"1: .byte 0x0f,0x1f,0x44,0x00,0x00\\n" \
	".pushsection __jump_table, \\\"aw\\\"\\n.balign 8\\n.long 1b - .\\n" \
	".long %l[l_yes] - .\\n.quad %c0 - .\\n.popsection\" : : \"i\"(k) : : l_yes); 0; l_yes: 1; })\n" \
	key "\n"
#define JUMP_SRC(key, v) JUMP_MACRO(key) \
	"int fn_j(int x) { if (JUMP(&kkey)) return x + " v "; return x; }\n" \
	"int fn_k(int x) { if (JUMP(&kkey)) return x - 1; return x; }\n"

/* A Module.symvers of LINES (printf text) loaded into EX and given to the differ. */
static void use_exports(struct fx *f, struct kdiff_exports *ex, const char *lines)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/Module.symvers", f->dir);
	assert_int_equal(fx_sh("printf '%s' > %s", lines, path), 0);
	assert_int_equal(kdiff_exports_load(path, ex, f->res.msg, sizeof(f->res.msg)), 0);
	f->exports = ex;
}

static void jump_table_key_must_be_exportable(void **state)
{
	struct fx *f = *state;
	struct kelf_sec *jt;

	assert_int_equal(fx_diff(f, JUMP_SRC("extern int kkey;", "1"),
				 JUMP_SRC("extern int kkey;", "2")), KDIFF_CHANGED);
	jt = kelf_find_section(f->outobj, "__jump_table");
	assert_non_null(jt);
	assert_int_equal(jt->size, 16);
	assert_int_equal(jt->nrelas, 3);
	assert_string_equal(jt->relas[0].sym->name, "fn_j");
	assert_string_equal(jt->relas[1].sym->name, "fn_j");
	assert_string_equal(jt->relas[2].sym->name, "kkey");
	assert_non_null(fx_symbol(f, "kkey"));
	assert_true(fx_symbol(f, "kkey")->needs_export);
	assert_false(fx_symbol(f, "__fentry__")->needs_export);
	/* the manifest says so */
	assert_int_equal(kdiff_manifest_write(&f->res, "vmlinux", f->manifest, f->res.msg,
					      sizeof(f->res.msg)), 0);
	assert_int_equal(fx_sh("grep -q '\"needs_export\":true' %s", f->manifest), 0);
}

static void jump_table_with_static_key_is_refused(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, JUMP_SRC("static int kkey;", "1"),
				 JUMP_SRC("static int kkey;", "2")), KDIFF_REFUSED);
	assert_non_null(strstr(f->res.msg, "fn_j: its __jump_table entry uses kkey"));
}

static void jump_table_key_checked_against_exports(void **state)
{
	struct fx *f = *state;
	struct kdiff_exports ex;

	use_exports(f, &ex, "0x1\\tother_key\\tvmlinux\\tEXPORT_SYMBOL\\t\\n");
	assert_int_equal(fx_diff(f, JUMP_SRC("extern int kkey;", "1"),
				 JUMP_SRC("extern int kkey;", "2")), KDIFF_REFUSED);
	assert_non_null(strstr(f->res.msg, "fn_j: its __jump_table entry uses kkey, which the "
			       "kernel does not export"));
	kdiff_exports_free(&ex);
	use_exports(f, &ex, "0x1\\tkkey\\tvmlinux\\tEXPORT_SYMBOL_GPL\\t\\n");
	assert_int_equal(fx_diff(f, JUMP_SRC("extern int kkey;", "1"),
				 JUMP_SRC("extern int kkey;", "2")), KDIFF_CHANGED);
	kdiff_exports_free(&ex);
}

/* A key the patched module object itself defines but does not export. */
static void jump_table_key_of_a_module_is_refused(void **state)
{
	struct fx *f = *state;
	struct kdiff_exports ex;

	use_exports(f, &ex, "0x1\\tother_key\\tvmlinux\\tEXPORT_SYMBOL\\t\\n");
	f->object = "kmodx";
	assert_int_equal(fx_diff(f, JUMP_SRC("int kkey;", "1"), JUMP_SRC("int kkey;", "2")),
			 KDIFF_REFUSED);
	assert_non_null(strstr(f->res.msg, "fn_j: its __jump_table entry uses kkey, which "
			       "module kmodx defines and does not export"));
	assert_non_null(strstr(f->res.msg, "static_key_enabled(&kkey)"));
	kdiff_exports_free(&ex);
}

/*
 * A key the module exports itself: a patch of that module reaches the
 * module's symbols through livepatch relocations, too late for the loader.
 * Another module's export is an ordinary relocation.
 */
static void jump_table_key_exported_by_the_module_itself(void **state)
{
	struct fx *f = *state;
	struct kdiff_exports ex;

	use_exports(f, &ex, "0x1\\tkkey\\tfs/kmod-x\\tEXPORT_SYMBOL\\t\\n");
	f->object = "kmod_x";
	assert_int_equal(fx_diff(f, JUMP_SRC("int kkey;", "1"), JUMP_SRC("int kkey;", "2")),
			 KDIFF_REFUSED);
	assert_non_null(strstr(f->res.msg, "fn_j: its __jump_table entry uses kkey, which module "
			       "kmod_x exports, but a patch of kmod_x reaches it only through a "
			       "livepatch relocation"));
	f->object = "other_mod";
	assert_int_equal(fx_diff(f, JUMP_SRC("extern int kkey;", "1"),
				 JUMP_SRC("extern int kkey;", "2")), KDIFF_CHANGED);
	assert_false(fx_symbol(f, "kkey")->needs_export);
	kdiff_exports_free(&ex);
}

/* A module's own tracepoint: the fix is to leave its trace_*() call out. */
#define TP_SRC(v) JUMP_MACRO("int __tracepoint_kev;") \
	"int fn_j(int x) { if (JUMP(&__tracepoint_kev)) return x + " v "; return x; }\n"

static void tracepoint_of_a_module_names_the_trace_call(void **state)
{
	struct fx *f = *state;
	struct kdiff_exports ex;

	use_exports(f, &ex, "0x1\\tother_key\\tvmlinux\\tEXPORT_SYMBOL\\t\\n");
	f->object = "kmodx";
	assert_int_equal(fx_diff(f, TP_SRC("1"), TP_SRC("2")), KDIFF_REFUSED);
	assert_non_null(strstr(f->res.msg, "fn_j: its __jump_table entry uses __tracepoint_kev, "
			       "which module kmodx defines and does not export"));
	assert_non_null(strstr(f->res.msg, "remove the trace_kev() call from the changed function"));
	kdiff_exports_free(&ex);
}

/*
 * In vmlinux any key may be a livepatch symbol: livepatch writes vmlinux
 * relocations while the patch module loads, before its jump labels are set
 * up. Not exported, or static in the file: kept, and not flagged.
 */
static void jump_table_key_of_vmlinux_may_be_unexported(void **state)
{
	struct fx *f = *state;
	struct kdiff_exports ex;
	struct kelf_sec *jt;

	use_exports(f, &ex, "0x1\\tother_key\\tvmlinux\\tEXPORT_SYMBOL\\t\\n");
	f->object = "vmlinux";
	assert_int_equal(fx_diff(f, JUMP_SRC("extern int kkey;", "1"),
				 JUMP_SRC("extern int kkey;", "2")), KDIFF_CHANGED);
	jt = kelf_find_section(f->outobj, "__jump_table");
	assert_non_null(jt);
	assert_string_equal(jt->relas[2].sym->name, "kkey");
	assert_false(fx_symbol(f, "kkey")->needs_export);

	assert_int_equal(fx_diff(f, JUMP_SRC("static int kkey;", "1"),
				 JUMP_SRC("static int kkey;", "2")), KDIFF_CHANGED);
	assert_non_null(fx_symbol(f, "kkey"));
	assert_int_equal(fx_symbol(f, "kkey")->bind, STB_LOCAL);
	assert_false(fx_symbol(f, "kkey")->needs_export);
	kdiff_exports_free(&ex);
}

/* A static call site as objtool records it: call site and key (+1 for a tail call). */
#define SCALL_SRC(v) \
	"extern void __SCT__resched(void); extern int __SCK__resched;\n" \
	"#define SCALL() asm volatile(\"1: call __SCT__resched\\n.pushsection .static_call_sites,\\\"a\\\"\\n" \
	".long 1b - .\\n.long __SCK__resched - .\\n.popsection\")\n" \
	"int fn_s(int x) { SCALL(); return x + " v "; }\n" \
	"int fn_t(int x) { SCALL(); return x * 9; }\n"

static void static_call_key_becomes_trampoline_when_not_exported(void **state)
{
	struct fx *f = *state;
	struct kdiff_exports ex;
	struct kelf_sec *sc;

	use_exports(f, &ex, "0x1\\t__SCT__resched\\tvmlinux\\tEXPORT_SYMBOL\\t\\n");
	assert_int_equal(fx_diff(f, SCALL_SRC("1"), SCALL_SRC("2")), KDIFF_CHANGED);
	sc = kelf_find_section(f->outobj, ".static_call_sites");
	assert_non_null(sc);
	assert_int_equal(sc->size, 8);
	assert_int_equal(sc->nrelas, 2);
	assert_string_equal(sc->relas[0].sym->name, "fn_s");
	assert_string_equal(sc->relas[1].sym->name, "__SCT__resched");
	/* the key is gone from the object and the manifest */
	assert_null(fx_symbol(f, "__SCK__resched"));
	assert_null(fx_out_symbol(f, "__SCK__resched"));
	assert_non_null(fx_symbol(f, "__SCT__resched"));
	assert_false(fx_symbol(f, "__SCT__resched")->needs_export);
	kdiff_exports_free(&ex);

	/* exported key: kept */
	use_exports(f, &ex, "0x1\\t__SCK__resched\\tvmlinux\\tEXPORT_SYMBOL\\t\\n");
	assert_int_equal(fx_diff(f, SCALL_SRC("1"), SCALL_SRC("2")), KDIFF_CHANGED);
	sc = kelf_find_section(f->outobj, ".static_call_sites");
	assert_string_equal(sc->relas[1].sym->name, "__SCK__resched");
	kdiff_exports_free(&ex);

	/* neither exported: refused */
	use_exports(f, &ex, "");
	assert_int_equal(fx_diff(f, SCALL_SRC("1"), SCALL_SRC("2")), KDIFF_REFUSED);
	assert_non_null(strstr(f->res.msg, "fn_s: its .static_call_sites entry uses __SCK__resched"));
	assert_non_null(strstr(f->res.msg, "call through static_call_query(resched)() instead"));
	kdiff_exports_free(&ex);

	/* unknown exports: the trampoline, flagged for the driver */
	f->exports = NULL;
	assert_int_equal(fx_diff(f, SCALL_SRC("1"), SCALL_SRC("2")), KDIFF_CHANGED);
	sc = kelf_find_section(f->outobj, ".static_call_sites");
	assert_string_equal(sc->relas[1].sym->name, "__SCT__resched");
	assert_true(fx_symbol(f, "__SCT__resched")->needs_export);
}

/*
 * One entry per function in each of the other special sections, laid out
 * like the kernel's: 4-byte code offsets (.return_sites, .retpoline_sites,
 * .smp_locks), exception entries (insn, fixup, data) and paravirt sites
 * (an absolute address, type, length).
 */
#define SITES \
	"#define SITES() asm volatile(\"1: nop\\n2: nop\\n" \
	".pushsection .return_sites,\\\"a\\\"\\n.long 1b - .\\n.popsection\\n" \
	".pushsection .retpoline_sites,\\\"a\\\"\\n.long 1b - .\\n.popsection\\n" \
	".pushsection .smp_locks,\\\"a\\\"\\n.long 1b - .\\n.popsection\\n" \
	".pushsection __ex_table,\\\"a\\\"\\n.long 1b - .\\n.long 2b - .\\n.long 7\\n.popsection\\n" \
	".pushsection .parainstructions,\\\"a\\\"\\n.quad 1b\\n.byte 3\\n.byte 1\\n.skip 6\\n.popsection\")\n"
#define SITES_SRC(v) SITES \
	"int fn_m(int x) { SITES(); return x * 11; }\n" \
	"int fn_n(int x) { SITES(); return x + " v "; }\n" \
	"int fn_r(int x) { SITES(); return x * 13; }\n"

static void entries_of_carried_functions_only(void **state)
{
	static const struct { const char *name; size_t size; } secs[] = {
		{ ".return_sites", 4 }, { ".retpoline_sites", 4 }, { ".smp_locks", 4 },
		{ "__ex_table", 12 }, { ".parainstructions", 16 },
	};
	struct fx *f = *state;
	size_t i, j;

	assert_int_equal(fx_diff(f, SITES_SRC("1"), SITES_SRC("2")), KDIFF_CHANGED);
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		struct kelf_sec *s = kelf_find_section(f->outobj, secs[i].name);

		if (!s)
			fail_msg("%s missing", secs[i].name);
		assert_int_equal(s->size, secs[i].size);
		assert_true(s->nrelas >= 1);
		for (j = 0; j < s->nrelas; j++)
			assert_string_equal(s->relas[j].sym->name, "fn_n");
	}
	/* the data word of the exception entry comes along unchanged */
	{
		int32_t data;

		memcpy(&data, kelf_find_section(f->outobj, "__ex_table")->data + 8, 4);
		assert_int_equal(data, 7);
	}
	/* fixup and insn both rebased onto the carried copy */
	assert_int_equal(kelf_find_section(f->outobj, "__ex_table")->nrelas, 2);
}

/* objtool-style ORC: .orc_unwind_ip points at code, .orc_unwind runs parallel */
#define ORC_SRC(v) \
	"#define ORC(b) asm volatile(\"1:\\n.pushsection .orc_unwind_ip,\\\"a\\\"\\n.long 1b - .\\n" \
	".popsection\\n.pushsection .orc_unwind,\\\"a\\\"\\n.byte \" b \"\\n.popsection\")\n" \
	"int fn_o(int x) { ORC(\"1,1,1,1,1,1\"); return x + " v "; }\n" \
	"int fn_p(int x) { ORC(\"2,2,2,2,2,2\"); return x * 5; }\n" \
	"int fn_q(int x) { ORC(\"3,3,3,3,3,3\"); return x * 7; }\n"

static void orc_entries_follow_their_ip(void **state)
{
	struct fx *f = *state;
	struct kelf_sec *ip, *orc;
	static const unsigned char want[6] = { 1, 1, 1, 1, 1, 1 };

	assert_int_equal(fx_diff(f, ORC_SRC("1"), ORC_SRC("2")), KDIFF_CHANGED);
	ip = kelf_find_section(f->outobj, ".orc_unwind_ip");
	orc = kelf_find_section(f->outobj, ".orc_unwind");
	assert_non_null(ip);
	assert_non_null(orc);
	assert_int_equal(ip->size, 4);
	assert_int_equal(orc->size, 6);
	assert_string_equal(ip->relas[0].sym->name, "fn_o");
	assert_memory_equal(orc->data, want, 6);
}

#define FUNC_SRC(v) \
	"void report(const char *fn, int v);\n" \
	"int named(int x) { report(__func__, x + " v "); return x; }\n"

static void func_strings_are_copied(void **state)
{
	struct fx *f = *state;
	size_t i;
	bool found = false;

	assert_int_equal(fx_diff(f, FUNC_SRC("1"), FUNC_SRC("2")), KDIFF_CHANGED);
	for (i = 0; i < f->res.nsymbols; i++)
		assert_null(strstr(f->res.symbols[i].name, "__func__"));
	for (i = 0; i < f->outobj->nsyms; i++) {
		struct kelf_sym *y = f->outobj->syms[i];

		if (!strncmp(y->name, "__func__.", 9)) {
			assert_non_null(y->sec);
			assert_string_equal((char *)y->sec->data, "named");
			found = true;
		}
	}
	assert_true(found);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(alternatives_carry_only_their_replacement, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(aux_blocks_follow_their_function, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(jump_table_key_must_be_exportable, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(jump_table_with_static_key_is_refused, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(jump_table_key_checked_against_exports, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(jump_table_key_of_a_module_is_refused, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(jump_table_key_of_vmlinux_may_be_unexported, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(tracepoint_of_a_module_names_the_trace_call, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(jump_table_key_exported_by_the_module_itself, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(static_call_key_becomes_trampoline_when_not_exported, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(entries_of_carried_functions_only, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(orc_entries_follow_their_ip, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(func_strings_are_copied, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
