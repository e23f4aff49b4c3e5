// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch-package: build the per-kernel patch package (and its debug
 * companion) for a module built by kpatch-build --patch-version, or an
 * empty 0-0 package that subscribes a kernel before its first fix. Every
 * error is printed here, once.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "package/pkg.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kpatch-package --format deb|rpm --patch-version N-R [options] MODULE.ko\n"
		"       kpatch-package --format deb|rpm --empty -k KERNEL [options]\n"
		"\n"
		"Build the patch package of a live patch module for its kernel: the\n"
		"module built by `kpatch-build --patch-version N-R`, installed and loaded\n"
		"by the package's scripts through kpatch, and a debug-symbols companion\n"
		"(-dbgsym / -debuginfo) holding the unstripped module. --empty builds the\n"
		"0-0 package with no module, so a host can subscribe before the first fix.\n"
		"\n"
		"  -f, --format deb|rpm         package format\n"
		"  -p, --patch-version N-R      the package version (the module's name must match)\n"
		"  -e, --empty                  the empty 0-0 package for -k KERNEL\n"
		"  -k, --kernel KERNEL          kernel release (default: the module's)\n"
		"  -w, --withdraw NAME          mark an earlier patch module withdrawn (repeatable)\n"
		"      --kernel-deb-version V   Debian version of linux-image-KERNEL (default:\n"
		"                               the installed one, from dpkg-query)\n"
		"  -m, --maintainer 'NAME <MAIL>'  the packages' maintainer\n"
		"  -o, --output DIR             where the packages go (default: .)\n"
		"  -h, --help                   this text\n"
		"      --version                print the version\n"
		"\n"
		"Exit status: 0 built, 1 system error, 2 usage, 3 not found, 4 the module\n"
		"cannot be packaged (named, built or recorded wrongly), 5 a packaging tool\n"
		"failed. Nothing is written to DIR unless every package is built.\n");
}

