// SPDX-License-Identifier: GPL-2.0
/*
 * Writing a built object. The caller adds only content sections, symbols and
 * relocations; the writer lays out what ELF requires around them: local
 * symbols before global ones, one .rela<name> section per section with
 * relocations, and the symbol and string tables. libelf computes file
 * offsets.
 */
#include <errno.h>
#include <fcntl.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf/kelf.h"

struct strtab {
	char *buf;
	size_t len, cap;
};

/* Appends S and returns its offset, or (size_t)-1 when out of memory. */
static size_t strtab_add(struct strtab *t, const char *s)
{
	size_t n = strlen(s) + 1, off = t->len;

	if (t->len + n > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		char *p;

		while (cap < t->len + n)
			cap *= 2;
		p = realloc(t->buf, cap);
		if (!p)
			return (size_t)-1;
		t->buf = p;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	return off;
}

static int cmp_local_first(const void *a, const void *b)
{
	const struct kelf_sym *x = *(struct kelf_sym *const *)a;
	const struct kelf_sym *y = *(struct kelf_sym *const *)b;
	int lx = x->bind == STB_LOCAL, ly = y->bind == STB_LOCAL;

	if (lx != ly)
		return ly - lx;
	/* keep insertion order otherwise: index holds it */
	return (x->index > y->index) - (x->index < y->index);
}

static Elf_Scn *new_section(Elf *e, size_t name, const GElf_Shdr *tmpl,
			    void *buf, size_t size, size_t align)
{
	Elf_Scn *scn = elf_newscn(e);
	GElf_Shdr sh;
	Elf_Data *d;

	if (!scn || !gelf_getshdr(scn, &sh))
		return NULL;
	d = elf_newdata(scn);
	if (!d)
		return NULL;
	d->d_buf = buf;
	d->d_size = size;
	d->d_align = align ? align : 1;
	d->d_type = ELF_T_BYTE;
	d->d_version = EV_CURRENT;
	sh.sh_name = name;
	sh.sh_type = tmpl->sh_type;
	sh.sh_flags = tmpl->sh_flags;
	sh.sh_entsize = tmpl->sh_entsize;
	sh.sh_addralign = align ? align : 1;
	sh.sh_link = tmpl->sh_link;
	sh.sh_info = tmpl->sh_info;
	sh.sh_size = size;
	if (!gelf_update_shdr(scn, &sh))
		return NULL;
	return scn;
}

struct wstate {
	struct kelf *k;
	Elf *e;
	struct strtab shstr, str;
	Elf64_Sym *symtab;
	Elf64_Rela **relabufs;
	size_t nlocal;
};

static int write_all(struct wstate *w, struct kelf_err *err)
{
	struct kelf *k = w->k;
	size_t i, nrela_secs = 0, symtab_idx, strtab_idx, shstr_idx;
	GElf_Ehdr eh;

	strtab_add(&w->shstr, "");
	strtab_add(&w->str, "");

	/* symbol order: locals first, as ELF requires */
	for (i = 0; i < k->nsyms; i++)
		k->syms[i]->index = i;
	if (k->nsyms)
		qsort(k->syms, k->nsyms, sizeof(*k->syms), cmp_local_first);
	for (i = 0; i < k->nsyms; i++) {
		k->syms[i]->index = i + 1;
		if (k->syms[i]->bind == STB_LOCAL)
			w->nlocal = i + 1;
	}

	for (i = 0; i < k->nsecs; i++) {
		k->secs[i]->index = i + 1;
		if (k->secs[i]->nrelas)
			nrela_secs++;
	}
	symtab_idx = k->nsecs + nrela_secs + 1;
	strtab_idx = symtab_idx + 1;
	shstr_idx = strtab_idx + 1;

	if (!gelf_newehdr(w->e, ELFCLASS64) || !gelf_getehdr(w->e, &eh))
		goto elf_fail;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_type = ET_REL;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_shstrndx = shstr_idx;
	if (!gelf_update_ehdr(w->e, &eh))
		goto elf_fail;

	for (i = 0; i < k->nsecs; i++) {
		struct kelf_sec *s = k->secs[i];
		size_t n = strtab_add(&w->shstr, s->name);

		if (n == (size_t)-1)
			goto nomem;
		if (!new_section(w->e, n, &s->sh, s->data,
				 s->size, s->sh.sh_addralign))
			goto elf_fail;
	}

	w->relabufs = calloc(k->nsecs, sizeof(*w->relabufs));
	if (!w->relabufs)
		goto nomem;
	for (i = 0; i < k->nsecs; i++) {
		struct kelf_sec *s = k->secs[i];
		GElf_Shdr sh = { .sh_type = SHT_RELA, .sh_flags = SHF_INFO_LINK,
				 .sh_entsize = sizeof(Elf64_Rela),
				 .sh_link = symtab_idx, .sh_info = s->index };
		char name[512];
		size_t j, n;

		if (!s->nrelas)
			continue;
		w->relabufs[i] = calloc(s->nrelas, sizeof(Elf64_Rela));
		if (!w->relabufs[i])
			goto nomem;
		for (j = 0; j < s->nrelas; j++) {
			w->relabufs[i][j].r_offset = s->relas[j].offset;
			w->relabufs[i][j].r_info = ELF64_R_INFO(s->relas[j].sym->index,
								s->relas[j].type);
			w->relabufs[i][j].r_addend = s->relas[j].addend;
		}
		snprintf(name, sizeof(name), ".rela%s", s->name);
		n = strtab_add(&w->shstr, name);
		if (n == (size_t)-1)
			goto nomem;
		if (!new_section(w->e, n, &sh, w->relabufs[i],
				 s->nrelas * sizeof(Elf64_Rela), 8))
			goto elf_fail;
	}

	w->symtab = calloc(k->nsyms + 1, sizeof(Elf64_Sym));
	if (!w->symtab)
		goto nomem;
	for (i = 0; i < k->nsyms; i++) {
		struct kelf_sym *y = k->syms[i];
		Elf64_Sym *st = &w->symtab[i + 1];
		size_t n = y->type == STT_SECTION ? 0 : strtab_add(&w->str, y->name);

		if (n == (size_t)-1)
			goto nomem;
		st->st_name = n;
		st->st_info = ELF64_ST_INFO(y->bind, y->type);
		st->st_other = y->other;
		st->st_shndx = y->sec ? y->sec->index :
			       (y->shndx == SHN_ABS ? SHN_ABS : SHN_UNDEF);
		st->st_value = y->value;
		st->st_size = y->size;
	}
	{
		GElf_Shdr sh = { .sh_type = SHT_SYMTAB, .sh_entsize = sizeof(Elf64_Sym),
				 .sh_link = strtab_idx, .sh_info = w->nlocal + 1 };
		size_t n = strtab_add(&w->shstr, ".symtab");

		if (n == (size_t)-1)
			goto nomem;
		if (!new_section(w->e, n, &sh, w->symtab,
				 (k->nsyms + 1) * sizeof(Elf64_Sym), 8))
			goto elf_fail;
	}
	{
		GElf_Shdr sh = { .sh_type = SHT_STRTAB };
		size_t n1 = strtab_add(&w->shstr, ".strtab");
		size_t n2 = strtab_add(&w->shstr, ".shstrtab");

		if (n1 == (size_t)-1 || n2 == (size_t)-1)
			goto nomem;
		if (!new_section(w->e, n1, &sh, w->str.buf, w->str.len, 1) ||
		    !new_section(w->e, n2, &sh, w->shstr.buf, w->shstr.len, 1))
			goto elf_fail;
	}
	if (elf_update(w->e, ELF_C_WRITE) < 0)
		goto elf_fail;
	return 0;

nomem:
	snprintf(err->msg, sizeof(err->msg), "out of memory");
	return -ENOMEM;
elf_fail:
	snprintf(err->msg, sizeof(err->msg), "libelf: %s", elf_errmsg(-1));
	return -EIO;
}

int kelf_write(struct kelf *k, const char *path, struct kelf_err *err)
{
	struct wstate w = { .k = k };
	struct stat st;
	char *tmp;
	size_t i;
	int fd, rc;

	/*
	 * Write a temporary file beside the target and rename it on success:
	 * a failed write never leaves a half-written object behind, and never
	 * removes whatever was at PATH before (this runs as root).
	 */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err->msg, sizeof(err->msg), "%s: exists and is not a regular file", path);
		return -EEXIST;
	}
	if (asprintf(&tmp, "%s.tmpXXXXXX", path) < 0) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -ENOMEM;
	}
	elf_version(EV_CURRENT);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err->msg, sizeof(err->msg), "%s: %s", tmp, strerror(errno));
		free(tmp);
		return rc;
	}
	fchmod(fd, 0644);
	w.e = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!w.e) {
		snprintf(err->msg, sizeof(err->msg), "%s: libelf: %s", path, elf_errmsg(-1));
		close(fd);
		unlink(tmp);
		free(tmp);
		return -EIO;
	}
	rc = write_all(&w, err);
	elf_end(w.e);
	if (close(fd) && !rc) {
		rc = -errno;
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path, strerror(errno));
	}
	if (w.relabufs)
		for (i = 0; i < k->nsecs; i++)
			free(w.relabufs[i]);
	free(w.relabufs);
	free(w.symtab);
	free(w.str.buf);
	free(w.shstr.buf);
	if (!rc && rename(tmp, path)) {
		rc = -errno;
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path, strerror(errno));
	}
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}
