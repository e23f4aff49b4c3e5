// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch uninstall: remove an installed module file; a loaded one stays
 * loaded, unless --unload (and kpatch.conf's unload_on_remove) says so.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"
#include "kpatchlib/conf.h"
#include "kpatchlib/live.h"
#include "kpatchlib/loadfail.h"
#include "kpatchlib/paths.h"
#include "kpatchlib/store.h"

/* --unload: the module goes from the running kernel first, if it runs there. */
static int uninstall_unload(const char *krel, const char *name)
{
	char running[256], live[64];
	struct kp_conf conf;
	struct kp_err err;
	int ret;

	live_name(name, live, sizeof(live));
	if (kp_conf_load(&conf, &err))
		return p_kerr(&err);
	if ((ret = running_release(running, sizeof(running))))
		return ret;
	if (strcmp(running, krel))
		return 0;
	if (!kp_module_loaded(live) && !kp_patch_exists(live)) {
		p_info("patch module %s is not loaded", name);
		return 0;
	}
	if (!conf.unload_on_remove) {
		p_info("%s stays loaded until reboot (unload_on_remove=no in %s/kpatch.conf)", name, kp_conf_dir());
		return 0;
	}
	return unload_module(name, KPATCH_DEFAULT_TIMEOUT * 1000L);
}

int do_uninstall(int argc, char **argv)
{
	static const struct cmd_flag flags[] = { { "unload", 0 }, { NULL, 0 } };
	struct cmd_opts o;
	const char *krel = o.krel;
	char name[64];
	struct kp_err err;
	size_t len;
	int ret, unload;

	if ((ret = cmd_opts_parse("uninstall", argc, argv, CMD_OPT_KERNEL, flags, &o)))
		return ret;
	unload = o.flags & 1;
	if ((ret = one_arg("uninstall", argc, "one module at a time", "no module name given")))
		return ret;
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
	if ((ret = cmd_opts_release(&o)))
		return ret;
	if (unload) {
		if ((ret = uninstall_unload(krel, name)))
			return ret;
		kp_loadfail_clear(name);	/* its package is going: no failure to report */
		if (!kp_store_has(krel, name)) {
			p_info("module %s is not installed for kernel %s: nothing to uninstall", name, krel);
			return 0;
		}
	}
	p_info("uninstalling %s (%s)", name, krel);
	if (kp_store_uninstall(krel, name, &err))
		return p_kerr(&err);
	if (!unload && kp_module_loaded(name))
		p_note("%s stays loaded until `kpatch unload %s` or a reboot", name, name);
	return 0;
}
