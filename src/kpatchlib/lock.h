/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_LOCK_H
#define KPATCHLIB_LOCK_H

#include "kpatchlib/err.h"

/*
 * The host-wide kpatch lock: flock(2) on <run dir>/lock. Every command that
 * changes state (load, unload, install, uninstall) holds it from start to
 * end, so two kpatch processes never interleave their checks and kernel
 * writes. The holder writes its pid and command line into the file, so a
 * waiter can say whom it waits for. The kernel drops the lock when the
 * holder exits, however it exits; a record left by a killed holder is
 * overwritten by the next one.
 */
struct kp_lock {
	int fd;
};

/* What the lock file says about its holder (pid 0: not known yet). */
struct kp_lock_holder {
	long pid;
	char cmd[224];		/* printable ASCII only */
};

/* Called once, before blocking, when another process holds the lock. */
typedef void (*kp_lock_wait_fn)(const struct kp_lock_holder *holder, void *arg);

/*
 * Take the lock for the command line cmd (recorded for waiters). When it is
 * held, call on_wait, then wait: without limit when timeout_ms < 0, else up
 * to timeout_ms (0: do not wait). Creates the run directory (0755) and the
 * lock file; refuses a directory or file that is not ours (symbolic link,
 * other owner, writable by group or others, hard-linked). 0, or err filled.
 */
int kp_lock_take(struct kp_lock *l, const char *cmd, long timeout_ms,
		 kp_lock_wait_fn on_wait, void *arg, struct kp_err *err);
/* Clear the record and release. Safe on a lock that was not taken. */
void kp_lock_release(struct kp_lock *l);

/* Path of the lock file (for messages). 0, or -1 and err (may be NULL) filled. */
int kp_lock_path(char *buf, size_t size, struct kp_err *err);

/* Parse a lock record ("PID\nCOMMAND\n"); untrusted text, sanitised. */
void kp_lock_parse(const char *rec, struct kp_lock_holder *h);

#endif
