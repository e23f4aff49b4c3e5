// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kpatchlib/loadfail.h"
#include "kpatchlib/names.h"
#include "kpatchlib/paths.h"

static int record_path(const char *name, char *buf, size_t size)
{
	if (!kp_name_ok(name))
		return -1;
	return kp_path(buf, size, "%s/load-failed/%s", kp_run_dir(), name);
}

void kp_loadfail_record(const char *name, const char *krel, int code)
{
	char dir[4096], path[4096], line[256];
	int fd;

	if (record_path(name, path, sizeof(path)) || !kp_release_ok(krel) ||
	    kp_path(dir, sizeof(dir), "%s/load-failed", kp_run_dir()))
		return;
	mkdir(kp_run_dir(), 0755);
	mkdir(dir, 0755);
	snprintf(line, sizeof(line), "%s %d\n", krel, code);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return;
	if (write(fd, line, strlen(line)) < 0)
		unlink(path);
	close(fd);
}

void kp_loadfail_clear(const char *name)
{
	char path[4096];

	if (!record_path(name, path, sizeof(path)))
		unlink(path);
}

void kp_loadfail_each(const char *krel, void (*fn)(void *ctx, const char *name, int code), void *ctx)
{
	char dir[4096], path[4400], line[256], rel[128];
	struct dirent *de;
	DIR *d;
	int code;

	if (kp_path(dir, sizeof(dir), "%s/load-failed", kp_run_dir()) || !(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		if (!kp_name_ok(de->d_name) ||
		    kp_path(path, sizeof(path), "%s/%s", dir, de->d_name) ||
		    kp_read_line(path, line, sizeof(line)) ||
		    sscanf(line, "%127s %d", rel, &code) != 2 || strcmp(rel, krel))
			continue;
		fn(ctx, de->d_name, code);
	}
	closedir(d);
}
