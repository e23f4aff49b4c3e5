// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's real symbols, from its -dbg package (Debian's image package
 * ships a placeholder System.map): the System.map, and the file of every
 * local symbol, which System.map does not say and which tells apart the
 * same-named statics of different files (every ACPICA file has its own
 * _acpi_module_name). Both are kept in the release's cache directory:
 *
 *   System.map     copied out of the package
 *   file-symbols   derived from the package's vmlinux (ksymfiles.c)
 *   module-symbols/<module>.files
 *                  the same for a module, from the package's unstripped
 *                  copy (the image package's modules have no file
 *                  symbols), fetched the first time a patch needs it
 *
 * vmlinux is 600 MB unpacked; only its symbol table is read, from the
 * package stream, twice (kelf_stream.c), so nothing that size reaches disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/kb.h"
#include "elf/kelf.h"

/* apt-get download of the -dbg package into DIR; its path, or NULL after kb_fail. */
static char *download_dbg(struct kb *kb, const char *dir, const char *log)
{
	char *spec = kb_path("linux-image-%s-dbg=%s", kb->krel, kb->pkgversion);
	const char *dl[] = { "apt-get", "download", "-q", spec, NULL };
	char *deb = NULL;

	kb_progress(kb, "fetching the kernel's symbols (%s)", spec);
	if (kb_run(dl, dir, log))
		kb_fail(&kb->err, KB_EENV,
			"kernel %s: its System.map is a placeholder and apt-get download %s failed; pass --symbols System.map|vmlinux",
			kb->krel, spec);
	else
		deb = kb_path("%s/linux-image-%s-dbg_%s_amd64.deb", dir, kb->krel, kb->pkgversion);
	free(spec);
	return deb;
}

static int extract_system_map(struct kb *kb, const char *deb, const char *dir, const char *log)
{
	char *member = kb_path("./usr/lib/debug/boot/System.map-%s", kb->krel);
	const char *unpack[] = { "dpkg-deb", "--fsys-tarfile", deb, NULL };
	const char *pick[] = { "tar", "-x", "--occurrence=1", "-C", dir, member, NULL };
	char *got = kb_path("%s/%s", dir, member), *dst = kb_path("%s/System.map", dir);
	char *usr = kb_path("%s/usr", dir);
	int ret = 0;

	kb_run_pipe(unpack, pick, NULL, log);
	if (rename(got, dst))
		ret = kb_fail(&kb->err, KB_EENV, "%s has no %s; pass --symbols System.map|vmlinux",
			      deb, member);
	kb_rmtree(usr);
	free(member);
	free(got);
	free(dst);
	free(usr);
	return ret;
}

/* MEMBER of the package at DEB as a stream on pl->fd: dpkg-deb | tar -xO. */
static int open_member(struct kb_pipeline *pl, const char *deb, const char *member,
		       const char *log)
{
	const char *unpack[] = { "dpkg-deb", "--fsys-tarfile", deb, NULL };
	const char *pick[] = { "tar", "-xO", "--occurrence=1", member, NULL };

	return kb_pipeline_open(pl, unpack, pick, NULL, log, true);
}

/* A download that may fail without failing the build: forgotten once reported. */
static void forget_failure(struct kb *kb)
{
	kb->err.code = 0;
	kb->err.msg[0] = '\0';
}

/* One pass over the package's vmlinux, as a stream from dpkg-deb | tar. */
static int stream_pass(const char *deb, const char *member, const char *log, int out,
		       struct kelf_stream *st, struct kelf_err *err)
{
	struct kb_pipeline pl;
	int ret = open_member(&pl, deb, member, log);

	if (ret) {
		snprintf(err->msg, sizeof(err->msg), "cannot run dpkg-deb | tar: %s", strerror(-ret));
		return ret;
	}
	ret = st->shdrs ? kelf_stream_tables(pl.fd, out, st, err)
			: kelf_stream_headers(pl.fd, out, st, err);
	/* the tables end before the file does: tar's SIGPIPE then is expected */
	kb_pipeline_close(&pl);
	return ret;
}

/*
 * DIR/file-symbols from the package at DEB. Exact positions are an
 * improvement, not a need: a failure is reported and the build goes on
 * (a same-named local is then told apart by its neighbours, or refused).
 */
static void derive_file_symbols(struct kb *kb, const char *deb, const char *dir, const char *log)
{
	char *member = kb_path("./usr/lib/debug/boot/vmlinux-%s", kb->krel);
	char *tables = kb_path("%s/vmlinux.tables", dir), *tmp = kb_path("%s/file-symbols.tmp", dir);
	char *dst = kb_path("%s/file-symbols", dir);
	struct kelf_stream st = { 0 };
	struct kelf_err err = { "" };
	struct ksyms ks = { 0 };
	int fd, ret;

	kb_progress(kb, "reading the file symbols of %s's vmlinux", kb->krel);
	fd = open(tables, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err.msg, sizeof(err.msg), "%s: %s", tables, strerror(errno));
		ret = -errno;
		goto out;
	}
	ret = stream_pass(deb, member, log, fd, &st, &err);
	if (!ret)
		ret = stream_pass(deb, member, log, fd, &st, &err);
	close(fd);
	if (!ret && (ret = ksyms_load_elf(tables, &ks)))
		snprintf(err.msg, sizeof(err.msg), "its symbol table: %s", strerror(-ret));
	if (!ret && !ks.nfiles) {
		snprintf(err.msg, sizeof(err.msg), "its symbol table has no file symbols");
		ret = -ENOENT;
	}
	if (!ret && (ret = ksyms_save_files(&ks, tmp)))
		snprintf(err.msg, sizeof(err.msg), "%s: %s", tmp, strerror(-ret));
	if (!ret && rename(tmp, dst)) {
		snprintf(err.msg, sizeof(err.msg), "%s: %s", dst, strerror(errno));
		ret = -errno;
	}
