// SPDX-License-Identifier: GPL-2.0
/*
 * Special sections: arrays of fixed-size entries that describe code
 * (__mcount_loc, __bug_table, __ex_table, __jump_table, .altinstructions,
 * .orc_unwind_ip, ...). An entry belongs to the function its first
 * code-pointing relocation points into; the output keeps exactly the
 * entries of carried functions, with their relocations rewritten like any
 * other. .orc_unwind has no relocations: it is parallel to .orc_unwind_ip
 * and keeps the same entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff_int.h"

static const char fentry_name[] = "__fentry__";

/* The function entry i of special section S belongs to, or NULL. */
static struct kelf_sym *entry_owner(struct dctx *c, const struct kelf_sec *s,
				    size_t i, size_t esize)
{
	const struct kelf_rela *r = kelf_first_rela(s, i * esize);
	const struct kelf_rela *end = kelf_end_rela(s);

	for (; r < end && r->offset < (i + 1) * esize; r++) {
		struct kelf_sym *f = kd_owner_function(r, c->patched);

		if (f)
			return f;
	}
	return NULL;
}

/* An ftrace entry: a __fentry__ call in the body, or an __mcount_loc entry. */
bool kd_has_ftrace_entry(struct dctx *c, const struct kelf_sym *fn)
{
	struct kelf_sec *s = fn->sec, *mc;
	size_t j, n;

	for (j = 0; j < s->nrelas; j++) {
		const struct kelf_rela *r = &s->relas[j];

		if (r->offset >= fn->value && r->offset < fn->value + fn->size &&
		    !r->sym->sec && !strcmp(r->sym->name, fentry_name))
			return true;
	}
	mc = kelf_find_section(c->patched, "__mcount_loc");
	if (!mc || !DSEC(mc)->entsize)
		return false;
	n = mc->size / DSEC(mc)->entsize;
	for (j = 0; j < n; j++)
		if (entry_owner(c, mc, j, DSEC(mc)->entsize) == fn)
			return true;
	return false;
}

static bool in_module(const struct dctx *c)
{
	return c->opts->object && strcmp(c->opts->object, "vmlinux");
}

static bool in_vmlinux(const struct dctx *c)
{
	return c->opts->object && !strcmp(c->opts->object, "vmlinux");
}

/*
 * An export the module loader resolves for the patch module: in a module
 * object, the module's own exports are livepatch symbols of that module
 * (it may load after the patch), written too late for jump labels.
 */
static bool loader_export(const struct dctx *c, const char *name)
{
	const struct kdiff_exports *ex = c->opts->exports;
	const char *exporter = ex ? symvers_find(&ex->sv, name) : NULL;

	if (!exporter)
		return false;
	return !in_module(c) || !symvers_exporter_is(exporter, c->opts->object);
}

static bool defined_in_original(const struct dctx *c, const char *name)
{
	const struct kelf_sym *y = kelf_find_symbol(c->orig, name);

	return y && y->sec;
}

/*
 * The loader resolves KEY of FN's entry in SECTION before livepatch
 * relocations exist; WHY says why it cannot. The fix reads the key or the
 * static call's target through an ordinary reference, which can be a
 * livepatch relocation.
 */
static int refuse_early(struct dctx *c, const char *fn, const char *section,
			const char *key, const char *why)
{
	static const char tp_key[] = "__tracepoint_", tp_call[] = "__SCK__tp_func_";
	const char *event = NULL;
	char fix[300];

	/* A tracepoint's key comes from a trace_*() call, not from a static branch. */
	if (!strncmp(key, tp_key, sizeof(tp_key) - 1))
		event = key + sizeof(tp_key) - 1;
	else if (!strncmp(key, tp_call, sizeof(tp_call) - 1))
		event = key + sizeof(tp_call) - 1;
	if (event)
		snprintf(fix, sizeof(fix), "remove the trace_%s() call from the changed function "
			 "(the patched copy then does not emit that event)", event);
	else if (!strcmp(section, ".static_call_sites"))
		snprintf(fix, sizeof(fix), "call through static_call_query(%s)() instead",
			 key + (strncmp(key, "__SCK__", 7) ? 0 : 7));
	else
		snprintf(fix, sizeof(fix), "test it with static_key_enabled(&%s) instead of "
			 "a static branch", key);
	return kd_refuse(c, "%s: its %s entry uses %s, which %s: the module loader needs it "
		      "before livepatch relocations exist; %s", fn, section, key, why, fix);
}

