// SPDX-License-Identifier: GPL-2.0
/*
 * The Debian packages: a tree staged by hand and built by dpkg-deb
 * (--root-owner-group, so no fakeroot is needed). The maintainer scripts
 * call kpatch and nothing else: install and load on configure, unload and
 * uninstall on removal (kpatch.conf may keep it loaded), so the logic of
 * what is installed and running stays in kpatch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "package/pkg.h"

#define MODDIR "/usr/lib/kpatch-patch"

static const char *when(char *buf, size_t size)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	return buf;
}

static const char *maintainer(const struct kpkg *p)
{
	return p->maintainer;
}

/* Lines after the summary: the CVEs, the description; Debian's extended form. */
static void describe(const struct kpkg *p, char *buf, size_t size, const char *lead)
{
	size_t n = 0;

	buf[0] = '\0';
	if (p->description[0])
		n += (size_t)snprintf(buf + n, size - n, "%s%s\n", lead, p->description);
	if (p->cves[0] && n < size)
		n += (size_t)snprintf(buf + n, size - n, "%sFixes: %s\n", lead, p->cves);
	if (!p->module_name[0] && n < size)
		snprintf(buf + n, size - n,
			 "%sNo fix yet: this empty package subscribes the kernel to the patch\n"
			 "%spackages that follow (0-0).\n", lead, lead);
}

static int doc_files(const struct kpkg *p, const char *root, const char *pkg, const char *stage,
		     struct kp_err *err)
{
	char dir[4300], path[4400], text[2048], date[64], more[1024], gz[4200], log[4200];
	const char *argv[] = { "gzip", "-9n", "-c", path, NULL };

	snprintf(dir, sizeof(dir), "%s/usr/share/doc/%s", root, pkg);
	if (kpkg_mkdirs(dir, err))
		return -1;
	snprintf(path, sizeof(path), "%s/copyright", dir);
	snprintf(text, sizeof(text),
		 "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
		 "Upstream-Name: linux\n"
		 "Comment: a live patch module built from the Linux kernel's source for %s.\n\n"
		 "Files: *\nCopyright: 1991-2026 Linus Torvalds and the Linux kernel's authors\nLicense: GPL-2\n"
		 " On Debian systems, the complete text of the GNU General Public License\n"
		 " version 2 can be found in /usr/share/common-licenses/GPL-2.\n", p->krel);
	if (kpkg_write(path, 0644, text, err))
		return -1;
	describe(p, more, sizeof(more), "    ");
	snprintf(path, sizeof(path), "%s/changelog.Debian.in", stage);
	snprintf(text, sizeof(text),
		 "%s (%s) unstable; urgency=%s\n\n  * Live patch %s for Linux %s.\n%s\n -- %s  %s\n",
		 p->name, p->version_str, p->module_name[0] ? "high" : "low", p->version_str, p->krel,
		 more, maintainer(p), when(date, sizeof(date)));
	remove(path);
	if (kpkg_write(path, 0644, text, err))
		return -1;
	snprintf(gz, sizeof(gz), "%s/changelog.Debian.gz", dir);
	snprintf(log, sizeof(log), "%s/gzip.log", stage);
	return kpkg_run(argv, gz, log, err);
}

static int control(const struct kpkg *p, const char *root, const char *extra, struct kp_err *err)
{
	char path[4200], text[4096], more[1024];

	describe(p, more, sizeof(more), " ");
	snprintf(path, sizeof(path), "%s/DEBIAN/control", root);
	snprintf(text, sizeof(text),
		 "Package: %s\nVersion: %s\nArchitecture: amd64\nMaintainer: %s\n"
		 "Section: kernel\nPriority: optional\n%s"
		 "Description: live patch %s for Linux %s\n%s",
		 p->name, p->version_str, maintainer(p), extra, p->version_str, p->krel, more);
	return kpkg_write(path, 0644, text, err);
}

static int scripts(const struct kpkg *p, const char *root, struct kp_err *err)
{
	char path[4200], text[2048];

	if (p->module_name[0] || p->nwithdraw) {
		char body[1024] = "";

		if (p->module_name[0])
			snprintf(body, sizeof(body), "\tkpatch install --load -k %s " MODDIR "/%s/%s.ko\n",
				 p->krel, p->krel, p->module_name);
		if (p->nwithdraw)
			strcat(body, "\tkpatch sync\n");
		snprintf(path, sizeof(path), "%s/DEBIAN/postinst", root);
		snprintf(text, sizeof(text),
			 "#!/bin/sh\n# %s %s: install the live patch and load it when %s runs;\n"
			 "# a failed load undoes the install and fails the configuration.\nset -e\n"
			 "if [ \"$1\" = configure ]; then\n%sfi\n",
			 p->name, p->version_str, p->krel, body);
		if (kpkg_write(path, 0755, text, err))
			return -1;
	}
	if (!p->module_name[0])
		return 0;
	snprintf(path, sizeof(path), "%s/DEBIAN/prerm", root);
	snprintf(text, sizeof(text),
		 "#!/bin/sh\n# %s %s: on removal, unload and uninstall the live patch\n"
		 "# (/etc/kpatch/kpatch.conf unload_on_remove=no keeps it loaded until reboot).\n"
		 "# On upgrade, the new version's module replaces it.\nset -e\n"
		 "case \"$1\" in\nremove|deconfigure)\n\tkpatch uninstall --unload -k %s %s\n\t;;\nesac\n",
		 p->name, p->version_str, p->krel, p->module_name);
	return kpkg_write(path, 0755, text, err);
}

