// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpatchlib/check.h"
#include "kpatchlib/kernel.h"
#include "kpatchlib/store.h"
#include "kpatchlib/loadfail.h"
#include "kpatchlib/withdrawn.h"

static int add(struct kp_check *c, enum kp_level level, const char *id, const char *module,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int add(struct kp_check *c, enum kp_level level, const char *id, const char *module,
	       const char *fmt, ...)
{
	struct kp_finding *f = realloc(c->f, (c->n + 1) * sizeof(*f));
	va_list ap;

	if (!f)
		return -ENOMEM;
	c->f = f;
	f = &c->f[c->n++];
	f->level = level;
	f->id = id;
	snprintf(f->module, sizeof(f->module), "%s", module ? module : "");
	va_start(ap, fmt);
	vsnprintf(f->msg, sizeof(f->msg), fmt, ap);
	va_end(ap);
	if (level > c->level)
		c->level = level;
	return 0;
}

const struct kp_func_ref *kp_conflict(const struct kp_modfile *mf, const struct kp_live *live,
				      const struct kp_func_ref **theirs)
{
	size_t i, j, k;

	if (mf->replace)
		return NULL;
	for (i = 0; i < live->n; i++) {
		const struct kp_live_patch *p = &live->p[i];

		/* A patch whose state cannot be read may well be enabled. */
		if (!strcmp(p->name, mf->name) ||
		    (p->state != KP_LIVE_ENABLED && p->state != KP_LIVE_PATCHING && p->state != KP_LIVE_INVALID))
			continue;
		for (j = 0; j < mf->funcs.n; j++)
			for (k = 0; k < p->funcs.n; k++)
				if (kp_func_same(&mf->funcs.f[j], &p->funcs.f[k])) {
					*theirs = &p->funcs.f[k];
					return &mf->funcs.f[j];
				}
	}
	return NULL;
}

/* Is an enabled live patch an atomic-replace one? Known from its installed file. */
static int live_replace_patch(const struct kp_live *live, const char *krel, const struct kp_names *inst)
{
	size_t i;

	for (i = 0; i < live->n; i++) {
		char path[4096];
		struct kp_modfile mf;
		int replace;

		if (live->p[i].state != KP_LIVE_ENABLED || !kp_names_has(inst, live->p[i].name) ||
		    kp_store_path(krel, live->p[i].name, path, sizeof(path)) ||
		    kp_modfile_open(path, 0, &mf, NULL))
			continue;
		replace = mf.replace;
		kp_modfile_close(&mf);
		if (replace)
			return (int)i;
	}
	return -1;
}

static int check_installed(struct kp_check *c, const char *krel, const struct kp_names *inst,
			   const struct kp_live *live, const struct kp_withdrawn *w)
{
	int rp = live_replace_patch(live, krel, inst);
	size_t i;
	int ret = 0;

	for (i = 0; i < inst->n && !ret; i++) {
		const char *name = inst->v[i];
		const struct kp_live_patch *p = kp_live_find(live, name);

		if (kp_withdrawn_has(w, name, krel)) {
			if (!p)
				ret = add(c, KP_CHECK_WARNING, KP_FIND_WITHDRAWN_INST, name,
					  "%s is withdrawn but still installed for %s; uninstall it", name, krel);
			continue;	/* loaded and withdrawn: reported with the loaded ones */
		}
		if (rp >= 0 && (!p || p->state == KP_LIVE_SUPERSEDED) && strcmp(live->p[rp].name, name))
			ret = add(c, KP_CHECK_WARNING, KP_FIND_SUPERSEDED, name,
				  "%s is installed but superseded by atomic-replace patch %s; uninstall it",
				  name, live->p[rp].name);
		else if (!p)
			ret = add(c, KP_CHECK_CRITICAL, KP_FIND_NOT_LOADED, name,
				  "%s is installed for the running kernel %s but not loaded", name, krel);
		else if (p->state == KP_LIVE_DISABLED || p->state == KP_LIVE_SUPERSEDED ||
			 p->state == KP_LIVE_UNPATCHING)
			ret = add(c, KP_CHECK_CRITICAL, KP_FIND_NOT_ENABLED, name,
				  "%s is installed and loaded but not enabled (%s)", name,
				  kp_live_state_name(p->state));
	}
	return ret;
}

static int check_loaded(struct kp_check *c, const char *krel, const struct kp_names *inst,
			const struct kp_live *live, const struct kp_withdrawn *w, unsigned int threshold)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < live->n && !ret; i++) {
		const struct kp_live_patch *p = &live->p[i];
		long age;

		if (p->state == KP_LIVE_PATCHING || p->state == KP_LIVE_UNPATCHING) {
			age = kp_transition_age(p->name);
			if (age < 0) {
				/* First sighting: count from now on. */
				kp_transition_mark(p->name);
				age = 0;
			}
			if ((unsigned long)age >= threshold)
				ret = add(c, KP_CHECK_WARNING, KP_FIND_TRANSITION, p->name,
					  "%s has been %s for %ld s (threshold %u s); see `kpatch list -v` and the blocking tasks",
					  p->name, kp_live_state_name(p->state), age, threshold);
		} else if (p->has_sysfs) {
			kp_transition_clear(p->name);
		}
		if (ret)
			break;
		if (p->state == KP_LIVE_INVALID)
			ret = add(c, KP_CHECK_CRITICAL, KP_FIND_INVALID_STATE, p->name,
				  "%s is loaded but its state is unknown: %s", p->name, p->why);
		else if (kp_withdrawn_has(w, p->name, krel))
			ret = add(c, KP_CHECK_CRITICAL, KP_FIND_WITHDRAWN, p->name,
				  "%s is loaded but withdrawn; unload it with `kpatch unload %s`", p->name, p->name);
		else if (!kp_names_has(inst, p->name) && p->state != KP_LIVE_SUPERSEDED)
			ret = add(c, KP_CHECK_WARNING, KP_FIND_NOT_INSTALLED, p->name,
				  "%s is loaded but not installed for %s; it will be gone after a reboot",
				  p->name, krel);
	}
	return ret;
}

