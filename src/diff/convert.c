// SPDX-License-Identifier: GPL-2.0
/*
 * Rewriting one relocation of carried code or data for the output: a
 * reference to another carried function stays inside; to new data or to
 * mergeable strings carries them too; anything else that already exists in
 * the kernel becomes an undefined global symbol named as in the original
 * object, which the driver resolves (exported symbol or livepatch
 * relocation).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff_int.h"

/*
 * The output's undefined symbol NAME, added once, and its manifest entry
 * with the binding and type ORIG had in the original object.
 */
struct kelf_sym *kd_external(struct dctx *c, const char *name,
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
		kd_fail(c, "out of memory");
		return NULL;
	}
	res->symbols = v;
	memset(&v[res->nsymbols], 0, sizeof(v[res->nsymbols]));
	v[res->nsymbols].name = strdup(name);
	v[res->nsymbols].bind = orig ? orig->bind : STB_GLOBAL;
	v[res->nsymbols].type = orig ? orig->type : STT_NOTYPE;
	if (!v[res->nsymbols].name) {
		kd_fail(c, "out of memory");
		return NULL;
	}
	res->nsymbols++;
	kd_dlog(c, "external %s (%s in the original)", name,
	     orig && orig->bind == STB_LOCAL ? "local" : "global");
	return y;
}

/*
 * A writable variable of the original object with the same name once
 * numbering is dropped, that correlation could not pair: the "new"
 * variable may well be it, and carrying a fresh copy would lose its state.
 */
static struct dsym *unpaired_namesake(struct dctx *c, const struct dsym *d)
{
	size_t i;

	/*
	 * An empty variable (a lock class key without lockdep) has no state;
	 * a fresh "printed once" flag only means one more warning. (Dynamic-
	 * debug descriptors have no key: correlation never pairs them.)
	 */
	if (!d->key || !d->sym->size || !(d->sym->sec->sh.sh_flags & SHF_WRITE) ||
	    !strcmp(d->sym->sec->name, ".data.once"))
		return NULL;
	for (i = 0; i < c->orig->nsyms; i++) {
		struct dsym *o = &c->osyms[i];

		if (!o->twin && o->key && o->sym->type == d->sym->type &&
		    o->sym->sec && (o->sym->sec->sh.sh_flags & SHF_WRITE) &&
		    !strcmp(o->key, d->key))
			return o;
	}
	return NULL;
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

/*
 * Once-only flags (DO_ONCE, WARN_ONCE, printk_once: "__already_done.N" and
 * friends in .data.once) are never shared with the original: a carried
 * function gets a fresh copy. The old flag records that the OLD code
 * printed its message; the new code's message is a different one and
 * should be seen once too. The flags carry no other state (the kernel
 * itself clears them all through debugfs), and a copy saves a livepatch
 * relocation among hundreds of same-named flags.
 */
static bool is_once_flag(const struct kelf_sym *y)
{
	return y->type == STT_OBJECT && y->bind == STB_LOCAL && y->sec &&
	       !strcmp(y->sec->name, ".data.once");
}

/* The function a relocation points into, or NULL. */
struct kelf_sym *kd_owner_function(const struct kelf_rela *r, const struct kelf *k)
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
		*out = kd_carry_section(c, ts, false);
		*addend = r->addend + base;
		return *out ? kd_carry_block(c, ts, kelf_rela_target_offset(r, in_code)) : -1;
	}
	if (cls == DC_STRINGS) {
		*out = kd_carry_section(c, ts, true);
		*addend = r->addend + base;
		return *out ? 0 : -1;
	}
	y = kelf_rela_target_symbol(r, in_code, c->patched, NULL);
	if (!y) {
		if (cls == DC_DATA && !(ts->sh.sh_flags & SHF_WRITE)) {
			*out = kd_carry_section(c, ts, true);
			*addend = r->addend + base;
			return *out ? 0 : -1;
		}
		return kd_refuse(c, "%s: reference to an unnamed location (offset %lld) the "
			      "differ cannot map to a symbol; keep the change away from the code "
			      "that makes it", ts->name,
			      (long long)kelf_rela_target_offset(r, in_code));
	}
	*named = y;
	*addend = r->addend + base - (int64_t)y->value;
	return 0;
}

int kd_convert_rela(struct dctx *c, const struct kelf_rela *r, bool in_code,
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
		*out = kd_external(c, t->name, kelf_find_symbol(c->orig, t->name));
		return *out ? 0 : -1;
	}
	d = DSYM(t);
	if (DSEC(t->sec)->cls == DC_INIT)
		return kd_refuse(c, "%s: carried code references __init/__exit symbol %s, which is "
			      "freed after boot; keep the changed code from using it, or copy what "
			      "it needs into code that is not __init", t->sec->name, t->name);
	if (d->carry) {
		*out = kd_carry_symbol(c, d);
		return *out ? 0 : -1;
	}
	if (d->twin && !is_function_name(t) && !is_once_flag(t)) {
		*out = kd_external(c, d->twin->sym->name, d->twin->sym);
		return *out ? 0 : -1;
	}
	if (d->twin) {
		/* a copy is as good, and needs no livepatch relocation */
		d->carry = true;
		kd_dlog(c, "include copy of %s (%s)", t->name,
		     is_once_flag(t) ? "fresh once-only flag" : "constant function name");
		*out = kd_carry_symbol(c, d);
		return *out ? 0 : -1;
	}
	/*
	 * A tracepoint_string() whose text the running kernel does not have.
	 * The module loader does not register a module's __tracepoint_str
	 * (kernel/module/main.c reads only __trace_printk_fmt), and trace
	 * output trusts a string pointer an event holds only in the kernel's
	 * rodata, its tracepoint strings, or the event's own module
	 * (trace_safe_str, kernel/trace/trace.c): a pointer into the patch
	 * module prints as unsafe, and dangles in the ring buffer once the
	 * module is gone.
	 */
	if (kd_is_tp_string(t->sec))
		return kd_refuse(c, "%s: new tracepoint_string() in carried code: the running kernel "
			      "did not register it, so trace output would show it as unsafe memory "
			      "and keep a dangling pointer after the patch module is unloaded; pass "
			      "one of the strings this file already gives tracepoint_string(), or "
			      "keep the string the original code used", t->name);
	if (t->type == STT_FUNC)
		return kd_refuse(c, "%s: new function not carried (internal error); report it with "
			      "both objects (kpatch-build --keep-tmp keeps them)", t->name);
	if (unpaired_namesake(c, d))
		return kd_refuse(c, "%s: cannot tell which variable of the original object it is (%s "
			      "is unpaired too), so its state would be lost; give the new "
			      "variable another name", t->name, unpaired_namesake(c, d)->sym->name);
	d->carry = true;
	if (!kd_is_dyndbg(t->sec))
		kd_dlog(c, "include new %s %s (referenced by carried code)",
			t->type == STT_OBJECT ? "variable" : "symbol", t->name);
	*out = kd_carry_symbol(c, d);
	return *out ? 0 : -1;
}

/*
 * Drops undefined symbols nothing refers to any more (a static-call key
 * replaced by its trampoline), so the manifest lists only what is used.
 */
int kd_prune_externals(struct dctx *c)
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
