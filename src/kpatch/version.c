// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"

int do_version(int argc, char **argv)
{
	json_object *o;

	if (argc > 1)
		return cmd_usage_err("version", "unexpected argument '%s'", argv[1]);
	if (!json_output) {
		printf("kpatch %s\n", KPATCH_VERSION);
		return 0;
	}
	o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_string(KPATCH_VERSION));
	p_json(o);
	return 0;
}
