// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch force: end a stalled transition by decree. The kernel can then
 * no longer prove that no task runs the old code: a module whose patch is
 * being removed (or that an atomic-replace patch supersedes) can never be
 * unloaded afterwards. Demand an explicit flag, and say what it cost.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"
#include "kpatchlib/kernel.h"
#include "kpatchlib/live.h"

int do_force(int argc, char **argv)
{
	static const struct cmd_flag flags[] = { { "confirm-permanent", 0 }, { NULL, 0 } };
	enum kp_live_state st;
	struct cmd_opts o;
	struct kp_err err;
	int c, confirmed;

	if ((c = cmd_opts_parse("force", argc, argv, 0, flags, &o)))
		return c;
	confirmed = o.flags & 1;
	if ((c = one_arg("force", argc, "one module at a time", "no module name given")))
		return c;
	if (!confirmed)
		return cmd_usage_err("force", "forcing %s makes it permanently non-removable; pass --confirm-permanent to do it anyway",
				     argv[optind]);
	c = name_arg("force", argv[optind]);
	if (c)
		return c;
	if (kp_patch_state(argv[optind], &st) == -EINVAL)
		return p_err(KP_E_KERNEL, "patch %s: its state cannot be read; not forcing it", argv[optind]);
	if (kp_patch_state(argv[optind], &st))
		return p_err(KP_E_NOTFOUND, "patch %s is not loaded", argv[optind]);
	if (st != KP_LIVE_PATCHING && st != KP_LIVE_UNPATCHING)
		return p_err(KP_E_KERNEL, "patch %s is not in a transition (%s); nothing to force",
			     argv[optind], kp_live_state_name(st));
	if (kp_patch_force(argv[optind], &err))
		return p_kerr(&err);
	if (st == KP_LIVE_UNPATCHING)
		p_warn("%s: removal forced; this module can never be unloaded until the next reboot", argv[optind]);
	else
		p_warn("%s: transition forced; unswitched tasks may still run the old code, and any patch it supersedes can never be unloaded until the next reboot",
		       argv[optind]);
	return 0;
}
