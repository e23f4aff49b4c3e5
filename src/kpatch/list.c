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
	if (kp_origin_path(name, path, sizeof(path), NULL))
		return NULL;
	return file_cves(path, name, NULL);
}

/* What list shows, gathered before either renderer prints any of it. */
struct list_loaded {
	const struct kp_live_patch *p;	/* in struct list's live */
	int installed;			/* for the running kernel */
	char *cves;
};

struct list_installed {
	const char *name;		/* in its kernel's names */
	char *cves;
	struct kp_err bad;		/* bad.msg[0]: the file is unusable, and why */
};

struct list_kernel {
	const char *krel;		/* in struct list's kernels */
	struct kp_names names;
	struct list_installed *m;	/* one per name */
};

struct list {
	const char *krel;		/* the running kernel */
	struct kp_live live;
	struct list_loaded *loaded;	/* one per live patch */
	/* The store's kernels; when they cannot be read, kernels_err says why. */
	int kernels_ok;
	struct kp_err kernels_err;
	struct kp_names kernels;
	struct list_kernel *k;		/* the nk kernels whose directory could be read */
	size_t nk;
};

static void list_free(struct list *l)
{
	for (size_t i = 0; l->loaded && i < l->live.n; i++)
		free(l->loaded[i].cves);
	free(l->loaded);
	for (size_t k = 0; k < l->nk; k++) {
		for (size_t i = 0; l->k[k].m && i < l->k[k].names.n; i++)
			free(l->k[k].m[i].cves);
		free(l->k[k].m);
		kp_names_free(&l->k[k].names);
	}
	free(l->k);
	kp_names_free(&l->kernels);
	kp_live_free(&l->live);
}

/* The modules installed for every kernel, with their CVEs. 0, or -1 when out of memory. */
static int gather_installed(struct list *l)
{
	struct kp_err err;

	l->kernels_ok = !kp_store_kernels(&l->kernels, &l->kernels_err);
	if (!l->kernels_ok)
		return 0;
	l->k = calloc(l->kernels.n + 1, sizeof(*l->k));
	if (!l->k)
		return -1;
	for (size_t k = 0; k < l->kernels.n; k++) {
		struct list_kernel *lk = &l->k[l->nk];

		/* An unreadable kernel directory is left out, the others still listed. */
		if (kp_store_list(l->kernels.v[k], &lk->names, &err))
			continue;
		lk->krel = l->kernels.v[k];
		l->nk++;
		lk->m = calloc(lk->names.n + 1, sizeof(*lk->m));
		if (!lk->m)
			return -1;
		for (size_t i = 0; i < lk->names.n; i++) {
			lk->m[i].name = lk->names.v[i];
			lk->m[i].cves = installed_cves(lk->krel, lk->names.v[i], &lk->m[i].bad);
		}
	}
	return 0;
}

/*
 * The live patches and the store, for the running kernel krel. 0, or the
 * error printed and its class. A store whose kernels cannot be read is
 * not an error here: the renderers show what there is, then say it.
 */
static int list_gather(struct list *l, const char *krel)
{
	struct kp_names inst;
	struct kp_err err;

	memset(l, 0, sizeof(*l));
	l->krel = krel;
	if (kp_live_read(&l->live, &err))
		return p_kerr(&err);
	if (kp_store_list(krel, &inst, &err))
		return p_kerr(&err);
	l->loaded = calloc(l->live.n + 1, sizeof(*l->loaded));
	if (!l->loaded) {
		kp_names_free(&inst);
		return p_err(KP_E_SYSTEM, "out of memory");
	}
	for (size_t i = 0; i < l->live.n; i++) {
		l->loaded[i].p = &l->live.p[i];
		l->loaded[i].installed = kp_names_has(&inst, l->live.p[i].name);
		l->loaded[i].cves = loaded_cves(krel, l->live.p[i].name, l->loaded[i].installed);
	}
	kp_names_free(&inst);
	if (gather_installed(l))
		return p_err(KP_E_SYSTEM, "out of memory");
	return 0;
}

/* Badly named files are never listed, but never silent either. */
static void warn_badly_named(const struct list_kernel *lk)
{
	if (lk->names.nbad)
		p_warn("%zu file(s) installed for %s are not named like a module, e.g. '%s'; ignored",
		       lk->names.nbad, lk->krel, lk->names.bad);
}

static void plain_cves(const char *cves)
{
	if (cves)
		printf(" %s", cves);
	putchar('\n');
}

