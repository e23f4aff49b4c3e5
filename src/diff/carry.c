// SPDX-License-Identifier: GPL-2.0
/*
 * Inclusion: builds the output object from what must be carried.
 *
 * Changed and new functions are copied, each into its own .text.<name>,
 * under the name the kernel knows them by. Their relocations are then
 * rewritten one by one (convert_rela): a reference to another carried
 * function stays inside the output; a reference to new data or to
 * mergeable strings carries that data too; anything else that already
 * exists in the kernel becomes an undefined global symbol named as in the
 * original object, which the driver resolves (exported symbol or livepatch
 * relocation). Carrying a range queues its relocations, so the pass runs
 * until nothing new is pulled in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff_int.h"

/* Queues [START, START+LEN) of PSEC, copied to OUT at OUT_OFF. */
static int queue_at(struct dctx *c, struct kelf_sec *psec, uint64_t start,
		    uint64_t len, struct kelf_sec *out, uint64_t out_off)
{
	if (c->npend == c->pend_cap) {
		size_t cap = c->pend_cap ? c->pend_cap * 2 : 64;
		struct pending *p = realloc(c->pend, cap * sizeof(*p));

		if (!p)
			return fail(c, "out of memory");
		c->pend = p;
		c->pend_cap = cap;
	}
	c->pend[c->npend++] = (struct pending){ psec, start, len, out, out_off };
	return 0;
}

static int queue(struct dctx *c, struct kelf_sec *psec, uint64_t start,
		 uint64_t len, struct kelf_sec *out)
{
	return queue_at(c, psec, start, len, out, 0);
}

/* Adds an output section with its section symbol. */
static struct kelf_sec *out_section(struct dctx *c, const char *name,
				    const struct kelf_sec *tmpl,
				    const unsigned char *data, size_t size)
{
	GElf_Shdr sh = {
		.sh_type = tmpl->sh.sh_type,
		.sh_flags = tmpl->sh.sh_flags & (SHF_ALLOC | SHF_WRITE | SHF_EXECINSTR |
						 SHF_MERGE | SHF_STRINGS),
		.sh_addralign = tmpl->sh.sh_addralign,
		.sh_entsize = tmpl->sh.sh_entsize,
	};
	struct kelf_sec *s = kelf_add_section(c->out, name, &sh, data, size);

	if (!s || !kelf_add_symbol(c->out, name, STB_LOCAL, STT_SECTION, s, 0, 0)) {
		fail(c, "out of memory");
		return NULL;
	}
	return s;
}

/* The bytes a symbol spans; a lone size-0 label spans its whole section. */
static uint64_t extent(const struct kelf_sym *y)
{
	if (y->size == 0 && y->sec->primary == y)
		return y->sec->size;
	return y->size;
}

static struct kelf_sym *carry_symbol(struct dctx *c, struct dsym *d)
{
	struct kelf_sym *y = d->sym;
	uint64_t len = extent(y);
	const unsigned char *bytes = y->sec->data ? y->sec->data + y->value : NULL;
	char name[512];
	struct kelf_sec *s;
	unsigned char bind = y->bind;

	if (d->out)
		return d->out;
	if (y->value + len > y->sec->size) {
		fail(c, "%s: symbol extends past its section %s", y->name, y->sec->name);
		return NULL;
	}
	if (y->type == STT_FUNC && !d->child && !d->helper) {
		snprintf(name, sizeof(name), ".text.%s", orig_name(y));
		bind = STB_GLOBAL;
	} else if (y->sec->primary == y) {
		snprintf(name, sizeof(name), "%s", y->sec->name);
	} else {
		snprintf(name, sizeof(name), "%s.%s", y->sec->name, y->name);
	}
	s = out_section(c, name, y->sec, bytes, len);
	if (!s)
		return NULL;
	d->out = kelf_add_symbol(c->out, orig_name(y), bind, y->type, s, 0, y->size);
	if (!d->out) {
		fail(c, "out of memory");
		return NULL;
	}
	d->carry = true;
	if (queue(c, y->sec, y->value, len, s))
		return NULL;
	return d->out;
}

