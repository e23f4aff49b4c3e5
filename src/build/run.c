// SPDX-License-Identifier: GPL-2.0
/*
 * Running the tools a build needs (make, patch, apt-get, kpatch-diff) with
 * argument vectors only: no shell ever sees a path or a patch name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "build/kb.h"

/* Returns the exit status, 128+signal, or -errno when it could not start. */
static int run_fd(const char *const argv[], const char *cwd, int outfd)
{
	int status, pipefd[2];
	pid_t pid;
	char c;

	/* A pipe tells the parent whether exec worked. */
	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		int e;

		close(pipefd[0]);
		if (outfd >= 0) {
			dup2(outfd, STDOUT_FILENO);
			dup2(outfd, STDERR_FILENO);
		}
		if (!cwd || !chdir(cwd))
			execvp(argv[0], (char *const *)argv);
		e = errno;
		c = (char)e;
		if (write(pipefd[1], &c, 1) < 0)
			_exit(127);
		_exit(127);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &c, 1) == 1) {
		close(pipefd[0]);
		waitpid(pid, &status, 0);
		return -(int)(unsigned char)c;
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int kb_run(const char *const argv[], const char *cwd, const char *log)
{
	int fd = -1, ret;

	if (log) {
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0)
			return -errno;
	}
	ret = run_fd(argv, cwd, fd);
	if (fd >= 0)
		close(fd);
	return ret;
}

/* Run and keep the first len-1 bytes of its standard output. */
int kb_run_capture(const char *const argv[], char *buf, size_t len)
{
	char tmpl[] = "/tmp/kpatch-build-out.XXXXXX";
	int fd = mkstemp(tmpl), ret;
	ssize_t n;

	if (fd < 0)
		return -errno;
	unlink(tmpl);
	ret = run_fd(argv, NULL, fd);
	lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return ret;
}

void kb_progress(const struct kb *kb, const char *fmt, ...)
{
	va_list ap;

	fputs("kpatch-build: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The first line of a log holding NEEDLE: the cause, where a tool names it. */
char *kb_log_first(const char *log, const char *needle)
{
	size_t len;
	char *buf = kb_read_file(log, &len), *hit, *start, *end;

	if (!buf)
		return NULL;
	hit = strstr(buf, needle);
	if (!hit) {
		free(buf);
		return NULL;
	}
	for (start = hit; start > buf && start[-1] != '\n'; start--)
		;
	end = strchrnul(hit, '\n');
	*end = '\0';
	memmove(buf, start, (size_t)(end - start) + 1);
	return buf;
}

/* The last lines of a log, for an error message that shows the cause. */
char *kb_log_tail(const char *log, int lines)
{
	size_t len;
	char *buf = kb_read_file(log, &len), *p;
	int seen = 0;

	if (!buf)
		return strdup("(no log)");
	while (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	for (p = buf + len; p > buf; p--)
		if (p[-1] == '\n' && ++seen == lines)
			break;
	memmove(buf, p, strlen(p) + 1);
	return buf;
}

/*
 * first | second, both with argument vectors; output of second to log.
 * Returns second's status (first may die of SIGPIPE when second stops early).
 */
int kb_pipeline_open(struct kb_pipeline *pl, const char *const first[],
		     const char *const second[], const char *cwd, const char *log, bool read)
{
	int p[2], out[2] = { -1, -1 }, fd = -1, ret = 0;

	pl->pid[0] = pl->pid[1] = -1;
	pl->fd = -1;
	if (log) {
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0)
			return -errno;
	}
	if (pipe2(p, O_CLOEXEC)) {
		ret = -errno;
		goto out;
	}
	if (read && pipe2(out, O_CLOEXEC)) {
		ret = -errno;
		close(p[0]);
		close(p[1]);
		goto out;
	}
	pl->pid[0] = fork();
	if (!pl->pid[0]) {
		dup2(p[1], STDOUT_FILENO);
		if (fd >= 0)
			dup2(fd, STDERR_FILENO);
		if (!cwd || !chdir(cwd))
			execvp(first[0], (char *const *)first);
		_exit(127);
	}
	pl->pid[1] = fork();
	if (!pl->pid[1]) {
		dup2(p[0], STDIN_FILENO);
		if (read)
			dup2(out[1], STDOUT_FILENO);
		else if (fd >= 0)
			dup2(fd, STDOUT_FILENO);
		if (fd >= 0)
			dup2(fd, STDERR_FILENO);
		if (!cwd || !chdir(cwd))
			execvp(second[0], (char *const *)second);
		_exit(127);
	}
	close(p[0]);
	close(p[1]);
	if (read) {
		close(out[1]);
		pl->fd = out[0];
	}
	if (pl->pid[0] < 0 || pl->pid[1] < 0) {
		ret = -ECHILD;
		kb_pipeline_close(pl);
	}
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

int kb_pipeline_close(struct kb_pipeline *pl)
{
	int status, ret = -ECHILD;

	/* a reader that stopped early leaves the writers to end on SIGPIPE */
	if (pl->fd >= 0)
		close(pl->fd);
	pl->fd = -1;
	if (pl->pid[0] > 0)
		waitpid(pl->pid[0], NULL, 0);
	if (pl->pid[1] > 0 && waitpid(pl->pid[1], &status, 0) == pl->pid[1])
		ret = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	pl->pid[0] = pl->pid[1] = -1;
	return ret;
}

int kb_run_pipe(const char *const first[], const char *const second[],
		const char *cwd, const char *log)
{
	struct kb_pipeline pl;
	int ret = kb_pipeline_open(&pl, first, second, cwd, log, false);

	return ret ? ret : kb_pipeline_close(&pl);
}
