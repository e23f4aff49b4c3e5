// SPDX-License-Identifier: GPL-2.0
/* Helpers for command arguments shared by several commands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"
#include "kpatchlib/names.h"
#include "kpatchlib/paths.h"
#include "kpatchlib/store.h"

long parse_seconds_ms(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < 0 || v > 86400)
		return -1;
	return (long)(v * 1000);
}

int module_arg_path(const char *arg, const char *krel, char *path, size_t size)
{
	size_t len = strlen(arg);

	if (strchr(arg, '/') || (len > 3 && !strcmp(arg + len - 3, ".ko"))) {
		if (len >= size)
			return -ENAMETOOLONG;
		memcpy(path, arg, len + 1);
		return 0;
	}
	if (!kp_name_ok(arg))
		return -EINVAL;
	return kp_store_path(krel, arg, path, size);
}

int name_arg(const char *cmd, const char *arg)
{
	struct kp_err err;

	if (kp_name_check(arg, "", KP_E_USAGE, &err))
		return cmd_usage_err(cmd, "%s", err.msg);
	return 0;
}

int release_arg(const char *cmd, const char *arg, char *krel, size_t size)
{
	struct kp_err err;

	if (kp_release_check(arg, "", KP_E_USAGE, &err))
		return cmd_usage_err(cmd, "%s", err.msg);
	snprintf(krel, size, "%s", arg);
	return 0;
}

int running_release(char *buf, size_t size)
{
	struct kp_err err;

	if (kp_running_release(buf, size, &err) ||
	    kp_release_check(buf, "the running kernel's release", KP_E_SYSTEM, &err))
		return p_kerr(&err);
	return 0;
}
