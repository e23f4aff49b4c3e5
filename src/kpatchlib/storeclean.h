/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_STORECLEAN_H
#define KPATCHLIB_STORECLEAN_H

#include "kpatchlib/err.h"
#include "kpatchlib/store.h"

/*
 * An install killed or cut off by a power loss between creating its
 * temporary file and renaming it leaves <lib dir>/<release>/.<name>.ko.XXXXXX
 * behind. Readers never see it (they skip dot files); the next install
 * removes every such file of every release. Only under the kpatch lock:
 * then no install is running, so each one is stale.
 * removed: the paths removed (caller frees; empty on failure). 0, or err filled.
 */
int kp_store_clean_temps(struct kp_names *removed, struct kp_err *err);

/* 1 when a directory entry is named like the store's temporary files. */
int kp_store_is_temp(const char *name);

#endif
