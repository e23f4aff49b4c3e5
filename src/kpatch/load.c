// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch load: open the module once, check it (livepatch, vermagic,
 * withdrawn, conflicts), insert that same descriptor, wait for the
 * transition; on a stall report the blockers, reverse and remove.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"
#include "kpatch/settle.h"
#include "kpatchlib/check.h"
#include "kpatchlib/kernel.h"
#include "kpatchlib/live.h"
#include "kpatchlib/origin.h"
#include "kpatchlib/paths.h"
#include "kpatchlib/runstate.h"
#include "kpatchlib/store.h"
#include "kpatchlib/withdrawn.h"

struct load_opts {
	long timeout_ms;
	int allow_stack;
	const char *krel;
};

/* After an atomic-replace patch: the modules it superseded are dead weight. */
static void remove_superseded(const char *replacer)
{
	struct kp_live live;
	struct kp_err err;

	if (kp_live_read(&live, &err))
		return;
	for (size_t i = 0; i < live.n; i++) {
		if (live.p[i].state != KP_LIVE_SUPERSEDED)
			continue;
		if (kp_remove(live.p[i].name, &err))
			p_warn("%s superseded %s, but removing it failed: %s", replacer, live.p[i].name, err.msg);
		else {
			kp_origin_clear(live.p[i].name);
			p_info("removed patch module %s (superseded by %s)", live.p[i].name, replacer);
		}
	}
	kp_live_free(&live);
}

/* Everything before the kernel sees the module. 0, or err filled. */
static int preflight(const struct kp_modfile *mf, const struct load_opts *o, int *already,
		     struct kp_err *err)
{
	const struct kp_func_ref *mine, *theirs;
	const struct kp_live_patch *p;
	struct kp_withdrawn w;
	struct kp_live live;
	int ret = 0;

	*already = 0;
	if (kp_modfile_check(mf, o->krel, err) || kp_withdrawn_load(&w, err))
		return -1;
	if (kp_withdrawn_has(&w, mf->name, o->krel))
		ret = kp_err_set(err, KP_E_INVALID, 0, "%s: module %s is on the withdrawn list (%s/withdrawn*); refusing to load it",
				 mf->path, mf->name, kp_conf_dir());
	kp_withdrawn_free(&w);
	if (ret || kp_live_read(&live, err))
		return -1;
	p = kp_live_find(&live, mf->name);
	if (p && p->state == KP_LIVE_INVALID)
		ret = kp_err_set(err, KP_E_KERNEL, 0, "module %s is loaded but its patch state cannot be read (%s); not touching it",
				 mf->name, p->why);
	for (size_t i = 0; i < live.n && !p && !ret; i++)
		/* The kernel runs one transition at a time and would refuse with EBUSY. */
		if (live.p[i].state == KP_LIVE_PATCHING || live.p[i].state == KP_LIVE_UNPATCHING)
			ret = kp_err_set(err, KP_E_KERNEL, 0,
					 "cannot load %s while patch %s is %s; wait for it (kpatch list) or unload it",
					 mf->name, live.p[i].name, kp_live_state_name(live.p[i].state));
	if (ret)
		;
	else if (p && p->state == KP_LIVE_SUPERSEDED)
		ret = kp_err_set(err, KP_E_KERNEL, 0, "module %s is loaded but its patch is disabled or superseded; `kpatch unload %s` first",
				 mf->name, mf->name);
	else if (p)
		*already = 1;
	else if (!o->allow_stack && (mine = kp_conflict(mf, &live, &theirs)))
		ret = kp_err_set(err, KP_E_CONFLICT, 0,
				 "%s: %s would patch %s:%s,%lu, which patch %s already replaces; unload %s, use an atomic-replace patch, or pass --allow-stack",
				 mf->path, mf->name, mine->object, mine->name, mine->sympos, theirs->patch, theirs->patch);
	kp_live_free(&live);
	return ret;
}

