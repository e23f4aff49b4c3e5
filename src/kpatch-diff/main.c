// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch-diff: compare one original/patched object pair and write the object
 * a live patch module must carry, plus its manifest. kpatch-build runs it
 * for every object a patch touches; run by hand with -v it explains each
 * decision. All errors are printed here, one line each.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/regfile.h"
#include "diff/diff.h"

/*
 * --result: where the outcome goes for the driver, in every case once the
 * path is known not to be an input (result_checked).
 */
static const char *result_path;
static bool result_checked;
/* The changed boot-time code of the run, for the result file's "init" */
static const char *result_init;

/*
 * The one place kpatch-diff reports how a run ended: one line on stderr
 * and, with --result, the same status and reason in the result file.
 * Returns the exit code, which is the status (enum kdiff_status).
 */
static int __attribute__((format(printf, 2, 3))) d_end(enum kdiff_status st, const char *fmt, ...)
{
	char line[1200], msg[600];
	va_list ap;

	line[0] = '\0';
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(line, sizeof(line), fmt, ap);
		va_end(ap);
		fprintf(stderr, "kpatch-diff: %s\n", line);
	}
	if (result_path && result_checked && kdiff_result_write(result_path, st, line, result_init, msg,
								   sizeof(msg))) {
		fprintf(stderr, "kpatch-diff: --result %s\n", msg);
		return KDIFF_ERROR;
	}
	return st;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kpatch-diff [-v] [--entry-sizes FILE] [--exports FILE] [--object-name NAME]\n"
		"                   [--skip-init]\n"
		"                   [--result RESULT.json]\n"
		"                   ORIG.o PATCHED.o -o OUT.o --manifest OUT.json\n"
		"\n"
		"Compare an object compiled before and after a source patch (both with\n"
		"-ffunction-sections -fdata-sections) and write the object a live patch\n"
		"module must carry: changed and new functions, the data they need, and\n"
		"their special-section entries. References to everything else become\n"
		"undefined symbols, listed in the JSON manifest.\n"
		"\n"
		"  -o, --output OUT.o         object to write\n"
		"  -m, --manifest OUT.json    manifest to write\n"
		"  -r, --result RESULT.json   write how the run ended, in every case:\n"
		"                             {\"status\", \"code\", \"reason\"} (for drivers)\n"
		"  -n, --object-name NAME     patched object's name in messages and the\n"
		"                             manifest (vmlinux or a module name;\n"
		"                             default: PATCHED.o's base name)\n"
		"  -e, --entry-sizes FILE     JSON {section: entry size} of the kernel\n"
		"  -x, --exports FILE         the kernel's Module.symvers: refuse jump-label\n"
		"                             and static-call keys it does not export\n"
		"  -s, --skip-init            leave changed __init code and data out (it ran\n"
		"                             at boot) instead of refusing a patch that also\n"
		"                             changes runtime code; a warning names it\n"
		"  -v, --verbose              print every decision to stderr\n"
		"  -h, --help                 this text\n"
		"      --version              print the version\n"
		"\n"
		"Exit status: 0 changed (outputs written), 1 usage or I/O error, an\n"
		"input that is not a well-formed object, an output that is an input, or\n"
		"two objects that are not one object before and after a patch,\n"
		"3 no functional change, 4 the change cannot be live patched,\n"
		"9 nothing to patch at runtime: only boot-time (__init/__exit) code changed.\n"
		"Warnings (\"kpatch-diff: NAME: warning: ...\") say what was applied with a\n"
		"caveat: an export not added, init code left out, a forced change.\n"
		"Author macros (kpatch-author.h) are described in kpatch-author(7).\n");
}

