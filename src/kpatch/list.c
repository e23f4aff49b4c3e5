// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch list: the guide's two sections, "Loaded patch modules:" and
 * "Installed patch modules:", each line followed by the CVEs the module
 * declares; -v adds the functions each loaded patch replaces.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"
#include "kpatchlib/live.h"
#include "kpatchlib/modfile.h"
#include "kpatchlib/origin.h"
#include "kpatchlib/store.h"

/*
 * The CVE field of the module file at path, if it is module name; NULL
 * otherwise (caller frees). err (may be NULL) says why a file is unusable.
 */
static char *file_cves(const char *path, const char *name, struct kp_err *err)
{
	struct kp_modfile mf;
	char *cves = NULL;

	if (kp_modfile_open(path, 0, &mf, err))
		return NULL;
	if (mf.cves && *mf.cves && !strcmp(mf.name, name))
		cves = strdup(mf.cves);
	kp_modfile_close(&mf);
	return cves;
}

static char *installed_cves(const char *krel, const char *name, struct kp_err *err)
{
	char path[4096];

	if (kp_store_path(krel, name, path, sizeof(path)))
		return NULL;
	return file_cves(path, name, err);
}

/* A loaded module's CVEs: from its installed file, else from the file it was loaded from. */
static char *loaded_cves(const char *krel, const char *name, int installed)
{
	char path[4096];

	if (installed)
		return installed_cves(krel, name, NULL);
	if (kp_origin_path(name, path, sizeof(path)))
		return NULL;
	return file_cves(path, name, NULL);
}

static void plain_cves(const char *cves)
{
	if (cves)
		printf(" %s", cves);
	putchar('\n');
}

static json_object *json_funcs(const struct kp_func_list *l)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < l->n; i++) {
		json_object *f = json_object_new_object();

		json_object_object_add(f, "object", json_object_new_string(l->f[i].object));
		json_object_object_add(f, "function", json_object_new_string(l->f[i].name));
		json_object_object_add(f, "sympos", json_object_new_int64((int64_t)l->f[i].sympos));
		json_object_array_add(a, f);
	}
	return a;
}

static json_object *render_loaded(const struct kp_live *live, const char *krel,
				  const struct kp_names *inst, int verbose)
{
	json_object *arr = json_output ? json_object_new_array() : NULL;

	if (!json_output)
		printf("Loaded patch modules:\n");
	for (size_t i = 0; i < live->n; i++) {
		const struct kp_live_patch *p = &live->p[i];
		char *cves = loaded_cves(krel, p->name, kp_names_has(inst, p->name));

		if (json_output) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "name", json_object_new_string(p->name));
			json_object_object_add(o, "state", json_object_new_string(kp_live_state_name(p->state)));
			if (p->state == KP_LIVE_INVALID)
				json_object_object_add(o, "error", json_object_new_string(p->why));
			json_object_object_add(o, "installed", json_object_new_boolean(kp_names_has(inst, p->name)));
			json_object_object_add(o, "cves", json_csv_array(cves));
			json_object_object_add(o, "functions", json_funcs(&p->funcs));
			json_object_array_add(arr, o);
		} else {
			printf("%s [%s]", p->name, kp_live_state_name(p->state));
			plain_cves(cves);
			if (p->state == KP_LIVE_INVALID)
				p_warn("patch %s: state unknown: %s", p->name, p->why);
			if (verbose)
				for (size_t j = 0; j < p->funcs.n; j++)
					printf("    %s:%s,%lu (%s)\n", p->funcs.f[j].object, p->funcs.f[j].name,
					       p->funcs.f[j].sympos, p->name);
		}
		free(cves);
	}
	return arr;
}

static int render_installed(json_object **out)
{
	struct kp_names kernels, names;
	struct kp_err err;
	json_object *arr = json_output ? json_object_new_array() : NULL;

	*out = arr;
	if (kp_store_kernels(&kernels, &err))
		return p_kerr(&err);
	if (!json_output)
		printf("Installed patch modules:\n");
	for (size_t k = 0; k < kernels.n; k++) {
		if (kp_store_list(kernels.v[k], &names, &err))
			continue;
		if (names.nbad)
			p_warn("%zu file(s) installed for %s are not named like a module, e.g. '%s'; ignored",
			       names.nbad, kernels.v[k], names.bad);
		for (size_t i = 0; i < names.n; i++) {
			struct kp_err bad = { 0 };
			char *cves = installed_cves(kernels.v[k], names.v[i], &bad);

			/* One line for a broken module, and go on with the others. */
			if (bad.msg[0] && !json_output)
				p_warn("%s", bad.msg);
			if (json_output) {
				json_object *o = json_object_new_object();

				json_object_object_add(o, "name", json_object_new_string(names.v[i]));
				json_object_object_add(o, "kernel", json_object_new_string(kernels.v[k]));
				json_object_object_add(o, "cves", json_csv_array(cves));
				if (bad.msg[0])
					json_object_object_add(o, "error", json_object_new_string(bad.msg));
				json_object_array_add(arr, o);
			} else {
				printf("%s (%s)", names.v[i], kernels.v[k]);
				plain_cves(cves);
			}
			free(cves);
		}
		kp_names_free(&names);
	}
	kp_names_free(&kernels);
	return 0;
}

int do_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	char krel[256];
	struct kp_names inst;
	struct kp_live live;
	struct kp_err err;
	json_object *loaded, *installed;
	int c, verbose = 0, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+v", longopts, NULL)) != -1) {
		if (c != 'v')
			return cmd_usage_err("list", "unknown option '%s'", argv[optind - 1]);
		verbose = 1;
	}
	if (optind < argc)
		return cmd_usage_err("list", "unexpected argument '%s'", argv[optind]);
	if ((ret = running_release(krel, sizeof(krel))))
		return ret;
	if (kp_live_read(&live, &err))
		return p_kerr(&err);
	if (kp_store_list(krel, &inst, &err)) {
		kp_live_free(&live);
		return p_kerr(&err);
	}
	loaded = render_loaded(&live, krel, &inst, verbose);
	kp_live_free(&live);
	kp_names_free(&inst);
	ret = render_installed(&installed);
	if (json_output) {
		json_object *o = json_object_new_object();

		if (ret) {
			json_object_put(loaded);
			json_object_put(installed);
			json_object_put(o);
			return ret;
		}
		json_object_object_add(o, "kernel", json_object_new_string(krel));
		json_object_object_add(o, "loaded", loaded);
		json_object_object_add(o, "installed", installed);
		p_json(o);
	}
	return ret;
}
