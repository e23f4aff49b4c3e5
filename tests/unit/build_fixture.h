/* SPDX-License-Identifier: GPL-2.0 */
/* Scratch files for the driver's unit tests. */
#ifndef KPATCH_TEST_BUILD_FIXTURE_H
#define KPATCH_TEST_BUILD_FIXTURE_H

/* A fresh scratch directory (removed by fx_cleanup). */
const char *fx_dir(void);
void fx_cleanup(void);
/* Write text to <scratch>/name; the returned path is valid for 8 more calls. */
char *fx_write(const char *name, const char *text);
/* Compile C source to <scratch>/name.o with kernel-like flags; path as above. */
char *fx_compile(const char *name, const char *csrc);
/*
 * Run argv in the scratch directory (aborts unless it exits 0), its output
 * to <scratch>/out_name when that is not NULL; returns that path as above.
 */
char *fx_run(const char *out_name, const char *const argv[]);

#endif
