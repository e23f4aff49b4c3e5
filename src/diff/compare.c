// SPDX-License-Identifier: GPL-2.0
/*
 * Change detection. A function or variable is compared over its own byte
 * range: same size, same bytes, and the same relocations at the same
 * offsets pointing at the same things. "The same thing" means the twin of
 * the patched target (so renumbered static locals and .isra clones compare
 * equal), and for mergeable strings the same string, since a string's
 * offset moves whenever another string of the file changes.
 *
 * This pass also applies the refusals that depend on what changed: __init
 * code, existing data, functions without an ftrace entry, and loaded
 * sections the differ does not understand.
 */
#include <stdio.h>
#include <string.h>

#include "diff/diff_int.h"

/* The NUL-terminated string at OFF of a strings section, or NULL. */
const char *kd_string_at(const struct kelf_sec *s, int64_t off)
{
	if (!s->data || off < 0 || (uint64_t)off >= s->size)
		return NULL;
	if (!memchr(s->data + off, '\0', s->size - off))
		return NULL;
	return (const char *)s->data + off;
}

/* Mergeable strings and constants are compared by contents, not offset. */
static bool same_merged(const struct kelf_rela *pr, const struct kelf_rela *or,
			bool in_code)
{
	const struct kelf_sec *ps = pr->sym->sec, *os = or->sym->sec;
	int64_t x = kelf_rela_target_offset(pr, in_code);
	int64_t y = kelf_rela_target_offset(or, in_code);
	size_t e = ps->sh.sh_entsize;

	if ((ps->sh.sh_flags & SHF_STRINGS) && (os->sh.sh_flags & SHF_STRINGS)) {
		const char *a = kd_string_at(ps, x), *b = kd_string_at(os, y);

		if (a && b)
			return !strcmp(a, b);
	} else if (e && e == os->sh.sh_entsize && ps->data && os->data &&
		   x >= 0 && y >= 0 && (uint64_t)x + e <= ps->size &&
		   (uint64_t)y + e <= os->size) {
		return !memcmp(ps->data + x, os->data + y, e);
	}
	return pr->addend == or->addend && !strcmp(ps->name, os->name);
}

static bool same_target(struct dctx *c, const struct kelf_rela *pr,
			const struct kelf_rela *or, bool in_code);

/*
 * struct _ddebug (include/linux/dynamic_debug.h): four pointers (module,
 * function, file, format), then a word whose low 18 bits are the line.
 */
#define DDEBUG_LINE_OFFSET	(4 * 8)
#define DDEBUG_LINE_MASK	0x3ffffu

/*
 * Two dynamic-debug descriptors are one call site when they say the same
 * but for the line: moving a pr_debug() changes nothing. The strings
 * compare through the relocations, by contents.
 */
static bool same_descriptor(struct dctx *c, const struct kelf_sym *p, const struct kelf_sym *o)
{
	const struct kelf_rela *pr, *or, *pend, *oend;
	uint32_t pw, ow;

	if (p->size != o->size || p->size < DDEBUG_LINE_OFFSET + 4 || !p->sec->data ||
	    !o->sec->data || p->value + p->size > p->sec->size || o->value + o->size > o->sec->size)
		return false;
	memcpy(&pw, p->sec->data + p->value + DDEBUG_LINE_OFFSET, 4);
	memcpy(&ow, o->sec->data + o->value + DDEBUG_LINE_OFFSET, 4);
	if (memcmp(p->sec->data + p->value, o->sec->data + o->value, DDEBUG_LINE_OFFSET) ||
	    (pw & ~DDEBUG_LINE_MASK) != (ow & ~DDEBUG_LINE_MASK) ||
	    memcmp(p->sec->data + p->value + DDEBUG_LINE_OFFSET + 4,
		   o->sec->data + o->value + DDEBUG_LINE_OFFSET + 4,
		   p->size - DDEBUG_LINE_OFFSET - 4))
		return false;
	pr = kelf_first_rela(p->sec, p->value);
	pend = kelf_first_rela(p->sec, p->value + p->size);
	or = kelf_first_rela(o->sec, o->value);
	oend = kelf_first_rela(o->sec, o->value + o->size);
	if (pend - pr != oend - or)
		return false;
	for (; pr < pend; pr++, or++)
		if (pr->offset - p->value != or->offset - o->value || pr->type != or->type ||
		    (pr->sym->sec && kd_is_dyndbg(pr->sym->sec)) ||
		    !same_target(c, pr, or, false))
			return false;
	return true;
}

