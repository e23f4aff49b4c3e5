// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kpatchlib/textfile.h"

/* A list may not be trusted in part: a file we cannot read whole is an error. */
#define TEXT_MAX (1 << 20)

int kp_text_line_check(const char *line, size_t len, const char *file, unsigned int lineno,
		       const char *what, struct kp_err *err)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (!c)
			return kp_err_set(err, KP_E_INVALID, 0, "%s:%u: NUL byte in the %s; the file is damaged, refusing to trust it",
					  file, lineno, what);
		if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
			return kp_err_set(err, KP_E_INVALID, 0, "%s:%u: control character \\x%02x in the %s; the file is damaged, refusing to trust it",
					  file, lineno, c, what);
	}
	return 0;
}

int kp_text_each_line(const char *text, size_t size, const char *file, const char *what, size_t max,
		      int (*fn)(void *ctx, char *line, unsigned int lineno, struct kp_err *err),
		      void *ctx, struct kp_err *err)
{
	const char *line = text, *stop = text + size;
	unsigned int lineno = 0;
	char *buf = malloc(max + 1);
	int ret = 0;

	if (!buf)
		return kp_err_set(err, KP_E_SYSTEM, ENOMEM, "reading %s", file);
	while (!ret && line < stop) {
		const char *end = memchr(line, '\n', (size_t)(stop - line));
		size_t len = end ? (size_t)(end - line) : (size_t)(stop - line);

		lineno++;
		if (kp_text_line_check(line, len, file, lineno, what, err)) {
			ret = -1;
			break;
		}
		if (len > max) {
			ret = kp_err_set(err, KP_E_INVALID, 0, "%s:%u: line too long", file, lineno);
			break;
		}
		memcpy(buf, line, len);
		buf[len] = '\0';
		line = end ? end + 1 : stop;
		ret = fn(ctx, buf, lineno, err);
	}
	free(buf);
	return ret;
}

int kp_text_read(const char *path, const char *what, char **text, size_t *len, struct kp_err *err)
{
	/* O_NONBLOCK: a FIFO must not hang the boot service. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	int ret;

	*text = NULL;
	*len = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : kp_err_set(err, KP_E_SYSTEM, errno, "cannot read %s", path);
	if (fstat(fd, &st)) {
		ret = kp_err_set(err, KP_E_SYSTEM, errno, "cannot stat %s", path);
	} else if (S_ISDIR(st.st_mode)) {
		ret = kp_err_set(err, KP_E_INVALID, 0, "%s is a directory, not a %s file", path, what);
	} else if (!S_ISREG(st.st_mode)) {
		ret = kp_err_set(err, KP_E_INVALID, 0, "%s is not a regular file; refusing to read it as a %s", path, what);
	} else if (st.st_size > TEXT_MAX) {
		ret = kp_err_set(err, KP_E_INVALID, 0, "%s: larger than %d bytes; not a %s", path, TEXT_MAX, what);
	} else if (!(buf = malloc((size_t)st.st_size + 1))) {
		ret = kp_err_set(err, KP_E_SYSTEM, ENOMEM, "reading %s", path);
	} else {
		ret = 0;
		/* Read to the end, not to st_size: the file may have grown. */
		while (!ret && n <= (size_t)st.st_size) {
			ssize_t r = read(fd, buf + n, (size_t)st.st_size + 1 - n);

			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				ret = kp_err_set(err, KP_E_SYSTEM, errno, "cannot read %s", path);
			else if (r == 0)
				break;
			else
				n += (size_t)r;
		}
		if (!ret && n > (size_t)st.st_size)
			ret = kp_err_set(err, KP_E_SYSTEM, EAGAIN, "%s changed while being read", path);
	}
	close(fd);
	if (ret) {
		free(buf);
		return ret;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}
