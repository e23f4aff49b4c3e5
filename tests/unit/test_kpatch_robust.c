// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile input to the manager's library: module names that would escape
 * a directory, malformed ELF files (targeted and mutated), a damaged
 * withdrawn list, FIFOs, files others may write, corrupt sysfs state and
 * a module with 20,000 functions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/regfile.h"
#include "kpatchlib/kernel.h"
#include "kpatchlib/live.h"
#include "kpatchlib/modfile.h"
#include "kpatchlib/names.h"
#include "kpatchlib/origin.h"
#include "kpatchlib/store.h"
#include "kpatchlib/withdrawn.h"
#include "test_kpatch_fake.h"

static int setup(void **state)
{
	fake_setup();
	/* A FIFO opened for reading blocks: a hang fails the test instead. */
	alarm(120);
	return 0;
}

static int teardown(void **state)
{
	alarm(0);
	fake_teardown();
	return 0;
}

static int exists(const char *rel)
{
	struct stat st;

	return lstat(fake_path(rel), &st) == 0;
}

static void test_name_rules(void **state)
{
	char n55[56], n56[57], q[32];

	memset(n55, 'a', 55);
	n55[55] = '\0';
	memset(n56, 'a', 56);
	n56[56] = '\0';
	assert_true(kp_name_ok("kpatch_fix-1"));
	assert_true(kp_name_ok(n55));	/* MODULE_NAME_LEN - 1 on x86_64 6.1 */
	assert_string_equal(kp_name_problem(n56), "is longer than the kernel's limit of 55 characters");
	assert_string_equal(kp_name_problem(""), "is empty");
	assert_string_equal(kp_name_problem("../x"), "has a '/'");
	assert_string_equal(kp_name_problem("a.b"), "has a character other than letters, digits, '_' and '-'");
	assert_string_equal(kp_name_problem("a/b"), "has a '/'");
	assert_string_equal(kp_name_problem("a\nb"), "has a control character");
	assert_string_equal(kp_name_problem("a b"), "has a space");
	assert_true(kp_release_ok(FAKE_KREL));
	assert_true(kp_release_ok("5.14.0-362.8.1.el9_3.x86_64+debug"));
	assert_string_equal(kp_release_problem(".."), "starts with '.'");
	assert_string_equal(kp_release_problem("6.1/../x"), "has a '/'");
	assert_string_equal(kp_escape("a\n\x1b[1m\\", q, sizeof(q)), "a\\x0a\\x1b[1m\\\\");
	assert_string_equal(kp_escape("0123456789abcdef", q, 10), "012345...");
}

