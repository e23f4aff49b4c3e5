/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The post-link step of a livepatch module (Documentation/livepatch/
 * module-elf-format.rst): references to kernel symbols that are not exported
 * cannot be resolved by the module loader, so livepatch resolves them when
 * the patched object is present. The linker cannot express this: we take the
 * linked .ko, rename each such undefined symbol to ".klp.sym.<obj>.<name>,<pos>"
 * with st_shndx SHN_LIVEPATCH, and move every relocation against it into a
 * ".klp.rela.<obj>.<section>" section flagged SHF_RELA_LIVEPATCH.
 */
#ifndef KPATCH_KLP_KLPRELA_H
#define KPATCH_KLP_KLPRELA_H

#include <stddef.h>

#define KLP_SHF_RELA_LIVEPATCH	0x00100000
#define KLP_SHN_LIVEPATCH	0xff20

struct klp_ref {
	const char *name;	/* the undefined symbol in the module */
	const char *objname;	/* the klp object whose loading applies it: its .klp.rela */
	unsigned long sympos;
	/*
	 * Where the symbol is looked up, when not in objname: an export of
	 * another module that objname's module depends on (dm_put_device of
	 * dm_mod, for a patch of dm_mirror), applied when dm_mirror loads.
	 */
	const char *symobj;
};

struct klp_stats {
	size_t symbols;		/* symbols turned into livepatch symbols */
	size_t relocs;		/* relocations moved to .klp.rela sections */
	size_t sections;	/* .klp.rela sections written */
};

/*
 * Rewrite the module at ko_path in place. A ref whose symbol the module does
 * not reference is ignored. Returns 0 or a negative errno (-EINVAL: not a
 * relocatable ELF with a symbol table).
 */
int klp_write_relocs(const char *ko_path, const struct klp_ref *refs, size_t nrefs,
		     struct klp_stats *stats);

#endif
