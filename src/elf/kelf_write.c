// SPDX-License-Identifier: GPL-2.0
/*
 * Writing an object. A built one holds only content sections, symbols and
 * relocations; the writer lays out what ELF requires around them: local
 * symbols before global ones, one .rela<name> section per section with
 * relocations, and the symbol and string tables. A loaded one holds those
 * tables already: they are regenerated where they are, from the model, and
 * only what it lacks is added after its sections. libelf computes file
 * offsets.
 */
#include <errno.h>
#include <fcntl.h>
#include <libelf.h>
#include <stdarg.h>
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

/* One section of the output, in order; NAME is not owned unless it is OWNED. */
struct wsec {
	const char *name;
	char *owned;
	GElf_Shdr sh;		/* type, flags, entsize, link, info */
	void *buf;
	size_t size, align;
	size_t name_off;
};

struct wstate {
	struct kelf *k;
	struct kelf_err *err;
	Elf *e;
	struct strtab shstr, str;
	struct strtab *symstr;	/* &str, or &shstr when one table holds both */
	Elf64_Sym *symtab;
	size_t nlocal;
	struct wsec *out;
	size_t nout;
	/* the tables: in the model (loaded) or added by the writer */
	struct kelf_sec *m_symtab, *m_strtab, *m_shstrtab;
	size_t symtab_idx, strtab_idx, shstr_idx;
};

static int fail(struct wstate *w, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct wstate *w, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->err->msg, sizeof(w->err->msg), fmt, ap);
	va_end(ap);
	return rc;
}

/* Symbol order: locals first, as ELF requires; a loaded symbol keeps its index. */
static int order_symbols(struct wstate *w)
{
	struct kelf *k = w->k;
	size_t *was = calloc(k->nsyms + 1, sizeof(*was));
	size_t i;

	if (!was)
		return fail(w, -ENOMEM, "out of memory");
	for (i = 0; i < k->nsyms; i++) {
		was[i] = k->syms[i]->index;
		k->syms[i]->index = i;
	}
	if (k->nsyms)
		qsort(k->syms, k->nsyms, sizeof(*k->syms), cmp_local_first);
	for (i = 0; i < k->nsyms; i++) {
		struct kelf_sym *y = k->syms[i];
		size_t old = was[y->index];

		y->index = i + 1;
		if (y->bind == STB_LOCAL)
			w->nlocal = i + 1;
		if (k->elf && old && old != y->index) {
			free(was);
			return fail(w, -EINVAL, "symbol '%s' would move from index %zu to %zu",
				    y->name, old, y->index);
		}
	}
	free(was);
	return 0;
}

/* The symbol and string tables a loaded object holds, and its section indices. */
static int find_tables(struct wstate *w)
{
	struct kelf *k = w->k;
	size_t i;

	for (i = 0; i < k->nsecs; i++) {
		struct kelf_sec *s = k->secs[i];

		if (k->elf && s->index && s->index != i + 1)
			return fail(w, -EINVAL, "section '%s' would move from index %zu to %zu",
				    s->name, s->index, i + 1);
		s->index = i + 1;
		if (s->sh.sh_type == SHT_SYMTAB_SHNDX)
			return fail(w, -ENOTSUP, "section '%s': extended section indices are not written",
				    s->name);
		if (s->sh.sh_type != SHT_SYMTAB)
			continue;
		if (w->m_symtab)
			return fail(w, -EINVAL, "section '%s': a second symbol table", s->name);
		w->m_symtab = s;
	}
	if (w->m_symtab) {
		size_t l = w->m_symtab->sh.sh_link;

		if (!l || l > k->nsecs || k->secs[l - 1]->sh.sh_type != SHT_STRTAB)
			return fail(w, -EINVAL, "symbol table: sh_link %zu is not a string table", l);
		w->m_strtab = k->secs[l - 1];
	}
	if (k->elf && k->ehdr.e_shstrndx && k->ehdr.e_shstrndx <= k->nsecs &&
	    k->secs[k->ehdr.e_shstrndx - 1]->sh.sh_type == SHT_STRTAB)
		w->m_shstrtab = k->secs[k->ehdr.e_shstrndx - 1];
	w->symstr = w->m_strtab && w->m_strtab == w->m_shstrtab ? &w->shstr : &w->str;
	return 0;
}

