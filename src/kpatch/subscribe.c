// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch auto | manual | hook: automatic subscription on Debian hosts,
 * the APT twin of `dnf kpatch auto|manual`.
 *
 * auto writes the mode and installs the patch package of every installed
 * kernel that lacks one. A kernel installed later is noted by the
 * kernel's /etc/kernel/postinst.d/kpatch hook (`kpatch hook
 * kernel-installed`); dpkg holds its lock then, so the package comes in
 * APT's DPkg::Post-Invoke (`kpatch hook apt-post-invoke`, from
 * /etc/apt/apt.conf.d/50kpatch): apt-get download, which checks it
 * against the repository's signed index, then dpkg -i, which apt's
 * frontend lock allows there. None of these take the kpatch lock: the
 * patch package's own postinst (`kpatch install --load`) does.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"
#include "kpatchlib/paths.h"
#include "kpatchlib/spawn.h"
#include "kpatchlib/subscription.h"

/* Debian hosts only: dnf keeps the RPM side's subscription. */
static int need_deb(const char *cmd)
{
	switch (kp_sub_pkgsys()) {
	case KP_PKGSYS_DEB:
		return 0;
	case KP_PKGSYS_RPM:
		return p_err(KP_E_USAGE, "%s: this host's packages are RPMs: `dnf kpatch %s` (kpatch-dnf) keeps their subscription",
			     cmd, cmd);
	default:
		return p_err(KP_E_NOTFOUND, "%s: this host has no dpkg package database: there is no kernel package to subscribe",
			     cmd);
	}
}

/* Is a package in the configured repositories? */
static int available(const char *pkg)
{
	const char *argv[] = { "apt-cache", "show", "--no-all-versions", pkg, NULL };
	struct kp_err err;
	char *out;
	int rc = kp_spawn_capture(argv, 1U << 20, &out, &err);

	if (rc >= 0)
		free(out);
	return rc == 0;
}

static json_object *strings_json(const char *const *v, size_t n)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

/* apt-get install the missing patch packages that the repositories have. */
static int install_missing(const struct kp_sub *s, int yes)
{
	const char **argv = calloc(s->n + 5, sizeof(*argv)), **want = calloc(s->n + 1, sizeof(*want)),
		   **none = calloc(s->n + 1, sizeof(*none));
	size_t argc = 0, nwant = 0, nnone = 0;
	struct kp_err err;
	int ret = 0, rc;

	if (!argv || !want || !none) {
		ret = p_err(KP_E_SYSTEM, "auto: out of memory");
		goto out;
	}
	for (size_t i = 0; i < s->n; i++) {
		if (s->k[i].patched)
			continue;
		if (available(s->k[i].package)) {
			want[nwant++] = s->k[i].package;
		} else {
			none[nnone++] = s->k[i].package;
			p_warn("no %s in the configured repositories: kernel %s stays unpatched until one is published (apt-get update, then kpatch auto)",
			       s->k[i].package, s->k[i].release);
		}
	}
	if (nwant) {
		argv[argc++] = "apt-get";
		argv[argc++] = "install";
		if (yes)
			argv[argc++] = "-y";
		for (size_t i = 0; i < nwant; i++)
			argv[argc++] = want[i];
		rc = kp_spawn_wait(argv, NULL, json_output, &err);
		if (rc < 0)
			ret = p_kerr(&err);
		else if (rc)
			ret = p_err(KP_E_SYSTEM, "auto: apt-get install of %zu patch package(s) failed (exit %d); the subscription stays auto",
				    nwant, rc);
	}
	if (json_output && !ret) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "subscription", json_object_new_string("auto"));
		json_object_object_add(o, "installed", strings_json(want, nwant));
		json_object_object_add(o, "unavailable", strings_json(none, nnone));
		p_json(o);
	} else if (!ret) {
		p_info("subscription auto: %zu kernel(s), %zu patch package(s) installed now, %zu unavailable",
		       s->n, nwant, nnone);
	}
out:
	free(argv);
	free(want);
	free(none);
	return ret;
}

int do_auto(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ "no-install", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, yes = 0, install = 1, ret;
	struct kp_sub s;
	struct kp_err err;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+y", longopts, NULL)) != -1) {
		if (opt == 'y')
			yes = 1;
		else if (opt == 'n')
			install = 0;
		else
			return cmd_usage_err("auto", "unknown option '%s'", argv[optind - 1]);
	}
	if (optind < argc)
		return cmd_usage_err("auto", "unexpected argument '%s'", argv[optind]);
	ret = need_deb("auto");
	if (ret)
		return ret;
	if (kp_sub_set_mode(KP_SUB_AUTO, &err) || kp_sub_read(&s, &err))
		return p_kerr(&err);
	if (install) {
		ret = install_missing(&s, yes);
	} else if (json_output) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "subscription", json_object_new_string("auto"));
		p_json(o);
	} else {
		p_info("subscription auto: kernels installed from now on get their patch package");
	}
	kp_sub_free(&s);
	return ret;
}

int do_manual(int argc, char **argv)
{
	struct kp_err err;
	int ret;

	if (argc > 1)
		return cmd_usage_err("manual", "unexpected argument '%s'", argv[1]);
	ret = need_deb("manual");
	if (ret)
		return ret;
	if (kp_sub_set_mode(KP_SUB_MANUAL, &err))
		return p_kerr(&err);
	if (json_output) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "subscription", json_object_new_string("manual"));
		p_json(o);
	} else {
		p_info("subscription manual: patch packages are installed only when asked for; installed ones stay");
	}
	return 0;
}

/*
 * The kernel's postinst.d hook: note a new kernel. It never fails the
 * kernel's installation: a problem is one warning line.
 */
static int hook_kernel_installed(const char *release)
{
	struct kp_err err;
	struct kp_sub s;

	if (kp_sub_pkgsys() != KP_PKGSYS_DEB)
		return 0;
	if (kp_sub_read(&s, &err)) {
		p_warn("hook: %s", err.msg);
		return 0;
	}
	if (s.mode == KP_SUB_AUTO) {
		const struct kp_sub_kernel *k = kp_sub_find(&s, release);

		if (kp_sub_pending_add(release, &err))
			p_warn("hook: %s", err.msg);
		else if (!k || !k->patched)
			p_note("kernel %s: its patch package is installed once dpkg is done (subscription auto)", release);
	}
	kp_sub_free(&s);
	return 0;
}

/* A private download directory under the run directory. */
static int fetch_dir(char *dir, size_t size, struct kp_err *err)
{
	mkdir(kp_run_dir(), 0755);
	if (kp_path(dir, size, "%s/fetch.XXXXXX", kp_run_dir()))
		return kp_err_set(err, KP_E_SYSTEM, 0, "the run directory's path is too long");
	if (!mkdtemp(dir))
		return kp_err_set(err, KP_E_SYSTEM, errno, "creating %s", dir);
	return 0;
}

/* The .deb apt-get download left for pkg in dir (fetch_clean removes the directory). */
static int fetched_deb(const char *dir, const char *pkg, char *path, size_t size)
{
	size_t n = strlen(pkg);
	struct dirent *de;
	int found = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.')
			continue;
		if (!found && !strncmp(de->d_name, pkg, n) && de->d_name[n] == '_' && len > 4 &&
		    !strcmp(de->d_name + len - 4, ".deb") && !kp_path(path, size, "%s/%s", dir, de->d_name))
			found = 1;
	}
	closedir(d);
	return found;
}

static void fetch_clean(const char *dir)
{
	char path[4400];
	struct dirent *de;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && !kp_path(path, sizeof(path), "%s/%s", dir, de->d_name))
			unlink(path);
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Download and install one kernel's patch package, inside apt's run. */
static int install_now(const struct kp_sub_kernel *k)
{
	const char *get[] = { "apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", k->package, NULL };
	char dir[4096], deb[4400];
	struct kp_err err;
	int rc, ret = 0;

	if (fetch_dir(dir, sizeof(dir), &err))
		return p_kerr(&err);
	rc = kp_spawn_wait(get, dir, 0, &err);
	if (rc < 0) {
		ret = p_kerr(&err);
	} else if (rc || !fetched_deb(dir, k->package, deb, sizeof(deb))) {
		/* No fix and no empty 0-0 published yet: not an apt failure. */
		p_warn("kernel %s: could not download %s (not in the configured repositories yet, or they are unreachable): it boots unpatched; `kpatch check` says so until it is installed",
		       k->release, k->package);
	} else {
		const char *inst[] = { "dpkg", "-i", deb, NULL };

		p_note("kernel %s: installing %s (subscription auto)", k->release, k->package);
		rc = kp_spawn_wait(inst, NULL, 0, &err);
		if (rc < 0)
			ret = p_kerr(&err);
		else if (rc)
			ret = p_err(KP_E_SYSTEM, "kernel %s: installing %s failed (dpkg exit %d): its fix is not in place; see dpkg's lines above",
				    k->release, k->package, rc);
	}
	fetch_clean(dir);
	return ret;
}

/* APT's DPkg::Post-Invoke: the patch packages of the kernels just installed. */
static int hook_apt_post_invoke(void)
{
	struct kp_names pending;
	struct kp_err err;
	struct kp_sub s;
	int ret = 0;

	if (kp_sub_pkgsys() != KP_PKGSYS_DEB)
		return 0;
	if (kp_sub_pending_list(&pending, &err))
		return p_kerr(&err);
	if (!pending.n) {
		kp_names_free(&pending);
		return 0;
	}
	if (kp_sub_read(&s, &err)) {
		kp_names_free(&pending);
		return p_kerr(&err);
	}
	for (size_t i = 0; i < pending.n; i++) {
		const struct kp_sub_kernel *k = kp_sub_find(&s, pending.v[i]);

		/* manual since, removed again, or already patched: nothing to do */
		if (s.mode == KP_SUB_AUTO && k && !k->patched) {
			int r = install_now(k);

			ret = ret ? ret : r;
		}
		kp_sub_pending_drop(pending.v[i]);
	}
	kp_sub_free(&s);
	kp_names_free(&pending);
	return ret;
}

int do_hook(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "kernel-installed")) {
		if (argc != 3)
			return cmd_usage_err("hook", "kernel-installed takes one kernel release");
		struct kp_err err;

		if (kp_release_check(argv[2], "hook: kernel-installed", KP_E_USAGE, &err))
			return p_kerr(&err);
		return hook_kernel_installed(argv[2]);
	}
	if (argc == 2 && !strcmp(argv[1], "apt-post-invoke"))
		return hook_apt_post_invoke();
	return cmd_usage_err("hook", "expected kernel-installed RELEASE or apt-post-invoke");
}
