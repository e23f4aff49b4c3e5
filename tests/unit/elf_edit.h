/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw edits of a compiled object, for the loader's bad-input tests: the
 * file is read into memory, a header field is changed through the
 * Elf64_* views below, and the bytes are written to another path.
 */
#ifndef KPATCH_TESTS_ELF_EDIT_H
#define KPATCH_TESTS_ELF_EDIT_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>

struct eobj {
	unsigned char *buf;
	size_t len;
};

void eobj_read(struct eobj *o, const char *path);
void eobj_write(const struct eobj *o, const char *path);
void eobj_free(struct eobj *o);

Elf64_Ehdr *eobj_ehdr(const struct eobj *o);
Elf64_Shdr *eobj_shdr(const struct eobj *o, size_t i);
size_t eobj_shnum(const struct eobj *o);
/* Index of the section named NAME (of TYPE when NAME is NULL), or 0. */
size_t eobj_section(const struct eobj *o, const char *name, unsigned int type);
const char *eobj_secname(const struct eobj *o, size_t i);
size_t eobj_nsyms(const struct eobj *o);
Elf64_Sym *eobj_sym(const struct eobj *o, size_t i);
/* Index of the symbol NAME, or of the first of TYPE when NAME is NULL, or 0. */
size_t eobj_symbol(const struct eobj *o, const char *name, unsigned int type);
Elf64_Rela *eobj_rela(const struct eobj *o, size_t sec, size_t i);
const char *eobj_symname(const struct eobj *o, size_t i);
/*
 * How B, a rewrite of A, differs from it; NULL when it does not. A's
 * sections must be B's first ones, at the same indices and alignment, with
 * the same headers (but for name and file offsets) and bytes; string tables
 * are compared through the names they give, symbol tables symbol by symbol
 * (but for SKIP_SYM, an index, 0 for none). Unless RELAS, the sizes and
 * bytes of relocation sections are not compared. WHY holds the answer.
 */
const char *eobj_diff(const struct eobj *a, const struct eobj *b, bool relas, size_t skip_sym,
		      char *why, size_t n);

/*
 * C source of a livepatch module's shape as kbuild links it (ld -r): notes,
 * .modinfo, __versions, .gnu.linkonce.this_module with its relocations, a
 * .BTF, and a reference to a kernel symbol (hidden_counter) the post-link
 * step turns into a livepatch one.
 */
extern const char eobj_module_src[];

#endif
