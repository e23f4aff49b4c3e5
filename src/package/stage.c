// SPDX-License-Identifier: GPL-2.0
/*
 * The stage: a private directory inside the output directory where a
 * package tree is assembled and built. Finished packages are renamed into
 * the output directory, so a refusal or a failed tool leaves nothing there.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "package/pkg.h"

int kpkg_stage_open(const char *outdir, char *dir, size_t size, struct kp_err *err)
{
	struct stat st;

	if (stat(outdir, &st) || !S_ISDIR(st.st_mode))
		return kp_err_set(err, KP_E_NOTFOUND, errno, "-o %s: not a directory", outdir);
	/* every path below the stage fits the writers' buffers (4096 + room) */
	if (strlen(outdir) > KPKG_OUTDIR_MAX ||
	    snprintf(dir, size, "%s/.kpatch-package.XXXXXX", outdir) >= (int)size)
		return kp_err_set(err, KP_E_USAGE, 0, "-o %s: path too long", outdir);
	if (!mkdtemp(dir))
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot create a work directory in %s", outdir);
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

void kpkg_stage_remove(const char *dir)
{
	if (dir[0])
		nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int kpkg_mkdirs(const char *path, struct kp_err *err)
{
	char buf[4096];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return kp_err_set(err, KP_E_USAGE, 0, "%s: path too long", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return kp_err_set(err, KP_E_SYSTEM, errno, "cannot create %s", buf);
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot create %s", buf);
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int kpkg_write(const char *path, int mode, const char *text, struct kp_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);

	if (fd < 0)
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot create %s", path);
	if (write_all(fd, text, strlen(text)) || fchmod(fd, (mode_t)mode) || close(fd)) {
		kp_err_set(err, KP_E_SYSTEM, errno, "cannot write %s", path);
		unlink(path);
		return -1;
	}
	return 0;
}

int kpkg_copy(const char *from, const char *to, int mode, struct kp_err *err)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC | O_NONBLOCK), out;
	ssize_t n;

	if (in < 0)
		return kp_err_set(err, KP_E_NOTFOUND, errno, "%s", from);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (out < 0) {
		close(in);
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot create %s", to);
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write_all(out, buf, (size_t)n))
			break;
	close(in);
	if (n != 0 || fchmod(out, (mode_t)mode) || close(out)) {
		unlink(to);
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot copy %s to %s", from, to);
	}
	return 0;
}

int kpkg_publish(const char *from, const char *outdir, const char *base, char *out,
		 size_t size, struct kp_err *err)
{
	if (snprintf(out, size, "%s/%s", outdir, base) >= (int)size)
		return kp_err_set(err, KP_E_USAGE, 0, "%s/%s: path too long", outdir, base);
	if (rename(from, out))
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot move %s to %s", from, out);
	return 0;
}

int kpkg_stage_withdrawn(const struct kpkg *p, const char *root, struct kp_err *err)
{
	char dir[4200], path[4400], text[4096];
	size_t n;

	if (!p->nwithdraw)
		return 0;
	snprintf(dir, sizeof(dir), "%s/etc/kpatch/withdrawn.d", root);
	if (kpkg_mkdirs(dir, err))
		return -1;
	n = (size_t)snprintf(text, sizeof(text), "# withdrawn by %s %s\n", p->name, p->version_str);
	for (size_t i = 0; i < p->nwithdraw && n < sizeof(text); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s@%s\n", p->withdraw[i], p->krel);
	snprintf(path, sizeof(path), "%s/%s.list", dir, p->name);
	return kpkg_write(path, 0644, text, err);
}

int kpkg_stage_module(const struct kpkg *p, const char *stage, const char *dest, struct kp_err *err)
{
	char copy[4400], log[4400];
	const char *strip[] = { "strip", "--strip-debug", "-o", dest, copy, NULL };

	snprintf(copy, sizeof(copy), "%s/module.ko", stage);
	snprintf(log, sizeof(log), "%s/strip.log", stage);
	if (kpkg_copy(p->module_path, copy, 0644, err))
		return -1;
	/* a signature covers the file as it is: a stripped signed module would not load */
	return p->is_signed ? kpkg_copy(copy, dest, 0644, err) : kpkg_run(strip, NULL, log, err);
}
