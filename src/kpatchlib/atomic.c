// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/regfile.h"
#include "kpatchlib/atomic.h"

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int kp_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		    struct kp_err *err)
{
	char d[4096], b[4096], tmp[8400], q[512];
	struct stat st;
	int fd, dfd, ret;

	if (snprintf(d, sizeof(d), "%s", path) >= (int)sizeof(d) ||
	    snprintf(b, sizeof(b), "%s", path) >= (int)sizeof(b))
		return kp_err_set(err, KP_E_USAGE, ENAMETOOLONG, "output file name too long");
	const char *dir = dirname(d), *base = basename(b);

	kp_escape(path, q, sizeof(q));
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..") || path[strlen(path) - 1] == '/')
		return kp_err_set(err, KP_E_USAGE, 0, "output '%s' is not a file name", q);
	if (stat(dir, &st) && errno == ENOENT)
		return kp_err_set(err, KP_E_NOTFOUND, 0, "output '%s': directory %s does not exist", q,
				  kp_escape(dir, b, sizeof(b)));
	if (stat(dir, &st))
		return kp_err_set(err, KP_E_SYSTEM, errno, "output '%s': directory %s", q,
				  kp_escape(dir, b, sizeof(b)));
	if (!S_ISDIR(st.st_mode))
		return kp_err_set(err, KP_E_USAGE, 0, "output '%s': %s is not a directory", q,
				  kp_escape(dir, b, sizeof(b)));
	if (!lstat(path, &st) && !S_ISREG(st.st_mode))
		return kp_err_set(err, KP_E_USAGE, 0, "output '%s' exists and is not a regular file", q);
	snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, base);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return kp_err_set(err, KP_E_SYSTEM, errno, "output '%s': cannot create a temporary file in %s", q,
				  kp_escape(dir, b, sizeof(b)));
	ret = write_all(fd, data, len);
	if (!ret && fchmod(fd, mode))
		ret = -errno;
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		unlink(tmp);
		return kp_err_set(err, KP_E_SYSTEM, -ret, "cannot write '%s'", q);
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}