/* A module whose name would be a path, a line break or too long. */
static void test_modinfo_name_refused(void **state)
{
	static const struct { const char *c_name, *shown, *why; } cases[] = {
		{ "./../../esc/ESCAPED", "./../../esc/ESCAPED", "has a '/'" },
		{ "kp_a\\nkp_forged (" FAKE_KREL ")", "kp_a\\x0akp_forged (" FAKE_KREL ")", "has a control character" },
		{ "kp_\\033[31mred", "kp_\\x1b[31mred", "has a control character" },
		{ "..", "..", "has a character other than letters, digits, '_' and '-'" },
		{ "a234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890",
		  NULL, "is longer than the kernel's limit of 55 characters" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake_ko_opts o = { .name = cases[i].c_name, .livepatch = 1, .funcs = { "f" } };
		struct kp_modfile mf;
		struct kp_err err = { 0 };
		char rel[64], want[512];

		snprintf(rel, sizeof(rel), "m/bad%zu.ko", i);
		print_message("name %s\n", cases[i].c_name);
		assert_int_equal(kp_modfile_open(fake_ko(rel, &o), 0, &mf, &err), -1);
		assert_int_equal(err.class, KP_E_INVALID);
		snprintf(want, sizeof(want), "%s: module info name '%s' is not a module name (%s)", fake_path(rel),
			 cases[i].shown ? cases[i].shown : cases[i].c_name, cases[i].why);
		assert_string_equal(err.msg, want);
		assert_null(strchr(err.msg, '\n'));
		assert_null(strchr(err.msg, '\033'));
	}
}

static void test_modinfo_name_at_the_limit(void **state)
{
	struct fake_ko_opts o = { .name = "a234567890123456789012345678901234567890123456789012345",
				  .livepatch = 1, .funcs = { "f" } };
	struct kp_modfile mf;

	assert_int_equal(kp_modfile_open(fake_ko("m/long.ko", &o), 0, &mf, NULL), 0);
	assert_string_equal(mf.name, o.name);	/* 55 characters, kept whole */
	kp_modfile_close(&mf);
}

/* The library's path builders refuse what is not a name, whoever calls them. */
static void test_paths_refuse_traversal(void **state)
{
	struct kp_err err = { 0 };
	enum kp_live_state st;
	char path[4096];

	fake_write("victim", "keep\n");
	fake_write("sys/other/enabled", "1\n");
	fake_write("sys/other/transition", "0\n");
	fake_mkdir("run/transition");
	fake_mkdir("run/loaded");
	/* The transition record and the load record: nothing outside /run/kpatch. */
	kp_transition_clear("../../victim");
	kp_origin_clear("../../victim");
	assert_true(exists("victim"));
	kp_transition_mark("../../made");
	kp_origin_record("../../made", fake_path("victim"));
	assert_false(exists("made"));
	/* Asking for one: -1 and the reason, never a read outside /run/kpatch. */
	assert_int_equal(kp_origin_path("../../victim", path, sizeof(path), &err), -1);
	assert_int_equal(err.class, KP_E_INVALID);
	assert_int_equal(kp_origin_path("kp_none", path, sizeof(path), &err), -1);
	assert_int_equal(err.class, KP_E_NOTFOUND);
	kp_origin_record("kp_rec", fake_path("victim"));
	assert_int_equal(kp_origin_path("kp_rec", path, sizeof(path), NULL), 0);
	assert_non_null(strstr(path, "/victim"));
	/* sysfs: no patch named ../../other. */
	assert_int_equal(kp_patch_state("../../other", &st), -EINVAL);
	assert_int_equal(kp_patch_enable("../../other", 0, &err), -1);
	assert_int_equal(err.class, KP_E_USAGE);
	assert_string_equal(err.msg, "patch '../../other' is not a module name (has a '/')");
	{
		FILE *f = fopen(fake_path("sys/other/enabled"), "r");
		char v[8] = "";

		assert_non_null(f);
		assert_non_null(fgets(v, sizeof(v), f));
		fclose(f);
		assert_string_equal(v, "1\n");
	}
	/* The store. */
	assert_int_equal(kp_store_path(FAKE_KREL, "../x", path, sizeof(path)), -EINVAL);
	assert_int_equal(kp_store_path("..", "x", path, sizeof(path)), -EINVAL);
	assert_int_equal(kp_store_uninstall(FAKE_KREL, "../../victim", &err), -1);
	assert_int_equal(err.class, KP_E_USAGE);
	assert_true(exists("victim"));
}

/* Listings: a file named like no module is left out, counted and shown escaped. */
static void test_listing_names_checked(void **state)
{
	struct kp_names names;
	struct kp_err err = { 0 };
	struct kp_live live;

	fake_write("lib/" FAKE_KREL "/kp_ok.ko", "x");
	fake_write("lib/" FAKE_KREL "/kp bad\n.ko", "x");
	assert_int_equal(kp_store_list(FAKE_KREL, &names, &err), 0);
	assert_int_equal(names.n, 1);
	assert_string_equal(names.v[0], "kp_ok");
	assert_int_equal(names.nbad, 1);
	assert_string_equal(names.bad, "kp bad\\x0a.ko");
	kp_names_free(&names);
	fake_patch("kp_live", 1, 0, NULL);
	fake_mkdir("sys/kernel/livepatch/bad name");
	assert_int_equal(kp_live_read(&live, &err), 0);
	assert_int_equal(live.n, 1);
	assert_string_equal(live.p[0].name, "kp_live");
	kp_live_free(&live);
}

static void test_corrupt_sysfs_state(void **state)
{
	struct kp_live live;
	struct kp_err err = { 0 };
	enum kp_live_state st;

	fake_patch("kp_c", 1, 1, NULL);
	fake_write("sys/kernel/livepatch/kp_c/enabled", "2\n");
	assert_int_equal(kp_patch_state("kp_c", &st), -EINVAL);
	assert_int_equal(st, KP_LIVE_INVALID);
	assert_int_equal(kp_live_read(&live, &err), 0);
	assert_int_equal(live.n, 1);
	assert_int_equal(live.p[0].state, KP_LIVE_INVALID);
	assert_string_equal(kp_live_state_name(live.p[0].state), "invalid");
	assert_string_equal(live.p[0].why, "sysfs enabled reads '2', not 0 or 1");
	kp_live_free(&live);
	fake_write("sys/kernel/livepatch/kp_c/enabled", "1\n");
	fake_write("sys/kernel/livepatch/kp_c/transition", "\x01\n");
	{
		char why[64];

		assert_int_equal(kp_patch_state_why("kp_c", &st, why, sizeof(why)), -EINVAL);
		assert_string_equal(why, "sysfs transition reads '\\x01', not 0 or 1");
	}
	fake_write("sys/kernel/livepatch/kp_c/transition", "1\n");
	assert_int_equal(kp_patch_state("kp_c", &st), 0);
	assert_int_equal(st, KP_LIVE_PATCHING);
}

static void write_bytes(const char *rel, const void *buf, size_t len)
{
	FILE *f;

	fake_write(rel, "");
	f = fopen(fake_path(rel), "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

/* A string literal's bytes, NULs included, without the terminating one. */
#define WRITE_LIT(rel, lit) write_bytes(rel, lit, sizeof(lit) - 1)

static void test_withdrawn_fails_closed(void **state)
{
	struct kp_withdrawn w;
	struct kp_err err = { 0 };
	char want[4200];

	/* A zero-filled tail (a crash while writing): the rest must not be ignored. */
	WRITE_LIT("etc/withdrawn", "other\n\0\0\0\0kp_new\n");
	assert_int_equal(kp_withdrawn_load(&w, &err), -1);
	snprintf(want, sizeof(want), "%s:2: NUL byte in the withdrawn list; the file is damaged, refusing to trust it",
		 fake_path("etc/withdrawn"));
	assert_string_equal(err.msg, want);
	WRITE_LIT("etc/withdrawn", "\0\0\0\0\0\0\0\0");
	assert_int_equal(kp_withdrawn_load(&w, &err), -1);
	assert_non_null(strstr(err.msg, "withdrawn:1: NUL byte"));
	/* A control character anywhere, comments included. */
	WRITE_LIT("etc/withdrawn", "# note\x1b[2J\n");
	assert_int_equal(kp_withdrawn_load(&w, &err), -1);
	assert_non_null(strstr(err.msg, "withdrawn:1: control character \\x1b in the withdrawn list"));
	/* CRLF and tabs are clean text. */
	WRITE_LIT("etc/withdrawn", "kp_a\r\n\tkp_b # x\r\n");
	assert_int_equal(kp_withdrawn_load(&w, &err), 0);
	assert_int_equal(w.n, 2);
	kp_withdrawn_free(&w);
	/* A name the kernel would refuse is no entry either. */
	WRITE_LIT("etc/withdrawn", "kp_a@../x\n");
	assert_int_equal(kp_withdrawn_load(&w, &err), -1);
	assert_non_null(strstr(err.msg, "withdrawn:1: '../x' is not a kernel release (has a '/')"));
	/* A directory says so. */
	assert_int_equal(unlink(fake_path("etc/withdrawn")), 0);
	fake_mkdir("etc/withdrawn");
	assert_int_equal(kp_withdrawn_load(&w, &err), -1);
	snprintf(want, sizeof(want), "%s is a directory, not a withdrawn list file", fake_path("etc/withdrawn"));
	assert_string_equal(err.msg, want);
	assert_int_equal(rmdir(fake_path("etc/withdrawn")), 0);
	/* So does a directory among the packages' files, and a FIFO does not hang. */
	fake_mkdir("etc/withdrawn.d/sub");
	assert_int_equal(kp_withdrawn_load(&w, &err), -1);
	assert_non_null(strstr(err.msg, "withdrawn.d/sub is a directory, not a withdrawn list file"));
	assert_int_equal(rmdir(fake_path("etc/withdrawn.d/sub")), 0);
	assert_int_equal(mkfifo(fake_path("etc/withdrawn.d/fifo"), 0644), 0);
	assert_int_equal(kp_withdrawn_load(&w, &err), -1);
	assert_non_null(strstr(err.msg, "withdrawn.d/fifo is not a regular file"));
}

static void test_fifo_does_not_hang(void **state)
{
	struct kp_modfile mf;
	struct kp_err err = { 0 };

	fake_mkdir("m");
	assert_int_equal(mkfifo(fake_path("m/x.ko"), 0644), 0);
	assert_int_equal(kp_modfile_open(fake_path("m/x.ko"), 0, &mf, &err), -1);
	assert_int_equal(err.class, KP_E_INVALID);
	assert_non_null(strstr(err.msg, "m/x.ko: not a regular file"));
	assert_int_equal(kp_modfile_open(fake_path("m/x.ko"), KP_OPEN_STRICT, &mf, &err), -1);
	assert_non_null(strstr(err.msg, "not a regular file"));
}

static void test_owner_and_group_write(void **state)
{
	struct fake_ko_opts o = { .name = "kp_w", .livepatch = 1, .funcs = { "f" } };
	struct kp_modfile mf;
	struct kp_err err = { 0 };
	const char *ko = fake_ko("m/kp_w.ko", &o);

	chmod(ko, 0664);
	assert_int_equal(kp_modfile_open(ko, 0, &mf, &err), -1);
	assert_int_equal(err.class, KP_E_INVALID);
	assert_non_null(strstr(err.msg, "kp_w.ko: writable by its group (mode 0664); refusing to use it"));
	chmod(ko, 0644);
	if (geteuid() == 0) {
		/* Another owner may rewrite it between the checks and finit_module. */
		assert_int_equal(chown(ko, 4321, (gid_t)-1), 0);
		assert_int_equal(kp_modfile_open(ko, 0, &mf, &err), -1);
		assert_non_null(strstr(err.msg, "kp_w.ko: owned by uid 4321, not by root; refusing to use it (chown root)"));
		assert_int_equal(chown(ko, 0, (gid_t)-1), 0);
	}
	assert_int_equal(kp_modfile_open(ko, 0, &mf, &err), 0);
	kp_modfile_close(&mf);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Open a (damaged) copy: success, or one clean line of class INVALID/SYSTEM. */
static int try_open(const unsigned char *buf, size_t len, struct kp_err *err)
{
	struct kp_modfile mf;

	memset(err, 0, sizeof(*err));
	write_bytes("m/mut.ko", buf, len);
	chmod(fake_path("m/mut.ko"), 0644);
	if (kp_modfile_open(fake_path("m/mut.ko"), 0, &mf, err) == 0) {
		kp_modfile_close(&mf);
		return 0;
	}
	assert_true(err->class == KP_E_INVALID || err->class == KP_E_SYSTEM);
	assert_true(err->msg[0]);
	assert_null(strchr(err->msg, '\n'));
	return -1;
}

static void put16(unsigned char *p, uint16_t v) { memcpy(p, &v, 2); }
static uint16_t get16(const unsigned char *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint64_t get64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* The two-byte change that made libkmod abort: e_shstrndx. */
static void test_bad_shstrndx(void **state)
{
	struct fake_ko_opts o = { .name = "kp_m", .livepatch = 1, .funcs = { "f" } };
	struct kp_err err;
	size_t len;
	unsigned char *orig = slurp(fake_ko("m/kp_m.ko", &o), &len), *buf = malloc(len);
	uint16_t shnum = get16(orig + 0x3c), shstrndx = get16(orig + 0x3e);
	const uint16_t values[] = { (uint16_t)(shstrndx + 2), shnum, (uint16_t)(shnum + 100), 0, 0xffff, SHN_XINDEX };

	assert_non_null(buf);
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		memcpy(buf, orig, len);
		put16(buf + 0x3e, values[i]);
		assert_int_equal(try_open(buf, len, &err), -1);
		assert_non_null(strstr(err.msg, "m/mut.ko: "));
		assert_non_null(strstr(err.msg, "not a valid kernel module (section name table index out of range)"));
	}
	/* The section table cut off, a section pointing past the end, no .modinfo. */
	assert_int_equal(try_open(orig, get64(orig + 0x28) + 64, &err), -1);
	assert_non_null(strstr(err.msg, "section header table outside the file"));
	free(orig);
	free(buf);
}

/*
 * Mutation: a few hundred damaged copies of a module-shaped object, each
 * opened like `kpatch info` does. The test fails on any crash (libkmod's
 * assertions abort; ASan and UBSan in `make check-san`), a hang (alarm),
 * or an error that is not one clean line.
 */
#define MUTATIONS 400	/* KPT_MUTATIONS=N for a longer run */

static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* A section header field, a symbol or relocation field, or random bytes. */
static void mutate(unsigned char *b, size_t len, uint32_t *s)
{
	uint64_t shoff = get64(b + 0x28);
	uint16_t shnum = get16(b + 0x3c);
	static const unsigned char shfield[] = { 0, 4, 24, 32, 40, 44, 56 };
	unsigned int kind = rnd(s) % 5, n;
	size_t at;

	switch (kind) {
	case 0:	/* header: counts and indexes */
		at = (size_t[]){ 0x28, 0x3a, 0x3c, 0x3e, 0x04, 0x05, 0x10, 0x12 }[rnd(s) % 8];
		b[at + (rnd(s) & 1)] ^= (unsigned char)(1u << (rnd(s) % 8));
		break;
	case 1:	/* one field of one section header */
	case 2: {
		size_t sec = shoff + (size_t)(rnd(s) % shnum) * 64 + shfield[rnd(s) % sizeof(shfield)];

		if (sec + 8 > len)
			break;
		if (rnd(s) & 1)
			b[sec + rnd(s) % 4] = (unsigned char)rnd(s);
		else
			b[sec] ^= (unsigned char)(1u << (rnd(s) % 8));
		break;
	}
	default: /* random bytes anywhere: symbols, relocations, strings, data */
		for (n = 1 + rnd(s) % 4; n; n--) {
			at = rnd(s) % len;
			b[at] = (unsigned char)rnd(s);
		}
	}
}

static void test_mutations_never_crash(void **state)
{
	struct fake_ko_opts o = { .name = "kp_mut", .livepatch = 1, .cves = "CVE-2099-1",
				  .funcs = { "a_fn", "b_fn", "c_fn" }, .object2 = "ext4",
				  .funcs2 = { "x_fn", "y_fn" }, .owner_struct = 1 };
	struct kp_err err;
	size_t len, ok = 0, refused = 0;
	unsigned char *orig = slurp(fake_ko("m/kp_mut.ko", &o), &len), *buf = malloc(len);
	uint32_t seed = 12345;
	int runs = getenv("KPT_MUTATIONS") ? atoi(getenv("KPT_MUTATIONS")) : MUTATIONS;

	assert_non_null(buf);
	assert_true(runs > 0);
	assert_int_equal(try_open(orig, len, &err), 0);
	for (int i = 0; i < runs; i++) {
		memcpy(buf, orig, len);
		mutate(buf, len, &seed);
		if (rnd(&seed) % 3 == 0)
			mutate(buf, len, &seed);
		if (try_open(buf, len, &err))
			refused++;
		else
			ok++;
	}
	print_message("%d mutations: %zu opened, %zu refused with one line\n", runs, ok, refused);
	/* Both outcomes occur: the mutations reach the checks and get past them. */
	assert_true(refused > (size_t)runs / 10);
	assert_true(ok > (size_t)runs / 10);
	free(orig);
	free(buf);
}

/* A module with n klp_func entries in one vmlinux klp_object. */
static const char *many_funcs_ko(const char *rel, int n)
{
	char src[4300], out[4200], cmd[9000];
	FILE *f;

	snprintf(out, sizeof(out), "%s", fake_path(rel));
	snprintf(src, sizeof(src), "%s.c", out);
	fake_write(rel, "");
	f = fopen(src, "w");
	assert_non_null(f);
	fprintf(f, "struct module { int x; };\nstruct module __this_module;\n"
		   "struct klp_func { const char *old_name; void *new_func; unsigned long old_sympos; char internal[176]; };\n"
		   "struct klp_object { const char *name; struct klp_func *funcs; void *cb[4]; char internal[128]; };\n"
		   "struct klp_patch { struct module *mod; struct klp_object *objs; void *states; _Bool replace; char internal[200]; };\n"
		   "static int new_fn(void) { return 1; }\nstatic struct klp_func funcs[] = {\n");
	for (int i = 0; i < n; i++)
		fprintf(f, "{ \"fn_%05d\", new_fn, %d },\n", i, i % 3);
	fprintf(f, "{ 0 } };\nstatic struct klp_object objs[] = { { .funcs = funcs }, { 0 } };\n"
		   "struct klp_patch patch = { .mod = &__this_module, .objs = objs };\n"
		   "__attribute__((section(\".modinfo\"), used)) static const char info[] =\n"
		   "  \"name=kp_many\\0\" \"vermagic=" FAKE_KREL " SMP\\0\" \"livepatch=Y\\0\";\n");
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s -c -O0 -fmerge-constants -o '%s' '%s'", getenv("CC") ? getenv("CC") : "cc", out, src);
	assert_int_equal(system(cmd), 0);
	chmod(out, 0644);
	return fake_path(rel);
}

/* The function-list reader scales: 20,000 entries read, in order, exactly. */
static void test_twenty_thousand_functions(void **state)
{
	struct kp_modfile mf;
	struct kp_err err = { 0 };
	char want[32];

	if (kp_modfile_open(many_funcs_ko("m/many.ko", 20000), 0, &mf, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(mf.funcs.n, 20000);
	for (size_t i = 0; i < mf.funcs.n; i++) {
		snprintf(want, sizeof(want), "fn_%05zu", i);
		assert_string_equal(mf.funcs.f[i].name, want);
		assert_string_equal(mf.funcs.f[i].object, "vmlinux");
		assert_int_equal(mf.funcs.f[i].sympos, i % 3 ? i % 3 : 1);
	}
	kp_modfile_close(&mf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_rules),
		cmocka_unit_test_setup_teardown(test_modinfo_name_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modinfo_name_at_the_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths_refuse_traversal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listing_names_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_sysfs_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_withdrawn_fails_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_does_not_hang, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owner_and_group_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_shstrndx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mutations_never_crash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_twenty_thousand_functions, setup, teardown),
	};

	return cmocka_run_group_tests_name("kpatch_robust", tests, NULL, NULL);
}
