// SPDX-License-Identifier: GPL-2.0
/* The RPM packages: a generated spec built by rpmbuild in a private _topdir. */
#include "package/pkg.h"

int kpkg_build_rpm(struct kpkg *p, const char *stage, void (*made)(const char *path),
		   struct kp_err *err)
{
	return kp_err_set(err, KP_E_USAGE, 0, "--format rpm: not built yet");
}
