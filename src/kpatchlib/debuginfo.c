// SPDX-License-Identifier: GPL-2.0
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kpatchlib/debuginfo.h"

void kp_build_id(int fd, char *hex, size_t size)
{
	Elf_Scn *scn = NULL;
	Elf *e;

	hex[0] = '\0';
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	while (e && (scn = elf_nextscn(e, scn))) {
		size_t off = 0, noff, doff;
		GElf_Shdr sh;
		GElf_Nhdr nh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE || !(d = elf_getdata(scn, NULL)))
			continue;
		/* gelf_getnote checks every note against the section's bounds */
		while ((off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((char *)d->d_buf + noff, "GNU", 4) || nh.n_descsz < 2 ||
			    nh.n_descsz * 2 + 1 > size)
				continue;
			for (size_t i = 0; i < nh.n_descsz; i++)
				sprintf(hex + 2 * i, "%02x", ((unsigned char *)d->d_buf)[doff + i]);
			elf_end(e);
			return;
		}
	}
	elf_end(e);
}

void kp_debuginfo_find(const struct kp_modfile *mf, const char *krel, struct kp_debuginfo *d)
{
	const char *root = getenv("KPATCH_DEBUG_ROOT");
	struct kp_err ignored;

	memset(d, 0, sizeof(*d));
	kp_build_id(mf->fd, d->build_id, sizeof(d->build_id));
	if (!d->build_id[0])
		return;
	snprintf(d->path, sizeof(d->path), "%s/.build-id/%.2s/%s.debug", root && *root ? root : "/usr/lib/debug",
		 d->build_id, d->build_id + 2);
	d->installed = !access(d->path, R_OK);
	/* the name of the system's own packaging: dpkg's database, else RPM's */
	if (kp_pkg_name(krel, access("/var/lib/dpkg/status", F_OK) ? KP_PKG_RPM_DEBUG : KP_PKG_DEB_DEBUG,
			d->package, sizeof(d->package), &ignored))
		d->package[0] = '\0';
}
