// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kpatchlib/kernel.h"
#include "kpatchlib/live.h"
#include "kpatchlib/names.h"
#include "kpatchlib/paths.h"

unsigned long long kp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int kp_insert(const struct kp_modfile *mf, struct kp_err *err)
{
	/* glibc has no wrapper; the descriptor is the one we checked. */
	if (syscall(SYS_finit_module, mf->fd, "", 0) == 0)
		return 0;
	switch (errno) {
	case EEXIST:
		return kp_err_set(err, KP_E_KERNEL, 0, "%s: module %s is already loaded", mf->path, mf->name);
	case ENOEXEC:
		return kp_err_set(err, KP_E_KERNEL, ENOEXEC, "%s: the kernel rejected module %s (bad format or signature)",
				  mf->path, mf->name);
	default:
		return kp_err_set(err, KP_E_KERNEL, errno, "%s: the kernel refused module %s (see dmesg)",
				  mf->path, mf->name);
	}
}

int kp_remove(const char *name, struct kp_err *err)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	struct kmod_module *mod = NULL;
	unsigned long long deadline = kp_now_ms() + 3000;
	int ret;

	if (kp_name_check(name, "", KP_E_USAGE, err)) {
		kmod_unref(ctx);
		return -1;
	}
	if (!ctx)
		return kp_err_set(err, KP_E_SYSTEM, ENOMEM, "cannot create a libkmod context");
	ret = kmod_module_new_from_name(ctx, name, &mod);
	if (ret < 0) {
		kmod_unref(ctx);
		return kp_err_set(err, KP_E_SYSTEM, -ret, "module %s", name);
	}
	/*
	 * The livepatch core drops its module reference shortly after the
	 * patch directory goes away, so a first EBUSY/EAGAIN is normal.
	 */
	for (;;) {
		ret = kmod_module_remove_module(mod, 0);
		if (ret == 0 || (ret != -EBUSY && ret != -EAGAIN) || kp_now_ms() > deadline)
			break;
		sleep_ms(20);
	}
	kmod_module_unref(mod);
	kmod_unref(ctx);
	if (ret == -ENOENT)
		return kp_err_set(err, KP_E_NOTFOUND, 0, "module %s is not loaded", name);
	if (ret < 0)
		return kp_err_set(err, KP_E_KERNEL, -ret, "the kernel refused to remove module %s", name);
	return 0;
}

static int patch_attr(const char *patch, const char *attr, char *buf, size_t size)
{
	if (!kp_name_ok(patch))
		return -EINVAL;
	return kp_path(buf, size, "%s/kernel/livepatch/%s/%s", kp_sysfs_root(), patch, attr);
}

int kp_patch_enable(const char *patch, int on, struct kp_err *err)
{
	char path[4096];
	int ret;

	if (kp_name_check(patch, "patch", KP_E_USAGE, err))
		return -1;
	if (patch_attr(patch, "enabled", path, sizeof(path)))
		return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "sysfs path too long");
	ret = kp_write_str(path, on ? "1" : "0");
	if (ret == -ENOENT)
		return kp_err_set(err, KP_E_NOTFOUND, 0, "patch %s is not loaded (no %s)", patch, path);
	if (ret == -EINVAL)
		return kp_err_set(err, KP_E_KERNEL, 0, "patch %s is already %s", patch, on ? "enabled" : "disabled");
	if (ret)
		return kp_err_set(err, KP_E_KERNEL, -ret, "cannot write %s", path);
	return 0;
}

int kp_patch_force(const char *patch, struct kp_err *err)
{
	char path[4096];
	int ret;

	if (kp_name_check(patch, "patch", KP_E_USAGE, err))
		return -1;
	if (patch_attr(patch, "force", path, sizeof(path)))
		return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "sysfs path too long");
	ret = kp_write_str(path, "1");
	if (ret == -ENOENT)
		return kp_err_set(err, KP_E_NOTFOUND, 0, "patch %s is not loaded (no %s)", patch, path);
	if (ret == -EINVAL)
		return kp_err_set(err, KP_E_KERNEL, 0, "patch %s is not in a transition; nothing to force", patch);
	if (ret)
		return kp_err_set(err, KP_E_KERNEL, -ret, "cannot write %s", path);
	return 0;
}

int kp_patch_has_signal(const char *patch)
{
	char path[4096];

	return !patch_attr(patch, "signal", path, sizeof(path)) && access(path, F_OK) == 0;
}

int kp_patch_signal(const char *patch, struct kp_err *err)
{
	char path[4096];
	int ret;

	if (kp_name_check(patch, "patch", KP_E_USAGE, err))
		return -1;
	if (patch_attr(patch, "signal", path, sizeof(path)))
		return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "sysfs path too long");
	ret = kp_write_str(path, "1");
	if (ret)
		return kp_err_set(err, KP_E_KERNEL, -ret, "cannot write %s", path);
	return 0;
}

