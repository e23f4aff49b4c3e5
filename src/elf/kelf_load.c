// SPDX-License-Identifier: GPL-2.0
/*
 * Loading an x86_64 relocatable object into the kelf model. Section bytes
 * are not copied: they stay in libelf's buffers, which live as long as the
 * object. Relocation sections are folded into the sections they apply to
 * and sorted by offset, which is what every consumer wants.
 *
 * The object may come from anywhere, so every index and offset in it is
 * checked here, before a consumer follows it: the links between sections,
 * each symbol's section (SHN_XINDEX included), each relocation's symbol and
 * place. A bad one refuses the whole object with one line naming the file
 * and the entry; past this loader, every sym->sec and rela->sym is real.
 */
#include <errno.h>
#include <fcntl.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/regfile.h"
#include "elf/kelf.h"

struct loader {
	struct kelf *k;
	const char *path;
	struct kelf_err *err;
	size_t shnum;			/* section headers, the null one included */
	struct kelf_sec *symtab;
	struct kelf_sec *xindex;	/* SHT_SYMTAB_SHNDX, if any */
	bool symbols_only;		/* kelf_open_symbols: no section bytes, no relocations */
};

#define KELF_MAX_ALIGN (2u << 20)

static int bad(struct loader *l, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(struct loader *l, int rc, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (l->err)
		snprintf(l->err->msg, sizeof(l->err->msg), "%s: %s", l->path, what);
	return rc;
}

/* A name from the file, fit for a message (one of a few rotating buffers). */
static const char *shown(const char *name)
{
	static char ring[3][80];
	static int next;

	return kp_escape(name, ring[next++ % 3], sizeof(ring[0]));
}

static struct kelf_sec *sec_at(struct loader *l, size_t index)
{
	return index && index < l->shnum ? l->k->secs[index - 1] : NULL;
}

/* Entries of a table section: a whole number of ENTSIZE-byte entries. */
static int check_table(struct loader *l, const struct kelf_sec *s, size_t entsize)
{
	if (s->size % entsize)
		return bad(l, -EINVAL, "section %zu '%s': size %zu is not a multiple of %zu",
			   s->index, shown(s->name), s->size, entsize);
	return 0;
}

static int load_sections(struct loader *l)
{
	struct kelf *k = l->k;
	size_t shstrndx, i;

	if (elf_getshdrnum(k->elf, &l->shnum) || elf_getshdrstrndx(k->elf, &shstrndx))
		return bad(l, -EINVAL, "cannot read section headers");
	if (!shstrndx || shstrndx >= l->shnum)
		return bad(l, -EINVAL, "section name table index %zu is not a section (%zu sections)",
			   shstrndx, l->shnum);
	for (i = 1; i < l->shnum; i++) {
		Elf_Scn *scn = elf_getscn(k->elf, i);
		struct kelf_sec *s;
		GElf_Shdr sh;
		Elf_Data *d;
		const char *name;

		if (!scn || !gelf_getshdr(scn, &sh))
			return bad(l, -EINVAL, "section %zu: bad section header", i);
		/* libelf checks the offset is inside a string table and the string ends there */
		name = elf_strptr(k->elf, shstrndx, sh.sh_name);
		if (!name)
			return bad(l, -EINVAL, "section %zu: name offset %u is not in the section name table",
				   i, sh.sh_name);
		/* NULL data keeps kelf_add_section from allocating a copy */
		s = kelf_add_section(k, name, &(GElf_Shdr){ .sh_type = SHT_NOBITS }, NULL, 0);
		if (!s)
			return bad(l, -ENOMEM, "out of memory");
		/*
		 * The writer pads to this alignment: a crafted 2^40 would make
		 * kpatch-diff write a file of that size. Objects of the kernel
		 * align to a page at most; 2 MiB leaves room for huge pages.
		 */
		if (sh.sh_addralign & (sh.sh_addralign - 1) || sh.sh_addralign > KELF_MAX_ALIGN)
			return bad(l, -EINVAL, "section %zu '%s': alignment %#llx is not a power of two up to %#x",
				   i, shown(name), (unsigned long long)sh.sh_addralign, KELF_MAX_ALIGN);
		s->sh = sh;
		s->index = i;
		s->size = sh.sh_size;
		/* before libelf converts the table, which drops a partial entry */
		if ((sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_RELA) &&
		    check_table(l, s, sh.sh_type == SHT_SYMTAB ? sizeof(Elf64_Sym) : sizeof(Elf64_Rela)))
			return -EINVAL;
		/* a symbols-only reader of a 600 MB vmlinux reads its tables alone */
		if (l->symbols_only && sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_STRTAB &&
		    sh.sh_type != SHT_SYMTAB_SHNDX && sh.sh_type != SHT_GROUP)
			continue;
		if (sh.sh_type != SHT_NOBITS && sh.sh_size) {
			d = elf_getdata(scn, NULL);
			if (!d || d->d_size != sh.sh_size)
				return bad(l, -EINVAL, "section %zu '%s': data outside the file", i,
					   shown(name));
			s->data = d->d_buf;
		}
	}
	return 0;
}

/* sh_link and sh_info, which other sections' meaning hangs on. */
static int check_links(struct loader *l)
{
	struct kelf *k = l->k;
	size_t i, nsyms;

	for (i = 0; i < k->nsecs; i++) {
		struct kelf_sec *s = k->secs[i], *link = sec_at(l, s->sh.sh_link);

		if (s->sh.sh_link && !link)
			return bad(l, -EINVAL, "section %zu '%s': sh_link %u is not a section (%zu sections)",
				   s->index, shown(s->name), s->sh.sh_link, l->shnum);
		if (s->sh.sh_type != SHT_SYMTAB)
			continue;
		if (l->symtab)
			return bad(l, -EINVAL, "section %zu '%s': a second symbol table", s->index,
				   shown(s->name));
		if (!link || link->sh.sh_type != SHT_STRTAB)
			return bad(l, -EINVAL, "section %zu '%s': sh_link %u is not a string table",
				   s->index, shown(s->name), s->sh.sh_link);
		l->symtab = s;
	}
	if (!l->symtab)
		return bad(l, -EINVAL, "no symbol table");
	nsyms = l->symtab->size / sizeof(Elf64_Sym);
	if (l->symtab->sh.sh_info > nsyms)
		return bad(l, -EINVAL, "symbol table: sh_info %u is past its %zu symbols",
			   l->symtab->sh.sh_info, nsyms);
	for (i = 0; i < k->nsecs; i++) {
		struct kelf_sec *s = k->secs[i], *info = sec_at(l, s->sh.sh_info);
		const char *n = shown(s->name);

		switch (s->sh.sh_type) {
		case SHT_REL:
			return bad(l, -EINVAL, "section %zu '%s': SHT_REL sections are not x86_64",
				   s->index, n);
		case SHT_RELA:
			if (s->sh.sh_link != l->symtab->index)
				return bad(l, -EINVAL, "section %zu '%s': sh_link %u is not the symbol table",
					   s->index, n, s->sh.sh_link);
			if (!info || info->sh.sh_type == SHT_NOBITS || info->sh.sh_type == SHT_RELA ||
			    info->sh.sh_type == SHT_SYMTAB || info->sh.sh_type == SHT_STRTAB ||
			    info->sh.sh_type == SHT_NULL || info->sh.sh_type == SHT_SYMTAB_SHNDX)
				return bad(l, -EINVAL, "section %zu '%s': sh_info %u is not a section relocations can apply to",
					   s->index, n, s->sh.sh_info);
			s->target = info;
			break;
		case SHT_SYMTAB_SHNDX:
			if (s->sh.sh_link != l->symtab->index || s->size != nsyms * sizeof(Elf32_Word))
				return bad(l, -EINVAL, "section %zu '%s': not an index table of the %zu symbols",
					   s->index, n, nsyms);
			l->xindex = s;
			break;
		case SHT_GROUP:
			if (s->sh.sh_link != l->symtab->index || s->sh.sh_info >= nsyms)
				return bad(l, -EINVAL, "section %zu '%s': group without a signature symbol",
					   s->index, n);
			if (check_table(l, s, sizeof(Elf32_Word)))
				return -EINVAL;
			for (size_t j = 1; j < s->size / 4; j++) {
				uint32_t m;

				memcpy(&m, s->data + j * 4, 4);
				if (!sec_at(l, m))
					return bad(l, -EINVAL, "section %zu '%s': member %u is not a section",
						   s->index, n, m);
			}
			break;
		default:
			if ((s->sh.sh_flags & SHF_INFO_LINK) && !info)
				return bad(l, -EINVAL, "section %zu '%s': sh_info %u is not a section",
					   s->index, n, s->sh.sh_info);
			break;
		}
	}
	return 0;
}

/* The section a symbol is defined in: NULL for undefined, absolute and common. */
static int symbol_section(struct loader *l, size_t i, const GElf_Sym *st, Elf32_Word xndx,
			  const char *name, struct kelf_sec **out)
{
	size_t idx = st->st_shndx;

	*out = NULL;
	if (idx == SHN_XINDEX) {
		if (!l->xindex)
			return bad(l, -EINVAL, "symbol %zu '%s': SHN_XINDEX without an index table",
				   i, shown(name));
		idx = xndx;
	} else if (idx == SHN_UNDEF || idx == SHN_ABS || idx == SHN_COMMON) {
		if (GELF_ST_TYPE(st->st_info) == STT_SECTION)
			return bad(l, -EINVAL, "symbol %zu: section symbol with section index %s",
				   i, idx == SHN_ABS ? "SHN_ABS" : idx == SHN_UNDEF ? "SHN_UNDEF" : "SHN_COMMON");
		return 0;
	} else if (idx >= SHN_LORESERVE) {
		return bad(l, -EINVAL, "symbol %zu '%s': reserved section index 0x%zx",
			   i, shown(name), idx);
	}
	*out = sec_at(l, idx);
	if (!*out)
		return bad(l, -EINVAL, "symbol %zu '%s': section index %zu is not a section (%zu sections)",
			   i, shown(name), idx, l->shnum);
	/*
	 * Consumers of a full load read a symbol's bytes through value and
	 * size; a symbols-only load reads names and addresses (a linked
	 * file's values are addresses, not offsets), never the bytes.
	 */
	if (l->symbols_only)
		return 0;
	if (st->st_value > (*out)->size || st->st_size > (*out)->size - st->st_value)
		return bad(l, -EINVAL, "symbol %zu '%s': bytes %#llx+%#llx are outside its section '%s' (%#zx bytes)",
			   i, shown(name), (unsigned long long)st->st_value,
			   (unsigned long long)st->st_size, shown((*out)->name), (*out)->size);
	return 0;
}

static int load_symbols(struct loader *l)
{
	struct kelf *k = l->k;
	struct kelf_sec *symtab = l->symtab;
	Elf_Data *d = NULL, *xd = NULL;
	size_t i, n = symtab->size / sizeof(Elf64_Sym);

	if (n) {
		d = elf_getdata(elf_getscn(k->elf, symtab->index), NULL);
		if (!d)
			return bad(l, -EINVAL, "cannot read the symbol table");
	}
	if (l->xindex) {
		xd = elf_getdata(elf_getscn(k->elf, l->xindex->index), NULL);
		if (!xd)
			return bad(l, -EINVAL, "cannot read the symbol section index table");
	}
	for (i = 1; i < n; i++) {
		struct kelf_sec *sec;
		struct kelf_sym *y;
		const char *name;
		Elf32_Word xndx = 0;
		GElf_Sym st;

		if (!gelf_getsymshndx(d, xd, i, &st, &xndx))
			return bad(l, -EINVAL, "symbol %zu: cannot be read", i);
		name = elf_strptr(k->elf, symtab->sh.sh_link, st.st_name);
		if (!name)
			return bad(l, -EINVAL, "symbol %zu: name offset %u is not in the string table",
				   i, st.st_name);
		if (symbol_section(l, i, &st, xndx, name, &sec))
			return -EINVAL;
		if (GELF_ST_TYPE(st.st_info) == STT_SECTION)
			name = sec->name;
		y = kelf_add_symbol(k, name, GELF_ST_BIND(st.st_info),
				    GELF_ST_TYPE(st.st_info), sec, st.st_value,
				    st.st_size);
		if (!y)
			return bad(l, -ENOMEM, "out of memory");
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

	if (x->offset != y->offset)
		return (x->offset > y->offset) - (x->offset < y->offset);
	return (x->rsec->index > y->rsec->index) - (x->rsec->index < y->rsec->index);
}

/*
 * Sorted already in the usual case (one relocation section, written in
 * order): left alone then, so a written-back object keeps the order of
 * its relocations, and qsort's instability never shows.
 */
static void sort_relas(struct kelf_sec *s)
{
	for (size_t i = 1; i < s->nrelas; i++)
		if (cmp_rela(&s->relas[i - 1], &s->relas[i]) > 0) {
			qsort(s->relas, s->nrelas, sizeof(*s->relas), cmp_rela);
			return;
		}
}

/* Bytes a relocation of TYPE writes at its place (at least one). */
static size_t rela_width(uint32_t type)
{
	switch (type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_64: case R_X86_64_PC64: case R_X86_64_GOTOFF64: case R_X86_64_GOTPC64:
	case R_X86_64_SIZE64: case R_X86_64_DTPOFF64: case R_X86_64_TPOFF64:
		return 8;
	case R_X86_64_16: case R_X86_64_PC16:
		return 2;
	case R_X86_64_8: case R_X86_64_PC8:
		return 1;
	default:
		return 4;
	}
}

static int load_relas(struct loader *l)
{
	struct kelf *k = l->k;
	size_t i, j;

	for (i = 0; i < k->nsecs; i++) {
		struct kelf_sec *rs = k->secs[i], *base;
		Elf_Data *d;
		size_t n;

		if (rs->sh.sh_type != SHT_RELA || !rs->size)
			continue;
		base = rs->target;
		d = elf_getdata(elf_getscn(k->elf, rs->index), NULL);
		n = rs->size / sizeof(Elf64_Rela);
		for (j = 0; j < n; j++) {
			GElf_Rela r;
			size_t symi;

			if (!gelf_getrela(d, j, &r))
				return bad(l, -EINVAL, "section '%s': relocation %zu cannot be read",
					   shown(rs->name), j);
			symi = GELF_R_SYM(r.r_info);
			if (symi == 0 || symi > k->nsyms)
				return bad(l, -EINVAL, "section '%s': relocation %zu: symbol index %zu is not a symbol (%zu symbols)",
					   shown(rs->name), j, symi, k->nsyms + 1);
			if (r.r_offset > base->size ||
			    rela_width(GELF_R_TYPE(r.r_info)) > base->size - r.r_offset)
				return bad(l, -EINVAL, "section '%s': relocation %zu: offset %#llx is outside '%s' (%#zx bytes)",
					   shown(rs->name), j, (unsigned long long)r.r_offset,
					   shown(base->name), base->size);
			if (kelf_add_rela(base, r.r_offset, GELF_R_TYPE(r.r_info),
					  k->syms[symi - 1], r.r_addend))
				return bad(l, -ENOMEM, "out of memory");
			base->relas[base->nrelas - 1].rsec = rs;
		}
		sort_relas(base);
	}
	return 0;
}

static int open_input(struct loader *l)
{
	const char *kind;
	int fd = kp_open_regular(l->path, &kind);

	if (fd == KP_NOT_REGULAR)
		return bad(l, -EINVAL, "%s, not an object file", kind);
	if (fd < 0)
		return bad(l, -errno, "%s", strerror(errno));
	l->k->fd = fd;
	return 0;
}

static int check_header(struct loader *l)
{
	struct kelf *k = l->k;

	k->elf = elf_begin(k->fd, ELF_C_READ_MMAP, NULL);
	if (!k->elf || elf_kind(k->elf) != ELF_K_ELF || !gelf_getehdr(k->elf, &k->ehdr))
		return bad(l, -EINVAL, "not an ELF file");
	if (k->ehdr.e_ident[EI_CLASS] != ELFCLASS64 || k->ehdr.e_ident[EI_DATA] != ELFDATA2LSB ||
	    k->ehdr.e_machine != EM_X86_64 ||
	    (k->ehdr.e_type != ET_REL && !(l->symbols_only && k->ehdr.e_type == ET_EXEC)))
		return bad(l, -EINVAL, l->symbols_only ? "not an x86_64 object or executable"
						      : "not an x86_64 relocatable object");
	return 0;
}

static int open_with(struct loader *l, struct kelf **out)
{
	int rc;

	*out = NULL;
	elf_version(EV_CURRENT);
	l->k = kelf_new();
	if (!l->k)
		return bad(l, -ENOMEM, "out of memory");
	rc = open_input(l);
	if (!rc)
		rc = check_header(l);
	if (!rc)
		rc = load_sections(l);
	if (!rc)
		rc = check_links(l);
	if (!rc)
		rc = load_symbols(l);
	if (!rc && !l->symbols_only)
		rc = load_relas(l);
	if (rc) {
		kelf_free(l->k);
		return rc;
	}
	*out = l->k;
	return 0;
}

int kelf_open(const char *path, struct kelf **out, struct kelf_err *err)
{
	struct loader l = { .path = path, .err = err };

	return open_with(&l, out);
}

int kelf_open_symbols(const char *path, struct kelf **out, struct kelf_err *err)
{
	struct loader l = { .path = path, .err = err, .symbols_only = true };

	return open_with(&l, out);
}
