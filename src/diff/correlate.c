// SPDX-License-Identifier: GPL-2.0
/*
 * Correlation: pair every function and variable of the patched object with
 * its counterpart in the original one ("twin").
 *
 * 1. Same name, unique on both sides, unless the name is numbered and its
 *    key is shared (then the number says nothing).
 * 2. Same key, disambiguated by contents for read-only data ("__func__.N"),
 *    or by who uses it: a static local "counter.N" of function f pairs with
 *    the "counter.M" that f's twin uses, if f uses only one "counter".
 * 3. Same name once compiler numbering is dropped ("foo.isra.0" and
 *    "foo.isra.1" are both "foo.isra"; "counter.3" is "counter"), when that
 *    key is unique among the symbols still unpaired on both sides.
 *
 * What stays unpaired is new: a caller that used it changes and carries
 * the new copy, which is safe for code and constants. For a writable
 * variable it would lose the running kernel's state, so inclusion refuses
 * a "new" variable with an unpaired namesake in the original.
 *
 * A ".cold" part follows its parent ("foo.cold" belongs to "foo"); sections
 * pair through the symbol they hold, or by name when they hold none.
 *
 * Bookkeeping has rules of its own. Dynamic-debug descriptors are never
 * paired: a carried pr_debug() site gets a descriptor of the patch module,
 * which the module loader registers with dynamic debug, and the compare
 * pass matches call sites by what the descriptors say, not by name.
 * tracepoint_string() pointers pair by the string they point to: the
 * running kernel's pointer is the registered one. BTF IDs pair in order
 * among those of one type name (their numbers are __COUNTER__ and
 * __LINE__).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff_int.h"

static bool correlatable(const struct kelf_sym *y)
{
	return y->sec && (y->type == STT_FUNC || y->type == STT_OBJECT) &&
	       !kd_is_dyndbg(y->sec) && !kd_is_tp_string(y->sec);
}

static const char btf_id_prefix[] = "__BTF_ID__";

/* "foo.isra.0" -> "foo.isra", "counter.3" -> "counter", "__UNIQUE_ID_x12" -> "__UNIQUE_ID_x" */
static char *make_key(const char *name)
{
	char *k = malloc(strlen(name) + 1), *w = k;
	const char *p = name;

	if (!k)
		return NULL;
	while (*p) {
		if (*p == '.' && isdigit((unsigned char)p[1])) {
			const char *q = p + 1;

			while (isdigit((unsigned char)*q))
				q++;
			if (*q == '\0' || *q == '.') {
				p = q;
				continue;
			}
		}
		*w++ = *p++;
	}
	*w = '\0';
	if (!strncmp(k, "__UNIQUE_ID_", 12))
		while (w > k + 12 && isdigit((unsigned char)w[-1]))
			*--w = '\0';
	/* "__BTF_ID__struct__bpf_dtab__6381040": __COUNTER__ and __LINE__ follow the last "__" */
	if (!strncmp(k, btf_id_prefix, sizeof(btf_id_prefix) - 1)) {
		char *end = w;

		while (end > k && isdigit((unsigned char)end[-1]))
			end--;
		if (end < w && end - k >= 2 && end[-1] == '_' && end[-2] == '_')
			*end = '\0';
	}
	return k;
}

struct entry {
	const char *name;
	struct dsym *d;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int r = strcmp(x->name, y->name);

	if (r)
		return r;
	return (x->d > y->d) - (x->d < y->d);
}

/* Unpaired correlatable symbols of one object, sorted by name or key. */
static struct entry *collect(struct kelf *k, struct dsym *ds, bool by_key,
			     size_t *n)
{
	struct entry *v = calloc(k->nsyms + 1, sizeof(*v));
	size_t i;

	*n = 0;
	if (!v)
		return NULL;
	for (i = 0; i < k->nsyms; i++) {
		if (!correlatable(k->syms[i]) || ds[i].twin)
			continue;
		v[*n].name = by_key ? ds[i].key : k->syms[i]->name;
		v[*n].d = &ds[i];
		(*n)++;
	}
	qsort(v, *n, sizeof(*v), cmp_entry);
	return v;
}

static void pair(struct dctx *c, struct dsym *p, struct dsym *o, const char *why)
{
	p->twin = o;
	o->twin = p;
	if (strcmp(p->sym->name, o->sym->name))
		kd_dlog(c, "correlate: %s <-> %s (%s)", p->sym->name, o->sym->name, why);
}

/*
 * Numbered names whose key is shared ("counter.0", "counter.1") are not
 * trusted by name: adding a static local anywhere renumbers them all.
 */
