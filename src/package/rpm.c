// SPDX-License-Identifier: GPL-2.0
/*
 * The RPM packages: the tree is staged like the Debian one, and rpmbuild
 * packs it from a generated spec in a private _topdir. Its own
 * post-install steps (brp-strip, debuginfo extraction, build-id links,
 * automatic dependencies) are off: the module is stripped here, the
 * -debuginfo package is declared, and the dependencies are exact.
 *
 * Debian kernel releases hold two '-' (6.1.0-50-cloud-amd64), which rpm
 * calls a wrongly formatted version in "kpatch-patch = <release>"; the
 * provide works as the guide's query expects (rpm splits both sides at
 * the last '-'), so that check is turned into a warning.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "package/pkg.h"

#define MODDIR "/usr/lib/kpatch-patch"

/* Text for the spec: '%' would start a macro, so it is doubled. */
static void spec_text(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (; *s && n + 2 < size; s++) {
		if (*s == '%')
			buf[n++] = '%';
		buf[n++] = *s;
	}
	buf[n] = '\0';
}

/* The stage becomes part of a shell line of rpmbuild's: only plain path characters. */
static int path_plain(const char *path, struct kp_err *err)
{
	if (strspn(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._+-") !=
	    strlen(path))
		return kp_err_set(err, KP_E_USAGE, 0,
				  "-o %s: for --format rpm the output directory's path may hold only letters, digits and /._+-",
				  path);
	return 0;
}

static int stage_tree(struct kpkg *p, const char *root, const char *stage, struct kp_err *err)
{
	char dir[4300], path[4400], from[4400];

	if (kpkg_mkdirs(root, err))
		return -1;
	if (p->module_name[0]) {
		snprintf(dir, sizeof(dir), "%s" MODDIR "/%s", root, p->krel);
		snprintf(path, sizeof(path), "%s/%s.ko", dir, p->module_name);
		if (kpkg_mkdirs(dir, err) || kpkg_stage_module(p, stage, path, err))
			return -1;
		if (p->build_id[0]) {
			snprintf(dir, sizeof(dir), "%s/usr/lib/debug/.build-id/%.2s", root, p->build_id);
			snprintf(path, sizeof(path), "%s/%s.debug", dir, p->build_id + 2);
			snprintf(from, sizeof(from), "%s/module.ko", stage);
			if (kpkg_mkdirs(dir, err) || kpkg_copy(from, path, 0644, err))
				return -1;
		}
	}
	return kpkg_stage_withdrawn(p, root, err);
}

static int write_spec(struct kpkg *p, const char *root, const char *path, struct kp_err *err)
{
	char text[16384], desc[600], cves[1100], maint[600], date[64], files[2048] = "", post[1024] = "";
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
	struct tm tm;
	size_t n;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a %b %d %Y", &tm);
	spec_text(p->description, desc, sizeof(desc));
	spec_text(p->cves, cves, sizeof(cves));
	spec_text(p->maintainer, maint, sizeof(maint));
	if (p->module_name[0]) {
		snprintf(files, sizeof(files), MODDIR "/%s/%s.ko\n", p->krel, p->module_name);
		snprintf(post, sizeof(post), "kpatch install --load -k %s " MODDIR "/%s/%s.ko\n",
			 p->krel, p->krel, p->module_name);
	}
	if (p->nwithdraw) {
		snprintf(files + strlen(files), sizeof(files) - strlen(files),
			 "%%config(noreplace) /etc/kpatch/withdrawn.d/%s.list\n", p->name);
		strcat(post, "kpatch sync\n");
	}
	n = (size_t)snprintf(text, sizeof(text),
		"%%global __os_install_post %%{nil}\n%%global debug_package %%{nil}\n"
		"%%global _build_id_links none\n\n"
		"Name: %s\nVersion: %lu\nRelease: %lu\n"
		"Summary: live patch %s for Linux %s\nLicense: GPL-2.0-only\nAutoReqProv: no\n"
		"Provides: kpatch-patch = %s\nRequires: kpatch >= %s\nRequires: kernel-uname-r = %s\n\n"
		"%%description\nLive patch %s for the Linux kernel %s.\n%s%s%s%s%s\n\n",
		p->name, p->version.patch, p->version.release, p->version_str, p->krel, p->krel,
		p->tool_version, p->krel,
		p->version_str, p->krel, desc, desc[0] ? "\n" : "", cves[0] ? "Fixes: " : "", cves,
		p->module_name[0] ? "" : "No fix yet: this empty package subscribes the kernel to the patch packages that follow.");
	if (p->module_name[0] && p->build_id[0])
		n += (size_t)snprintf(text + n, sizeof(text) - n,
			"%%package debuginfo\nSummary: debug symbols of live patch %s for Linux %s\n"
			"Requires: %%{name} = %%{version}-%%{release}\n"
			"%%description debuginfo\nThe unstripped module %s, by build-id.\n\n",
			p->version_str, p->krel, p->module_name);
	n += (size_t)snprintf(text + n, sizeof(text) - n,
		"%%install\nmkdir -p %%{buildroot}\ncp -a %s/. %%{buildroot}/\n"
		"rm -rf %%{buildroot}/usr/lib/debug\n%s\n", root,
		p->module_name[0] && p->build_id[0] ? "mkdir -p %{buildroot}/usr/lib/debug && cp -a " : "");
	if (p->module_name[0] && p->build_id[0])
		n += (size_t)snprintf(text + n - 1, sizeof(text) - n + 1, "%s/usr/lib/debug/. %%{buildroot}/usr/lib/debug/\n\n",
				      root) - 1;
	if (post[0])
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%%post\nset -e\n%s\n", post);
	if (p->module_name[0])
		n += (size_t)snprintf(text + n, sizeof(text) - n,
			"%%preun\n# on erase (not upgrade): unload and uninstall; kpatch.conf may keep it loaded\n"
			"if [ \"$1\" -eq 0 ]; then\n\tkpatch uninstall --unload -k %s %s\nfi\n\n",
			p->krel, p->module_name);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "%%files\n%s\n", files);
	if (p->module_name[0] && p->build_id[0])
		n += (size_t)snprintf(text + n, sizeof(text) - n,
			"%%files debuginfo\n/usr/lib/debug/.build-id/%.2s/%s.debug\n\n",
			p->build_id, p->build_id + 2);
	n += (size_t)snprintf(text + n, sizeof(text) - n,
		"%%changelog\n* %s %s - %s\n- Live patch %s for Linux %s.%s%s%s%s\n",
		date, maint, p->version_str, p->version_str, p->krel, desc[0] ? "\n- " : "", desc,
		cves[0] ? "\n- Fixes: " : "", cves);
	if (n >= sizeof(text))
		return kp_err_set(err, KP_E_USAGE, 0, "the spec of %s is too long", p->name);
	return kpkg_write(path, 0644, text, err);
}

