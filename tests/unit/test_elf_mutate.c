// SPDX-License-Identifier: GPL-2.0
/*
 * Mutation test of the loader and the differ: a compiled object (functions,
 * strings, data, bss, a static local, relocations of several kinds) is
 * changed in a few hundred seeded ways: random bytes anywhere, and header,
 * symbol and relocation fields set to the values that break readers (0,
 * the last and one-past-the-last index, reserved indexes, huge values).
 * Each mutant must either be refused by kelf_open with one line naming the
 * file, or load, and then the differ must run on it against the original,
 * both ways, to a result. A crash, or an ASan/UBSan report under
 * `make check-san`, fails the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diff_fixture.h"
#include "elf_edit.h"

/* KPATCH_MUTANTS and KPATCH_MUTATION_SEED run a longer campaign by hand. */
static int mutants = 400;

static const char src[] =
	"static int counter;\n"
	"int limit[4] = { 1, 2, 3, 4 };\n"
	"static const char *const names[] = { \"one\", \"two\", \"three\" };\n"
	"static noinline int helper(int x) { static int calls; calls++; return x + calls; }\n"
	"int show(struct seq_file *m) { seq_puts(m, \"hello\"); seq_printf(m, \"%d\", helper(counter)); return ++counter; }\n"
	"const char *name_of(int i) { return i < 3 ? names[i] : \"many\"; }\n"
	"int get(int i) { if (unlikely(i > 3)) return -1; return limit[i] + helper(i); }\n";

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Values that probe bounds of a field whose limit is N. */
static uint64_t nasty(uint64_t n, uint64_t cur)
{
	static const uint64_t fixed[] = { 0, 1, 0xff00, 0xfff1, 0xfff2, 0xffff, 0xff20,
					  0x7fffffff, 0xffffffff, ~0ULL, 1ULL << 40 };

	switch (rnd() % 6) {
	case 0: return n ? n - 1 : 0;
	case 1: return n;
	case 2: return n + 1 + rnd() % 8;
	case 3: return cur ^ (1ULL << (rnd() % 64));
	case 4: return cur + (rnd() % 16) - 8;
	default: return fixed[rnd() % (sizeof(fixed) / sizeof(fixed[0]))];
	}
}

/*
 * Fields are found in the pristine object and written at the same offset
 * of the mutant, so an earlier edit never sends a later one astray.
 */
static const struct eobj *pristine;

static void *at(struct eobj *o, const void *p)
{
	return o->buf + ((const unsigned char *)p - pristine->buf);
}

static void set_field(struct eobj *o, const void *p, size_t width, uint64_t v)
{
	memcpy(at(o, p), &v, width);	/* little-endian host, like the object */
}

static void mutate_shdr(struct eobj *o)
{
	size_t i = 1 + rnd() % (eobj_shnum(pristine) - 1);
	Elf64_Shdr *sh = eobj_shdr(pristine, i);
	uint64_t n = eobj_shnum(pristine);

	switch (rnd() % 7) {
	case 0: set_field(o, &sh->sh_name, 4, nasty(256, sh->sh_name)); break;
	case 1: set_field(o, &sh->sh_type, 4, rnd() % 20); break;
	case 2: set_field(o, &sh->sh_link, 4, nasty(n, sh->sh_link)); break;
	case 3: set_field(o, &sh->sh_info, 4, nasty(n, sh->sh_info)); break;
	case 4: set_field(o, &sh->sh_size, 8, nasty(sh->sh_size, sh->sh_size)); break;
	case 5: set_field(o, &sh->sh_offset, 8, nasty(o->len, sh->sh_offset)); break;
	default: set_field(o, &sh->sh_flags, 8, sh->sh_flags ^ (1ULL << (rnd() % 12))); break;
	}
}

static void mutate_sym(struct eobj *o)
{
	size_t i = 1 + rnd() % (eobj_nsyms(pristine) - 1);
	Elf64_Sym *y = eobj_sym(pristine, i);

	switch (rnd() % 5) {
	case 0: set_field(o, &y->st_shndx, 2, nasty(eobj_shnum(pristine), y->st_shndx)); break;
	case 1: set_field(o, &y->st_name, 4, nasty(1024, y->st_name)); break;
	case 2: set_field(o, &y->st_info, 1, rnd()); break;
	case 3: set_field(o, &y->st_value, 8, nasty(64, y->st_value)); break;
	default: set_field(o, &y->st_size, 8, nasty(64, y->st_size)); break;
	}
}

