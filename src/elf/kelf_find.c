// SPDX-License-Identifier: GPL-2.0
/* Lookups over the kelf model and x86_64 relocation arithmetic. */
#include <string.h>

#include "elf/kelf.h"

struct kelf_sec *kelf_find_section(const struct kelf *k, const char *name)
{
	size_t i;

	for (i = 0; i < k->nsecs; i++)
		if (!strcmp(k->secs[i]->name, name))
			return k->secs[i];
	return NULL;
}

/* The first defined, non-section symbol of that name. */
struct kelf_sym *kelf_find_symbol(const struct kelf *k, const char *name)
{
	size_t i;

	for (i = 0; i < k->nsyms; i++) {
		struct kelf_sym *y = k->syms[i];

		if (y->type != STT_SECTION && y->type != STT_FILE &&
		    !strcmp(y->name, name))
			return y;
	}
	return NULL;
}

/*
 * The function or object of SEC that covers OFFSET. A zero-sized symbol
 * covers only its own address, so labels do not swallow their neighbours.
 */
struct kelf_sym *kelf_symbol_at(const struct kelf_sec *sec, uint64_t offset,
				const struct kelf *k)
{
	struct kelf_sym *best = NULL;
	size_t i;

	for (i = 0; i < k->nsyms; i++) {
		struct kelf_sym *y = k->syms[i];

		if (y->sec != sec || (y->type != STT_FUNC && y->type != STT_OBJECT))
			continue;
		if (offset >= y->value && offset < y->value + (y->size ? y->size : 1))
			return y;
		/* past-the-end references (end markers) belong to the symbol */
		if (y->size && offset == y->value + y->size && !best)
			best = y;
	}
	return best;
}

/*
 * PC-relative relocations in code are written relative to the end of the
 * instruction, so their addend carries a small negative bias; in data
 * (".long sym - .") they carry none.
 */
bool kelf_rela_is_pcrel(uint32_t type)
{
	switch (type) {
	case 2:		/* R_X86_64_PC32 */
	case 4:		/* R_X86_64_PLT32 */
	case 24:	/* R_X86_64_PC64 */
		return true;
	default:
		return false;
	}
}

/*
 * Size of the immediate that follows the 32-bit displacement at D+OFF in
 * a rip-relative instruction (ModRM mod=00 rm=101), decoded backwards from
 * the ModRM byte: 0 for loads, stores and calls, 1/2/4 for the
 * ALU/mov/test-with-immediate forms the compiler emits on variables.
 */
static unsigned int imm_after_disp(const unsigned char *d, uint64_t off)
{
	unsigned int reg;
	bool op16 = false;
	uint64_t i;
	unsigned char op, modrm;

	if (off < 2)
		return 0;
	modrm = d[off - 1];
	op = d[off - 2];
	reg = (modrm >> 3) & 7;
	if ((modrm & 0xc7) != 0x05)
		return 0;
	if (off >= 3 && d[off - 3] == 0x0f)
		return op == 0xba ? 1 : 0;		/* bt* $imm8 */
	if (off >= 4 && d[off - 4] == 0x0f && d[off - 3] == 0x3a)
		return 1;				/* 0f 3a xx: imm8 */
	for (i = off - 2; i > 0 && off - 2 - i < 4; i--) {
		unsigned char p = d[i - 1];

		if (p == 0x66)
			op16 = true;
		else if (!(p >= 0x40 && p <= 0x4f) && p != 0xf0 && p != 0xf2 && p != 0xf3 &&
			 p != 0x2e && p != 0x3e && p != 0x26 && p != 0x64 && p != 0x65 && p != 0x36)
			break;
	}
	switch (op) {
	case 0x80: case 0x83: case 0xc6: case 0xc0: case 0xc1: case 0x6b:
		return 1;
	case 0xf6:
		return reg < 2 ? 1 : 0;
	case 0x81: case 0xc7: case 0x69:
		return op16 ? 2 : 4;
	case 0xf7:
		return reg < 2 ? (op16 ? 2 : 4) : 0;
	default:
		return 0;
	}
}

/*
 * The offset inside the target's section that a relocation points at.
 * A rip-relative field in code is relative to the end of the instruction:
 * the field, plus any immediate after it.
 */
int64_t kelf_rela_target_offset(const struct kelf_rela *r, bool in_code)
{
	/* unsigned: a crafted addend wraps instead of overflowing */
	uint64_t off = (uint64_t)r->addend;

	if (r->sym->type != STT_SECTION)
		off += r->sym->value;
	if (in_code && kelf_rela_is_pcrel(r->type) && r->type != 24) {
		off += 4;
		if (r->sec && r->sec->data && r->offset + 4 <= r->sec->size)
			off += imm_after_disp(r->sec->data, r->offset);
	}
	return (int64_t)off;
}

/*
 * The first relocation of S at or after OFFSET (relocations are sorted).
 * A section without relocations has a NULL array: NULL + 0 is undefined
 * in C, so it answers NULL, as kelf_end_rela() does for such a section.
 */
const struct kelf_rela *kelf_first_rela(const struct kelf_sec *s, uint64_t offset)
{
	size_t lo = 0, hi = s->nrelas;

	if (!s->relas)
		return NULL;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->relas[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return s->relas + lo;
}

/*
 * The function or object a section-relative relocation points into. When
 * the decoded place is outside every symbol (code the decoder does not
 * know), a displacement followed by an immediate of 1, 2 or 4 bytes is
 * tried too.
 */
struct kelf_sym *kelf_rela_target_symbol(const struct kelf_rela *r, bool in_code,
					 const struct kelf *k, int64_t *offset)
{
	static const int extra[] = { 0, 1, 2, 4 };
	int64_t base = kelf_rela_target_offset(r, in_code);
	size_t i, n = in_code && kelf_rela_is_pcrel(r->type) ? 4 : 1;

	for (i = 0; i < n; i++) {
		int64_t off = base + extra[i];
		struct kelf_sym *y;

		if (off < 0)
			continue;
		y = kelf_symbol_at(r->sym->sec, off, k);
		/* a label is not a place of its own: look for what covers it */
		if (!y || y == r->sym)
			continue;
		if (offset)
			*offset = off;
		return y;
	}
	return NULL;
}