int kpkg_build_rpm(struct kpkg *p, const char *stage, void (*made)(const char *path),
		   struct kp_err *err)
{
	char abs[PATH_MAX], root[4300], spec[4300], top[4400], log[4300], def[4500], rpm[4600];
	char out[4600], base[600];
	const char *argv[] = {
		"rpmbuild", "-bb", "--quiet", "--target", "x86_64", "--define", def,
		"--define", "_wrong_version_format_terminate_build 0", spec, NULL,
	};
	const char *kinds[] = { "", "-debuginfo" };

	if (!realpath(stage, abs) || path_plain(abs, err))
		return err && err->msg[0] ? -1 : kp_err_set(err, KP_E_SYSTEM, errno, "%s", stage);
	snprintf(root, sizeof(root), "%s/root", abs);
	snprintf(spec, sizeof(spec), "%s/%s.spec", abs, p->name);
	snprintf(top, sizeof(top), "%s/rpm", abs);
	snprintf(log, sizeof(log), "%s/rpmbuild.log", abs);
	snprintf(def, sizeof(def), "_topdir %s", top);
	if (stage_tree(p, root, abs, err) || write_spec(p, root, spec, err) ||
	    kpkg_run(argv, NULL, log, err))
		return -1;
	for (size_t i = 0; i < 2; i++) {
		if (i && !(p->module_name[0] && p->build_id[0]))
			break;
		snprintf(base, sizeof(base), "%s%s-%lu-%lu.x86_64.rpm", p->name, kinds[i],
			 p->version.patch, p->version.release);
		snprintf(rpm, sizeof(rpm), "%s/RPMS/x86_64/%s", top, base);
		if (kpkg_publish(rpm, p->outdir, base, out, sizeof(out), err))
			return -1;
		made(out);
	}
	return 0;
}
