/* SPDX-License-Identifier: GPL-2.0 */
/* Module.symvers: which symbols the kernel exports, and from where. */
#ifndef KP_COMMON_SYMVERS_H
#define KP_COMMON_SYMVERS_H

#include <stdbool.h>
#include <stddef.h>

struct symver {
	char *name;
	char *module;		/* "vmlinux" or the exporting module */
	char *ns;		/* its symbol namespace (EXPORT_SYMBOL_NS), or NULL */
};

struct symvers {
	struct symver *v;	/* sorted by name */
	size_t n;
};

/* 0 or a negative errno; -EINVAL for a line that is not crc/name/module. */
int symvers_load(const char *path, struct symvers *out);
/* The exporting module of name, or NULL when it is not exported. */
const char *symvers_find(const struct symvers *sv, const char *name);
/* The namespace name is exported in, or NULL (none, or not exported). */
const char *symvers_namespace(const struct symvers *sv, const char *name);
/*
 * Whether EXPORTER (as Module.symvers names it: "fs/binfmt_misc") is the
 * module whose kernel name is OBJNAME ("binfmt_misc"; '-' in a file name
 * is '_' in the kernel's).
 */
bool symvers_exporter_is(const char *exporter, const char *objname);
void symvers_free(struct symvers *sv);

#endif
