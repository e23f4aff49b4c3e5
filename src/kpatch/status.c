// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch status: everything a fleet tool needs in one call (running
 * kernel, loaded and installed patches with versions and CVEs, the check
 * and its findings, patch level, last successful load). --json gives the
 * versioned document of kpatch(8), "STATUS JSON"; its shape only grows.
 * Gathering is kpatchlib/state.c's; this file renders.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"
#include "kpatchlib/state.h"

#define STATUS_SCHEMA 1
#define DEFAULT_THRESHOLD 60

static const char *const level_names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

static int check_code(const struct kp_state *s)
{
	return s->check_ok ? (int)s->check.level : 3;
}

static json_object *str_or_null(const char *s)
{
	return s && *s ? json_object_new_string(s) : NULL;
}

static json_object *tri_bool(int v)
{
	return v < 0 ? NULL : json_object_new_boolean(v);
}

static json_object *cves_json(const struct kp_cves *c)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < c->n; i++)
		json_object_array_add(a, json_object_new_string(c->v[i]));
	return a;
}

static json_object *check_json(const struct kp_state *s)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	json_object_object_add(o, "status", json_object_new_string(level_names[check_code(s)]));
	json_object_object_add(o, "code", json_object_new_int(check_code(s)));
	json_object_object_add(o, "error", s->check_ok ? NULL : json_object_new_string(s->check_error));
	for (size_t i = 0; i < s->check.n; i++) {
		json_object *f = json_object_new_object();

		json_object_object_add(f, "level", json_object_new_string(level_names[s->check.f[i].level]));
		json_object_object_add(f, "id", json_object_new_string(s->check.f[i].id));
		json_object_object_add(f, "module", json_object_new_string(s->check.f[i].module));
		json_object_object_add(f, "message", json_object_new_string(s->check.f[i].msg));
		json_object_array_add(a, f);
	}
	json_object_object_add(o, "findings", a);
	return o;
}

static const char *pkgsys_name(const struct kp_check *c)
{
	if (!c->sub_ok || c->sub.sys == KP_PKGSYS_NONE)
		return NULL;
	return c->sub.sys == KP_PKGSYS_DEB ? "deb" : "rpm";
}

/* "subscription": mode and each installed kernel's patch package. */
static json_object *subscription_json(const struct kp_state *s)
{
	const struct kp_sub *sub = &s->check.sub;
	json_object *o = json_object_new_object(), *a = json_object_new_array();

	json_object_object_add(o, "mode", str_or_null(pkgsys_name(&s->check) ? kp_sub_mode_name(sub->mode) : NULL));
	json_object_object_add(o, "package_system", str_or_null(pkgsys_name(&s->check)));
	for (size_t i = 0; i < sub->n; i++) {
		json_object *k = json_object_new_object();

		json_object_object_add(k, "release", json_object_new_string(sub->k[i].release));
		json_object_object_add(k, "running", json_object_new_boolean(!strcmp(sub->k[i].release, s->krel)));
		json_object_object_add(k, "package", json_object_new_string(sub->k[i].package));
		json_object_object_add(k, "installed", json_object_new_boolean(sub->k[i].patched));
		json_object_object_add(k, "version", str_or_null(sub->k[i].version));
		json_object_array_add(a, k);
	}
	json_object_object_add(o, "kernels", a);
	return o;
}