struct failed_ctx {
	struct kp_check *c;
	const char *krel;
	int nomem;
};

static void failed_load(void *ctx, const char *name, int code)
{
	struct failed_ctx *f = ctx;

	f->nomem |= add(f->c, KP_CHECK_CRITICAL, KP_FIND_NOT_LOADED, name,
			"%s: the last `kpatch install --load` for %s failed (exit %d) and was undone: the fix is not live and its package is not configured",
			name, f->krel, code) != 0;
}

/* How to install a kernel's patch package, in the host's own words. */
static void install_hint(const struct kp_sub *s, const struct kp_sub_kernel *k, char *buf, size_t size)
{
	if (s->sys == KP_PKGSYS_RPM)
		snprintf(buf, size, "dnf install \"kpatch-patch = %s\"", k->release);
	else
		snprintf(buf, size, "apt-get install %s", k->package);
}

static int check_subscription(struct kp_check *c, const char *krel)
{
	struct kp_err err;

	if (kp_sub_read(&c->sub, &err))
		return add(c, KP_CHECK_WARNING, KP_FIND_PKG_DB, NULL,
			   "cannot tell which kernels have their patch package: %s", err.msg);
	c->sub_ok = 1;
	for (size_t i = 0; i < c->sub.n; i++) {
		const struct kp_sub_kernel *k = &c->sub.k[i];
		int running = !strcmp(k->release, krel), ret = 0;
		char hint[KP_PKGNAME_MAX + 64];

		if (k->patched)
			continue;
		install_hint(&c->sub, k, hint, sizeof(hint));
		if (c->sub.mode == KP_SUB_AUTO)
			ret = add(c, running ? KP_CHECK_CRITICAL : KP_CHECK_WARNING, KP_FIND_PKG_MISSING, NULL,
				  "%skernel %s has no patch package although the subscription is auto: %s",
				  running ? "the running " : "installed ", k->release, hint);
		else if (running)
			ret = add(c, KP_CHECK_OK, KP_FIND_UNSUBSCRIBED, NULL,
				  "the running kernel %s has no patch package %s (subscription manual: %s, or `kpatch auto` for every kernel)",
				  k->release, k->package, hint);
		if (ret)
			return ret;
	}
	return 0;
}

int kp_check_run(const char *krel, unsigned int threshold, struct kp_check *out, struct kp_err *err)
{
	struct failed_ctx fctx = { out, krel, 0 };
	struct kp_names inst = { 0 }, kernels = { 0 };
	struct kp_withdrawn w = { 0 };
	struct kp_live live = { 0 };
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (kp_live_read(&live, err) || kp_store_list(krel, &inst, err) ||
	    kp_store_kernels(&kernels, err) || kp_withdrawn_load(&w, err))
		goto out;
	out->installed = inst.n;
	for (size_t i = 0; i < live.n; i++)
		out->loaded += live.p[i].state != KP_LIVE_SUPERSEDED;

	if (!inst.n) {
		/* The field notes' trap: the kernel was updated, the patches were not. */
		char others[512] = "";
		size_t len = 0;

		for (size_t i = 0; i < kernels.n; i++) {
			struct kp_names o;
			struct kp_err ignored;

			if (!strcmp(kernels.v[i], krel) || kp_store_list(kernels.v[i], &o, &ignored))
				continue;
			if (o.n && len < sizeof(others))
				len += (size_t)snprintf(others + len, sizeof(others) - len, "%s%s",
							len ? ", " : "", kernels.v[i]);
			kp_names_free(&o);
		}
		if (len && add(out, KP_CHECK_CRITICAL, KP_FIND_KERNEL_MISMATCH, NULL,
			       "no patch modules installed for the running kernel %s; installed only for %s",
			       krel, others))
			goto nomem;
	}
	if (check_installed(out, krel, &inst, &live, &w) ||
	    check_loaded(out, krel, &inst, &live, &w, threshold))
		goto nomem;
	kp_loadfail_each(krel, failed_load, &fctx);
	if (fctx.nomem || check_subscription(out, krel))
		goto nomem;
	ret = 0;
	goto out;
nomem:
	kp_err_set(err, KP_E_SYSTEM, ENOMEM, "running the check");
	kp_check_free(out);
out:
	kp_live_free(&live);
	kp_names_free(&inst);
	kp_names_free(&kernels);
	kp_withdrawn_free(&w);
	return ret;
}

void kp_check_free(struct kp_check *c)
{
	kp_sub_free(&c->sub);
	c->sub_ok = 0;
	free(c->f);
	c->f = NULL;
	c->n = 0;
}
