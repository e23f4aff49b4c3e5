/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_ERR_H
#define KPATCHLIB_ERR_H

/*
 * kpatchlib returns 0 on success, or -1 with *err filled (err may be NULL);
 * predicates (_has, _exists, _loaded, _ok) answer 1 or 0. Exceptions, for
 * callers that branch on the errno: paths.h's primitives, kp_store_path
 * and kp_patch_state return -errno.
 *
 * The library never prints. A failing call fills a struct kp_err with a
 * class (which the tool turns into its exit code) and a one-line message
 * that already names the object and the reason; the caller decides where
 * and how to show it.
 */
enum kp_errclass {
	KP_OK = 0,
	KP_E_SYSTEM = 1,	/* I/O or other system failure */
	KP_E_USAGE = 2,		/* bad command line */
	KP_E_NOTFOUND = 3,	/* no such module, file or patch */
	KP_E_INVALID = 4,	/* not a livepatch, wrong kernel, unsafe file */
	KP_E_CONFLICT = 5,	/* would stack on a function already patched */
	KP_E_TIMEOUT = 6,	/* transition stalled; it was reversed */
	KP_E_KERNEL = 7,	/* the kernel refused (insert, remove, sysfs) */
	KP_E_PARTIAL = 8,	/* --all: at least one module failed */
};

struct kp_err {
	int class;
	int errnum;		/* errno behind it, 0 when none */
	char msg[1024];
};

/* Fill err (may be NULL); appends ": strerror(errnum)" when errnum != 0. Returns -1. */
int kp_err_set(struct kp_err *err, int class, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
