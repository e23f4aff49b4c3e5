// SPDX-License-Identifier: GPL-2.0
/* Running the packaging tools: an argument vector, never a shell. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "package/pkg.h"

extern char **environ;

static void last_line(const char *log, char *buf, size_t size)
{
	char text[8192];
	ssize_t n;
	int fd = open(log, O_RDONLY | O_CLOEXEC);
	char *start;

	buf[0] = '\0';
	if (fd < 0)
		return;
	/* the end of the log: tools say why they failed last */
	n = lseek(fd, 0, SEEK_END);
	n = pread(fd, text, sizeof(text) - 1, n > (ssize_t)sizeof(text) - 1 ? n - (ssize_t)sizeof(text) + 1 : 0);
	close(fd);
	if (n <= 0)
		return;
	text[n] = '\0';
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
		text[--n] = '\0';
	start = strrchr(text, '\n');
	start = start ? start + 1 : text;
	if (strlen(start) >= size)
		start[size - 1] = '\0';	/* a long line, cut for the message */
	memcpy(buf, start, strlen(start) + 1);
}

int kpkg_run(const char *const argv[], const char *out_path, const char *log,
	     struct kp_err *err)
{
	posix_spawn_file_actions_t fa;
	char tail[512];
	int status, rc;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out_path ? out_path : log,
					 O_WRONLY | O_CREAT | (out_path ? O_TRUNC : O_APPEND), 0644);
	posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		return kp_err_set(err, KPKG_E_TOOL, rc, "cannot run %s", argv[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return kp_err_set(err, KPKG_E_TOOL, errno, "waiting for %s", argv[0]);
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	last_line(log, tail, sizeof(tail));
	return kp_err_set(err, KPKG_E_TOOL, 0, "%s failed (%s %d): %s", argv[0],
			  WIFEXITED(status) ? "exit" : "signal",
			  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), tail);
}
