/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_CHECK_H
#define KPATCHLIB_CHECK_H

#include <stddef.h>

#include "kpatchlib/err.h"
#include "kpatchlib/live.h"
#include "kpatchlib/modfile.h"
#include "kpatchlib/subscription.h"

/* Monitoring levels; also `kpatch check`'s exit codes. */
enum kp_level { KP_CHECK_OK = 0, KP_CHECK_WARNING = 1, KP_CHECK_CRITICAL = 2 };

/* Finding identifiers, stable for scripts and JSON consumers. */
#define KP_FIND_NOT_LOADED	"not-loaded"
#define KP_FIND_NOT_ENABLED	"not-enabled"
#define KP_FIND_SUPERSEDED	"superseded"
#define KP_FIND_KERNEL_MISMATCH	"kernel-mismatch"
#define KP_FIND_NOT_INSTALLED	"not-installed"
#define KP_FIND_TRANSITION	"transition-stalled"
#define KP_FIND_WITHDRAWN	"withdrawn-loaded"
#define KP_FIND_WITHDRAWN_INST	"withdrawn-installed"
#define KP_FIND_INVALID_STATE	"invalid-state"
#define KP_FIND_PKG_MISSING	"patch-package-missing"
#define KP_FIND_UNSUBSCRIBED	"unsubscribed"
#define KP_FIND_PKG_DB		"package-database"

struct kp_finding {
	enum kp_level level;
	const char *id;
	char module[64];
	char msg[512];
};

struct kp_check {
	enum kp_level level;	/* the worst finding */
	size_t n;
	struct kp_finding *f;
	size_t loaded, installed;
	/* The subscription as judged (sub_ok 0: the package database could not be read). */
	struct kp_sub sub;
	int sub_ok;
};

/*
 * Compare what should be live (modules installed for krel, minus the
 * withdrawn list) with what is live, and the installed kernels with their
 * patch packages: in auto subscription a kernel without its package is a
 * WARNING (CRITICAL for the running one); in manual mode the running
 * kernel without one is an OK-level note naming the package. transition_threshold: seconds a
 * transition may take before it is reported.
 */
int kp_check_run(const char *krel, unsigned int transition_threshold,
		 struct kp_check *out, struct kp_err *err);
void kp_check_free(struct kp_check *c);

/*
 * The first function of mf that an enabled live patch (other than mf's
 * own) already replaces, or NULL. Atomic-replace modules never conflict.
 */
const struct kp_func_ref *kp_conflict(const struct kp_modfile *mf, const struct kp_live *live,
				      const struct kp_func_ref **theirs);

#endif
