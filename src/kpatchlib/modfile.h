/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_MODFILE_H
#define KPATCHLIB_MODFILE_H

#include "kpatchlib/err.h"
#include "kpatchlib/funcs.h"

/*
 * A module file opened once: every check reads this descriptor and the
 * kernel later loads from the very same descriptor (finit_module), so the
 * file cannot be swapped between check and use.
 *
 * Module info fields read (kpatch-build writes the last two):
 *   name, vermagic, description, livepatch ("Y")
 *   kpatch_cve          comma-separated CVE identifiers the patch fixes
 *   kpatch_description  one-line summary of the fix
 * and, from the appended signature (libkmod decodes it): signer, sig_key
 * (the key's serial/identifier, hex), sig_hashalgo. All three stay NULL for
 * an unsigned module.
 */
struct kp_modfile {
	int fd;
	char path[4096];
	char name[64];
	char *vermagic;
	char *description;
	char *cves;
	char *kpatch_description;
	char *signer;
	char *sig_key;
	char *sig_hashalgo;
	int livepatch;
	int replace;
	struct kp_func_list funcs;
};

enum {
	KP_OPEN_STRICT = 1,	/* refuse symlinks (install) */
};

/* Open, read module info and the patched functions. */
int kp_modfile_open(const char *path, int flags, struct kp_modfile *mf, struct kp_err *err);
void kp_modfile_close(struct kp_modfile *mf);

/* A livepatch module built for kernel release krel? */
int kp_modfile_check(const struct kp_modfile *mf, const char *krel, struct kp_err *err);

#endif
