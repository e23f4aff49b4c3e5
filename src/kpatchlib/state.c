// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpatchlib/modfile.h"
#include "kpatchlib/names.h"
#include "kpatchlib/origin.h"
#include "kpatchlib/paths.h"
#include "kpatchlib/pkgname.h"
#include "kpatchlib/runstate.h"
#include "kpatchlib/state.h"
#include "kpatchlib/store.h"

void kp_cves_free(struct kp_cves *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

int kp_cves_parse(const char *csv, struct kp_cves *out, struct kp_err *err)
{
	const char *p = csv;

	memset(out, 0, sizeof(*out));
	while (p && *p) {
		size_t len = strcspn(p, ","), i;
		const char *s = p;
		char **v;

		p += len;
		if (*p == ',')
			p++;
		while (len && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (!len)
			continue;
		for (i = 0; i < out->n; i++)
			if (strlen(out->v[i]) == len && !memcmp(out->v[i], s, len))
				break;
		if (i < out->n)
			continue;
		v = realloc(out->v, (out->n + 1) * sizeof(*v));
		if (!v)
			goto nomem;
		out->v = v;
		v[out->n] = strndup(s, len);
		if (!v[out->n])
			goto nomem;
		out->n++;
	}
	return 0;
nomem:
	kp_cves_free(out);
	return kp_err_set(err, KP_E_SYSTEM, ENOMEM, "out of memory for the CVE list");
}

int kp_state_module_version(const char *krel, const char *name, unsigned long *patch,
			    unsigned long *release)
{
	struct kp_pkg_version v = { 0, 0 };
	char base[128], vs[64], again[128];
	size_t blen, i;

	/* The prefix is the name of version 0-0 without its "0_0". */
	if (kp_pkg_module_name(krel, &v, base, sizeof(base), NULL))
		return -1;
	blen = strlen(base) - 3;
	if (strncmp(name, base, blen) || strlen(name + blen) >= sizeof(vs))
		return -1;
	snprintf(vs, sizeof(vs), "%s", name + blen);
	for (i = 0; vs[i] && vs[i] != '_'; i++)
		;
	if (vs[i] != '_')
		return -1;
	vs[i] = '-';
	if (kp_pkg_version_parse(vs, &v, NULL) ||
	    kp_pkg_module_name(krel, &v, again, sizeof(again), NULL) || strcmp(again, name))
		return -1;
	*patch = v.patch;
	*release = v.release;
	return 0;
}

static void version_of(const char *krel, const char *name, char *buf, size_t size)
{
	unsigned long p, r;

	buf[0] = '\0';
	if (!kp_state_module_version(krel, name, &p, &r))
		snprintf(buf, size, "%lu-%lu", p, r);
}

/* The module file at path, if it is module name: its CVEs and replace flag. */
static int read_file(const char *path, const char *name, struct kp_cves *cves, int *replace,
		     struct kp_err *err)
{
	struct kp_modfile mf;
	int ret = 0;

	if (kp_modfile_open(path, 0, &mf, err))
		return -1;
	if (strcmp(mf.name, name)) {
		kp_modfile_close(&mf);
		return kp_err_set(err, KP_E_INVALID, 0, "%s holds module %s, not %s", path, mf.name, name);
	}
	*replace = mf.replace;
	if (kp_cves_parse(mf.cves, cves, NULL))
		ret = kp_err_set(err, KP_E_SYSTEM, ENOMEM, "reading %s", path);
	kp_modfile_close(&mf);
	return ret;
}

static int read_installed(struct kp_state *s, const struct kp_live *live)
{
	struct kp_names kernels, names;
	struct kp_err err;

	if (kp_store_kernels(&kernels, &err))
		return 0;	/* the check names the problem */
	for (size_t k = 0; k < kernels.n; k++) {
		if (kp_store_list(kernels.v[k], &names, &err))
			continue;
		for (size_t i = 0; i < names.n; i++) {
			struct kp_state_installed *in = realloc(s->installed, (s->ninstalled + 1) * sizeof(*in));
			const struct kp_live_patch *p;
			char path[4096];
			struct kp_err bad = { 0 };

			if (!in) {
				kp_names_free(&names);
				kp_names_free(&kernels);
				return -ENOMEM;
			}
			s->installed = in;
			in = &s->installed[s->ninstalled++];
			memset(in, 0, sizeof(*in));
			snprintf(in->name, sizeof(in->name), "%s", names.v[i]);
			snprintf(in->krel, sizeof(in->krel), "%s", kernels.v[k]);
			version_of(in->krel, in->name, in->version, sizeof(in->version));
			p = strcmp(in->krel, s->krel) ? NULL : kp_live_find(live, in->name);
			in->loaded = p && p->state != KP_LIVE_SUPERSEDED;
			in->replace = -1;
			if (kp_store_path(in->krel, in->name, path, sizeof(path)) ||
			    read_file(path, in->name, &in->cves, &in->replace, &bad)) {
				in->replace = -1;
				snprintf(in->error, sizeof(in->error), "%s", bad.msg[0] ? bad.msg : "unusable module file");
			}
		}
		kp_names_free(&names);
	}
	kp_names_free(&kernels);
	return 0;
}

static int cves_copy(const struct kp_cves *from, struct kp_cves *to)
{
	to->n = 0;
	to->v = from->n ? calloc(from->n, sizeof(*to->v)) : NULL;
	if (from->n && !to->v)
		return -ENOMEM;
	for (size_t i = 0; i < from->n; i++) {
		to->v[i] = strdup(from->v[i]);
		if (!to->v[i])
			return -ENOMEM;
		to->n++;
	}
	return 0;
}

static const struct kp_state_installed *find_installed(const struct kp_state *s, const char *name)
{
	for (size_t i = 0; i < s->ninstalled; i++)
		if (!strcmp(s->installed[i].krel, s->krel) && !strcmp(s->installed[i].name, name))
			return &s->installed[i];
	return NULL;
}

static int read_loaded(struct kp_state *s, const struct kp_live *live)
{
	if (!live->n)
		return 0;
	s->loaded = calloc(live->n, sizeof(*s->loaded));
	if (!s->loaded)
		return -ENOMEM;
	for (size_t i = 0; i < live->n; i++) {
		struct kp_state_loaded *l = &s->loaded[s->nloaded++];
		const struct kp_state_installed *in = find_installed(s, live->p[i].name);
		char path[4096];

		snprintf(l->name, sizeof(l->name), "%s", live->p[i].name);
		l->state = live->p[i].state;
		l->installed = in != NULL;
		l->replace = -1;
		version_of(s->krel, l->name, l->version, sizeof(l->version));
		if (in && in->replace >= 0) {
			l->replace = in->replace;
			if (cves_copy(&in->cves, &l->cves))
				return -ENOMEM;
		} else if (!in && !kp_origin_path(l->name, path, sizeof(path), NULL)) {
			/* Loaded from a path: the file it was loaded from, if it still is that module. */
			if (read_file(path, l->name, &l->cves, &l->replace, NULL))
				l->replace = -1;
		}
	}
	return 0;
}

/* The effective patch level: the newest enabled patch-package module. */
static void patch_level(struct kp_state *s)
{
	for (size_t i = 0; i < s->nloaded; i++) {
		unsigned long p, r;

		if (s->loaded[i].state != KP_LIVE_ENABLED ||
		    kp_state_module_version(s->krel, s->loaded[i].name, &p, &r))
			continue;
		if (!s->level_module[0] || p > s->level_patch ||
		    (p == s->level_patch && r > s->level_release)) {
			s->level_patch = p;
			s->level_release = r;
			snprintf(s->level_module, sizeof(s->level_module), "%s", s->loaded[i].name);
		}
	}
}

int kp_state_read(struct kp_state *s, unsigned int threshold, struct kp_err *err)
{
	struct kp_live live = { 0 };
	struct kp_err e = { 0 };
	int ret;

	memset(s, 0, sizeof(*s));
	if (kp_running_release(s->krel, sizeof(s->krel), err) ||
	    kp_release_check(s->krel, "the running kernel's release", KP_E_SYSTEM, err))
		return -1;
	s->check_ok = !kp_check_run(s->krel, threshold, &s->check, &e);
	if (!s->check_ok)
		snprintf(s->check_error, sizeof(s->check_error), "%s", e.msg);
	/* A live state the check could not read is shown empty; the check says why. */
	if (kp_live_read(&live, &e))
		memset(&live, 0, sizeof(live));
	ret = read_installed(s, &live);
	if (!ret)
		ret = read_loaded(s, &live);
	kp_live_free(&live);
	if (ret) {
		kp_state_free(s);
		return kp_err_set(err, KP_E_SYSTEM, -ret, "reading the live-patch state");
	}
	patch_level(s);
	s->last_success = kp_last_success();
	return 0;
}

void kp_state_free(struct kp_state *s)
{
	for (size_t i = 0; i < s->nloaded; i++)
		kp_cves_free(&s->loaded[i].cves);
	for (size_t i = 0; i < s->ninstalled; i++)
		kp_cves_free(&s->installed[i].cves);
	free(s->loaded);
	free(s->installed);
	s->loaded = NULL;
	s->installed = NULL;
	s->nloaded = s->ninstalled = 0;
	kp_check_free(&s->check);
}

const char *const kp_finding_classes[] = {
	KP_FIND_NOT_LOADED, KP_FIND_NOT_ENABLED, KP_FIND_SUPERSEDED, KP_FIND_KERNEL_MISMATCH,
	KP_FIND_NOT_INSTALLED, KP_FIND_TRANSITION, KP_FIND_WITHDRAWN, KP_FIND_WITHDRAWN_INST,
	KP_FIND_INVALID_STATE, KP_FIND_PKG_MISSING, KP_FIND_UNSUBSCRIBED, KP_FIND_PKG_DB, NULL,
};