int kp_wait_transition(const char *patch, unsigned int timeout_ms)
{
	unsigned long long deadline = kp_now_ms() + timeout_ms;
	enum kp_live_state st;
	unsigned int step = 2;

	for (;;) {
		if (kp_patch_state(patch, &st) || (st != KP_LIVE_PATCHING && st != KP_LIVE_UNPATCHING))
			return 0;
		if (kp_now_ms() >= deadline)
			return 1;
		/* Fast at first (most transitions end within one kernel work tick). */
		sleep_ms(step);
		if (step < 20)
			step *= 2;
	}
}

static void read_stack(const char *dir, char *out, size_t size)
{
	char path[4096], line[256];
	size_t len = 0;
	FILE *f;

	out[0] = '\0';
	if (kp_path(path, sizeof(path), "%s/stack", dir))
		return;
	f = fopen(path, "re");
	if (!f) {
		snprintf(out, size, "(stack unavailable: %s)", strerror(errno));
		return;
	}
	/* Lines look like "[<0>] kpt_busy_wait+0x2c/0x50 [kpt_busy]". */
	while (fgets(line, sizeof(line), f) && len + 1 < size) {
		char *p = strchr(line, ']');
		int n;

		p = p ? p + 1 : line;
		p += strspn(p, " ");
		p[strcspn(p, "\n")] = '\0';
		n = snprintf(out + len, size - len, "%s%s", len ? " < " : "", p);
		if (n < 0 || (size_t)n >= size - len)
			break;
		len += (size_t)n;
	}
	fclose(f);
}

int kp_blockers(int target, struct kp_task **tasks, size_t *n, struct kp_err *err)
{
	char dir[4096], tdir[4096], path[4096], buf[64];
	struct dirent *p, *t;
	DIR *pd, *td;

	*tasks = NULL;
	*n = 0;
	pd = opendir(kp_procfs_root());
	if (!pd)
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot read %s", kp_procfs_root());
	while ((p = readdir(pd))) {
		if (p->d_name[strspn(p->d_name, "0123456789")] || !p->d_name[0])
			continue;
		if (kp_path(dir, sizeof(dir), "%s/%s/task", kp_procfs_root(), p->d_name))
			continue;
		td = opendir(dir);
		if (!td)
			continue;	/* the process exited meanwhile */
		while ((t = readdir(td))) {
			struct kp_task *task;

			if (t->d_name[0] == '.' ||
			    kp_path(tdir, sizeof(tdir), "%s/%s", dir, t->d_name) ||
			    kp_path(path, sizeof(path), "%s/patch_state", tdir) ||
			    kp_read_line(path, buf, sizeof(buf)))
				continue;
			/* -1: no transition; target: already switched. */
			if (atoi(buf) != !target)
				continue;
			task = realloc(*tasks, (*n + 1) * sizeof(*task));
			if (!task) {
				closedir(td);
				closedir(pd);
				return kp_err_set(err, KP_E_SYSTEM, ENOMEM, "listing blocking tasks");
			}
			*tasks = task;
			task = &task[(*n)++];
			memset(task, 0, sizeof(*task));
			task->pid = atoi(t->d_name);
			if (kp_path(path, sizeof(path), "%s/comm", tdir) ||
			    kp_read_line(path, task->comm, sizeof(task->comm)))
				snprintf(task->comm, sizeof(task->comm), "?");
			read_stack(tdir, task->stack, sizeof(task->stack));
		}
		closedir(td);
	}
	closedir(pd);
	return 0;
}

static int mark_path(const char *patch, char *buf, size_t size)
{
	if (!kp_name_ok(patch))
		return -EINVAL;
	return kp_path(buf, size, "%s/transition/%s", kp_run_dir(), patch);
}

void kp_transition_mark(const char *patch)
{
	char dir[4096], path[4096], stamp[32];
	int fd;

	/* Best effort: a missing record only makes `check` start counting later. */
	if (kp_path(dir, sizeof(dir), "%s/transition", kp_run_dir()) || mark_path(patch, path, sizeof(path)))
		return;
	mkdir(kp_run_dir(), 0755);
	mkdir(dir, 0755);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	snprintf(stamp, sizeof(stamp), "%lld\n", (long long)time(NULL));
	if (write(fd, stamp, strlen(stamp)) < 0)
		unlink(path);
	close(fd);
}

void kp_transition_clear(const char *patch)
{
	char path[4096];

	if (!mark_path(patch, path, sizeof(path)))
		unlink(path);
}

long kp_transition_age(const char *patch)
{
	char path[4096], buf[32];
	long long start;

	if (mark_path(patch, path, sizeof(path)) || kp_read_line(path, buf, sizeof(buf)))
		return -1;
	start = atoll(buf);
	if (start <= 0 || start > (long long)time(NULL))
		return 0;
	return (long)((long long)time(NULL) - start);
}
