/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_STATE_H
#define KPATCHLIB_STATE_H

#include <stddef.h>

#include "kpatchlib/check.h"
#include "kpatchlib/err.h"
#include "kpatchlib/live.h"

/*
 * The host's whole live-patch state in one read, for the monitoring
 * renderers (kpatch metrics, kpatch status): what runs, what is installed,
 * the check's result and findings (kp_check_run, never re-derived), the
 * effective patch level and the last successful load. Gathering only;
 * rendering is the tool's.
 */

/* CVE identifiers a module declares (kpatch_cve), trimmed, duplicates dropped. */
struct kp_cves {
	size_t n;
	char **v;		/* untrusted text: escape before output */
};

struct kp_state_loaded {
	char name[64];
	enum kp_live_state state;
	int installed;		/* installed for the running kernel */
	char version[32];	/* "N-R" when named like a patch package's module, else "" */
	int replace;		/* 1/0, -1 when no module file is known */
	struct kp_cves cves;
};

struct kp_state_installed {
	char name[64];
	char krel[72];
	char version[32];
	int replace;		/* -1 when the file is unusable (error says why) */
	int loaded;		/* krel is the running kernel and the patch is live */
	char error[1024];
	struct kp_cves cves;
};

struct kp_state {
	char krel[72];		/* the running kernel */
	size_t nloaded, ninstalled;
	struct kp_state_loaded *loaded;
	struct kp_state_installed *installed;
	int check_ok;		/* 0: the check could not run (UNKNOWN), check_error says why */
	struct kp_check check;
	char check_error[1024];
	/* The newest enabled patch-package module for krel; level 0 and "" when none. */
	unsigned long level_patch, level_release;
	char level_module[64];
	long long last_success;	/* seconds since the epoch, 0 when none */
};

/*
 * Read everything. Fails (err filled) only when the running kernel cannot
 * be named; everything else is reported inside the state.
 */
int kp_state_read(struct kp_state *s, unsigned int transition_threshold, struct kp_err *err);
void kp_state_free(struct kp_state *s);

/* "CVE-1, CVE-2,CVE-1" -> two entries. 0, or -1 (out of memory) and err filled. */
int kp_cves_parse(const char *csv, struct kp_cves *out, struct kp_err *err);
void kp_cves_free(struct kp_cves *c);

/*
 * The patch version N-R of module name for kernel krel when the name is
 * the patch-package module name (kp_pkg_module_name); -1 otherwise.
 */
int kp_state_module_version(const char *krel, const char *name, unsigned long *patch,
			    unsigned long *release);

/*
 * Every finding class kpatch check knows (kpatchlib/check.h), NULL-ended,
 * so monitoring can show a zero for each one that is absent.
 */
extern const char *const kp_finding_classes[];

#endif
