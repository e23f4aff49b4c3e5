// SPDX-License-Identifier: GPL-2.0
/*
 * Target for the stalled-transition tests: a kernel thread sleeps inside
 * kpt_busy_wait() until /sys/module/kpt_busy/parameters/release is set to 1,
 * so a livepatch of kpt_busy_wait() cannot finish its transition before then.
 */
#include <linux/module.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include <linux/wait.h>

static bool release;
module_param(release, bool, 0644);
MODULE_PARM_DESC(release, "set to 1 to let the thread leave kpt_busy_wait()");

static struct task_struct *thread;
static DECLARE_WAIT_QUEUE_HEAD(idle_wq);

noinline int kpt_busy_wait(void)
{
	while (!READ_ONCE(release) && !kthread_should_stop())
		msleep_interruptible(50);
	return 1;
}
EXPORT_SYMBOL_GPL(kpt_busy_wait);

static noinline void kpt_busy_idle(void)
{
	wait_event_interruptible(idle_wq, kthread_should_stop());
}

static int kpt_busy_fn(void *unused)
{
	kpt_busy_wait();
	while (!kthread_should_stop())
		kpt_busy_idle();
	return 0;
}

static int __init kpt_busy_init(void)
{
	thread = kthread_run(kpt_busy_fn, NULL, "kpt_busy");
	return PTR_ERR_OR_ZERO(thread);
}

static void __exit kpt_busy_exit(void)
{
	kthread_stop(thread);
}

module_init(kpt_busy_init);
module_exit(kpt_busy_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kernel thread that sleeps in kpt_busy_wait()");
