// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch force: end a stalled transition by decree. The kernel can then
 * no longer prove that no task runs old code, so the module can never be
 * removed: demand an explicit flag.
 */
#include <getopt.h>
#include <stdio.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"
#include "kpatchlib/kernel.h"

int do_force(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "confirm-permanent", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 },
	};
	struct kp_err err;
	int c, confirmed = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (c != 'y')
			return cmd_usage_err("force", "unknown option '%s'", argv[optind - 1]);
		confirmed = 1;
	}
	if (optind + 1 != argc)
		return cmd_usage_err("force", optind < argc ? "one module at a time" : "no module name given");
	if (!confirmed)
		return cmd_usage_err("force", "forcing %s makes it permanently non-removable; pass --confirm-permanent to do it anyway",
				     argv[optind]);
	if (kp_patch_force(argv[optind], &err))
		return p_kerr(&err);
	p_warn("%s: transition forced; this module can never be removed until the next reboot", argv[optind]);
	return 0;
}
