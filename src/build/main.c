// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch-build: from source patches to a livepatch module for one exact
 * kernel, compiling only the objects the patches touch. This file reads the
 * command line, runs the pipeline in order and is the one place that prints
 * an error (one line, "kpatch-build: error: ...", exit code from kb.h).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "common/regfile.h"
#include "build/kb.h"
#include "build/depindex.h"
#include "build/sign.h"
#include "kpatchlib/pkgname.h"

static const char usage_text[] =
	"Usage: kpatch-build [options] PATCH [PATCH...]\n"
	"Build a livepatch module <name>.ko from source patches for one kernel.\n"
	"\n"
	"  -k, --kernel KREL        kernel release to patch (default: the running kernel)\n"
	"  -s, --sourcedir DIR      use this kernel source tree instead of fetching\n"
	"                           Debian's linux-source (prepared in place once)\n"
	"  -c, --config FILE        kernel config (default: the kernel's own)\n"
	"      --symbols FILE       the kernel's System.map or vmlinux, for exact\n"
	"                           symbol positions (default: fetched with the source)\n"
	"  -n, --name NAME          module name (default: kpatch_<first patch name>)\n"
	"      --patch-version N-R  name the module for patch packages (kpatch-package):\n"
	"                           kpatch_<kernel release>_N_R, as 1-1 or 2-1\n"
	"  -o, --output PATH        output directory or .ko file (default: .)\n"
	"  -j, --jobs N             parallel compile jobs (default: CPUs)\n"
	"      --cve ID             record a CVE the patch fixes (repeatable)\n"
	"      --description TEXT   record a one-line description\n"
	"      --no-replace         stack on other patches instead of replacing them\n"
	"      --sign-key KEY       sign the module with this private key (PEM) ...\n"
	"      --sign-cert CERT     ... and this X.509 certificate, using the kernel's\n"
	"                           scripts/sign-file and CONFIG_MODULE_SIG_HASH\n"
	"      --keep-tmp           keep the work directory and print its path\n"
	"      --skip-compiler-check  build even when gcc differs from the kernel's\n"
	"      --skip-init          apply a patch that also changes __init code: its\n"
	"                           runtime part only; the init functions left out are named\n"
	"      --max-objects N      a changed header may rebuild at most N objects\n"
	"                           (default 100); more is refused, naming the count\n"
	"  -v, --verbose            show the differ's decisions and symbol resolution\n"
	"  -h, --help               this text\n"
	"      --version            print the version\n"
	"\n"
	"Environment: KPATCH_CACHE (cache directory, default ~/.cache/kpatch-dev),\n"
	"KPATCH_DIFF (the differ, default: kpatch-diff next to kpatch-build).\n"
	"Exit codes: 0 built, 1 usage or input, 2 environment, 3 no functional change,\n"
	"4 refused (unsafe change or unresolvable symbol), 5 patch does not apply,\n"
	"6 compiler mismatch, 7 compile error, 8 module build error,\n"
	"9 nothing to patch at runtime (only boot-time __init/__exit code changed).\n"
	"Every refusal names its way out; kpatch-build(1), REFUSALS, lists them.\n";

enum { OPT_SYMBOLS = 256, OPT_CVE, OPT_DESC, OPT_KEEP, OPT_SKIPCC, OPT_VERSION, OPT_NOREPLACE,
       OPT_SIGNKEY, OPT_SIGNCERT, OPT_SKIPINIT, OPT_MAXOBJS, OPT_PATCHVER };

