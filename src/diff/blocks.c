// SPDX-License-Identifier: GPL-2.0
/*
 * Blocks of code that alternatives and static_cpu_has() keep on behalf of
 * functions (.altinstr_replacement, .altinstr_aux): the section is copied
 * whole, but only the blocks carried code uses get their relocations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "diff/diff_int.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Every place of TS that something points at: where its blocks start. */
static int find_block_starts(struct dctx *c, struct kelf_sec *ts)
{
	struct dsec *d = DSEC(ts);
	size_t i, j, n = 0, cap = 0;
	uint64_t *v = NULL;

	for (i = 0; i < c->patched->nsecs; i++) {
		struct kelf_sec *s = c->patched->secs[i];
		bool in_code = s->sh.sh_flags & SHF_EXECINSTR;

		if (DSEC(s)->cls == DC_IGNORE || s == ts)
			continue;
		for (j = 0; j < s->nrelas; j++) {
			int64_t off;

			if (s->relas[j].sym->sec != ts)
				continue;
			off = kelf_rela_target_offset(&s->relas[j], in_code);
			if (off < 0 || (uint64_t)off > ts->size)
				continue;
			if (kp_reserve(&v, &cap, n + 1, sizeof(*v))) {
				free(v);
				return kd_fail(c, "out of memory");
			}
			v[n++] = off;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_u64);
	d->starts = v;
	d->nstarts = n;
	return 0;
}

/*
 * Replacement and auxiliary code is laid out one block after the other,
 * each starting where an alternative entry or a jump points: a block ends
 * where the next one starts. Only the blocks carried code uses get their
 * relocations, so blocks of functions not carried pull nothing in.
 */
int kd_carry_block(struct dctx *c, struct kelf_sec *ts, int64_t start)
{
	struct dsec *d = DSEC(ts);
	uint64_t end = ts->size, *v;
	size_t i;

	if (start < 0 || (uint64_t)start > ts->size)
		return kd_refuse(c, "%s: reference outside the section (offset %lld); the object "
			      "is inconsistent: rebuild it with the kernel's compiler and flags",
			      ts->name, (long long)start);
	/* an empty replacement sits at the very end */
	if ((uint64_t)start == ts->size)
		return 0;
	for (i = 0; i < d->nranges; i++)
		if (d->ranges[i] == (uint64_t)start)
			return 0;
	if (!d->starts && find_block_starts(c, ts))
		return -1;
	for (i = 0; i < d->nstarts; i++) {
		if (d->starts[i] > (uint64_t)start) {
			end = d->starts[i];
			break;
		}
	}
	v = realloc(d->ranges, (d->nranges + 1) * sizeof(*v));
	if (!v)
		return kd_fail(c, "out of memory");
	d->ranges = v;
	d->ranges[d->nranges++] = start;
	kd_dlog(c, "include %s block at %lld (%llu bytes)", ts->name, (long long)start,
	     (unsigned long long)(end - start));
	/* the whole section was copied: the block keeps its offset */
	return kd_queue_at(c, ts, start, end - start, d->out, start);
}
