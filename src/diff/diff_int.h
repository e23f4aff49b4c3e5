/* SPDX-License-Identifier: GPL-2.0 */
/* State shared by the differ's passes; not part of the library interface. */
#ifndef KPATCH_DIFF_DIFF_INT_H
#define KPATCH_DIFF_DIFF_INT_H

#include <stdbool.h>

#include "diff/diff.h"

/* What a section is, decided from its name and flags (classify.c). */
enum dclass {
	DC_IGNORE,	/* not loaded, or metadata for build tools only */
	DC_TEXT,	/* code that can be patched */
	DC_INIT,	/* __init/__exit code and data: gone after boot */
	DC_DATA,	/* named variables and constants */
	DC_STRINGS,	/* mergeable strings and constants, used by offset */
	DC_SPECIAL,	/* arrays of fixed-size entries about code */
	DC_ALTREPL,	/* .altinstr_replacement, .altinstr_aux: blocks of code used by
			 * alternatives and static_cpu_has() on behalf of functions */
	DC_EXPORT,	/* __ksymtab*, __kcrctab*, __ksymtab_strings: exports, which
			 * a live patch cannot add or change */
	DC_BTFIDS,	/* .BTF_ids: BTF type IDs resolve_btfids writes into vmlinux */
	DC_OTHER,	/* loaded, but not understood */
};

enum dstatus { DS_UNKNOWN, DS_SAME, DS_CHANGED, DS_NEW };

struct dsec {
	struct kelf_sec *sec;
	struct dsec *twin;
	enum dclass cls;
	size_t entsize;			/* DC_SPECIAL */
	struct kelf_sec *out;		/* whole-section copy in the output */
	uint64_t *ranges;		/* DC_ALTREPL: starts of the blocks carried */
	size_t nranges;
	uint64_t *starts;		/* DC_ALTREPL: every block start, sorted */
	size_t nstarts;
};

struct dsym {
	struct kelf_sym *sym;
	struct dsym *twin;
	enum dstatus status;
	bool carry;			/* goes into the output */
	bool child;			/* .cold part: follows its parent */
	bool helper;			/* changed notrace: carried, callers patched */
	struct dsym *promoted_by;	/* changed only because it calls this helper */
	struct dsym *parent;
	struct kelf_sym *out;		/* defined symbol in the output */
	const char *key;		/* name without compiler numbering */
	bool ambiguous;			/* numbered, and its key is not unique */
	struct dsym *ref_by;		/* a function referencing it (correlation) */
	bool ignored;			/* KPATCH_IGNORE_FUNCTION: never changed */
	bool forced;			/* KPATCH_FORCE: refusals become warnings */
};

/* A carried byte range whose relocations are still to be rewritten. */
struct pending {
	struct kelf_sec *psec;		/* patched section the range comes from */
	uint64_t start, len;
	struct kelf_sec *out;		/* where the range landed */
	uint64_t out_off;		/* at this offset */
};

struct dctx {
	struct kelf *orig, *patched, *out;
	const struct kdiff_opts *opts;
	struct kdiff_result *res;
	struct dsec *osecs, *psecs;
	struct dsym *osyms, *psyms;
	struct pending *pend;
	size_t npend, pend_cap;
	int nchanged;
	bool refused;
	/*
	 * Changed or new __init/__exit code and data, never carried: its names
	 * are in res->init. Whether that is a refusal, a warning (--skip-init)
	 * or KDIFF_INIT_ONLY depends on what else changed (diff.c).
	 */
	bool init_changed;
	bool init_only;			/* nothing else changed: KDIFF_INIT_ONLY */
	struct dsym *first_init;	/* named in the refusal */
};

static inline struct dsec *DSEC(const struct kelf_sec *s)
{
	return s->priv;
}

static inline struct dsym *DSYM(const struct kelf_sym *y)
{
	return y->priv;
}

/* The name a symbol has in the original object (its own when new). */
static inline const char *orig_name(const struct kelf_sym *y)
{
	struct dsym *d = DSYM(y);

	return d && d->twin ? d->twin->sym->name : y->name;
}

/*
 * Everything libkpdiff shares between its passes carries the kd_ prefix
 * (the public API in diff.h: kdiff_), so no name clashes with the C
 * library's or a caller's (warn() of <err.h>, for one).
 */
void kd_dlog(struct dctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int kd_refuse(struct dctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int kd_fail(struct dctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int kd_warn(struct dctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));


/* classify.c */
void kd_classify_sections(struct dctx *c, struct kelf *k, struct dsec *ds);
/*
 * Bookkeeping the kernel keeps about code, not state: dynamic-debug
 * descriptors (one per pr_debug()/dev_dbg() site) and tracepoint_string()
 * pointers. Never paired by name: see correlate.c.
 */
bool kd_is_dyndbg(const struct kelf_sec *s);
bool kd_is_tp_string(const struct kelf_sec *s);

/* correlate.c */
int kd_correlate(struct dctx *c);

/* sameobj.c */
int kd_check_same_object(struct dctx *c);

/* compare.c */
const char *kd_string_at(const struct kelf_sec *s, int64_t off);
bool kd_sym_range_equal(struct dctx *c, const struct kelf_sym *p,
		     const struct kelf_sym *o);
int kd_compare_objects(struct dctx *c);

/* carry.c */
int kd_carry_functions(struct dctx *c);
int kd_carry_pending(struct dctx *c);
int kd_queue_at(struct dctx *c, struct kelf_sec *psec, uint64_t start,
	     uint64_t len, struct kelf_sec *out, uint64_t out_off);
struct kelf_sym *kd_carry_symbol(struct dctx *c, struct dsym *d);
struct kelf_sym *kd_carry_section(struct dctx *c, struct kelf_sec *ps, bool relas);

/* localcalls.c */
int kd_relink_local_calls(struct dctx *c, const struct kelf_sym *fn, struct kelf_sec *out);

/* blocks.c */
int kd_carry_block(struct dctx *c, struct kelf_sec *ts, int64_t start);

/* convert.c */
int kd_convert_rela(struct dctx *c, const struct kelf_rela *r, bool in_code,
		 struct kelf_sym **sym, int64_t *addend);
struct kelf_sym *kd_owner_function(const struct kelf_rela *r, const struct kelf *k);
struct kelf_sym *kd_external(struct dctx *c, const char *name, const struct kelf_sym *orig);
int kd_prune_externals(struct dctx *c);

/* author.c: the traces of kmod/kpatch-author.h in the patched object */
int kd_author_sections(struct dctx *c);
int kd_author_symbols(struct dctx *c);
int kd_author_callbacks(struct dctx *c);

/* statics.c */
int kd_check_static_locals(struct dctx *c);

/* ksymtab.c */
int kd_check_exports(struct dctx *c);

/* kthread.c */
int kd_warn_kthread_mains(struct dctx *c);

/* special.c */
int kd_carry_special_sections(struct dctx *c);
bool kd_has_ftrace_entry(struct dctx *c, const struct kelf_sym *fn);

#endif