/*
 * A reference into a section of many bookkeeping entries (__dyndbg,
 * __tracepoint_str, .BTF_ids) is to one entry: to an entry the same, at
 * the same offset inside it. Section offsets move whenever an entry is
 * added before.
 */
/* The entry relocation R points into, and where in it (*AT, from its start). */
static struct kelf_sym *entry_at(const struct kelf_rela *r, bool in_code, const struct kelf *k,
				 int64_t *at)
{
	struct kelf_sym *y = r->sym;
	int64_t place = kelf_rela_target_offset(r, in_code);

	if (y->type == STT_SECTION)
		y = kelf_rela_target_symbol(r, in_code, k, NULL);
	else
		place += (int64_t)y->value;
	if (y)
		*at = place - (int64_t)y->value;
	return y;
}

static bool same_entry(struct dctx *c, const struct kelf_rela *pr, const struct kelf_rela *or,
		       bool in_code)
{
	int64_t pat = 0, oat = 0;
	struct kelf_sym *p = entry_at(pr, in_code, c->patched, &pat);
	struct kelf_sym *o = entry_at(or, in_code, c->orig, &oat);

	if (!p || !o || pat != oat)
		return false;
	if (kd_is_dyndbg(p->sec))
		return kd_is_dyndbg(o->sec) && same_descriptor(c, p, o);
	return DSYM(p)->twin && DSYM(p)->twin->sym == o;
}

static bool bookkeeping(const struct kelf_sec *s)
{
	return s && (kd_is_dyndbg(s) || kd_is_tp_string(s) || DSEC(s)->cls == DC_BTFIDS);
}

static bool same_target(struct dctx *c, const struct kelf_rela *pr,
			const struct kelf_rela *or, bool in_code)
{
	const struct kelf_sym *ps = pr->sym, *os = or->sym;

	if (ps->sec && os->sec && DSEC(ps->sec)->cls == DC_STRINGS &&
	    DSEC(os->sec)->cls == DC_STRINGS)
		return same_merged(pr, or, in_code);
	if (bookkeeping(ps->sec) && bookkeeping(os->sec))
		return same_entry(c, pr, or, in_code);
	if (ps->type == STT_SECTION && os->type == STT_SECTION) {
		struct dsec *pd = DSEC(ps->sec);

		return pr->addend == or->addend && pd->twin && pd->twin->sec == os->sec;
	}
	if (ps->type == STT_SECTION || os->type == STT_SECTION)
		return false;
	if (pr->addend != or->addend)
		return false;
	if (!ps->sec)
		return !os->sec && !strcmp(ps->name, os->name);
	return DSYM(ps)->twin && DSYM(ps)->twin->sym == os;
}

/* Compares the byte ranges of P (patched) and O (original) with their relocations. */
bool kd_sym_range_equal(struct dctx *c, const struct kelf_sym *p,
		     const struct kelf_sym *o)
{
	const struct kelf_sec *ps = p->sec, *os = o->sec;
	const struct kelf_rela *pr, *or, *pend, *oend;
	bool in_code = ps->sh.sh_flags & SHF_EXECINSTR;
	uint64_t psize = p->size, osize = o->size;

	/* a symbol alone in its section owns all of it (size 0 asm labels too) */
	if (ps->primary == p && p->size == 0)
		psize = ps->size;
	if (os->primary == o && o->size == 0)
		osize = os->size;
	if (psize != osize)
		return false;
	if (ps->sh.sh_type != os->sh.sh_type)
		return false;
	if (ps->data && os->data) {
		if (p->value + psize > ps->size || o->value + osize > os->size)
			return false;
		if (memcmp(ps->data + p->value, os->data + o->value, psize))
			return false;
	}
	pr = kelf_first_rela(ps, p->value);
	pend = kelf_first_rela(ps, p->value + psize);
	or = kelf_first_rela(os, o->value);
	oend = kelf_first_rela(os, o->value + osize);
	if (pend - pr != oend - or)
		return false;
	for (; pr < pend; pr++, or++) {
		if (pr->offset - p->value != or->offset - o->value ||
		    pr->type != or->type || !same_target(c, pr, or, in_code))
			return false;
	}
	return true;
}

