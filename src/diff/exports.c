// SPDX-License-Identifier: GPL-2.0
/*
 * Exported symbols of the kernel being patched, from its Module.symvers.
 * The differ needs them only for what the module loader resolves before
 * livepatch relocations exist (jump-label keys, static-call keys).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "diff/diff.h"

int kdiff_exports_load(const char *path, struct kdiff_exports *ex, char *msg, size_t msglen)
{
	int err = symvers_load(path, &ex->sv);

	if (err == -EINVAL)
		snprintf(msg, msglen, "%s: not a Module.symvers file", path);
	else if (err)
		snprintf(msg, msglen, "%s: %s", path, strerror(-err));
	return err ? -EINVAL : 0;
}

bool kdiff_exports_has(const struct kdiff_exports *ex, const char *name)
{
	return ex && symvers_find(&ex->sv, name);
}

void kdiff_exports_free(struct kdiff_exports *ex)
{
	symvers_free(&ex->sv);
}
