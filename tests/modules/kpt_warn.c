// SPDX-License-Identifier: GPL-2.0
/* Harness self-test: loading this module makes the kernel print a WARNING. */
#include <linux/module.h>
#include <linux/bug.h>

static int __init kpt_warn_init(void)
{
	WARN(1, "kpt_warn: deliberate warning for the harness self-test\n");
	return -EINVAL;
}

module_init(kpt_warn_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("prints a WARNING on load (harness self-test)");
