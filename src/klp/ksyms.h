/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The running kernel's symbol table as the builder sees it: every symbol of
 * vmlinux in address order, read from a System.map or from vmlinux itself.
 * Address order is kallsyms order, which is what livepatch's sympos counts.
 */
#ifndef KPATCH_KLP_KSYMS_H
#define KPATCH_KLP_KSYMS_H

#include <stdbool.h>
#include <stddef.h>

struct ksym {
	unsigned long addr;
	char type;		/* nm-style letter: t/T text, d/D data, ... */
	char *name;
};

struct ksyms {
	struct ksym *v;
	size_t n;
};

/* Both return 0 or a negative errno; -EINVAL for a malformed file. */
int ksyms_load_map(const char *path, struct ksyms *out);
int ksyms_load_elf(const char *path, struct ksyms *out);
/*
 * A module's symbols as its kallsyms lists them once loaded: symbol-table
 * order (not address order), named symbols of allocated, non-init sections.
 * Livepatch counts sympos in that order for a module object.
 */
int ksyms_load_module(const char *ko_path, struct ksyms *out);
/* Picks by content: an ELF file is read as vmlinux, anything else as a map. */
int ksyms_load(const char *path, struct ksyms *out);
void ksyms_free(struct ksyms *ks);

/* A System.map with fewer symbols than this is a placeholder (Debian ships one). */
#define KSYMS_MIN_REAL 1000

static inline bool ksym_is_global(const struct ksym *s)
{
	return s->type >= 'A' && s->type <= 'Z';
}

#endif
