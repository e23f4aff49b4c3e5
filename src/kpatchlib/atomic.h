/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_ATOMIC_H
#define KPATCHLIB_ATOMIC_H

#include <stddef.h>
#include <sys/types.h>

#include "kpatchlib/err.h"

/*
 * Replace path with data, atomically: a temporary file in the same
 * directory (".<base>.XXXXXX"), written whole, fsynced, renamed over path,
 * then the directory fsynced. A reader sees the old file or the new one,
 * never a part. The directory must exist (it is never created): a missing
 * one is KP_E_NOTFOUND. path must not name a directory or a symbolic link.
 * On failure the temporary file is removed and path is left as it was.
 */
int kp_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		    struct kp_err *err);

#endif
