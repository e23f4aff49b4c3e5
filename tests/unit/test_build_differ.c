// SPDX-License-Identifier: GPL-2.0
/*
 * The driver's reading of the differ (src/build/differ.c) across the
 * objects of one build, with the real kpatch-diff on objects compiled as
 * the kernel compiles its own: a change only in boot-time code is the
 * outcome "nothing to patch at runtime" (exit 9), not a refusal; next to a
 * runtime change in another file it is a refusal naming --skip-init, and
 * with --skip-init the runtime part is kept.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "build/kb.h"
#include "build_fixture.h"

#define KERNEL_CFLAGS "-O2 -std=gnu11 -ffunction-sections -fdata-sections -mfentry -pg " \
	"-mrecord-mcount -fno-pic -mcmodel=kernel -mno-red-zone -fno-common " \
	"-fno-asynchronous-unwind-tables -fno-jump-tables -nostdinc -w"

#define PRELUDE \
	"#define __init __attribute__((__section__(\".init.text\"), cold))\n" \
	"struct seq_file;\n" \
	"int seq_puts(struct seq_file *m, const char *s);\n"

/* a.c: boot-time code only; b.c: runtime code */
#define A_SRC(s) PRELUDE \
	"int __init setup_thing(void) { seq_puts(0, \"" s "\"); return 0; }\n" \
	"int a_show(struct seq_file *m) { seq_puts(m, \"a\"); return 0; }\n"
#define B_SRC(s) PRELUDE \
	"int b_show(struct seq_file *m) { seq_puts(m, \"" s "\"); return 0; }\n"

/* The kpatch-diff next to this test ($(BUILD)/bin). */
static char *differ(void)
{
	char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 32);

	assert_true(n > 0);
	path[n] = '\0';
	strcpy(strrchr(path, '/'), "/../bin/kpatch-diff");
	return strdup(path);
}

/* SIDE/SRC compiled to SIDE/SRC.o: both sides name one source file, as kbuild's do. */
static char *compile(const char *side, const char *src, const char *text)
{
	char name[64], cmd[1024], *c, *o;

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", fx_dir(), side);
	assert_int_equal(system(cmd), 0);
	snprintf(name, sizeof(name), "%s/%s", side, src);
	c = strdup(fx_write(name, text));
	snprintf(name, sizeof(name), "%s/%s.o", side, src);
	o = strdup(fx_write(name, ""));
	snprintf(cmd, sizeof(cmd), "cd '%s/%s' && gcc " KERNEL_CFLAGS " -c -o '%s' '%s'",
		 fx_dir(), side, o, src);
	assert_int_equal(system(cmd), 0);
	free(c);
	return o;
}

/* One object of the build: its original and patched source. */
static void add(struct kb *kb, const char *src, const char *orig, const char *patched)
{
	struct kb_object *o;

	assert_int_equal(kb_add_object(kb, src), 0);
	o = &kb->objs[kb->nobjs - 1];
	o->objname = strdup("vmlinux");
	o->orig = compile("orig", src, orig);
	o->patched = compile("patched", src, patched);
}

static void setup_kb(struct kb *kb)
{
	memset(kb, 0, sizeof(*kb));
	kb->differ = differ();
	kb->work = strdup(fx_dir());
	kb->headers = strdup(fx_dir());
	fx_write("Module.symvers", "0x1\tseq_puts\tvmlinux\tEXPORT_SYMBOL\t\n");
	kb->entry_sizes = strdup(fx_write("entry-sizes.json",
		"{\"__bug_table\":12,\"__ex_table\":12,\"__jump_table\":16,\".altinstructions\":12,"
		"\".orc_unwind\":6,\".orc_unwind_ip\":4,\".parainstructions\":16,"
		"\".static_call_sites\":8,\".retpoline_sites\":4,\".return_sites\":4,"
		"\".smp_locks\":4,\"__mcount_loc\":8}"));
}

static void done(struct kb *kb)
{
	kb_free(kb);
	fx_cleanup();
}

static void assert_msg_has(const struct kb *kb, const char *text)
{
	if (!strstr(kb->err.msg, text))
		fail_msg("\"%s\" not in: %s", text, kb->err.msg);
}

static void boot_time_only_is_its_own_outcome(void **state)
{
	struct kb kb;

	setup_kb(&kb);
	add(&kb, "a.c", A_SRC("one"), A_SRC("two"));
	add(&kb, "b.c", B_SRC("b"), B_SRC("b"));
	assert_int_equal(kb_diff(&kb), -1);
	assert_int_equal(kb.err.code, KB_EINITONLY);
	assert_string_equal(kb.err.msg, "nothing to patch at runtime: the change is in boot-time "
			    "code only (a.c: setup_thing()); it takes effect when a kernel built "
			    "with it boots");
	assert_int_equal(kb.nfuncs, 0);
	done(&kb);
}

static void boot_time_next_to_runtime_names_skip_init(void **state)
{
	struct kb kb;

	setup_kb(&kb);
	add(&kb, "a.c", A_SRC("one"), A_SRC("two"));
	add(&kb, "b.c", B_SRC("b"), B_SRC("bee"));
	assert_int_equal(kb_diff(&kb), -1);
	assert_int_equal(kb.err.code, KB_EREFUSED);
	assert_msg_has(&kb, "a.c: setup_thing(): changed __init/__exit code ran at boot and cannot "
		       "be patched");
	assert_msg_has(&kb, "rebuild with --skip-init to apply that part alone");
	done(&kb);
}

static void skip_init_keeps_the_runtime_part(void **state)
{
	struct kb kb;

	setup_kb(&kb);
	kb.skip_init = true;
	add(&kb, "a.c", A_SRC("one"), A_SRC("two"));
	add(&kb, "b.c", B_SRC("b"), B_SRC("bee"));
	if (kb_diff(&kb))
		fail_msg("%s", kb.err.msg);
	assert_false(kb.objs[0].changed);
	assert_true(kb.objs[1].changed);
	assert_int_equal(kb.nfuncs, 1);
	assert_string_equal(kb.funcs[0].name, "b_show");
	done(&kb);
}

/* In one file, the differ itself refuses, and kpatch-build passes its reason on. */
static void one_file_with_both_names_skip_init(void **state)
{
	struct kb kb;

	setup_kb(&kb);
	add(&kb, "a.c", A_SRC("one") B_SRC("b"), A_SRC("two") B_SRC("bee"));
	assert_int_equal(kb_diff(&kb), -1);
	assert_int_equal(kb.err.code, KB_EREFUSED);
	assert_msg_has(&kb, "a.c: setup_thing: changed __init/__exit function: boot-time code "
		       "cannot be patched");
	assert_msg_has(&kb, "rebuild with --skip-init");
	done(&kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(boot_time_only_is_its_own_outcome),
		cmocka_unit_test(boot_time_next_to_runtime_names_skip_init),
		cmocka_unit_test(skip_init_keeps_the_runtime_part),
		cmocka_unit_test(one_file_with_both_names_skip_init),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
