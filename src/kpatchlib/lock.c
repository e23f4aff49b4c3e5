// SPDX-License-Identifier: GPL-2.0
/*
 * The host-wide kpatch lock (see lock.h). flock(2) rather than a pid file:
 * the kernel releases it when the holder dies, even by SIGKILL or a crash,
 * so there is never a stale lock to break by hand.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kpatchlib/lock.h"
#include "kpatchlib/paths.h"

#define LOCK_NAME "lock"
/* How long to wait for a new holder to write its record before naming it. */
#define RECORD_TRIES 25
#define RECORD_WAIT_MS 8
#define POLL_MS 20

int kp_lock_path(char *buf, size_t size, struct kp_err *err)
{
	if (kp_path(buf, size, "%s/%s", kp_run_dir(), LOCK_NAME))
		return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "lock path too long");
	return 0;
}

static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Ours: root's (or the caller's, for a test tree) and not writable by others. */
static int check_owner(const struct stat *st, const char *path, struct kp_err *err)
{
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return kp_err_set(err, KP_E_INVALID, 0, "%s: owned by uid %u, not by root; refusing to use it as the kpatch lock",
				  path, (unsigned int)st->st_uid);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return kp_err_set(err, KP_E_INVALID, 0, "%s: writable by group or others (mode %04o); refusing to use it as the kpatch lock",
				  path, (unsigned int)(st->st_mode & 07777));
	return 0;
}

static int open_run_dir(struct kp_err *err)
{
	const char *run = kp_run_dir();
	struct stat st;
	int dfd;

	if (!mkdir(run, 0755))
		chmod(run, 0755);	/* whatever the umask: readers need it */
	else if (errno != EEXIST)
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot create %s", run);
	/* O_NOFOLLOW: a symbolic link in its place is not our directory. */
	dfd = open(run, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		if (errno == ELOOP || errno == ENOTDIR)
			return kp_err_set(err, KP_E_INVALID, 0, "%s: not a directory; refusing to take the kpatch lock there", run);
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot open %s", run);
	}
	if (fstat(dfd, &st)) {
		kp_err_set(err, KP_E_SYSTEM, errno, "cannot stat %s", run);
		close(dfd);
		return -1;
	}
	if (check_owner(&st, run, err)) {
		close(dfd);
		return -1;
	}
	return dfd;
}

static int open_lock_file(struct kp_err *err)
{
	char path[4096];
	struct stat st;
	int dfd, fd;

	if (kp_lock_path(path, sizeof(path), err))
		return -1;
	dfd = open_run_dir(err);
	if (dfd < 0)
		return -1;
	/* O_NONBLOCK: a FIFO planted there must not hang us; it is refused below. */
	fd = openat(dfd, LOCK_NAME, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0644);
	close(dfd);
	if (fd < 0) {
		if (errno == ELOOP)
			return kp_err_set(err, KP_E_INVALID, 0, "%s: a symbolic link; refusing to use it as the kpatch lock", path);
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot open the kpatch lock %s", path);
	}
	if (fstat(fd, &st)) {
		kp_err_set(err, KP_E_SYSTEM, errno, "cannot stat %s", path);
		goto fail;
	}
	/* The holder truncates and writes it: it must be nothing but our file. */
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
		kp_err_set(err, KP_E_INVALID, 0, "%s: not a regular file with one link; refusing to use it as the kpatch lock", path);
		goto fail;
	}
	if (check_owner(&st, path, err))
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

