/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCH_CMD_H
#define KPATCH_CMD_H

#include "kpatchlib/modfile.h"

/* Exit codes are the kp_errclass values (see kpatchlib/err.h and kpatch(8)). */

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;	/* arguments, after "kpatch <name>" */
	const char *help;	/* one line */
	int locks;		/* changes state: runs under the kpatch lock */
};

int do_load(int argc, char **argv);
int do_unload(int argc, char **argv);
int do_install(int argc, char **argv);
int do_uninstall(int argc, char **argv);
int do_list(int argc, char **argv);
int do_info(int argc, char **argv);
int do_check(int argc, char **argv);
int do_status(int argc, char **argv);
int do_metrics(int argc, char **argv);
int do_signal(int argc, char **argv);
int do_force(int argc, char **argv);
int do_sync(int argc, char **argv);
int do_auto(int argc, char **argv);
int do_manual(int argc, char **argv);
int do_hook(int argc, char **argv);
int do_version(int argc, char **argv);
int do_help(int argc, char **argv);

/* Print one command's usage on stdout (for --help). */
void cmd_usage(const char *name);
/* A usage error for a command: one line naming the problem. */
int cmd_usage_err(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Run a command: under the kpatch lock when it changes state (waiting for
 * another kpatch with one line saying whom for), else directly.
 */
int cmd_run(const struct cmd *c, int argc, char **argv);

/*
 * Load one module (a path or a name installed for krel, the running
 * kernel) as `kpatch load` does, or unload one as `kpatch unload` does:
 * 0 (also when already loaded), or the error printed and its class.
 */
int load_module(const char *arg, const char *krel, long timeout_ms);
/* load.c: note a successful load or sync for kpatch metrics/status */
void record_success(void);
int unload_module(const char *name, long timeout_ms);

/* Default transition timeout, seconds. */
#define KPATCH_DEFAULT_TIMEOUT 60

/* "30", "2.5" -> milliseconds; -1 when invalid. */
long parse_seconds_ms(const char *s);

/*
 * The options several commands share, parsed and checked in one place
 * (args.c): --all/-a, -t/--timeout SECONDS (a positive number, default
 * KPATCH_DEFAULT_TIMEOUT) and -k/--kernel-version KERNEL (release_arg's
 * check). which names those a command takes; flags (ended by a NULL name,
 * at most CMD_MAX_FLAGS) its own options without an argument, flag i
 * setting bit i of o->flags. With CMD_OPT_ALL, --all and module arguments
 * exclude each other and one of them is needed. 0 with optind at the first
 * argument, or the usage error printed and its class returned.
 */
enum {
	CMD_OPT_ALL = 1 << 0,
	CMD_OPT_TIMEOUT = 1 << 1,
	CMD_OPT_KERNEL = 1 << 2,
};
#define CMD_MAX_FLAGS 4

struct cmd_flag {
	const char *name;	/* the long option */
	char short_opt;		/* its one-letter form, 0 when none */
};

struct cmd_opts {
	int all;
	long timeout_ms;
	char krel[256];		/* -k; "" when not given */
	unsigned int flags;
};

int cmd_opts_parse(const char *cmd, int argc, char **argv, unsigned int which,
		   const struct cmd_flag *flags, struct cmd_opts *o);
/* Fill o->krel with the running kernel's release unless -k gave one: 0, or the error printed and its class. */
int cmd_opts_release(struct cmd_opts *o);

/*
 * Commands that take exactly one argument: 0, or the usage error (many
 * when there are more, none when there is none) printed and its class.
 */
int one_arg(const char *cmd, int argc, const char *many, const char *none);

/* name as the kernel spells it, '-' as '_' (sysfs paths, lsmod). */
void live_name(const char *name, char *buf, size_t size);

/*
 * Open a command-line module argument: a path (it has a '/' or ends in
 * ".ko") or the name of a module installed for krel. 0 with mf open and
 * its path in path; else the error printed (an invalid name as cmd's
 * usage error, a name not installed for krel, an unreadable file) and its
 * class returned.
 */
int module_arg_open(const char *cmd, const char *arg, const char *krel, struct kp_modfile *mf,
		    char *path, size_t size);

/*
 * Names and releases from the command line, checked by the shared
 * validator (kpatchlib/names.h) before they form a path: 0, or a usage
 * error printed and its class returned. release_arg copies into krel.
 */
int name_arg(const char *cmd, const char *arg);
int release_arg(const char *cmd, const char *arg, char *krel, size_t size);

/* The running kernel release, or print the error and return its class. */
int running_release(char *buf, size_t size);

#endif
