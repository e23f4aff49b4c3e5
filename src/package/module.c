// SPDX-License-Identifier: GPL-2.0
/*
 * The module a package carries: read once through libkpatch's checked
 * reader, then every string that will reach a control file, a spec, a path
 * or a line of output is checked here, so the writers can trust them.
 */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/regfile.h"
#include "common/vermagic.h"
#include "kpatchlib/modfile.h"
#include "kpatchlib/names.h"
#include "package/pkg.h"

int kpkg_text_ok(const char *s, const char *what, struct kp_err *err)
{
	char shown[96];

	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			return kp_err_set(err, KP_E_INVALID, 0,
					  "%s '%s' has a byte (\\x%02x) that a package's metadata cannot carry",
					  what, kp_escape(s, shown, sizeof(shown)), *c);
	return 0;
}

static int cves_ok(const char *s, struct kp_err *err)
{
	char shown[96];

	for (const char *c = s; *c; c++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-,", *c))
			return kp_err_set(err, KP_E_INVALID, 0,
					  "the module's kpatch_cve '%s' is not a comma-separated list of CVE identifiers",
					  kp_escape(s, shown, sizeof(shown)));
	return 0;
}

/* The GNU build-id note, which names the debug file (/usr/lib/debug/.build-id/). */
static void read_build_id(int fd, char *hex, size_t size)
{
	Elf *e;
	Elf_Scn *scn = NULL;

	hex[0] = '\0';
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	while (e && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE || !(d = elf_getdata(scn, NULL)))
			continue;
		while ((off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((char *)d->d_buf + noff, "GNU", 4) || nh.n_descsz * 2 + 1 > size ||
			    nh.n_descsz < 2)
				continue;
			for (size_t i = 0; i < nh.n_descsz; i++)
				sprintf(hex + 2 * i, "%02x", ((unsigned char *)d->d_buf)[doff + i]);
			elf_end(e);
			return;
		}
	}
	elf_end(e);
}

int kpkg_read_module(struct kpkg *p, struct kp_err *err)
{
	struct kp_modfile mf;
	char want[64], krel[128];
	int ret = -1;

	if (kp_modfile_open(p->module_path, 0, &mf, err))
		return -1;
	if (!mf.livepatch) {
		kp_err_set(err, KP_E_INVALID, 0, "%s: not a livepatch module", p->module_path);
		goto out;
	}
	if (!mf.vermagic || kp_vermagic_release(mf.vermagic, krel, sizeof(krel))) {
		kp_err_set(err, KP_E_INVALID, 0, "%s: no kernel release in its vermagic", p->module_path);
		goto out;
	}
	if (p->krel[0] && strcmp(p->krel, krel)) {
		kp_err_set(err, KP_E_INVALID, 0, "%s: built for kernel %s, not %s", p->module_path, krel, p->krel);
		goto out;
	}
	snprintf(p->krel, sizeof(p->krel), "%s", krel);
	if (!mf.replace) {
		kp_err_set(err, KP_E_INVALID, 0,
			   "%s: module %s is not an atomic-replace module; a cumulative package needs one (build it without --no-replace)",
			   p->module_path, mf.name);
		goto out;
	}
	if (kp_pkg_module_name(p->krel, &p->version, want, sizeof(want), err))
		goto out;
	if (strcmp(mf.name, want)) {
		kp_err_set(err, KP_E_INVALID, 0,
			   "%s: module %s cannot be package version %s for %s, which carries module %s; build it with kpatch-build -k %s --patch-version %s",
			   p->module_path, mf.name, p->version_str, p->krel, want, p->krel, p->version_str);
		goto out;
	}
	snprintf(p->module_name, sizeof(p->module_name), "%s", mf.name);
	if (mf.cves && (cves_ok(mf.cves, err) ||
			snprintf(p->cves, sizeof(p->cves), "%s", mf.cves) >= (int)sizeof(p->cves)))
		goto out;
	if (mf.kpatch_description &&
	    (kpkg_text_ok(mf.kpatch_description, "the module's kpatch_description", err) ||
	     snprintf(p->description, sizeof(p->description), "%s", mf.kpatch_description) >=
	     (int)sizeof(p->description)))
		goto out;
	p->is_signed = mf.signer != NULL;
	read_build_id(mf.fd, p->build_id, sizeof(p->build_id));
	ret = 0;
out:
	if (ret && err && !err->msg[0])
		kp_err_set(err, KP_E_INVALID, 0, "%s: a module field is too long", p->module_path);
	kp_modfile_close(&mf);
	return ret;
}

int kpkg_set_names(struct kpkg *p, struct kp_err *err)
{
	enum kp_pkg_kind k = p->format == KPKG_DEB ? KP_PKG_DEB : KP_PKG_RPM;
	enum kp_pkg_kind d = p->format == KPKG_DEB ? KP_PKG_DEB_DEBUG : KP_PKG_RPM_DEBUG;

	if (kp_pkg_name(p->krel, k, p->name, sizeof(p->name), err) ||
	    kp_pkg_name(p->krel, d, p->debug_name, sizeof(p->debug_name), err))
		return -1;
	for (size_t i = 0; i < p->nwithdraw; i++)
		if (kp_name_check(p->withdraw[i], "--withdraw", KP_E_USAGE, err))
			return -1;
	if (p->maintainer && kpkg_text_ok(p->maintainer, "--maintainer", err))
		return -1;
	if (p->format == KPKG_DEB && p->kernel_deb_version[0] &&
	    strspn(p->kernel_deb_version, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.+~:-") !=
	    strlen(p->kernel_deb_version))
		return kp_err_set(err, KP_E_USAGE, 0, "--kernel-deb-version '%s' is not a Debian version",
				  p->kernel_deb_version);
	return 0;
}