static void log_line(void *ctx, const char *fmt, va_list ap)
{
	fputs("kpatch-diff: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static char *default_name(const char *path)
{
	char *copy = strdup(path), *base, *dot, *name;

	if (!copy)
		return NULL;
	base = basename(copy);
	dot = strrchr(base, '.');
	if (dot && !strcmp(dot, ".o"))
		*dot = '\0';
	name = strdup(base);
	free(copy);
	return name;
}

/*
 * An input must be a regular file: a FIFO would block the loader forever.
 * OPT names the option that gave it ("--exports: "), or is "" for an object.
 */
static bool input_ok(const char *opt, const char *path, struct stat *st)
{
	const char *kind;
	int fd = kp_open_regular(path, &kind);

	if (fd == KP_NOT_REGULAR) {
		d_end(KDIFF_ERROR, "%s%s: %s, not a regular file", opt, path, kind);
		return false;
	}
	if (fd < 0 || fstat(fd, st)) {
		d_end(KDIFF_ERROR, "%s%s: %s", opt, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	close(fd);
	return true;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * An output that is an input (the same path, another path, a hard link or
 * a symbolic link to it) would be overwritten: refused before anything is
 * read. Outputs that do not exist yet cannot be an input.
 */
static bool outputs_ok(const char *orig, const char *patched, const char *out,
		       const char *manifest)
{
	const char *ins[2] = { orig, patched }, *outs[3] = { out, manifest, result_path };
	const char *opt[3] = { "-o", "--manifest", "--result" };
	int nout = result_path ? 3 : 2;
	struct stat in[2], o[3];
	bool exists[3];

	for (int i = 0; i < 2; i++)
		if (!input_ok("", ins[i], &in[i]))
			return false;
	for (int i = 0; i < nout; i++) {
		exists[i] = !stat(outs[i], &o[i]);
		for (int j = 0; exists[i] && j < 2; j++)
			if (same_file(&o[i], &in[j])) {
				d_end(KDIFF_ERROR, "%s %s: is the input %s; refusing to overwrite it",
				      opt[i], outs[i], ins[j]);
				return false;
			}
	}
	for (int i = 0; i < nout; i++)
		for (int j = i + 1; j < nout; j++)
			if (!strcmp(outs[i], outs[j]) ||
			    (exists[i] && exists[j] && same_file(&o[i], &o[j]))) {
				d_end(KDIFF_ERROR, "%s %s and %s %s: the same file", opt[i], outs[i],
				      opt[j], outs[j]);
				return false;
			}
	result_checked = true;
	return true;
}

static int run(const char *orig, const char *patched, const char *out, const char *manifest,
	       const char *name, const struct kdiff_opts *opts)
{
	struct kdiff_result res;
	enum kdiff_status st;
	struct kelf_err err;
	char msg[600];
	int rc;

	st = kdiff_run(orig, patched, opts, &res);
	result_init = res.init;
	switch (st) {
	case KDIFF_CHANGED:
		for (size_t i = 0; i < res.nwarnings; i++)
			fprintf(stderr, "kpatch-diff: %s: warning: %s\n", name, res.warnings[i]);
		if (kelf_write(res.out, out, &err)) {
			rc = d_end(KDIFF_ERROR, "%s: cannot write: %s", name, err.msg);
		} else if (kdiff_manifest_write(&res, name, manifest, msg, sizeof(msg))) {
			remove(out);
			rc = d_end(KDIFF_ERROR, "%s: %s", name, msg);
		} else {
			rc = d_end(KDIFF_CHANGED, NULL);
		}
		break;
	case KDIFF_NO_CHANGE:
		rc = d_end(st, "%s: no functional change", name);
		break;
	case KDIFF_REFUSED:
	case KDIFF_INIT_ONLY:
		rc = d_end(st, "%s: %s", name, res.msg);
		break;
	default:
		rc = d_end(KDIFF_ERROR, "%s: %s", name, res.msg);
		break;
	}
	kdiff_result_free(&res);
	result_init = NULL;
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "manifest", required_argument, NULL, 'm' },
		{ "result", required_argument, NULL, 'r' },
		{ "object-name", required_argument, NULL, 'n' },
		{ "entry-sizes", required_argument, NULL, 'e' },
		{ "exports", required_argument, NULL, 'x' },
		{ "skip-init", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *manifest = NULL, *sizes_path = NULL, *exports_path = NULL;
	struct kdiff_entry_sizes sizes = { NULL, 0 };
	struct kdiff_exports exports = { 0 };
	struct kdiff_opts opts = { .entry_sizes = NULL };
	char *name = NULL, msg[600];
	struct stat sb;
	int c, rc;

	opterr = 0;	/* one line per error, ours */
	while ((c = getopt_long(argc, argv, "o:m:r:n:e:x:svh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'm':
			manifest = optarg;
			break;
		case 'r':
			result_path = optarg;
			break;
		case 'n':
			free(name);
			name = strdup(optarg);
			opts.object = optarg;
			break;
		case 'e':
			sizes_path = optarg;
			break;
		case 'x':
			exports_path = optarg;
			break;
		case 's':
			opts.skip_init = true;
			break;
		case 'v':
			opts.log = log_line;
			break;
		case 'h':
			usage(stdout);
			free(name);
			return KDIFF_CHANGED;
		case 'V':
			printf("kpatch-diff %s\n", KPATCH_VERSION);
			free(name);
			return KDIFF_CHANGED;
		default:
			free(name);
			return d_end(KDIFF_ERROR, "%s: unknown option or missing argument; see kpatch-diff --help",
				     argv[optind - 1]);
		}
	}
	if (argc - optind != 2 || !out || !manifest)
		rc = d_end(KDIFF_ERROR, "need ORIG.o PATCHED.o, -o OUT.o and --manifest OUT.json; see kpatch-diff --help");
	else if (!outputs_ok(argv[optind], argv[optind + 1], out, manifest))
		rc = KDIFF_ERROR;
	else if (!name && !(name = default_name(argv[optind + 1])))
		rc = d_end(KDIFF_ERROR, "out of memory");
	/* the loaders refuse a FIFO too; input_ok says so in the tool's words */
	else if (sizes_path && !input_ok("--entry-sizes: ", sizes_path, &sb))
		rc = KDIFF_ERROR;
	else if (sizes_path && kdiff_entry_sizes_load(sizes_path, &sizes, msg, sizeof(msg)))
		rc = d_end(KDIFF_ERROR, "--entry-sizes: %s", msg);
	else if (exports_path && !input_ok("--exports: ", exports_path, &sb))
		rc = KDIFF_ERROR;
	else if (exports_path && kdiff_exports_load(exports_path, &exports, msg, sizeof(msg)))
		rc = d_end(KDIFF_ERROR, "--exports: %s", msg);
	else {
		opts.entry_sizes = sizes_path ? &sizes : NULL;
		opts.exports = exports_path ? &exports : NULL;
		rc = run(argv[optind], argv[optind + 1], out, manifest, name, &opts);
	}
	kdiff_entry_sizes_free(&sizes);
	kdiff_exports_free(&exports);
	free(name);
	return rc;
}