static int list_plain(const struct list *l, int verbose)
{
	printf("Loaded patch modules:\n");
	for (size_t i = 0; i < l->live.n; i++) {
		const struct kp_live_patch *p = l->loaded[i].p;

		printf("%s [%s]", p->name, kp_live_state_name(p->state));
		plain_cves(l->loaded[i].cves);
		if (p->state == KP_LIVE_INVALID)
			p_warn("patch %s: state unknown: %s", p->name, p->why);
		if (verbose)
			for (size_t j = 0; j < p->funcs.n; j++)
				printf("    %s:%s,%lu (%s)\n", p->funcs.f[j].object, p->funcs.f[j].name,
				       p->funcs.f[j].sympos, p->name);
	}
	if (!l->kernels_ok)
		return p_kerr(&l->kernels_err);
	printf("Installed patch modules:\n");
	for (size_t k = 0; k < l->nk; k++) {
		const struct list_kernel *lk = &l->k[k];

		warn_badly_named(lk);
		for (size_t i = 0; i < lk->names.n; i++) {
			/* One line for a broken module, and go on with the others. */
			if (lk->m[i].bad.msg[0])
				p_warn("%s", lk->m[i].bad.msg);
			printf("%s (%s)", lk->m[i].name, lk->krel);
			plain_cves(lk->m[i].cves);
		}
	}
	return 0;
}

static json_object *json_funcs(const struct kp_func_list *fl)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < fl->n; i++) {
		json_object *f = json_object_new_object();

		json_object_object_add(f, "object", json_object_new_string(fl->f[i].object));
		json_object_object_add(f, "function", json_object_new_string(fl->f[i].name));
		json_object_object_add(f, "sympos", json_object_new_int64((int64_t)fl->f[i].sympos));
		json_object_array_add(a, f);
	}
	return a;
}

static int list_json(const struct list *l)
{
	json_object *o, *loaded, *installed;

	if (!l->kernels_ok)
		return p_kerr(&l->kernels_err);
	loaded = json_object_new_array();
	for (size_t i = 0; i < l->live.n; i++) {
		const struct kp_live_patch *p = l->loaded[i].p;
		json_object *m = json_object_new_object();

		json_object_object_add(m, "name", json_object_new_string(p->name));
		json_object_object_add(m, "state", json_object_new_string(kp_live_state_name(p->state)));
		if (p->state == KP_LIVE_INVALID)
			json_object_object_add(m, "error", json_object_new_string(p->why));
		json_object_object_add(m, "installed", json_object_new_boolean(l->loaded[i].installed));
		json_object_object_add(m, "cves", json_csv_array(l->loaded[i].cves));
		json_object_object_add(m, "functions", json_funcs(&p->funcs));
		json_object_array_add(loaded, m);
	}
	installed = json_object_new_array();
	for (size_t k = 0; k < l->nk; k++) {
		const struct list_kernel *lk = &l->k[k];

		warn_badly_named(lk);
		for (size_t i = 0; i < lk->names.n; i++) {
			json_object *m = json_object_new_object();

			json_object_object_add(m, "name", json_object_new_string(lk->m[i].name));
			json_object_object_add(m, "kernel", json_object_new_string(lk->krel));
			json_object_object_add(m, "cves", json_csv_array(lk->m[i].cves));
			if (lk->m[i].bad.msg[0])
				json_object_object_add(m, "error", json_object_new_string(lk->m[i].bad.msg));
			json_object_array_add(installed, m);
		}
	}
	o = json_object_new_object();
	json_object_object_add(o, "kernel", json_object_new_string(l->krel));
	json_object_object_add(o, "loaded", loaded);
	json_object_object_add(o, "installed", installed);
	p_json(o);
	return 0;
}

int do_list(int argc, char **argv)
{
	static const struct cmd_flag flags[] = { { "verbose", 'v' }, { NULL, 0 } };
	struct cmd_opts o;
	struct list l;
	int ret;

	if ((ret = cmd_opts_parse("list", argc, argv, 0, flags, &o)))
		return ret;
	if (optind < argc)
		return cmd_usage_err("list", "unexpected argument '%s'", argv[optind]);
	if ((ret = cmd_opts_release(&o)))
		return ret;
	ret = list_gather(&l, o.krel);
	if (!ret)
		ret = json_output ? list_json(&l) : list_plain(&l, o.flags & 1);
	list_free(&l);
	return ret;
}
