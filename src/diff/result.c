// SPDX-License-Identifier: GPL-2.0
/*
 * The result file: how one kpatch-diff run ended, for the driver. Written
 * in every outcome (the manifest only when something changed), so
 * kpatch-build takes the status and the reason from here, never from the
 * differ's log.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "diff/diff.h"

static const struct {
	enum kdiff_status st;
	const char *name;
} names[] = {
	{ KDIFF_CHANGED, "changed" },
	{ KDIFF_ERROR, "error" },
	{ KDIFF_NO_CHANGE, "no-change" },
	{ KDIFF_REFUSED, "refused" },
	{ KDIFF_INIT_ONLY, "init-only" },
};

const char *kdiff_status_name(enum kdiff_status st)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].st == st)
			return names[i].name;
	return "error";
}

int kdiff_result_write(const char *path, enum kdiff_status st, const char *reason,
		       const char *init, char *msg, size_t msglen)
{
	json_object *root = json_object_new_object();
	int ret = 0;

	if (!root) {
		snprintf(msg, msglen, "%s: out of memory", path);
		return -ENOMEM;
	}
	json_object_object_add(root, "status", json_object_new_string(kdiff_status_name(st)));
	json_object_object_add(root, "code", json_object_new_int(st));
	if (reason && *reason)
		json_object_object_add(root, "reason", json_object_new_string(reason));
	/* the driver names it when another object's runtime change needs --skip-init */
	if (init && *init)
		json_object_object_add(root, "init", json_object_new_string(init));
	if (json_object_to_file_ext(path, root, JSON_C_TO_STRING_PLAIN |
				    JSON_C_TO_STRING_NOSLASHESCAPE)) {
		snprintf(msg, msglen, "%s: cannot write: %s", path, json_util_get_last_err());
		ret = -EIO;
	}
	json_object_put(root);
	return ret;
}
