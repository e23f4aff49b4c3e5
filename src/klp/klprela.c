// SPDX-License-Identifier: GPL-2.0
/*
 * Writing .klp.rela sections and SHN_LIVEPATCH symbols; see klprela.h.
 *
 * The module is loaded into the kelf model, changed there and written back
 * by kelf_write, which regenerates the symbol, string and relocation tables
 * and keeps every other section of the module as it was (.modinfo,
 * __versions, .gnu.linkonce.this_module, the notes, .BTF), at its index.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/kelf.h"
#include "klp/klprela.h"

static const struct klp_ref *find_ref(const struct klp_ref *refs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(refs[i].name, name))
			return &refs[i];
	return NULL;
}

/* A livepatch symbol's ref hangs off its priv; other symbols have none. */
static const struct klp_ref *ref_of(const struct kelf_sym *y)
{
	return y->priv;
}

static int rename_symbols(struct kelf *k, const struct klp_ref *refs, size_t nrefs,
			  struct klp_stats *stats)
{
	for (size_t i = 0; i < k->nsyms; i++) {
		struct kelf_sym *y = k->syms[i];
		const struct klp_ref *r;
		char *name;
		int rc;

		if (y->sec || y->shndx != SHN_UNDEF || !(r = find_ref(refs, nrefs, y->name)))
			continue;
		if (asprintf(&name, ".klp.sym.%s.%s,%lu", r->symobj ? r->symobj : r->objname,
			     r->name, r->sympos) < 0)
			return -ENOMEM;
		rc = kelf_rename_symbol(y, name);
		free(name);
		if (rc)
			return rc;
		y->shndx = KLP_SHN_LIVEPATCH;
		y->bind = STB_GLOBAL;
		y->priv = (void *)r;
		stats->symbols++;
	}
	return 0;
}

/* Which relocations one pass takes: those of RSEC against OBJNAME's symbols. */
struct pick {
	const struct kelf_sec *rsec;
	const char *objname;
};

static bool picked(const struct kelf_rela *r, void *arg)
{
	const struct pick *p = arg;
	const struct klp_ref *ref = ref_of(r->sym);

	return r->rsec == p->rsec && ref && !strcmp(ref->objname, p->objname);
}

/*
 * The relocations RSEC holds against livepatch symbols of OBJNAME move to
 * a new .klp.rela section for the same target section.
 */
static int split_rela(struct kelf *k, struct kelf_sec *rsec, const char *objname,
		      struct klp_stats *stats)
{
	struct kelf_sec *t = rsec->target, *klp;
	struct pick p = { rsec, objname };
	size_t n = 0;
	char *name;

	for (size_t i = 0; i < t->nrelas; i++)
		n += picked(&t->relas[i], &p);
	if (!n)
		return 0;
	/* Debug info is not loaded; its references simply go. */
	if (!(t->sh.sh_flags & SHF_ALLOC)) {
		kelf_drop_relas(t, picked, &p);
		return 0;
	}
	if (asprintf(&name, ".klp.rela.%s.%s", objname,
		     t->name[0] == '.' ? t->name + 1 : t->name) < 0)
		return -ENOMEM;
	klp = kelf_add_rela_section(k, name, t, SHF_ALLOC | KLP_SHF_RELA_LIVEPATCH);
	free(name);
	if (!klp)
		return -ENOMEM;
	for (size_t i = 0; i < t->nrelas; i++)
		if (picked(&t->relas[i], &p))
			t->relas[i].rsec = klp;
	stats->relocs += n;
	stats->sections++;
	return 0;
}

static int move_relocs(struct kelf *k, const struct klp_ref *refs, size_t nrefs,
		       struct klp_stats *stats)
{
	/* the module's own relocation sections, not the ones added here */
	size_t nsecs = k->nsecs;

	for (size_t j = 0; j < nrefs; j++) {
		bool first = true;

		for (size_t i = 0; i < j && first; i++)
			first = strcmp(refs[i].objname, refs[j].objname) != 0;
		if (!first)
			continue;
		for (size_t i = 0; i < nsecs; i++) {
			struct kelf_sec *s = k->secs[i];
			int rc;

			if (s->sh.sh_type != SHT_RELA || (s->sh.sh_flags & KLP_SHF_RELA_LIVEPATCH))
				continue;
			rc = split_rela(k, s, refs[j].objname, stats);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int klp_write_relocs(const char *ko_path, const struct klp_ref *refs, size_t nrefs,
		     struct klp_stats *stats)
{
	struct kelf_err err;
	struct kelf *k;
	int rc;

	*stats = (struct klp_stats){ 0 };
	rc = kelf_open(ko_path, &k, &err);
	if (rc)
		return rc;
	rc = rename_symbols(k, refs, nrefs, stats);
	if (!rc)
		rc = move_relocs(k, refs, nrefs, stats);
	/* a module without livepatch symbols is left as it is, byte for byte */
	if (!rc && stats->symbols)
		rc = kelf_write(k, ko_path, &err);
	kelf_free(k);
	return rc;
}