static int withdrawn_list(const struct kpkg *p, const char *root, struct kp_err *err)
{
	char conf[4200], text[512];

	if (!p->nwithdraw)
		return 0;
	if (kpkg_stage_withdrawn(p, root, err))
		return -1;
	snprintf(conf, sizeof(conf), "%s/DEBIAN/conffiles", root);
	snprintf(text, sizeof(text), "/etc/kpatch/withdrawn.d/%s.list\n", p->name);
	return kpkg_write(conf, 0644, text, err);
}

static int build(const struct kpkg *p, const char *stage, const char *root, const char *pkg,
		 void (*made)(const char *), struct kp_err *err)
{
	char deb[4200], base[512], out[4200], log[4200];
	const char *argv[] = { "dpkg-deb", "--root-owner-group", "-Zxz", "--build", root, deb, NULL };

	snprintf(deb, sizeof(deb), "%s/%s.deb", stage, pkg);
	snprintf(log, sizeof(log), "%s/dpkg-deb.log", stage);
	snprintf(base, sizeof(base), "%s_%s_amd64.deb", pkg, p->version_str);
	if (kpkg_run(argv, NULL, log, err) || kpkg_publish(deb, p->outdir, base, out, sizeof(out), err))
		return -1;
	made(out);
	return 0;
}

static int main_package(struct kpkg *p, const char *stage, void (*made)(const char *),
			struct kp_err *err)
{
	char root[4096], dir[4300], path[4400], extra[1024];
	struct stat st;

	snprintf(root, sizeof(root), "%s/main", stage);
	snprintf(dir, sizeof(dir), "%s/DEBIAN", root);
	if (kpkg_mkdirs(dir, err) || doc_files(p, root, p->name, stage, err) ||
	    scripts(p, root, err) || withdrawn_list(p, root, err))
		return -1;
	extra[0] = '\0';
	if (p->module_name[0]) {
		snprintf(dir, sizeof(dir), "%s" MODDIR "/%s", root, p->krel);
		snprintf(path, sizeof(path), "%s/%s.ko", dir, p->module_name);
		if (kpkg_mkdirs(dir, err) || kpkg_stage_module(p, stage, path, err))
			return -1;
		if (stat(path, &st))
			return kp_err_set(err, KP_E_SYSTEM, 0, "%s: not written", path);
		snprintf(extra, sizeof(extra),
			 "Installed-Size: %lld\nDepends: kpatch (>= %s), linux-image-%s (= %s) | linux-image-%s-unsigned (= %s)\n"
			 "Provides: kpatch-patch (= %s)\n",
			 (long long)(st.st_size + 1023) / 1024 + 8, p->tool_version, p->krel,
			 p->kernel_deb_version, p->krel, p->kernel_deb_version, p->krel);
	} else {
		/* The empty package goes with its kernel too: removing the kernel removes it. */
		snprintf(extra, sizeof(extra),
			 "Depends: kpatch (>= %s), linux-image-%s | linux-image-%s-unsigned\nProvides: kpatch-patch (= %s)\n",
			 p->tool_version, p->krel, p->krel, p->krel);
	}
	if (control(p, root, extra, err))
		return -1;
	return build(p, stage, root, p->name, made, err);
}

static int debug_package(struct kpkg *p, const char *stage, void (*made)(const char *),
			 struct kp_err *err)
{
	char root[4096], dir[4400], path[4600], extra[1024], from[4200];
	struct kpkg d = *p;

	snprintf(root, sizeof(root), "%s/debug", stage);
	snprintf(dir, sizeof(dir), "%s/usr/lib/debug/.build-id/%.2s", root, p->build_id);
	snprintf(path, sizeof(path), "%s/%s.debug", dir, p->build_id + 2);
	snprintf(from, sizeof(from), "%s/module.ko", stage);
	snprintf(d.name, sizeof(d.name), "%s", p->debug_name);
	if (kpkg_mkdirs(dir, err) || kpkg_copy(from, path, 0644, err))
		return -1;
	snprintf(dir, sizeof(dir), "%s/DEBIAN", root);
	/* only debug files: like Debian's -dbgsym packages, its doc is the main package's */
	if (kpkg_mkdirs(dir, err))
		return -1;
	snprintf(dir, sizeof(dir), "%s/usr/share/doc", root);
	snprintf(path, sizeof(path), "%s/%s", dir, d.name);
	if (kpkg_mkdirs(dir, err) || symlink(p->name, path))
		return kp_err_set(err, KP_E_SYSTEM, errno, "cannot create %s", path);
	snprintf(extra, sizeof(extra),
		 "Depends: %s (= %s)\nAuto-Built-Package: debug-symbols\nBuild-Ids: %s\n",
		 p->name, p->version_str, p->build_id);
	d.description[0] = '\0';
	d.cves[0] = '\0';
	snprintf(d.description, sizeof(d.description),
		 "The unstripped module %s, by build-id.", p->module_name);
	if (control(&d, root, extra, err))
		return -1;
	return build(&d, stage, root, d.name, made, err);
}

int kpkg_build_deb(struct kpkg *p, const char *stage, void (*made)(const char *path),
		   struct kp_err *err)
{
	if (main_package(p, stage, made, err))
		return -1;
	if (p->module_name[0] && p->build_id[0])
		return debug_package(p, stage, made, err);
	return 0;
}
