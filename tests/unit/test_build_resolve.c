// SPDX-License-Identifier: GPL-2.0
/*
 * Symbol resolution of the driver (src/build/resolve.c) on a fake kernel: a
 * System.map, a Module.symvers, and one patched object with its manifest.
 * What is checked here is what the template needs besides the differ's
 * symbols: a patch of a module references text_poke and text_mutex through
 * livepatch symbols of vmlinux (to clear its relocations when the module
 * leaves), a patch of vmlinux alone does not, and a kernel without them
 * stops the build naming the symbol.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/kb.h"
#include "build_fixture.h"

/* A System.map with enough symbols to pass for a real one, plus EXTRA. */
static char *write_sysmap(const char *extra)
{
	size_t cap = 64 * (KSYMS_MIN_REAL + 10) + strlen(extra) + 1, len = 0;
	char *text = malloc(cap), *path;

	assert_non_null(text);
	for (int i = 0; i < KSYMS_MIN_REAL + 10; i++)
		len += snprintf(text + len, cap - len, "ffffffff81%06x T filler_%d\n", i * 16, i);
	/* the patched function, for a patch of vmlinux */
	snprintf(text + len, cap - len, "ffffffff84000000 T show\n%s", extra);
	path = fx_write("System.map", text);
	free(text);
	return path;
}

struct fixture {
	struct kb kb;
	struct kb_object obj, objs[2];	/* objs: a patch of two files */
	struct kb_func func;
};

static void setup_kb(struct fixture *f, const char *objname, const char *sysmap_extra)
{
	memset(f, 0, sizeof(*f));
	/* kb_resolve reads <headers>/Module.symvers */
	fx_write("Module.symvers", "0x1\tseq_printf\tvmlinux\tEXPORT_SYMBOL\t\n");
	f->kb.headers = strdup(fx_dir());
	f->kb.sysmap = strdup(write_sysmap(sysmap_extra));
	f->obj.src = "x/show.c";
	f->obj.objname = (char *)objname;
	f->obj.orig = strdup(fx_compile("show", "int seq_printf(void *m, const char *f, ...);\n"
					"int show(void *m) { return seq_printf(m, \"x\"); }\n"));
	f->obj.modpath = strcmp(objname, "vmlinux") ? f->obj.orig : NULL;
	f->obj.manifest = strdup(fx_write("show.json",
		"{\"object\":\"x\",\"functions\":[{\"name\":\"show\",\"change\":\"changed\"}],"
		"\"symbols\":[{\"name\":\"seq_printf\",\"bind\":\"global\",\"type\":\"func\"}]}"));
	f->obj.changed = true;
	f->func.name = "show";
	f->func.objname = (char *)objname;
	f->kb.objs = &f->obj;
	f->kb.nobjs = 1;
	f->kb.funcs = &f->func;
	f->kb.nfuncs = 1;
}

static void free_kb(struct fixture *f)
{
	for (size_t i = 0; i < f->kb.nrefs; i++) {
		free(f->kb.refs[i].name);
		free(f->kb.refs[i].objname);
		free(f->kb.refs[i].symobj);
	}
	kb_strv_free(f->kb.namespaces);
	free(f->kb.refs);
	ksyms_free(&f->kb.ksyms);
	symvers_free(&f->kb.symvers);
	free(f->kb.headers);
	free(f->kb.sysmap);
	free(f->obj.orig);
	free(f->obj.manifest);
	for (int i = 0; i < 2; i++) {
		free(f->objs[i].orig);
		free(f->objs[i].patched);
		free(f->objs[i].out);
		free(f->objs[i].manifest);
	}
	fx_cleanup();
}

static const struct kb_symref *find_ref(const struct kb *kb, const char *name)
{
	for (size_t i = 0; i < kb->nrefs; i++)
		if (!strcmp(kb->refs[i].name, name))
			return &kb->refs[i];
	return NULL;
}

#define TEMPLATE_SYMS "ffffffff82000000 T text_poke\nffffffff83000000 D text_mutex\n"