/*
 * Jump labels and static calls are set up by the module loader, before
 * livepatch writes the relocations of a module object (when that module is
 * there), so what they reference in a module must be exported; a key
 * static in a module's file never is. Relocations against vmlinux are
 * written earlier, while the patch module loads (Linux 5.8, "livepatch:
 * Apply vmlinux-specific KLP relocations early"), so in the vmlinux object
 * any key may be a livepatch symbol: a tracepoint's, a static one. A
 * static call whose key is not exported names its exported trampoline
 * instead (the loader looks the key up from it, as for the kernel's own
 * modules); without the export list that is always done, since a wrong
 * trampoline fails the load cleanly where an unresolved key corrupts
 * memory. What remains unchecked is flagged for the driver. Whether the
 * object is vmlinux must be known (--object-name); unknown counts as a
 * module.
 */
static int early_reference(struct dctx *c, const struct kelf_sec *s,
			   const struct kelf_sym *owner, struct kelf_sym **sym)
{
	const struct kdiff_exports *ex = c->opts->exports;
	const char *name = (*sym)->name, *fn = owner ? owner->name : s->name;
	bool static_call = !strcmp(s->name, ".static_call_sites");
	struct kdiff_symbol *k = NULL;
	char tramp[512];
	size_t i;

	if ((*sym)->sec || (!static_call && strcmp(s->name, "__jump_table")))
		return 0;
	for (i = 0; i < c->res->nsymbols && !k; i++)
		if (!strcmp(c->res->symbols[i].name, name))
			k = &c->res->symbols[i];
	if (!k)
		return 0;
	if (k->bind == STB_LOCAL) {
		if (in_vmlinux(c)) {
			kd_dlog(c, "%s in %s: static key %s, a livepatch symbol of vmlinux", s->name,
			     fn, name);
			return 0;
		}
		return refuse_early(c, fn, s->name, name, "is static in this file");
	}
	if (loader_export(c, name))
		return 0;
	if (static_call && !strncmp(name, "__SCK__", 7)) {
		snprintf(tramp, sizeof(tramp), "__SCT__%s", name + 7);
		if (!ex || loader_export(c, tramp)) {
			*sym = kd_external(c, tramp, kelf_find_symbol(c->orig, tramp));
			if (!*sym)
				return -1;
			kd_dlog(c, "static call in %s: key %s%s, using trampoline %s", fn, name,
			     ex ? " is not exported" : " may not be exported", tramp);
			for (i = 0; i < c->res->nsymbols; i++)
				if (!strcmp(c->res->symbols[i].name, tramp))
					c->res->symbols[i].needs_export = !ex;
			return 0;
		}
	}
	if (in_vmlinux(c)) {
		kd_dlog(c, "%s in %s: key %s%s, a livepatch symbol of vmlinux", s->name, fn, name,
		     ex ? " is not exported" : " may not be exported");
		return 0;
	}
	if (!ex) {
		k->needs_export = true;
		return 0;
	}
	if (in_module(c)) {
		char why[200];

		if (kdiff_exports_has(ex, name))
			snprintf(why, sizeof(why), "module %s exports, but a patch of %s reaches "
				 "it only through a livepatch relocation", c->opts->object,
				 c->opts->object);
		else if (defined_in_original(c, name))
			snprintf(why, sizeof(why), "module %s defines and does not export",
				 c->opts->object);
		else
			snprintf(why, sizeof(why), "neither the kernel nor a module exports "
				 "(in a module object, %s)", c->opts->object);
		return refuse_early(c, fn, s->name, name, why);
	}
	return refuse_early(c, fn, s->name, name, "the kernel does not export");
}

