// SPDX-License-Identifier: GPL-2.0
/*
 * Static locals a changed function stops using. A function-scope static
 * ("static int calls;" inside f, "calls.3" in the object) holds state the
 * running kernel has built up. If the original f used it and the new f
 * uses no twin of it, the new code starts from scratch (or from another
 * variable) while the old state stays behind: usually the sign of a
 * correlation the patch broke, never what the author meant silently.
 * Refused unless the function is marked with KPATCH_FORCE.
 *
 * Once-only flags (.data.once) and empty variables hold no state worth
 * keeping and are left out, as are read-only constants. So is the kernel's
 * bookkeeping about call sites: a dynamic-debug descriptor (__dyndbg) is
 * only the switch of one pr_debug(), and a carried site gets its own one,
 * registered by the module loader; a tracepoint_string() pointer is a
 * constant the kernel never writes.
 */
#include <ctype.h>
#include <string.h>

#include "diff/diff_int.h"

/* "name.N": the compiler's numbering of a function-scope static. */
static bool is_static_local(const struct kelf_sym *y)
{
	const char *dot = strrchr(y->name, '.');

	if (y->type != STT_OBJECT || y->bind != STB_LOCAL || !y->sec || !y->size ||
	    !dot || dot == y->name || !isdigit((unsigned char)dot[1]))
		return false;
	if (!(y->sec->sh.sh_flags & SHF_WRITE) || DSEC(y->sec)->cls != DC_DATA ||
	    !strcmp(y->sec->name, ".data.once") || kd_is_dyndbg(y->sec) || kd_is_tp_string(y->sec))
		return false;
	return strspn(dot + 1, "0123456789") == strlen(dot + 1);
}

/* The symbol relocation R of K points at, through section symbols too. */
static struct kelf_sym *target(const struct kelf_rela *r, const struct kelf *k)
{
	bool in_code = r->sec->sh.sh_flags & SHF_EXECINSTR;

	if (r->sym->type == STT_SECTION)
		return kelf_rela_target_symbol(r, in_code, k, NULL);
	return r->sym;
}

/* Does function FN of K reference VAR (a symbol of K)? */
static bool uses(const struct kelf_sym *fn, const struct kelf *k, const struct kelf_sym *var)
{
	const struct kelf_rela *r = kelf_first_rela(fn->sec, fn->value);
	const struct kelf_rela *end = kelf_first_rela(fn->sec, fn->value + fn->size);

	for (; r < end; r++)
		if (target(r, k) == var)
			return true;
	return false;
}

/* Was VAR referenced by FN before relocation UNTIL? (one message per variable) */
static bool uses_before(const struct kelf_sym *fn, const struct kelf *k,
			const struct kelf_sym *var, const struct kelf_rela *until)
{
	for (const struct kelf_rela *r = kelf_first_rela(fn->sec, fn->value); r < until; r++)
		if (target(r, k) == var)
			return true;
	return false;
}

static int check_function(struct dctx *c, struct dsym *f)
{
	const struct kelf_sym *o = f->twin->sym;
	const struct kelf_rela *r = kelf_first_rela(o->sec, o->value);
	const struct kelf_rela *end = kelf_first_rela(o->sec, o->value + o->size);

	for (; r < end; r++) {
		struct kelf_sym *v = target(r, c->orig);
		struct dsym *dv = v ? DSYM(v) : NULL;

		if (!dv || !is_static_local(v) || uses_before(o, c->orig, v, r))
			continue;
		if (dv->twin && uses(f->sym, c->patched, dv->twin->sym))
			continue;
		if (f->forced) {
			if (kd_warn(c, "%s: forced (KPATCH_FORCE): no longer uses static local %s; "
				 "its state in the running kernel is left behind", f->sym->name,
				 v->name))
				return -1;
			continue;
		}
		return kd_refuse(c, "%s: no longer uses its static local %s, so the state the "
			      "running kernel keeps in it would be lost; keep using the variable "
			      "(same name, same function), or mark the function with KPATCH_FORCE "
			      "if that is intended", f->sym->name, v->name);
	}
	return 0;
}

int kd_check_static_locals(struct dctx *c)
{
	for (size_t i = 0; i < c->patched->nsyms; i++) {
		struct dsym *f = &c->psyms[i];

		if (f->sym->type != STT_FUNC || f->status != DS_CHANGED || !f->twin ||
		    !f->sym->sec || !f->twin->sym->sec)
			continue;
		if (check_function(c, f))
			return -1;
	}
	return 0;
}
