/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Signing the finished module with the kernel's own sign-file, so a kernel
 * that enforces module signatures (or lockdown) accepts the patch.
 */
#ifndef KPATCH_BUILD_SIGN_H
#define KPATCH_BUILD_SIGN_H

#include "build/kb.h"

/* Both given or neither; readable files. Called while reading options. */
int kb_sign_check_args(struct kb_err *err, const char *key, const char *cert);

/*
 * The hash algorithm the kernel signs its own modules with
 * (CONFIG_MODULE_SIG_HASH in config), "sha256" when the config names none.
 * Returns a static buffer.
 */
const char *kb_sign_hash(const char *config);

/*
 * Sign kb->module_path in place with <headers>/scripts/sign-file. On failure
 * the unsigned module is removed: an output that looks finished must be
 * what was asked for.
 */
int kb_sign_module(struct kb *kb, const char *key, const char *cert);

#endif
