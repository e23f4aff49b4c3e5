// SPDX-License-Identifier: GPL-2.0
/* sympos: unique names, namesakes told apart by neighbours, refusals. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "build_fixture.h"
#include "klp/ksyms.h"
#include "klp/sympos.h"

/*
 * Two files both define a static "show" and a static "counter"; file A's
 * neighbours are a_open (unique) and a_release (unique), file B's are
 * b_helper and b_state (unique). Both "lonely"s sit between symbols of
 * other files. A run like "counter a_table counter" would be ambiguous by
 * names alone: the resolver refuses it rather than pick by position.
 */
static const char map[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81000100 t a_open\n"
	"ffffffff81000200 t show\n"
	"ffffffff81000300 T a_release\n"
	"ffffffff81000400 t b_helper\n"
	"ffffffff81000500 t show\n"
	"ffffffff81000600 T unique_global\n"
	"ffffffff81000700 t lonely\n"
	"ffffffff81000800 T something_else\n"
	"ffffffff81000900 t lonely\n"
	"ffffffff81000a00 T other_thing\n"
	"ffffffff81000b00 t dup_global\n"
	"ffffffff81000c00 T dup_global\n"
	"ffffffff82000000 d counter\n"
	"ffffffff82000010 D a_table\n"
	"ffffffff820000f0 d b_state\n"
	"ffffffff82000100 d counter\n";

static struct ksyms ks;

static int setup(void **state)
{
	return ksyms_load_map(fx_write("System.map", map), &ks);
}

static int teardown(void **state)
{
	ksyms_free(&ks);
	fx_cleanup();
	return 0;
}

static void loads_in_order(void **state)
{
	assert_int_equal(ks.n, 17);
	assert_string_equal(ks.v[0].name, "_stext");
	assert_int_equal(ks.v[2].type, 't');
	assert_true(ksym_is_global(&ks.v[0]));
	assert_false(ksym_is_global(&ks.v[2]));
}

static void unique_global_is_zero(void **state)
{
	unsigned long pos = 99;

	assert_int_equal(ksyms_sympos(&ks, "unique_global", false, NULL, &pos), 0);
	assert_int_equal(pos, 0);
}

static void global_among_namesakes_gets_its_rank(void **state)
{
	unsigned long pos = 99;

	/* a local and a global share the name: the global is the 2nd. */
	assert_int_equal(ksyms_sympos(&ks, "dup_global", false, NULL, &pos), 0);
	assert_int_equal(pos, 2);
	assert_int_equal(ksyms_sympos(&ks, "dup_global", true, NULL, &pos), 0);
	assert_int_equal(pos, 1);
}

static void missing_is_enoent(void **state)
{
	unsigned long pos;

	assert_int_equal(ksyms_sympos(&ks, "no_such_symbol", true, NULL, &pos), -ENOENT);
	/* right name, wrong binding */
	assert_int_equal(ksyms_sympos(&ks, "unique_global", true, NULL, &pos), -ENOENT);
}

static void namesakes_without_object_are_ambiguous(void **state)
{
	unsigned long pos;

	assert_int_equal(ksyms_sympos(&ks, "show", true, NULL, &pos), -EEXIST);
}

/* Objects defining the same names as file A and file B. */
static void neighbours_pick_the_right_one(void **state)
{
	char *a = fx_compile("file_a",
		"static int counter = 1;\n"
		"int a_table[4] = { 1 };\n"
		"static __attribute__((noinline)) int a_open(int x) { return x + counter++; }\n"
		"static __attribute__((noinline)) int show(int x) { return a_open(x) * 3; }\n"
		"int a_release(int x);\n"
		"int a_release(int x) { return show(x) + a_table[x & 3]; }\n");
	char *b = fx_compile("file_b",
		"static int counter = 2;\n"
		"static int b_state[2] = { 5, 6 };\n"
		"static __attribute__((noinline)) int b_helper(int x) { return x - counter-- + b_state[x & 1]; }\n"
		"static __attribute__((noinline)) int show(int x) { return b_helper(x) * 5; }\n"
		"int (*b_entry)(int) = show;\n");
	struct objsyms oa, ob;
	unsigned long pos = 0;

	assert_int_equal(objsyms_load(a, &oa), 0);
	assert_int_equal(objsyms_load(b, &ob), 0);
	assert_true(objsyms_has(&oa, "a_open"));
	assert_true(objsyms_find(&oa, "show")->local);
	assert_false(objsyms_find(&oa, "a_release")->local);

	assert_int_equal(ksyms_sympos(&ks, "show", true, &oa, &pos), 0);
	assert_int_equal(pos, 1);
	assert_int_equal(ksyms_sympos(&ks, "show", true, &ob, &pos), 0);
	assert_int_equal(pos, 2);
	/* data: file A's counter sits next to a_table */
	assert_int_equal(ksyms_sympos(&ks, "counter", true, &oa, &pos), 0);
	assert_int_equal(pos, 1);
	assert_int_equal(ksyms_sympos(&ks, "counter", true, &ob, &pos), 0);
	assert_int_equal(pos, 2);
	objsyms_free(&oa);
	objsyms_free(&ob);
}

static void inconclusive_neighbours_refuse(void **state)
{
	char *c = fx_compile("file_c",
		"static __attribute__((noinline)) int lonely(int x) { return x * 7; }\n"
		"int c_entry(int x);\n"
		"int c_entry(int x) { return lonely(x) + 1; }\n");
	struct objsyms oc;
	unsigned long pos;

	assert_int_equal(objsyms_load(c, &oc), 0);
	/* neither "lonely" has c_entry (or anything of file C) next to it */
	assert_int_equal(ksyms_sympos(&ks, "lonely", true, &oc, &pos), -EEXIST);
	objsyms_free(&oc);
}

static void elf_symbol_table_loads(void **state)
{
	char *o = fx_compile("elfsyms",
		"int g_data = 3;\n"
		"static int l_bss;\n"
		"int g_func(void);\n"
		"int g_func(void) { return g_data + l_bss++; }\n");
	struct ksyms e;
	int found = 0;

	assert_int_equal(ksyms_load(o, &e), 0);
	for (size_t i = 0; i < e.n; i++) {
		if (!strcmp(e.v[i].name, "g_func") && e.v[i].type == 'T')
			found++;
		if (!strcmp(e.v[i].name, "g_data") && e.v[i].type == 'D')
			found++;
		if (!strcmp(e.v[i].name, "l_bss") && e.v[i].type == 'b')
			found++;
	}
	assert_int_equal(found, 3);
	ksyms_free(&e);
}

/* A module's kallsyms: symbol-table order, no init code, namesakes counted. */
static void module_symbols_in_table_order(void **state)
{
	char *o = fx_compile("mod",
		"static int counter;\n"
		"__attribute__((section(\".init.text\"))) int mod_init(void);\n"
		"__attribute__((section(\".init.text\"))) int mod_init(void) { return counter; }\n"
		"static __attribute__((noinline)) int helper(int x) { return x + counter++; }\n"
		"int mod_entry(int x);\n"
		"int mod_entry(int x) { return helper(x); }\n");
	struct ksyms m;
	unsigned long pos = 9;
	int seen_helper = 0;

	assert_int_equal(ksyms_load_module(o, &m), 0);
	for (size_t i = 0; i < m.n; i++) {
		assert_string_not_equal(m.v[i].name, "mod_init");
		if (!strcmp(m.v[i].name, "helper")) {
			assert_int_equal(m.v[i].type, 't');
			seen_helper++;
		}
	}
	assert_int_equal(seen_helper, 1);
	assert_int_equal(ksyms_sympos(&m, "helper", true, NULL, &pos), 0);
	assert_int_equal(pos, 0);
	assert_int_equal(ksyms_sympos(&m, "mod_entry", false, NULL, &pos), 0);
	assert_int_equal(ksyms_sympos(&m, "mod_init", false, NULL, &pos), -ENOENT);
	ksyms_free(&m);
}

static void malformed_map_is_einval(void **state)
{
	struct ksyms bad;

	assert_int_equal(ksyms_load_map(fx_write("bad.map", "not a map line\n"), &bad), -EINVAL);
	assert_int_equal(ksyms_load_map("/nonexistent/System.map", &bad), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_in_order),
		cmocka_unit_test(unique_global_is_zero),
		cmocka_unit_test(global_among_namesakes_gets_its_rank),
		cmocka_unit_test(missing_is_enoent),
		cmocka_unit_test(namesakes_without_object_are_ambiguous),
		cmocka_unit_test(neighbours_pick_the_right_one),
		cmocka_unit_test(inconclusive_neighbours_refuse),
		cmocka_unit_test(elf_symbol_table_loads),
		cmocka_unit_test(module_symbols_in_table_order),
		cmocka_unit_test(malformed_map_is_einval),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
