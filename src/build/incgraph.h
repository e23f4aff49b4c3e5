/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The textual include graph of a kernel source tree: every .c and .h file
 * and the files its #include lines name, resolved against the x86 include
 * path. #if conditions are ignored, so the files that reach a header through
 * the graph are a superset of those that include it in a real build; the
 * preprocessor confirms them afterwards. Built once per tree in seconds and
 * cached as text.
 */
#ifndef KPATCH_BUILD_INCGRAPH_H
#define KPATCH_BUILD_INCGRAPH_H

#include <stddef.h>

struct incgraph;

/*
 * Scan tree into a graph. Returns NULL with errno set on failure.
 * Only arch/x86 of arch/ is read; tools/, scripts/, samples/ and
 * Documentation/ build with their own include paths and are skipped.
 */
struct incgraph *kb_incgraph_scan(const char *tree);
/* Write the graph to path (through a temporary name and a rename). */
int kb_incgraph_save(const struct incgraph *g, const char *path);
struct incgraph *kb_incgraph_load(const char *path);
void kb_incgraph_free(struct incgraph *g);

size_t kb_incgraph_files(const struct incgraph *g);
size_t kb_incgraph_edges(const struct incgraph *g);
/*
 * The .c files that include header directly or through other files
 * (tree-relative, sorted, NULL-terminated). Returns the count, -1 with
 * errno set on failure; 0 when no file reaches header or it is unknown.
 */
int kb_incgraph_sources(const struct incgraph *g, const char *header, char ***srcs);

#endif
