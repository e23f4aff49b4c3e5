// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch: load, unload, install, list and monitor livepatch modules.
 * A command table dispatches to one file per command; every error is
 * printed by output.c.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"

/*
 * The commands that change state take the host-wide lock (cmd_lock).
 * signal and force do not: they act on a transition that another kpatch,
 * holding the lock, is waiting for.
 */
static const struct cmd cmds[] = {
	{ "load", do_load, "[-t SECONDS] [--allow-stack] <file.ko|name>... | --all",
	  "check and load patch modules, wait for the transition", 1 },
	{ "unload", do_unload, "[-t SECONDS] <name>... | --all",
	  "disable and remove loaded patch modules", 1 },
	{ "install", do_install, "[--load] [-k KERNEL] <file.ko>",
	  "install a patch module to be loaded at boot (--load: and load it now)", 1 },
	{ "uninstall", do_uninstall, "[--unload] [-k KERNEL] <name>",
	  "remove an installed patch module (it stays loaded unless --unload)", 1 },
	{ "sync", do_sync, "[--dry-run]",
	  "load what is installed for the running kernel and not withdrawn, unload what is withdrawn", 1 },
	{ "auto", do_auto, "[-y] [--no-install]",
	  "subscribe every installed and future kernel to its patch package (Debian; dnf kpatch on RPM hosts)", 0 },
	{ "manual", do_manual, "",
	  "stop automatic subscription; installed patch packages stay", 0 },
	{ "hook", do_hook, "kernel-installed RELEASE | apt-post-invoke",
	  "called by the kernel's postinst.d hook and APT (auto subscription)", 0 },
	{ "list", do_list, "[-v]",
	  "loaded and installed patch modules with their CVEs", 0 },
	{ "info", do_info, "[-k KERNEL] <name|file.ko>",
	  "module details: kernel, CVEs, functions, state", 0 },
	{ "check", do_check, "[--transition-threshold SECONDS]",
	  "compare installed with live patches (exit 0 OK, 1 WARNING, 2 CRITICAL)", 0 },
	{ "status", do_status, "[--transition-threshold SECONDS]",
	  "the whole live-patch state for fleet tools (--json: schema 1)", 0 },
	{ "metrics", do_metrics, "[--output FILE] [--transition-threshold SECONDS]",
	  "the live-patch state as Prometheus metrics (textfile collector)", 0 },
	{ "signal", do_signal, "",
	  "signal tasks that block a transition (older kernels only)", 0 },
	{ "force", do_force, "--confirm-permanent <name>",
	  "force a stalled transition (may pin modules until reboot)", 0 },
	{ "version", do_version, "", "print the version", 0 },
	{ "help", do_help, "[command]", "show this help", 0 },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < NCMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

void cmd_usage(const char *name)
{
	const struct cmd *c = find_cmd(name);

	if (c)
		printf("usage: kpatch [--json] %s %s\n  %s\n", c->name, c->usage, c->help);
}

int cmd_usage_err(const char *name, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return p_err(2, "%s: %s (see kpatch %s --help)", name, msg, name);
}

static void usage_all(void)
{
	printf("usage: kpatch [--json] <command> [options] [arguments]\n\ncommands:\n");
	for (size_t i = 0; i < NCMDS; i++)
		printf("  %-10s %s\n", cmds[i].name, cmds[i].help);
	printf("\n--json prints list, info, check, status and version (and errors) as JSON.\n"
	       "`kpatch <command> --help` shows a command's options; see kpatch(8).\n");
}

int do_help(int argc, char **argv)
{
	if (argc > 1) {
		if (!find_cmd(argv[1]))
			return cmd_usage_err("help", "unknown command '%s'", argv[1]);
		cmd_usage(argv[1]);
		return 0;
	}
	usage_all();
	return 0;
}

int main(int argc, char **argv)
{
	const struct cmd *c;
	int i, j;

	/* Errors are ours to print, in one place: silence getopt's own. */
	opterr = 0;
	/* --json is global and may appear anywhere before "--". */
	for (i = 1, j = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || (j == 1 && !strcmp(argv[i], "-j")))
			json_output = 1;
		else
			argv[j++] = argv[i];
		if (!strcmp(argv[i], "--"))
			break;
	}
	for (i++; i < argc; i++)
		argv[j++] = argv[i];
	argv[j] = NULL;
	argc = j;

	if (argc < 2)
		return p_err(2, "no command given (see kpatch --help)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage_all();
		return 0;
	}
	if (!strcmp(argv[1], "--version"))
		return do_version(1, argv + 1);
	c = find_cmd(argv[1]);
	if (!c)
		return p_err(2, "unknown command '%s' (see kpatch --help)", argv[1]);
	for (i = 2; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			cmd_usage(c->name);
			return 0;
		}
	}
	return cmd_run(c, argc - 1, argv + 1);
}
