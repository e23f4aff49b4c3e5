// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include "kpatchlib/klpelf.h"

/* One R_X86_64_64 relocation inside a data section, resolved. */
struct reloc {
	size_t off;		/* where, in the data section */
	size_t tsec;		/* target section index */
	size_t tval;		/* target offset: symbol value + addend */
	int is_this_module;
};

struct datasec {
	size_t index;
	Elf_Data *data;
	struct reloc *r;
	size_t nr, cap;
	size_t stride[2];	/* stride_of(.., 0 / 1), once known */
	int have_stride[2];
};

/* Where some klp_object's funcs array starts: (section, offset), sorted. */
struct start {
	size_t sec, off;
};

struct klpelf {
	Elf *elf;
	struct datasec *ds;
	size_t nds;
	struct start *starts;
	size_t nstarts;
};

/* A crafted file must not make us allocate without bound. */
#define KLP_MAX_FUNCS 1000000

static int sec_flags(Elf *elf, size_t index, GElf_Shdr *sh)
{
	Elf_Scn *scn = elf_getscn(elf, index);

	return scn && gelf_getshdr(scn, sh) ? 0 : -1;
}

static const struct reloc *reloc_at(const struct datasec *ds, size_t off)
{
	size_t lo = 0, hi = ds->nr;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ds->r[mid].off == off)
			return &ds->r[mid];
		if (ds->r[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The NUL-terminated string a relocation points to, or NULL if it is not one. */
static const char *reloc_string(Elf *elf, const struct reloc *r)
{
	GElf_Shdr sh;
	Elf_Data *d;
	Elf_Scn *scn;

	if (!r || sec_flags(elf, r->tsec, &sh) || !(sh.sh_flags & SHF_STRINGS))
		return NULL;
	scn = elf_getscn(elf, r->tsec);
	d = elf_getdata(scn, NULL);
	if (!d || !d->d_buf || r->tval >= d->d_size ||
	    !memchr((char *)d->d_buf + r->tval, '\0', d->d_size - r->tval))
		return NULL;
	return (const char *)d->d_buf + r->tval;
}

static int reloc_is_code(Elf *elf, const struct reloc *r)
{
	GElf_Shdr sh;

	return r && !sec_flags(elf, r->tsec, &sh) && (sh.sh_flags & SHF_EXECINSTR);
}

static int cmp_reloc(const void *a, const void *b)
{
	const struct reloc *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

static struct datasec *datasec_find(struct klpelf *k, size_t index)
{
	size_t i;

	for (i = 0; i < k->nds; i++)
		if (k->ds[i].index == index)
			return &k->ds[i];
	return NULL;
}

/* Only while collecting: adding may move the array. */
static struct datasec *datasec_get(struct klpelf *k, size_t index)
{
	struct datasec *ds = datasec_find(k, index);

	if (ds)
		return ds;
	ds = realloc(k->ds, (k->nds + 1) * sizeof(*ds));
	if (!ds)
		return NULL;
	k->ds = ds;
	ds = &k->ds[k->nds++];
	memset(ds, 0, sizeof(*ds));
	ds->index = index;
	ds->data = elf_getdata(elf_getscn(k->elf, index), NULL);
	return ds;
}

/* Collect the absolute 64-bit relocations of every writable data section. */
static int collect(struct klpelf *k, size_t symtab_index)
{
	Elf_Scn *scn = NULL, *symscn = elf_getscn(k->elf, symtab_index);
	Elf_Data *symdata = elf_getdata(symscn, NULL);
	GElf_Shdr symsh;

	if (!symdata || !gelf_getshdr(symscn, &symsh))
		return -EINVAL;
	while ((scn = elf_nextscn(k->elf, scn))) {
		GElf_Shdr sh, target;
		Elf_Data *d;
		size_t i, n;
		struct datasec *ds;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA)
			continue;
		if (sec_flags(k->elf, sh.sh_info, &target) || target.sh_type != SHT_PROGBITS ||
		    !(target.sh_flags & SHF_WRITE) || (target.sh_flags & SHF_EXECINSTR))
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !sh.sh_entsize)
			continue;
		ds = datasec_get(k, sh.sh_info);
		if (!ds)
			return -ENOMEM;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n; i++) {
			GElf_Rela rela;
			GElf_Sym sym;
			struct reloc *r;
			const char *sname;

			if (!gelf_getrela(d, (int)i, &rela) ||
			    GELF_R_TYPE(rela.r_info) != R_X86_64_64 ||
			    !gelf_getsym(symdata, (int)GELF_R_SYM(rela.r_info), &sym))
				continue;
			/* Doubling: a module with 100,000 functions is read in linear time. */
			if (ds->nr == ds->cap) {
				size_t cap = ds->cap ? 2 * ds->cap : 64;

				r = realloc(ds->r, cap * sizeof(*r));
				if (!r)
					return -ENOMEM;
				ds->r = r;
				ds->cap = cap;
			}
			r = &ds->r[ds->nr++];
			r->off = rela.r_offset;
			r->tsec = sym.st_shndx;
			r->tval = sym.st_value + rela.r_addend;
			sname = elf_strptr(k->elf, symsh.sh_link, sym.st_name);
			r->is_this_module = sname && !strcmp(sname, "__this_module");
		}
	}
	for (size_t i = 0; i < k->nds; i++)
		if (k->ds[i].nr)
			qsort(k->ds[i].r, k->ds[i].nr, sizeof(struct reloc), cmp_reloc);
	return 0;
}

