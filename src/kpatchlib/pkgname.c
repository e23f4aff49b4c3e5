// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/regfile.h"
#include "kpatchlib/names.h"
#include "kpatchlib/pkgname.h"

static int parse_number(const char *s, size_t len, unsigned long *out)
{
	unsigned long v = 0;

	if (!len || len > 9 || (len > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int kp_pkg_version_parse(const char *s, struct kp_pkg_version *v, struct kp_err *err)
{
	const char *dash = strchr(s, '-');
	char shown[64];

	if (!dash || parse_number(s, (size_t)(dash - s), &v->patch) ||
	    parse_number(dash + 1, strlen(dash + 1), &v->release))
		return kp_err_set(err, KP_E_USAGE, 0,
				  "patch version '%s' is not N-R (two numbers, as 1-1 or 0-0)",
				  kp_escape(s, shown, sizeof(shown)));
	if (v->patch && !v->release)
		return kp_err_set(err, KP_E_USAGE, 0,
				  "patch version '%s': release 0 is kept for the empty package 0-0", s);
	return 0;
}

/*
 * A release may name a package only when every character fits the package
 * system. RPM kernels carry '_' (x86_64, el9_5), which RPM names allow and
 * Debian's do not; a release differing from another only by '.' for '_'
 * would share its RPM name, which no distribution's kernels do.
 */
static int release_fits(const char *krel, int rpm, struct kp_err *err)
{
	char shown[96];

	if (kp_release_check(krel, "kernel release", KP_E_USAGE, err))
		return -1;
	for (const char *p = krel; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(rpm ? ".+-_" : ".+-", *p))
			return kp_err_set(err, KP_E_USAGE, 0,
					  "kernel release '%s' has '%c', which package names do not allow",
					  kp_escape(krel, shown, sizeof(shown)), *p);
	return 0;
}

int kp_pkg_name(const char *krel, enum kp_pkg_kind kind, char *buf, size_t size,
		struct kp_err *err)
{
	static const char *const suffix[] = {
		[KP_PKG_DEB] = "", [KP_PKG_DEB_DEBUG] = "-dbgsym",
		[KP_PKG_RPM] = "", [KP_PKG_RPM_DEBUG] = "-debuginfo",
	};
	int rpm = kind == KP_PKG_RPM || kind == KP_PKG_RPM_DEBUG;
	size_t n;
	int len;

	if (release_fits(krel, rpm, err))
		return -1;
	len = snprintf(buf, size, "kpatch-patch-%s%s", krel, suffix[kind]);
	if (len < 0 || (size_t)len >= size)
		return kp_err_set(err, KP_E_USAGE, 0, "package name for '%s' is too long", krel);
	n = strlen("kpatch-patch-");
	for (size_t i = n; i < n + strlen(krel); i++) {
		if (rpm && buf[i] == '.')
			buf[i] = '_';
		else if (!rpm && isupper((unsigned char)buf[i]))
			return kp_err_set(err, KP_E_USAGE, 0,
					  "kernel release '%s' has upper-case letters, which Debian package names do not allow",
					  krel);
	}
	return 0;
}

int kp_pkg_module_name(const char *krel, const struct kp_pkg_version *v, char *buf,
		       size_t size, struct kp_err *err)
{
	int len;

	if (release_fits(krel, 1, err))
		return -1;
	len = snprintf(buf, size, "kpatch_%s_%lu_%lu", krel, v->patch, v->release);
	if (len < 0 || (size_t)len >= size || len > KP_MODNAME_MAX)
		return kp_err_set(err, KP_E_USAGE, 0,
				  "module name kpatch_%s_%lu_%lu is longer than the kernel's %d characters",
				  krel, v->patch, v->release, KP_MODNAME_MAX);
	for (char *p = buf; *p; p++)
		if (!isalnum((unsigned char)*p))
			*p = '_';
	return 0;
}
