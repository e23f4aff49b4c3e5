// SPDX-License-Identifier: GPL-2.0
/*
 * Exports. EXPORT_SYMBOL leaves a "___ksymtab+NAME" (or
 * "___ksymtab_gpl+NAME") section, a "__kcrctab+NAME" one with
 * modversions, and the name in __ksymtab_strings. A live patch module
 * cannot add a symbol to the kernel's export table, but the code change
 * around it usually still matters (a stable fix that exports a helper for
 * another module). So a new or removed export is not a refusal: the code
 * change is applied and one warning line names the exports left as they
 * were. The sections are never carried.
 */
#include <stdio.h>
#include <string.h>

#include "diff/diff_int.h"

/* NAME of "___ksymtab+NAME" / "___ksymtab_gpl+NAME", or NULL. */
static const char *exported_name(const struct kelf_sec *s)
{
	const char *plus = strchr(s->name, '+');

	if (strncmp(s->name, "___ksymtab", 10) || !plus)
		return NULL;
	return plus + 1;
}

static void append(char *buf, size_t len, const char *what, const char *name)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s %s", n ? ", " : "", name, what);
}

int kd_check_exports(struct dctx *c)
{
	char list[512] = "";
	size_t i;

	for (i = 0; i < c->patched->nsecs; i++) {
		const char *name = exported_name(c->patched->secs[i]);
		struct kelf_sec *o;

		if (!name)
			continue;
		o = kelf_find_section(c->orig, c->patched->secs[i]->name);
		if (!o)
			append(list, sizeof(list), strncmp(c->patched->secs[i]->name,
					"___ksymtab_gpl", 14) ? "(new)" : "(new, GPL)", name);
	}
	for (i = 0; i < c->orig->nsecs; i++) {
		const char *name = exported_name(c->orig->secs[i]);

		if (name && !kelf_find_section(c->patched, c->orig->secs[i]->name))
			append(list, sizeof(list), "(removed, stays exported)", name);
	}
	if (!list[0])
		return 0;
	return kd_warn(c, "exports not changed (a live patch cannot add or remove exports; "
		    "the code change is applied): %s", list);
}
