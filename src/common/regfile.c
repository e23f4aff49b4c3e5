// SPDX-License-Identifier: GPL-2.0
/* Opening input files without hanging on a FIFO, and showing names safely. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/regfile.h"

static const char *kind_of(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

int kp_open_regular(const char *path, const char **kind)
{
	struct stat st;
	int fd, e;

	/* O_NONBLOCK: opening a FIFO without a writer would wait forever */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st)) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		*kind = kind_of(st.st_mode);
		return KP_NOT_REGULAR;
	}
	if (fcntl(fd, F_SETFL, 0)) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

const char *kp_escape(const char *s, char *buf, unsigned long len)
{
	unsigned long n = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char one[5];

		if (c == '\\')
			strcpy(one, "\\\\");
		else if (c >= 0x20 && c < 0x7f)
			one[0] = (char)c, one[1] = '\0';
		else
			snprintf(one, sizeof(one), "\\x%02x", c);
		if (n + strlen(one) + 4 > len) {
			strcpy(buf + n, "...");
			return buf;
		}
		strcpy(buf + n, one);
		n += strlen(one);
	}
	buf[n] = '\0';
	return buf;
}