static int mark_ambiguous(struct kelf *k, struct dsym *ds)
{
	struct entry *v;
	size_t n, i, j;

	v = collect(k, ds, true, &n);
	if (!v)
		return -1;
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && !strcmp(v[j].name, v[i].name); j++)
			;
		if (j - i > 1)
			for (; i < j; i++)
				v[i].d->ambiguous = strcmp(v[i].d->key, v[i].d->sym->name);
	}
	free(v);
	return 0;
}

/* Pairs groups with the same name/key that hold one symbol on each side. */
static int pair_unique(struct dctx *c, bool by_key, bool trust_numbers)
{
	struct entry *pv, *ov;
	size_t pn, on, i = 0, j = 0;

	pv = collect(c->patched, c->psyms, by_key, &pn);
	ov = collect(c->orig, c->osyms, by_key, &on);
	if (!pv || !ov) {
		free(pv);
		free(ov);
		return kd_fail(c, "out of memory");
	}
	while (i < pn && j < on) {
		int r = strcmp(pv[i].name, ov[j].name);
		size_t pe = i, oe = j;

		if (r < 0) {
			i++;
			continue;
		}
		if (r > 0) {
			j++;
			continue;
		}
		while (pe < pn && !strcmp(pv[pe].name, pv[i].name))
			pe++;
		while (oe < on && !strcmp(ov[oe].name, ov[j].name))
			oe++;
		if (pe - i == 1 && oe - j == 1 &&
		    pv[i].d->sym->type == ov[j].d->sym->type &&
		    (trust_numbers || (!pv[i].d->ambiguous && !ov[j].d->ambiguous)))
			pair(c, pv[i].d, ov[j].d, by_key ? "compiler numbering" : "name");
		i = pe;
		j = oe;
	}
	free(pv);
	free(ov);
	return 0;
}

/* Records, for each symbol, one function of the same object that uses it. */
static void find_users(struct kelf *k, struct dsym *ds)
{
	size_t i, j;

	for (i = 0; i < k->nsyms; i++) {
		struct kelf_sym *f = k->syms[i];
		struct kelf_sec *s = f->sec;

		if (!s || f->type != STT_FUNC)
			continue;
		for (j = 0; j < s->nrelas; j++) {
			struct kelf_rela *r = &s->relas[j];
			struct kelf_sym *t = r->sym;

			if (r->offset < f->value || r->offset >= f->value + f->size)
				continue;
			if (t->type == STT_SECTION && t->sec && DSEC(t->sec)->cls == DC_DATA)
				t = kelf_rela_target_symbol(r, true, k, NULL);
			if (t && DSYM(t) && !DSYM(t)->ref_by)
				DSYM(t)->ref_by = &ds[i];
		}
	}
}

/* Step 3: same key, paired through the twin of a function that uses both. */
static void pair_by_user(struct dctx *c)
{
	size_t i, j;

	find_users(c->patched, c->psyms);
	find_users(c->orig, c->osyms);
	for (i = 0; i < c->patched->nsyms; i++) {
		struct dsym *p = &c->psyms[i], *o = NULL;
		int found = 0;

		if (!correlatable(p->sym) || p->twin || !p->ref_by || !p->ref_by->twin)
			continue;
		/* two of the same name in one function: which is which is a guess */
		for (j = 0; j < c->patched->nsyms; j++) {
			struct dsym *q = &c->psyms[j];

			if (q != p && correlatable(q->sym) && !q->twin && q->ref_by == p->ref_by &&
			    q->sym->type == p->sym->type && !strcmp(q->key, p->key))
				break;
		}
		if (j < c->patched->nsyms)
			continue;
		for (j = 0; j < c->orig->nsyms; j++) {
			struct dsym *q = &c->osyms[j];

			if (correlatable(q->sym) && !q->twin && q->ref_by == p->ref_by->twin &&
			    q->sym->type == p->sym->type && !strcmp(q->key, p->key)) {
				o = q;
				found++;
			}
		}
		if (found == 1)
			pair(c, p, o, "used by the same function");
	}
}

/*
 * Read-only data with a shared key ("__func__.65", "__func__.67") pairs
 * with the one holding the same bytes: a function-name string or a
 * constant table is identified by its contents better than by its users.
 */
static void pair_by_contents(struct dctx *c)
{
	size_t i, j;

	for (i = 0; i < c->patched->nsyms; i++) {
		struct dsym *p = &c->psyms[i], *o = NULL;
		struct kelf_sym *ps = p->sym;
		int found = 0;

		if (!correlatable(ps) || p->twin || ps->type != STT_OBJECT ||
		    (ps->sec->sh.sh_flags & SHF_WRITE) || !ps->sec->data || ps->sec->nrelas)
			continue;
		for (j = 0; j < c->orig->nsyms; j++) {
			struct dsym *q = &c->osyms[j];
			struct kelf_sym *os = q->sym;

			if (!correlatable(os) || q->twin || os->type != STT_OBJECT ||
			    os->size != ps->size || !os->sec->data || os->sec->nrelas ||
			    strcmp(q->key, p->key) ||
			    os->value + os->size > os->sec->size || ps->value + ps->size > ps->sec->size ||
			    memcmp(os->sec->data + os->value, ps->sec->data + ps->value, ps->size))
				continue;
			o = q;
			found++;
		}
		if (found == 1)
			pair(c, p, o, "same contents");
	}
}

