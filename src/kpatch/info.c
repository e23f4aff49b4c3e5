// SPDX-License-Identifier: GPL-2.0
/* kpatch info: what a module file (or an installed module) is and does. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
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

/* What info shows, gathered before either renderer prints any of it. */
struct info {
	struct kp_modfile mf;
	char built[256];		/* the release its vermagic names, or "unknown" */
	const char *state;
	char invalid[200];		/* state, when sysfs holds no valid one */
	struct kp_names with;		/* kernels it is installed for */
	struct kp_debuginfo dbg;
};

static void info_json(const struct info *in)
{
	const struct kp_modfile *mf = &in->mf;
	json_object *o = json_object_new_object(), *k = json_object_new_array(), *f = json_object_new_array();

	json_object_object_add(o, "name", json_object_new_string(mf->name));
	json_object_object_add(o, "file", json_object_new_string(mf->path));
	json_object_object_add(o, "kernel", json_object_new_string(in->built));
	json_object_object_add(o, "description", json_object_new_string(mf->description ? mf->description : ""));
	json_object_object_add(o, "kpatch_description",
			       json_object_new_string(mf->kpatch_description ? mf->kpatch_description : ""));
	json_object_object_add(o, "cves", json_csv_array(mf->cves));
	json_object_object_add(o, "livepatch", json_object_new_boolean(mf->livepatch));
	json_object_object_add(o, "replace", json_object_new_boolean(mf->replace));
	json_object_object_add(o, "state", json_object_new_string(in->state));
	/* null when unsigned: "no signature" is not a signer's name. */
	json_object_object_add(o, "signer", mf->signer ? json_object_new_string(mf->signer) : NULL);
	json_object_object_add(o, "sig_key", mf->sig_key ? json_object_new_string(mf->sig_key) : NULL);
	json_object_object_add(o, "sig_hashalgo",
			       mf->sig_hashalgo ? json_object_new_string(mf->sig_hashalgo) : NULL);
	for (size_t i = 0; i < in->with.n; i++)
		json_object_array_add(k, json_object_new_string(in->with.v[i]));
	json_object_object_add(o, "installed", k);
	for (size_t i = 0; i < mf->funcs.n; i++) {
		json_object *fn = json_object_new_object();

		json_object_object_add(fn, "object", json_object_new_string(mf->funcs.f[i].object));
		json_object_object_add(fn, "function", json_object_new_string(mf->funcs.f[i].name));
		json_object_object_add(fn, "sympos", json_object_new_int64((int64_t)mf->funcs.f[i].sympos));
		json_object_array_add(f, fn);
	}
	json_object_object_add(o, "functions", f);
	if (in->dbg.build_id[0]) {
		json_object *d = json_object_new_object();

		json_object_object_add(d, "build_id", json_object_new_string(in->dbg.build_id));
		json_object_object_add(d, "file", json_object_new_string(in->dbg.path));
		json_object_object_add(d, "installed", json_object_new_boolean(in->dbg.installed));
		json_object_object_add(d, "package", in->dbg.package[0] ? json_object_new_string(in->dbg.package) : NULL);
		json_object_object_add(o, "debug", d);
	} else {
		json_object_object_add(o, "debug", NULL);
	}
	p_json(o);
}

static void info_plain(const struct info *in)
{
	const struct kp_modfile *mf = &in->mf;
	char inst[1024] = "";
	size_t len = 0;

	for (size_t i = 0; i < in->with.n && len < sizeof(inst); i++)
		len += (size_t)snprintf(inst + len, sizeof(inst) - len, "%s%s", i ? ", " : "", in->with.v[i]);
	printf("name:        %s\n", mf->name);
	printf("file:        %s\n", mf->path);
	printf("kernel:      %s\n", in->built);
	printf("description: %s\n", or_none(mf->kpatch_description && *mf->kpatch_description ?
					      mf->kpatch_description : mf->description));
	printf("cves:        %s\n", or_none(mf->cves));
	printf("livepatch:   %s\n", mf->livepatch ? "yes" : "no");
	printf("replace:     %s\n", mf->replace ? "yes (atomic replace)" : "no");
	printf("state:       %s\n", in->state);
	if (mf->signer || mf->sig_key)
		printf("signer:      %s (key %s, %s)\n", or_none(mf->signer), or_none(mf->sig_key),
		       or_none(mf->sig_hashalgo));
	else
		printf("signer:      - (unsigned)\n");
	printf("installed:   %s\n", or_none(inst));
	if (in->dbg.build_id[0])
		printf("debug:       %s (%s, from package %s)\n", in->dbg.path,
		       in->dbg.installed ? "installed" : "not installed", or_none(in->dbg.package));
	else
		printf("debug:       - (no build-id)\n");
	for (size_t i = 0; i < mf->funcs.n; i++)
		printf("function:    %s:%s,%lu\n", mf->funcs.f[i].object, mf->funcs.f[i].name, mf->funcs.f[i].sympos);
}

/* Everything about the opened module in->mf; never fails, unknowns are said as such. */
static void info_gather(struct info *in)
{
	struct kp_names kernels;
	enum kp_live_state st;
	struct kp_err err;
	char why[160];
	int ret;

	if (kp_vermagic_release(in->mf.vermagic, in->built, sizeof(in->built)))
		snprintf(in->built, sizeof(in->built), "unknown");
	ret = kp_patch_state_why(in->mf.name, &st, why, sizeof(why));
	if (ret == -EINVAL) {
		snprintf(in->invalid, sizeof(in->invalid), "invalid (%s)", why);
		in->state = in->invalid;
	} else if (!ret)
		in->state = kp_live_state_name(st);
	else if (kp_module_loaded(in->mf.name))
		in->state = "loaded, patch disabled or superseded";
	else
		in->state = "not loaded";
	memset(&in->with, 0, sizeof(in->with));
	if (!kp_store_kernels(&kernels, &err)) {
		for (size_t i = 0; i < kernels.n; i++) {
			if (!kp_store_has(kernels.v[i], in->mf.name))
				continue;
			/* Compact in place: entries before with.n are the kept ones. */
			char *keep = kernels.v[i];

			kernels.v[i] = NULL;
			kernels.v[in->with.n++] = keep;
		}
		in->with.v = kernels.v;
		for (size_t i = in->with.n; i < kernels.n; i++)
			free(kernels.v[i]);
	}
	kp_debuginfo_find(&in->mf, in->built, &in->dbg);
}

int do_info(int argc, char **argv)
{
	char path[4096];
	struct cmd_opts o;
	struct info in;
	int ret;

	if ((ret = cmd_opts_parse("info", argc, argv, CMD_OPT_KERNEL, NULL, &o)))
		return ret;
	if ((ret = one_arg("info", argc, "one module at a time", "no module given")))
		return ret;
	if ((ret = cmd_opts_release(&o)))
		return ret;
	if ((ret = module_arg_open("info", argv[optind], o.krel, &in.mf, path, sizeof(path))))
		return ret;
	info_gather(&in);
	if (json_output)
		info_json(&in);
	else
		info_plain(&in);
	kp_names_free(&in.with);
	kp_modfile_close(&in.mf);
	return 0;
}
