/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the header-index files share: depindex.c (which objects a changed
 * header reaches), depcache.c (the cached index), kbuildmk.c (Makefiles
 * and .config) and kbuildcmd.c (.cmd files).
 */
#ifndef KPATCH_BUILD_DEPINDEX_INT_H
#define KPATCH_BUILD_DEPINDEX_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "build/kb.h"

struct incgraph;

/* kbuildmk.c: a tree's files */
/* TREE/DIR/NAME's text, NULL when absent; the path is not kept. */
char *kb_tree_read(const char *tree, const char *dir, const char *name);

/* depcache.c */
char *kb_depcache_dir(const struct kb *kb);
char *kb_depcache_cmd_path(const struct kb *kb, const char *obj);
/* dir's index, built when missing: the objects in it that include header. */
int kb_depcache_scan_dir(struct kb *kb, const char *dir, const char *header, size_t *scanned,
			 size_t *found, char *names, size_t nlen, bool *built);
struct incgraph *kb_depcache_graph(struct kb *kb, const char *idxdir, bool *built, double *secs);
/* The headers obj includes: NULL when not cached yet, "?" when the preprocessor failed. */
char *kb_depcache_deps(const struct kb *kb, const char *idxdir, const char *obj);
int kb_depcache_preprocess(struct kb *kb, const char *idxdir, char **objs, size_t n);
/* The fallback for an object the preprocessor could not index: its #include lines. */
bool kb_depcache_names_header(const struct kb *kb, const char *obj, const char *header);

static inline double kb_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
