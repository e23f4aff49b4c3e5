// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch metrics: the live-patch state (kpatchlib/state.h) in the
 * Prometheus text exposition format 0.0.4, for node_exporter's textfile
 * collector. Gathering is the library's; this file only renders, into
 * memory first, then to stdout or atomically to --output.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"
#include "kpatchlib/atomic.h"
#include "kpatchlib/state.h"

#define DEFAULT_THRESHOLD 60
#define LABEL_MAX 256

/*
 * A label value per the exposition format: backslash, double quote and
 * line feed escaped. Module info is untrusted: other control bytes and
 * bytes outside ASCII (which may not be UTF-8) become '?', and a value
 * is cut at LABEL_MAX bytes, so every line parses.
 */
static void label(FILE *f, const char *s)
{
	fputc('"', f);
	for (size_t i = 0; s[i] && i < LABEL_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\' || c == '"')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20 || c >= 0x7f)
			fputc('?', f);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void family(FILE *f, const char *name, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static int patch_enabled(enum kp_live_state s)
{
	return s == KP_LIVE_ENABLED || s == KP_LIVE_PATCHING;
}

static int patch_transition(enum kp_live_state s)
{
	return s == KP_LIVE_PATCHING || s == KP_LIVE_UNPATCHING;
}

/* A 0/1 family with one sample per loaded patch. */
static void per_patch(FILE *f, const struct kp_state *s, const char *name, const char *help,
		      int (*value)(enum kp_live_state))
{
	family(f, name, help);
	for (size_t i = 0; i < s->nloaded; i++) {
		fprintf(f, "%s{patch=", name);
		label(f, s->loaded[i].name);
		fputs(",kernel=", f);
		label(f, s->krel);
		fprintf(f, "} %d\n", value(s->loaded[i].state));
	}
}

static void render_patches(FILE *f, const struct kp_state *s)
{
	family(f, "kpatch_patch_info", "A loaded patch module: its state, whether it is installed, its package version.");
	for (size_t i = 0; i < s->nloaded; i++) {
		const struct kp_state_loaded *l = &s->loaded[i];

		fputs("kpatch_patch_info{patch=", f);
		label(f, l->name);
		fputs(",kernel=", f);
		label(f, s->krel);
		fputs(",state=", f);
		label(f, kp_live_state_name(l->state));
		fprintf(f, ",installed=\"%d\",version=", l->installed);
		label(f, l->version);
		fputs("} 1\n", f);
	}
	per_patch(f, s, "kpatch_patch_enabled",
		  "1 when the loaded patch is enabled (or being enabled), else 0.", patch_enabled);
	per_patch(f, s, "kpatch_patch_transition",
		  "1 while the loaded patch is in a transition, else 0.", patch_transition);
}

static int cve_seen(const struct kp_state *s, size_t upto, const char *name)
{
	for (size_t i = 0; i < upto; i++)
		if (!strcmp(s->loaded[i].name, name))
			return 1;
	return 0;
}

static void cve_line(FILE *f, const char *cve, const char *patch, int applied)
{
	fputs("kpatch_cve_applied{cve=", f);
	label(f, cve);
	fputs(",patch=", f);
	label(f, patch);
	fprintf(f, "} %d\n", applied);
}

/* Every CVE declared by a loaded patch or one installed for the running kernel. */
static void render_cves(FILE *f, const struct kp_state *s)
{
	family(f, "kpatch_cve_applied",
	       "1 when the patch declaring the CVE is loaded and enabled on the running kernel, else 0.");
	for (size_t i = 0; i < s->nloaded; i++)
		for (size_t j = 0; j < s->loaded[i].cves.n; j++)
			cve_line(f, s->loaded[i].cves.v[j], s->loaded[i].name,
				 s->loaded[i].state == KP_LIVE_ENABLED);
	for (size_t i = 0; i < s->ninstalled; i++) {
		const struct kp_state_installed *in = &s->installed[i];

		if (strcmp(in->krel, s->krel) || cve_seen(s, s->nloaded, in->name))
			continue;
		for (size_t j = 0; j < in->cves.n; j++)
			cve_line(f, in->cves.v[j], in->name, 0);
	}
}

static size_t findings_of(const struct kp_check *c, const char *id)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++)
		n += !strcmp(c->f[i].id, id);
	return n;
}

static int known_class(const char *id)
{
	for (size_t i = 0; kp_finding_classes[i]; i++)
		if (!strcmp(kp_finding_classes[i], id))
			return 1;
	return 0;
}

static void render_check(FILE *f, const struct kp_state *s)
{
	family(f, "kpatch_check_status", "Result of kpatch check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.");
	fprintf(f, "kpatch_check_status %d\n", s->check_ok ? (int)s->check.level : 3);
	family(f, "kpatch_check_findings", "Findings of kpatch check, by class (see kpatch(8), check).");
	for (size_t i = 0; kp_finding_classes[i]; i++) {
		fputs("kpatch_check_findings{class=", f);
		label(f, kp_finding_classes[i]);
		fprintf(f, "} %zu\n", findings_of(&s->check, kp_finding_classes[i]));
	}
	/* A class this renderer does not list yet still shows. */
	for (size_t i = 0; i < s->check.n; i++) {
		size_t j;

		if (known_class(s->check.f[i].id))
			continue;
		for (j = 0; j < i && strcmp(s->check.f[j].id, s->check.f[i].id); j++)
			;
		if (j < i)
			continue;
		fputs("kpatch_check_findings{class=", f);
		label(f, s->check.f[i].id);
		fprintf(f, "} %zu\n", findings_of(&s->check, s->check.f[i].id));
	}
}

static size_t installed_here(const struct kp_state *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->ninstalled; i++)
		n += !strcmp(s->installed[i].krel, s->krel);
	return n;
}

