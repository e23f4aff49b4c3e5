// SPDX-License-Identifier: GPL-2.0
/*
 * kdiff_run: load both objects, classify their sections, correlate,
 * compare, then carry what changed and the special-section entries that go
 * with it. Each pass may stop the run with a refusal (a reason the patch
 * cannot be applied live) or an error (the inputs are unusable).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff_int.h"

void kd_dlog(struct dctx *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->opts->log)
		return;
	va_start(ap, fmt);
	c->opts->log(c->opts->log_ctx, fmt, ap);
	va_end(ap);
}

int kd_refuse(struct dctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->refused || c->res->msg[0])
		return -1;	/* keep the first reason */
	va_start(ap, fmt);
	vsnprintf(c->res->msg, sizeof(c->res->msg), fmt, ap);
	va_end(ap);
	c->refused = true;
	return -1;
}

int kd_fail(struct dctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->refused || c->res->msg[0])
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->res->msg, sizeof(c->res->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Records one warning line; the run goes on. */
int kd_warn(struct dctx *c, const char *fmt, ...)
{
	struct kdiff_result *res = c->res;
	char **v, *line;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	v = line ? realloc(res->warnings, (res->nwarnings + 1) * sizeof(*v)) : NULL;
	if (!v) {
		free(line);
		return kd_fail(c, "out of memory");
	}
	res->warnings = v;
	v[res->nwarnings++] = line;
	kd_dlog(c, "warning: %s", line);
	return 0;
}

static void free_keys(struct dsym *ds, size_t n)
{
	size_t i;

	for (i = 0; ds && i < n; i++)
		free((char *)ds[i].key);
}

void kdiff_result_free(struct kdiff_result *res)
{
	size_t i;

	kelf_free(res->out);
	res->out = NULL;
	for (i = 0; i < res->nfunctions; i++)
		free(res->functions[i].name);
	for (i = 0; i < res->nsymbols; i++)
		free(res->symbols[i].name);
	for (i = 0; i < res->ncallbacks; i++)
		free(res->callbacks[i].symbol);
	for (i = 0; i < res->nwarnings; i++)
		free(res->warnings[i]);
	free(res->callbacks);
	free(res->warnings);
	res->callbacks = NULL;
	res->warnings = NULL;
	res->ncallbacks = res->nwarnings = 0;
	free(res->functions);
	free(res->symbols);
	res->functions = NULL;
	res->symbols = NULL;
	res->nfunctions = res->nsymbols = 0;
}

/*
 * Changed boot-time code (compare.c left it out). Alone, there is nothing
 * to patch at runtime: the fix takes effect in the kernel that boots next,
 * a distinct outcome rather than a refusal. Next to a runtime change, the
 * runtime part can be applied with --skip-init, which the refusal names.
 */
static int judge_init(struct dctx *c)
{
	const struct dsym *d = c->first_init;

	if (!c->nchanged) {
		c->init_only = true;
		snprintf(c->res->msg, sizeof(c->res->msg),
			 "nothing to patch at runtime: the change is in boot-time code only (__init/__exit: %s)",
			 c->res->init);
		return 0;
	}
	if (c->opts->skip_init)
		return kd_warn(c, "init code not applied (it already ran at boot): %s", c->res->init);
	return kd_refuse(c, "%s: %s __init/__exit %s: boot-time code cannot be patched, and the "
			 "patch also changes code that runs after boot; rebuild with --skip-init to "
			 "apply that part alone (%s left out)",
			 d ? d->sym->name : "init code", d && !d->twin ? "new" : "changed",
			 d && d->sym->type != STT_FUNC ? "variable" : "function", c->res->init);
}

static int run(struct dctx *c, const char *orig_path, const char *patched_path)
{
	struct kelf_err err = { "" };

	if (kelf_open(orig_path, &c->orig, &err) ||
	    kelf_open(patched_path, &c->patched, &err))
		return kd_fail(c, "%s", err.msg);
	c->osecs = calloc(c->orig->nsecs + 1, sizeof(*c->osecs));
	c->psecs = calloc(c->patched->nsecs + 1, sizeof(*c->psecs));
	c->osyms = calloc(c->orig->nsyms + 1, sizeof(*c->osyms));
	c->psyms = calloc(c->patched->nsyms + 1, sizeof(*c->psyms));
	c->out = kelf_new();
	if (!c->osecs || !c->psecs || !c->osyms || !c->psyms || !c->out)
		return kd_fail(c, "out of memory");
	kd_classify_sections(c, c->orig, c->osecs);
	kd_classify_sections(c, c->patched, c->psecs);
	if (kd_author_sections(c) || kd_correlate(c) || kd_check_same_object(c) || kd_author_symbols(c) || kd_compare_objects(c) ||
	    kd_check_exports(c))
		return -1;
	if (c->init_changed && judge_init(c))
		return -1;
	if (!c->nchanged)
		return 0;
	/* static locals last: a variable correlation could not pair is the better reason */
	if (kd_author_callbacks(c) || kd_warn_kthread_mains(c) || kd_carry_functions(c) ||
	    kd_carry_special_sections(c) || kd_prune_externals(c) || kd_check_static_locals(c))
		return -1;
	/* like every compiled object: no executable stack wanted */
	if (!kelf_add_section(c->out, ".note.GNU-stack",
			      &(GElf_Shdr){ .sh_type = SHT_PROGBITS, .sh_addralign = 1 }, NULL, 0))
		return kd_fail(c, "out of memory");
	return 0;
}

enum kdiff_status kdiff_run(const char *orig_path, const char *patched_path,
			    const struct kdiff_opts *opts,
			    struct kdiff_result *res)
{
	struct kdiff_opts o = *opts;
	struct dctx c = { .opts = &o, .res = res };
	enum kdiff_status st;

	memset(res, 0, sizeof(*res));
	if (!o.entry_sizes)
		o.entry_sizes = kdiff_entry_sizes_default();
	if (run(&c, orig_path, patched_path))
		st = c.refused ? KDIFF_REFUSED : KDIFF_ERROR;
	else
		st = c.nchanged ? KDIFF_CHANGED : c.init_only ? KDIFF_INIT_ONLY : KDIFF_NO_CHANGE;
	if (st == KDIFF_CHANGED) {
		res->out = c.out;
		c.out = NULL;
	} else {
		kdiff_result_free(res);
	}
	kelf_free(c.out);
	if (c.orig)
		free_keys(c.osyms, c.orig->nsyms);
	if (c.patched)
		free_keys(c.psyms, c.patched->nsyms);
	if (c.patched && c.psecs)
		for (size_t i = 0; i < c.patched->nsecs; i++)
			free(c.psecs[i].ranges), free(c.psecs[i].starts);
	free(c.pend);
	free(c.osecs);
	free(c.psecs);
	free(c.osyms);
	free(c.psyms);
	/*
	 * The output owns copies of everything it holds, so the inputs can go.
	 * (Output sections copy their bytes in kelf_add_section.)
	 */
	kelf_free(c.orig);
	kelf_free(c.patched);
	return st;
}
