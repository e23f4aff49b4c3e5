/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCH_OUTPUT_H
#define KPATCH_OUTPUT_H

#include <json-c/json.h>

#include "kpatchlib/err.h"

/* Set by the global --json option. */
extern int json_output;

/*
 * The one place that prints errors: one line, "kpatch: error: <what and
 * why>" on stderr, or {"error": ..., "code": N} on stdout with --json.
 * Returns class, so a command can `return p_err(...)`.
 */
int p_err(int class, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print a library error; returns its class. */
int p_kerr(const struct kp_err *err);
/* Warnings and notes go to stderr, so stdout stays parseable. */
void p_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void p_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Progress for people: stdout, silent with --json. */
void p_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a JSON document on stdout and drop the reference. */
void p_json(json_object *obj);
/* Comma-separated text -> JSON array of strings (empty array for NULL). */
json_object *json_csv_array(const char *csv);

#endif
