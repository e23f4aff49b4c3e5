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
 * The offset inside the target's section that a relocation points at.
 * For rip-relative instructions the field is followed by at most an
 * immediate, and the compiler's bias is -4 in the common case; an
 * immediate after the field makes it lower, which only shifts us into
 * the same object for the usual field sizes.
 */
int64_t kelf_rela_target_offset(const struct kelf_rela *r, bool in_code)
{
	int64_t off = r->addend;

	if (r->sym->type != STT_SECTION)
		off += (int64_t)r->sym->value;
	if (in_code && kelf_rela_is_pcrel(r->type) && r->type != 24)
		off += 4;
	return off;
}

/* The first relocation of S at or after OFFSET (relocations are sorted). */
const struct kelf_rela *kelf_first_rela(const struct kelf_sec *s, uint64_t offset)
{
	size_t lo = 0, hi = s->nrelas;

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
 * The function or object a section-relative relocation points into. A
 * rip-relative field may be followed by an immediate of 1, 2 or 4 bytes
 * (addl $1, var(%rip)), which lowers the addend by that much, so when the
 * usual bias lands outside every symbol the other biases are tried.
 */
struct kelf_sym *kelf_rela_target_symbol(const struct kelf_rela *r, bool in_code,
					 const struct kelf *k, int64_t *offset)
{
	static const int extra[] = { 0, 1, 2, 4 };
	int64_t base = kelf_rela_target_offset(r, in_code);
	size_t i, n = in_code && kelf_rela_is_pcrel(r->type) ? 4 : 1;

	for (i = 0; i < n; i++) {
		struct kelf_sym *y;

		if (base + extra[i] < 0)
			continue;
		y = kelf_symbol_at(r->sym->sec, base + extra[i], k);
		/* a label is not a place of its own: look for what covers it */
		if (y == r->sym)
			y = NULL;
		if (y) {
			if (offset)
				*offset = base + extra[i];
			return y;
		}
	}
	return NULL;
}
