// SPDX-License-Identifier: GPL-2.0
/*
 * The patch author's instructions, left in the patched object by the
 * macros of kmod/kpatch-author.h as sections of their own:
 *
 *   .kpatch.callback.<type>    pointers to callback functions
 *   .kpatch.ignore.function    pointers to functions never to patch
 *   .kpatch.ignore.section     NUL-terminated section names to leave alone
 *   .kpatch.force              pointers to functions or variables whose
 *                              refusal becomes a warning
 *
 * The sections themselves are classified "ignore" (never carried, never
 * compared); this file reads them and marks what they point at.
 */
#include <stdlib.h>
#include <string.h>

#include "diff/diff_int.h"

#define CALLBACK_PREFIX ".kpatch.callback."

static const char *const callback_types[] = {
	"pre_patch", "post_patch", "pre_unpatch", "post_unpatch",
};

/* The symbol the pointer at relocation R names: a function or variable. */
static struct dsym *marker_target(struct dctx *c, const struct kelf_rela *r)
{
	struct kelf_sym *t = r->sym;

	if (t->type == STT_SECTION)
		t = kelf_rela_target_symbol(r, false, c->patched, NULL);
	if (!t || !t->sec || (t->type != STT_FUNC && t->type != STT_OBJECT))
		return NULL;
	return DSYM(t);
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* KPATCH_IGNORE_SECTION: the named sections of both objects are not looked at. */
int kd_author_sections(struct dctx *c)
{
	struct kelf_sec *names = kelf_find_section(c->patched, ".kpatch.ignore.section");
	size_t off = 0;

	if (!names || !names->data)
		return 0;
	while (off < names->size) {
		const char *name = (const char *)names->data + off;
		size_t len = strnlen(name, names->size - off);
		struct kelf_sec *s;

		if (len == names->size - off)
			return kd_fail(c, ".kpatch.ignore.section: unterminated name");
		if (len) {
			if (starts(name, ".kpatch."))
				return kd_refuse(c, "%s: KPATCH_IGNORE_SECTION cannot name the author "
					      "macros' own sections; name the section to leave out",
					      name);
			if ((s = kelf_find_section(c->patched, name)))
				DSEC(s)->cls = DC_IGNORE;
			if ((s = kelf_find_section(c->orig, name)))
				DSEC(s)->cls = DC_IGNORE;
			kd_dlog(c, "section %s: ignored (KPATCH_IGNORE_SECTION)", name);
		}
		off += len + 1;
	}
	return 0;
}

/* KPATCH_IGNORE_FUNCTION and KPATCH_FORCE mark their targets before comparison. */
static int mark_all(struct dctx *c, const char *secname, bool want_func, bool *(*flag)(struct dsym *))
{
	struct kelf_sec *s = kelf_find_section(c->patched, secname);

	for (size_t i = 0; s && i < s->nrelas; i++) {
		struct dsym *d = marker_target(c, &s->relas[i]);

		if (!d || (want_func && d->sym->type != STT_FUNC))
			return kd_refuse(c, "%s: entry %zu does not point at a %s; give the macro "
				      "one defined in this file", secname, i,
				      want_func ? "function" : "function or variable");
		*flag(d) = true;
		kd_dlog(c, "%s %s: marked by %s", d->sym->type == STT_FUNC ? "function" : "variable",
		     d->sym->name, secname);
	}
	return 0;
}

static bool *ignored_flag(struct dsym *d)
{
	return &d->ignored;
}

static bool *forced_flag(struct dsym *d)
{
	return &d->forced;
}

int kd_author_symbols(struct dctx *c)
{
	if (mark_all(c, ".kpatch.ignore.function", true, ignored_flag) ||
	    mark_all(c, ".kpatch.force", false, forced_flag))
		return -1;
	return 0;
}

static int add_callback(struct dctx *c, const char *type, struct dsym *d)
{
	struct kdiff_result *res = c->res;
	struct kdiff_callback *v;

	for (size_t i = 0; i < res->ncallbacks; i++)
		if (!strcmp(res->callbacks[i].type, type))
			return kd_refuse(c, "%s: a second %s callback (%s is one already); an object "
				      "has one of each kind: call both from one callback",
				      d->sym->name, type,
				      res->callbacks[i].symbol);
	v = realloc(res->callbacks, (res->ncallbacks + 1) * sizeof(*v));
	if (!v)
		return kd_fail(c, "out of memory");
	res->callbacks = v;
	v[res->ncallbacks].type = type;
	v[res->ncallbacks].symbol = strdup(orig_name(d->sym));
	if (!v[res->ncallbacks].symbol)
		return kd_fail(c, "out of memory");
	res->ncallbacks++;
	/* carried like a new function, reached by the template by name */
	if (d->status == DS_SAME)
		d->status = DS_NEW;
	kd_dlog(c, "function %s: %s callback", d->sym->name, type);
	return 0;
}

/*
 * Callbacks: the functions are carried (they are new, or made so) and
 * listed in the manifest by type for the module template.
 */
int kd_author_callbacks(struct dctx *c)
{
	for (size_t i = 0; i < c->patched->nsecs; i++) {
		struct kelf_sec *s = c->patched->secs[i];
		const char *type = NULL;

		if (!starts(s->name, CALLBACK_PREFIX) || s->sh.sh_type == SHT_RELA)
			continue;
		for (size_t t = 0; t < sizeof(callback_types) / sizeof(callback_types[0]); t++)
			if (!strcmp(s->name + strlen(CALLBACK_PREFIX), callback_types[t]))
				type = callback_types[t];
		if (!type)
			return kd_refuse(c, "%s: unknown callback type; use the macros of kpatch-author.h",
				      s->name);
		for (size_t j = 0; j < s->nrelas; j++) {
			struct dsym *d = marker_target(c, &s->relas[j]);

			if (!d || d->sym->type != STT_FUNC)
				return kd_refuse(c, "%s: entry %zu does not point at a function; give the "
					      "macro a function defined in this file", s->name, j);
			if (DSEC(d->sym->sec)->cls != DC_TEXT)
				return kd_refuse(c, "%s: a %s callback must be ordinary code (section %s); "
					      "drop its __init or section attribute",
					      d->sym->name, type, d->sym->sec->name);
			if (add_callback(c, type, d))
				return -1;
		}
	}
	return 0;
}