static const struct option long_opts[] = {
	{ "kernel", required_argument, NULL, 'k' },
	{ "sourcedir", required_argument, NULL, 's' },
	{ "config", required_argument, NULL, 'c' },
	{ "symbols", required_argument, NULL, OPT_SYMBOLS },
	{ "name", required_argument, NULL, 'n' },
	{ "output", required_argument, NULL, 'o' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "cve", required_argument, NULL, OPT_CVE },
	{ "description", required_argument, NULL, OPT_DESC },
	{ "no-replace", no_argument, NULL, OPT_NOREPLACE },
	{ "sign-key", required_argument, NULL, OPT_SIGNKEY },
	{ "sign-cert", required_argument, NULL, OPT_SIGNCERT },
	{ "keep-tmp", no_argument, NULL, OPT_KEEP },
	{ "skip-compiler-check", no_argument, NULL, OPT_SKIPCC },
	{ "skip-init", no_argument, NULL, OPT_SKIPINIT },
	{ "max-objects", required_argument, NULL, OPT_MAXOBJS },
	{ "patch-version", required_argument, NULL, OPT_PATCHVER },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static bool valid_release(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+_-", *s))
			return false;
	return true;
}

/* Module names: the kernel keeps 55 characters; kbuild wants C-like names. */
static char *module_name(const char *given, const char *patch)
{
	const char *base = strrchr(patch, '/') ? strrchr(patch, '/') + 1 : patch;
	char *name = given ? strdup(given) : kb_path("kpatch_%s", base), *p;

	if (!given) {
		p = strrchr(name, '.');
		if (p && (!strcmp(p, ".patch") || !strcmp(p, ".diff")))
			*p = '\0';
	}
	for (p = name; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", *p))
			*p = '_';
	if (strlen(name) > 55)
		name[55] = '\0';
	return name;
}

/* Signing is a step after the pipeline, so its options live here. */
static const char *sign_key, *sign_cert;
/* --patch-version: the module is named by the package scheme (pkgname.h). */
static const char *patch_version;

/* The long option whose value is VAL, for a message; NULL if none. */
static const char *long_name(int val)
{
	for (const struct option *o = long_opts; o->name; o++)
		if (o->val == val)
			return o->name;
	return NULL;
}

/* How many long options start with the NAME given (more than one: ambiguous). */
static int prefix_matches(const char *name)
{
	int n = 0;

	for (const struct option *o = long_opts; o->name; o++)
		n += !strncmp(o->name, name, strlen(name));
	return n;
}

/*
 * getopt's own messages are off (opterr = 0): a bad option is one line of
 * ours, naming the option (escaped: it is the caller's text) and what is
 * wrong with it. C is getopt_long's ':' or '?'.
 */
static int bad_option(struct kb *kb, int c, char **argv)
{
	const char *elem = argv[optind - 1], *lname = long_name(optopt);
	char opt[128], shown[160];

	/* a long option's element is the one getopt just passed; a short one is -C */
	if (!strncmp(elem, "--", 2) && (c == ':' || !optopt || lname))
		snprintf(opt, sizeof(opt), "%.*s", (int)strcspn(elem, "="), elem);
	else
		snprintf(opt, sizeof(opt), "-%c", optopt);
	kp_escape(opt, shown, sizeof(shown));
	if (c == ':')
		return kb_fail(&kb->err, KB_EUSAGE, "%s: option requires an argument; see kpatch-build --help",
			       shown);
	if (optopt && lname)
		return kb_fail(&kb->err, KB_EUSAGE, "%s: option takes no argument; see kpatch-build --help",
			       shown);
	return kb_fail(&kb->err, KB_EUSAGE, "%s: %s option; see kpatch-build --help", shown,
		       !optopt && prefix_matches(opt + 2) > 1 ? "ambiguous" : "unknown");
}

static int parse_args(struct kb *kb, int argc, char **argv)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:s:c:n:o:j:vh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'k': kb->krel = optarg; break;
		case 's': kb->sourcedir = optarg; break;
		case 'c': kb->config = optarg; kb->config_given = true; break;
		case OPT_SYMBOLS: kb->symbols = optarg; break;
		case 'n': kb->name = optarg; break;
		case 'o': kb->output = optarg; break;
		case 'j': {
			char *end;
			long j = strtol(optarg, &end, 10);

			if (*end || j < 1 || j > 256)
				return kb_fail(&kb->err, KB_EUSAGE, "--jobs %s: expected a number from 1 to 256", optarg);
			kb->jobs = (int)j;
			break;
		}
		case OPT_CVE:
			if (kb->ncves == (int)(sizeof(kb->cves) / sizeof(kb->cves[0])))
				return kb_fail(&kb->err, KB_EUSAGE, "--cve: at most 32 CVEs");
			if (!*optarg || strpbrk(optarg, ", \t\n"))
				return kb_fail(&kb->err, KB_EUSAGE, "--cve '%s': one ID without commas or spaces", optarg);
			kb->cves[kb->ncves++] = optarg;
			break;
		case OPT_DESC: kb->description = optarg; break;
		case OPT_NOREPLACE: kb->replace = false; break;
		case OPT_SIGNKEY: sign_key = optarg; break;
		case OPT_SIGNCERT: sign_cert = optarg; break;
		case OPT_PATCHVER: patch_version = optarg; break;
		case OPT_KEEP: kb->keep_tmp = true; break;
		case OPT_SKIPCC: kb->skip_compiler_check = true; break;
		case OPT_SKIPINIT: kb->skip_init = true; break;
		case OPT_MAXOBJS: {
			char *end;
			long m = strtol(optarg, &end, 10);

			if (*end || m < 1 || m > 100000)
				return kb_fail(&kb->err, KB_EUSAGE, "--max-objects %s: expected a number from 1 to 100000", optarg);
			kb->max_objects = (int)m;
			break;
		}
		case 'v': kb->verbose = true; break;
		case 'h': fputs(usage_text, stdout); exit(0);
		case OPT_VERSION: printf("kpatch-build %s\n", KPATCH_VERSION); exit(0);
		default:
			return bad_option(kb, c, argv);
		}
	}
	if (optind >= argc)
		return kb_fail(&kb->err, KB_EUSAGE, "no patch given; see kpatch-build --help");
	kb->patches = &argv[optind];
	kb->npatches = argc - optind;
	if (kb->krel && !valid_release(kb->krel))
		return kb_fail(&kb->err, KB_EUSAGE, "--kernel '%s': not a kernel release", kb->krel);
	if (kb->name && (!*kb->name || strlen(kb->name) > 55))
		return kb_fail(&kb->err, KB_EUSAGE, "--name '%s': 1 to 55 characters", kb->name);
	return kb_sign_check_args(&kb->err, sign_key, sign_cert);
}