static const char *class_word(const struct kelf_sym *y)
{
	return y->type == STT_FUNC ? "function" : "variable";
}

/*
 * Changed or new __init/__exit code or data is never carried: it ran at
 * boot (or runs only at exit). It is noted here and judged once the rest of
 * the object is compared (diff.c): alone it is nothing to patch; next to a
 * runtime change it is a refusal naming --skip-init, or with --skip-init a
 * warning naming what was left out.
 */
static int note_init(struct dctx *c, struct dsym *d)
{
	char *names = c->res->init;
	size_t len = strlen(names);

	d->status = DS_SAME;
	c->init_changed = true;
	if (d->child)
		return 0;
	if (!c->first_init)
		c->first_init = d;
	snprintf(names + len, sizeof(c->res->init) - len, "%s%s%s",
		 len ? ", " : "", d->sym->name, d->sym->type == STT_FUNC ? "()" : "");
	kd_dlog(c, "%s %s: __init/__exit, %s, not carried%s", class_word(d->sym), d->sym->name,
		d->twin ? "changed" : "new", c->opts->skip_init ? " (--skip-init)" : "");
	return 0;
}

/*
 * resolve_btfids writes BTF type IDs into .BTF_ids when vmlinux is linked
 * (scripts/link-vmlinux.sh); a live patch module's copy would keep the
 * zeros the compiler wrote, no type at all. Unchanged IDs are the running
 * kernel's: carried code reads them through livepatch relocations.
 */
static int refuse_btf_ids(struct dctx *c, const char *what, const char *how)
{
	return kd_refuse(c, "%s: %s BTF ID (section .BTF_ids): resolve_btfids fills BTF IDs in "
		      "when vmlinux is linked, and a live patch module's copy would hold 0, no "
		      "type; use only the ID lists the kernel already has (BTF_ID_LIST and "
		      "BTF_SET entries unchanged) or look the type up at run time with "
		      "btf_find_by_name_kind()", what, how);
}

static int compare_symbol(struct dctx *c, struct dsym *d)
{
	struct kelf_sym *y = d->sym;
	enum dclass cls = DSEC(y->sec)->cls;

	if (d->ignored || (d->child && d->parent && d->parent->ignored)) {
		if (!d->twin && !d->child)
			return kd_refuse(c, "%s: KPATCH_IGNORE_FUNCTION names a new function; only an "
				      "existing function can be left unpatched: remove the marker",
				      y->name);
		d->status = DS_SAME;
		kd_dlog(c, "%s %s: ignored (KPATCH_IGNORE_FUNCTION)", class_word(y), y->name);
		return 0;
	}
	if (cls == DC_INIT && (!d->twin || !kd_sym_range_equal(c, y, d->twin->sym)))
		return note_init(c, d);
	if (!d->twin) {
		d->status = DS_NEW;
		if (cls == DC_BTFIDS)
			return refuse_btf_ids(c, y->name, "new");
		if (cls == DC_OTHER)
			return kd_refuse(c, "%s: new %s in a section the differ does not understand; "
				      "keep the patch out of it", y->sec->name, y->name);
		kd_dlog(c, "%s %s: new", class_word(y), y->name);
		return 0;
	}
	d->status = kd_sym_range_equal(c, y, d->twin->sym) ? DS_SAME : DS_CHANGED;
	if (d->status == DS_SAME) {
		kd_dlog(c, "%s %s: unchanged", class_word(y), y->name);
		return 0;
	}
	switch (cls) {
	case DC_DATA:
	case DC_STRINGS:
		if (y->type != STT_FUNC && d->forced) {
			d->status = DS_SAME;
			return kd_warn(c, "%s: forced (KPATCH_FORCE): the changed initial value or "
				    "layout is not applied, the running kernel keeps the old "
				    "contents", y->name);
		}
		if (y->type != STT_FUNC)
			return kd_refuse(c, "%s: initial value or layout of existing data changed "
				      "(section %s): the running kernel keeps the old contents; "
				      "leave the definition alone and use a shadow variable or a "
				      "load-time callback", y->name, y->sec->name);
		break;
	case DC_BTFIDS:
		return refuse_btf_ids(c, y->name, "changed");
	case DC_OTHER:
		return kd_refuse(c, "%s: section %s changed and the differ does not understand it; "
			      "keep the patch out of this section", y->name, y->sec->name);
	default:
		break;
	}
	kd_dlog(c, "%s %s: changed", class_word(y), y->name);
	return 0;
}

