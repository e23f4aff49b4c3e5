// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/regfile.h"
#include "kpatchlib/names.h"
#include "kpatchlib/paths.h"
#include "kpatchlib/store.h"

void kp_names_free(struct kp_names *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
	l->nbad = 0;
	l->bad[0] = '\0';
}

int kp_names_has(const struct kp_names *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return 1;
	return 0;
}

static int names_add(struct kp_names *l, const char *s, size_t len)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	l->v = v;
	v[l->n] = strndup(s, len);
	if (!v[l->n])
		return -ENOMEM;
	l->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int kp_store_path(const char *krel, const char *name, char *buf, size_t size)
{
	/* Defence in depth: callers check first, with a message of their own. */
	if (!kp_release_ok(krel) || !kp_name_ok(name))
		return -EINVAL;
	return kp_path(buf, size, "%s/%s/%s.ko", kp_lib_dir(), krel, name);
}

int kp_store_has(const char *krel, const char *name)
{
	char path[4096];
	struct stat st;

	return !kp_store_path(krel, name, path, sizeof(path)) && !lstat(path, &st) && S_ISREG(st.st_mode);
}

/* A listed entry that cannot be a name: counted, never used in a path. */
static int names_bad(struct kp_names *l, const char *s)
{
	if (!l->nbad++)
		kp_escape(s, l->bad, sizeof(l->bad));
	return 0;
}

/* want_dirs: kernel directories; else *.ko regular files. */
static int list_dir(const char *dir, int want_dirs, struct kp_names *out, struct kp_err *err)
{
	struct dirent *d;
	DIR *dh;

	memset(out, 0, sizeof(*out));
	dh = opendir(dir);
	if (!dh) {
		if (errno == ENOENT)
			return 0;
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot read %s", dir);
	}
	while ((d = readdir(dh))) {
		size_t len = strlen(d->d_name);
		char name[256];
		int ret;

		if (d->d_name[0] == '.')
			continue;
		if (want_dirs) {
			if (d->d_type != DT_DIR)
				continue;
			ret = kp_release_ok(d->d_name) ? names_add(out, d->d_name, len)
						       : names_bad(out, d->d_name);
		} else {
			if (d->d_type != DT_REG || len < 4 || strcmp(d->d_name + len - 3, ".ko"))
				continue;
			snprintf(name, sizeof(name), "%.*s", (int)(len - 3), d->d_name);
			ret = kp_name_ok(name) ? names_add(out, name, len - 3) : names_bad(out, d->d_name);
		}
		if (ret) {
			closedir(dh);
			kp_names_free(out);
			return kp_err_set(err, KP_E_SYSTEM, -ret, "reading %s", dir);
		}
	}
	closedir(dh);
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), cmp_str);
	return 0;
}

int kp_store_list(const char *krel, struct kp_names *out, struct kp_err *err)
{
	char dir[4096];

	memset(out, 0, sizeof(*out));
	if (kp_release_check(krel, "", KP_E_USAGE, err))
		return -1;
	if (kp_path(dir, sizeof(dir), "%s/%s", kp_lib_dir(), krel))
		return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "install path too long");
	return list_dir(dir, 0, out, err);
}

int kp_store_kernels(struct kp_names *out, struct kp_err *err)
{
	return list_dir(kp_lib_dir(), 1, out, err);
}

/* Create dir (mode 0755) or accept it if it is ours and not writable by others. */
static int safe_dir(const char *dir, struct kp_err *err)
{
	struct stat st;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot create %s", dir);
	if (lstat(dir, &st))
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot stat %s", dir);
	if (!S_ISDIR(st.st_mode))
		return kp_err_set(err, KP_E_INVALID, 0, "%s: not a directory", dir);
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return kp_err_set(err, KP_E_INVALID, 0, "%s: owned by uid %u, not by root; refusing to install there",
				  dir, (unsigned int)st.st_uid);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return kp_err_set(err, KP_E_INVALID, 0, "%s: writable by group or others (mode %04o); refusing to install there",
				  dir, (unsigned int)(st.st_mode & 07777));
	return 0;
}

static int copy_fd(int in, int out)
{
	char buf[65536];
	off_t off = 0;
	ssize_t n;

	for (;;) {
		n = pread(in, buf, sizeof(buf), off);
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		off += n;
		for (char *p = buf; n > 0;) {
			ssize_t w = write(out, p, (size_t)n);

			if (w < 0)
				return -errno;
			p += w;
			n -= w;
		}
	}
}

int kp_store_install(const struct kp_modfile *mf, const char *krel, struct kp_err *err)
{
	char dir[4096], tmp[4096], dst[4096];
	int fd, dfd, ret;

	if (kp_release_check(krel, "", KP_E_USAGE, err) || kp_name_check(mf->name, "", KP_E_INVALID, err))
		return -1;
	if (kp_path(dir, sizeof(dir), "%s/%s", kp_lib_dir(), krel) ||
	    kp_path(tmp, sizeof(tmp), "%s/.%s.ko.XXXXXX", dir, mf->name) ||
	    kp_store_path(krel, mf->name, dst, sizeof(dst)))
		return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "install path too long");
	if (safe_dir(kp_lib_dir(), err) || safe_dir(dir, err))
		return -1;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot create a temporary file in %s", dir);
	ret = copy_fd(mf->fd, fd);
	if (!ret && fchmod(fd, 0644))
		ret = -errno;
	/* The data must be on disk before the name points to it. */
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, dst))
		ret = -errno;
	if (ret) {
		unlink(tmp);
		return kp_err_set(err, KP_E_SYSTEM, -ret, "cannot install %s as %s", mf->path, dst);
	}
	/* And the rename itself must survive a crash. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		ret = fsync(dfd) ? -errno : 0;
		close(dfd);
		if (ret)
			return kp_err_set(err, KP_E_SYSTEM, -ret, "cannot sync %s", dir);
	}
	return 0;
}

int kp_store_uninstall(const char *krel, const char *name, struct kp_err *err)
{
	char path[4096];

	if (kp_release_check(krel, "", KP_E_USAGE, err) || kp_name_check(name, "", KP_E_USAGE, err))
		return -1;
	if (kp_store_path(krel, name, path, sizeof(path)))
		return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "install path too long");
	if (unlink(path)) {
		if (errno == ENOENT)
			return kp_err_set(err, KP_E_NOTFOUND, 0, "module %s is not installed for kernel %s (no %s)",
					  name, krel, path);
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot remove %s", path);
	}
	return 0;
}
