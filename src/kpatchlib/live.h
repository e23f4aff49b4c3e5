/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_LIVE_H
#define KPATCHLIB_LIVE_H

#include "kpatchlib/err.h"
#include "kpatchlib/funcs.h"

/*
 * What is live: every patch under <sysfs>/kernel/livepatch, plus loaded
 * modules tainted 'K' (livepatch) that have no patch directory any more:
 * those were disabled or superseded by an atomic-replace patch and stay
 * loaded until removed.
 */
enum kp_live_state {
	KP_LIVE_ENABLED,
	KP_LIVE_DISABLED,
	KP_LIVE_PATCHING,	/* transition towards enabled */
	KP_LIVE_UNPATCHING,	/* transition towards disabled */
	KP_LIVE_SUPERSEDED,	/* module loaded, patch gone from sysfs */
	KP_LIVE_INVALID,	/* sysfs attributes unreadable as a state */
};

struct kp_live_patch {
	char name[64];
	enum kp_live_state state;
	int has_sysfs;
	char why[160];		/* KP_LIVE_INVALID: what sysfs said */
	struct kp_func_list funcs;
};

struct kp_live {
	size_t n;
	struct kp_live_patch *p;
};

int kp_live_read(struct kp_live *live, struct kp_err *err);
void kp_live_free(struct kp_live *live);
const struct kp_live_patch *kp_live_find(const struct kp_live *live, const char *name);
const char *kp_live_state_name(enum kp_live_state s);
/* 1 when the patch directory exists in sysfs. */
int kp_patch_exists(const char *patch);
/*
 * Read one patch's state; -ENOENT when it is not in sysfs, -EINVAL (state
 * KP_LIVE_INVALID) when "enabled" or "transition" is neither 0 nor 1.
 */
int kp_patch_state(const char *patch, enum kp_live_state *state);
/* The same; why (may be NULL) says what was read when it is invalid. */
int kp_patch_state_why(const char *patch, enum kp_live_state *state, char *why, size_t size);
/* 1 when module name is loaded (a /sys/module/<name>/initstate exists). */
int kp_module_loaded(const char *name);

#endif
