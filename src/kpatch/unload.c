// SPDX-License-Identifier: GPL-2.0
/* kpatch unload: disable, wait (reverse on a stall), remove. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"
#include "kpatch/settle.h"
#include "kpatchlib/kernel.h"
#include "kpatchlib/live.h"
#include "kpatchlib/origin.h"

int unload_module(const char *arg, long timeout_ms)
{
	char name[64], why[160];
	enum kp_live_state st;
	struct kp_err err;
	int ret;

	/* Before it forms a sysfs path: `unload ../../x` writes nothing. */
	ret = name_arg("unload", arg);
	if (ret)
		return ret;
	live_name(arg, name, sizeof(name));
	ret = kp_patch_state_why(name, &st, why, sizeof(why));
	if (ret == -EINVAL)
		return p_err(KP_E_KERNEL, "patch %s: its state cannot be read (%s); not touching it", name, why);
	if (ret) {
		/* No patch directory: a disabled or superseded module, or nothing. */
		if (!kp_module_loaded(name))
			return p_err(KP_E_NOTFOUND, "patch module %s is not loaded", name);
	} else {
		p_info("disabling patch module: %s", name);
		if (st == KP_LIVE_ENABLED || st == KP_LIVE_PATCHING) {
			if (kp_patch_enable(name, 0, &err))
				return p_kerr(&err);
		}
		if (settle(name, 0, timeout_ms, &err)) {
			ret = p_err(err.class, "%s; %s stays loaded and enabled", err.msg, name);
			return ret;
		}
		/* The patch directory goes away once the kernel freed the patch. */
		for (int i = 0; i < 300 && kp_patch_exists(name); i++)
			usleep(10000);
	}
	p_info("unloading patch module: %s", name);
	if (kp_remove(name, &err))
		return p_kerr(&err);
	kp_origin_clear(name);
	return 0;
}

int do_unload(int argc, char **argv)
{
	struct cmd_opts o;
	int ret, r;

	ret = cmd_opts_parse("unload", argc, argv, CMD_OPT_ALL | CMD_OPT_TIMEOUT, NULL, &o);
	if (ret)
		return ret;
	if (o.all) {
		struct kp_live live;
		struct kp_err err;
		size_t nfail = 0;

		if (kp_live_read(&live, &err))
			return p_kerr(&err);
		for (size_t i = 0; i < live.n; i++)
			nfail += unload_module(live.p[i].name, o.timeout_ms) != 0;
		if (nfail)
			p_err(KP_E_PARTIAL, "%zu of %zu patch modules failed to unload", nfail, live.n);
		kp_live_free(&live);
		return nfail ? KP_E_PARTIAL : 0;
	}
	for (; optind < argc; optind++) {
		r = unload_module(argv[optind], o.timeout_ms);
		if (r && !ret)
			ret = r;
	}
	return ret;
}
