// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_kpatch_fake.h"
#include "test_kpatch_spawn.h"

pid_t spawn(const char *tag, const char *const *argv)
{
	char out[4200], err[4200];
	pid_t pid;

	snprintf(out, sizeof(out), "%s.out", fake_path(tag));
	snprintf(err, sizeof(err), "%s.err", fake_path(tag));
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (pid < 0)
		abort();
	return pid;
}

int wait_rc(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int still_running(pid_t pid)
{
	siginfo_t si = { 0 };

	/* WNOWAIT: look without reaping, so wait_rc still gets the status. */
	if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT))
		return 0;
	return si.si_pid == 0;
}

const char *slurp_rel(const char *rel)
{
	static char buf[65536];
	FILE *f = fopen(fake_path(rel), "r");
	size_t n;

	buf[0] = '\0';
	if (!f)
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

unsigned long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000 + (unsigned long long)ts.tv_nsec / 1000;
}

int wait_for_text(const char *rel, const char *text, int ms)
{
	for (int t = 0; t <= ms; t += 10) {
		if (strstr(slurp_rel(rel), text))
			return 1;
		sleep_ms(10);
	}
	return 0;
}
