// SPDX-License-Identifier: GPL-2.0
/* An ordinary module, not a livepatch: kpatch must refuse to load it. */
#include <linux/module.h>

static int __init kpt_plain_init(void)
{
	return 0;
}

static void __exit kpt_plain_exit(void)
{
}

module_init(kpt_plain_init);
module_exit(kpt_plain_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("plain module, not a livepatch");
