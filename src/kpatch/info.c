// SPDX-License-Identifier: GPL-2.0
/* kpatch info: what a module file (or an installed module) is and does. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/vermagic.h"
#include "kpatch/cmd.h"
#include "kpatch/output.h"
#include "kpatchlib/debuginfo.h"
#include "kpatchlib/live.h"
#include "kpatchlib/store.h"

static const char *or_none(const char *s)
{
	return s && *s ? s : "-";
}

static void render(const struct kp_modfile *mf, const char *built, const char *state,
		   const struct kp_names *kernels_with_it)
{
	char inst[1024] = "";
	struct kp_debuginfo dbg;
	size_t len = 0;

	kp_debuginfo_find(mf, built, &dbg);
	if (json_output) {
		json_object *o = json_object_new_object(), *k = json_object_new_array(), *f = json_object_new_array();

		json_object_object_add(o, "name", json_object_new_string(mf->name));
		json_object_object_add(o, "file", json_object_new_string(mf->path));
		json_object_object_add(o, "kernel", json_object_new_string(built));
		json_object_object_add(o, "description", json_object_new_string(mf->description ? mf->description : ""));
		json_object_object_add(o, "kpatch_description",
				       json_object_new_string(mf->kpatch_description ? mf->kpatch_description : ""));
		json_object_object_add(o, "cves", json_csv_array(mf->cves));
		json_object_object_add(o, "livepatch", json_object_new_boolean(mf->livepatch));
		json_object_object_add(o, "replace", json_object_new_boolean(mf->replace));
		json_object_object_add(o, "state", json_object_new_string(state));
		/* null when unsigned: "no signature" is not a signer's name. */
		json_object_object_add(o, "signer", mf->signer ? json_object_new_string(mf->signer) : NULL);
		json_object_object_add(o, "sig_key", mf->sig_key ? json_object_new_string(mf->sig_key) : NULL);
		json_object_object_add(o, "sig_hashalgo",
				       mf->sig_hashalgo ? json_object_new_string(mf->sig_hashalgo) : NULL);
		for (size_t i = 0; i < kernels_with_it->n; i++)
			json_object_array_add(k, json_object_new_string(kernels_with_it->v[i]));
		json_object_object_add(o, "installed", k);
		for (size_t i = 0; i < mf->funcs.n; i++) {
			json_object *fn = json_object_new_object();

			json_object_object_add(fn, "object", json_object_new_string(mf->funcs.f[i].object));
			json_object_object_add(fn, "function", json_object_new_string(mf->funcs.f[i].name));
			json_object_object_add(fn, "sympos", json_object_new_int64((int64_t)mf->funcs.f[i].sympos));
			json_object_array_add(f, fn);
		}
		json_object_object_add(o, "functions", f);
		if (dbg.build_id[0]) {
			json_object *d = json_object_new_object();

			json_object_object_add(d, "build_id", json_object_new_string(dbg.build_id));
			json_object_object_add(d, "file", json_object_new_string(dbg.path));
			json_object_object_add(d, "installed", json_object_new_boolean(dbg.installed));
			json_object_object_add(d, "package", dbg.package[0] ? json_object_new_string(dbg.package) : NULL);
			json_object_object_add(o, "debug", d);
		} else {
			json_object_object_add(o, "debug", NULL);
		}
		p_json(o);
		return;
	}
	for (size_t i = 0; i < kernels_with_it->n && len < sizeof(inst); i++)
		len += (size_t)snprintf(inst + len, sizeof(inst) - len, "%s%s", i ? ", " : "", kernels_with_it->v[i]);
	printf("name:        %s\n", mf->name);
	printf("file:        %s\n", mf->path);
	printf("kernel:      %s\n", built);
	printf("description: %s\n", or_none(mf->kpatch_description && *mf->kpatch_description ?
					      mf->kpatch_description : mf->description));
	printf("cves:        %s\n", or_none(mf->cves));
	printf("livepatch:   %s\n", mf->livepatch ? "yes" : "no");
	printf("replace:     %s\n", mf->replace ? "yes (atomic replace)" : "no");
	printf("state:       %s\n", state);
	if (mf->signer || mf->sig_key)
		printf("signer:      %s (key %s, %s)\n", or_none(mf->signer), or_none(mf->sig_key),
		       or_none(mf->sig_hashalgo));
	else
		printf("signer:      - (unsigned)\n");
	printf("installed:   %s\n", or_none(inst));
	if (dbg.build_id[0])
		printf("debug:       %s (%s, from package %s)\n", dbg.path,
		       dbg.installed ? "installed" : "not installed", or_none(dbg.package));
	else
		printf("debug:       - (no build-id)\n");
	for (size_t i = 0; i < mf->funcs.n; i++)
		printf("function:    %s:%s,%lu\n", mf->funcs.f[i].object, mf->funcs.f[i].name, mf->funcs.f[i].sympos);
}

int do_info(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kernel-version", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	char krel[256] = "", path[4096], built[256], why[160], invalid[200];
	struct kp_names kernels, with = { 0 };
	struct kp_modfile mf;
	struct kp_err err;
	enum kp_live_state st;
	const char *state;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+k:", longopts, NULL)) != -1) {
		if (c != 'k')
			return cmd_usage_err("info", "unknown option '%s'", argv[optind - 1]);
		if ((ret = release_arg("info", optarg, krel, sizeof(krel))))
			return ret;
	}
	if (optind + 1 != argc)
		return cmd_usage_err("info", optind < argc ? "one module at a time" : "no module given");
	if (!krel[0] && (ret = running_release(krel, sizeof(krel))))
		return ret;
	ret = module_arg_path(argv[optind], krel, path, sizeof(path));
	if (ret == -EINVAL)
		return name_arg("info", argv[optind]);
	if (ret)
		return p_err(KP_E_USAGE, "%s: module argument too long", argv[optind]);
	if (kp_modfile_open(path, 0, &mf, &err)) {
		if (err.class == KP_E_NOTFOUND && strcmp(path, argv[optind]))
			return p_err(KP_E_NOTFOUND, "module %s is not installed for kernel %s (no %s); give a file path",
				     argv[optind], krel, path);
		return p_kerr(&err);
	}
	if (kp_vermagic_release(mf.vermagic, built, sizeof(built)))
		snprintf(built, sizeof(built), "unknown");
	ret = kp_patch_state_why(mf.name, &st, why, sizeof(why));
	if (ret == -EINVAL) {
		snprintf(invalid, sizeof(invalid), "invalid (%s)", why);
		state = invalid;
	} else if (!ret)
		state = kp_live_state_name(st);
	else if (kp_module_loaded(mf.name))
		state = "loaded, patch disabled or superseded";
	else
		state = "not loaded";
	if (!kp_store_kernels(&kernels, &err)) {
		for (size_t i = 0; i < kernels.n; i++) {
			if (!kp_store_has(kernels.v[i], mf.name))
				continue;
			/* Compact in place: entries before with.n are the kept ones. */
			char *keep = kernels.v[i];

			kernels.v[i] = NULL;
			kernels.v[with.n++] = keep;
		}
		with.v = kernels.v;
		for (size_t i = with.n; i < kernels.n; i++)
			free(kernels.v[i]);
	}
	render(&mf, built, state, &with);
	kp_names_free(&with);
	kp_modfile_close(&mf);
	return 0;
}