static void mutate_rela(struct eobj *o)
{
	const struct eobj *p = pristine;
	size_t n = eobj_shnum(p), i, tries;
	Elf64_Rela *r;

	for (tries = 0; tries < 16; tries++) {
		i = 1 + rnd() % (n - 1);
		if (eobj_shdr(p, i)->sh_type == SHT_RELA && eobj_shdr(p, i)->sh_size)
			break;
	}
	if (tries == 16)
		return;
	r = eobj_rela(p, i, rnd() % (eobj_shdr(p, i)->sh_size / sizeof(Elf64_Rela)));
	switch (rnd() % 4) {
	case 0: set_field(o, &r->r_info, 8, ELF64_R_INFO(nasty(eobj_nsyms(p), ELF64_R_SYM(r->r_info)),
							 ELF64_R_TYPE(r->r_info))); break;
	case 1: set_field(o, &r->r_info, 8, ELF64_R_INFO(ELF64_R_SYM(r->r_info), rnd() % 43)); break;
	case 2: set_field(o, &r->r_offset, 8, nasty(256, r->r_offset)); break;
	default: set_field(o, &r->r_addend, 8, nasty(64, (uint64_t)r->r_addend)); break;
	}
}

static void mutate_bytes(struct eobj *o)
{
	size_t i = rnd() % o->len;

	o->buf[i] = rnd() % 3 ? (unsigned char)rnd() : (rnd() % 2 ? 0 : 0xff);
}

static void mutate(struct eobj *o)
{
	int n = 1 + (int)(rnd() % 3);

	while (n--) {
		switch (rnd() % 4) {
		case 0: mutate_shdr(o); break;
		case 1: mutate_sym(o); break;
		case 2: mutate_rela(o); break;
		default: mutate_bytes(o); break;
		}
	}
}

static void diff_both_ways(const char *a, const char *b)
{
	struct kdiff_opts opts = { .object = "vmlinux" };
	struct kdiff_result res;
	enum kdiff_status st;

	st = kdiff_run(a, b, &opts, &res);
	assert_true(st == KDIFF_CHANGED || st == KDIFF_NO_CHANGE || st == KDIFF_REFUSED ||
		    st == KDIFF_ERROR);
	kdiff_result_free(&res);
	st = kdiff_run(b, a, &opts, &res);
	assert_true(st == KDIFF_CHANGED || st == KDIFF_NO_CHANGE || st == KDIFF_REFUSED ||
		    st == KDIFF_ERROR);
	kdiff_result_free(&res);
}

static void mutants_never_crash(void **state)
{
	struct fx *f = *state;
	struct eobj orig, o;
	int refused = 0, loaded = 0;
	char prefix[320];

	if (getenv("KPATCH_MUTANTS"))
		mutants = atoi(getenv("KPATCH_MUTANTS"));
	if (getenv("KPATCH_MUTATION_SEED"))
		rng_state = strtoull(getenv("KPATCH_MUTATION_SEED"), NULL, 0) | 1;
	fx_compile(f, src, f->orig);
	eobj_read(&orig, f->orig);
	pristine = &orig;
	snprintf(prefix, sizeof(prefix), "%s: ", f->patched);
	o.len = orig.len;
	o.buf = malloc(orig.len);
	assert_non_null(o.buf);
	for (int i = 0; i < mutants; i++) {
		struct kelf_err err = { "" };
		struct kelf *k;

		memcpy(o.buf, orig.buf, orig.len);
		mutate(&o);
		eobj_write(&o, f->patched);
		if (kelf_open(f->patched, &k, &err)) {
			if (strncmp(err.msg, prefix, strlen(prefix)) || strchr(err.msg, '\n') ||
			    strlen(err.msg) == strlen(prefix))
				fail_msg("mutant %d: not one line naming the file: %s", i, err.msg);
			refused++;
			continue;
		}
		kelf_free(k);
		loaded++;
		diff_both_ways(f->orig, f->patched);
	}
	eobj_free(&o);
	eobj_free(&orig);
	print_message("%d mutants: %d refused by the loader, %d loaded and diffed both ways\n",
		      mutants, refused, loaded);
	/* both paths were exercised, or the mutations say nothing */
	assert_true(refused > mutants / 10);
	assert_true(loaded > mutants / 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(mutants_never_crash, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
