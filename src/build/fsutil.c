// SPDX-License-Identifier: GPL-2.0
/* Small file-system helpers. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/kb.h"
#include "common/regfile.h"

char *kb_path(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		abort();	/* out of memory: nothing sensible is left to do */
	return s;
}

int kb_mkdirs(const char *path)
{
	char *p = strdup(path), *s;

	if (!p)
		return -ENOMEM;
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) && errno != EEXIST) {
			free(p);
			return -errno;
		}
		*s = '/';
	}
	if (mkdir(p, 0755) && errno != EEXIST) {
		free(p);
		return -errno;
	}
	free(p);
	return 0;
}

/*
 * Whether DIR exists or can be created, without creating anything: its
 * nearest existing ancestor must be a directory this process can write in.
 */
int kb_check_dir(const char *dir)
{
	char *p = strdup(dir), *slash;
	struct stat st;
	int ret;

	if (!p)
		return -ENOMEM;
	while (stat(p, &st)) {
		if (errno != ENOENT || !(slash = strrchr(p, '/'))) {
			ret = errno == ENOENT ? 0 : -errno;
			/* a relative name with no existing part: the current directory */
			if (!ret && access(".", W_OK | X_OK))
				ret = -errno;
			free(p);
			return ret;
		}
		if (slash == p)
			slash[1] = '\0';	/* "/x": up to the root */
		else
			*slash = '\0';
	}
	ret = !S_ISDIR(st.st_mode) ? -ENOTDIR : access(p, W_OK | X_OK) ? -errno : 0;
	free(p);
	return ret;
}

/* kb_mkdirs that also says which directory it created first (the topmost), or NULL. */
int kb_mkdirs_made(const char *path, char **made)
{
	char *p = strdup(path), *s;

	*made = NULL;
	if (!p)
		return -ENOMEM;
	for (s = p + 1;; s++) {
		bool end = !*s;

		if (!end && *s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755)) {
			if (errno != EEXIST) {
				int e = errno;

				free(p);
				return -e;
			}
		} else if (!*made) {
			*made = strdup(p);
		}
		if (end)
			break;
		*s = '/';
	}
	free(p);
	return 0;
}

/* Removes PATH and its parents up to MADE (from kb_mkdirs_made), those that are empty. */
void kb_rmdirs_made(const char *path, const char *made)
{
	char *p = strdup(path), *slash;
	size_t n = strlen(made);

	while (p && strlen(p) >= n && !rmdir(p) && strlen(p) > n && (slash = strrchr(p, '/')))
		*slash = '\0';
	free(p);
}

int kb_write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	const char *p = buf;

	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			int e = errno;

			close(fd);
			return -e;
		}
		p += n;
		len -= (size_t)n;
	}
	return close(fd) ? -errno : 0;
}

/* Regular files only: a FIFO or a device fails with EINVAL instead of blocking. */
char *kb_read_file(const char *path, size_t *len)
{
	const char *kind;
	int fd = kp_open_regular(path, &kind);
	FILE *f;
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (fd == KP_NOT_REGULAR)
		errno = EINVAL;
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "rb");
	if (!f) {
		close(fd);
		return NULL;
	}
	do {
		if (n + 4096 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, 4096, f);
		n += got;
	} while (got);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

int kb_copy_file(const char *from, const char *to)
{
	size_t len;
	char *buf = kb_read_file(from, &len);
	int ret;

	if (!buf)
		return -errno ? -errno : -EIO;
	ret = kb_write_file(to, buf, len);
	free(buf);
	return ret;
}

bool kb_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

int kb_rmtree(const char *path)
{
	const char *argv[] = { "rm", "-rf", "--", path, NULL };

	return kb_run(argv, NULL, NULL) ? -EIO : 0;
}

int kb_strv_push(char ***v, size_t *n, const char *s)
{
	char **nv;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s))
			return 0;
	nv = realloc(*v, (*n + 2) * sizeof(*nv));
	if (!nv)
		return -1;
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return -1;
	nv[++*n] = NULL;
	return 0;
}

void kb_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}
