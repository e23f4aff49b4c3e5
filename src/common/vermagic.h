/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KP_COMMON_VERMAGIC_H
#define KP_COMMON_VERMAGIC_H

#include <stddef.h>

/*
 * A module's vermagic is "<release> <flags...>", e.g.
 * "6.1.0-50-cloud-amd64 SMP mod_unload modversions ". Copy the release part
 * into buf. Returns 0, -EINVAL when there is no release, -ENAMETOOLONG when
 * buf is too small.
 */
int kp_vermagic_release(const char *vermagic, char *buf, size_t size);

/* 1 when vermagic was built for kernel release krel, else 0. */
int kp_vermagic_matches(const char *vermagic, const char *krel);

#endif
