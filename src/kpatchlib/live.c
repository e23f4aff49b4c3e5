// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kpatchlib/live.h"
#include "common/regfile.h"
#include "kpatchlib/names.h"
#include "common/regfile.h"
#include "kpatchlib/names.h"
#include "kpatchlib/paths.h"

static const char *const state_names[] = {
	[KP_LIVE_ENABLED] = "enabled",
	[KP_LIVE_DISABLED] = "disabled",
	[KP_LIVE_PATCHING] = "patching",
	[KP_LIVE_UNPATCHING] = "unpatching",
	[KP_LIVE_SUPERSEDED] = "superseded",
	[KP_LIVE_INVALID] = "invalid",
};

const char *kp_live_state_name(enum kp_live_state s)
{
	return state_names[s];
}

int kp_patch_exists(const char *patch)
{
	char path[4096];

	if (!kp_name_ok(patch) ||
	    kp_path(path, sizeof(path), "%s/kernel/livepatch/%s", kp_sysfs_root(), patch))
		return 0;
	return access(path, F_OK) == 0;
}

int kp_module_loaded(const char *name)
{
	char path[4096];

	if (!kp_name_ok(name) || kp_path(path, sizeof(path), "%s/module/%s/initstate", kp_sysfs_root(), name))
		return 0;
	return access(path, F_OK) == 0;
}

static int read_attr(const char *patch, const char *attr, char *buf, size_t size)
{
	char path[4096];

	if (!kp_name_ok(patch))
		return -EINVAL;
	if (kp_path(path, sizeof(path), "%s/kernel/livepatch/%s/%s", kp_sysfs_root(), patch, attr))
		return -ENAMETOOLONG;
	return kp_read_line(path, buf, size);
}

/* "0" or "1"; -1 for anything else. */
static int bool_attr(const char *s)
{
	return !strcmp(s, "1") ? 1 : !strcmp(s, "0") ? 0 : -1;
}

/* Never guess: a corrupt value is not "disabled" nor "unpatching". */
static int invalid(const char *attr, const char *val, enum kp_live_state *state, char *why, size_t size)
{
	char q[64];

	*state = KP_LIVE_INVALID;
	if (why)
		snprintf(why, size, "sysfs %s reads '%s', not 0 or 1", attr, kp_escape(val, q, sizeof(q)));
	return -EINVAL;
}

int kp_patch_state_why(const char *patch, enum kp_live_state *state, char *why, size_t size)
{
	char en[16], tr[16];
	int ret, e, t;

	ret = read_attr(patch, "enabled", en, sizeof(en));
	if (ret)
		return ret;
	ret = read_attr(patch, "transition", tr, sizeof(tr));
	if (ret)
		return ret;
	e = bool_attr(en);
	t = bool_attr(tr);
	if (e < 0)
		return invalid("enabled", en, state, why, size);
	if (t < 0)
		return invalid("transition", tr, state, why, size);
	/* During a transition "enabled" is the target state. */
	if (t)
		*state = e ? KP_LIVE_PATCHING : KP_LIVE_UNPATCHING;
	else
		*state = e ? KP_LIVE_ENABLED : KP_LIVE_DISABLED;
	return 0;
}

int kp_patch_state(const char *patch, enum kp_live_state *state)
{
	return kp_patch_state_why(patch, state, NULL, 0);
}

static int skip_entry(const struct dirent *d)
{
	return d->d_name[0] == '.';
}

/* <patch>/<object>/<func,sympos>/ directories -> funcs. */
static int read_funcs(const char *patchdir, struct kp_live_patch *p)
{
	char path[4096];
	DIR *pd, *od;
	struct dirent *o, *f;

	pd = opendir(patchdir);
	if (!pd)
		return -errno;
	while ((o = readdir(pd))) {
		if (skip_entry(o) || o->d_type != DT_DIR)
			continue;
		if (kp_path(path, sizeof(path), "%s/%s", patchdir, o->d_name))
			continue;
		od = opendir(path);
		if (!od)
			continue;
		while ((f = readdir(od))) {
			char *comma;
			struct kp_func_ref *r;

			if (skip_entry(f) || f->d_type != DT_DIR)
				continue;
			comma = strrchr(f->d_name, ',');
			if (!comma)
				continue;
			*comma = '\0';
			r = kp_funcs_add(&p->funcs, o->d_name, f->d_name, strtoul(comma + 1, NULL, 10));
			if (!r) {
				closedir(od);
				closedir(pd);
				return -ENOMEM;
			}
			snprintf(r->patch, sizeof(r->patch), "%s", p->name);
		}
		closedir(od);
	}
	closedir(pd);
	return 0;
}