static void metrics_render(FILE *f, const struct kp_state *s)
{
	family(f, "kpatch_kernel_info", "The running kernel release.");
	fputs("kpatch_kernel_info{release=", f);
	label(f, s->krel);
	fputs("} 1\n", f);
	render_check(f, s);
	family(f, "kpatch_patches_loaded", "Patch modules loaded (superseded ones not counted).");
	fprintf(f, "kpatch_patches_loaded %zu\n", s->check_ok ? s->check.loaded : s->nloaded);
	family(f, "kpatch_patches_installed", "Patch modules installed for the running kernel.");
	fprintf(f, "kpatch_patches_installed %zu\n", installed_here(s));
	render_patches(f, s);
	render_cves(f, s);
	family(f, "kpatch_patch_level",
	       "Patch version N of the newest enabled patch-package module (N-R) for the running kernel, 0 when none.");
	fputs("kpatch_patch_level{kernel=", f);
	label(f, s->krel);
	fprintf(f, "} %lu\n", s->level_patch);
	if (s->level_module[0]) {
		char v[64];

		family(f, "kpatch_patch_level_info", "The effective patch level: package version and module.");
		snprintf(v, sizeof(v), "%lu-%lu", s->level_patch, s->level_release);
		fputs("kpatch_patch_level_info{kernel=", f);
		label(f, s->krel);
		fputs(",version=", f);
		label(f, v);
		fputs(",patch=", f);
		label(f, s->level_module);
		fputs("} 1\n", f);
	}
	if (s->last_success) {
		family(f, "kpatch_last_success_timestamp_seconds",
		       "When the last kpatch load or sync that succeeded finished, seconds since the epoch.");
		fprintf(f, "kpatch_last_success_timestamp_seconds %lld\n", s->last_success);
	}
}

int do_metrics(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "transition-threshold", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	long threshold = DEFAULT_THRESHOLD * 1000L;
	const char *output = NULL;
	struct kp_state s;
	struct kp_err err;
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int opt, ret = 0;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+:o:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			if (!*optarg)
				return cmd_usage_err("metrics", "--output needs a file name");
			output = optarg;
			break;
		case 'T':
			threshold = parse_seconds_ms(optarg);
			if (threshold < 0)
				return cmd_usage_err("metrics", "threshold '%s' is not a number of seconds", optarg);
			break;
		case ':':
			return cmd_usage_err("metrics", "option '%s' needs an argument", argv[optind - 1]);
		default:
			return cmd_usage_err("metrics", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cmd_usage_err("metrics", "unexpected argument '%s'", argv[optind]);
	if (json_output)
		return cmd_usage_err("metrics", "--json does not apply (the output is the Prometheus text format)");
	if (kp_state_read(&s, (unsigned int)(threshold / 1000), &err))
		return p_kerr(&err);
	m = open_memstream(&buf, &len);
	if (!m) {
		kp_state_free(&s);
		return p_err(KP_E_SYSTEM, "out of memory");
	}
	metrics_render(m, &s);
	if (fclose(m)) {
		kp_state_free(&s);
		free(buf);
		return p_err(KP_E_SYSTEM, "out of memory");
	}
	/* UNKNOWN is in the metrics (kpatch_check_status 3); the reason goes to the log. */
	if (!s.check_ok)
		p_warn("check: %s", s.check_error);
	kp_state_free(&s);
	if (output) {
		if (kp_write_atomic(output, buf, len, 0644, &err))
			ret = p_kerr(&err);
	} else if (fwrite(buf, 1, len, stdout) != len || fflush(stdout)) {
		ret = p_err(KP_E_SYSTEM, "cannot write the metrics to stdout");
	}
	free(buf);
	return ret;
}
