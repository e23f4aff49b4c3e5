// SPDX-License-Identifier: GPL-2.0
/*
 * File symbols: same-named locals placed exactly by the file that defines
 * them, from a linked file's own table, from a saved file list attached to
 * a System.map, and from a table read off a stream; refusals where even
 * the files cannot tell.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "build_fixture.h"
#include "elf/kelf.h"
#include "klp/ksyms.h"
#include "klp/sympos.h"

/*
 * Two ACPICA-like files, each with its own read-only _acpi_module_name in
 * the middle of everyone's read-only data (so its neighbours say nothing),
 * and two files named core.c with a static show each, told apart by their
 * other statics; a third core.c has exactly x/core.c's statics.
 */
#define ACPI_FILE(n) \
	"static const char _acpi_module_name[] = \"" n "\";\n" \
	"const char *" n "_name(int x);\n" \
	"const char *" n "_name(int x) { return _acpi_module_name + x; }\n"

static const char *const sources[][2] = {
	{ "dsmethod", ACPI_FILE("dsmethod") },
	{ "rodata_mid", "const char mid_table[] = \"between\";\n" },
	{ "dsmthdat", ACPI_FILE("dsmthdat") },
	{ "x/core",
	  "static int x_state;\n"
	  "static __attribute__((noinline)) int show(int v) { return v + x_state++; }\n"
	  "int x_entry(int v);\n"
	  "int x_entry(int v) { return show(v); }\n" },
	{ "y/core",
	  "static int y_state;\n"
	  "static __attribute__((noinline)) int show(int v) { return v * y_state--; }\n"
	  "int y_entry(int v);\n"
	  "int y_entry(int v) { return show(v); }\n" },
};

static struct objsyms objs[5];
static char vmlinux[256], sysmap[256];

static int setup(void **state)
{
	const char *ld[16] = { "ld", "-Ttext=0xffffffff81000000", "-e", "0", "-o", "vmlinux" };
	static char names[5][64];
	size_t n = 6;

	for (size_t i = 0; i < 5; i++) {
		if (objsyms_load(fx_compile(sources[i][0], sources[i][1]), &objs[i]))
			return -1;
		snprintf(names[i], sizeof(names[i]), "%s.o", sources[i][0]);
		ld[n++] = names[i];
	}
	ld[n] = NULL;
	fx_run(NULL, ld);
	snprintf(vmlinux, sizeof(vmlinux), "%s/vmlinux", fx_dir());
	snprintf(sysmap, sizeof(sysmap), "%s",
		 fx_run("System.map", (const char *const[]){ "nm", "-n", "vmlinux", NULL }));
	return 0;
}

static int teardown(void **state)
{
	for (size_t i = 0; i < 5; i++)
		objsyms_free(&objs[i]);
	fx_cleanup();
	return 0;
}

/* The sympos of name for object i in table ks, or -errno. */
static long pos_of(const struct ksyms *ks, const char *name, size_t i)
{
	unsigned long pos;
	int err = ksyms_sympos(ks, name, true, &objs[i], &pos);

	return err ? err : (long)pos;
}

static void object_knows_its_file(void **state)
{
	assert_string_equal(objs[0].file, "dsmethod.c");
	assert_string_equal(objs[3].file, "core.c");
}

static void linked_table_places_each_local(void **state)
{
	struct ksyms ks;

	assert_int_equal(ksyms_load_elf(vmlinux, &ks), 0);
	assert_int_equal(ks.nfiles, 5);
	assert_int_equal(pos_of(&ks, "_acpi_module_name", 0), 1);
	assert_int_equal(pos_of(&ks, "_acpi_module_name", 2), 2);
	/* same file name, other statics */
	assert_int_equal(pos_of(&ks, "show", 3), 1);
	assert_int_equal(pos_of(&ks, "show", 4), 2);
	ksyms_free(&ks);
}

static void map_alone_refuses_then_file_list_places(void **state)
{
	char *list = fx_write("file-symbols", "");
	struct ksyms elf, map;

	assert_int_equal(ksyms_load_map(sysmap, &map), 0);
	assert_int_equal(map.nfiles, 0);
	/* neighbours of read-only data are other files' data: no answer */
	assert_int_equal(pos_of(&map, "_acpi_module_name", 0), -EEXIST);

	assert_int_equal(ksyms_load_elf(vmlinux, &elf), 0);
	assert_int_equal(ksyms_save_files(&elf, list), 0);
	assert_int_equal(ksyms_attach_files(&map, list), 0);
	assert_int_equal(map.nfiles, 5);
	assert_int_equal(pos_of(&map, "_acpi_module_name", 0), 1);
	assert_int_equal(pos_of(&map, "_acpi_module_name", 2), 2);
	assert_int_equal(pos_of(&map, "show", 4), 2);
	ksyms_free(&elf);
	ksyms_free(&map);
}

