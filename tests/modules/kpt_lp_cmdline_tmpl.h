/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One livepatch of cmdline_proc_show, shared by the test modules that differ
 * only in the text /proc/cmdline shows, their CVE field and atomic replace.
 * Define KPT_TEXT, KPT_CVE, KPT_DESC and KPT_REPLACE, then include this.
 */
#include <linux/module.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

static int kpt_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, KPT_TEXT "\n");
	return 0;
}

static struct klp_func funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = kpt_cmdline_proc_show },
	{ }
};

static struct klp_object objs[] = {
	{ .funcs = funcs },	/* NULL name: vmlinux */
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = KPT_REPLACE,
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
MODULE_DESCRIPTION(KPT_DESC);
MODULE_INFO(livepatch, "Y");
MODULE_INFO(kpatch_cve, KPT_CVE);
