// SPDX-License-Identifier: GPL-2.0
/* Removal of the temporary files an interrupted install left (storeclean.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kpatchlib/paths.h"
#include "kpatchlib/storeclean.h"

/* kp_store_install's mkostemp pattern: ".<name>.ko.XXXXXX". */
#define TEMP_MID ".ko."
#define TEMP_RAND 6

int kp_store_is_temp(const char *name)
{
	size_t len = strlen(name), mid = strlen(TEMP_MID);
	const char *r;

	if (name[0] != '.' || len < 1 + 1 + mid + TEMP_RAND)
		return 0;
	r = name + len - TEMP_RAND;
	if (memcmp(r - mid, TEMP_MID, mid))
		return 0;
	for (int i = 0; i < TEMP_RAND; i++)
		if (!((r[i] >= 'a' && r[i] <= 'z') || (r[i] >= 'A' && r[i] <= 'Z') || (r[i] >= '0' && r[i] <= '9')))
			return 0;
	return 1;
}

static int add_path(struct kp_names *l, const char *dir, const char *name)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	l->v = v;
	if (asprintf(&v[l->n], "%s/%s", dir, name) < 0)
		return -ENOMEM;
	l->n++;
	return 0;
}

static int clean_dir(const char *dir, struct kp_names *removed, struct kp_err *err)
{
	struct dirent *d;
	struct stat st;
	DIR *dh;
	int dfd, ret = 0;

	/* O_NOFOLLOW: a release directory replaced by a link is not ours to clean. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOENT || errno == ELOOP || errno == ENOTDIR ? 0 :
			kp_err_set(err, KP_E_SYSTEM, errno, "cannot open %s", dir);
	dh = fdopendir(dfd);
	if (!dh) {
		close(dfd);
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot read %s", dir);
	}
	while (!ret && (d = readdir(dh))) {
		if (!kp_store_is_temp(d->d_name))
			continue;
		/* Only regular files: anything else there is not one of ours. */
		if (fstatat(dfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
			continue;
		if (unlinkat(dfd, d->d_name, 0)) {
			if (errno != ENOENT)
				ret = kp_err_set(err, KP_E_SYSTEM, errno, "cannot remove %s/%s", dir, d->d_name);
			continue;
		}
		if (add_path(removed, dir, d->d_name))
			ret = kp_err_set(err, KP_E_SYSTEM, ENOMEM, "cleaning %s", dir);
	}
	closedir(dh);
	return ret;
}

int kp_store_clean_temps(struct kp_names *removed, struct kp_err *err)
{
	struct kp_names krels;
	char dir[4096];
	int ret = 0;

	memset(removed, 0, sizeof(*removed));
	if (kp_store_kernels(&krels, err))
		return -1;
	for (size_t i = 0; i < krels.n && !ret; i++) {
		if (kp_path(dir, sizeof(dir), "%s/%s", kp_lib_dir(), krels.v[i]))
			continue;
		ret = clean_dir(dir, removed, err);
	}
	kp_names_free(&krels);
	if (ret)
		kp_names_free(removed);
	return ret;
}
