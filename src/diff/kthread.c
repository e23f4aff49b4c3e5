// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel threads' main functions. A thread that sleeps in its main
 * function (a loop around schedule() or wait_event()) never leaves it, so
 * livepatch cannot switch that task to the new code and the transition
 * never completes. A changed function whose address this object passes to
 * kthread_create_on_node() or kthread_create_on_cpu() (what kthread_run()
 * and kthread_run_on_cpu() expand to) is applied with a warning naming the
 * way out. The address is taken in code (a mov or lea, not a call) of a
 * function that also calls one of them: the pattern the macros compile to.
 */
#include <stdlib.h>
#include <string.h>

#include "diff/diff_int.h"

static const char *const starters[] = {
	"kthread_create_on_node",
	"kthread_create_on_cpu",
};

static const char *starter(const struct kelf_sym *t)
{
	if (t->sec)
		return NULL;
	for (size_t i = 0; i < sizeof(starters) / sizeof(starters[0]); i++)
		if (!strcmp(t->name, starters[i]))
			return starters[i];
	return NULL;
}

/* A call or jump whose rel32 is at OFF (e8/e9 before it), not an address taken. */
static bool is_branch(const struct kelf_sec *s, uint64_t off)
{
	return off >= 1 && s->data && off <= s->size &&
	       (s->data[off - 1] == 0xe8 || s->data[off - 1] == 0xe9);
}

/* Warns about each changed function whose address G passes to a thread starter. */
static int check_starter(struct dctx *c, const struct kelf_sym *g, bool *warned)
{
	struct kelf_sec *s = g->sec;
	const struct kelf_rela *r, *end;
	const char *how = NULL;

	if (!s->relas)
		return 0;
	r = kelf_first_rela(s, g->value);
	end = kelf_first_rela(s, g->value + g->size);
	for (const struct kelf_rela *q = r; q < end && !how; q++)
		how = starter(q->sym);
	if (!how)
		return 0;
	for (; r < end; r++) {
		struct kelf_sym *t = r->sym;
		struct dsym *d;

		if (t->sec && t->type == STT_SECTION)
			t = kelf_rela_target_symbol(r, true, c->patched, NULL);
		if (!t || !t->sec || t->type != STT_FUNC || is_branch(s, r->offset))
			continue;
		d = DSYM(t);
		if (d->child && d->parent)
			d = d->parent;
		if (d->status != DS_CHANGED || warned[d - c->psyms])
			continue;
		warned[d - c->psyms] = true;
		if (kd_warn(c, "%s: a kernel thread's main function (%s() starts it with %s()): "
			    "patch the functions it calls instead; a transition never completes "
			    "while the thread sleeps in it", d->sym->name, g->name, how))
			return -1;
	}
	return 0;
}

int kd_warn_kthread_mains(struct dctx *c)
{
	bool *warned = calloc(c->patched->nsyms + 1, sizeof(*warned));
	int ret = 0;

	if (!warned)
		return kd_fail(c, "out of memory");
	for (size_t i = 0; !ret && i < c->patched->nsyms; i++) {
		const struct kelf_sym *g = c->psyms[i].sym;

		if (g->type == STT_FUNC && g->sec && DSEC(g->sec)->cls != DC_IGNORE &&
		    (g->sec->sh.sh_flags & SHF_EXECINSTR))
			ret = check_starter(c, g, warned);
	}
	free(warned);
	return ret;
}
