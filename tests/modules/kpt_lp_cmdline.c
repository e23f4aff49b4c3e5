// SPDX-License-Identifier: GPL-2.0
/* Minimal livepatch: /proc/cmdline shows a fixed text while it is enabled. */
#include <linux/module.h>
#include <linux/livepatch.h>
#include <linux/seq_file.h>

static int kpt_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "kpatch-test: patched cmdline\n");
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
MODULE_DESCRIPTION("test livepatch of cmdline_proc_show");
MODULE_INFO(livepatch, "Y");
MODULE_INFO(kpatch_cve, "CVE-2099-0001");
