/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differ test fixture: compiles small C snippets into objects the way the
 * kernel compiles its own (fentry, mcount records, kernel code model,
 * one section per function and variable), runs the differ on a pair and
 * keeps the result for the test to inspect.
 */
#ifndef KPATCH_TESTS_DIFF_FIXTURE_H
#define KPATCH_TESTS_DIFF_FIXTURE_H

#include "diff/diff.h"

struct fx {
	char dir[256];
	char orig[300], patched[300], out[300], manifest[300];
	struct kdiff_result res;
	enum kdiff_status st;
	struct kelf *outobj;	/* OUT.o re-read from disk */
	const struct kdiff_exports *exports;	/* passed to the differ when set */
	bool skip_init;				/* the differ's --skip-init */
	const char *object;			/* the differ's --object-name */
	const char *cflags;			/* more compiler flags (-I...) */
};

/* Prelude every snippet gets: kernel-like helpers (notrace, __init, ...). */
extern const char fx_prelude[];

int fx_setup(void **state);
int fx_teardown(void **state);

/* Compiles SRC to PATH; fails the test on a compiler error. */
void fx_compile(struct fx *f, const char *src, const char *path);
/* Compiles both versions, runs the differ, writes and re-reads OUT.o on change. */
enum kdiff_status fx_diff(struct fx *f, const char *orig_src, const char *patched_src);

/* Lookups in the result */
const struct kdiff_function *fx_function(const struct fx *f, const char *name);
const struct kdiff_symbol *fx_symbol(const struct fx *f, const char *name);
struct kelf_sym *fx_out_symbol(const struct fx *f, const char *name);
/* Count of relocations in OUT.o section SEC against symbol NAME. */
int fx_out_relas_to(const struct fx *f, const char *sec, const char *name);
/* The kpatch-diff built next to this test ($(BUILD)/bin/kpatch-diff). */
const char *fx_tool(void);
/* Runs a shell command, returns its exit status. */
int fx_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
