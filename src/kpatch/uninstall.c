// SPDX-License-Identifier: GPL-2.0
/* kpatch uninstall: remove an installed module file; a loaded one stays loaded. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"
#include "kpatchlib/live.h"
#include "kpatchlib/store.h"

int do_uninstall(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kernel-version", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	char krel[256] = "", name[64];
	struct kp_err err;
	size_t len;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+k:", longopts, NULL)) != -1) {
		if (c != 'k')
			return cmd_usage_err("uninstall", "unknown option '%s'", argv[optind - 1]);
		if ((ret = release_arg("uninstall", optarg, krel, sizeof(krel))))
			return ret;
	}
	if (optind + 1 != argc)
		return cmd_usage_err("uninstall", optind < argc ? "one module at a time" : "no module name given");
	/* Accept "foo.ko" as well as "foo"; what remains must be a name. */
	len = strlen(argv[optind]);
	if (len > 3 && !strcmp(argv[optind] + len - 3, ".ko"))
		len -= 3;
	if (len >= sizeof(name))
		return name_arg("uninstall", argv[optind]);
	memcpy(name, argv[optind], len);
	name[len] = '\0';
	if ((ret = name_arg("uninstall", name)))
		return ret;
	if (!krel[0] && (ret = running_release(krel, sizeof(krel))))
		return ret;
	p_info("uninstalling %s (%s)", name, krel);
	if (kp_store_uninstall(krel, name, &err))
		return p_kerr(&err);
	if (kp_module_loaded(name))
		p_note("%s stays loaded until `kpatch unload %s` or a reboot", name, name);
	return 0;
}
