/* SPDX-License-Identifier: GPL-2.0 */
/* Just enough of the kernel's gfp.h for kpatch-author.h in differ unit tests. */
typedef unsigned int gfp_t;
typedef unsigned long size_t;
#define GFP_KERNEL 0xcc0u
