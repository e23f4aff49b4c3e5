// SPDX-License-Identifier: GPL-2.0
/*
 * The textual include graph on a small fake tree: the x86 include path,
 * quoted includes next to the includer and through "../", generated asm
 * wrappers, directories that are never scanned, and the cache round trip.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/incgraph.h"
#include "test_kpatch_fake.h"

static int setup(void **state)
{
	fake_setup();
	/* A tree shaped like the kernel's, small enough to read at a glance. */
	fake_write("tree/include/linux/a.h", "#ifndef A\n#define A\n#include <linux/b.h>\n#endif\n");
	fake_write("tree/include/linux/b.h", "/* no includes */\n");
	fake_write("tree/include/linux/c.h", "  #  include_next <asm/c.h>\n");
	fake_write("tree/include/uapi/linux/u.h", "int u;\n");
	fake_write("tree/include/linux/u.h", "#include <uapi/linux/u.h>\n");
	fake_write("tree/include/asm-generic/g.h", "int g;\n");
	fake_write("tree/arch/x86/include/generated/asm/g.h", "#include <asm-generic/g.h>\n");
	fake_write("tree/arch/x86/include/asm/c.h", "int c;\n");
	fake_write("tree/arch/arm64/include/asm/g.h", "#include <linux/b.h>\n");
	fake_write("tree/arch/arm64/kernel/x.c", "#include <linux/b.h>\n");
	fake_write("tree/tools/perf/p.c", "#include <linux/b.h>\n");
	fake_write("tree/fs/one.c", "#include <linux/a.h>\n#include \"local.h\"\n");
	fake_write("tree/fs/local.h", "#include <linux/u.h>\n");
	fake_write("tree/fs/sub/two.c", "#include \"../local.h\"\n#include <asm/g.h>\n");
	fake_write("tree/fs/sub/three.c",
		   "#if 0\n#include <linux/c.h>\n#endif\n"	/* conditions are ignored */
		   "#include TRACE_INCLUDE(x)\n"		/* macros are not followed */
		   "// #include <linux/a.h>\n");		/* not a directive */
	fake_write("tree/kernel/inc.c", "#include \"../fs/sub/two.c\"\n");
	return 0;
}

static int teardown(void **state)
{
	fake_teardown();
	return 0;
}

/* The sources reaching header, as one space-separated string. */
static const char *reach(const struct incgraph *g, const char *header)
{
	static char out[1024];
	char **s;
	int n = kb_incgraph_sources(g, header, &s);

	out[0] = '\0';
	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s", i ? " " : "", s[i]);
		free(s[i]);
	}
	free(s);
	return out;
}

static void check_graph(const struct incgraph *g)
{
	/* Through another header, and only the .c files count. */
	assert_string_equal(reach(g, "include/linux/b.h"), "fs/one.c");
	/* Through a local header, "../" and a .c file including a .c file. */
	assert_string_equal(reach(g, "include/uapi/linux/u.h"), "fs/one.c fs/sub/two.c kernel/inc.c");
	/* <asm/x.h> reaches asm-generic through the generated wrapper. */
	assert_string_equal(reach(g, "include/asm-generic/g.h"), "fs/sub/two.c kernel/inc.c");
	/* #if 0 is ignored: a superset, the preprocessor decides later. */
	assert_string_equal(reach(g, "include/linux/c.h"), "fs/sub/three.c");
	assert_string_equal(reach(g, "arch/x86/include/asm/c.h"), "fs/sub/three.c");
	/* Unknown headers reach nothing. */
	assert_string_equal(reach(g, "include/linux/none.h"), "");
}

static void test_scan(void **state)
{
	struct incgraph *g = kb_incgraph_scan(fake_path("tree"));

	assert_non_null(g);
	check_graph(g);
	/* arch/arm64 and tools/ are never read: their includes are not edges. */
	assert_string_equal(reach(g, "arch/arm64/include/asm/g.h"), "");
	kb_incgraph_free(g);
}

static void test_cache_round_trip(void **state)
{
	struct incgraph *g = kb_incgraph_scan(fake_path("tree")), *back;
	char path[4096];
	size_t edges;

	assert_non_null(g);
	edges = kb_incgraph_edges(g);
	/* one.c 2, local.h 2 (<linux/u.h> in include/ and include/uapi/), u.h, two.c 2, three.c, a.h, c.h, asm/g.h, inc.c */
	assert_int_equal(edges, 12);
	snprintf(path, sizeof(path), "%s", fake_path("graph"));
	assert_int_equal(kb_incgraph_save(g, path), 0);
	kb_incgraph_free(g);
	back = kb_incgraph_load(path);
	assert_non_null(back);
	assert_int_equal(kb_incgraph_edges(back), edges);
	check_graph(back);
	kb_incgraph_free(back);
	assert_null(kb_incgraph_load(fake_path("no-such-graph")));
}

static void test_missing_tree(void **state)
{
	assert_null(kb_incgraph_scan(fake_path("no-such-tree")));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_tree, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
