// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel being patched: its config, kbuild headers, Module.symvers and
 * Debian package version, as scripts/fetch-kernel lays them out in
 * $KPATCH_CACHE/kernels/<release>/. When they are absent the same fetcher is
 * run (it is installed next to kpatch-build, or found in the source tree).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/kb.h"

static char *find_fetcher(const struct kb *kb)
{
	const char *env = getenv("KPATCH_FETCH_KERNEL");
	const char *rel[] = { "../libexec/kpatch/fetch-kernel", "../../scripts/fetch-kernel",
			      "../../../scripts/fetch-kernel" };

	if (env && *env)
		return strdup(env);
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char *p = kb_path("%s/%s", kb->self_dir, rel[i]);

		if (!access(p, X_OK))
			return p;
		free(p);
	}
	return NULL;
}

int kb_locate_kernel(struct kb *kb)
{
	char *complete, *ver;
	size_t len;

	kb->kdir = kb_path("%s/kernels/%s", kb->cache, kb->krel);
	complete = kb_path("%s/.complete", kb->kdir);
	if (!kb_exists(complete)) {
		char *fetcher = find_fetcher(kb);
		const char *argv[] = { fetcher, kb->krel, NULL };
		int rc;

		if (!fetcher) {
			free(complete);
			return kb_fail(&kb->err, KB_EENV,
				       "kernel %s: files not in %s and no fetch-kernel program found; run scripts/fetch-kernel %s or set KPATCH_FETCH_KERNEL",
				       kb->krel, kb->kdir, kb->krel);
		}
		kb_progress(kb, "fetching kernel %s (image, headers)", kb->krel);
		rc = kb_run(argv, NULL, NULL);
		free(fetcher);
		if (rc || !kb_exists(complete)) {
			free(complete);
			return kb_fail(&kb->err, KB_EENV,
				       "kernel %s: fetching its packages failed (is it a Debian kernel release?)",
				       kb->krel);
		}
	}
	free(complete);
	kb->headers = kb_path("%s/build", kb->kdir);
	complete = kb_path("%s/version", kb->kdir);
	ver = kb_read_file(complete, &len);
	free(complete);
	if (!ver || !len) {
		free(ver);
		return kb_fail(&kb->err, KB_EENV, "kernel %s: %s/version is missing or empty",
			       kb->krel, kb->kdir);
	}
	ver[strcspn(ver, "\n")] = '\0';
	kb->pkgversion = ver;
	if (!kb->config)
		kb->config = kb->config_owned = kb_path("%s/config", kb->kdir);
	if (!kb_exists(kb->config))
		return kb_fail(&kb->err, KB_EUSAGE, "config %s: %s", kb->config, strerror(ENOENT));
	return 0;
}
