// SPDX-License-Identifier: GPL-2.0
/*
 * The writable view of the cached tree a build patches and compiles in.
 *
 * As root, an overlay mount: the cached tree is the read-only lower layer,
 * every write (patched sources, objects, .cmd files) lands in this build's
 * upper directory, and it costs nothing to set up. A hardlinked copy would
 * be as fast but is unsafe: kbuild rewrites some generated files in place,
 * which would change the cached tree through the shared inode. Without root
 * the tree is copied whole (reflinked where the file system can).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "build/kb.h"

int kb_workspace_open(struct kb *kb)
{
	char *upper = kb_path("%s/upper", kb->work), *wdir = kb_path("%s/ovl-work", kb->work);
	char *opts;

	kb->ws = kb_path("%s/tree", kb->work);
	if (kb_mkdirs(kb->ws) || kb_mkdirs(upper) || kb_mkdirs(wdir))
		return kb_fail(&kb->err, KB_EENV, "cannot create directories in %s", kb->work);
	opts = kb_path("lowerdir=%s,upperdir=%s,workdir=%s", kb->tree, upper, wdir);
	if (geteuid() == 0 && !mount("overlay", kb->ws, "overlay", 0, opts)) {
		kb->ws_mounted = true;
		free(opts);
		return 0;
	}
	free(opts);
	kb_progress(kb, "copying the source tree (overlay mount unavailable: %s)", strerror(errno));
	{
		char *src = kb_path("%s/.", kb->tree);
		const char *argv[] = { "cp", "-a", "--reflink=auto", src, kb->ws, NULL };

		if (kb_run(argv, NULL, NULL))
			return kb_fail(&kb->err, KB_EENV, "cannot copy %s to %s", kb->tree, kb->ws);
		free(src);
	}
	return 0;
}

void kb_workspace_close(struct kb *kb)
{
	if (kb->ws_mounted && !umount2(kb->ws, MNT_DETACH))
		kb->ws_mounted = false;
}
