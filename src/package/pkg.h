/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpatch-package: per-kernel patch packages (.deb, .rpm) from a module
 * built by kpatch-build, or empty 0-0 subscription packages. The library
 * never prints: every step fills a struct kp_err and main.c prints it.
 */
#ifndef KPATCH_PACKAGE_PKG_H
#define KPATCH_PACKAGE_PKG_H

#include <stdbool.h>
#include <stddef.h>

#include "kpatchlib/err.h"
#include "kpatchlib/pkgname.h"

/* Exit codes, documented in kpatch-package(1); 1-4 are the kp_err classes. */
#define KPKG_E_TOOL 5		/* dpkg-deb, rpmbuild or strip failed */

#define KPKG_MAX_WITHDRAW 32
/*
 * The output directory's path is at most this long, so the stage and every
 * path built below it (release, package and module names are bounded too)
 * fit the 4096-byte and larger buffers of deb.c and rpm.c.
 */
#define KPKG_OUTDIR_MAX 2048

enum kpkg_format { KPKG_DEB, KPKG_RPM };

/* What a package carries, checked before anything is written. */
struct kpkg {
	enum kpkg_format format;
	char krel[128];
	char version_str[32];		/* "1-1" */
	struct kp_pkg_version version;
	char name[KP_PKGNAME_MAX];	/* package name for the format */
	char debug_name[KP_PKGNAME_MAX];
	char module_name[64];		/* empty for an empty package */
	const char *module_path;	/* the input .ko, or NULL */
	char cves[512];			/* "CVE-2024-1,CVE-2024-2" or "" */
	char description[256];		/* one line or "" */
	bool is_signed;
	char build_id[128];		/* hex, "" when the module has none */
	const char *withdraw[KPKG_MAX_WITHDRAW];	/* module names, checked */
	size_t nwithdraw;
	char kernel_deb_version[128];	/* Debian version of linux-image-<krel> */
	const char *maintainer;
	const char *tool_version;	/* the kpatch a package needs at least */
	const char *outdir;
};

/* module.c: read and check the module; fills name, krel, cves, ... */
int kpkg_read_module(struct kpkg *p, struct kp_err *err);
/* Release, version and names for the format (both modes). */
int kpkg_set_names(struct kpkg *p, struct kp_err *err);
/* Text from a module that goes into control files: printable ASCII only. */
int kpkg_text_ok(const char *s, const char *what, struct kp_err *err);

/* stage.c: a private work directory under outdir, removed at the end */
int kpkg_stage_open(const char *outdir, char *dir, size_t size, struct kp_err *err);
void kpkg_stage_remove(const char *dir);
int kpkg_write(const char *path, int mode, const char *text, struct kp_err *err);
int kpkg_mkdirs(const char *path, struct kp_err *err);
int kpkg_copy(const char *from, const char *to, int mode, struct kp_err *err);
/* <root>/etc/kpatch/withdrawn.d/<package>.list when the package withdraws modules. */
int kpkg_stage_withdrawn(const struct kpkg *p, const char *root, struct kp_err *err);
/*
 * The module at dest, stripped of debug info unless signed; the unstripped
 * copy stays at <stage>/module.ko for the debug package.
 */
int kpkg_stage_module(const struct kpkg *p, const char *stage, const char *dest, struct kp_err *err);
/* Rename the built file from the stage into outdir (same file system). */
int kpkg_publish(const char *from, const char *outdir, const char *base, char *out,
		 size_t size, struct kp_err *err);

/* spawn.c: run argv (never a shell); stdout to out_path when given, stderr to log */
int kpkg_run(const char *const argv[], const char *out_path, const char *log,
	     struct kp_err *err);

/* deb.c, rpm.c: build into outdir; print_line gets each file written */
int kpkg_build_deb(struct kpkg *p, const char *stage, void (*made)(const char *path),
		   struct kp_err *err);
int kpkg_build_rpm(struct kpkg *p, const char *stage, void (*made)(const char *path),
		   struct kp_err *err);

#endif
