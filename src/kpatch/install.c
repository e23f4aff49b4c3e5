// SPDX-License-Identifier: GPL-2.0
/* kpatch install: validate a module file and install it atomically. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"
#include "kpatchlib/paths.h"
#include "kpatchlib/store.h"
#include "kpatchlib/storeclean.h"

/* Where systemd runs, make sure the boot service will load what we installed. */
static void enable_service(void)
{
	int status;
	pid_t pid;

	/* A test tree must not reach the real system's services. */
	if (kp_paths_overridden() || access("/run/systemd/system", F_OK))
		return;
	pid = fork();
	if (pid == 0) {
		execlp("systemctl", "systemctl", "enable", "--quiet", "kpatch.service", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		p_warn("could not enable kpatch.service; installed modules will not be loaded at boot until `systemctl enable kpatch.service` succeeds");
}

/* What an interrupted install left; we hold the kpatch lock, so it is stale. */
static int clean_stale(void)
{
	struct kp_names removed;
	struct kp_err err;

	if (kp_store_clean_temps(&removed, &err))
		return p_kerr(&err);
	for (size_t i = 0; i < removed.n; i++)
		p_note("removed %s, left by an interrupted install", removed.v[i]);
	kp_names_free(&removed);
	return 0;
}

int do_install(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "kernel-version", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	char krel[256] = "";
	struct kp_modfile mf;
	struct kp_err err;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+k:", longopts, NULL)) != -1) {
		if (c != 'k')
			return cmd_usage_err("install", "unknown option '%s'", argv[optind - 1]);
		if ((ret = release_arg("install", optarg, krel, sizeof(krel))))
			return ret;
	}
	if (optind + 1 != argc)
		return cmd_usage_err("install", optind < argc ? "one module file at a time" : "no module file given");
	if (!krel[0] && (ret = running_release(krel, sizeof(krel))))
		return ret;
	if (kp_modfile_open(argv[optind], KP_OPEN_STRICT, &mf, &err) || kp_modfile_check(&mf, krel, &err)) {
		kp_modfile_close(&mf);
		return p_kerr(&err);
	}
	p_info("installing %s (%s)", mf.name, krel);
	ret = clean_stale();
	if (ret) {
		kp_modfile_close(&mf);
		return ret;
	}
	ret = kp_store_install(&mf, krel, &err);
	kp_modfile_close(&mf);
	if (ret)
		return p_kerr(&err);
	enable_service();
	return 0;
}
