// SPDX-License-Identifier: GPL-2.0
/*
 * Loading an x86_64 relocatable object into the kelf model. Section bytes
 * are not copied: they stay in libelf's buffers, which live as long as the
 * object. Relocation sections are folded into the sections they apply to
 * and sorted by offset, which is what every consumer wants.
 */
#include <errno.h>
#include <fcntl.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf/kelf.h"

static int fail(struct kelf_err *err, int rc, const char *path,
		const char *what)
{
	if (err)
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path, what);
	return rc;
}

static int load_sections(struct kelf *k, const char *path, struct kelf_err *err)
{
	size_t shnum, shstrndx, i;
	Elf_Scn *scn;

	if (elf_getshdrnum(k->elf, &shnum) || elf_getshdrstrndx(k->elf, &shstrndx))
		return fail(err, -EINVAL, path, "cannot read section headers");
	for (i = 1; i < shnum; i++) {
		struct kelf_sec *s;
		GElf_Shdr sh;
		Elf_Data *d;
		const char *name;

		scn = elf_getscn(k->elf, i);
		if (!scn || !gelf_getshdr(scn, &sh))
			return fail(err, -EINVAL, path, "bad section header");
		name = elf_strptr(k->elf, shstrndx, sh.sh_name);
		if (!name)
			return fail(err, -EINVAL, path, "bad section name");
		/* NULL data keeps kelf_add_section from allocating a copy */
		s = kelf_add_section(k, name, &(GElf_Shdr){ .sh_type = SHT_NOBITS }, NULL, 0);
		if (!s)
			return fail(err, -ENOMEM, path, "out of memory");
		s->sh = sh;
		s->index = i;
		s->size = sh.sh_size;
		if (sh.sh_type != SHT_NOBITS && sh.sh_size) {
			d = elf_getdata(scn, NULL);
			if (!d || d->d_size != sh.sh_size)
				return fail(err, -EINVAL, path, "cannot read section data");
			s->data = d->d_buf;
		}
	}
	return 0;
}

static int load_symbols(struct kelf *k, const char *path, struct kelf_err *err)
{
	struct kelf_sec *symtab = NULL;
	Elf_Data *d;
	size_t i, n;

	for (i = 0; i < k->nsecs; i++)
		if (k->secs[i]->sh.sh_type == SHT_SYMTAB)
			symtab = k->secs[i];
	if (!symtab)
		return fail(err, -EINVAL, path, "no symbol table");
	d = elf_getdata(elf_getscn(k->elf, symtab->index), NULL);
	if (!d)
		return fail(err, -EINVAL, path, "cannot read symbol table");
	n = symtab->size / sizeof(Elf64_Sym);
	for (i = 1; i < n; i++) {
		struct kelf_sec *sec = NULL;
		struct kelf_sym *y;
		const char *name;
		GElf_Sym st;

		if (!gelf_getsym(d, i, &st))
			return fail(err, -EINVAL, path, "bad symbol");
		if (st.st_shndx != SHN_UNDEF && st.st_shndx < SHN_LORESERVE) {
			if (st.st_shndx > k->nsecs)
				return fail(err, -EINVAL, path, "symbol in a missing section");
			sec = k->secs[st.st_shndx - 1];
		}
		name = elf_strptr(k->elf, symtab->sh.sh_link, st.st_name);
		if (!name)
			return fail(err, -EINVAL, path, "bad symbol name");
		if (GELF_ST_TYPE(st.st_info) == STT_SECTION && sec)
			name = sec->name;
		y = kelf_add_symbol(k, name, GELF_ST_BIND(st.st_info),
				    GELF_ST_TYPE(st.st_info), sec, st.st_value,
				    st.st_size);
		if (!y)
			return fail(err, -ENOMEM, path, "out of memory");
		y->index = i;
		y->shndx = st.st_shndx;
		y->other = st.st_other;
		if (sec && st.st_value == 0 && !sec->primary &&
		    (y->type == STT_FUNC || y->type == STT_OBJECT))
			sec->primary = y;
	}
	return 0;
}

static int cmp_rela(const void *a, const void *b)
{
	const struct kelf_rela *x = a, *y = b;

	return (x->offset > y->offset) - (x->offset < y->offset);
}

static int load_relas(struct kelf *k, const char *path, struct kelf_err *err)
{
	size_t i, j;

	for (i = 0; i < k->nsecs; i++) {
		struct kelf_sec *rs = k->secs[i], *base;
		Elf_Data *d;
		size_t n;

		if (rs->sh.sh_type == SHT_REL)
			return fail(err, -EINVAL, path, "SHT_REL sections are not x86_64");
		if (rs->sh.sh_type != SHT_RELA)
			continue;
		if (rs->sh.sh_info == 0 || rs->sh.sh_info > k->nsecs)
			return fail(err, -EINVAL, path, "relocation section without target");
		base = k->secs[rs->sh.sh_info - 1];
		d = elf_getdata(elf_getscn(k->elf, rs->index), NULL);
		n = rs->size / sizeof(Elf64_Rela);
		for (j = 0; j < n; j++) {
			GElf_Rela r;
			size_t symi;

			if (!gelf_getrela(d, j, &r))
				return fail(err, -EINVAL, path, "bad relocation");
			symi = GELF_R_SYM(r.r_info);
			if (symi == 0 || symi > k->nsyms)
				return fail(err, -EINVAL, path, "relocation against a missing symbol");
			if (kelf_add_rela(base, r.r_offset, GELF_R_TYPE(r.r_info),
					  k->syms[symi - 1], r.r_addend))
				return fail(err, -ENOMEM, path, "out of memory");
		}
		if (base->nrelas)
			qsort(base->relas, base->nrelas, sizeof(*base->relas), cmp_rela);
	}
	return 0;
}

int kelf_open(const char *path, struct kelf **out, struct kelf_err *err)
{
	struct kelf *k;
	int rc;

	*out = NULL;
	elf_version(EV_CURRENT);
	k = kelf_new();
	if (!k)
		return fail(err, -ENOMEM, path, "out of memory");
	k->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (k->fd < 0) {
		rc = -errno;
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path, strerror(errno));
		kelf_free(k);
		return rc;
	}
	k->elf = elf_begin(k->fd, ELF_C_READ_MMAP, NULL);
	if (!k->elf || elf_kind(k->elf) != ELF_K_ELF || !gelf_getehdr(k->elf, &k->ehdr)) {
		kelf_free(k);
		return fail(err, -EINVAL, path, "not an ELF file");
	}
	if (k->ehdr.e_ident[EI_CLASS] != ELFCLASS64 || k->ehdr.e_machine != EM_X86_64 ||
	    k->ehdr.e_type != ET_REL) {
		kelf_free(k);
		return fail(err, -EINVAL, path, "not an x86_64 relocatable object");
	}
	rc = load_sections(k, path, err);
	if (!rc)
		rc = load_symbols(k, path, err);
	if (!rc)
		rc = load_relas(k, path, err);
	if (rc) {
		kelf_free(k);
		return rc;
	}
	*out = k;
	return 0;
}
