// SPDX-License-Identifier: GPL-2.0
/* kpatch install: validate a module file and install it atomically. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"
#include "kpatchlib/loadfail.h"
#include "kpatchlib/paths.h"
#include "kpatchlib/spawn.h"
#include "kpatchlib/store.h"
#include "kpatchlib/storeclean.h"

/* Where systemd runs, make sure the boot service will load what we installed. */
static void enable_service(void)
{
	static const char *const argv[] = { "systemctl", "enable", "--quiet", "kpatch.service", NULL };
	struct kp_err err;

	/* A test tree must not reach the real system's services. */
	if (kp_paths_overridden() || access("/run/systemd/system", F_OK))
		return;
	if (kp_spawn_wait(argv, NULL, 0, &err))
		p_warn("could not enable kpatch.service; installed modules will not be loaded at boot until `systemctl enable kpatch.service` succeeds");
}

/* What an interrupted install left; we hold the kpatch lock, so it is stale. */
static int clean_stale(void)
{
	struct kp_names removed;
	struct kp_err err;

	if (kp_store_clean_temps(&removed, &err))
		return p_kerr(&err);
	for (size_t i = 0; i < removed.n; i++)
		p_note("removed %s, left by an interrupted install", removed.v[i]);
	kp_names_free(&removed);
	return 0;
}

/*
 * The store as it was before an install of name for krel: the previous
 * file (kept open, so it survives the rename over it) and whether the
 * directories existed.
 */
struct store_before {
	struct kp_modfile old;	/* fd -1 when there was none */
	int had_lib, had_dir;
};

static void before_save(struct store_before *b, const char *krel, const char *name)
{
	char path[4096];

	memset(&b->old, 0, sizeof(b->old));
	b->old.fd = -1;
	b->had_lib = !access(kp_lib_dir(), F_OK);
	b->had_dir = !kp_path(path, sizeof(path), "%s/%s", kp_lib_dir(), krel) && !access(path, F_OK);
	if (kp_store_has(krel, name) && !kp_store_path(krel, name, path, sizeof(path))) {
		b->old.fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		snprintf(b->old.path, sizeof(b->old.path), "%s", path);
		snprintf(b->old.name, sizeof(b->old.name), "%s", name);
	}
}

/* Put the store back as before_save found it. 0, or the error printed. */
static int before_restore(struct store_before *b, const char *krel, const char *name)
{
	char path[4096];
	struct kp_err err;
	int ret = 0;

	if (b->old.fd >= 0)
		ret = kp_store_install(&b->old, krel, &err);
	else
		ret = kp_store_uninstall(krel, name, &err);
	if (ret)
		return p_kerr(&err);
	if (!b->had_dir && !kp_path(path, sizeof(path), "%s/%s", kp_lib_dir(), krel))
		rmdir(path);
	if (!b->had_lib)
		rmdir(kp_lib_dir());
	return 0;
}

static void before_free(struct store_before *b)
{
	if (b->old.fd >= 0)
		close(b->old.fd);
	b->old.fd = -1;
}

/* An atomic-replace module supersedes every other one of its kernel. */
static int uninstall_superseded(const char *krel, const char *replacer)
{
	struct kp_names names;
	struct kp_err err;
	int ret = 0;

	if (kp_store_list(krel, &names, &err))
		return p_kerr(&err);
	for (size_t i = 0; i < names.n; i++) {
		if (!strcmp(names.v[i], replacer))
			continue;
		if (kp_store_uninstall(krel, names.v[i], &err))
			ret = p_kerr(&err);
		else
			p_info("uninstalled %s (%s): superseded by %s", names.v[i], krel, replacer);
	}
	kp_names_free(&names);
	return ret;
}

/* --load: load what was just installed, or undo the install. */
static int install_load(const struct kp_modfile *mf, const char *krel, struct store_before *b)
{
	char running[256];
	int ret;

	if ((ret = running_release(running, sizeof(running))))
		return ret;
	if (strcmp(running, krel)) {
		p_info("%s is not the running kernel (%s): installed, loads when %s boots", krel, running, krel);
		return 0;
	}
	ret = load_module(mf->name, krel, KPATCH_DEFAULT_TIMEOUT * 1000L);
	if (!ret) {
		kp_loadfail_clear(mf->name);
		return 0;
	}
	kp_loadfail_record(mf->name, krel, ret);
	if (!before_restore(b, krel, mf->name))
		p_note("install of %s (%s) undone: %s is as before", mf->name, krel, kp_lib_dir());
	return ret;
}

int do_install(int argc, char **argv)
{
	static const struct cmd_flag flags[] = { { "load", 0 }, { NULL, 0 } };
	struct cmd_opts o;
	struct store_before before;
	struct kp_modfile mf;
	struct kp_err err;
	const char *krel = o.krel;
	int ret, load;

	if ((ret = cmd_opts_parse("install", argc, argv, CMD_OPT_KERNEL, flags, &o)))
		return ret;
	load = o.flags & 1;
	if ((ret = one_arg("install", argc, "one module file at a time", "no module file given")))
		return ret;
	if ((ret = cmd_opts_release(&o)))
		return ret;
	if (kp_modfile_open(argv[optind], KP_OPEN_STRICT, &mf, &err) || kp_modfile_check(&mf, krel, &err)) {
		kp_modfile_close(&mf);
		return p_kerr(&err);
	}
	p_info("installing %s (%s)", mf.name, krel);
	ret = clean_stale();
	if (ret) {
		kp_modfile_close(&mf);
		return ret;
	}
	before_save(&before, krel, mf.name);
	ret = kp_store_install(&mf, krel, &err) ? p_kerr(&err) : 0;
	if (!ret && load)
		ret = install_load(&mf, krel, &before);
	before_free(&before);
	if (!ret && load && mf.replace)
		ret = uninstall_superseded(krel, mf.name);
	kp_modfile_close(&mf);
	if (ret)
		return ret;
	enable_service();
	return 0;
}