static int filter_section(struct dctx *c, struct kelf_sec *s, bool *keep,
			  const bool *follow, size_t nfollow)
{
	size_t e = DSEC(s)->entsize, n, i, kept = 0;
	struct kelf_sec *out = NULL;
	GElf_Shdr sh;

	if (s->size % e)
		return kd_refuse(c, "%s: size %zu is not a multiple of the entry size %zu; pass "
			      "the kernel's sizes with --entry-sizes", s->name, s->size, e);
	n = s->size / e;
	if (follow && nfollow != n)
		return kd_refuse(c, "%s: %zu entries but .orc_unwind_ip has %zu; the object "
			      "is inconsistent: rebuild it with the kernel's compiler and flags",
			      s->name, n, nfollow);
	for (i = 0; i < n; i++) {
		struct kelf_sym *f = follow ? NULL : entry_owner(c, s, i, e);

		keep[i] = follow ? follow[i] : (f && DSYM(f)->carry);
		kept += keep[i];
	}
	if (!kept)
		return 0;
	sh = s->sh;
	sh.sh_flags &= SHF_ALLOC | SHF_WRITE;
	out = kelf_add_section(c->out, s->name, &sh, NULL, kept * e);
	if (!out || !kelf_add_symbol(c->out, s->name, STB_LOCAL, STT_SECTION, out, 0, 0))
		return kd_fail(c, "out of memory");
	for (i = 0, kept = 0; i < n; i++) {
		const struct kelf_rela *r = kelf_first_rela(s, i * e);
		const struct kelf_sym *owner;

		if (!keep[i])
			continue;
		owner = follow ? NULL : entry_owner(c, s, i, e);
		if (s->data)
			memcpy(out->data + kept * e, s->data + i * e, e);

		for (; r < kelf_end_rela(s) && r->offset < (i + 1) * e; r++) {
			struct kelf_sym *sym;
			int64_t addend;

			if (kd_convert_rela(c, r, false, &sym, &addend) ||
			    early_reference(c, s, owner, &sym))
				return -1;
			if (kelf_add_rela(out, kept * e + (r->offset - i * e), r->type, sym, addend))
				return kd_fail(c, "out of memory");
		}
		kept++;
	}
	kd_dlog(c, "special section %s: %zu of %zu entries kept", s->name, kept, n);
	return 0;
}

int kd_carry_special_sections(struct dctx *c)
{
	struct kelf_sec *ip = NULL, *orc = NULL;
	bool *ip_keep = NULL;
	size_t i, ip_n = 0;
	int rc = 0;

	for (i = 0; i < c->patched->nsecs && !rc; i++) {
		struct kelf_sec *s = c->patched->secs[i];
		bool *keep;

		if (DSEC(s)->cls != DC_SPECIAL)
			continue;
		if (!strcmp(s->name, ".orc_unwind")) {
			orc = s;
			continue;
		}
		keep = calloc(s->size / DSEC(s)->entsize + 1, sizeof(*keep));
		if (!keep)
			return kd_fail(c, "out of memory");
		rc = filter_section(c, s, keep, NULL, 0);
		if (!strcmp(s->name, ".orc_unwind_ip") && !ip) {
			ip = s;
			ip_keep = keep;
			ip_n = s->size / DSEC(s)->entsize;
		} else {
			free(keep);
		}
	}
	if (!rc && orc) {
		bool *keep = calloc(orc->size / DSEC(orc)->entsize + 1, sizeof(*keep));

		if (!keep) {
			rc = kd_fail(c, "out of memory");
		} else if (!ip) {
			rc = kd_refuse(c, ".orc_unwind: present without .orc_unwind_ip; the object "
				    "is inconsistent: rebuild it with the kernel's compiler and flags");
		} else {
			rc = filter_section(c, orc, keep, ip_keep, ip_n);
		}
		free(keep);
	}
	free(ip_keep);
	if (!rc)
		rc = kd_carry_pending(c);
	return rc;
}
