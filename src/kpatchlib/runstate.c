// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "kpatchlib/atomic.h"
#include "kpatchlib/paths.h"
#include "kpatchlib/runstate.h"

static int record_path(char *buf, size_t size)
{
	return kp_path(buf, size, "%s/last-success", kp_run_dir());
}

int kp_record_success(struct kp_err *err)
{
	char path[4096], line[32];
	int n;

	if (record_path(path, sizeof(path)))
		return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "run directory path too long");
	if (mkdir(kp_run_dir(), 0755) && errno != EEXIST)
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot create %s", kp_run_dir());
	n = snprintf(line, sizeof(line), "%lld\n", (long long)time(NULL));
	return kp_write_atomic(path, line, (size_t)n, 0644, err);
}

long long kp_last_success(void)
{
	char path[4096], buf[32], *end;
	long long t;

	if (record_path(path, sizeof(path)) || kp_read_line(path, buf, sizeof(buf)))
		return 0;
	errno = 0;
	t = strtoll(buf, &end, 10);
	/* Our own record, but a damaged one must not become a date. */
	if (errno || end == buf || *end || t <= 0)
		return 0;
	return t;
}
