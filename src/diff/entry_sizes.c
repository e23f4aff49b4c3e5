// SPDX-License-Identifier: GPL-2.0
/*
 * Entry sizes of the special sections. The driver measures them in the
 * prepared kernel tree and passes them as a JSON object; the built-in table
 * holds the sizes of the Debian 6.1 cloud kernel for tests and debugging.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/regfile.h"
#include "diff/diff.h"

static struct kdiff_entry_size builtin[] = {
	{ "__bug_table", 12 },
	{ "__ex_table", 12 },
	{ "__jump_table", 16 },
	{ ".altinstructions", 12 },
	{ ".orc_unwind", 6 },
	{ ".orc_unwind_ip", 4 },
	{ ".parainstructions", 16 },
	{ ".static_call_sites", 8 },
	{ ".retpoline_sites", 4 },
	{ ".return_sites", 4 },
	{ ".smp_locks", 4 },
	{ "__mcount_loc", 8 },
};

static const struct kdiff_entry_sizes builtin_sizes = {
	builtin, sizeof(builtin) / sizeof(builtin[0])
};

const struct kdiff_entry_sizes *kdiff_entry_sizes_default(void)
{
	return &builtin_sizes;
}

void kdiff_entry_sizes_free(struct kdiff_entry_sizes *es)
{
	size_t i;

	for (i = 0; i < es->n; i++)
		free(es->v[i].section);
	free(es->v);
	es->v = NULL;
	es->n = 0;
}

int kdiff_entry_sizes_load(const char *path, struct kdiff_entry_sizes *es,
			   char *msg, size_t msglen)
{
	const char *kind;
	int fd = kp_open_regular(path, &kind);
	json_object *root;
	size_t n = 0;

	es->v = NULL;
	es->n = 0;
	if (fd < 0) {
		snprintf(msg, msglen, "%s: %s", path, fd == KP_NOT_REGULAR ? kind : strerror(errno));
		return -EINVAL;
	}
	root = json_object_from_fd(fd);
	close(fd);
	if (!root) {
		const char *why = json_util_get_last_err();

		/* json-c ends its message with a newline: one line is ours to end */
		snprintf(msg, msglen, "%s: not readable JSON: %.*s", path,
			 why ? (int)strcspn(why, "\n") : 1, why ? why : "?");
		return -EINVAL;
	}
	if (!json_object_is_type(root, json_type_object)) {
		snprintf(msg, msglen, "%s: expected a JSON object of section name to entry size",
			 path);
		json_object_put(root);
		return -EINVAL;
	}
	es->v = calloc(json_object_object_length(root) + 1, sizeof(*es->v));
	if (!es->v) {
		json_object_put(root);
		snprintf(msg, msglen, "out of memory");
		return -ENOMEM;
	}
	json_object_object_foreach(root, key, val) {
		int64_t size;

		if (!json_object_is_type(val, json_type_int) ||
		    (size = json_object_get_int64(val)) <= 0 || size > 4096) {
			snprintf(msg, msglen, "%s: \"%s\": entry size must be an integer from 1 to 4096",
				 path, key);
			es->n = n;
			kdiff_entry_sizes_free(es);
			json_object_put(root);
			return -EINVAL;
		}
		es->v[n].section = strdup(key);
		es->v[n].size = (size_t)size;
		if (!es->v[n].section) {
			es->n = n;
			kdiff_entry_sizes_free(es);
			json_object_put(root);
			snprintf(msg, msglen, "out of memory");
			return -ENOMEM;
		}
		n++;
	}
	es->n = n;
	json_object_put(root);
	return 0;
}