static int build_symtab(struct wstate *w)
{
	struct kelf *k = w->k;

	w->symtab = calloc(k->nsyms + 1, sizeof(Elf64_Sym));
	if (!w->symtab)
		return fail(w, -ENOMEM, "out of memory");
	for (size_t i = 0; i < k->nsyms; i++) {
		struct kelf_sym *y = k->syms[i];
		Elf64_Sym *st = &w->symtab[i + 1];
		size_t n = y->type == STT_SECTION ? 0 : strtab_add(w->symstr, y->name);

		if (n == (size_t)-1)
			return fail(w, -ENOMEM, "out of memory");
		if (!y->sec && ((y->shndx && y->shndx < SHN_LORESERVE) || y->shndx == SHN_XINDEX))
			return fail(w, -EINVAL, "symbol '%s': section index %#x without its section",
				    y->name, y->shndx);
		st->st_name = n;
		st->st_info = ELF64_ST_INFO(y->bind, y->type);
		st->st_other = y->other;
		st->st_shndx = y->sec ? y->sec->index : y->shndx;
		st->st_value = y->value;
		st->st_size = y->size;
	}
	return 0;
}

/* The relocations of TARGET held by RSEC (NULL: by no SHT_RELA section of the model). */
static int rela_bytes(struct wstate *w, const struct kelf_sec *target, const struct kelf_sec *rsec,
		      struct wsec *o)
{
	Elf64_Rela *buf;
	size_t n = 0, j;

	for (j = 0; j < target->nrelas; j++)
		n += target->relas[j].rsec == rsec;
	o->size = n * sizeof(Elf64_Rela);
	if (!n)
		return 0;
	buf = calloc(n, sizeof(*buf));
	if (!buf)
		return fail(w, -ENOMEM, "out of memory");
	o->buf = buf;
	for (j = 0; j < target->nrelas; j++) {
		const struct kelf_rela *r = &target->relas[j];

		if (r->rsec != rsec)
			continue;
		buf->r_offset = r->offset;
		buf->r_info = ELF64_R_INFO(r->sym->index, r->type);
		buf->r_addend = r->addend;
		buf++;
	}
	return 0;
}

static void add_out(struct wstate *w, const char *name, const GElf_Shdr *sh, void *buf,
		   size_t size, size_t align)
{
	struct wsec *o = &w->out[w->nout++];

	o->name = name;
	o->sh = *sh;
	o->buf = buf;
	o->size = size;
	o->align = align;
}

/* The model's sections in order, each table regenerated in place. */
static int lay_out_model(struct wstate *w)
{
	struct kelf *k = w->k;

	for (size_t i = 0; i < k->nsecs; i++) {
		struct kelf_sec *s = k->secs[i];
		GElf_Shdr sh = s->sh;
		struct wsec *o = &w->out[w->nout];

		add_out(w, s->name, &sh, s->data, s->size, s->sh.sh_addralign);
		if (s == w->m_symtab) {
			o->sh.sh_entsize = sizeof(Elf64_Sym);
			o->sh.sh_link = w->strtab_idx;
			o->sh.sh_info = w->nlocal + 1;
			o->buf = w->symtab;
			o->size = (k->nsyms + 1) * sizeof(Elf64_Sym);
		} else if (s->sh.sh_type == SHT_RELA) {
			if (!s->target)
				return fail(w, -EINVAL, "section '%s': relocations of no section",
					    s->name);
			o->sh.sh_entsize = sizeof(Elf64_Rela);
			o->sh.sh_link = w->symtab_idx;
			o->sh.sh_info = s->target->index;
			o->buf = NULL;
			int rc = rela_bytes(w, s->target, s, o);

			if (rc)
				return rc;
		}
		/* the string tables' bytes are known once every name is in */
	}
	return 0;
}

/* What a built object lacks: .rela<name> sections, then the tables. */
static int lay_out_added(struct wstate *w)
{
	static const GElf_Shdr strtab = { .sh_type = SHT_STRTAB };
	struct kelf *k = w->k;
	int rc;

	for (size_t i = 0; i < k->nsecs; i++) {
		struct kelf_sec *s = k->secs[i];
		GElf_Shdr sh = { .sh_type = SHT_RELA, .sh_flags = SHF_INFO_LINK,
				 .sh_entsize = sizeof(Elf64_Rela),
				 .sh_link = w->symtab_idx, .sh_info = s->index };
		struct wsec *o = &w->out[w->nout];
		size_t j;

		for (j = 0; j < s->nrelas && s->relas[j].rsec; j++)
			;
		if (j == s->nrelas)
			continue;
		if (asprintf(&o->owned, ".rela%s", s->name) < 0) {
			o->owned = NULL;
			return fail(w, -ENOMEM, "out of memory");
		}
		add_out(w, o->owned, &sh, NULL, 0, 8);
		rc = rela_bytes(w, s, NULL, o);
		if (rc)
			return rc;
	}
	if (!w->m_symtab) {
		GElf_Shdr sh = { .sh_type = SHT_SYMTAB, .sh_entsize = sizeof(Elf64_Sym),
				 .sh_link = w->strtab_idx, .sh_info = w->nlocal + 1 };

		add_out(w, ".symtab", &sh, w->symtab, (k->nsyms + 1) * sizeof(Elf64_Sym), 8);
	}
	if (!w->m_strtab)
		add_out(w, ".strtab", &strtab, NULL, 0, 1);
	if (!w->m_shstrtab)
		add_out(w, ".shstrtab", &strtab, NULL, 0, 1);
	return 0;
}

