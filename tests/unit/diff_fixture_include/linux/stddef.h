/* SPDX-License-Identifier: GPL-2.0 */
/* Just enough of the kernel's stddef.h for kpatch-author.h in differ unit tests. */
#define NULL ((void *)0)
