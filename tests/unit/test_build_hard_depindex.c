// SPDX-License-Identifier: GPL-2.0
/*
 * The header dependency index without a kernel: which objects a kbuild
 * Makefile builds under a config, the headers a kbuild .cmd file records,
 * and which headers count as global.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/depindex.h"
#include "test_kpatch_fake.h"

static int setup(void **state)
{
	fake_setup();
	return 0;
}

static int teardown(void **state)
{
	fake_teardown();
	return 0;
}

static bool has(char **v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static void free_strv(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void touch_c(const char *names)
{
	char buf[256], *save, *w;

	snprintf(buf, sizeof(buf), "%s", names);
	for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char rel[300];

		snprintf(rel, sizeof(rel), "tree/fs/x/%s", w);
		fake_write(rel, "int x;\n");
	}
}

static void test_config_objects(void **state)
{
	char tree[4096], config[4096], **objs;
	int n;

	/* The shapes fs/proc/Makefile uses. */
	fake_write("tree/fs/x/Makefile",
		   "# comment += ignored.o\n"
		   "obj-y += x.o\n"
		   "x-y := nommu.o\n"
		   "x-$(CONFIG_MMU) := mmu.o\n"
		   "x-y += a.o b.o \\\n"
		   "\tc.o\n"
		   "x-$(CONFIG_OFF) += off.o\n"
		   "x-$(CONFIG_MOD) += mod.o\n"
		   "obj-$(CONFIG_ON) += on.o sub/\n"
		   "CFLAGS_a.o += -DFOO\n"
		   "ccflags-y += -Iinclude\n"
		   "x-y += nosource.o\n");
	touch_c("nommu.c mmu.c a.c b.c c.c off.c mod.c on.c");
	fake_write(".config", "CONFIG_MMU=y\n# CONFIG_OFF is not set\nCONFIG_MOD=m\nCONFIG_ON=y\nCONFIG_ONLY=y\n");
	snprintf(tree, sizeof(tree), "%s", fake_path("tree"));
	snprintf(config, sizeof(config), "%s", fake_path(".config"));
	n = kb_depindex_config_objects(tree, "fs/x", config, &objs);
	assert_int_equal(n, 6);
	assert_true(has(objs, "fs/x/mmu.o"));
	assert_false(has(objs, "fs/x/nommu.o"));	/* := replaced the list */
	assert_true(has(objs, "fs/x/a.o"));
	assert_true(has(objs, "fs/x/c.o"));		/* continuation line */
	assert_true(has(objs, "fs/x/mod.o"));
	assert_true(has(objs, "fs/x/on.o"));
	assert_false(has(objs, "fs/x/off.o"));
	assert_false(has(objs, "fs/x/nosource.o"));
	free_strv(objs, n);
	assert_int_equal(kb_depindex_config_objects(tree, "fs/none", config, &objs), -1);
}

static void test_cmd_deps(void **state)
{
	char tree[4096], **deps;
	char cmd[8192];

	snprintf(tree, sizeof(tree), "%s", fake_path("tree"));
	snprintf(cmd, sizeof(cmd),
		 "savedcmd_fs/x/a.i := gcc -E -o fs/x/a.i fs/x/a.c\n"
		 "\n"
		 "source_fs/x/a.i := fs/x/a.c\n"
		 "\n"
		 "deps_fs/x/a.i := \\\n"
		 "  include/linux/compiler-version.h \\\n"
		 "    $(wildcard include/config/CC_VERSION_TEXT) \\\n"
		 "  %s/fs/x/local.h \\\n"
		 "  ./arch/x86/include/asm/page.h \\\n"
		 "  fs/x/a.c \\\n"
		 "\n"
		 "fs/x/a.i: $(deps_fs/x/a.i)\n"
		 "\n"
		 "$(deps_fs/x/a.i):\n", tree);
	fake_write("tree/fs/x/.a.i.cmd", cmd);
	assert_int_equal(kb_depindex_cmd_deps(fake_path("tree/fs/x/.a.i.cmd"), tree, &deps), 3);
	assert_string_equal(deps[0], "include/linux/compiler-version.h");
	assert_string_equal(deps[1], "fs/x/local.h");		/* made tree-relative */
	assert_string_equal(deps[2], "arch/x86/include/asm/page.h");
	free_strv(deps, 3);
	fake_write("tree/fs/x/.b.i.cmd", "savedcmd_fs/x/b.i := gcc\n");
	assert_int_equal(kb_depindex_cmd_deps(fake_path("tree/fs/x/.b.i.cmd"), tree, &deps), -1);
}