#define MAX_ORDERED 256

/* Unpaired numbered variables FN uses, in the order its code first uses them. */
static size_t used_in_order(struct kelf *k, const struct kelf_sym *fn, struct dsym **v)
{
	const struct kelf_sec *s = fn->sec;
	const struct kelf_rela *r = kelf_first_rela(s, fn->value);
	size_t n = 0, i;

	for (; r < kelf_end_rela(s) && r->offset < fn->value + fn->size; r++) {
		struct kelf_sym *t = r->sym;
		struct dsym *d;

		if (t->type == STT_SECTION && t->sec && DSEC(t->sec)->cls == DC_DATA)
			t = kelf_rela_target_symbol(r, true, k, NULL);
		d = t ? DSYM(t) : NULL;
		if (!d || !d->key || d->twin || !d->ambiguous || t->type != STT_OBJECT)
			continue;
		for (i = 0; i < n && v[i] != d; i++)
			;
		if (i == n && n < MAX_ORDERED)
			v[n++] = d;
	}
	return n;
}

/*
 * A function that uses several variables of one name (lock class keys
 * "__key.N" of its spin_lock_init()s) uses them in the same order as its
 * twin when its code is the same: when both use as many of a name, they
 * pair in order of use. Where the counts differ nothing is guessed.
 */
static void pair_by_order(struct dctx *c)
{
	struct dsym *pv[MAX_ORDERED], *ov[MAX_ORDERED];
	size_t i, a, b;

	for (i = 0; i < c->patched->nsyms; i++) {
		struct dsym *f = &c->psyms[i];
		size_t pn, on;

		if (f->sym->type != STT_FUNC || !f->sym->sec || !f->twin)
			continue;
		pn = used_in_order(c->patched, f->sym, pv);
		if (!pn)
			continue;
		on = used_in_order(c->orig, f->twin->sym, ov);
		for (a = 0; a < pn; a++) {
			const char *key = pv[a]->key;
			size_t cp = 0, co = 0;

			if (pv[a]->twin)
				continue;
			for (b = 0; b < pn; b++)
				cp += !pv[b]->twin && !strcmp(pv[b]->key, key);
			for (b = 0; b < on; b++)
				co += !ov[b]->twin && !strcmp(ov[b]->key, key);
			if (cp != co)
				continue;
			/* each in turn with the first free one of the original */
			for (b = a; b < pn; b++) {
				size_t m;

				if (pv[b]->twin || strcmp(pv[b]->key, key))
					continue;
				for (m = 0; m < on; m++)
					if (!ov[m]->twin && !strcmp(ov[m]->key, key))
						break;
				if (m < on && ov[m]->sym->type == pv[b]->sym->type)
					pair(c, pv[b], ov[m], "used in the same order by the same function");
			}
		}
	}
}

/* "foo.cold" (and "foo.isra.0.cold") is a part of "foo": it follows it. */
static void find_children(struct kelf *k, struct dsym *ds)
{
	size_t i;

	for (i = 0; i < k->nsyms; i++) {
		struct kelf_sym *y = k->syms[i];
		const char *cold = strstr(y->name, ".cold");
		char parent[512];
		struct kelf_sym *p;
		size_t n;

		if (y->type != STT_FUNC || !cold || !y->sec)
			continue;
		n = (size_t)(cold - y->name);
		if (n >= sizeof(parent))
			continue;
		memcpy(parent, y->name, n);
		parent[n] = '\0';
		p = kelf_find_symbol(k, parent);
		if (p && p->type == STT_FUNC) {
			ds[i].child = true;
			ds[i].parent = DSYM(p);
		}
	}
}

static int init_syms(struct kelf *k, struct dsym *ds)
{
	size_t i;

	for (i = 0; i < k->nsyms; i++) {
		ds[i].sym = k->syms[i];
		k->syms[i]->priv = &ds[i];
		if (correlatable(k->syms[i])) {
			ds[i].key = make_key(k->syms[i]->name);
			if (!ds[i].key)
				return -1;
		}
	}
	return 0;
}

