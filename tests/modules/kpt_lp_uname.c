// SPDX-License-Identifier: GPL-2.0
/*
 * Livepatch of the uname(2) syscall for the stress tests: while it is
 * enabled, the machine field ends in "-kpt-stress" and every other field
 * is the kernel's own. A user process sees old or new behaviour with one
 * cheap syscall, so many processes can hammer it during transitions.
 *
 * __x64_sys_newuname is patched (not __do_sys_newuname, which has no ftrace
 * entry); its argument arrives in the saved registers.
 */
#include <linux/module.h>
#include <linux/livepatch.h>
#include <linux/utsname.h>
#include <linux/uaccess.h>
#include <linux/ptrace.h>

#define KPT_SUFFIX "-kpt-stress"

static long kpt_sys_newuname(const struct pt_regs *regs)
{
	struct new_utsname __user *name = (struct new_utsname __user *)regs->di;
	struct new_utsname tmp;

	/*
	 * The original reads under uts_sem, which is not exported; only
	 * sethostname/setdomainname write these fields and the stress VM never
	 * calls them, so a plain copy cannot be torn there.
	 */
	memcpy(&tmp, utsname(), sizeof(tmp));
	strlcat(tmp.machine, KPT_SUFFIX, sizeof(tmp.machine));
	if (copy_to_user(name, &tmp, sizeof(tmp)))
		return -EFAULT;
	return 0;
}

static struct klp_func funcs[] = {
	{ .old_name = "__x64_sys_newuname", .new_func = kpt_sys_newuname },
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
MODULE_DESCRIPTION("stress-test livepatch of uname(2)");
MODULE_INFO(livepatch, "Y");
MODULE_INFO(kpatch_cve, "CVE-2099-0012");
