/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_PATHS_H
#define KPATCHLIB_PATHS_H

#include <stddef.h>

#include "kpatchlib/err.h"

/*
 * Where kpatch looks. The environment variables exist for the hermetic
 * tests only (a fake tree instead of the real kernel); they are documented
 * as such in kpatch(8).
 *   KPATCH_SYSFS_ROOT   /sys
 *   KPATCH_PROCFS_ROOT  /proc
 *   KPATCH_LIB_DIR      /var/lib/kpatch   installed modules, <release>/<name>.ko
 *   KPATCH_CONF_DIR     /etc/kpatch       withdrawn list
 *   KPATCH_RUN_DIR      /run/kpatch       transition start times
 */
const char *kp_sysfs_root(void);
const char *kp_procfs_root(void);
const char *kp_lib_dir(void);
const char *kp_conf_dir(void);
const char *kp_run_dir(void);

/* 1 when any of the variables above is set: a test tree, not the system. */
int kp_paths_overridden(void);

/* snprintf into buf; -ENAMETOOLONG when it does not fit. */
int kp_path(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Read a small file, strip the trailing newline. -errno on failure. */
int kp_read_line(const char *path, char *buf, size_t size);
/* Write a string to an existing (sysfs) file. -errno on failure. */
int kp_write_str(const char *path, const char *s);

/* The running kernel's release, from <procfs>/sys/kernel/osrelease. */
int kp_running_release(char *buf, size_t size, struct kp_err *err);

#endif
