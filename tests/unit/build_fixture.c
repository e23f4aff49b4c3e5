// SPDX-License-Identifier: GPL-2.0
/* Scratch files and on-the-fly objects for the driver's unit tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "build_fixture.h"

static char dir[64];

const char *fx_dir(void)
{
	if (!dir[0]) {
		strcpy(dir, "/tmp/kpatch-unit.XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	return dir;
}

void fx_cleanup(void)
{
	pid_t pid;

	if (!dir[0])
		return;
	pid = fork();
	if (!pid) {
		execlp("rm", "rm", "-rf", dir, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
	dir[0] = '\0';
}

/* Paths live in a small ring so callers never free them. */
static char *ring_path(const char *name, const char *suffix)
{
	static char ring[8][256];
	static int next;
	char *p = ring[next++ % 8];

	snprintf(p, sizeof(ring[0]), "%s/%s%s", fx_dir(), name, suffix);
	return p;
}

char *fx_write(const char *name, const char *text)
{
	char *path = ring_path(name, ""), *slash = strrchr(path, '/');
	FILE *f;

	/* "x/core.c": a file in a subdirectory, for objects sharing a base name */
	if (slash && slash - path > (ptrdiff_t)strlen(fx_dir())) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
	return path;
}

char *fx_compile(const char *name, const char *csrc)
{
	char src_name[128], *src, *obj = ring_path(name, ".o");
	int status;
	pid_t pid;

	snprintf(src_name, sizeof(src_name), "%s.c", name);
	src = fx_write(src_name, csrc);
	pid = fork();
	if (!pid) {
		execlp("gcc", "gcc", "-O2", "-c", "-fno-pic", "-mcmodel=kernel", "-mno-red-zone",
		       "-ffunction-sections", "-fdata-sections", "-fno-stack-protector",
		       "-o", obj, src, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		abort();
	return obj;
}

char *fx_run(const char *out_name, const char *const argv[])
{
	char *out = out_name ? ring_path(out_name, "") : NULL;
	int status;
	pid_t pid;

	pid = fork();
	if (!pid) {
		if (chdir(fx_dir()))
			_exit(127);
		if (out) {
			int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
				_exit(127);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		abort();
	return out;
}
