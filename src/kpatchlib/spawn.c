// SPDX-License-Identifier: GPL-2.0
/* Child programs (the package manager), run without a shell. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kpatchlib/spawn.h"

static int reap(pid_t pid, const char *prog, struct kp_err *err)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return kp_err_set(err, KP_E_SYSTEM, errno, "waiting for %s", prog);
	if (WIFSIGNALED(status))
		return kp_err_set(err, KP_E_SYSTEM, 0, "%s was killed by signal %d", prog, WTERMSIG(status));
	return WEXITSTATUS(status);
}

/* In the child: 127 tells the parent the program could not be started. */
static void __attribute__((noreturn)) child_exec(const char *const argv[])
{
	execvp(argv[0], (char *const *)argv);
	_exit(127);
}

static int not_started(int rc, const char *prog, struct kp_err *err)
{
	if (rc == 127)
		return kp_err_set(err, KP_E_SYSTEM, 0, "cannot run %s (not installed?)", prog);
	return rc;
}

int kp_spawn_capture(const char *const argv[], size_t max, char **out, struct kp_err *err)
{
	size_t len = 0;
	char *buf;
	int fds[2], rc, over = 0;
	pid_t pid;

	*out = NULL;
	buf = malloc(max + 1);
	if (!buf)
		return kp_err_set(err, KP_E_SYSTEM, ENOMEM, "running %s", argv[0]);
	if (pipe2(fds, O_CLOEXEC)) {
		free(buf);
		return kp_err_set(err, KP_E_SYSTEM, errno, "running %s", argv[0]);
	}
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null < 0 || dup2(null, 0) < 0 || dup2(fds[1], 1) < 0 || dup2(null, 2) < 0)
			_exit(127);
		child_exec(argv);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		free(buf);
		return kp_err_set(err, KP_E_SYSTEM, errno, "running %s", argv[0]);
	}
	for (;;) {
		char sink[4096];
		ssize_t n = over ? read(fds[0], sink, sizeof(sink)) : read(fds[0], buf + len, max - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (!over)
			len += (size_t)n;
		/* Keep draining a chatty child, so it never blocks on a full pipe. */
		if (len == max)
			over = 1;
	}
	close(fds[0]);
	rc = reap(pid, argv[0], err);
	if (rc >= 0 && over)
		rc = kp_err_set(err, KP_E_SYSTEM, 0, "%s printed more than %zu bytes", argv[0], max);
	if (rc >= 0)
		rc = not_started(rc, argv[0], err);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[len] = '\0';
	*out = buf;
	return rc;
}

int kp_spawn_wait(const char *const argv[], const char *dir, int out_to_err, struct kp_err *err)
{
	pid_t pid = fork();

	if (pid == 0) {
		if ((dir && chdir(dir)) || (out_to_err && dup2(2, 1) < 0))
			_exit(127);
		child_exec(argv);
	}
	if (pid < 0)
		return kp_err_set(err, KP_E_SYSTEM, errno, "running %s", argv[0]);
	return not_started(reap(pid, argv[0], err), argv[0], err);
}
