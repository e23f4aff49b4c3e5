// SPDX-License-Identifier: GPL-2.0
/* Writing .klp.rela sections and SHN_LIVEPATCH symbols; see klprela.h. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "klp/klprela.h"

/* A string table we append to; the old bytes stay where they are. */
struct strtab_grow {
	Elf_Data *data;
	char *buf;
	size_t len;
};

static long strtab_add(struct strtab_grow *st, const char *s)
{
	size_t n = strlen(s) + 1;
	char *nb;
	long off;

	if (!st->buf) {
		st->buf = malloc(st->data->d_size);
		if (!st->buf)
			return -ENOMEM;
		memcpy(st->buf, st->data->d_buf, st->data->d_size);
		st->len = st->data->d_size;
	}
	nb = realloc(st->buf, st->len + n);
	if (!nb)
		return -ENOMEM;
	st->buf = nb;
	off = (long)st->len;
	memcpy(st->buf + st->len, s, n);
	st->len += n;
	return off;
}

static void strtab_commit(struct strtab_grow *st)
{
	if (!st->buf)
		return;
	st->data->d_buf = st->buf;
	st->data->d_size = st->len;
	elf_flagdata(st->data, ELF_C_SET, ELF_F_DIRTY);
}

static const struct klp_ref *find_ref(const struct klp_ref *refs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(refs[i].name, name))
			return &refs[i];
	return NULL;
}

/* Buffers handed to libelf must live until elf_update(); freed at the end. */
struct keep {
	void **p;
	size_t n;
};

static int keep_add(struct keep *k, void *p)
{
	void **np = realloc(k->p, (k->n + 1) * sizeof(*np));

	if (!np)
		return -ENOMEM;
	k->p = np;
	k->p[k->n++] = p;
	return 0;
}

/*
 * Split one relocation section: relocations against livepatch symbols of
 * objname go to a new .klp.rela section, the others stay.
 */
static int split_rela(Elf *elf, Elf_Scn *scn, GElf_Shdr *sh, const struct klp_ref **symref,
		      size_t nsyms, const char *objname, struct strtab_grow *shstr,
		      struct keep *keep, struct klp_stats *stats)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n = sh->sh_size / sizeof(Elf64_Rela), nkeep = 0, nmove = 0;
	GElf_Shdr tsh;
	Elf64_Rela *keepv, *movev;
	const char *tname;
	char *secname;
	int ret;

	if (!data)
		return -EINVAL;
	keepv = calloc(n ? n : 1, sizeof(*keepv));
	movev = calloc(n ? n : 1, sizeof(*movev));
	if (!keepv || !movev) {
		free(keepv);
		free(movev);
		return -ENOMEM;
	}
	if (!gelf_getshdr(elf_getscn(elf, sh->sh_info), &tsh)) {
		free(keepv);
		free(movev);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		GElf_Rela r;
		size_t s;

		if (!gelf_getrela(data, (int)i, &r))
			continue;
		s = GELF_R_SYM(r.r_info);
		if (s < nsyms && symref[s] && !strcmp(symref[s]->objname, objname)) {
			/* Debug info is not loaded; its references simply go. */
			if (tsh.sh_flags & SHF_ALLOC)
				movev[nmove++] = (Elf64_Rela){ r.r_offset, r.r_info, r.r_addend };
		} else {
			keepv[nkeep++] = (Elf64_Rela){ r.r_offset, r.r_info, r.r_addend };
		}
	}
	if (nkeep == n) {
		free(keepv);
		free(movev);
		return 0;
	}
	ret = keep_add(keep, keepv);
	if (ret) {
		free(keepv);
		free(movev);
		return ret;
	}
	data->d_buf = keepv;
	data->d_size = nkeep * sizeof(*keepv);
	elf_flagdata(data, ELF_C_SET, ELF_F_DIRTY);
	if (!nmove) {
		free(movev);
		return 0;
	}
	ret = keep_add(keep, movev);
	if (ret) {
		free(movev);
		return ret;
	}

	{
		size_t shstrndx;

		if (elf_getshdrstrndx(elf, &shstrndx))
			return -EINVAL;
		tname = elf_strptr(elf, shstrndx, tsh.sh_name);
	}
	if (!tname || asprintf(&secname, ".klp.rela.%s.%s", objname,
			       tname[0] == '.' ? tname + 1 : tname) < 0)
		return -ENOMEM;
	{
		long off = strtab_add(shstr, secname);
		Elf_Scn *ns;
		Elf_Data *nd;
		GElf_Shdr nsh;

		free(secname);
		if (off < 0)
			return (int)off;
		ns = elf_newscn(elf);
		if (!ns)
			return -ENOMEM;
		nd = elf_newdata(ns);
		if (!nd)
			return -ENOMEM;
		nd->d_buf = movev;
		nd->d_size = nmove * sizeof(*movev);
		nd->d_type = ELF_T_RELA;
		nd->d_align = 8;
		nd->d_version = EV_CURRENT;
		if (!gelf_getshdr(ns, &nsh))
			return -EINVAL;
		nsh.sh_name = (Elf64_Word)off;
		nsh.sh_type = SHT_RELA;
		nsh.sh_flags = SHF_ALLOC | SHF_INFO_LINK | KLP_SHF_RELA_LIVEPATCH;
		nsh.sh_link = sh->sh_link;
		nsh.sh_info = sh->sh_info;
		nsh.sh_entsize = sizeof(Elf64_Rela);
		nsh.sh_addralign = 8;
		if (!gelf_update_shdr(ns, &nsh))
			return -EINVAL;
	}
	stats->relocs += nmove;
	stats->sections++;
	return 0;
}

