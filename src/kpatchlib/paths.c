// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kpatchlib/paths.h"

static const char *env_or(const char *var, const char *def)
{
	const char *v = getenv(var);

	return v && *v ? v : def;
}

const char *kp_sysfs_root(void) { return env_or("KPATCH_SYSFS_ROOT", "/sys"); }
const char *kp_procfs_root(void) { return env_or("KPATCH_PROCFS_ROOT", "/proc"); }
const char *kp_lib_dir(void) { return env_or("KPATCH_LIB_DIR", "/var/lib/kpatch"); }
const char *kp_conf_dir(void) { return env_or("KPATCH_CONF_DIR", "/etc/kpatch"); }
const char *kp_run_dir(void) { return env_or("KPATCH_RUN_DIR", "/run/kpatch"); }

int kp_paths_overridden(void)
{
	static const char *const vars[] = {
		"KPATCH_SYSFS_ROOT", "KPATCH_PROCFS_ROOT", "KPATCH_LIB_DIR", "KPATCH_CONF_DIR", "KPATCH_RUN_DIR",
	};

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if (getenv(vars[i]))
			return 1;
	return 0;
}

int kp_path(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

int kp_read_line(const char *path, char *buf, size_t size)
{
	struct stat st;
	ssize_t n;
	int fd;

	/* sysfs, procfs and our own records are regular files; a FIFO must not hang us. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	n = read(fd, buf, size - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int kp_write_str(const char *path, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;
	int fd, ret = 0;

	/* No O_CREAT: sysfs attributes exist or the kernel lacks the feature.
	 * O_TRUNC as a shell redirection does: sysfs ignores it. */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

int kp_running_release(char *buf, size_t size, struct kp_err *err)
{
	char path[4096];
	int ret;

	if (kp_path(path, sizeof(path), "%s/sys/kernel/osrelease", kp_procfs_root()))
		return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "procfs path too long");
	ret = kp_read_line(path, buf, size);
	/* no /proc (another root: rpm --root, a chroot): the kernel says it itself */
	if (ret == -ENOENT && !getenv("KPATCH_PROCFS_ROOT")) {
		struct utsname u;

		if (!uname(&u) && snprintf(buf, size, "%s", u.release) < (int)size)
			return 0;
	}
	if (ret)
		return kp_err_set(err, KP_E_SYSTEM, -ret, "cannot read the running kernel release from %s", path);
	return 0;
}
