// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/vermagic.h"
#include "kpatchlib/klpelf.h"
#include "kpatchlib/modelf.h"
#include "kpatchlib/modfile.h"
#include "kpatchlib/names.h"

static int set_field(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v ? v : "");
	return *dst ? 0 : -ENOMEM;
}

/*
 * The name forms paths (store, sysfs, run directory) and lines of output:
 * checked here, the one place module names from files come in.
 */
static int set_name(struct kp_modfile *mf, const char *val, struct kp_err *err)
{
	char what[4200];

	if (mf->name[0])
		return kp_err_set(err, KP_E_INVALID, 0, "%s: module info has two name fields", mf->path);
	snprintf(what, sizeof(what), "%s: module info name", mf->path);
	if (kp_name_check(val, what, KP_E_INVALID, err))
		return -1;
	snprintf(mf->name, sizeof(mf->name), "%s", val);
	return 0;
}

/* libkmod reads the module info; it opens the descriptor's own inode. */
static int read_modinfo(struct kp_modfile *mf, struct kp_err *err)
{
	struct kmod_ctx *ctx;
	struct kmod_module *mod = NULL;
	struct kmod_list *info = NULL, *it;
	char fdpath[4200];
	struct stat fst, pst;
	int ret, bad = 0;

	/*
	 * Without /proc (a package installed into another root: rpm --root,
	 * a chroot), the descriptor has no path; libkmod then reads the path,
	 * which must still be the very file the checks read.
	 */
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", mf->fd);
	if (access(fdpath, F_OK)) {
		if (fstat(mf->fd, &fst) || stat(mf->path, &pst) || fst.st_dev != pst.st_dev ||
		    fst.st_ino != pst.st_ino)
			return kp_err_set(err, KP_E_INVALID, 0, "%s: the file changed while it was read", mf->path);
		snprintf(fdpath, sizeof(fdpath), "%s", mf->path);
	}
	ctx = kmod_new(NULL, NULL);
	if (!ctx)
		return kp_err_set(err, KP_E_SYSTEM, ENOMEM, "%s: cannot create a libkmod context", mf->path);
	ret = kmod_module_new_from_path(ctx, fdpath, &mod);
	if (ret == 0)
		ret = kmod_module_get_info(mod, &info);
	if (ret < 0) {
		kp_err_set(err, KP_E_INVALID, 0, "%s: not a kernel module (no readable module info)", mf->path);
		goto out;
	}
	ret = 0;
	kmod_list_foreach(it, info) {
		const char *key = kmod_module_info_get_key(it);
		const char *val = kmod_module_info_get_value(it);

		if (!strcmp(key, "name")) {
			if (!bad && set_name(mf, val ? val : "", err))
				bad = 1;
		} else if (!strcmp(key, "vermagic"))
			ret |= set_field(&mf->vermagic, val);
		else if (!strcmp(key, "description"))
			ret |= set_field(&mf->description, val);
		else if (!strcmp(key, "kpatch_cve"))
			ret |= set_field(&mf->cves, val);
		else if (!strcmp(key, "kpatch_description"))
			ret |= set_field(&mf->kpatch_description, val);
		else if (!strcmp(key, "signer"))
			ret |= set_field(&mf->signer, val);
		else if (!strcmp(key, "sig_key"))
			ret |= set_field(&mf->sig_key, val);
		else if (!strcmp(key, "sig_hashalgo"))
			ret |= set_field(&mf->sig_hashalgo, val);
		else if (!strcmp(key, "livepatch"))
			mf->livepatch = val && !strcmp(val, "Y");
	}
	if (bad) {
		ret = -1;
	} else if (ret) {
		kp_err_set(err, KP_E_SYSTEM, ENOMEM, "%s: reading module info", mf->path);
		ret = -1;
	} else if (!mf->name[0]) {
		ret = kp_err_set(err, KP_E_INVALID, 0, "%s: module info has no name field", mf->path);
	}
out:
	kmod_module_info_free_list(info);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret < 0 ? -1 : 0;
}

/*
 * Whoever may write the file may put code into the kernel, and can rewrite
 * it between these checks and finit_module: only root (or the caller
 * itself, who needs no trick to load its own code) may own it, and neither
 * group nor others may write it.
 */
