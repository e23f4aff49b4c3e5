/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_PKGNAME_H
#define KPATCHLIB_PKGNAME_H

#include <stddef.h>

#include "kpatchlib/err.h"

/*
 * The one mapping from a kernel release and a patch version to the names
 * of the packages and of the module they carry (README, "Patch packages").
 * For the release 6.1.0-50-cloud-amd64 and patch version 1-1:
 *
 *   Debian package   kpatch-patch-6.1.0-50-cloud-amd64        version 1-1
 *   Debian debug     kpatch-patch-6.1.0-50-cloud-amd64-dbgsym
 *   RPM package      kpatch-patch-6_1_0-50-cloud-amd64       version 1, release 1
 *   RPM debug        kpatch-patch-6_1_0-50-cloud-amd64-debuginfo
 *   module           kpatch_6_1_0_50_cloud_amd64_1_1
 *
 * The RPM name is the guide's (kernel version, dots as underscores); the
 * Debian one keeps the release as it is, since Debian names allow dots.
 * A release that does not fit the package rules (a character outside
 * [A-Za-z0-9.+-], '_' allowed for RPM as in x86_64 and el9_5, or an
 * upper-case letter for Debian) or a module name longer than the kernel keeps is
 * refused, never cut or folded: two releases must never share a package.
 */
#define KP_PKGNAME_MAX 128

struct kp_pkg_version {
	unsigned long patch;	/* 0 for the empty subscription package */
	unsigned long release;
};

/* "N-R", two decimal numbers without sign or leading zeros (but "0"). */
int kp_pkg_version_parse(const char *s, struct kp_pkg_version *v, struct kp_err *err);

enum kp_pkg_kind { KP_PKG_DEB, KP_PKG_DEB_DEBUG, KP_PKG_RPM, KP_PKG_RPM_DEBUG };

int kp_pkg_name(const char *krel, enum kp_pkg_kind kind, char *buf, size_t size,
		struct kp_err *err);
int kp_pkg_module_name(const char *krel, const struct kp_pkg_version *v, char *buf,
		       size_t size, struct kp_err *err);

#endif