/* Output indices of the tables, before any section is laid out. */
static size_t count_added(struct wstate *w)
{
	struct kelf *k = w->k;
	size_t i, j, idx = k->nsecs + 1;

	for (i = 0; i < k->nsecs; i++) {
		const struct kelf_sec *s = k->secs[i];

		for (j = 0; j < s->nrelas && s->relas[j].rsec; j++)
			;
		idx += j < s->nrelas;
	}
	w->symtab_idx = w->m_symtab ? w->m_symtab->index : idx++;
	w->strtab_idx = w->m_strtab ? w->m_strtab->index : idx++;
	w->shstr_idx = w->m_shstrtab ? w->m_shstrtab->index : idx++;
	return idx - 1;
}

static int write_all(struct wstate *w)
{
	struct kelf *k = w->k;
	size_t i, nout;
	GElf_Ehdr eh;
	int rc;

	strtab_add(&w->shstr, "");
	strtab_add(&w->str, "");
	rc = order_symbols(w);
	if (!rc)
		rc = find_tables(w);
	if (rc)
		return rc;
	nout = count_added(w);
	if (nout >= SHN_LORESERVE)
		return fail(w, -EINVAL, "%zu sections: extended section indices are not written", nout);
	w->out = calloc(nout, sizeof(*w->out));
	if (!w->out)
		return fail(w, -ENOMEM, "out of memory");
	rc = build_symtab(w);
	if (!rc)
		rc = lay_out_model(w);
	if (!rc)
		rc = lay_out_added(w);
	if (rc)
		return rc;

	for (i = 0; i < w->nout; i++) {
		w->out[i].name_off = strtab_add(&w->shstr, w->out[i].name);
		if (w->out[i].name_off == (size_t)-1)
			return fail(w, -ENOMEM, "out of memory");
	}
	/* the string tables are complete: hand their bytes over */
	w->out[w->strtab_idx - 1].buf = w->symstr->buf;
	w->out[w->strtab_idx - 1].size = w->symstr->len;
	w->out[w->shstr_idx - 1].buf = w->shstr.buf;
	w->out[w->shstr_idx - 1].size = w->shstr.len;

	if (!gelf_newehdr(w->e, ELFCLASS64) || !gelf_getehdr(w->e, &eh))
		goto elf_fail;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_OSABI] = k->ehdr.e_ident[EI_OSABI];
	eh.e_ident[EI_ABIVERSION] = k->ehdr.e_ident[EI_ABIVERSION];
	eh.e_type = ET_REL;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_flags = k->ehdr.e_flags;
	eh.e_shstrndx = w->shstr_idx;
	if (!gelf_update_ehdr(w->e, &eh))
		goto elf_fail;
	for (i = 0; i < w->nout; i++) {
		struct wsec *o = &w->out[i];

		if (!new_section(w->e, o->name_off, &o->sh, o->buf, o->size, o->align))
			goto elf_fail;
	}
	if (elf_update(w->e, ELF_C_WRITE) < 0)
		goto elf_fail;
	return 0;

elf_fail:
	return fail(w, -EIO, "libelf: %s", elf_errmsg(-1));
}

static void free_wstate(struct wstate *w)
{
	for (size_t i = 0; i < w->nout; i++) {
		struct wsec *o = &w->out[i];

		free(o->owned);
		/* relocation bytes are the writer's; everything else is the model's or below */
		if (o->sh.sh_type == SHT_RELA)
			free(o->buf);
	}
	free(w->out);
	free(w->symtab);
	free(w->str.buf);
	free(w->shstr.buf);
}

int kelf_write(struct kelf *k, const char *path, struct kelf_err *err)
{
	struct wstate w = { .k = k, .err = err };
	struct stat st;
	char *tmp;
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
	rc = write_all(&w);
	elf_end(w.e);
	if (close(fd) && !rc) {
		rc = -errno;
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path, strerror(errno));
	}
	free_wstate(&w);
	if (!rc && rename(tmp, path)) {
		rc = -errno;
		snprintf(err->msg, sizeof(err->msg), "%s: %s", path, strerror(errno));
	}
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}
