/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exact livepatch sympos for a symbol of vmlinux.
 *
 * Livepatch finds "name,sympos" by counting the symbols called name in
 * kallsyms order: sympos 0 means the name must be unique, N > 0 is the Nth
 * one. When several locals share a name (static helpers of different files),
 * the one from our object is told apart by its file: when the table has file
 * symbols (vmlinux of the -dbg package, its saved file list, or a module),
 * ours is the one behind a file symbol of our source's name whose locals our
 * object all defines. Without file symbols, by its neighbours: the kernel
 * lays an object's code and data out contiguously, so a candidate surrounded
 * by the object's own symbols, one of them unique in the whole kernel, is
 * ours. Anything less conclusive is an ambiguity, never a guess.
 */
#ifndef KPATCH_KLP_SYMPOS_H
#define KPATCH_KLP_SYMPOS_H

#include <stdbool.h>
#include "klp/ksyms.h"

/* The names an object file defines (functions and data), sorted. */
struct objsym {
	char *name;
	bool local;
};

struct objsyms {
	struct objsym *v;
	size_t n;
	char *file;	/* its file symbol: the source's base name, "dsmethod.c" */
};

int objsyms_load(const char *obj_path, struct objsyms *out);
bool objsyms_has(const struct objsyms *os, const char *name);
/* The object's own symbol called name, or NULL. */
const struct objsym *objsyms_find(const struct objsyms *os, const char *name);
void objsyms_free(struct objsyms *os);

/*
 * Find the sympos of name. want_local: the symbol is static in the object.
 * obj (may be NULL) names the symbols of the object the reference comes from.
 * Returns 0, -ENOENT (no such symbol with that binding) or -EEXIST (several
 * candidates and the neighbours do not single one out).
 */
int ksyms_sympos(const struct ksyms *ks, const char *name, bool want_local,
		 const struct objsyms *obj, unsigned long *sympos);

#endif