static void twin_files_are_ambiguous(void **state)
{
	char *twin = fx_compile("z/core",
		"static int x_state;\n"
		"static __attribute__((noinline)) int show(int v) { return v - x_state++; }\n"
		"int z_entry(int v);\n"
		"int z_entry(int v) { return show(v); }\n");
	const char *ld[] = { "ld", "-Ttext=0xffffffff81000000", "-e", "0", "-o", "twins",
			     "x/core.o", "z/core.o", NULL };
	struct objsyms oz;
	struct ksyms ks;
	unsigned long pos;
	char path[256];

	assert_non_null(twin);
	fx_run(NULL, ld);
	snprintf(path, sizeof(path), "%s/twins", fx_dir());
	assert_int_equal(ksyms_load_elf(path, &ks), 0);
	assert_int_equal(objsyms_load(twin, &oz), 0);
	/* z/core.c's statics are x/core.c's: either file could be ours */
	assert_int_equal(pos_of(&ks, "show", 3), -EEXIST);
	assert_int_equal(ksyms_sympos(&ks, "show", true, &oz, &pos), -EEXIST);
	objsyms_free(&oz);
	ksyms_free(&ks);
}

static void malformed_file_list_is_einval(void **state)
{
	struct ksyms map;

	assert_int_equal(ksyms_load_map(sysmap, &map), 0);
	assert_int_equal(ksyms_attach_files(&map, fx_write("bad1", "not the header\n")), -EINVAL);
	assert_int_equal(ksyms_attach_files(&map, fx_write("bad2",
		"# kpatch-build file symbols 1\nffffffff81000000 before_any_file\n")), -EINVAL);
	assert_int_equal(ksyms_attach_files(&map, fx_write("bad3",
		"# kpatch-build file symbols 1\nF a.c\nzz\n")), -EINVAL);
	assert_int_equal(map.nfiles, 0);
	assert_int_equal(ksyms_attach_files(&map, "/nonexistent/file-symbols"), -ENOENT);
	ksyms_free(&map);
}

/* A child writing the first LEN bytes of PATH (all: -1) into a pipe. */
static int feed(const char *path, long len)
{
	int p[2];

	if (pipe(p))
		abort();
	if (!fork()) {
		char buf[4096];
		int fd = open(path, O_RDONLY);
		ssize_t got;

		close(p[0]);
		while (len && (got = read(fd, buf, len > 0 && len < (long)sizeof(buf) ? (size_t)len : sizeof(buf))) > 0) {
			if (write(p[1], buf, (size_t)got) != got)
				_exit(1);
			if (len > 0)
				len -= got;
		}
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

static void stream_gives_the_same_table(void **state)
{
	char tables[256];
	struct kelf_stream st;
	struct kelf_err err = { "" };
	struct ksyms ks;
	int out, in;

	snprintf(tables, sizeof(tables), "%s/vmlinux.tables", fx_dir());
	out = open(tables, O_RDWR | O_CREAT | O_TRUNC, 0600);
	in = feed(vmlinux, -1);
	assert_int_equal(kelf_stream_headers(in, out, &st, &err), 0);
	close(in);
	in = feed(vmlinux, -1);
	assert_int_equal(kelf_stream_tables(in, out, &st, &err), 0);
	close(in);
	close(out);
	kelf_stream_free(&st);
	assert_int_equal(ksyms_load_elf(tables, &ks), 0);
	assert_int_equal(ks.nfiles, 5);
	assert_int_equal(pos_of(&ks, "_acpi_module_name", 2), 2);
	ksyms_free(&ks);
}

static void truncated_stream_is_refused(void **state)
{
	struct kelf_stream st;
	struct kelf_err err = { "" };
	int out = open("/dev/null", O_WRONLY), in = feed(vmlinux, 200);

	assert_int_equal(kelf_stream_headers(in, out, &st, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "the stream ends at byte 200, before the section headers"));
	close(in);
	in = feed(sysmap, -1);
	assert_int_equal(kelf_stream_headers(in, out, &st, &err), -EINVAL);
	assert_string_equal(err.msg, "not an x86_64 ELF file");
	close(in);
	close(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(object_knows_its_file),
		cmocka_unit_test(linked_table_places_each_local),
		cmocka_unit_test(map_alone_refuses_then_file_list_places),
		cmocka_unit_test(twin_files_are_ambiguous),
		cmocka_unit_test(malformed_file_list_is_einval),
		cmocka_unit_test(stream_gives_the_same_table),
		cmocka_unit_test(truncated_stream_is_refused),
	};

	return cmocka_run_group_tests_name("klp_filesyms", tests, setup, teardown);
}
