// SPDX-License-Identifier: GPL-2.0
/*
 * A changed kernel thread's main function: its address is passed to
 * kthread_create_on_node() or kthread_create_on_cpu() (kthread_run() and
 * kthread_run_on_cpu() compile to them) in the same object. It is applied,
 * with one warning naming the way out: a thread sleeping in it never
 * switches to the new code, so the transition would not complete.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "diff_fixture.h"

#define KTHREAD_API \
	"struct task_struct;\n" \
	"struct task_struct *kthread_create_on_node(int (*fn)(void *), void *data, int node,\n" \
	"					 const char *fmt, ...);\n" \
	"struct task_struct *kthread_create_on_cpu(int (*fn)(void *), void *data,\n" \
	"					unsigned int cpu, const char *fmt);\n" \
	"int wake_up_process(struct task_struct *t);\n" \
	"void schedule(void);\n" \
	"int kthread_should_stop(void);\n"

#define WORKER(s) \
	"static int worker(void *data)\n" \
	"{ while (!kthread_should_stop()) { seq_puts(data, \"" s "\"); schedule(); } return 0; }\n"

/* kthread_run() as the kernel defines it, started from an initcall */
#define RUN_FROM_INIT \
	"int __init start_worker(void)\n" \
	"{ struct task_struct *t = kthread_create_on_node(worker, 0, -1, \"w\");\n" \
	"  wake_up_process(t); return 0; }\n"

#define WARNING "worker: a kernel thread's main function (start_worker() starts it with " \
	"kthread_create_on_node()): patch the functions it calls instead; a transition " \
	"never completes while the thread sleeps in it"

static void changed_thread_main_is_a_warning(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, KTHREAD_API WORKER("a") RUN_FROM_INIT,
				 KTHREAD_API WORKER("b") RUN_FROM_INIT), KDIFF_CHANGED);
	assert_non_null(fx_function(f, "worker"));
	assert_int_equal(f->res.nwarnings, 1);
	assert_string_equal(f->res.warnings[0], WARNING);
}

#define START_ON_CPU \
	"int start_cpu_worker(unsigned int cpu)\n" \
	"{ struct task_struct *t = kthread_create_on_cpu(worker, 0, cpu, \"w/%u\");\n" \
	"  wake_up_process(t); return 0; }\n"

static void thread_started_on_a_cpu_from_runtime_code(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, KTHREAD_API WORKER("a") START_ON_CPU,
				 KTHREAD_API WORKER("b") START_ON_CPU), KDIFF_CHANGED);
	assert_int_equal(f->res.nwarnings, 1);
	assert_non_null(strstr(f->res.warnings[0], "worker: a kernel thread's main function "
			       "(start_cpu_worker() starts it with kthread_create_on_cpu())"));
}

/* The starter calls a helper directly: the helper is not a thread's main function. */
#define HELPER_STARTER(s) KTHREAD_API WORKER("w") \
	"static __attribute__((noipa)) int pick_node(int x) { seq_puts(0, \"" s "\"); return x; }\n" \
	"int start_worker(void)\n" \
	"{ struct task_struct *t = kthread_create_on_node(worker, 0, pick_node(-1), \"w\");\n" \
	"  wake_up_process(t); return 0; }\n"

static void called_helper_of_a_starter_is_no_thread_main(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f, HELPER_STARTER("a"), HELPER_STARTER("b")), KDIFF_CHANGED);
	assert_non_null(fx_function(f, "pick_node"));
	assert_int_equal(f->res.nwarnings, 0);
}

/* The thread's main function unchanged: nothing to warn about. */
static void unchanged_thread_main_is_quiet(void **state)
{
	struct fx *f = *state;

	assert_int_equal(fx_diff(f,
		KTHREAD_API WORKER("w") RUN_FROM_INIT "int show(struct seq_file *m) { seq_puts(m, \"a\"); return 0; }\n",
		KTHREAD_API WORKER("w") RUN_FROM_INIT "int show(struct seq_file *m) { seq_puts(m, \"b\"); return 0; }\n"),
		KDIFF_CHANGED);
	assert_non_null(fx_function(f, "show"));
	assert_int_equal(f->res.nwarnings, 0);
}

/* The tool: the warning line on stderr and in the manifest, exit 0. */
static void tool_prints_the_warning(void **state)
{
	struct fx *f = *state;

	fx_compile(f, KTHREAD_API WORKER("a") RUN_FROM_INIT, f->orig);
	fx_compile(f, KTHREAD_API WORKER("b") RUN_FROM_INIT, f->patched);
	assert_int_equal(fx_sh("%s -n vmlinux '%s' '%s' -o '%s' --manifest '%s' 2>'%s/err'",
			       fx_tool(), f->orig, f->patched, f->out, f->manifest, f->dir), 0);
	assert_int_equal(fx_sh("grep -qxF \"kpatch-diff: vmlinux: warning: " WARNING "\" '%s/err'",
			       f->dir), 0);
	assert_int_equal(fx_sh("grep -qF 'patch the functions it calls instead' '%s'", f->manifest), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(changed_thread_main_is_a_warning, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(thread_started_on_a_cpu_from_runtime_code, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(called_helper_of_a_starter_is_no_thread_main, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(unchanged_thread_main_is_quiet, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(tool_prints_the_warning, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
