// SPDX-License-Identifier: GPL-2.0
/*
 * Section classes, decided from names and flags the way the kernel's linker
 * script groups them. Anything loaded that fits no class is DC_OTHER: the
 * differ refuses to change it rather than guess.
 */
#include <string.h>

#include "diff/diff_int.h"

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* name is PREFIX exactly or PREFIX followed by '.' */
static bool family(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return !strncmp(s, prefix, n) && (s[n] == '\0' || s[n] == '.');
}

static size_t entry_size(const struct kdiff_entry_sizes *es, const char *name)
{
	size_t i;

	for (i = 0; i < es->n; i++)
		if (!strcmp(es->v[i].section, name))
			return es->v[i].size;
	return 0;
}

bool kd_is_dyndbg(const struct kelf_sec *s)
{
	return !strcmp(s->name, "__dyndbg");
}

bool kd_is_tp_string(const struct kelf_sec *s)
{
	return !strcmp(s->name, "__tracepoint_str");
}

static enum dclass classify(const struct kelf_sec *s, size_t entsize)
{
	const char *n = s->name;
	uint64_t f = s->sh.sh_flags;

	if (!(f & SHF_ALLOC) || s->sh.sh_type == SHT_RELA ||
	    s->sh.sh_type == SHT_GROUP || starts(n, ".discard") ||
	    starts(n, ".note") || !strcmp(n, ".modinfo") ||
	    starts(n, ".comment"))
		return DC_IGNORE;
	/* the author's markers (kmod/kpatch-author.h): read, never carried */
	if (starts(n, ".kpatch."))
		return DC_IGNORE;
	if (entsize)
		return DC_SPECIAL;
	if (starts(n, "___ksymtab") || starts(n, "__ksymtab") || starts(n, "___kcrctab") ||
	    starts(n, "__kcrctab") || starts(n, "__kstrtab"))
		return DC_EXPORT;
	if (!strcmp(n, ".altinstr_replacement") || !strcmp(n, ".altinstr_aux"))
		return DC_ALTREPL;
	/*
	 * .exitcall.exit holds module_exit() of built-in code: vmlinux's linker
	 * script discards it (EXIT_CALL in DISCARDS), like the __exit code it
	 * points to.
	 */
	if (family(n, ".init") || family(n, ".exit") || starts(n, ".init.") ||
	    starts(n, ".exit.") || !strcmp(n, ".initcall") || starts(n, ".initcall") ||
	    !strcmp(n, ".exitcall.exit"))
		return DC_INIT;
	if (!strcmp(n, ".BTF_ids"))
		return DC_BTFIDS;
	if (f & SHF_EXECINSTR)
		return DC_TEXT;
	if ((f & SHF_MERGE) || starts(n, ".rodata.str") || starts(n, ".rodata.cst"))
		return DC_STRINGS;
	if (family(n, ".data") || family(n, ".bss") || family(n, ".rodata") ||
	    family(n, ".data..read_mostly") || family(n, ".ref.data") ||
	    starts(n, ".data..") || starts(n, ".bss..") || kd_is_dyndbg(s) ||
	    kd_is_tp_string(s))
		return DC_DATA;
	return DC_OTHER;
}

void kd_classify_sections(struct dctx *c, struct kelf *k, struct dsec *ds)
{
	const struct kdiff_entry_sizes *es = c->opts->entry_sizes;
	size_t i;

	for (i = 0; i < k->nsecs; i++) {
		struct kelf_sec *s = k->secs[i];

		ds[i].sec = s;
		s->priv = &ds[i];
		ds[i].entsize = entry_size(es, s->name);
		ds[i].cls = classify(s, ds[i].entsize);
	}
}
