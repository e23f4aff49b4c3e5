// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "common/vermagic.h"

int kp_vermagic_release(const char *vermagic, char *buf, size_t size)
{
	size_t len;

	if (!vermagic)
		return -EINVAL;
	vermagic += strspn(vermagic, " ");
	len = strcspn(vermagic, " ");
	if (len == 0)
		return -EINVAL;
	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(buf, vermagic, len);
	buf[len] = '\0';
	return 0;
}

int kp_vermagic_matches(const char *vermagic, const char *krel)
{
	char release[256];

	if (kp_vermagic_release(vermagic, release, sizeof(release)))
		return 0;
	return strcmp(release, krel) == 0;
}