static void module_patch_references_text_poke(void **state)
{
	struct fixture f;
	const struct kb_symref *r;

	setup_kb(&f, "kmodx", TEMPLATE_SYMS);
	assert_true(kb_patches_a_module(&f.kb));
	if (kb_resolve(&f.kb))
		fail_msg("%s", f.kb.err.msg);
	r = find_ref(&f.kb, "text_poke");
	assert_non_null(r);
	assert_string_equal(r->objname, "vmlinux");
	assert_int_equal(r->sympos, 0);
	r = find_ref(&f.kb, "text_mutex");
	assert_non_null(r);
	assert_string_equal(r->objname, "vmlinux");
	/* the exported seq_printf stays a normal relocation */
	assert_null(find_ref(&f.kb, "seq_printf"));
	free_kb(&f);
}

/* seq_printf exported by another module: looked up there when kmodx loads. */
static void other_modules_export_is_looked_up_there(void **state)
{
	struct fixture f;
	const struct kb_symref *r;

	setup_kb(&f, "kmodx", TEMPLATE_SYMS);
	fx_write("Module.symvers", "0x1\tseq_printf\tdrivers/md/dm-mod\tEXPORT_SYMBOL\t\n");
	if (kb_resolve(&f.kb))
		fail_msg("%s", f.kb.err.msg);
	r = find_ref(&f.kb, "seq_printf");
	assert_non_null(r);
	assert_string_equal(r->objname, "kmodx");
	assert_string_equal(r->symobj, "dm_mod");
	assert_int_equal(r->sympos, 0);
	assert_null(find_ref(&f.kb, "text_poke")->symobj);
	free_kb(&f);
}

static void namespace_of_an_export_is_imported(void **state)
{
	struct fixture f;

	setup_kb(&f, "vmlinux", TEMPLATE_SYMS);
	fx_write("Module.symvers", "0x1\tseq_printf\tvmlinux\tEXPORT_SYMBOL_GPL\tSEQ_NS\n");
	if (kb_resolve(&f.kb))
		fail_msg("%s", f.kb.err.msg);
	assert_int_equal(f.kb.nnamespaces, 1);
	assert_string_equal(f.kb.namespaces[0], "SEQ_NS");
	assert_null(find_ref(&f.kb, "seq_printf"));	/* still a normal relocation */
	free_kb(&f);
}

/* Names that become C or symbol text: a crafted Module.symvers is refused. */
static void crafted_symvers_names_are_refused(void **state)
{
	static const char *const bad[] = {
		"0x1\tseq_printf\tvmlinux\tEXPORT_SYMBOL\tSEQ\"NS\n",
		"0x1\tseq_printf\tdrivers/md/dm.mod\tEXPORT_SYMBOL\t\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fixture f;

		setup_kb(&f, "kmodx", TEMPLATE_SYMS);
		fx_write("Module.symvers", bad[i]);
		assert_int_equal(kb_resolve(&f.kb), -1);
		assert_int_equal(f.kb.err.code, KB_EENV);
		assert_non_null(strstr(f.kb.err.msg, "Module.symvers gives 'seq_printf' a"));
		assert_non_null(strstr(f.kb.err.msg, "reinstall the kernel's headers package"));
		free_kb(&f);
	}
}

static void vmlinux_patch_needs_no_template_symbols(void **state)
{
	struct fixture f;

	setup_kb(&f, "vmlinux", TEMPLATE_SYMS);
	assert_false(kb_patches_a_module(&f.kb));
	if (kb_resolve(&f.kb))
		fail_msg("%s", f.kb.err.msg);
	assert_int_equal(f.kb.nrefs, 0);
	free_kb(&f);
}

static void kernel_without_text_poke_is_refused(void **state)
{
	struct fixture f;

	setup_kb(&f, "kmodx", "ffffffff83000000 D text_mutex\n");
	assert_int_equal(kb_resolve(&f.kb), -1);
	assert_int_equal(f.kb.err.code, KB_EREFUSED);
	assert_non_null(strstr(f.kb.err.msg, "has no global 'text_poke'"));
	assert_non_null(strstr(f.kb.err.msg, "clear its relocations when the module is removed"));
	free_kb(&f);
}

/*
 * A patch of x/show.c whose show() now calls new_helper(), which the
 * running kernel lacks; y/other.c is the patch set's other file. Its
 * PATCHED source, and OUT (the differ's output, NULL: no functional
 * change), decide whether anything provides new_helper.
 */
