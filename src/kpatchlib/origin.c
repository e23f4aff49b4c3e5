// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kpatchlib/origin.h"
#include "kpatchlib/names.h"
#include "kpatchlib/paths.h"

static int record_path(const char *name, char *buf, size_t size)
{
	if (!kp_name_ok(name))
		return -EINVAL;
	return kp_path(buf, size, "%s/loaded/%s", kp_run_dir(), name);
}

void kp_origin_record(const char *name, const char *path)
{
	char dir[4096], rec[4096], tmp[4200], abs[PATH_MAX];
	FILE *f;

	if (!realpath(path, abs) || record_path(name, rec, sizeof(rec)) ||
	    kp_path(dir, sizeof(dir), "%s/loaded", kp_run_dir()) ||
	    kp_path(tmp, sizeof(tmp), "%s.tmp", rec))
		return;
	mkdir(kp_run_dir(), 0755);
	mkdir(dir, 0755);
	f = fopen(tmp, "we");
	if (!f)
		return;
	fprintf(f, "%s\n", abs);
	if (fclose(f) || rename(tmp, rec))
		unlink(tmp);
}

void kp_origin_clear(const char *name)
{
	char rec[4096];

	if (!record_path(name, rec, sizeof(rec)))
		unlink(rec);
}

int kp_origin_path(const char *name, char *buf, size_t size, struct kp_err *err)
{
	char rec[4096];
	int ret;

	if (record_path(name, rec, sizeof(rec)))
		return kp_err_set(err, KP_E_INVALID, 0, "no origin record for module %s: not a module name", name);
	ret = kp_read_line(rec, buf, size);
	if (ret)
		return kp_err_set(err, ret == -ENOENT ? KP_E_NOTFOUND : KP_E_SYSTEM, -ret, "cannot read %s", rec);
	if (!buf[0])
		return kp_err_set(err, KP_E_NOTFOUND, 0, "%s is empty", rec);
	return 0;
}