/* Whole-section comparison: bytes and relocations. */
static bool same_contents(struct dctx *c, const struct kelf_sec *p, const struct kelf_sec *o)
{
	size_t i;

	if (p->size != o->size || p->sh.sh_type != o->sh.sh_type || p->nrelas != o->nrelas)
		return false;
	if (p->data && o->data && memcmp(p->data, o->data, p->size))
		return false;
	for (i = 0; i < p->nrelas; i++)
		if (p->relas[i].offset != o->relas[i].offset ||
		    p->relas[i].type != o->relas[i].type ||
		    !same_target(c, &p->relas[i], &o->relas[i], false))
			return false;
	return true;
}

/* Anonymous contents of sections the differ does not understand. */
static int compare_other_sections(struct dctx *c)
{
	size_t i;

	for (i = 0; i < c->patched->nsecs; i++) {
		struct dsec *p = &c->psecs[i];
		struct kelf_sec *s = p->sec;

		/* BTF ID sets and flags hold words no symbol covers */
		if (p->cls == DC_BTFIDS) {
			if (!p->twin || p->twin->sec->size != s->size ||
			    (s->data && p->twin->sec->data &&
			     memcmp(s->data, p->twin->sec->data, s->size)))
				return refuse_btf_ids(c, s->name, "changed");
			continue;
		}
		if (p->cls != DC_OTHER || s->primary)
			continue;
		if (!p->twin)
			return kd_refuse(c, "%s: new section the differ does not understand; "
				      "keep the patch out of it", s->name);
		if (!same_contents(c, s, p->twin->sec))
			return kd_refuse(c, "%s: section changed and the differ does not understand it; "
				      "keep the patch out of it", s->name);
	}
	return 0;
}

/* The function whose code holds offset OFF of text section S; parts map to parents. */
static struct dsym *site_function(struct dctx *c, struct kelf_sec *s, uint64_t off)
{
	struct kelf_sym *y = kelf_symbol_at(s, off, c->patched);
	struct dsym *d = y ? DSYM(y) : NULL;

	if (d && d->child && d->parent)
		d = d->parent;
	return d;
}

/*
 * A changed function without an ftrace entry cannot be redirected. If it is
 * static and only called from code of this object, it is carried as a
 * helper and its callers are patched instead: their new copies call the new
 * helper. Every caller must be patchable; a refusal names the one that is
 * not. Returns how many callers became changed, or -1 on refusal.
 */
