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
	/*
	 * For a function or variable local to one file: 1 + the index in
	 * ksyms.files of the file symbol (STT_FILE) it follows; 0 when not
	 * known (a System.map alone does not say) or not local.
	 */
	unsigned int file;
};

struct ksyms {
	struct ksym *v;
	size_t n;
	/*
	 * The file symbols in link order, one per object linked in: names
	 * repeat (every "core.c"), so an entry, not a name, identifies a file.
	 */
	char **files;
	size_t nfiles;
	bool in_address_order;	/* vmlinux: kallsyms order is address order */
};

/* Both return 0 or a negative errno; -EINVAL for a malformed file. */
int ksyms_load_map(const char *path, struct ksyms *out);
/* vmlinux (with its file symbols, when it has a full .symtab, as -dbg's does) */
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

/*
 * ksymfiles.c: the file of each local symbol, kept per kernel release
 * beside its System.map. Saved from a table loaded with its file symbols;
 * attached to a table loaded from System.map by matching address and
 * name. Both return 0 or a negative errno (-EINVAL: a malformed file);
 * symbols of the file absent from the table are skipped.
 */
int ksyms_save_files(const struct ksyms *ks, const char *path);
/* Drops the table's file symbols: no symbol has a known file after it. */
void ksyms_forget_files(struct ksyms *ks);
/* Appends a file symbol to ks->files (capacity *cap); 0 or -ENOMEM. */
int ksyms_add_file(struct ksyms *ks, size_t *cap, const char *name);
int ksyms_attach_files(struct ksyms *ks, const char *path);

/* A System.map with fewer symbols than this is a placeholder (Debian ships one). */
#define KSYMS_MIN_REAL 1000

static inline bool ksym_is_global(const struct ksym *s)
{
	return s->type >= 'A' && s->type <= 'Z';
}

#endif