static int load_one(const char *arg, const struct load_opts *o)
{
	char path[4096];
	struct kp_modfile mf;
	struct kp_err err;
	unsigned long long t0 = kp_now_ms();
	int already, ret;

	ret = module_arg_open("load", arg, o->krel, &mf, path, sizeof(path));
	if (ret)
		return ret;
	if (preflight(&mf, o, &already, &err)) {
		kp_modfile_close(&mf);
		return p_kerr(&err);
	}
	if (already) {
		p_info("patch module %s is already loaded", mf.name);
		kp_modfile_close(&mf);
		return 0;
	}
	p_info("loading patch module: %s", path);
	kp_transition_mark(mf.name);
	ret = kp_insert(&mf, &err);
	if (ret) {
		kp_transition_clear(mf.name);
		kp_modfile_close(&mf);
		return p_kerr(&err);
	}
	if (settle(mf.name, 1, o->timeout_ms, &err)) {
		struct kp_err rm;

		if (!kp_patch_exists(mf.name) && !kp_remove(mf.name, &rm))
			ret = p_err(err.class, "%s; module %s removed", err.msg, mf.name);
		else
			ret = p_err(err.class, "%s; module %s is still loaded", err.msg, mf.name);
		kp_modfile_close(&mf);
		return ret;
	}
	kp_origin_record(mf.name, path);
	p_info("patch module %s enabled: transition complete in %llu ms", mf.name, kp_now_ms() - t0);
	if (mf.replace)
		remove_superseded(mf.name);
	kp_modfile_close(&mf);
	return 0;
}

int load_module(const char *arg, const char *krel, long timeout_ms)
{
	struct load_opts o = { .timeout_ms = timeout_ms, .krel = krel };

	return load_one(arg, &o);
}

/* For monitoring (kpatch metrics, status): when a load or sync last succeeded. */
void record_success(void)
{
	struct kp_err err;

	if (kp_record_success(&err))
		p_warn("%s", err.msg);
}

/* Every module installed for the running kernel; go on past failures. */
static int load_all(const struct load_opts *o)
{
	struct kp_names names;
	struct kp_err err;
	char failed[1024] = "";
	size_t i, nfail = 0, len = 0;

	if (kp_store_list(o->krel, &names, &err))
		return p_kerr(&err);
	if (!names.n && !names.nbad)
		p_info("no patch modules installed for kernel %s", o->krel);
	/* Never a path, never loaded, but never silent either. */
	if (names.nbad) {
		nfail += names.nbad;
		p_err(KP_E_INVALID, "%zu file(s) in %s/%s are not named like a module, e.g. '%s'; not loaded",
		      names.nbad, kp_lib_dir(), o->krel, names.bad);
		len = (size_t)snprintf(failed, sizeof(failed), "%zu badly named file(s)", names.nbad);
	}
	for (i = 0; i < names.n; i++) {
		if (!load_one(names.v[i], o))
			continue;
		nfail++;
		if (len < sizeof(failed))
			len += (size_t)snprintf(failed + len, sizeof(failed) - len, "%s%s",
						len ? ", " : "", names.v[i]);
	}
	if (nfail)
		p_err(KP_E_PARTIAL, "%zu of %zu patch modules for kernel %s failed to load: %s",
		      nfail, names.n + names.nbad, o->krel, failed);
	kp_names_free(&names);
	return nfail ? KP_E_PARTIAL : 0;
}

int do_load(int argc, char **argv)
{
	static const struct cmd_flag flags[] = { { "allow-stack", 0 }, { NULL, 0 } };
	struct cmd_opts co;
	struct load_opts o;
	int ret, r;

	ret = cmd_opts_parse("load", argc, argv, CMD_OPT_ALL | CMD_OPT_TIMEOUT, flags, &co);
	if (ret)
		return ret;
	ret = cmd_opts_release(&co);
	if (ret)
		return ret;
	o = (struct load_opts){ .timeout_ms = co.timeout_ms, .allow_stack = co.flags & 1, .krel = co.krel };
	if (co.all)
		ret = load_all(&o);
	for (; !co.all && optind < argc; optind++) {
		r = load_one(argv[optind], &o);
		if (r && !ret)
			ret = r;
	}
	if (!ret)
		record_success();
	return ret;
}
