// SPDX-License-Identifier: GPL-2.0
/*
 * The tables of an ELF file that arrives as a stream (see kelf.h): the
 * kernel's -dbg vmlinux is a 600 MB member of a compressed package, and
 * what the builder needs of it, the symbol table, is 3 MB in the middle.
 * libelf wants a file it can seek in; a stream cannot tell where the
 * symbol table is until its section headers, at the end, have gone by.
 * So the stream is read twice: once for the headers, once for the tables
 * they locate. Each part is written at its own offset into a sparse file,
 * which libelf then reads like the original, with holes for the rest.
 *
 * The headers come from outside and steer every read here, so each count
 * and offset is checked before it is followed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf/kelf.h"

/* A symbol table and its names: 3 MB in vmlinux; far above that is not a table. */
#define KELF_STREAM_MAX_TABLES (512u << 20)
#define KELF_STREAM_MAX_SECTIONS 65280u	/* below SHN_LORESERVE: no extended numbering */

struct reader {
	int fd;
	uint64_t pos;		/* bytes of the stream consumed */
	struct kelf_err *err;
};

static int fail(struct kelf_err *err, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct kelf_err *err, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* Reads up to N bytes into BUF (NULL: discards them); 0 at the end of the stream. */
static ssize_t pull(struct reader *r, void *buf, size_t n)
{
	static char sink[65536];
	ssize_t got;

	if (!buf && n > sizeof(sink))
		n = sizeof(sink);
	do
		got = read(r->fd, buf ? buf : sink, n);
	while (got < 0 && errno == EINTR);
	if (got > 0)
		r->pos += (uint64_t)got;
	return got;
}

static int ended(struct reader *r, uint64_t want, const char *what)
{
	return fail(r->err, -EINVAL, "the stream ends at byte %llu, before %s at byte %llu",
		    (unsigned long long)r->pos, what, (unsigned long long)want);
}

static int skip_to(struct reader *r, uint64_t off, const char *what)
{
	while (r->pos < off) {
		uint64_t left = off - r->pos;
		ssize_t got = pull(r, NULL, left > (1u << 30) ? 1u << 30 : (size_t)left);

		if (got < 0)
			return fail(r->err, -errno, "reading the stream: %s", strerror(errno));
		if (!got)
			return ended(r, off, what);
	}
	return 0;
}

/* Copies LEN bytes at OFF of the stream to OUT (buffer BUF of BUFLEN) at OFF. */
static int copy_at(struct reader *r, int out, uint64_t off, uint64_t len, const char *what)
{
	char buf[65536];
	int rc = skip_to(r, off, what);

	while (!rc && r->pos < off + len) {
		uint64_t left = off + len - r->pos, at = r->pos;
		ssize_t got = pull(r, buf, left > sizeof(buf) ? sizeof(buf) : (size_t)left);

		if (got < 0)
			return fail(r->err, -errno, "reading the stream: %s", strerror(errno));
		if (!got)
			return ended(r, off + len, what);
		if (pwrite(out, buf, (size_t)got, (off_t)at) != got)
			return fail(r->err, -EIO, "writing the tables: %s", strerror(errno));
	}
	return rc;
}

static int read_exact(struct reader *r, void *buf, size_t n, const char *what)
{
	uint64_t start = r->pos;

	while (r->pos - start < n) {
		ssize_t got = pull(r, (char *)buf + (r->pos - start), n - (size_t)(r->pos - start));

		if (got < 0)
			return fail(r->err, -errno, "reading the stream: %s", strerror(errno));
		if (!got)
			return ended(r, start + n, what);
	}
	return 0;
}

static bool is_table(uint32_t type)
{
	return type == SHT_SYMTAB || type == SHT_STRTAB || type == SHT_SYMTAB_SHNDX ||
	       type == SHT_GROUP;
}

static int cmp_range(const void *a, const void *b)
{
	const Elf64_Shdr *x = *(const Elf64_Shdr *const *)a, *y = *(const Elf64_Shdr *const *)b;

	return (x->sh_offset > y->sh_offset) - (x->sh_offset < y->sh_offset);
}

int kelf_stream_headers(int in, int out, struct kelf_stream *st, struct kelf_err *err)
{
	struct reader r = { .fd = in, .err = err };
	Elf64_Ehdr eh;
	uint64_t total = 0, shsize;
	size_t nsym = 0;
	int rc;

	memset(st, 0, sizeof(*st));
	rc = read_exact(&r, &eh, sizeof(eh), "the end of the ELF header");
	if (rc)
		return rc;
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64)
		return fail(err, -EINVAL, "not an x86_64 ELF file");
	if (eh.e_shentsize != sizeof(Elf64_Shdr) || !eh.e_shnum ||
	    eh.e_shnum > KELF_STREAM_MAX_SECTIONS || eh.e_shstrndx >= eh.e_shnum)
		return fail(err, -EINVAL, "section headers: %u of %u bytes, names in %u: not a table this reader takes",
			    eh.e_shnum, eh.e_shentsize, eh.e_shstrndx);
	shsize = (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr);
	if (eh.e_shoff < sizeof(eh) || eh.e_shoff > UINT64_MAX - shsize)
		return fail(err, -EINVAL, "section headers at byte %llu: inside the ELF header or past any file",
			    (unsigned long long)eh.e_shoff);
	st->shdrs = malloc(shsize);
	if (!st->shdrs)
		return fail(err, -ENOMEM, "out of memory");
	st->nshdrs = eh.e_shnum;
	rc = skip_to(&r, eh.e_shoff, "the section headers");
	if (!rc)
		rc = read_exact(&r, st->shdrs, shsize, "the end of the section headers");
	if (rc)
		goto fail;
	if (pwrite(out, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    pwrite(out, st->shdrs, shsize, (off_t)eh.e_shoff) != (ssize_t)shsize) {
		rc = fail(err, -EIO, "writing the headers: %s", strerror(errno));
		goto fail;
	}
	for (size_t i = 1; i < st->nshdrs; i++) {
		const Elf64_Shdr *sh = &st->shdrs[i];

		if (!is_table(sh->sh_type) || !sh->sh_size)
			continue;
		nsym += sh->sh_type == SHT_SYMTAB;
		if (sh->sh_offset > UINT64_MAX - sh->sh_size ||
		    sh->sh_size > KELF_STREAM_MAX_TABLES - total) {
			rc = fail(err, -EINVAL, "section %zu: %llu bytes at %llu: tables of more than %u MiB are not a symbol table",
				  i, (unsigned long long)sh->sh_size,
				  (unsigned long long)sh->sh_offset, KELF_STREAM_MAX_TABLES >> 20);
			goto fail;
		}
		total += sh->sh_size;
	}
	if (nsym != 1) {
		rc = fail(err, -EINVAL, "%zu symbol tables (a stripped file has none)", nsym);
		goto fail;
	}
	return 0;
fail:
	kelf_stream_free(st);
	return rc;
}

int kelf_stream_tables(int in, int out, const struct kelf_stream *st, struct kelf_err *err)
{
	struct reader r = { .fd = in, .err = err };
	const Elf64_Shdr **order;
	size_t n = 0;
	int rc = 0;

	order = calloc(st->nshdrs, sizeof(*order));
	if (!order)
		return fail(err, -ENOMEM, "out of memory");
	for (size_t i = 1; i < st->nshdrs; i++)
		if (is_table(st->shdrs[i].sh_type) && st->shdrs[i].sh_size)
			order[n++] = &st->shdrs[i];
	qsort(order, n, sizeof(*order), cmp_range);
	for (size_t i = 0; !rc && i < n; i++) {
		uint64_t off = order[i]->sh_offset, end = off + order[i]->sh_size;

		/* tables may overlap (a shared string table): copy what is not yet copied */
		if (end <= r.pos)
			continue;
		if (off < r.pos)
			off = r.pos;
		rc = copy_at(&r, out, off, end - off, "the end of a symbol or string table");
	}
	free(order);
	return rc;
}

void kelf_stream_free(struct kelf_stream *st)
{
	free(st->shdrs);
	st->shdrs = NULL;
	st->nshdrs = 0;
}
