// SPDX-License-Identifier: GPL-2.0
/*
 * Inclusion: builds the output object from what must be carried.
 *
 * Changed and new functions are copied, each into its own .text.<name>,
 * under the name the kernel knows them by; new variables and whole
 * sections (strings, anonymous constants, replacement code) are copied
 * when carried code uses them. Every copied range is queued, and
 * kd_carry_pending() rewrites its relocations (convert.c), which may carry
 * more: the pass runs until nothing new is pulled in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "diff/diff_int.h"

/* Queues [START, START+LEN) of PSEC, copied to OUT at OUT_OFF. */
int kd_queue_at(struct dctx *c, struct kelf_sec *psec, uint64_t start,
		    uint64_t len, struct kelf_sec *out, uint64_t out_off)
{
	if (kp_reserve(&c->pend, &c->pend_cap, c->npend + 1, sizeof(*c->pend)))
		return kd_fail(c, "out of memory");
	c->pend[c->npend++] = (struct pending){ psec, start, len, out, out_off };
	return 0;
}

static int queue(struct dctx *c, struct kelf_sec *psec, uint64_t start,
		 uint64_t len, struct kelf_sec *out)
{
	return kd_queue_at(c, psec, start, len, out, 0);
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
		kd_fail(c, "out of memory");
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

/*
 * A dynamic-debug descriptor of carried code goes into the output's one
 * __dyndbg section: the module loader finds the patch module's descriptors
 * by that name and registers them with dynamic debug (find_module_sections
 * and dynamic_debug_setup, kernel/module/main.c), as an array, so each one
 * follows the last without a gap. They are the module's own: the site's
 * static key lives in the module, and its __jump_table entry points there.
 */
static struct kelf_sym *carry_descriptor(struct dctx *c, struct dsym *d)
{
	struct kelf_sym *y = d->sym;
	struct dsec *ds = DSEC(y->sec);
	uint64_t align = y->sec->sh.sh_addralign, off;

	if (!y->sec->data || y->value + y->size > y->sec->size || !y->size ||
	    (align > 1 && y->size % align)) {
		kd_fail(c, "%s: dynamic-debug descriptor of %llu bytes does not fit %s (aligned to "
			"%llu)", y->name, (unsigned long long)y->size, y->sec->name,
			(unsigned long long)align);
		return NULL;
	}
	if (!ds->out && !(ds->out = out_section(c, y->sec->name, y->sec, NULL, 0)))
		return NULL;
	if (kelf_append_data(ds->out, y->sec->data + y->value, y->size, &off) ||
	    !(d->out = kelf_add_symbol(c->out, y->name, STB_LOCAL, y->type, ds->out, off,
				       y->size))) {
		kd_fail(c, "out of memory");
		return NULL;
	}
	d->carry = true;
	kd_dlog(c, "include dynamic-debug descriptor %s (the patch module's own)", y->name);
	return kd_queue_at(c, y->sec, y->value, y->size, ds->out, off) ? NULL : d->out;
}

struct kelf_sym *kd_carry_symbol(struct dctx *c, struct dsym *d)
{
	struct kelf_sym *y = d->sym;
	uint64_t len = extent(y);
	const unsigned char *bytes = y->sec->data ? y->sec->data + y->value : NULL;
	char name[512];
	struct kelf_sec *s;
	unsigned char bind = y->bind;

	if (d->out)
		return d->out;
	if (kd_is_dyndbg(y->sec))
		return carry_descriptor(c, d);
	if (y->value + len > y->sec->size) {
		kd_fail(c, "%s: symbol extends past its section %s", y->name, y->sec->name);
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
		kd_fail(c, "out of memory");
		return NULL;
	}
	d->carry = true;
	if (queue(c, y->sec, y->value, len, s))
		return NULL;
	if (y->type == STT_FUNC && kd_relink_local_calls(c, y, s))
		return NULL;
	return d->out;
}

/*
 * A copy of a whole section: strings, anonymous constants, replacement
 * code. With RELAS false the relocations are left to the caller, which
 * queues only the ranges it uses.
 */
struct kelf_sym *kd_carry_section(struct dctx *c, struct kelf_sec *ps, bool relas)
{
	struct dsec *d = DSEC(ps);

	if (!d->out) {
		d->out = out_section(c, ps->name, ps, ps->data, ps->size);
		if (!d->out || (relas && queue(c, ps, 0, ps->size, d->out)))
			return NULL;
		kd_dlog(c, "include section %s (referenced by carried code)", ps->name);
	}
	return d->out->secsym;
}

/* Rewrites the relocations of every range carried so far, and of what they pull in. */
int kd_carry_pending(struct dctx *c)
{
	size_t i;

	for (i = 0; i < c->npend; i++) {
		struct pending p = c->pend[i];
		bool in_code = p.psec->sh.sh_flags & SHF_EXECINSTR;

		const struct kelf_rela *r = kelf_first_rela(p.psec, p.start);
		const struct kelf_rela *end = kelf_end_rela(p.psec);

		for (; r < end && r->offset < p.start + p.len; r++) {
			struct kelf_sym *sym;
			int64_t addend;

			if (kd_convert_rela(c, r, in_code, &sym, &addend))
				return -1;
			if (kelf_add_rela(p.out, r->offset - p.start + p.out_off, r->type, sym, addend))
				return kd_fail(c, "out of memory");
		}
	}
	c->npend = 0;
	return 0;
}

static int add_function(struct dctx *c, struct dsym *d)
{
	struct kdiff_result *res = c->res;
	struct kdiff_function *v;

	if (!kd_carry_symbol(c, d))
		return -1;
	kd_dlog(c, "include function %s (%s)", orig_name(d->sym),
	     d->status == DS_NEW ? "new" : "changed");
	v = realloc(res->functions, (res->nfunctions + 1) * sizeof(*v));
	if (!v)
		return kd_fail(c, "out of memory");
	res->functions = v;
	memset(&v[res->nfunctions], 0, sizeof(v[res->nfunctions]));
	v[res->nfunctions].name = strdup(orig_name(d->sym));
	v[res->nfunctions].change = d->status == DS_NEW ? KDIFF_FN_NEW : KDIFF_FN_CHANGED;
	if (!v[res->nfunctions].name)
		return kd_fail(c, "out of memory");
	res->nfunctions++;
	return 0;
}

int kd_carry_functions(struct dctx *c)
{
	size_t i;

	/* mark first, so references between carried functions stay inside */
	for (i = 0; i < c->patched->nsyms; i++) {
		struct dsym *d = &c->psyms[i];

		if (d->sym->type == STT_FUNC && d->sym->sec && !d->child &&
		    (d->status == DS_CHANGED || d->status == DS_NEW))
			d->carry = true;
		if (d->helper)
			kd_dlog(c, "include %s (changed notrace helper)", d->sym->name);
	}
	for (i = 0; i < c->patched->nsyms; i++) {
		struct dsym *d = &c->psyms[i];

		if (d->child && d->parent && d->parent->carry) {
			d->carry = true;
			kd_dlog(c, "include %s (part of %s)", d->sym->name, d->parent->sym->name);
		}
	}
	for (i = 0; i < c->patched->nsyms; i++) {
		struct dsym *d = &c->psyms[i];

		if (d->carry && !d->child && !d->helper && add_function(c, d))
			return -1;
	}
	for (i = 0; i < c->patched->nsyms; i++) {
		struct dsym *d = &c->psyms[i];

		if (d->carry && (d->child || d->helper) && !kd_carry_symbol(c, d))
			return -1;
	}
	return kd_carry_pending(c);
}
