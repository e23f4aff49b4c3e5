// SPDX-License-Identifier: GPL-2.0
/*
 * Entry sizes of the kernel's special sections, measured in the prepared
 * tree of the kernel being patched. kpatch-build compiles this file to
 * assembly only; each "#KPSIZE <section> <bytes>" comment line carries one
 * sizeof of the kernel's own structure, which the differ needs to split the
 * section into entries.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/bug.h>
#include <linux/jump_label.h>
#include <linux/static_call_types.h>
#include <asm/processor.h>
#include <asm/alternative.h>
#include <asm/extable.h>
#include <asm/orc_types.h>
#include <asm/paravirt_types.h>

#define KPSIZE(sec, type) asm volatile("\n#KPSIZE " sec " %c0" : : "i" (sizeof(type)))

void kpatch_entry_size_probe(void);
void kpatch_entry_size_probe(void)
{
	KPSIZE("__bug_table", struct bug_entry);
	KPSIZE("__ex_table", struct exception_table_entry);
	KPSIZE("__jump_table", struct jump_entry);
	KPSIZE(".altinstructions", struct alt_instr);
	KPSIZE(".orc_unwind", struct orc_entry);
	/* These are arrays of 32-bit offsets to the patched instructions. */
	KPSIZE(".orc_unwind_ip", s32);
	KPSIZE(".retpoline_sites", s32);
	KPSIZE(".return_sites", s32);
	KPSIZE(".smp_locks", s32);
	KPSIZE(".parainstructions", struct paravirt_patch_site);
	KPSIZE(".static_call_sites", struct static_call_site);
	/* One address per traceable function. */
	KPSIZE("__mcount_loc", unsigned long);
}
