/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel-side sources kpatch-build writes into each build, carried in
 * the program itself so an installed kpatch-build needs no data directory.
 */
	.section .rodata
	.globl kb_template_src, kb_template_len, kb_probe_src, kb_probe_len
	.globl kb_author_src, kb_author_len
kb_template_src:
	.incbin "kmod/livepatch.c"
kb_template_end:
	.balign 8
kb_template_len:
	.quad kb_template_end - kb_template_src
kb_probe_src:
	.incbin "kmod/entry-size-probe.c"
kb_probe_end:
	.balign 8
kb_probe_len:
	.quad kb_probe_end - kb_probe_src
kb_author_src:
	.incbin "kmod/kpatch-author.h"
kb_author_end:
	.balign 8
kb_author_len:
	.quad kb_author_end - kb_author_src
	.section .note.GNU-stack,"",@progbits
