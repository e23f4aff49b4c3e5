/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kelf: an in-memory model of an x86_64 relocatable object, over libelf.
 *
 * An object is a list of sections and a list of symbols; relocations hang
 * off the section they apply to (never off their SHT_RELA section), so a
 * section can be copied into a new object together with its relocations.
 * A loaded object keeps its libelf handle open because section bytes point
 * into libelf's buffers; a built object owns every byte it holds.
 *
 * A loaded object can be changed and written back: its relocation, symbol
 * and string table sections stay in the section list, and the writer
 * regenerates their bytes in place from the model (each relocation knows
 * the SHT_RELA section that holds it). Every other section is written as it
 * was loaded, sh_link and sh_info included, so the writer keeps loaded
 * sections and symbols at their indices: new ones go after them.
 *
 * The library never prints. Functions return 0 or a negative errno and, where
 * a caller needs more, fill a kelf_err with a one-line reason.
 */
#ifndef KPATCH_ELF_KELF_H
#define KPATCH_ELF_KELF_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kelf_sym;
struct kelf_sec;

struct kelf_err {
	char msg[512];
};

struct kelf_rela {
	const struct kelf_sec *sec;	/* the section it applies to */
	uint64_t offset;
	uint32_t type;
	int64_t addend;
	struct kelf_sym *sym;
	/* the SHT_RELA section holding it; NULL: the writer's .rela<name> of sec */
	struct kelf_sec *rsec;
};

struct kelf_sec {
	char *name;
	size_t index;		/* section header index; 0 until written */
	GElf_Shdr sh;		/* type, flags, entsize, addralign (size = size) */
	unsigned char *data;	/* NULL for SHT_NOBITS */
	size_t size;
	bool owns_data;

	struct kelf_rela *relas;	/* relocations applying to this section */
	size_t nrelas;
	size_t rela_cap;

	struct kelf_sec *target;	/* SHT_RELA: the section its relocations apply to */
	struct kelf_sym *secsym;	/* its STT_SECTION symbol, if any */
	struct kelf_sym *primary;	/* function/object at offset 0 (-f*-sections) */

	void *priv;		/* per-section state of whoever uses the model */
};

struct kelf_sym {
	char *name;
	size_t index;		/* symbol table index; 0 until written */
	unsigned char bind;	/* STB_* */
	unsigned char type;	/* STT_* */
	unsigned char other;	/* visibility */
	/*
	 * Original st_shndx. Without a section it is what the writer writes:
	 * SHN_UNDEF, SHN_ABS, SHN_COMMON or an OS-specific index (livepatch's).
	 */
	uint16_t shndx;
	uint64_t value;
	uint64_t size;
	struct kelf_sec *sec;	/* defining section, NULL if undefined/absolute */

	void *priv;
};

struct kelf {
	int fd;
	Elf *elf;		/* NULL for a built object */
	GElf_Ehdr ehdr;

	struct kelf_sec **secs;	/* without the null section, in index order */
	size_t nsecs;
	size_t sec_cap;

	struct kelf_sym **syms;	/* without the null symbol, in table order */
	size_t nsyms;
	size_t sym_cap;
};

/* kelf_load.c */
int kelf_open(const char *path, struct kelf **out, struct kelf_err *err);
/*
 * The section headers and the symbol table alone, of a relocatable object
 * or a linked executable (vmlinux): no section bytes (sec->data is NULL
 * but for the symbol and string tables), no relocations, and a symbol's
 * value is not checked against its section's size. For readers of names
 * and addresses, such as the kernel's symbol table.
 */
int kelf_open_symbols(const char *path, struct kelf **out, struct kelf_err *err);

/*
 * kelf_stream.c: the tables of an ELF file read from a stream (a pipe from
 * an unpacker) in two passes over it, written at their own offsets into
 * OUT, a sparse file kelf_open_symbols then reads like the original.
 * Pass one (headers) keeps the ELF and section headers; pass two (tables),
 * over a fresh stream of the same file, the symbol and string tables, and
 * it stops reading once past them. 0 or a negative errno with ERR filled.
 */
struct kelf_stream {
	Elf64_Shdr *shdrs;
	size_t nshdrs;
};
int kelf_stream_headers(int in, int out, struct kelf_stream *st, struct kelf_err *err);
int kelf_stream_tables(int in, int out, const struct kelf_stream *st, struct kelf_err *err);
void kelf_stream_free(struct kelf_stream *st);

/* kelf_build.c */
struct kelf *kelf_new(void);
void kelf_free(struct kelf *k);
struct kelf_sec *kelf_add_section(struct kelf *k, const char *name,
				  const GElf_Shdr *sh, const void *data,
				  size_t size);
struct kelf_sym *kelf_add_symbol(struct kelf *k, const char *name,
				 unsigned char bind, unsigned char type,
				 struct kelf_sec *sec, uint64_t value,
				 uint64_t size);
int kelf_add_rela(struct kelf_sec *sec, uint64_t offset, uint32_t type,
		  struct kelf_sym *sym, int64_t addend);
/*
 * An empty SHT_RELA section NAME for relocations of TARGET, appended to the
 * section list: a caller moves relocations of TARGET into it by pointing
 * their rsec at it. FLAGS are its own flags; SHF_INFO_LINK is added.
 */
struct kelf_sec *kelf_add_rela_section(struct kelf *k, const char *name,
				       struct kelf_sec *target, uint64_t flags);
/* Removes the relocations of SEC that DROP says to; returns how many went. */
size_t kelf_drop_relas(struct kelf_sec *sec,
		       bool (*drop)(const struct kelf_rela *r, void *arg), void *arg);
int kelf_rename_symbol(struct kelf_sym *y, const char *name);
int kelf_append_data(struct kelf_sec *s, const void *data, size_t size, uint64_t *off);

/* kelf_find.c */
struct kelf_sec *kelf_find_section(const struct kelf *k, const char *name);
struct kelf_sym *kelf_find_symbol(const struct kelf *k, const char *name);
struct kelf_sym *kelf_symbol_at(const struct kelf_sec *sec, uint64_t offset,
				const struct kelf *k);
const struct kelf_rela *kelf_first_rela(const struct kelf_sec *s, uint64_t offset);
/* One past the last relocation of S; NULL, like kelf_first_rela, when it has none. */
static inline const struct kelf_rela *kelf_end_rela(const struct kelf_sec *s)
{
	return s->relas ? s->relas + s->nrelas : NULL;
}
bool kelf_rela_is_pcrel(uint32_t type);
int64_t kelf_rela_target_offset(const struct kelf_rela *r, bool in_code);
struct kelf_sym *kelf_rela_target_symbol(const struct kelf_rela *r, bool in_code,
					 const struct kelf *k, int64_t *offset);

/*
 * kelf_write.c: writes K to PATH through a temporary file renamed over it.
 * A loaded object whose sections or symbols moved from their loaded indices
 * is refused (-EINVAL): their raw links would point at the wrong ones.
 */
int kelf_write(struct kelf *k, const char *path, struct kelf_err *err);

#endif