/*
 * A copy of a whole section: strings, anonymous constants, replacement
 * code. With RELAS false the relocations are left to the caller, which
 * queues only the ranges it uses.
 */
static struct kelf_sym *carry_section(struct dctx *c, struct kelf_sec *ps, bool relas)
{
	struct dsec *d = DSEC(ps);

	if (!d->out) {
		d->out = out_section(c, ps->name, ps, ps->data, ps->size);
		if (!d->out || (relas && queue(c, ps, 0, ps->size, d->out)))
			return NULL;
		dlog(c, "include section %s (referenced by carried code)", ps->name);
	}
	return d->out->secsym;
}

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
			if (n == cap) {
				uint64_t *nv = realloc(v, (cap ? cap * 2 : 64) * sizeof(*v));

				if (!nv) {
					free(v);
					return fail(c, "out of memory");
				}
				v = nv;
				cap = cap ? cap * 2 : 64;
			}
			v[n++] = off;
		}
	}
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
static int carry_block(struct dctx *c, struct kelf_sec *ts, int64_t start)
{
	struct dsec *d = DSEC(ts);
	uint64_t end = ts->size, *v;
	size_t i;

	if (start < 0 || (uint64_t)start > ts->size)
		return refuse(c, "%s: reference outside the section (offset %lld)", ts->name,
			      (long long)start);
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
		return fail(c, "out of memory");
	d->ranges = v;
	d->ranges[d->nranges++] = start;
	dlog(c, "include %s block at %lld (%llu bytes)", ts->name, (long long)start,
	     (unsigned long long)(end - start));
	/* the whole section was copied: the block keeps its offset */
	return queue_at(c, ts, start, end - start, d->out, start);
}

struct kelf_sym *external(struct dctx *c, const char *name,
			  const struct kelf_sym *orig)
{
	struct kdiff_result *res = c->res;
	struct kdiff_symbol *v;
	struct kelf_sym *y;
	size_t i;

	for (i = 0; i < c->out->nsyms; i++) {
		y = c->out->syms[i];
		if (!y->sec && y->type != STT_SECTION && !strcmp(y->name, name))
			return y;
	}
	/* an undefined weak reference stays weak: it may stay unresolved */
	y = kelf_add_symbol(c->out, name,
			    orig && !orig->sec && orig->bind == STB_WEAK ? STB_WEAK : STB_GLOBAL,
			    STT_NOTYPE, NULL, 0, 0);
	v = realloc(res->symbols, (res->nsymbols + 1) * sizeof(*v));
	if (!y || !v) {
		fail(c, "out of memory");
		return NULL;
	}
	res->symbols = v;
	memset(&v[res->nsymbols], 0, sizeof(v[res->nsymbols]));
	v[res->nsymbols].name = strdup(name);
	v[res->nsymbols].bind = orig ? orig->bind : STB_GLOBAL;
	v[res->nsymbols].type = orig ? orig->type : STT_NOTYPE;
	if (!v[res->nsymbols].name) {
		fail(c, "out of memory");
		return NULL;
	}
	res->nsymbols++;
	dlog(c, "external %s (%s in the original)", name,
	     orig && orig->bind == STB_LOCAL ? "local" : "global");
	return y;
}

/*
 * __func__ strings are constants whose address nobody compares: a copy
 * saves a livepatch relocation and a position lookup among the thousands
 * of same-named "__func__.N" symbols of the kernel.
 */
