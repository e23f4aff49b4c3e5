/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_LOADFAIL_H
#define KPATCHLIB_LOADFAIL_H

/*
 * Failed `kpatch install --load` runs, kept until the next success, the
 * module's uninstall or a reboot (they live in the run directory,
 * <run dir>/load-failed/<name>, one line "<release> <exit code>"), so
 * `kpatch check` reports a patch package whose module would not load
 * although the install itself was undone.
 */
void kp_loadfail_record(const char *name, const char *krel, int code);
void kp_loadfail_clear(const char *name);

/* Calls fn for each failure recorded for krel; names are validated. */
void kp_loadfail_each(const char *krel, void (*fn)(void *ctx, const char *name, int code), void *ctx);

#endif
