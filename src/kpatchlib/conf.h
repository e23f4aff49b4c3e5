/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_CONF_H
#define KPATCHLIB_CONF_H

#include <stddef.h>

#include "kpatchlib/err.h"

/*
 * <conf dir>/kpatch.conf: "key=value" lines, '#' starts a comment, blank
 * lines are ignored, spaces around key and value are allowed. Keys:
 *   unload_on_remove=yes|no   `uninstall --unload` unloads (default yes)
 * A missing file means the defaults. A damaged file (NUL or control byte),
 * an unknown key, a bad value or a repeated key is an error naming file
 * and line: the configuration fails closed, never half-applied.
 */
struct kp_conf {
	int unload_on_remove;
};

void kp_conf_defaults(struct kp_conf *c);
int kp_conf_load(struct kp_conf *c, struct kp_err *err);
/* Parse text (size bytes) over the defaults already in c; what names it in errors. */
int kp_conf_parse(struct kp_conf *c, const char *text, size_t size, const char *what,
		  struct kp_err *err);

#endif
