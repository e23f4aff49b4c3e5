/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_STORE_H
#define KPATCHLIB_STORE_H

#include <stddef.h>

#include "kpatchlib/err.h"
#include "kpatchlib/modfile.h"

/*
 * Installed modules: <lib dir>/<kernel release>/<name>.ko, the directory
 * owned by root and not writable by group or others.
 */
struct kp_names {
	size_t n;
	char **v;
	/* Listings only: entries whose name is not a module name (or kernel
	 * release), left out; the first one escaped for a message. */
	size_t nbad;
	char bad[160];
};

void kp_names_free(struct kp_names *l);
int kp_names_has(const struct kp_names *l, const char *s);

/* Path of an installed module for krel; -EINVAL when krel or name is not one. */
int kp_store_path(const char *krel, const char *name, char *buf, size_t size);
/* 1 when a regular file <name>.ko is installed for krel (never opens it). */
int kp_store_has(const char *krel, const char *name);
/* Module names installed for krel, sorted; empty when the directory is missing. */
int kp_store_list(const char *krel, struct kp_names *out, struct kp_err *err);
/* Kernel releases that have a directory, sorted. */
int kp_store_kernels(struct kp_names *out, struct kp_err *err);
/* Copy the opened module atomically (temporary file, fsync, rename). */
int kp_store_install(const struct kp_modfile *mf, const char *krel, struct kp_err *err);
int kp_store_uninstall(const char *krel, const char *name, struct kp_err *err);

#endif
