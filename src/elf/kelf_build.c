// SPDX-License-Identifier: GPL-2.0
/*
 * Building and freeing objects: the growable section and symbol lists and
 * the relocations attached to sections. Both the loader and the differ's
 * output use these, so a loaded object and a built one look the same.
 */
#include <errno.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/array.h"
#include "elf/kelf.h"

struct kelf *kelf_new(void)
{
	struct kelf *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->fd = -1;
	k->ehdr.e_ident[EI_CLASS] = ELFCLASS64;
	k->ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
	k->ehdr.e_type = ET_REL;
	k->ehdr.e_machine = EM_X86_64;
	k->ehdr.e_version = EV_CURRENT;
	return k;
}

void kelf_free(struct kelf *k)
{
	size_t i;

	if (!k)
		return;
	for (i = 0; i < k->nsecs; i++) {
		struct kelf_sec *s = k->secs[i];

		free(s->name);
		if (s->owns_data)
			free(s->data);
		free(s->relas);
		free(s);
	}
	for (i = 0; i < k->nsyms; i++) {
		free(k->syms[i]->name);
		free(k->syms[i]);
	}
	free(k->secs);
	free(k->syms);
	if (k->elf)
		elf_end(k->elf);
	if (k->fd >= 0)
		close(k->fd);
	free(k);
}

/*
 * Adds a section holding a private copy of DATA (zero-filled when DATA is
 * NULL and the type is not SHT_NOBITS).
 */
struct kelf_sec *kelf_add_section(struct kelf *k, const char *name,
				  const GElf_Shdr *sh, const void *data,
				  size_t size)
{
	struct kelf_sec *s;

	if (kp_reserve(&k->secs, &k->sec_cap, k->nsecs + 1, sizeof(*k->secs)))
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->name = strdup(name);
	if (!s->name)
		goto fail;
	s->sh = *sh;
	s->size = size;
	if (sh->sh_type != SHT_NOBITS && size) {
		s->data = malloc(size);
		if (!s->data)
			goto fail;
		if (data)
			memcpy(s->data, data, size);
		else
			memset(s->data, 0, size);
		s->owns_data = true;
	}
	k->secs[k->nsecs++] = s;
	return s;
fail:
	free(s->name);
	free(s);
	return NULL;
}

/*
 * Appends a copy of DATA (SIZE bytes) to a section of a built object; *OFF
 * is where it starts. 0 or -ENOMEM.
 */
int kelf_append_data(struct kelf_sec *s, const void *data, size_t size, uint64_t *off)
{
	unsigned char *v;

	*off = s->size;
	if (!size)
		return 0;
	v = realloc(s->owns_data ? s->data : NULL, s->size + size);
	if (!v)
		return -ENOMEM;
	if (!s->owns_data && s->size)
		memcpy(v, s->data, s->size);
	memcpy(v + s->size, data, size);
	s->data = v;
	s->owns_data = true;
	s->size += size;
	return 0;
}

struct kelf_sym *kelf_add_symbol(struct kelf *k, const char *name,
				 unsigned char bind, unsigned char type,
				 struct kelf_sec *sec, uint64_t value,
				 uint64_t size)
{
	struct kelf_sym *y;

	if (kp_reserve(&k->syms, &k->sym_cap, k->nsyms + 1, sizeof(*k->syms)))
		return NULL;
	y = calloc(1, sizeof(*y));
	if (!y)
		return NULL;
	y->name = strdup(name);
	if (!y->name) {
		free(y);
		return NULL;
	}
	y->bind = bind;
	y->type = type;
	y->sec = sec;
	y->shndx = sec ? 1 : SHN_UNDEF;	/* real index assigned when written */
	y->value = value;
	y->size = size;
	if (sec && type == STT_SECTION)
		sec->secsym = y;
	k->syms[k->nsyms++] = y;
	return y;
}

int kelf_add_rela(struct kelf_sec *sec, uint64_t offset, uint32_t type,
		  struct kelf_sym *sym, int64_t addend)
{
	struct kelf_rela *r;

	if (kp_reserve(&sec->relas, &sec->rela_cap, sec->nrelas + 1,
		 sizeof(*sec->relas)))
		return -ENOMEM;
	r = &sec->relas[sec->nrelas++];
	r->sec = sec;
	r->offset = offset;
	r->type = type;
	r->sym = sym;
	r->addend = addend;
	r->rsec = NULL;
	return 0;
}

struct kelf_sec *kelf_add_rela_section(struct kelf *k, const char *name,
				       struct kelf_sec *target, uint64_t flags)
{
	GElf_Shdr sh = { .sh_type = SHT_RELA, .sh_flags = flags | SHF_INFO_LINK,
			 .sh_entsize = sizeof(Elf64_Rela), .sh_addralign = 8 };
	struct kelf_sec *s = kelf_add_section(k, name, &sh, NULL, 0);

	if (s)
		s->target = target;
	return s;
}

size_t kelf_drop_relas(struct kelf_sec *sec,
		       bool (*drop)(const struct kelf_rela *r, void *arg), void *arg)
{
	size_t kept = 0, n = sec->nrelas;

	for (size_t i = 0; i < n; i++)
		if (!drop(&sec->relas[i], arg))
			sec->relas[kept++] = sec->relas[i];
	sec->nrelas = kept;
	return n - kept;
}

int kelf_rename_symbol(struct kelf_sym *y, const char *name)
{
	char *n = strdup(name);

	if (!n)
		return -ENOMEM;
	free(y->name);
	y->name = n;
	return 0;
}
