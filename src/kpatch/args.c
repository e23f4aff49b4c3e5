// SPDX-License-Identifier: GPL-2.0
/* Helpers for command arguments shared by several commands. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"
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
	return kp_store_path(krel, arg, path, size);
}

int running_release(char *buf, size_t size)
{
	struct kp_err err;

	if (kp_running_release(buf, size, &err))
		return p_kerr(&err);
	return 0;
}
