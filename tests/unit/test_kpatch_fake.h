/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TEST_KPATCH_FAKE_H
#define TEST_KPATCH_FAKE_H

#include <stddef.h>

/*
 * A fake root for hermetic kpatch tests: <root>/sys, <root>/proc,
 * <root>/lib (installed modules), <root>/etc (withdrawn list) and
 * <root>/run, announced to the library through the KPATCH_*_ROOT/DIR
 * variables. The running kernel is FAKE_KREL.
 */
#define FAKE_KREL "6.1.0-50-cloud-amd64"
#define FAKE_KREL2 "6.1.0-47-cloud-amd64"

const char *fake_setup(void);
void fake_teardown(void);
/* Write a file under the root, creating its directories. */
void fake_write(const char *rel, const char *content);
void fake_mkdir(const char *rel);
/*
 * A live patch in sysfs: state, and its functions as a NULL-terminated
 * list of "object/function,sympos".
 */
void fake_patch(const char *name, int enabled, int transition, const char *const *funcs);
/* A loaded module with the given taint letters. */
void fake_module(const char *name, const char *taint);
/* A task in procfs with a patch_state, comm and stack. */
void fake_task(int pid, const char *comm, int patch_state, const char *stack);

struct fake_ko_opts {
	const char *name;
	const char *vermagic;	/* NULL: FAKE_KREL */
	const char *cves;	/* NULL: no kpatch_cve field */
	int livepatch;
	int replace;
	const char *object;	/* NULL: vmlinux */
	const char *funcs[4];	/* patched function names, sympos 0 */
	const char *object2;	/* a second klp_object, when set */
	const char *funcs2[2];
	int owner_struct;	/* also an unrelated struct with THIS_MODULE first */
};
/*
 * Compile a tiny relocatable object shaped like a livepatch module (module
 * info and klp_patch/klp_object/klp_func data) at <root>/<rel>. Returns
 * its absolute path (static buffer).
 */
const char *fake_ko(const char *rel, const struct fake_ko_opts *o);
/* Absolute path under the root (static buffer). */
const char *fake_path(const char *rel);

/*
 * Run prog with args (shell words, the test's own); its stdout and stderr
 * land in out and err (NUL-terminated, cut to size). Returns the exit
 * code; a killed program fails the test.
 */
/* A file under the root (or at an absolute path) into buf; "" when missing. */
void fake_slurp(const char *rel, char *buf, size_t size);
void fake_slurp_abs(const char *path, char *buf, size_t size);
int fake_run(const char *prog, const char *args, char *out, size_t osize, char *err, size_t esize);

/*
 * A dpkg database at <root>/dpkg (KPATCH_DPKG_ADMINDIR): each entry
 * "package version status", status as dpkg spells it ("install ok
 * installed", "deinstall ok config-files"...), NULL-terminated.
 */
void fake_dpkg(const char *const *pkgs);

#endif