static int check_owner(const struct kp_modfile *mf, const struct stat *st, struct kp_err *err)
{
	unsigned int mode = (unsigned int)(st->st_mode & 07777);

	if (st->st_mode & S_IWOTH)
		return kp_err_set(err, KP_E_INVALID, 0, "%s: writable by others (mode %04o); refusing to use it",
				  mf->path, mode);
	if (st->st_mode & S_IWGRP)
		return kp_err_set(err, KP_E_INVALID, 0, "%s: writable by its group (mode %04o); refusing to use it",
				  mf->path, mode);
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return kp_err_set(err, KP_E_INVALID, 0, "%s: owned by uid %u, not by root; refusing to use it (chown root)",
				  mf->path, (unsigned int)st->st_uid);
	return 0;
}

/* Open without blocking (a FIFO would hang), then only a regular file. */
static int open_regular(struct kp_modfile *mf, int flags, struct stat *st, struct kp_err *err)
{
	int oflags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;

	if (flags & KP_OPEN_STRICT)
		oflags |= O_NOFOLLOW;
	mf->fd = open(mf->path, oflags);
	if (mf->fd < 0) {
		if (errno == ELOOP && (flags & KP_OPEN_STRICT))
			return kp_err_set(err, KP_E_INVALID, 0, "%s: is a symbolic link; give the real file", mf->path);
		return kp_err_set(err, errno == ENOENT ? KP_E_NOTFOUND : KP_E_SYSTEM, errno,
				  "cannot open %s", mf->path);
	}
	if (fstat(mf->fd, st))
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot stat %s", mf->path);
	if (!S_ISREG(st->st_mode))
		return kp_err_set(err, KP_E_INVALID, 0, "%s: not a regular file", mf->path);
	if (fcntl(mf->fd, F_SETFL, fcntl(mf->fd, F_GETFL) & ~O_NONBLOCK))
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot use %s", mf->path);
	return 0;
}

int kp_modfile_open(const char *path, int flags, struct kp_modfile *mf, struct kp_err *err)
{
	struct stat st;

	memset(mf, 0, sizeof(*mf));
	mf->fd = -1;
	snprintf(mf->path, sizeof(mf->path), "%s", path);
	if (open_regular(mf, flags, &st, err) || check_owner(mf, &st, err))
		goto fail;
	/* libkmod asserts on some malformed files: nothing reaches it unchecked. */
	if (kp_modelf_check(mf->fd, st.st_size, path, err) || read_modinfo(mf, err))
		goto fail;
	/* Only livepatch modules carry klp structures; kp_modfile_check says why others fail. */
	if (mf->livepatch && kp_klp_read(mf->fd, path, &mf->funcs, &mf->replace, err))
		goto fail;
	return 0;
fail:
	kp_modfile_close(mf);
	return -1;
}

void kp_modfile_close(struct kp_modfile *mf)
{
	if (mf->fd >= 0)
		close(mf->fd);
	mf->fd = -1;
	free(mf->vermagic);
	free(mf->description);
	free(mf->cves);
	free(mf->kpatch_description);
	free(mf->signer);
	free(mf->sig_key);
	free(mf->sig_hashalgo);
	mf->vermagic = mf->description = mf->cves = mf->kpatch_description = NULL;
	mf->signer = mf->sig_key = mf->sig_hashalgo = NULL;
	kp_funcs_free(&mf->funcs);
}

int kp_modfile_check(const struct kp_modfile *mf, const char *krel, struct kp_err *err)
{
	char built[256];

	if (!mf->livepatch)
		return kp_err_set(err, KP_E_INVALID, 0,
				  "%s: module %s is not a livepatch module (no livepatch=Y module info)",
				  mf->path, mf->name);
	if (kp_vermagic_release(mf->vermagic, built, sizeof(built)))
		return kp_err_set(err, KP_E_INVALID, 0, "%s: module %s has no usable vermagic ('%s')",
				  mf->path, mf->name, mf->vermagic ? mf->vermagic : "");
	if (strcmp(built, krel))
		return kp_err_set(err, KP_E_INVALID, 0,
				  "%s: module %s was built for kernel %s, not for kernel %s",
				  mf->path, mf->name, built, krel);
	return 0;
}
