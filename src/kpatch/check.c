// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch check: one line per finding, exit 0 OK, 1 WARNING, 2 CRITICAL,
 * 3 UNKNOWN (the state could not be read), as monitoring systems expect.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"
#include "kpatchlib/check.h"
#include "kpatchlib/names.h"
#include "kpatchlib/paths.h"

#define CHECK_UNKNOWN 3
#define DEFAULT_THRESHOLD 60

static const char *const level_names[] = { "OK", "WARNING", "CRITICAL" };

static void render(const struct kp_check *c, const char *krel)
{
	if (json_output) {
		json_object *o = json_object_new_object(), *a = json_object_new_array();

		json_object_object_add(o, "status", json_object_new_string(level_names[c->level]));
		json_object_object_add(o, "code", json_object_new_int(c->level));
		json_object_object_add(o, "kernel", json_object_new_string(krel));
		json_object_object_add(o, "loaded", json_object_new_int((int)c->loaded));
		json_object_object_add(o, "installed", json_object_new_int((int)c->installed));
		for (size_t i = 0; i < c->n; i++) {
			json_object *f = json_object_new_object();

			json_object_object_add(f, "level", json_object_new_string(level_names[c->f[i].level]));
			json_object_object_add(f, "id", json_object_new_string(c->f[i].id));
			json_object_object_add(f, "module", json_object_new_string(c->f[i].module));
			json_object_object_add(f, "message", json_object_new_string(c->f[i].msg));
			json_object_array_add(a, f);
		}
		json_object_object_add(o, "findings", a);
		p_json(o);
		return;
	}
	for (size_t i = 0; i < c->n; i++)
		printf("%s: %s\n", level_names[c->f[i].level], c->f[i].msg);
	/* OK-level notes (manual subscription) come with the summary line */
	if (c->level == KP_CHECK_OK)
		printf("OK: %zu patch module(s) loaded, %zu installed for %s\n", c->loaded, c->installed, krel);
}

/*
 * Every failure of check is UNKNOWN, in the exit code and in the JSON
 * "code" alike: a monitoring system reads one or the other.
 */
static int unknown(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int unknown(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return p_err(CHECK_UNKNOWN, "%s", msg);
}

#define usage_unknown(fmt, ...) unknown("check: " fmt " (see kpatch check --help)", __VA_ARGS__)

int do_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "transition-threshold", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	long threshold = DEFAULT_THRESHOLD * 1000L;
	char krel[256];
	struct kp_check c;
	struct kp_err err;
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (opt != 'T')
			return usage_unknown("unknown option '%s'", argv[optind - 1]);
		threshold = parse_seconds_ms(optarg);
		if (threshold < 0)
			return usage_unknown("threshold '%s' is not a number of seconds", optarg);
	}
	if (optind < argc)
		return usage_unknown("unexpected argument '%s'", argv[optind]);
	if (kp_running_release(krel, sizeof(krel), &err) ||
	    kp_release_check(krel, "the running kernel's release", KP_E_SYSTEM, &err) ||
	    kp_check_run(krel, (unsigned int)(threshold / 1000), &c, &err))
		return unknown("%s", err.msg);
	render(&c, krel);
	kp_check_free(&c);
	return c.level;
}
