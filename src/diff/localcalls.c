// SPDX-License-Identifier: GPL-2.0
/*
 * Calls between local functions of one section carry no relocation: the
 * assembler resolves them itself. That only happens where several
 * functions share a section (__sched, noinstr and other section
 * attributes override -ffunction-sections). A copy of such a function
 * would call into the module's own bytes, so its direct calls and jumps to
 * the start of another function of its section get their relocation back.
 *
 * The scan looks for call/jmp/jcc rel32 encodings whose target is exactly
 * the start of another function of the section and whose displacement no
 * relocation covers; a false match would need bytes that happen to encode
 * such a branch to a function entry, which the compiler's code does not
 * produce elsewhere.
 */
#include <string.h>

#include "diff/diff_int.h"

#define R_X86_64_PLT32 4

static struct kelf_sym *function_at(struct dctx *c, struct kelf_sec *s, uint64_t off)
{
	size_t i;

	for (i = 0; i < c->patched->nsyms; i++) {
		struct kelf_sym *y = c->patched->syms[i];

		if (y->sec == s && y->type == STT_FUNC && y->value == off)
			return y;
	}
	return NULL;
}

static bool relocated(const struct kelf_sec *s, uint64_t off)
{
	const struct kelf_rela *r = kelf_first_rela(s, off >= 8 ? off - 8 : 0);

	for (; r < kelf_end_rela(s) && r->offset < off + 4; r++)
		if (r->offset + 4 > off)
			return true;
	return false;
}

static bool shares_section(struct dctx *c, const struct kelf_sym *fn)
{
	size_t i;

	for (i = 0; i < c->patched->nsyms; i++) {
		struct kelf_sym *y = c->patched->syms[i];

		if (y != fn && y->sec == fn->sec && y->type == STT_FUNC)
			return true;
	}
	return false;
}

int kd_relink_local_calls(struct dctx *c, const struct kelf_sym *fn, struct kelf_sec *out)
{
	const struct kelf_sec *s = fn->sec;
	const unsigned char *b = s->data;
	uint64_t i;

	if (!b || !shares_section(c, fn))
		return 0;
	for (i = fn->value; i + 5 <= fn->value + fn->size; i++) {
		uint64_t disp_at, end, target;
		struct kelf_rela tmp;
		struct kelf_sym *t, *sym;
		int32_t disp;
		int64_t addend;

		if (b[i] == 0xe8 || b[i] == 0xe9) {
			disp_at = i + 1;
		} else if (b[i] == 0x0f && i + 6 <= fn->value + fn->size &&
			   b[i + 1] >= 0x80 && b[i + 1] <= 0x8f) {
			disp_at = i + 2;
		} else {
			continue;
		}
		end = disp_at + 4;
		if (relocated(s, disp_at))
			continue;
		memcpy(&disp, b + disp_at, 4);
		target = end + (int64_t)disp;
		if (target >= fn->value && target < fn->value + fn->size)
			continue;
		t = function_at(c, (struct kelf_sec *)s, target);
		if (!t)
			continue;
		tmp = (struct kelf_rela){ .offset = disp_at, .type = R_X86_64_PLT32,
					  .addend = -4, .sym = t };
		if (kd_convert_rela(c, &tmp, true, &sym, &addend))
			return -1;
		memset(out->data + (disp_at - fn->value), 0, 4);
		if (kelf_add_rela(out, disp_at - fn->value, R_X86_64_PLT32, sym, addend))
			return kd_fail(c, "out of memory");
		kd_dlog(c, "%s: branch at +%llu to %s, resolved by the assembler, gets a relocation",
		     fn->name, (unsigned long long)(disp_at - fn->value), t->name);
		i = end - 1;
	}
	return 0;
}
