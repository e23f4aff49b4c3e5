/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_SPAWN_H
#define KPATCHLIB_SPAWN_H

#include <stddef.h>

#include "kpatchlib/err.h"

/*
 * Run a program (looked up in PATH) with an argument vector, never a
 * shell: arguments that came from outside stay single arguments.
 */

/*
 * Run argv with stdin from /dev/null and stderr discarded; its standard
 * output (at most max bytes, NUL-terminated) goes into a malloc'ed *out.
 * Returns the exit status (0..255), or -1 with err set when the program
 * could not run, was killed, or printed more than max bytes.
 */
int kp_spawn_capture(const char *const argv[], size_t max, char **out, struct kp_err *err);

/*
 * Run argv in directory dir (NULL: here) with our stdin, stdout and
 * stderr, so that a package manager talks to the administrator itself;
 * out_to_err sends its stdout to our stderr instead (our stdout carries a
 * JSON document). Returns the exit status, or -1 with err set.
 */
int kp_spawn_wait(const char *const argv[], const char *dir, int out_to_err, struct kp_err *err);

#endif
