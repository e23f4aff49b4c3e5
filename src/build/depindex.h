/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Header changes: which objects of the kernel's config include a changed
 * header, from a dependency index built once per kernel release and source
 * directory and cached under $KPATCH_CACHE/depindex/<release>/.
 */
#ifndef KPATCH_BUILD_DEPINDEX_H
#define KPATCH_BUILD_DEPINDEX_H

#include "build/kb.h"

/* patches.c: a patch changes this header (tree-relative path). */
int kb_depindex_note(struct kb *kb, const char *patch, const char *header);
/* Drop the noted headers: a caller that reads patches more than once. */
void kb_depindex_forget(struct kb *kb);

/*
 * Pipeline step after the workspace is open and before the patches are
 * applied: every object that includes a noted header becomes an object of
 * the build. Reports how many objects were scanned and will be rebuilt.
 */
int kb_depindex_expand(struct kb *kb);

/*
 * The parts of the index that need no kernel, for the unit tests.
 * Objects a kbuild Makefile builds with this config: "dir/x.o" for every
 * x.o listed in an enabled obj-/composite variable whose x.c exists.
 * config is the kernel's .config. Returns the count, -1 on error.
 */
int kb_depindex_config_objects(const char *tree, const char *dir, const char *config,
			       char ***objs);
/*
 * 1 when the kbuild Makefiles show that obj ("fs/minix/inode.o") is not
 * built with this config (listed only under an unset CONFIG_ option, for
 * the object, its composite object or one of its directories), with the
 * reason in why. 0 when built or when the Makefiles do not say.
 */
int kb_depindex_not_in_config(const char *tree, const char *config, const char *obj,
			      char *why, size_t len);
/* Subdirectories ("dir/x") dir's Makefile descends into with this config. */
int kb_depindex_config_subdirs(const char *tree, const char *dir, const char *config, char ***dirs);
/* The headers a kbuild .cmd file records as dependencies (tree-relative). */
int kb_depindex_cmd_deps(const char *cmdfile, const char *tree, char ***deps);
/* Headers only under include/ or arch/<arch>/include/ are global. */
bool kb_depindex_is_global(const char *header);

#endif