out:
	if (ret)
		kb_progress(kb, "warning: no file symbols for %s (%s in %s); same-named local symbols are told apart by their neighbours only",
			    kb->krel, err.msg, member);
	unlink(tables);
	unlink(tmp);
	ksyms_free(&ks);
	kelf_stream_free(&st);
	free(member);
	free(tables);
	free(tmp);
	free(dst);
}

int kb_fetch_dbg_symbols(struct kb *kb, const char *dir, bool want_map, const char *log)
{
	char *deb = download_dbg(kb, dir, log);
	int ret = 0;

	if (!deb) {
		if (want_map)
			return -1;
		/* file symbols only: the build goes on without them */
		kb_progress(kb, "warning: %s", kb->err.msg);
		forget_failure(kb);
		return 0;
	}
	if (want_map)
		ret = extract_system_map(kb, deb, dir, log);
	if (!ret)
		derive_file_symbols(kb, deb, dir, log);
	unlink(deb);
	free(deb);
	return ret;
}

/*
 * A private directory of the release's cache for one download: builds of
 * one release may fetch at once. NULL (and a warning naming WHAT) if it
 * cannot be made.
 */
static char *private_dir(struct kb *kb, const char *what)
{
	char *dir = kb_path("%s/dbg.XXXXXX", kb->srcroot);

	if (mkdtemp(dir))
		return dir;
	kb_progress(kb, "warning: no file symbols for %s (%s: %s)", what, dir, strerror(errno));
	free(dir);
	return NULL;
}

/* Copies a pipe into a new file at PATH. */
static int drain_to(int fd, const char *path)
{
	char buf[65536];
	ssize_t got;
	int out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), ret = 0;

	if (out < 0)
		return -errno;
	while ((got = read(fd, buf, sizeof(buf))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 || write(out, buf, (size_t)got) != got) {
			ret = -EIO;
			break;
		}
	}
	if (close(out) && !ret)
		ret = -errno;
	return ret;
}

int kb_fetch_module_symbols(struct kb *kb, const char *modrel, const char *dst)
{
	char *dir = private_dir(kb, modrel), *log, *deb, *ko, *tmp;
	char *member = kb_path("./usr/lib/debug/lib/modules/%s/%s", kb->krel, modrel);
	const char *why = NULL;
	struct ksyms ks = { 0 };
	struct kb_pipeline pl;
	int ret;

	if (!dir) {
		free(member);
		return -1;
	}
	log = kb_path("%s/fetch.log", dir);
	ko = kb_path("%s/module.ko", dir);
	tmp = kb_path("%s.tmp", dst);
	deb = download_dbg(kb, dir, log);
	if (!deb) {
		forget_failure(kb);
		why = "the -dbg package could not be downloaded";
		goto out;
	}
	kb_progress(kb, "reading the file symbols of %s", modrel);
	if (open_member(&pl, deb, member, log)) {
		why = "cannot run dpkg-deb | tar";
		goto out;
	}
	ret = drain_to(pl.fd, ko);
	if (kb_pipeline_close(&pl) && !ret)
		ret = -ENOENT;
	if (ret) {
		why = "the package has no such module";
		goto out;
	}
	ret = ksyms_load_module(ko, &ks);
	if (!ret && !ks.nfiles)
		ret = -ENOENT;
	if (!ret)
		ret = ksyms_save_files(&ks, tmp);
	if (!ret && rename(tmp, dst))
		ret = -errno;
	if (ret)
		why = ret == -ENOENT ? "its unstripped copy has no file symbols" : strerror(-ret);
out:
	if (why)
		kb_progress(kb, "warning: no file symbols for module %s (%s)", modrel, why);
	kb_rmtree(dir);
	ksyms_free(&ks);
	unlink(tmp);
	free(dir);
	free(log);
	free(deb);
	free(member);
	free(ko);
	free(tmp);
	return why ? -1 : 0;
}

int kb_fetch_file_symbols(struct kb *kb, const char *dst)
{
	char *dir = private_dir(kb, kb->krel), *log, *got;
	int ret = -1;

	if (!dir)
		return -1;
	log = kb_path("%s/fetch.log", dir);
	got = kb_path("%s/file-symbols", dir);
	kb_fetch_dbg_symbols(kb, dir, false, log);
	if (kb_exists(got) && !rename(got, dst))
		ret = 0;
	kb_rmtree(dir);
	free(dir);
	free(log);
	free(got);
	return ret;
}
