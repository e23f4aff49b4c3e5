// SPDX-License-Identifier: GPL-2.0
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <string.h>

#include "kpatchlib/modelf.h"

/* The sections' [off, off+len) inside a file of size bytes, without overflow. */
static int inside(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static int bad(struct kp_err *err, const char *path, const char *what)
{
	return kp_err_set(err, KP_E_INVALID, 0, "%s: not a valid kernel module (%s)", path, what);
}

static int check_header(Elf *elf, uint64_t size, const char *path, GElf_Ehdr *eh, struct kp_err *err)
{
	const char *id;
	size_t n;

	if (elf_kind(elf) != ELF_K_ELF || !(id = elf_getident(elf, NULL)))
		return kp_err_set(err, KP_E_INVALID, 0, "%s: not a kernel module (not an ELF file)", path);
	if (id[EI_CLASS] != ELFCLASS64 || id[EI_DATA] != ELFDATA2LSB || !gelf_getehdr(elf, eh))
		return bad(err, path, "not a 64-bit little-endian ELF file");
	if (eh->e_type != ET_REL)
		return kp_err_set(err, KP_E_INVALID, 0, "%s: not a kernel module (not an ELF relocatable object)", path);
	if (eh->e_machine != EM_X86_64)
		return kp_err_set(err, KP_E_INVALID, 0, "%s: only x86_64 modules are supported", path);
	if (eh->e_ehsize != sizeof(Elf64_Ehdr) || eh->e_shentsize != sizeof(Elf64_Shdr))
		return bad(err, path, "unexpected ELF header or section header size");
	if (!eh->e_shoff || !inside(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr), size))
		return bad(err, path, "section header table outside the file");
	/* Modules never need extended numbering; libkmod does not read it. */
	if (!eh->e_shnum || eh->e_shnum >= SHN_LORESERVE || elf_getshdrnum(elf, &n) || n != eh->e_shnum)
		return bad(err, path, "bad section count");
	if (!eh->e_shstrndx || eh->e_shstrndx >= eh->e_shnum)
		return bad(err, path, "section name table index out of range");
	return 0;
}

/* The section name table: a string table inside the file, NUL-terminated. */
static int check_shstrtab(Elf *elf, const GElf_Ehdr *eh, uint64_t size, const char *path, struct kp_err *err)
{
	Elf_Scn *scn = elf_getscn(elf, eh->e_shstrndx);
	Elf_Data *d;
	GElf_Shdr sh;

	if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_type != SHT_STRTAB || !sh.sh_size ||
	    !inside(sh.sh_offset, sh.sh_size, size))
		return bad(err, path, "bad section name table");
	d = elf_getdata(scn, NULL);
	if (!d || !d->d_buf || d->d_size != sh.sh_size || ((const char *)d->d_buf)[d->d_size - 1])
		return bad(err, path, "section name table not NUL-terminated");
	return 0;
}

static int link_type(Elf *elf, size_t index, Elf64_Word type)
{
	GElf_Shdr sh;
	Elf_Scn *scn = elf_getscn(elf, index);

	return scn && gelf_getshdr(scn, &sh) && sh.sh_type == type;
}

/* Tables whose entries libkmod and the klp reader index: sizes and links. */
static const char *check_table(Elf *elf, const GElf_Shdr *sh)
{
	switch (sh->sh_type) {
	case SHT_SYMTAB:
		if (sh->sh_entsize != sizeof(Elf64_Sym) || sh->sh_size % sizeof(Elf64_Sym))
			return "bad symbol table entry size";
		if (!link_type(elf, sh->sh_link, SHT_STRTAB))
			return "symbol table without a string table";
		break;
	case SHT_RELA:
		if (sh->sh_entsize != sizeof(Elf64_Rela) || sh->sh_size % sizeof(Elf64_Rela))
			return "bad relocation entry size";
		if (!link_type(elf, sh->sh_link, SHT_SYMTAB))
			return "relocations without a symbol table";
		break;
	case SHT_REL:
		return "REL relocations in an x86_64 module";
	case SHT_STRTAB:
		break;
	}
	return NULL;
}

/* A string table's last byte: every string in it then ends inside it. */
static int strtab_terminated(Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data *d;

	if (!sh->sh_size)
		return 1;
	d = elf_getdata(scn, NULL);
	return d && d->d_buf && d->d_size == sh->sh_size && !((const char *)d->d_buf)[d->d_size - 1];
}

static int check_sections(Elf *elf, const GElf_Ehdr *eh, uint64_t size, const char *path, struct kp_err *err)
{
	GElf_Shdr names;
	Elf_Scn *scn = NULL;
	int modinfo = 0;

	gelf_getshdr(elf_getscn(elf, eh->e_shstrndx), &names);
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name, *why;
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			return bad(err, path, "unreadable section header");
		if (sh.sh_name >= names.sh_size || !(name = elf_strptr(elf, eh->e_shstrndx, sh.sh_name)))
			return bad(err, path, "section name out of range");
		if (sh.sh_type != SHT_NOBITS && !inside(sh.sh_offset, sh.sh_size, size))
			return kp_err_set(err, KP_E_INVALID, 0, "%s: not a valid kernel module (section %zu outside the file)",
					  path, elf_ndxscn(scn));
		if (sh.sh_link >= eh->e_shnum || ((sh.sh_flags & SHF_INFO_LINK || sh.sh_type == SHT_RELA) &&
						  (!sh.sh_info || sh.sh_info >= eh->e_shnum)))
			return kp_err_set(err, KP_E_INVALID, 0, "%s: not a valid kernel module (section %zu links out of range)",
					  path, elf_ndxscn(scn));
		if ((why = check_table(elf, &sh)))
			return bad(err, path, why);
		if (sh.sh_type == SHT_STRTAB && !strtab_terminated(scn, &sh))
			return bad(err, path, "string table not NUL-terminated");
		if (strcmp(name, ".modinfo"))
			continue;
		if (modinfo++)
			return bad(err, path, "two .modinfo sections");
		d = sh.sh_type == SHT_PROGBITS && sh.sh_size ? elf_getdata(scn, NULL) : NULL;
		if (!d || !d->d_buf || d->d_size != sh.sh_size || ((const char *)d->d_buf)[d->d_size - 1])
			return bad(err, path, ".modinfo section empty or not NUL-terminated");
	}
	if (!modinfo)
		return kp_err_set(err, KP_E_INVALID, 0, "%s: not a kernel module (no .modinfo section)", path);
	return 0;
}

int kp_modelf_check(int fd, off_t size, const char *path, struct kp_err *err)
{
	GElf_Ehdr eh;
	Elf *elf;
	int ret;

	elf_version(EV_CURRENT);
	/* A copy in memory: nothing the file does later can fault us. */
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf)
		return kp_err_set(err, KP_E_INVALID, 0, "%s: not a kernel module (not an ELF file)", path);
	ret = check_header(elf, (uint64_t)size, path, &eh, err);
	if (!ret)
		ret = check_shstrtab(elf, &eh, (uint64_t)size, path, err);
	if (!ret)
		ret = check_sections(elf, &eh, (uint64_t)size, path, err);
	elf_end(elf);
	return ret;
}
