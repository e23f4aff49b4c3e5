/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_DEBUGINFO_H
#define KPATCHLIB_DEBUGINFO_H

#include <stddef.h>

#include "kpatchlib/modfile.h"
#include "kpatchlib/pkgname.h"

/*
 * Where a module's debug symbols are: the unstripped module that patch
 * packages ship in their -dbgsym / -debuginfo companion, at
 * <debug root>/.build-id/<first two hex digits>/<rest>.debug, the path
 * debuggers and crash look up by the module's GNU build-id. The debug
 * root is /usr/lib/debug (KPATCH_DEBUG_ROOT overrides it, for tests).
 */
struct kp_debuginfo {
	char build_id[128];		/* hex; empty when the module has none */
	char path[4096];
	int installed;
	char package[KP_PKGNAME_MAX];	/* the debug package's name, "" when unknown */
};

/* The GNU build-id of an ELF file open on fd, as hex ("" when none). */
void kp_build_id(int fd, char *hex, size_t size);
void kp_debuginfo_find(const struct kp_modfile *mf, const char *krel, struct kp_debuginfo *d);

#endif
