/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_NAMES_H
#define KPATCHLIB_NAMES_H

#include <stddef.h>

#include "kpatchlib/err.h"

/*
 * The one validator for names that end up in paths (sysfs, the install
 * store, the run directory) and in lines of output. Whatever the source,
 * a module's .modinfo, the command line or a directory listing, a name is
 * checked here before it forms a path.
 *
 * A module name follows the kernel's own rules: at most KP_MODNAME_MAX
 * characters (MODULE_NAME_LEN - 1 on x86_64 6.1: 64 - sizeof(long) - 1),
 * letters, digits, '_' and '-' (kbuild and the kernel spell '-' as '_').
 * A kernel release: at most 64 characters (the utsname field), letters,
 * digits and "._+~-", not starting with '.'.
 */
#define KP_MODNAME_MAX 55
#define KP_KREL_MAX 64

/* NULL when valid, else why not ("is empty", "has a '/'", ...). */
const char *kp_name_problem(const char *s);
const char *kp_release_problem(const char *s);

static inline int kp_name_ok(const char *s) { return !kp_name_problem(s); }
static inline int kp_release_ok(const char *s) { return !kp_release_problem(s); }

/*
 * Fill err (class) with "<what> 'ESCAPED' is not a module name (why)" and
 * return -1 when s is not one; 0 when it is.
 */
int kp_name_check(const char *s, const char *what, int class, struct kp_err *err);
int kp_release_check(const char *s, const char *what, int class, struct kp_err *err);

/* Quoting for messages: kp_escape() in common/regfile.h. */

#endif
