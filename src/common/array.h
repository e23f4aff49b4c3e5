/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KP_COMMON_ARRAY_H
#define KP_COMMON_ARRAY_H

#include <stddef.h>

/*
 * Make room for NEED elements of ELEM_SIZE bytes in the growable array *ARR
 * of capacity *CAP (both zero at first), doubling so appends stay linear.
 * Returns 0, or -ENOMEM with *ARR and *CAP unchanged.
 */
int kp_reserve(void *arr, size_t *cap, size_t need, size_t elem_size);

#endif
