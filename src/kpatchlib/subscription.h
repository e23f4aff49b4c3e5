/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_SUBSCRIPTION_H
#define KPATCHLIB_SUBSCRIPTION_H

#include <stddef.h>

#include "kpatchlib/err.h"
#include "kpatchlib/names.h"
#include "kpatchlib/pkgname.h"
#include "kpatchlib/store.h"

/*
 * Automatic subscription: in auto mode every installed kernel should have
 * its patch package (kpatch-patch-<release>, the empty 0-0 one when no fix
 * exists), and every kernel installed later gets it too.
 *
 * The package system is the host's: Debian (dpkg) or RPM. Its database is
 * the truth about which kernels and patch packages are installed; we only
 * read it (dpkg-query, rpm -q) and never edit it.
 *
 * The mode lives where the host's package tooling keeps it:
 *   Debian  <conf dir>/subscription, one word "auto" or "manual", written
 *           by `kpatch auto` / `kpatch manual` (a missing file is manual)
 *   RPM     /etc/dnf/plugins/kpatch.conf, autoupdate = True|False, written
 *           by `dnf kpatch auto|manual` (kpatch-dnf)
 *
 * For the hermetic tests, KPATCH_DPKG_ADMINDIR (dpkg-query --admindir) or
 * KPATCH_RPM_ROOT (rpm --root, and the dnf conf below it) pick the
 * database; a test tree (kp_paths_overridden()) without either has no
 * package system, so it never reads the real one.
 */
enum kp_pkgsys { KP_PKGSYS_NONE, KP_PKGSYS_DEB, KP_PKGSYS_RPM };
enum kp_sub_mode { KP_SUB_MANUAL, KP_SUB_AUTO };

struct kp_sub_kernel {
	char release[KP_KREL_MAX + 1];
	char package[KP_PKGNAME_MAX];	/* its patch package */
	int patched;			/* the patch package is installed */
	char version[64];		/* its version when it is */
};

struct kp_sub {
	enum kp_pkgsys sys;
	enum kp_sub_mode mode;
	size_t n;			/* installed kernels, as packages */
	struct kp_sub_kernel *k;
	size_t nbad;			/* kernel packages whose release we refused */
};

enum kp_pkgsys kp_sub_pkgsys(void);
const char *kp_sub_mode_name(enum kp_sub_mode m);

/* The mode, the installed kernels and their patch packages. */
int kp_sub_read(struct kp_sub *s, struct kp_err *err);
void kp_sub_free(struct kp_sub *s);
const struct kp_sub_kernel *kp_sub_find(const struct kp_sub *s, const char *release);

/* Debian: write <conf dir>/subscription atomically. */
int kp_sub_set_mode(enum kp_sub_mode m, struct kp_err *err);

/*
 * Kernels installed in the current package run, waiting for their patch
 * package: <run dir>/subscribe/<release>, noted by the kernel's
 * postinst.d hook, taken by the APT hook once dpkg is done.
 */
int kp_sub_pending_add(const char *release, struct kp_err *err);
int kp_sub_pending_list(struct kp_names *out, struct kp_err *err);
void kp_sub_pending_drop(const char *release);

#endif
