/* SPDX-License-Identifier: GPL-2.0 */
/* Module.symvers: which symbols the kernel exports, and from where. */
#ifndef KP_COMMON_SYMVERS_H
#define KP_COMMON_SYMVERS_H

#include <stddef.h>

struct symver {
	char *name;
	char *module;		/* "vmlinux" or the exporting module */
};

struct symvers {
	struct symver *v;	/* sorted by name */
	size_t n;
};

/* 0 or a negative errno; -EINVAL for a line that is not crc/name/module. */
int symvers_load(const char *path, struct symvers *out);
/* The exporting module of name, or NULL when it is not exported. */
const char *symvers_find(const struct symvers *sv, const char *name);
void symvers_free(struct symvers *sv);

#endif
