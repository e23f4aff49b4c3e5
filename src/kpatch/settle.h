/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCH_SETTLE_H
#define KPATCH_SETTLE_H

#include "kpatchlib/err.h"

/*
 * Wait for patch's transition towards target (1 enable, 0 disable). If it
 * does not finish within timeout_ms, print each blocking task's stack as a
 * note, reverse the transition and wait for the reversal (same timeout).
 * Returns 0 when the transition completed; otherwise fills err with one
 * line naming the blocking tasks and what became of the patch.
 */
int settle(const char *patch, int target, long timeout_ms, struct kp_err *err);

#endif
