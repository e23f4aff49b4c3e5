// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch sync: make the running kernel match what is installed for it and
 * not withdrawn. Installed modules that are not loaded are loaded in
 * natural version order (strverscmp), starting at the newest atomic-replace
 * one (it supersedes every older one); a loaded withdrawn module is
 * superseded by that replace module when it gets loaded, else unloaded.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"
#include "kpatchlib/live.h"
#include "kpatchlib/store.h"
#include "kpatchlib/withdrawn.h"

enum { A_LOAD, A_UNLOAD };

struct action {
	int kind;
	char name[64];
	const char *why;
	int rc;
};

static int cmp_ver(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

static int is_replace(const char *krel, const char *name)
{
	char path[4096];
	struct kp_modfile mf;
	struct kp_err err;
	int r = 0;

	if (kp_store_path(krel, name, path, sizeof(path)))
		return 0;
	if (!kp_modfile_open(path, 0, &mf, &err))
		r = mf.replace;
	kp_modfile_close(&mf);
	return r;
}

static void add(struct action *v, size_t *n, int kind, const char *name, const char *why)
{
	v[*n].kind = kind;
	snprintf(v[*n].name, sizeof(v[*n].name), "%s", name);
	v[*n].why = why;
	v[*n].rc = -1;
	(*n)++;
}

int do_sync(int argc, char **argv)
{
	static const struct cmd_flag flags[] = { { "dry-run", 0 }, { NULL, 0 } };
	struct cmd_opts co;
	const char *krel = co.krel;
	struct kp_names names;
	struct kp_withdrawn w;
	struct kp_live live;
	struct kp_err err;
	struct action *acts;
	size_t n = 0, i, nfail = 0;
	long rep = -1;
	int dry, ret;

	if ((ret = cmd_opts_parse("sync", argc, argv, 0, flags, &co)))
		return ret;
	dry = co.flags & 1;
	if (optind < argc)
		return cmd_usage_err("sync", "takes no arguments ('%s')", argv[optind]);
	if ((ret = cmd_opts_release(&co)))
		return ret;
	if (kp_withdrawn_load(&w, &err))
		return p_kerr(&err);
	if (kp_store_list(krel, &names, &err)) {
		kp_withdrawn_free(&w);
		return p_kerr(&err);
	}
	if (kp_live_read(&live, &err)) {
		kp_withdrawn_free(&w);
		kp_names_free(&names);
		return p_kerr(&err);
	}
	if (names.nbad) {
		nfail += names.nbad;
		ret = p_err(KP_E_INVALID, "%zu file(s) in the store for kernel %s are not named like a module, e.g. '%s'; not loaded",
			    names.nbad, krel, names.bad);
	}
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), cmp_ver);
	/* The newest installed, not withdrawn, atomic-replace module. */
	for (i = names.n; i-- > 0 && rep < 0;)
		if (!kp_withdrawn_has(&w, names.v[i], krel) && is_replace(krel, names.v[i]))
			rep = (long)i;
	acts = calloc(names.n + live.n + 1, sizeof(*acts));
	if (!acts) {
		ret = p_err(KP_E_SYSTEM, "out of memory");
		goto out;
	}
	/* Withdrawn and loaded: superseded by the replace module's load, or unloaded. */
	for (i = 0; i < live.n; i++) {
		if (!kp_withdrawn_has(&w, live.p[i].name, krel))
			continue;
		if (rep >= 0 && !kp_live_find(&live, names.v[rep]) && live.p[i].state != KP_LIVE_SUPERSEDED)
			continue;
		add(acts, &n, A_UNLOAD, live.p[i].name, "withdrawn");
	}
	for (i = rep < 0 ? 0 : (size_t)rep; i < names.n; i++) {
		if (kp_withdrawn_has(&w, names.v[i], krel) || kp_live_find(&live, names.v[i]))
			continue;
		add(acts, &n, A_LOAD, names.v[i], (long)i == rep ? "installed, supersedes the loaded patches" : "installed");
	}
	for (i = 0; i < n; i++) {
		const char *verb = acts[i].kind == A_LOAD ? "load" : "unload";

		p_info("%s%s %s (%s)", dry ? "would " : "", verb, acts[i].name, acts[i].why);
		if (dry)
			continue;
		acts[i].rc = acts[i].kind == A_LOAD ? load_module(acts[i].name, krel, KPATCH_DEFAULT_TIMEOUT * 1000L)
						    : unload_module(acts[i].name, KPATCH_DEFAULT_TIMEOUT * 1000L);
		if (acts[i].rc) {
			if (!nfail++ && !ret)
				ret = acts[i].rc;
		}
	}
	if (!n)
		p_info("kernel %s: installed patches and live state agree; nothing to do", krel);
	if (nfail > 1) {
		p_err(KP_E_PARTIAL, "%zu of %zu sync actions for kernel %s failed", nfail, n + names.nbad, krel);
		ret = KP_E_PARTIAL;
	}
	if (!ret && !dry)
		record_success();
	if (json_output) {
		json_object *o = json_object_new_object(), *arr = json_object_new_array();

		for (i = 0; i < n; i++) {
			json_object *a = json_object_new_object();

			json_object_object_add(a, "action", json_object_new_string(acts[i].kind == A_LOAD ? "load" : "unload"));
			json_object_object_add(a, "module", json_object_new_string(acts[i].name));
			json_object_object_add(a, "reason", json_object_new_string(acts[i].why));
			json_object_object_add(a, "result", json_object_new_string(dry ? "planned" : acts[i].rc ? "failed" : "done"));
			if (!dry)
				json_object_object_add(a, "code", json_object_new_int(acts[i].rc));
			json_object_array_add(arr, a);
		}
		json_object_object_add(o, "kernel", json_object_new_string(krel));
		json_object_object_add(o, "dry_run", json_object_new_boolean(dry));
		json_object_object_add(o, "actions", arr);
		p_json(o);
	}
	free(acts);
out:
	kp_live_free(&live);
	kp_names_free(&names);
	kp_withdrawn_free(&w);
	return ret;
}