static struct kp_live_patch *live_add(struct kp_live *live, const char *name)
{
	struct kp_live_patch *p = realloc(live->p, (live->n + 1) * sizeof(*p));

	if (!p)
		return NULL;
	live->p = p;
	p = &live->p[live->n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	return p;
}

static int cmp_patch(const void *a, const void *b)
{
	return strcmp(((const struct kp_live_patch *)a)->name,
		      ((const struct kp_live_patch *)b)->name);
}

/* Loaded modules with taint 'K' but no patch directory. */
static int add_superseded(struct kp_live *live, struct kp_err *err)
{
	char dir[4096], path[4096], taint[64];
	struct dirent *d;
	DIR *md;

	if (kp_path(dir, sizeof(dir), "%s/module", kp_sysfs_root()))
		return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "sysfs path too long");
	md = opendir(dir);
	if (!md)
		return 0;	/* no module support: nothing can be loaded */
	while ((d = readdir(md))) {
		struct kp_live_patch *p;

		/* The kernel names modules; anything else is not one of them. */
		if (skip_entry(d) || !kp_name_ok(d->d_name) || kp_live_find(live, d->d_name))
			continue;
		if (kp_path(path, sizeof(path), "%s/%s/taint", dir, d->d_name) ||
		    kp_read_line(path, taint, sizeof(taint)) || !strchr(taint, 'K'))
			continue;
		p = live_add(live, d->d_name);
		if (!p) {
			closedir(md);
			return kp_err_set(err, KP_E_SYSTEM, ENOMEM, "reading loaded modules");
		}
		p->state = KP_LIVE_SUPERSEDED;
	}
	closedir(md);
	return 0;
}

int kp_live_read(struct kp_live *live, struct kp_err *err)
{
	char dir[4096], path[4096];
	struct dirent *d;
	DIR *ld;
	int ret;

	memset(live, 0, sizeof(*live));
	if (kp_path(dir, sizeof(dir), "%s/kernel/livepatch", kp_sysfs_root()))
		return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "sysfs path too long");
	ld = opendir(dir);
	if (!ld)
		return kp_err_set(err, KP_E_SYSTEM, errno,
				  "cannot read %s (kernel without CONFIG_LIVEPATCH?)", dir);
	while ((d = readdir(ld))) {
		struct kp_live_patch *p;

		if (skip_entry(d) || !kp_name_ok(d->d_name))
			continue;
		p = live_add(live, d->d_name);
		if (!p) {
			closedir(ld);
			kp_live_free(live);
			return kp_err_set(err, KP_E_SYSTEM, ENOMEM, "reading %s", dir);
		}
		p->has_sysfs = 1;
		/* A patch may vanish while we read: keep what we saw. */
		ret = kp_patch_state_why(p->name, &p->state, p->why, sizeof(p->why));
		if (ret && ret != -EINVAL)
			p->state = KP_LIVE_DISABLED;
		if (!kp_path(path, sizeof(path), "%s/%s", dir, p->name)) {
			ret = read_funcs(path, p);
			if (ret == -ENOMEM) {
				closedir(ld);
				kp_live_free(live);
				return kp_err_set(err, KP_E_SYSTEM, ENOMEM, "reading %s", path);
			}
		}
	}
	closedir(ld);
	if (add_superseded(live, err)) {
		kp_live_free(live);
		return -1;
	}
	if (live->n)
		qsort(live->p, live->n, sizeof(*live->p), cmp_patch);
	return 0;
}

void kp_live_free(struct kp_live *live)
{
	size_t i;

	for (i = 0; i < live->n; i++)
		kp_funcs_free(&live->p[i].funcs);
	free(live->p);
	live->p = NULL;
	live->n = 0;
}

const struct kp_live_patch *kp_live_find(const struct kp_live *live, const char *name)
{
	size_t i;

	for (i = 0; i < live->n; i++)
		if (!strcmp(live->p[i].name, name))
			return &live->p[i];
	return NULL;
}