static uint64_t read_u64(const struct datasec *ds, size_t off)
{
	uint64_t v = 0;

	if (ds->data && ds->data->d_buf && off + 8 <= ds->data->d_size)
		memcpy(&v, (char *)ds->data->d_buf + off, 8);
	return v;
}

/* A klp_func entry starts here: old_name -> a string, new_func -> code. */
static int is_func_entry(Elf *elf, const struct datasec *ds, size_t off)
{
	return reloc_string(elf, reloc_at(ds, off)) && reloc_is_code(elf, reloc_at(ds, off + 8));
}

/* A klp_object entry starts here: funcs (at +8) -> a klp_func entry. */
static const struct reloc *object_funcs(struct klpelf *k, const struct datasec *ds, size_t off)
{
	const struct reloc *fr = reloc_at(ds, off + 8);
	const struct datasec *fds;

	if (!fr || reloc_string(k->elf, fr) || reloc_is_code(k->elf, fr))
		return NULL;
	fds = datasec_find(k, fr->tsec);
	return fds && is_func_entry(k->elf, fds, fr->tval) ? fr : NULL;
}

static int cmp_start(const void *a, const void *b)
{
	const struct start *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

/*
 * Index every klp_object's funcs target once (n log n), instead of
 * rescanning all relocations for each function entry (n squared: 20,000
 * functions took 0.8 s).
 */
static int index_starts(struct klpelf *k)
{
	size_t n = 0;

	for (size_t i = 0; i < k->nds; i++)
		n += k->ds[i].nr;
	k->starts = n ? calloc(n, sizeof(*k->starts)) : NULL;
	if (n && !k->starts)
		return -ENOMEM;
	for (size_t i = 0; i < k->nds; i++)
		for (size_t j = 0; j < k->ds[i].nr; j++) {
			const struct reloc *r = &k->ds[i].r[j];

			if (r->off >= 8 && object_funcs(k, &k->ds[i], r->off - 8) == r)
				k->starts[k->nstarts++] = (struct start){ r->tsec, r->tval };
		}
	if (k->nstarts)
		qsort(k->starts, k->nstarts, sizeof(*k->starts), cmp_start);
	return 0;
}

/* Is off the start of some klp_object's funcs array? */
static int is_array_start(const struct klpelf *k, size_t sec, size_t off)
{
	struct start key = { sec, off };

	return k->nstarts && bsearch(&key, k->starts, k->nstarts, sizeof(key), cmp_start) != NULL;
}

/*
 * The size of klp_func / klp_object depends on the kernel's struct layout;
 * measure it from the data instead of hard-coding it: the smallest distance
 * between two consecutive entries of the same shape in a section (two
 * arrays are at least one terminator apart). 0 when there is only one.
 */
static size_t stride_of(struct klpelf *k, struct datasec *ds, int objects)
{
	size_t best = 0, prev = 0;
	int have = 0;

	if (ds->have_stride[objects])
		return ds->stride[objects];
	for (size_t i = 0; i < ds->nr; i++) {
		size_t off = ds->r[i].off;
		int hit = objects ? off >= 8 && object_funcs(k, ds, off - 8) == &ds->r[i]
				  : is_func_entry(k->elf, ds, off);

		if (!hit)
			continue;
		if (objects)
			off -= 8;
		if (have && off > prev && (!best || off - prev < best))
			best = off - prev;
		prev = off;
		have = 1;
	}
	ds->have_stride[objects] = 1;
	ds->stride[objects] = best;
	return best;
}

/* Walk one klp_func array until its terminator (or the next array). */
static int walk_funcs(struct klpelf *k, const char *object, const struct reloc *fr,
		      struct kp_func_list *funcs)
{
	struct datasec *ds = datasec_find(k, fr->tsec);
	size_t stride = stride_of(k, ds, 0), off;

	for (off = fr->tval;; off += stride) {
		if (!is_func_entry(k->elf, ds, off) || (off != fr->tval && is_array_start(k, fr->tsec, off)))
			return 0;
		if (funcs->n >= KLP_MAX_FUNCS)
			return -E2BIG;
		if (!kp_funcs_add(funcs, object, reloc_string(k->elf, reloc_at(ds, off)),
				  (unsigned long)read_u64(ds, off + 16)))
			return -ENOMEM;
		if (!stride || off + stride < off)
			return 0;
	}
}

/* Walk one klp_object array (objs of a klp_patch). */
static int walk_objects(struct klpelf *k, const struct reloc *objs, struct kp_func_list *funcs)
{
	struct datasec *ods = datasec_find(k, objs->tsec);
	size_t stride, off;
	int ret;

	if (!ods)
		return 0;
	stride = stride_of(k, ods, 1);
	for (off = objs->tval;; off += stride) {
		const struct reloc *fr = object_funcs(k, ods, off);
		const char *oname = reloc_string(k->elf, reloc_at(ods, off));

		if (!fr)
			return 0;
		ret = walk_funcs(k, oname ? oname : "vmlinux", fr, funcs);
		if (ret)
			return ret;
		if (!stride || off + stride < off)
			return 0;
	}
}

int kp_klp_read(int fd, const char *what, struct kp_func_list *funcs,
		int *replace, struct kp_err *err)
{
	struct klpelf k = { 0 };
	Elf_Scn *scn = NULL;
	size_t symtab = 0, i, j;
	int ret = 0, found = 0;
	GElf_Ehdr eh;

	*replace = 0;
	elf_version(EV_CURRENT);
	/* Read, not mapped: a file cut short meanwhile is an error, not SIGBUS. */
	k.elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!k.elf || elf_kind(k.elf) != ELF_K_ELF || !gelf_getehdr(k.elf, &eh) ||
	    eh.e_type != ET_REL) {
		ret = kp_err_set(err, KP_E_INVALID, 0, "%s: not a kernel module (not an ELF relocatable object)", what);
		goto out;
	}
	if (eh.e_machine != EM_X86_64) {
		ret = kp_err_set(err, KP_E_INVALID, 0, "%s: only x86_64 modules are supported", what);
		goto out;
	}
	while ((scn = elf_nextscn(k.elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			symtab = elf_ndxscn(scn);
	}
	if (!symtab || collect(&k, symtab)) {
		ret = kp_err_set(err, KP_E_INVALID, 0, "%s: cannot read the symbol table or relocations", what);
		goto out;
	}
	if (index_starts(&k)) {
		ret = kp_err_set(err, KP_E_SYSTEM, ENOMEM, "%s: reading patched functions", what);
		goto out;
	}
	/* Each klp_patch: mod -> __this_module, then objs -> klp_object[]. */
	for (i = 0; i < k.nds; i++) {
		const struct datasec *ds = &k.ds[i];

		for (j = 0; j < ds->nr; j++) {
			const struct reloc *objs;

			if (!ds->r[j].is_this_module)
				continue;
			/* Other structures point at THIS_MODULE too (an owner field). */
			objs = reloc_at(ds, ds->r[j].off + 8);
			if (!objs || !datasec_find(&k, objs->tsec) ||
			    !object_funcs(&k, datasec_find(&k, objs->tsec), objs->tval))
				continue;
			found = 1;
			if (ds->data && ds->data->d_buf && ds->r[j].off + 24 < ds->data->d_size)
				*replace |= ((char *)ds->data->d_buf)[ds->r[j].off + 24] != 0;
			ret = walk_objects(&k, objs, funcs);
			if (ret == -E2BIG) {
				ret = kp_err_set(err, KP_E_INVALID, 0, "%s: more than %d patched functions; not a module we can check",
						 what, KLP_MAX_FUNCS);
				goto out;
			}
			if (ret) {
				ret = kp_err_set(err, KP_E_SYSTEM, ENOMEM, "%s: reading patched functions", what);
				goto out;
			}
		}
	}
	if (!found)
		ret = kp_err_set(err, KP_E_INVALID, 0, "%s: no klp_patch structure found", what);
out:
	for (i = 0; i < k.nds; i++)
		free(k.ds[i].r);
	free(k.ds);
	free(k.starts);
	if (k.elf)
		elf_end(k.elf);
	return ret;
}