static void test_not_in_config(void **state)
{
	char tree[4096], config[4096], why[512];

	fake_write("tree/Kbuild", "obj-y += fs/\nobj-$(CONFIG_NET) += net/\n");
	fake_write("tree/fs/Makefile", "obj-y := open.o\nobj-$(CONFIG_ON) += on/\nobj-$(CONFIG_OFF) += off/\n"
		   "obj-$(CONFIG_MINIX) += minix/\n");
	fake_write("tree/fs/on/Makefile", "obj-y += a.o\nobj-$(CONFIG_OFF) += b.o\n");
	fake_write("tree/fs/off/Makefile", "obj-y += c.o\n");
	fake_write("tree/fs/minix/Makefile", "obj-$(CONFIG_MINIX) += minix.o\nminix-objs := inode.o\n");
	fake_write("tree/net/Makefile", "obj-y += d.o\n");
	fake_write(".config", "CONFIG_ON=y\n# CONFIG_OFF is not set\nCONFIG_MINIX=y\n");
	snprintf(tree, sizeof(tree), "%s", fake_path("tree"));
	snprintf(config, sizeof(config), "%s", fake_path(".config"));
	assert_int_equal(kb_depindex_not_in_config(tree, config, "fs/on/a.o", why, sizeof(why)), 0);
	assert_int_equal(kb_depindex_not_in_config(tree, config, "fs/open.o", why, sizeof(why)), 0);
	assert_int_equal(kb_depindex_not_in_config(tree, config, "fs/minix/inode.o", why, sizeof(why)), 0);
	/* Not mentioned anywhere: the Makefiles do not say, so no refusal. */
	assert_int_equal(kb_depindex_not_in_config(tree, config, "fs/on/z.o", why, sizeof(why)), 0);
	assert_int_equal(kb_depindex_not_in_config(tree, config, "fs/on/b.o", why, sizeof(why)), 1);
	assert_string_equal(why, "fs/on/Makefile builds b.o only with CONFIG_OFF, which this kernel's config leaves unset");
	assert_int_equal(kb_depindex_not_in_config(tree, config, "fs/off/c.o", why, sizeof(why)), 1);
	assert_string_equal(why, "fs/Makefile builds off/ only with CONFIG_OFF, which this kernel's config leaves unset");
	assert_int_equal(kb_depindex_not_in_config(tree, config, "net/d.o", why, sizeof(why)), 1);
	assert_string_equal(why, "Kbuild builds net/ only with CONFIG_NET, which this kernel's config leaves unset");
	fake_write(".config", "CONFIG_ON=y\nCONFIG_NET=y\n");
	assert_int_equal(kb_depindex_not_in_config(tree, config, "fs/minix/inode.o", why, sizeof(why)), 1);
	assert_non_null(strstr(why, "fs/minix/Makefile builds minix.o, which contains it, only with CONFIG_MINIX"));
	assert_int_equal(kb_depindex_not_in_config(tree, config, "net/d.o", why, sizeof(why)), 0);
}

static void test_config_subdirs(void **state)
{
	char tree[4096], config[4096], **dirs;

	fake_write("tree/mm/Makefile", "obj-y += a.o\nobj-$(CONFIG_KASAN) += kasan/\nobj-$(CONFIG_DAMON) += damon/\n"
		   "obj-y += core/ \\\n\tmore/\nobj-$(CONFIG_X) += $(sub)/\n");
	fake_write(".config", "CONFIG_DAMON=y\n");
	snprintf(tree, sizeof(tree), "%s", fake_path("tree"));
	snprintf(config, sizeof(config), "%s", fake_path(".config"));
	assert_int_equal(kb_depindex_config_subdirs(tree, "mm", config, &dirs), 3);
	assert_true(has(dirs, "mm/damon"));
	assert_true(has(dirs, "mm/core"));
	assert_true(has(dirs, "mm/more"));
	assert_false(has(dirs, "mm/kasan"));
	free_strv(dirs, 3);
	assert_int_equal(kb_depindex_config_subdirs(tree, "none", config, &dirs), 0);
}

static void test_global_headers(void **state)
{
	assert_true(kb_depindex_is_global("include/linux/fs.h"));
	assert_true(kb_depindex_is_global("arch/x86/include/asm/page.h"));
	assert_false(kb_depindex_is_global("fs/proc/fd.h"));
	assert_false(kb_depindex_is_global("arch/x86/kernel/foo.h"));
}

static void test_note_takes_global(void **state)
{
	struct kb kb = { 0 };

	/* Global headers are followed through the include graph now. */
	assert_int_equal(kb_depindex_note(&kb, "p.patch", "include/linux/fs.h"), 0);
	assert_int_equal(kb_depindex_note(&kb, "p.patch", "arch/x86/include/asm/msr.h"), 0);
	assert_int_equal(kb_depindex_note(&kb, "p.patch", "../x.h"), -1);
	assert_int_equal(kb.err.code, KB_EUSAGE);
	assert_int_equal(kb_depindex_note(&kb, "p.patch", "/etc/x.h"), -1);
	assert_int_equal(kb_depindex_note(&kb, "p.patch", "fs/proc/fd.h"), 0);
	assert_int_equal(kb.nchanged_headers, 3);
	kb_depindex_forget(&kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_config_objects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmd_deps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_in_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_subdirs, setup, teardown),
		cmocka_unit_test(test_global_headers),
		cmocka_unit_test(test_note_takes_global),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
