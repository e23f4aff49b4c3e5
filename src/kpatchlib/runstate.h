/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_RUNSTATE_H
#define KPATCHLIB_RUNSTATE_H

#include "kpatchlib/err.h"

/*
 * The time of the last successful load (kpatch load, load --all, sync),
 * kept in <run dir>/last-success as seconds since the epoch on one line,
 * written atomically. The run directory is on a tmpfs: after a reboot
 * there is no record until the boot's kpatch.service has loaded.
 */

/* Record now as the last success. Best effort: 0, or err filled. */
int kp_record_success(struct kp_err *err);
/* The recorded time; 0 when none (never, or an unreadable record). */
long long kp_last_success(void);

#endif
