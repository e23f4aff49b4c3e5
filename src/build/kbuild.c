// SPDX-License-Identifier: GPL-2.0
/*
 * The one kbuild invocation, make -C TREE CC=... KCFLAGS=... -jN TARGET...,
 * for compiling, preprocessing (the header index) and preparing a tree.
 * Its variables must be the same every time: kbuild records CC and KCFLAGS
 * in each object's .cmd file and rebuilds (or redoes prepare) when they
 * differ, so a second spelling of them would cost a rebuild, or worse,
 * objects built with different flags.
 */
#include <stdlib.h>
#include <string.h>

#include "build/kb.h"

#define KB_KCFLAGS "-ffunction-sections -fdata-sections"

int kb_make_argv(const struct kb *kb, struct kb_make *m, const char *tree,
		 const char *extra_kcflags, size_t ntargets)
{
	memset(m, 0, sizeof(*m));
	m->cap = ntargets + 8;
	m->argv = calloc(m->cap, sizeof(*m->argv));
	m->owned[0] = kb_path("CC=%s", kb->cc);
	m->owned[1] = extra_kcflags ? kb_path("KCFLAGS=" KB_KCFLAGS " %s", extra_kcflags)
				    : strdup("KCFLAGS=" KB_KCFLAGS);
	m->owned[2] = kb_path("-j%d", kb->jobs);
	if (!m->argv || !m->owned[0] || !m->owned[1] || !m->owned[2]) {
		kb_make_free(m);
		return -1;
	}
	m->argv[m->n++] = "make";
	m->argv[m->n++] = "-C";
	m->argv[m->n++] = tree;
	for (int i = 0; i < 3; i++)
		m->argv[m->n++] = m->owned[i];
	return 0;
}

/* Adds one argument (not copied: it must outlive the run); the vector stays NULL-terminated. */
void kb_make_add(struct kb_make *m, const char *arg)
{
	if (m->n + 1 < m->cap)
		m->argv[m->n++] = arg;
}

void kb_make_free(struct kb_make *m)
{
	for (size_t i = 0; i < sizeof(m->owned) / sizeof(m->owned[0]); i++)
		free(m->owned[i]);
	free(m->argv);
	memset(m, 0, sizeof(*m));
}