static bool is_function_name(const struct kelf_sym *y)
{
	static const char *const prefixes[] = {
		"__func__.", "__FUNCTION__.", "__PRETTY_FUNCTION__.",
	};
	size_t i;

	if (y->type != STT_OBJECT || y->bind != STB_LOCAL || (y->sec->sh.sh_flags & SHF_WRITE))
		return false;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(y->name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* The function a relocation points into, or NULL. */
struct kelf_sym *owner_function(const struct kelf_rela *r, const struct kelf *k)
{
	struct kelf_sym *t = r->sym;

	if (!t->sec || DSEC(t->sec)->cls != DC_TEXT)
		return NULL;
	if (t->type == STT_SECTION)
		t = kelf_rela_target_symbol(r, false, k, NULL);
	return t && t->type == STT_FUNC ? t : NULL;
}

/*
 * A reference to a place inside section TS rather than to a symbol: a
 * section symbol, or a label the assembler kept (.LC0 in a mergeable
 * section). Strings and replacement code are carried whole; anything else
 * is mapped to the function or variable covering the place.
 */
static int convert_place(struct dctx *c, const struct kelf_rela *r, bool in_code,
			 struct kelf_sym **out, int64_t *addend, struct kelf_sym **named)
{
	struct kelf_sec *ts = r->sym->sec;
	enum dclass cls = DSEC(ts)->cls;
	int64_t base = r->sym->type == STT_SECTION ? 0 : (int64_t)r->sym->value;
	struct kelf_sym *y;

	*named = NULL;
	if (cls == DC_ALTREPL) {
		*out = carry_section(c, ts, false);
		*addend = r->addend + base;
		return *out ? carry_block(c, ts, kelf_rela_target_offset(r, in_code)) : -1;
	}
	if (cls == DC_STRINGS) {
		*out = carry_section(c, ts, true);
		*addend = r->addend + base;
		return *out ? 0 : -1;
	}
	y = kelf_rela_target_symbol(r, in_code, c->patched, NULL);
	if (!y) {
		if (cls == DC_DATA && !(ts->sh.sh_flags & SHF_WRITE)) {
			*out = carry_section(c, ts, true);
			*addend = r->addend + base;
			return *out ? 0 : -1;
		}
		return refuse(c, "%s: reference to an unnamed location (offset %lld) the "
			      "differ cannot map to a symbol", ts->name,
			      (long long)kelf_rela_target_offset(r, in_code));
	}
	*named = y;
	*addend = r->addend + base - (int64_t)y->value;
	return 0;
}

int convert_rela(struct dctx *c, const struct kelf_rela *r, bool in_code,
		 struct kelf_sym **out, int64_t *addend)
{
	struct kelf_sym *t = r->sym;
	struct dsym *d;

	*out = NULL;
	*addend = r->addend;
	if (t->sec && (t->type == STT_SECTION || t->type == STT_NOTYPE ||
		       DSEC(t->sec)->cls == DC_STRINGS)) {
		if (convert_place(c, r, in_code, out, addend, &t))
			return -1;
		if (*out)
			return 0;
	}
	if (!t->sec) {
		*out = external(c, t->name, kelf_find_symbol(c->orig, t->name));
		return *out ? 0 : -1;
	}
	d = DSYM(t);
	if (DSEC(t->sec)->cls == DC_INIT)
		return refuse(c, "%s: carried code references __init/__exit symbol %s, which is "
			      "freed after boot", t->sec->name, t->name);
	if (d->carry) {
		*out = carry_symbol(c, d);
		return *out ? 0 : -1;
	}
	if (d->twin && !is_function_name(t)) {
		*out = external(c, d->twin->sym->name, d->twin->sym);
		return *out ? 0 : -1;
	}
	if (d->twin) {
		/* a copy is as good, and needs no livepatch relocation */
		d->carry = true;
		dlog(c, "include copy of %s (constant function name)", t->name);
		*out = carry_symbol(c, d);
		return *out ? 0 : -1;
	}
	if (t->type == STT_FUNC)
		return refuse(c, "%s: new function not carried (internal error)", t->name);
	d->carry = true;
	dlog(c, "include new %s %s (referenced by carried code)",
	     t->type == STT_OBJECT ? "variable" : "symbol", t->name);
	*out = carry_symbol(c, d);
	return *out ? 0 : -1;
}

/* Rewrites the relocations of every range carried so far, and of what they pull in. */
int carry_pending(struct dctx *c)
{
	size_t i;

	for (i = 0; i < c->npend; i++) {
		struct pending p = c->pend[i];
		bool in_code = p.psec->sh.sh_flags & SHF_EXECINSTR;

		const struct kelf_rela *r = kelf_first_rela(p.psec, p.start);
		const struct kelf_rela *end = p.psec->relas + p.psec->nrelas;

		for (; r < end && r->offset < p.start + p.len; r++) {
			struct kelf_sym *sym;
			int64_t addend;

			if (convert_rela(c, r, in_code, &sym, &addend))
				return -1;
			if (kelf_add_rela(p.out, r->offset - p.start + p.out_off, r->type, sym, addend))
				return fail(c, "out of memory");
		}
	}
	c->npend = 0;
	return 0;
}

static int add_function(struct dctx *c, struct dsym *d)
{
	struct kdiff_result *res = c->res;
	struct kdiff_function *v;

	if (!carry_symbol(c, d))
		return -1;
	dlog(c, "include function %s (%s)", orig_name(d->sym),
	     d->status == DS_NEW ? "new" : "changed");
	v = realloc(res->functions, (res->nfunctions + 1) * sizeof(*v));
	if (!v)
		return fail(c, "out of memory");
	res->functions = v;
	memset(&v[res->nfunctions], 0, sizeof(v[res->nfunctions]));
	v[res->nfunctions].name = strdup(orig_name(d->sym));
	v[res->nfunctions].change = d->status == DS_NEW ? KDIFF_FN_NEW : KDIFF_FN_CHANGED;
	if (!v[res->nfunctions].name)
		return fail(c, "out of memory");
	res->nfunctions++;
	return 0;
}

int carry_functions(struct dctx *c)
{
	size_t i;

	/* mark first, so references between carried functions stay inside */
	for (i = 0; i < c->patched->nsyms; i++) {
		struct dsym *d = &c->psyms[i];

		if (d->sym->type == STT_FUNC && d->sym->sec && !d->child &&
		    (d->status == DS_CHANGED || d->status == DS_NEW))
			d->carry = true;
		if (d->helper)
			dlog(c, "include %s (changed notrace helper)", d->sym->name);
	}
	for (i = 0; i < c->patched->nsyms; i++) {
		struct dsym *d = &c->psyms[i];

		if (d->child && d->parent && d->parent->carry) {
			d->carry = true;
			dlog(c, "include %s (part of %s)", d->sym->name, d->parent->sym->name);
		}
	}
	for (i = 0; i < c->patched->nsyms; i++) {
		struct dsym *d = &c->psyms[i];

		if (d->carry && !d->child && !d->helper && add_function(c, d))
			return -1;
	}
	for (i = 0; i < c->patched->nsyms; i++) {
		struct dsym *d = &c->psyms[i];

		if (d->carry && (d->child || d->helper) && !carry_symbol(c, d))
			return -1;
	}
	return carry_pending(c);
}

/*
 * Drops undefined symbols nothing refers to any more (a static-call key
 * replaced by its trampoline), so the manifest lists only what is used.
 */
int prune_externals(struct dctx *c)
{
	struct kelf *k = c->out;
	struct kdiff_result *res = c->res;
	size_t i, j, n;

	for (i = 0; i < k->nsyms; i++)
		k->syms[i]->priv = NULL;
	for (i = 0; i < k->nsecs; i++)
		for (j = 0; j < k->secs[i]->nrelas; j++)
			k->secs[i]->relas[j].sym->priv = k;	/* mark: used */
	for (i = 0, n = 0; i < k->nsyms; i++) {
		struct kelf_sym *y = k->syms[i];

		if (!y->sec && !y->priv) {
			for (j = 0; j < res->nsymbols; j++) {
				if (strcmp(res->symbols[j].name, y->name))
					continue;
				free(res->symbols[j].name);
				memmove(&res->symbols[j], &res->symbols[j + 1],
					(res->nsymbols - j - 1) * sizeof(res->symbols[j]));
				res->nsymbols--;
				break;
			}
			free(y->name);
			free(y);
			continue;
		}
		y->priv = NULL;
		k->syms[n++] = y;
	}
	k->nsyms = n;
	return 0;
}