static int promote_callers(struct dctx *c, struct dsym *f)
{
	char why[400];
	size_t i, j;
	int n = 0, callers = 0;

	if (f->sym->bind != STB_LOCAL) {
		snprintf(why, sizeof(why), "it is global, so code elsewhere calls it directly");
		goto refuse;
	}
	for (i = 0; i < c->patched->nsecs; i++) {
		struct kelf_sec *s = c->patched->secs[i];
		enum dclass cls = DSEC(s)->cls;
		bool in_code = s->sh.sh_flags & SHF_EXECINSTR;

		if (cls == DC_SPECIAL || cls == DC_IGNORE || cls == DC_EXPORT)
			continue;
		for (j = 0; j < s->nrelas; j++) {
			const struct kelf_rela *r = &s->relas[j];
			struct kelf_sym *t = r->sym;
			struct dsym *caller;

			if (t->type == STT_SECTION && t->sec == f->sym->sec)
				t = kelf_rela_target_symbol(r, in_code, c->patched, NULL);
			if (t != f->sym)
				continue;
			caller = in_code ? site_function(c, s, r->offset) : NULL;
			if (cls == DC_INIT && caller) {
				snprintf(why, sizeof(why), "its caller %s is __init/__exit code, which "
					 "cannot be patched", caller->sym->name);
				goto refuse;
			}
			if (!in_code) {
				struct kelf_sym *v = kelf_symbol_at(s, r->offset, c->patched);

				snprintf(why, sizeof(why), "its address is taken in %s, so it is "
					 "called indirectly", v ? v->name : s->name);
				goto refuse;
			}
			if (!caller || cls != DC_TEXT) {
				snprintf(why, sizeof(why), "it is called from %s+0x%llx, outside any "
					 "function", s->name, (unsigned long long)r->offset);
				goto refuse;
			}
			if (caller == f)
				continue;
			callers++;
			if (caller->status == DS_SAME) {
				caller->status = DS_CHANGED;
				caller->promoted_by = f;
				n++;
				kd_dlog(c, "function %s: changed (calls changed notrace function %s)",
				     caller->sym->name, f->sym->name);
			}
		}
	}
	if (!callers) {
		snprintf(why, sizeof(why), "nothing in this object calls it");
		goto refuse;
	}
	f->helper = true;
	kd_dlog(c, "function %s: notrace, carried as a helper of its callers", f->sym->name);
	return n;
refuse:
	if (f->promoted_by)
		return kd_refuse(c, "%s: changed function has no ftrace entry (notrace, no __fentry__ "
			      "call) and %s; it must change because it calls the changed notrace "
			      "function %s, so %s cannot be applied by patching its callers: "
			      "put the change in a new function that patched callers call instead",
			      f->sym->name, why, f->promoted_by->sym->name, f->promoted_by->sym->name);
	return kd_refuse(c, "%s: changed function has no ftrace entry (notrace, no __fentry__ "
		      "call) and %s; patch its callers instead", f->sym->name, why);
}

int kd_compare_objects(struct dctx *c)
{
	size_t i;

	for (i = 0; i < c->patched->nsyms; i++) {
		struct dsym *d = &c->psyms[i];
		struct kelf_sym *y = d->sym;

		if (!y->sec || (y->type != STT_FUNC && y->type != STT_OBJECT))
			continue;
		if (DSEC(y->sec)->cls == DC_IGNORE || DSEC(y->sec)->cls == DC_SPECIAL ||
		    DSEC(y->sec)->cls == DC_ALTREPL || DSEC(y->sec)->cls == DC_EXPORT)
			continue;
		if (compare_symbol(c, d))
			return -1;
	}
	/* a changed .cold part changes its parent */
	for (i = 0; i < c->patched->nsyms; i++) {
		struct dsym *d = &c->psyms[i];

		if (d->child && d->status != DS_SAME && d->parent &&
		    d->parent->status == DS_SAME && !d->parent->ignored) {
			d->parent->status = DS_CHANGED;
			kd_dlog(c, "function %s: changed (its part %s changed)",
			     d->parent->sym->name, d->sym->name);
		}
	}
	/* promoting callers can change more functions: repeat until stable */
	for (;;) {
		int promoted = 0;

		for (i = 0; i < c->patched->nsyms; i++) {
			struct dsym *d = &c->psyms[i];
			int n;

			if (d->sym->type != STT_FUNC || d->child || d->helper ||
			    d->status != DS_CHANGED || kd_has_ftrace_entry(c, d->sym))
				continue;
			n = promote_callers(c, d);
			if (n < 0)
				return -1;
			promoted += n;
		}
		if (!promoted)
			break;
	}
	for (i = 0; i < c->patched->nsyms; i++) {
		struct dsym *d = &c->psyms[i];

		if (d->sym->type == STT_FUNC && !d->child && !d->helper &&
		    d->status == DS_CHANGED)
			c->nchanged++;
	}
	return compare_other_sections(c);
}
