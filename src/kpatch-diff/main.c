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

/* exit codes (documented in kpatch-diff(1)) */
enum {
	EXIT_CHANGED = 0,
	EXIT_USAGE_IO = 1,
	EXIT_NO_CHANGE = 3,
	EXIT_REFUSED = 4,
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kpatch-diff [-v] [--entry-sizes FILE] [--exports FILE] [--object-name NAME]\n"
		"                   [--skip-init]\n"
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
		"  -n, --object-name NAME     patched object's name in messages and the\n"
		"                             manifest (vmlinux or a module name;\n"
		"                             default: PATCHED.o's base name)\n"
		"  -e, --entry-sizes FILE     JSON {section: entry size} of the kernel\n"
		"  -x, --exports FILE         the kernel's Module.symvers: refuse jump-label\n"
		"                             and static-call keys it does not export\n"
		"  -s, --skip-init            leave changed __init code and data out (it ran\n"
		"                             at boot) instead of refusing; a warning names it\n"
		"  -v, --verbose              print every decision to stderr\n"
		"  -h, --help                 this text\n"
		"      --version              print the version\n"
		"\n"
		"Exit status: 0 changed (outputs written), 1 usage or I/O error, an\n"
		"input that is not a well-formed object, an output that is an input, or\n"
		"two objects that are not one object before and after a patch,\n"
		"3 no functional change, 4 the change cannot be live patched.\n"
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
		fprintf(stderr, "kpatch-diff: %s%s: %s, not a regular file\n", opt, path, kind);
		return false;
	}
	if (fd < 0 || fstat(fd, st)) {
		fprintf(stderr, "kpatch-diff: %s%s: %s\n", opt, path, strerror(errno));
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
	const char *ins[2] = { orig, patched }, *outs[2] = { out, manifest };
	const char *opt[2] = { "-o", "--manifest" };
	struct stat in[2], o[2];
	bool exists[2];

	for (int i = 0; i < 2; i++)
		if (!input_ok("", ins[i], &in[i]))
			return false;
	for (int i = 0; i < 2; i++) {
		exists[i] = !stat(outs[i], &o[i]);
		for (int j = 0; exists[i] && j < 2; j++)
			if (same_file(&o[i], &in[j])) {
				fprintf(stderr, "kpatch-diff: %s %s: is the input %s; refusing to "
					"overwrite it\n", opt[i], outs[i], ins[j]);
				return false;
			}
	}
	if (!strcmp(out, manifest) || (exists[0] && exists[1] && same_file(&o[0], &o[1]))) {
		fprintf(stderr, "kpatch-diff: -o %s and --manifest %s: the same file\n", out,
			manifest);
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "manifest", required_argument, NULL, 'm' },
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
	struct kdiff_result res;
	char *name = NULL, msg[600];
	enum kdiff_status st;
	struct kelf_err err;
	int c, rc;

	opterr = 0;	/* one line per error, ours */
	while ((c = getopt_long(argc, argv, "o:m:n:e:x:svh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'm':
			manifest = optarg;
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
			return EXIT_CHANGED;
		case 'V':
			printf("kpatch-diff %s\n", KPATCH_VERSION);
			return EXIT_CHANGED;
		default:
			fprintf(stderr, "kpatch-diff: %s: unknown option or missing argument; see "
				"kpatch-diff --help\n", argv[optind - 1]);
			free(name);
			return EXIT_USAGE_IO;
		}
	}
	if (argc - optind != 2 || !out || !manifest) {
		fprintf(stderr, "kpatch-diff: need ORIG.o PATCHED.o, -o OUT.o and --manifest "
			"OUT.json; see kpatch-diff --help\n");
		free(name);
		return EXIT_USAGE_IO;
	}
	if (!outputs_ok(argv[optind], argv[optind + 1], out, manifest)) {
		free(name);
		return EXIT_USAGE_IO;
	}
	if (!name)
		name = default_name(argv[optind + 1]);
	if (!name) {
		fprintf(stderr, "kpatch-diff: out of memory\n");
		return EXIT_USAGE_IO;
	}
	if (sizes_path) {
		/* the loaders refuse a FIFO too; this says so in the tool's words */
		struct stat sb;

		if (!input_ok("--entry-sizes: ", sizes_path, &sb)) {
			free(name);
			return EXIT_USAGE_IO;
		}
		if (kdiff_entry_sizes_load(sizes_path, &sizes, msg, sizeof(msg))) {
			fprintf(stderr, "kpatch-diff: --entry-sizes: %s\n", msg);
			free(name);
			return EXIT_USAGE_IO;
		}
		opts.entry_sizes = &sizes;
	}
	if (exports_path) {
		struct stat sb;

		if (!input_ok("--exports: ", exports_path, &sb)) {
			kdiff_entry_sizes_free(&sizes);
			free(name);
			return EXIT_USAGE_IO;
		}
		if (kdiff_exports_load(exports_path, &exports, msg, sizeof(msg))) {
			fprintf(stderr, "kpatch-diff: --exports: %s\n", msg);
			kdiff_entry_sizes_free(&sizes);
			free(name);
			return EXIT_USAGE_IO;
		}
		opts.exports = &exports;
	}

	st = kdiff_run(argv[optind], argv[optind + 1], &opts, &res);
	switch (st) {
	case KDIFF_CHANGED:
		rc = EXIT_CHANGED;
		for (size_t i = 0; i < res.nwarnings; i++)
			fprintf(stderr, "kpatch-diff: %s: warning: %s\n", name, res.warnings[i]);
		if (kelf_write(res.out, out, &err)) {
			fprintf(stderr, "kpatch-diff: %s: cannot write: %s\n", name, err.msg);
			rc = EXIT_USAGE_IO;
		} else if (kdiff_manifest_write(&res, name, manifest, msg, sizeof(msg))) {
			fprintf(stderr, "kpatch-diff: %s: %s\n", name, msg);
			remove(out);
			rc = EXIT_USAGE_IO;
		}
		break;
	case KDIFF_NO_CHANGE:
		fprintf(stderr, "kpatch-diff: %s: no functional change\n", name);
		rc = EXIT_NO_CHANGE;
		break;
	case KDIFF_REFUSED:
		fprintf(stderr, "kpatch-diff: %s: %s\n", name, res.msg);
		rc = EXIT_REFUSED;
		break;
	default:
		fprintf(stderr, "kpatch-diff: %s: %s\n", name, res.msg);
		rc = EXIT_USAGE_IO;
		break;
	}
	kdiff_result_free(&res);
	kdiff_entry_sizes_free(&sizes);
	kdiff_exports_free(&exports);
	free(name);
	return rc;
}
