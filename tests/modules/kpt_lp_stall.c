// SPDX-License-Identifier: GPL-2.0
/*
 * Livepatch of kpt_busy_wait() in module kpt_busy: its transition cannot
 * complete while the kpt_busy thread sleeps in the old function.
 */
#include <linux/module.h>
#include <linux/livepatch.h>

static int kpt_busy_wait_new(void)
{
	return 2;
}

static struct klp_func funcs[] = {
	{ .old_name = "kpt_busy_wait", .new_func = kpt_busy_wait_new },
	{ }
};

static struct klp_object objs[] = {
	{ .name = "kpt_busy", .funcs = funcs },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init kpt_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit kpt_exit(void)
{
}

module_init(kpt_init);
module_exit(kpt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("livepatch whose transition stalls on the kpt_busy thread");
MODULE_INFO(livepatch, "Y");
