/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differ: compares an original and a patched object and builds the
 * object a live patch module must carry. See docs/kpatch-build-design.md
 * for the rules. The library never prints: decisions go to an optional log
 * callback, the reason for a refusal or an error to kdiff_result.msg.
 */
#ifndef KPATCH_DIFF_DIFF_H
#define KPATCH_DIFF_DIFF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/symvers.h"
#include "elf/kelf.h"

/*
 * The contract with the driver, defined here once: kdiff_run's return
 * values are kpatch-diff's exit codes (kpatch-diff(1)), and the result file
 * (--result, result.c) carries the same status by name, with the reason.
 */
enum kdiff_status {
	KDIFF_CHANGED = 0,
	KDIFF_ERROR = 1,
	KDIFF_NO_CHANGE = 3,
	KDIFF_REFUSED = 4,
	/*
	 * Only __init/__exit code or data changed: it ran at boot (or runs at
	 * exit), so nothing is to be patched at runtime. Not a refusal: the
	 * fix is in the kernel that boots next, not in the running one.
	 */
	KDIFF_INIT_ONLY = 9,
};

struct kdiff_entry_size {
	char *section;
	size_t size;
};

struct kdiff_entry_sizes {
	struct kdiff_entry_size *v;
	size_t n;
};

struct kdiff_exports {
	struct symvers sv;
};

typedef void (*kdiff_log_fn)(void *ctx, const char *fmt, va_list ap);

struct kdiff_opts {
	const struct kdiff_entry_sizes *entry_sizes;	/* NULL: built-in */
	const struct kdiff_exports *exports;		/* NULL: unknown */
	kdiff_log_fn log;				/* NULL: silent */
	void *log_ctx;
	/*
	 * Leave changed __init code and data out instead of refusing: it ran
	 * at boot. What was left out is named in a warning.
	 */
	bool skip_init;
	/*
	 * The klp object the code belongs to: a module's name, or NULL or
	 * "vmlinux" for the kernel. Messages name the module that holds a
	 * symbol this object defines.
	 */
	const char *object;
};

enum kdiff_change { KDIFF_FN_CHANGED, KDIFF_FN_NEW };

struct kdiff_function {
	char *name;
	enum kdiff_change change;
};

struct kdiff_symbol {
	char *name;
	unsigned char bind;	/* STB_* in the original object */
	unsigned char type;	/* STT_* */
	/*
	 * Referenced from __jump_table or .static_call_sites, which the module
	 * loader reads before livepatch relocations exist: it must resolve
	 * to an exported symbol.
	 */
	bool needs_export;
};

/* A livepatch callback the patch author declared (kmod/kpatch-author.h). */
struct kdiff_callback {
	const char *type;	/* "pre_patch", "post_patch", "pre_unpatch", "post_unpatch" */
	char *symbol;		/* a carried function of OUT.o */
};

struct kdiff_result {
	struct kelf *out;		/* set when KDIFF_CHANGED */
	struct kdiff_callback *callbacks;
	size_t ncallbacks;
	/* Applied with a caveat the author must read: one line each. */
	char **warnings;
	size_t nwarnings;
	struct kdiff_function *functions;
	size_t nfunctions;
	struct kdiff_symbol *symbols;	/* every undefined symbol of out */
	size_t nsymbols;
	/*
	 * KDIFF_REFUSED: "<function or section>: <reason>"; KDIFF_INIT_ONLY:
	 * why nothing is patched; KDIFF_ERROR: what failed
	 */
	char msg[512];
	/* The changed __init/__exit code, "f(), g()", whatever the status */
	char init[384];
};

enum kdiff_status kdiff_run(const char *orig_path, const char *patched_path,
			    const struct kdiff_opts *opts,
			    struct kdiff_result *res);
void kdiff_result_free(struct kdiff_result *res);

/* entry_sizes.c */
int kdiff_entry_sizes_load(const char *path, struct kdiff_entry_sizes *es,
			   char *msg, size_t msglen);
const struct kdiff_entry_sizes *kdiff_entry_sizes_default(void);
void kdiff_entry_sizes_free(struct kdiff_entry_sizes *es);

/* exports.c */
int kdiff_exports_load(const char *path, struct kdiff_exports *ex, char *msg, size_t msglen);
bool kdiff_exports_has(const struct kdiff_exports *ex, const char *name);
void kdiff_exports_free(struct kdiff_exports *ex);

/* manifest.c */
int kdiff_manifest_write(const struct kdiff_result *res, const char *object,
			 const char *path, char *msg, size_t msglen);

/*
 * result.c: {"status": "refused", "code": 4, "reason": "...", "init": "f()"};
 * INIT (may be NULL or empty) names the changed boot-time code.
 */
const char *kdiff_status_name(enum kdiff_status st);
int kdiff_result_write(const char *path, enum kdiff_status st, const char *reason,
		       const char *init, char *msg, size_t msglen);

#endif