static void sanitise(char *dst, size_t size, const char *src, size_t len)
{
	size_t i;

	if (len >= size)
		len = size - 1;
	for (i = 0; i < len; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[len] = '\0';
}

void kp_lock_parse(const char *rec, struct kp_lock_holder *h)
{
	const char *nl = strchr(rec, '\n'), *cmd, *end;
	long pid = 0;
	const char *p;

	memset(h, 0, sizeof(*h));
	if (!nl || nl == rec || nl - rec > 10)
		return;
	for (p = rec; p < nl; p++) {
		if (*p < '0' || *p > '9')
			return;
		pid = pid * 10 + (*p - '0');
	}
	cmd = nl + 1;
	end = strchr(cmd, '\n');
	if (!end)
		return;
	h->pid = pid;
	sanitise(h->cmd, sizeof(h->cmd), cmd, (size_t)(end - cmd));
}

static void read_holder(int fd, struct kp_lock_holder *h)
{
	char rec[512];
	ssize_t n = pread(fd, rec, sizeof(rec) - 1, 0);

	rec[n > 0 ? n : 0] = '\0';
	kp_lock_parse(rec, h);
}

static int holder_alive(const struct kp_lock_holder *h)
{
	return h->pid > 0 && (!kill((pid_t)h->pid, 0) || errno == EPERM);
}

static void write_record(int fd, const char *cmd)
{
	char rec[512], clean[sizeof(((struct kp_lock_holder *)0)->cmd)];
	int n;

	sanitise(clean, sizeof(clean), cmd, strlen(cmd));
	n = snprintf(rec, sizeof(rec), "%ld\n%s\n", (long)getpid(), clean);
	/* Best effort: the record only serves the waiters' message. */
	if (!ftruncate(fd, 0) && pwrite(fd, rec, (size_t)n, 0) < 0)
		return;
}

static int try_lock(int fd)
{
	if (!flock(fd, LOCK_EX | LOCK_NB))
		return 0;
	return errno == EWOULDBLOCK ? 1 : -errno;
}

/*
 * Busy: find out who holds it. A new holder may not have written its record
 * yet, or may already be gone: look again for a moment. 0 when the lock
 * was taken meanwhile, 1 when it is still held (holder filled), -errno.
 */
static int who_holds(int fd, struct kp_lock_holder *h)
{
	int ret = 1;

	for (int i = 0; i < RECORD_TRIES && ret == 1; i++) {
		read_holder(fd, h);
		if (holder_alive(h))
			return 1;
		sleep_ms(RECORD_WAIT_MS);
		ret = try_lock(fd);
	}
	if (ret == 1)
		memset(h, 0, sizeof(*h));
	return ret;
}

static int wait_lock(int fd, long timeout_ms)
{
	unsigned long long deadline = now_ms() + (unsigned long long)timeout_ms;
	int ret;

	if (timeout_ms < 0) {
		while (flock(fd, LOCK_EX))
			if (errno != EINTR)
				return -errno;
		return 0;
	}
	while ((ret = try_lock(fd)) == 1) {
		if (now_ms() >= deadline)
			return 1;
		sleep_ms(POLL_MS);
	}
	return ret;
}

int kp_lock_take(struct kp_lock *l, const char *cmd, long timeout_ms,
		 kp_lock_wait_fn on_wait, void *arg, struct kp_err *err)
{
	struct kp_lock_holder h;
	char path[4096];
	int fd, ret;

	l->fd = -1;
	fd = open_lock_file(err);
	if (fd < 0)
		return -1;
	kp_lock_path(path, sizeof(path), NULL);
	ret = try_lock(fd);
	if (ret == 1)
		ret = who_holds(fd, &h);
	if (ret == 1) {
		if (on_wait)
			on_wait(&h, arg);
		ret = wait_lock(fd, timeout_ms);
	}
	if (ret) {
		close(fd);
		if (ret < 0)
			return kp_err_set(err, KP_E_SYSTEM, -ret, "cannot lock %s", path);
		if (h.pid)
			return kp_err_set(err, KP_E_SYSTEM, 0, "another kpatch (pid %ld, `%s`) still holds %s after %g s; try again later",
					  h.pid, h.cmd, path, timeout_ms / 1000.0);
		return kp_err_set(err, KP_E_SYSTEM, 0, "another kpatch still holds %s after %g s; try again later",
				  path, timeout_ms / 1000.0);
	}
	write_record(fd, cmd);
	l->fd = fd;
	return 0;
}

void kp_lock_release(struct kp_lock *l)
{
	if (l->fd < 0)
		return;
	/* An empty record: nobody is named once we are gone. Best effort. */
	if (ftruncate(l->fd, 0)) {
		/* Waiters then see a stale pid, and check that it is alive. */
	}
	close(l->fd);
	l->fd = -1;
}