int klp_write_relocs(const char *ko_path, const struct klp_ref *refs, size_t nrefs,
		     struct klp_stats *stats)
{
	struct strtab_grow str = { 0 }, shstr = { 0 };
	const struct klp_ref **symref = NULL;
	struct keep keep = { 0 };
	Elf_Scn *scn = NULL, *symscn = NULL;
	GElf_Shdr symsh;
	Elf_Data *symdata;
	size_t nsyms = 0, shstrndx, nscn;
	Elf *elf = NULL;
	int fd, ret = -EINVAL;

	*stats = (struct klp_stats){ 0 };
	elf_version(EV_CURRENT);
	fd = open(ko_path, O_RDWR);
	if (fd < 0)
		return -errno;
	elf = elf_begin(fd, ELF_C_RDWR, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF)
		goto out;
	if (elf_getshdrstrndx(elf, &shstrndx) || elf_getshdrnum(elf, &nscn))
		goto out;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB) {
			symscn = scn;
			symsh = sh;
			break;
		}
	}
	if (!symscn || !(symdata = elf_getdata(symscn, NULL)))
		goto out;
	str.data = elf_getdata(elf_getscn(elf, symsh.sh_link), NULL);
	shstr.data = elf_getdata(elf_getscn(elf, shstrndx), NULL);
	if (!str.data || !shstr.data)
		goto out;

	/* Rename the symbols first: the names go into .strtab. */
	nsyms = symsh.sh_size / symsh.sh_entsize;
	symref = calloc(nsyms ? nsyms : 1, sizeof(*symref));
	ret = -ENOMEM;
	if (!symref)
		goto out;
	for (size_t i = 1; i < nsyms; i++) {
		const struct klp_ref *r;
		GElf_Sym sym;
		const char *name;
		char *klpname;
		long off;

		if (!gelf_getsym(symdata, (int)i, &sym) || sym.st_shndx != SHN_UNDEF)
			continue;
		name = elf_strptr(elf, symsh.sh_link, sym.st_name);
		if (!name || !(r = find_ref(refs, nrefs, name)))
			continue;
		if (asprintf(&klpname, ".klp.sym.%s.%s,%lu", r->objname, r->name, r->sympos) < 0)
			goto out;
		off = strtab_add(&str, klpname);
		free(klpname);
		if (off < 0)
			goto out;
		sym.st_name = (Elf64_Word)off;
		sym.st_shndx = KLP_SHN_LIVEPATCH;
		sym.st_info = GELF_ST_INFO(STB_GLOBAL, GELF_ST_TYPE(sym.st_info));
		if (!gelf_update_sym(symdata, (int)i, &sym)) {
			ret = -EINVAL;
			goto out;
		}
		symref[i] = r;
		stats->symbols++;
	}
	elf_flagdata(symdata, ELF_C_SET, ELF_F_DIRTY);

	/* Then move the relocations, one pass per object name. */
	for (size_t k = 0; k < nrefs; k++) {
		bool first = true;

		for (size_t j = 0; j < k; j++)
			if (!strcmp(refs[j].objname, refs[k].objname))
				first = false;
		if (!first)
			continue;
		for (size_t i = 1; i < nscn; i++) {
			GElf_Shdr sh;

			scn = elf_getscn(elf, i);
			if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA ||
			    (sh.sh_flags & KLP_SHF_RELA_LIVEPATCH))
				continue;
			ret = split_rela(elf, scn, &sh, symref, nsyms, refs[k].objname,
					 &shstr, &keep, stats);
			if (ret)
				goto out;
		}
	}
	strtab_commit(&str);
	strtab_commit(&shstr);
	ret = elf_update(elf, ELF_C_WRITE) < 0 ? -EIO : 0;
out:
	if (elf)
		elf_end(elf);
	close(fd);
	for (size_t i = 0; i < keep.n; i++)
		free(keep.p[i]);
	free(keep.p);
	free(str.buf);
	free(shstr.buf);
	free(symref);
	return ret;
}