static int p_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int p_fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("kpatch-package: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

static int p_kerr(const struct kp_err *err)
{
	return p_fail(err->class ? err->class : KP_E_SYSTEM, "%s", err->msg);
}

static void made(const char *path)
{
	printf("%s\n", path);
}

/* The installed kernel package's version, for the exact Depends. */
static int installed_kernel_version(struct kpkg *p, const char *stage, struct kp_err *err)
{
	static const char *const fmt[] = { "linux-image-%s", "linux-image-%s-unsigned" };
	char pkg[256], out[4200], log[4200];

	snprintf(out, sizeof(out), "%s/kernel-version", stage);
	snprintf(log, sizeof(log), "%s/dpkg-query.log", stage);
	for (size_t i = 0; i < 2; i++) {
		const char *argv[] = { "dpkg-query", "-W", "-f=${Version}", pkg, NULL };
		struct kp_err ignored;
		ssize_t n;
		int fd;

		snprintf(pkg, sizeof(pkg), fmt[i], p->krel);
		if (kpkg_run(argv, out, log, &ignored))
			continue;
		fd = open(out, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read(fd, p->kernel_deb_version, sizeof(p->kernel_deb_version) - 1);
		if (fd >= 0)
			close(fd);
		if (n > 0) {
			p->kernel_deb_version[n] = '\0';
			return 0;
		}
	}
	return kp_err_set(err, KP_E_NOTFOUND, 0,
			  "linux-image-%s is not installed here: give its Debian version with --kernel-deb-version",
			  p->krel);
}

enum { OPT_KDEBVER = 256, OPT_VERSION };

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "patch-version", required_argument, NULL, 'p' },
		{ "empty", no_argument, NULL, 'e' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "withdraw", required_argument, NULL, 'w' },
		{ "kernel-deb-version", required_argument, NULL, OPT_KDEBVER },
		{ "maintainer", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct kpkg p = { .outdir = ".", .tool_version = KPATCH_VERSION };
	const char *format = NULL, *version = NULL, *krel = NULL;
	struct kp_err err = { 0 };
	char stage[4096] = "", maint[256];
	bool empty = false;
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:p:ek:w:m:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'p': version = optarg; break;
		case 'e': empty = true; break;
		case 'k': krel = optarg; break;
		case 'm': p.maintainer = optarg; break;
		case 'o': p.outdir = optarg; break;
		case 'w':
			if (p.nwithdraw == KPKG_MAX_WITHDRAW)
				return p_fail(KP_E_USAGE, "--withdraw: at most %d modules", KPKG_MAX_WITHDRAW);
			p.withdraw[p.nwithdraw++] = optarg;
			break;
		case OPT_KDEBVER:
			if (snprintf(p.kernel_deb_version, sizeof(p.kernel_deb_version), "%s", optarg) >=
			    (int)sizeof(p.kernel_deb_version))
				return p_fail(KP_E_USAGE, "--kernel-deb-version: too long");
			break;
		case 'h': usage(stdout); return 0;
		case OPT_VERSION: printf("kpatch-package %s\n", KPATCH_VERSION); return 0;
		default:
			return p_fail(KP_E_USAGE, "%s: unknown option or missing argument (see kpatch-package --help)",
				      argv[optind - 1]);
		}
	}
	if (!format || (strcmp(format, "deb") && strcmp(format, "rpm")))
		return p_fail(KP_E_USAGE, "--format deb or --format rpm is needed (see kpatch-package --help)");
	p.format = strcmp(format, "deb") ? KPKG_RPM : KPKG_DEB;
	if (empty) {
		if (optind != argc)
			return p_fail(KP_E_USAGE, "--empty takes no module ('%s')", argv[optind]);
		if (!krel)
			return p_fail(KP_E_USAGE, "--empty needs -k KERNEL");
		if (version && strcmp(version, "0-0"))
			return p_fail(KP_E_USAGE, "--empty is version 0-0, not %s", version);
		version = "0-0";
	} else {
		if (argc - optind != 1)
			return p_fail(KP_E_USAGE, "one MODULE.ko, or --empty -k KERNEL (see kpatch-package --help)");
		if (!version)
			return p_fail(KP_E_USAGE, "--patch-version N-R is needed with a module");
		p.module_path = argv[optind];
	}
	if (kp_pkg_version_parse(version, &p.version, &err))
		return p_kerr(&err);
	if (!empty && !p.version.patch)
		return p_fail(KP_E_USAGE, "version 0-0 is the empty package: use --empty");
	snprintf(p.version_str, sizeof(p.version_str), "%s", version);
	if (krel && snprintf(p.krel, sizeof(p.krel), "%s", krel) >= (int)sizeof(p.krel))
		return p_fail(KP_E_USAGE, "-k: kernel release too long");
	/* NAME or NAME@<this kernel>: the list is written for this kernel */
	for (size_t i = 0; i < p.nwithdraw; i++) {
		char *at = strchr(p.withdraw[i], '@');

		if (at && krel && strcmp(at + 1, krel))
			return p_fail(KP_E_USAGE, "--withdraw %s: not for kernel %s", p.withdraw[i], krel);
		if (at)
			*at = '\0';
	}
	if (!p.maintainer && getenv("DEBFULLNAME") && getenv("DEBEMAIL") &&
	    snprintf(maint, sizeof(maint), "%s <%s>", getenv("DEBFULLNAME"), getenv("DEBEMAIL")) <
	    (int)sizeof(maint))
		p.maintainer = maint;
	if (!p.maintainer)
		return p_fail(KP_E_USAGE, "who maintains the packages? give --maintainer 'NAME <MAIL>' (or set DEBFULLNAME and DEBEMAIL)");
	if ((!empty && kpkg_read_module(&p, &err)) || kpkg_set_names(&p, &err))
		return p_kerr(&err);
	if (kpkg_stage_open(p.outdir, stage, sizeof(stage), &err))
		return p_kerr(&err);
	if (p.format == KPKG_DEB && !empty && !p.kernel_deb_version[0] &&
	    installed_kernel_version(&p, stage, &err))
		ret = p_kerr(&err);
	else if (p.format == KPKG_DEB ? kpkg_build_deb(&p, stage, made, &err) :
		 kpkg_build_rpm(&p, stage, made, &err))
		ret = p_kerr(&err);
	else
		ret = 0;
	if (!ret && p.module_name[0] && !p.build_id[0])
		fprintf(stderr, "kpatch-package: warning: %s has no build-id: no debug-symbols package\n",
			p.module_path);
	if (!ret && p.is_signed)
		fprintf(stderr, "kpatch-package: note: %s is signed: shipped unstripped, as signed\n",
			p.module_path);
	kpkg_stage_remove(stage);
	return ret;
}
