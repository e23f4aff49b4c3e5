// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch signal: wake the tasks that block a transition. Kernels since 5.1
 * do this themselves and have no <patch>/signal attribute; say so.
 */
#include <stdio.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"
#include "kpatchlib/kernel.h"
#include "kpatchlib/live.h"

int do_signal(int argc, char **argv)
{
	struct kp_live live;
	struct kp_err err;
	size_t busy = 0;
	int ret = 0;

	if (argc > 1)
		return cmd_usage_err("signal", "unexpected argument '%s'", argv[1]);
	if (kp_live_read(&live, &err))
		return p_kerr(&err);
	for (size_t i = 0; i < live.n && !ret; i++) {
		const char *name = live.p[i].name;

		if (live.p[i].state != KP_LIVE_PATCHING && live.p[i].state != KP_LIVE_UNPATCHING)
			continue;
		busy++;
		if (!kp_patch_has_signal(name)) {
			p_info("%s: this kernel signals stalled tasks itself (no signal attribute); nothing to do", name);
		} else if (kp_patch_signal(name, &err)) {
			ret = p_kerr(&err);
		} else {
			p_info("%s: signalled the tasks that block its transition", name);
		}
	}
	if (!busy)
		p_info("no patch module is in a transition; nothing to signal");
	kp_live_free(&live);
	return ret;
}
