// SPDX-License-Identifier: GPL-2.0
/*
 * The command-line layer shared by the commands: the options several of
 * them take (--all, -t/--timeout, -k/--kernel-version), the checks on
 * names and releases, and the lookup of a module argument. Each exists
 * once, so a command spells, checks and reports them like every other.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"
#include "kpatchlib/names.h"
#include "kpatchlib/paths.h"
#include "kpatchlib/store.h"

/* getopt_long values of a command's own flags: FLAG_VAL + their index. */
#define FLAG_VAL 0x100

long parse_seconds_ms(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < 0 || v > 86400)
		return -1;
	return (long)(v * 1000);
}

int cmd_opts_parse(const char *cmd, int argc, char **argv, unsigned int which,
		   const struct cmd_flag *flags, struct cmd_opts *o)
{
	struct option longopts[3 + CMD_MAX_FLAGS + 1];
	char shortopts[8 + CMD_MAX_FLAGS] = "+";
	size_t n = 0;
	int c;

	memset(o, 0, sizeof(*o));
	o->timeout_ms = KPATCH_DEFAULT_TIMEOUT * 1000L;
	if (which & CMD_OPT_ALL) {
		longopts[n++] = (struct option){ "all", no_argument, NULL, 'a' };
		strcat(shortopts, "a");
	}
	if (which & CMD_OPT_TIMEOUT) {
		longopts[n++] = (struct option){ "timeout", required_argument, NULL, 't' };
		strcat(shortopts, "t:");
	}
	if (which & CMD_OPT_KERNEL) {
		longopts[n++] = (struct option){ "kernel-version", required_argument, NULL, 'k' };
		strcat(shortopts, "k:");
	}
	for (int i = 0; flags && flags[i].name && i < CMD_MAX_FLAGS; i++) {
		longopts[n++] = (struct option){ flags[i].name, no_argument, NULL, FLAG_VAL + i };
		if (flags[i].short_opt)
			strncat(shortopts, &flags[i].short_opt, 1);
	}
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };

	optind = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		int ret;

		switch (c) {
		case 'a':
			o->all = 1;
			break;
		case 't':
			o->timeout_ms = parse_seconds_ms(optarg);
			if (o->timeout_ms <= 0)
				return cmd_usage_err(cmd, "timeout '%s' is not a positive number of seconds", optarg);
			break;
		case 'k':
			if ((ret = release_arg(cmd, optarg, o->krel, sizeof(o->krel))))
				return ret;
			break;
		default:
			for (int i = 0; flags && flags[i].name && i < CMD_MAX_FLAGS; i++)
				if (c == flags[i].short_opt)
					c = FLAG_VAL + i;
			if (c < FLAG_VAL || c >= FLAG_VAL + CMD_MAX_FLAGS)
				return cmd_usage_err(cmd, "unknown option '%s'", argv[optind - 1]);
			o->flags |= 1u << (c - FLAG_VAL);
		}
	}
	/* --all stands for the module arguments: one or the other. */
	if ((which & CMD_OPT_ALL) && o->all == (optind < argc))
		return cmd_usage_err(cmd, o->all ? "--all takes no module arguments" : "no module given");
	return 0;
}

int cmd_opts_release(struct cmd_opts *o)
{
	return o->krel[0] ? 0 : running_release(o->krel, sizeof(o->krel));
}

int one_arg(const char *cmd, int argc, const char *many, const char *none)
{
	if (optind + 1 == argc)
		return 0;
	return cmd_usage_err(cmd, "%s", optind < argc ? many : none);
}

void live_name(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s", name);
	for (char *p = buf; *p; p++)
		if (*p == '-')
			*p = '_';
}

/*
 * A path (contains '/' or ends in ".ko") or the name of a module installed
 * for krel. Writes the path; -EINVAL when it is a name but not a valid one.
 */
static int module_arg_path(const char *arg, const char *krel, char *path, size_t size)
{
	size_t len = strlen(arg);

	if (strchr(arg, '/') || (len > 3 && !strcmp(arg + len - 3, ".ko"))) {
		if (len >= size)
			return -ENAMETOOLONG;
		memcpy(path, arg, len + 1);
		return 0;
	}
	if (!kp_name_ok(arg))
		return -EINVAL;
	return kp_store_path(krel, arg, path, size);
}

int module_arg_open(const char *cmd, const char *arg, const char *krel, struct kp_modfile *mf,
		    char *path, size_t size)
{
	struct kp_err err;
	int ret;

	ret = module_arg_path(arg, krel, path, size);
	if (ret == -EINVAL) {
		/* A valid name refused means krel is not a release: callers check it first, this guards. */
		if (kp_name_ok(arg) && kp_release_check(krel, "", KP_E_USAGE, &err))
			return cmd_usage_err(cmd, "%s", err.msg);
		return name_arg(cmd, arg);
	}
	if (ret)
		return p_err(KP_E_USAGE, "%s: module argument too long", arg);
	if (kp_modfile_open(path, 0, mf, &err)) {
		if (err.class == KP_E_NOTFOUND && strcmp(path, arg))
			return p_err(KP_E_NOTFOUND, "module %s is not installed for kernel %s (no %s); give a file path",
				     arg, krel, path);
		return p_kerr(&err);
	}
	return 0;
}

int name_arg(const char *cmd, const char *arg)
{
	struct kp_err err;

	if (kp_name_check(arg, "", KP_E_USAGE, &err))
		return cmd_usage_err(cmd, "%s", err.msg);
	return 0;
}

int release_arg(const char *cmd, const char *arg, char *krel, size_t size)
{
	struct kp_err err;

	if (kp_release_check(arg, "", KP_E_USAGE, &err))
		return cmd_usage_err(cmd, "%s", err.msg);
	snprintf(krel, size, "%s", arg);
	return 0;
}

int running_release(char *buf, size_t size)
{
	struct kp_err err;

	if (kp_running_release(buf, size, &err) ||
	    kp_release_check(buf, "the running kernel's release", KP_E_SYSTEM, &err))
		return p_kerr(&err);
	return 0;
}
