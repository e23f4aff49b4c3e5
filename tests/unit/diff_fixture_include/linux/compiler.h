/* SPDX-License-Identifier: GPL-2.0 */
/* Just enough of the kernel's compiler.h for kpatch-author.h in differ unit tests. */
#define __used __attribute__((__used__))
#define __section(s) __attribute__((__section__(s)))
#define __aligned(n) __attribute__((__aligned__(n)))
