// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpatch/output.h"
#include "kpatch/settle.h"
#include "kpatchlib/kernel.h"
#include "kpatchlib/live.h"

/* "pid 42 (kpt_busy), pid 7 (bash)" */
static void describe(const struct kp_task *t, size_t n, char *buf, size_t size)
{
	size_t len = 0, i;

	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%spid %d (%s)", i ? ", " : "",
					t[i].pid, t[i].comm);
	if (!n)
		snprintf(buf, size, "no task found blocking");
}

int settle(const char *patch, int target, long timeout_ms, struct kp_err *err)
{
	struct kp_task *tasks = NULL;
	struct kp_err ignored;
	char who[512];
	size_t n = 0, i;
	long secs = timeout_ms / 1000;

	kp_transition_mark(patch);
	if (!kp_wait_transition(patch, (unsigned int)timeout_ms)) {
		kp_transition_clear(patch);
		return 0;
	}
	/* Who still runs in the old code (or not yet in the new)? */
	kp_blockers(target, &tasks, &n, &ignored);
	for (i = 0; i < n; i++)
		p_note("%s: blocked by pid %d (%s): %s", patch, tasks[i].pid, tasks[i].comm,
		       tasks[i].stack);
	describe(tasks, n, who, sizeof(who));
	free(tasks);

	if (kp_patch_enable(patch, !target, &ignored) ||
	    kp_wait_transition(patch, (unsigned int)timeout_ms))
		return kp_err_set(err, KP_E_TIMEOUT, 0,
				  "%s: transition to %s did not finish within %ld s, blocked by %s; reversing it did not finish either",
				  patch, target ? "enabled" : "disabled", secs, who);
	kp_transition_clear(patch);
	return kp_err_set(err, KP_E_TIMEOUT, 0, "%s: transition to %s did not finish within %ld s, blocked by %s; reversed",
			  patch, target ? "enabled" : "disabled", secs, who);
}
