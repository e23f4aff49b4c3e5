// SPDX-License-Identifier: GPL-2.0
/* The manifest: what the output carries and what it needs, as JSON for the driver. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>

#include "diff/diff.h"

static const char *bind_name(unsigned char bind)
{
	return bind == STB_LOCAL ? "local" : "global";
}

static const char *type_name(unsigned char type)
{
	switch (type) {
	case STT_FUNC:
		return "func";
	case STT_OBJECT:
		return "object";
	default:
		return "notype";
	}
}

int kdiff_manifest_write(const struct kdiff_result *res, const char *object,
			 const char *path, char *msg, size_t msglen)
{
	json_object *root = json_object_new_object();
	json_object *fns = json_object_new_array();
	json_object *syms = json_object_new_array();
	size_t i;
	int rc = 0;

	if (!root || !fns || !syms) {
		rc = -ENOMEM;
		goto out;
	}
	json_object_object_add(root, "object", json_object_new_string(object));
	json_object_object_add(root, "functions", fns);
	json_object_object_add(root, "symbols", syms);
	for (i = 0; i < res->nfunctions; i++) {
		json_object *f = json_object_new_object();

		json_object_object_add(f, "name", json_object_new_string(res->functions[i].name));
		json_object_object_add(f, "change", json_object_new_string(
			res->functions[i].change == KDIFF_FN_NEW ? "new" : "changed"));
		json_object_array_add(fns, f);
	}
	for (i = 0; i < res->nsymbols; i++) {
		json_object *s = json_object_new_object();

		json_object_object_add(s, "name", json_object_new_string(res->symbols[i].name));
		json_object_object_add(s, "bind", json_object_new_string(bind_name(res->symbols[i].bind)));
		json_object_object_add(s, "type", json_object_new_string(type_name(res->symbols[i].type)));
		if (res->symbols[i].needs_export)
			json_object_object_add(s, "needs_export", json_object_new_boolean(1));
		json_object_array_add(syms, s);
	}
	if (res->ncallbacks) {
		json_object *cbs = json_object_new_array();

		json_object_object_add(root, "callbacks", cbs);
		for (i = 0; i < res->ncallbacks; i++) {
			json_object *cb = json_object_new_object();

			json_object_object_add(cb, "type", json_object_new_string(res->callbacks[i].type));
			json_object_object_add(cb, "symbol", json_object_new_string(res->callbacks[i].symbol));
			json_object_array_add(cbs, cb);
		}
	}
	if (res->nwarnings) {
		json_object *ws = json_object_new_array();

		json_object_object_add(root, "warnings", ws);
		for (i = 0; i < res->nwarnings; i++)
			json_object_array_add(ws, json_object_new_string(res->warnings[i]));
	}
	if (json_object_to_file_ext(path, root, JSON_C_TO_STRING_PRETTY |
				    JSON_C_TO_STRING_NOSLASHESCAPE)) {
		snprintf(msg, msglen, "%s: cannot write: %s", path, json_util_get_last_err());
		json_object_put(root);
		return -EIO;
	}
	json_object_put(root);
	return 0;
out:
	json_object_put(root);
	json_object_put(fns);
	json_object_put(syms);
	snprintf(msg, msglen, "out of memory");
	return rc;
}