/*
 * The module's path may exist already, but only as a regular file to
 * replace: writing into a FIFO would block, into a directory fail after
 * the whole build.
 */
static int output_not_file(struct kb *kb)
{
	struct stat st;
	char shown[256];

	if (stat(kb->module_path, &st) || S_ISREG(st.st_mode))
		return 0;
	return kb_fail(&kb->err, KB_EUSAGE, "--output %s: %s is %s, not a regular file", kb->output,
		       kp_escape(kb->module_path, shown, sizeof(shown)),
		       S_ISDIR(st.st_mode) ? "a directory" : S_ISFIFO(st.st_mode) ? "a FIFO" :
		       "a special file");
}

static int setup_env(struct kb *kb)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const char *cache = getenv("KPATCH_CACHE"), *differ = getenv("KPATCH_DIFF");
	static struct utsname u;

	if (n <= 0)
		return kb_fail(&kb->err, KB_EENV, "cannot find my own path: %s", strerror(errno));
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	kb->self_dir = strdup(self);
	kb->differ = differ && *differ ? strdup(differ) : kb_path("%s/kpatch-diff", self);
	if (cache && *cache)
		kb->cache = strdup(cache);
	else if (getenv("XDG_CACHE_HOME") && *getenv("XDG_CACHE_HOME"))
		kb->cache = kb_path("%s/kpatch-dev", getenv("XDG_CACHE_HOME"));
	else
		kb->cache = kb_path("%s/.cache/kpatch-dev", getenv("HOME") ? getenv("HOME") : "/root");
	if (!kb->krel) {
		uname(&u);
		kb->krel = u.release;
	}
	if (!kb->jobs) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);

		kb->jobs = c > 0 ? (int)c : 1;
	}
	if (patch_version) {
		struct kp_pkg_version v;
		struct kp_err perr;
		char pname[64];

		if (kp_pkg_version_parse(patch_version, &v, &perr) ||
		    kp_pkg_module_name(kb->krel, &v, pname, sizeof(pname), &perr))
			return kb_fail(&kb->err, KB_EUSAGE, "--patch-version: %s", perr.msg);
		if (!v.patch)
			return kb_fail(&kb->err, KB_EUSAGE,
				       "--patch-version 0-0 is the empty package, which has no module");
		if (kb->name && strcmp(kb->name, pname))
			return kb_fail(&kb->err, KB_EUSAGE,
				       "--name %s and --patch-version %s: the package needs the module named %s; leave --name out",
				       kb->name, patch_version, pname);
		kb->name = kb->name_owned = strdup(pname);
	} else {
		kb->name = kb->name_owned = module_name(kb->name, kb->patches[0]);
	}
	if (!kb->output)
		kb->output = ".";
	{
		size_t l = strlen(kb->output);
		char *dir;
		int rc;

		if (l > 3 && !strcmp(kb->output + l - 3, ".ko")) {
			kb->module_path = strdup(kb->output);
			dir = strdup(kb->output);
			*(strrchr(dir, '/') ? strrchr(dir, '/') : dir) = '\0';
		} else {
			kb->module_path = kb_path("%s/%s.ko", kb->output, kb->name);
			dir = strdup(kb->output);
		}
		/*
		 * Found out now, not after a minute of compiling; but created
		 * only when the module is written, so a failed build leaves
		 * no directories behind.
		 */
		kb->output_dir = dir;
		if (*dir && (rc = kb_check_dir(dir)))
			return kb_fail(&kb->err, KB_EUSAGE, "--output %s: cannot write into %s: %s",
				       kb->output, dir, strerror(-rc));
		if (output_not_file(kb))
			return -1;
	}
	{
		const char *tmpdir = getenv("TMPDIR");
		char *t = kb_path("%s/kpatch-build.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");

		if (!mkdtemp(t))
			return kb_fail(&kb->err, KB_EENV, "cannot create a work directory %s: %s", t,
				       strerror(errno));
		kb->work = t;
	}
	return 0;
}

