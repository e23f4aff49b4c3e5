// SPDX-License-Identifier: GPL-2.0
/*
 * The two inputs must be one object before and after a patch. Given two
 * unrelated objects, correlation pairs nothing, every comparison is
 * skipped and the run would end in "no functional change", which is a
 * wrong answer rather than an error. So after correlation: the source file
 * (the first STT_FILE symbol) must be the same, and when both objects
 * define functions, at least one of them must have paired.
 */
#include <string.h>

#include "common/regfile.h"
#include "diff/diff_int.h"

static const char *source_file(const struct kelf *k)
{
	for (size_t i = 0; i < k->nsyms; i++)
		if (k->syms[i]->type == STT_FILE && k->syms[i]->name[0])
			return k->syms[i]->name;
	return NULL;
}

static size_t functions(const struct kelf *k, size_t *paired)
{
	size_t n = 0;

	*paired = 0;
	for (size_t i = 0; i < k->nsyms; i++) {
		const struct kelf_sym *y = k->syms[i];

		if (y->type != STT_FUNC || !y->sec)
			continue;
		n++;
		if (DSYM(y)->twin)
			(*paired)++;
	}
	return n;
}

int kd_check_same_object(struct dctx *c)
{
	const char *a = source_file(c->orig), *b = source_file(c->patched);
	size_t no, np, paired, unused;
	char ea[80], eb[80];

	if (a && b && strcmp(a, b))
		return kd_fail(c, "the objects do not correspond: the original is compiled from %s, "
			    "the patched one from %s", kp_escape(a, ea, sizeof(ea)),
			    kp_escape(b, eb, sizeof(eb)));
	np = functions(c->patched, &paired);
	no = functions(c->orig, &unused);
	if (no && np && !paired)
		return kd_fail(c, "the objects do not correspond: none of the %zu functions of the "
			    "patched object is one of the %zu of the original", np, no);
	return 0;
}