static void render_json(const struct kp_state *s)
{
	json_object *o = json_object_new_object(), *lo = json_object_new_array(), *in = json_object_new_array();

	json_object_object_add(o, "schema", json_object_new_int(STATUS_SCHEMA));
	json_object_object_add(o, "kpatch_version", json_object_new_string(KPATCH_VERSION));
	json_object_object_add(o, "kernel", json_object_new_string(s->krel));
	json_object_object_add(o, "check", check_json(s));
	if (s->level_module[0]) {
		json_object *l = json_object_new_object();
		char v[64];

		snprintf(v, sizeof(v), "%lu-%lu", s->level_patch, s->level_release);
		json_object_object_add(l, "version", json_object_new_string(v));
		json_object_object_add(l, "module", json_object_new_string(s->level_module));
		json_object_object_add(o, "patch_level", l);
	} else {
		json_object_object_add(o, "patch_level", NULL);
	}
	json_object_object_add(o, "last_success",
			       s->last_success ? json_object_new_int64(s->last_success) : NULL);
	for (size_t i = 0; i < s->nloaded; i++) {
		const struct kp_state_loaded *l = &s->loaded[i];
		json_object *p = json_object_new_object();

		json_object_object_add(p, "name", json_object_new_string(l->name));
		json_object_object_add(p, "state", json_object_new_string(kp_live_state_name(l->state)));
		json_object_object_add(p, "enabled", json_object_new_boolean(l->state == KP_LIVE_ENABLED ||
									      l->state == KP_LIVE_PATCHING));
		json_object_object_add(p, "transition", json_object_new_boolean(l->state == KP_LIVE_PATCHING ||
									         l->state == KP_LIVE_UNPATCHING));
		json_object_object_add(p, "installed", json_object_new_boolean(l->installed));
		json_object_object_add(p, "version", str_or_null(l->version));
		json_object_object_add(p, "replace", tri_bool(l->replace));
		json_object_object_add(p, "cves", cves_json(&l->cves));
		json_object_array_add(lo, p);
	}
	json_object_object_add(o, "loaded", lo);
	for (size_t i = 0; i < s->ninstalled; i++) {
		const struct kp_state_installed *m = &s->installed[i];
		json_object *p = json_object_new_object();

		json_object_object_add(p, "name", json_object_new_string(m->name));
		json_object_object_add(p, "kernel", json_object_new_string(m->krel));
		json_object_object_add(p, "running_kernel", json_object_new_boolean(!strcmp(m->krel, s->krel)));
		json_object_object_add(p, "loaded", json_object_new_boolean(m->loaded));
		json_object_object_add(p, "version", str_or_null(m->version));
		json_object_object_add(p, "replace", tri_bool(m->replace));
		json_object_object_add(p, "cves", cves_json(&m->cves));
		json_object_object_add(p, "error", str_or_null(m->error));
		json_object_array_add(in, p);
	}
	json_object_object_add(o, "installed", in);
	json_object_object_add(o, "subscription", subscription_json(s));
	p_json(o);
}

static void plain_cves(const struct kp_cves *c)
{
	for (size_t i = 0; i < c->n; i++)
		printf("%s%s", i ? "," : " ", c->v[i]);
	putchar('\n');
}

static void render_plain(const struct kp_state *s)
{
	char when[64] = "-";

	if (s->last_success) {
		time_t t = (time_t)s->last_success;
		struct tm tm;

		if (gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	printf("kernel:       %s\n", s->krel);
	printf("check:        %s\n", level_names[check_code(s)]);
	if (!s->check_ok)
		printf("    UNKNOWN: %s\n", s->check_error);
	for (size_t i = 0; i < s->check.n; i++)
		printf("    %s: %s\n", level_names[s->check.f[i].level], s->check.f[i].msg);
	if (s->level_module[0])
		printf("patch level:  %lu-%lu (%s)\n", s->level_patch, s->level_release, s->level_module);
	else
		printf("patch level:  -\n");
	printf("last success: %s\n", when);
	printf("loaded:\n");
	for (size_t i = 0; i < s->nloaded; i++) {
		printf("    %s [%s]", s->loaded[i].name, kp_live_state_name(s->loaded[i].state));
		if (s->loaded[i].version[0])
			printf(" version %s", s->loaded[i].version);
		if (!s->loaded[i].installed)
			printf(" (not installed)");
		plain_cves(&s->loaded[i].cves);
	}
	printf("installed:\n");
	for (size_t i = 0; i < s->ninstalled; i++) {
		const struct kp_state_installed *m = &s->installed[i];

		printf("    %s (%s)", m->name, m->krel);
		if (m->version[0])
			printf(" version %s", m->version);
		if (m->error[0])
			printf(" [unusable: %s]", m->error);
		plain_cves(&m->cves);
	}
	if (pkgsys_name(&s->check)) {
		const struct kp_sub *sub = &s->check.sub;

		printf("subscription: %s (%s packages)\n", kp_sub_mode_name(sub->mode), pkgsys_name(&s->check));
		for (size_t i = 0; i < sub->n; i++)
			printf("    %s%s: %s %s\n", sub->k[i].release, strcmp(sub->k[i].release, s->krel) ? "" : " (running)",
			       sub->k[i].package, sub->k[i].patched ? sub->k[i].version : "not installed");
	} else {
		printf("subscription: -\n");
	}
}

int do_status(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "transition-threshold", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	long threshold = DEFAULT_THRESHOLD * 1000L;
	struct kp_state s;
	struct kp_err err;
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+:", longopts, NULL)) != -1) {
		if (opt == ':')
			return cmd_usage_err("status", "option '%s' needs an argument", argv[optind - 1]);
		if (opt != 'T')
			return cmd_usage_err("status", "unknown option '%s'", argv[optind - 1]);
		threshold = parse_seconds_ms(optarg);
		if (threshold < 0)
			return cmd_usage_err("status", "threshold '%s' is not a number of seconds", optarg);
	}
	if (optind < argc)
		return cmd_usage_err("status", "unexpected argument '%s'", argv[optind]);
	if (kp_state_read(&s, (unsigned int)(threshold / 1000), &err))
		return p_kerr(&err);
	if (json_output)
		render_json(&s);
	else
		render_plain(&s);
	kp_state_free(&s);
	return 0;
}