/*
 * Ctrl-C reaches make and the other children too (same process group); they
 * stop, the step fails, and main sees the flag and cleans up instead of
 * reporting the failed step.
 */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int pipeline(struct kb *kb)
{
	int (*const steps[])(struct kb *) = {
		kb_read_patches, kb_locate_kernel, kb_check_compiler, kb_prepare_tree,
		kb_workspace_open, kb_depindex_expand,
		/* Patched first: a patch that does not apply fails before any compiling. */
		kb_apply_patches, kb_compile_patched, kb_revert_patches, kb_compile_original,
		kb_diff, kb_resolve, kb_build_module,
	};

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (interrupted || steps[i](kb))
			return -1;
		if (steps[i] == kb_compile_original)
			kb_workspace_close(kb);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct kb kb = { .replace = true };
	double t0 = now();
	size_t changed = 0, added = 0;
	char names[512] = "";
	int ret;

	catch_signals();
	ret = parse_args(&kb, argc, argv);
	if (!ret)
		ret = setup_env(&kb);
	if (!ret)
		ret = pipeline(&kb);
	if (!ret && sign_key)
		ret = kb_sign_module(&kb, sign_key, sign_cert);
	kb_workspace_close(&kb);
	/* a module written and then refused (signing) took its directories with it */
	if (ret && kb.output_made)
		kb_rmdirs_made(kb.output_dir, kb.output_made);
	if (ret && interrupted) {
		if (kb.work && !kb.keep_tmp)
			kb_rmtree(kb.work);
		fprintf(stderr, "kpatch-build: error: interrupted by signal %d; nothing was written\n",
			(int)interrupted);
		kb_free(&kb);
		return 128 + interrupted;
	}
	if (kb.work) {
		/* Kept when the error names a log in it. */
		bool logs = ret && strstr(kb.err.msg, kb.work);

		if (kb.keep_tmp || logs)
			fprintf(stderr, "kpatch-build: work directory kept: %s\n", kb.work);
		else
			kb_rmtree(kb.work);
	}
	if (ret) {
		fprintf(stderr, "kpatch-build: error: %s\n", kb.err.msg);
		kb_free(&kb);
		return kb.err.code ? kb.err.code : KB_EENV;
	}
	for (size_t i = 0; i < kb.nfuncs; i++) {
		if (kb.funcs[i].is_new) {
			added++;
			continue;
		}
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 changed++ ? ", " : "", kb.funcs[i].name);
	}
	printf("kpatch-build: built %s for %s in %.1f s: %zu function%s patched (%s), %zu new, %zu livepatch symbol%s\n",
	       kb.module_path, kb.krel, now() - t0, changed, changed == 1 ? "" : "s", names,
	       added, kb.nrefs, kb.nrefs == 1 ? "" : "s");
	kb_free(&kb);
	return 0;
}
