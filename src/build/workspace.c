// SPDX-License-Identifier: GPL-2.0
/*
 * The writable view of the cached tree a build patches and compiles in.
 *
 * As root, an overlay mount: the cached tree is the read-only lower layer,
 * every write (patched sources, objects, .cmd files) lands in this build's
 * upper directory, and it costs nothing to set up. The overlay is mounted
 * on top of the cached tree's own path, in a mount namespace private to
 * this process, so kbuild sees exactly the paths the tree was prepared at
 * (objtool and friends are not rebuilt) and concurrent builds never see
 * each other's writes; the mount vanishes with the process.
 *
 * A hardlinked copy would be as fast but is unsafe: kbuild rewrites some
 * generated files in place, which would change the cached tree through the
 * shared inode. Without root the tree is copied whole (reflinked where the
 * file system can); the kernel's tools are then rebuilt at the new path.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "build/kb.h"

static int overlay_in_own_namespace(struct kb *kb, const char *upper, const char *wdir)
{
	char *opts = kb_path("lowerdir=%s,upperdir=%s,workdir=%s", kb->tree, upper, wdir);
	int ret = -1;

	if (!unshare(CLONE_NEWNS) &&
	    !mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) &&
	    !mount("overlay", kb->tree, "overlay", 0, opts))
		ret = 0;
	free(opts);
	return ret;
}

int kb_workspace_open(struct kb *kb)
{
	char *upper = kb_path("%s/upper", kb->work), *wdir = kb_path("%s/ovl-work", kb->work);
	bool mounted = false;
	int ret = 0;

	if (kb_mkdirs(upper) || kb_mkdirs(wdir))
		ret = kb_fail(&kb->err, KB_EENV, "cannot create directories in %s", kb->work);
	else if (geteuid() != 0)
		kb_progress(kb, "copying the source tree (an overlay mount needs root)");
	else if (!overlay_in_own_namespace(kb, upper, wdir))
		mounted = true;
	else
		kb_progress(kb, "copying the source tree (overlay mount failed: %s)", strerror(errno));
	free(upper);
	free(wdir);
	if (ret)
		return ret;
	if (mounted) {
		kb->ws = kb->tree;
		kb->ws_mounted = true;
		return 0;
	}
	kb->ws = kb_path("%s/tree", kb->work);
	{
		char *src = kb_path("%s/.", kb->tree);
		const char *argv[] = { "cp", "-a", "--reflink=auto", src, kb->ws, NULL };

		if (kb_mkdirs(kb->ws) || kb_run(argv, NULL, NULL))
			ret = kb_fail(&kb->err, KB_EENV, "cannot copy %s to %s", kb->tree, kb->ws);
		free(src);
	}
	return ret;
}

void kb_workspace_close(struct kb *kb)
{
	if (kb->ws_mounted && !umount2(kb->ws, MNT_DETACH))
		kb->ws_mounted = false;
}