/* Sections pair through their primary symbol, else by unique name. */
static void pair_sections(struct dctx *c)
{
	size_t i;

	for (i = 0; i < c->patched->nsecs; i++) {
		struct dsec *p = &c->psecs[i];
		struct kelf_sec *s = p->sec, *o;

		if (s->primary && DSYM(s->primary)->twin) {
			struct kelf_sym *ot = DSYM(s->primary)->twin->sym;

			if (ot->sec && ot->sec->primary == ot) {
				p->twin = DSEC(ot->sec);
				DSEC(ot->sec)->twin = p;
				continue;
			}
		}
		if (s->primary)
			continue;
		o = kelf_find_section(c->orig, s->name);
		if (o && !DSEC(o)->twin && !o->primary) {
			p->twin = DSEC(o);
			DSEC(o)->twin = p;
		}
	}
}

/* The string the pointer variable Y (a tracepoint_string()) points to, or NULL. */
static const char *pointed_string(const struct kelf_sym *y)
{
	const struct kelf_rela *r = kelf_first_rela(y->sec, y->value);

	if (!r || r == kelf_end_rela(y->sec) || r->offset != y->value || !r->sym->sec ||
	    !(r->sym->sec->sh.sh_flags & SHF_STRINGS))
		return NULL;
	return kd_string_at(r->sym->sec, kelf_rela_target_offset(r, false) +
			    (r->sym->type == STT_SECTION ? 0 : (int64_t)r->sym->value));
}

/*
 * A tracepoint_string() pointer pairs with one of the original pointing to
 * the same text: the running kernel registered that pointer's string at
 * boot, and trace output trusts it (see kd_convert_rela for a new one).
 */
/* An unpaired tracepoint_string() pointer's text, or NULL for any other symbol. */
static const char *unpaired_tp_string(const struct dsym *d)
{
	if (d->twin || !d->sym->sec || !kd_is_tp_string(d->sym->sec) ||
	    d->sym->type != STT_OBJECT)
		return NULL;
	return pointed_string(d->sym);
}

static void pair_tp_strings(struct dctx *c)
{
	for (size_t i = 0; i < c->patched->nsyms; i++) {
		struct dsym *p = &c->psyms[i];
		const char *text = unpaired_tp_string(p), *otext;

		for (size_t j = 0; text && j < c->orig->nsyms; j++) {
			struct dsym *o = &c->osyms[j];

			if (!(otext = unpaired_tp_string(o)) || strcmp(text, otext))
				continue;
			pair(c, p, o, "same tracepoint string");
			break;
		}
	}
}

/* A symbol of .BTF_ids with a key, not paired yet. */
static bool unpaired_btf_id(const struct dsym *d)
{
	return !d->twin && d->key && d->sym->sec && DSEC(d->sym->sec)->cls == DC_BTFIDS;
}

/* The position of BTF ID Y among the unpaired ones of its key, in section order. */
static size_t btf_rank(struct kelf *k, struct dsym *ds, const struct dsym *y, size_t *count)
{
	size_t rank = 0;

	*count = 0;
	for (size_t i = 0; i < k->nsyms; i++) {
		const struct dsym *q = &ds[i];

		if (!unpaired_btf_id(q) || strcmp(q->key, y->key))
			continue;
		(*count)++;
		rank += q->sym->value < y->sym->value;
	}
	return rank;
}

/*
 * BTF IDs of one type ("__BTF_ID__struct__task_struct__" in several lists)
 * pair in the order they are laid out, when both objects have as many:
 * the order is the source's. Otherwise they stay new and are refused.
 */
static void pair_btf_ids(struct dctx *c)
{
	for (size_t i = 0; i < c->patched->nsyms; i++) {
		struct dsym *p = &c->psyms[i];
		size_t pn, on, rank;

		if (!unpaired_btf_id(p) || strncmp(p->key, btf_id_prefix, sizeof(btf_id_prefix) - 1))
			continue;
		rank = btf_rank(c->patched, c->psyms, p, &pn);
		for (size_t j = 0; j < c->orig->nsyms; j++) {
			struct dsym *o = &c->osyms[j];

			if (!unpaired_btf_id(o) || strcmp(o->key, p->key) ||
			    btf_rank(c->orig, c->osyms, o, &on) != rank || on != pn)
				continue;
			pair(c, p, o, "BTF ID in the same place");
			break;
		}
	}
}

int kd_correlate(struct dctx *c)
{
	if (init_syms(c->patched, c->psyms) || init_syms(c->orig, c->osyms))
		return kd_fail(c, "out of memory");
	if (mark_ambiguous(c->patched, c->psyms) || mark_ambiguous(c->orig, c->osyms))
		return kd_fail(c, "out of memory");
	if (pair_unique(c, false, false))
		return -1;
	pair_tp_strings(c);
	pair_btf_ids(c);
	pair_by_contents(c);
	pair_by_user(c);
	pair_by_order(c);
	if (pair_unique(c, true, false))
		return -1;
	find_children(c->patched, c->psyms);
	find_children(c->orig, c->osyms);
	pair_sections(c);
	return 0;
}