static void setup_two_files(struct fixture *f, const char *patched, const char *out)
{
	struct kb_object *a = &f->objs[0], *b = &f->objs[1];

	setup_kb(f, "vmlinux", "");
	a->src = "x/show.c";
	a->objname = "vmlinux";
	a->orig = strdup(fx_compile("show2", "int show(void *m) { return 0; }\n"));
	a->manifest = strdup(fx_write("show2.json",
		"{\"object\":\"vmlinux\",\"functions\":[{\"name\":\"show\",\"change\":\"changed\"}],"
		"\"symbols\":[{\"name\":\"new_helper\",\"bind\":\"global\",\"type\":\"func\"}]}"));
	a->changed = true;
	b->src = "y/other.c";
	b->objname = "vmlinux";
	b->orig = strdup(fx_compile("other-orig", "int other(void) { return 1; }\n"));
	b->patched = strdup(fx_compile("other-patched", patched));
	if (out) {
		b->out = strdup(fx_compile("other-out", out));
		b->manifest = strdup(fx_write("other.json",
			"{\"object\":\"vmlinux\",\"functions\":[],\"symbols\":[]}"));
		b->changed = true;
	}
	f->kb.objs = f->objs;
	f->kb.nobjs = 2;
}

static void assert_refused_with(struct fixture *f, const char *a, const char *b)
{
	assert_int_equal(kb_resolve(&f->kb), -1);
	assert_int_equal(f->kb.err.code, KB_EREFUSED);
	if (!strstr(f->kb.err.msg, a) || (b && !strstr(f->kb.err.msg, b)))
		fail_msg("expected \"%s\" and \"%s\" in: %s", a, b ? b : "", f->kb.err.msg);
}

/* No file of the patches defines it: refused before linking, naming it. */
static void symbol_missing_from_kernel_is_refused(void **state)
{
	struct fixture f;

	setup_two_files(&f, "int other(void) { return 2; }\n", NULL);
	assert_refused_with(&f, "x/show.c: symbol 'new_helper' is not in the running kernel (neither "
			    "Module.symvers nor ", "add that change to the patches, or define "
			    "'new_helper' (static) in x/show.c");
	assert_null(strstr(f.kb.err.msg, "y/other.c"));
	/* the manifest says it is a function */
	assert_non_null(strstr(f.kb.err.msg, "so the fix needs code this kernel lacks"));
	assert_int_equal(f.kb.nrefs, 0);
	free_kb(&f);
}

/* The other file defines it, but nothing there is carried: that file is named. */
static void symbol_defined_by_uncarried_file_names_it(void **state)
{
	struct fixture f;

	setup_two_files(&f, "int other(void) { return 1; }\nint new_helper(void) { return 3; }\n", NULL);
	assert_refused_with(&f, "x/show.c: symbol 'new_helper' is not in the running kernel; y/other.c "
			    "of these patches defines it", "define 'new_helper' (static) in x/show.c instead");
	free_kb(&f);
}

/* A static namesake in the other file provides nothing: the module cannot link to it. */
static void static_namesake_is_not_a_provider(void **state)
{
	struct fixture f;

	setup_two_files(&f, "static int new_helper(void) { return 3; }\n"
			"int other(void) { return new_helper(); }\n", NULL);
	assert_refused_with(&f, "x/show.c: symbol 'new_helper' is not in the running kernel (neither", NULL);
	free_kb(&f);
}

/* The other file's changed code carries it: the module's own link resolves it. */
static void symbol_carried_by_other_file_links_in_the_module(void **state)
{
	struct fixture f;
	const char *src = "int new_helper(void) { return 3; }\n"
			  "int other(void) { return new_helper() + 1; }\n";

	setup_two_files(&f, src, src);
	if (kb_resolve(&f.kb))
		fail_msg("%s", f.kb.err.msg);
	/* neither exported nor a livepatch relocation: defined in the module */
	assert_null(find_ref(&f.kb, "new_helper"));
	free_kb(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(module_patch_references_text_poke),
		cmocka_unit_test(vmlinux_patch_needs_no_template_symbols),
		cmocka_unit_test(other_modules_export_is_looked_up_there),
		cmocka_unit_test(namespace_of_an_export_is_imported),
		cmocka_unit_test(crafted_symvers_names_are_refused),
		cmocka_unit_test(kernel_without_text_poke_is_refused),
		cmocka_unit_test(symbol_missing_from_kernel_is_refused),
		cmocka_unit_test(symbol_defined_by_uncarried_file_names_it),
		cmocka_unit_test(static_namesake_is_not_a_provider),
		cmocka_unit_test(symbol_carried_by_other_file_links_in_the_module),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
