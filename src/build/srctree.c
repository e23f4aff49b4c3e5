// SPDX-License-Identifier: GPL-2.0
/*
 * The prepared source tree, cached per kernel release in
 * $KPATCH_CACHE/src/<release>/:
 *
 *   tree/               linux-source at the image package's exact version,
 *                       with the kernel's config and `make prepare` done
 *   System.map          the real symbol table (Debian's image package ships
 *                       a placeholder; the -dbg package has the real one)
 *   file-symbols        the file of each local symbol (dbgsyms.c)
 *   entry-sizes.json    the special-section entry sizes, measured by a probe
 *   config              the config it was prepared with
 *
 * It is prepared where it stays, because kbuild and the kernel's tools
 * (objtool, resolve_btfids) record absolute paths: a tree moved after
 * preparation rebuilds them on every use. A marker file written last says
 * the preparation finished, so a half-prepared tree is never used (it is
 * removed and redone); a lock file serialises builds for one release.
 * Builds never write into it (see workspace.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "build/kb.h"

extern const char kb_probe_src[];
extern const unsigned long kb_probe_len;

static int make_in(struct kb *kb, const char *tree, const char *target, const char *log)
{
	struct kb_make m;
	int rc;

	if (kb_make_argv(kb, &m, tree, NULL, 1))
		return -1;
	kb_make_add(&m, target);
	rc = kb_run(m.argv, NULL, log);
	kb_make_free(&m);
	return rc;
}

/* linux-source-6.1 for package version 6.1.176-1 */
static char *source_package(const char *version)
{
	const char *dot = strchr(version, '.');
	size_t n = dot ? strcspn(dot + 1, ".-") : 0;

	if (!dot || !n)
		return NULL;
	return kb_path("linux-source-%.*s", (int)(dot - version + 1 + n), version);
}

static int fetch_source(struct kb *kb, const char *tmp, const char *log)
{
	char *pkg = source_package(kb->pkgversion), *spec, *deb, *tarball, *extracted, *tree;
	const char *dl[] = { "apt-get", "download", "-q", NULL, NULL };
	int rc;

	if (!pkg)
		return kb_fail(&kb->err, KB_EENV, "kernel %s: cannot derive the source package from version '%s'",
			       kb->krel, kb->pkgversion);
	spec = kb_path("%s=%s", pkg, kb->pkgversion);
	dl[3] = spec;
	kb_progress(kb, "fetching %s", spec);
	rc = kb_run(dl, tmp, log);
	if (rc)
		return kb_fail(&kb->err, KB_EENV, "apt-get download %s failed (exit %d); see %s",
			       spec, rc, log);
	deb = kb_path("%s/%s_%s_all.deb", tmp, pkg, kb->pkgversion);
	{
		char *dir = kb_path("%s/deb", tmp);
		const char *x[] = { "dpkg-deb", "-x", deb, dir, NULL };

		if (kb_run(x, NULL, log))
			return kb_fail(&kb->err, KB_EENV, "cannot extract %s; see %s", deb, log);
		unlink(deb);
		tarball = kb_path("%s/usr/src/%s.tar.xz", dir, pkg);
	}
	kb_progress(kb, "extracting the kernel source");
	{
		const char *x[] = { "tar", "-xJf", tarball, "-C", tmp, NULL };

		if (kb_run(x, NULL, log))
			return kb_fail(&kb->err, KB_EENV, "cannot extract %s; see %s", tarball, log);
	}
	extracted = kb_path("%s/%s", tmp, pkg);
	tree = kb_path("%s/tree", tmp);
	if (rename(extracted, tree))
		return kb_fail(&kb->err, KB_EENV, "%s: not in the source package (%s)", extracted,
			       strerror(errno));
	kb_rmtree(kb_path("%s/deb", tmp));
	return 0;
}

static int run_probe(struct kb *kb, const char *tree, const char *out, const char *log,
		     const char *src, const char *asmf, const char *cmdf);

/* Compile the probe to assembly and turn its "#KPSIZE" lines into JSON. */
static int probe_entry_sizes(struct kb *kb, const char *tree, const char *out, const char *log)
{
	char *src = kb_path("%s/kernel/kpatch_entry_size_probe.c", tree);
	char *asmf = kb_path("%s/kernel/kpatch_entry_size_probe.s", tree);
	char *cmdf = kb_path("%s/kernel/.kpatch_entry_size_probe.s.cmd", tree);
	int ret = run_probe(kb, tree, out, log, src, asmf, cmdf);

	free(src);
	free(asmf);
	free(cmdf);
	return ret;
}

static int run_probe(struct kb *kb, const char *tree, const char *out, const char *log,
		     const char *src, const char *asmf, const char *cmdf)
{
	char *text, *line, *save, json[2048];
	size_t len, used = 0;
	int n = 0;

	if (kb_write_file(src, kb_probe_src, kb_probe_len))
		return kb_fail(&kb->err, KB_EENV, "cannot write %s", src);
	if (make_in(kb, tree, "kernel/kpatch_entry_size_probe.s", log) ||
	    !(text = kb_read_file(asmf, &len))) {
		unlink(src);
		return kb_fail(&kb->err, KB_EENV, "the entry-size probe does not compile in %s; see %s",
			       tree, log);
	}
	unlink(src);
	unlink(asmf);
	unlink(cmdf);
	used += (size_t)snprintf(json, sizeof(json), "{");
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char sec[64];
		unsigned long size;

		if (sscanf(line, "#KPSIZE %63s %lu", sec, &size) != 2)
			continue;
		used += (size_t)snprintf(json + used, sizeof(json) - used, "%s\"%s\":%lu",
					 n++ ? "," : "", sec, size);
	}
	free(text);
	snprintf(json + used, sizeof(json) - used, "}\n");
	if (!n)
		return kb_fail(&kb->err, KB_EENV, "the entry-size probe printed no sizes; see %s", log);
	return kb_write_file(out, json, strlen(json)) ?
		kb_fail(&kb->err, KB_EENV, "cannot write %s", out) : 0;
}

static bool same_content(const char *a, const char *b)
{
	size_t la, lb;
	char *x = kb_read_file(a, &la), *y = kb_read_file(b, &lb);
	bool same = x && y && la == lb && !memcmp(x, y, la);

	free(x);
	free(y);
	return same;
}

static int prepare_tree(struct kb *kb, const char *tree, const char *log)
{
	char *dotconfig = kb_path("%s/.config", tree);
	int ret = 0;

	if (kb_copy_file(kb->config, dotconfig))
		ret = kb_fail(&kb->err, KB_EENV, "cannot copy %s to %s", kb->config, dotconfig);
	free(dotconfig);
	if (ret)
		return ret;
	kb_progress(kb, "preparing the source tree (make olddefconfig prepare)");
	if (make_in(kb, tree, "olddefconfig", log) || make_in(kb, tree, "prepare", log)) {
		char *tail = kb_log_tail(log, 3);

		ret = kb_fail(&kb->err, KB_EENV, "make prepare failed in %s: %s (log: %s)",
			      tree, tail, log);
		free(tail);
	}
	return ret;
}

/* An existing, user-given tree: prepared in place, once. */
static int use_sourcedir(struct kb *kb)
{
	char *mk = kb_path("%s/Makefile", kb->sourcedir);
	char *autoconf = kb_path("%s/include/generated/autoconf.h", kb->sourcedir);
	char *log = kb_path("%s/prepare.log", kb->work);
	int ret;

	if (!kb_exists(mk)) {
		ret = kb_fail(&kb->err, KB_EUSAGE, "source directory %s: no Makefile; is it a kernel tree?",
			      kb->sourcedir);
	} else {
		kb->tree = realpath(kb->sourcedir, NULL);
		ret = !kb_exists(autoconf) ? prepare_tree(kb, kb->tree, log) : 0;
		kb->entry_sizes = kb_path("%s/entry-sizes.json", kb->work);
		if (!ret)
			ret = probe_entry_sizes(kb, kb->tree, kb->entry_sizes, log);
	}
	free(mk);
	free(autoconf);
	free(log);
	return ret;
}

/* Whether PATH/NAME exists. */
static bool exists_in(const char *path, const char *name)
{
	char *p = kb_path("%s/%s", path, name);
	bool yes = kb_exists(p);

	free(p);
	return yes;
}

/* The cached tree's config must be the one given with --config. */
static int same_config(struct kb *kb)
{
	char *cached = kb_path("%s/config", kb->srcroot);
	bool same = same_content(kb->config, cached);

	free(cached);
	if (same)
		return 0;
	return kb_fail(&kb->err, KB_EUSAGE,
		       "--config %s differs from the config the cached tree was prepared with (%s/config); remove %s to prepare it again, or use --sourcedir",
		       kb->config, kb->srcroot, kb->srcroot);
}

/* Debian's image package ships a one-line placeholder System.map: fetched instead. */
static int copy_system_map(struct kb *kb, const char *tmp, const char *log)
{
	char *map = kb_path("%s/System.map", kb->kdir), *to = kb_path("%s/System.map", tmp);
	struct ksyms ks;
	int ret;

	if (!ksyms_load_map(map, &ks) && ks.n >= KSYMS_MIN_REAL) {
		ksyms_free(&ks);
		ret = kb_copy_file(map, to);
		if (ret)
			kb_fail(&kb->err, KB_EENV, "cannot copy %s to %s: %s", map, to, strerror(-ret));
	} else {
		ksyms_free(&ks);
		ret = kb_fetch_dbg_symbols(kb, tmp, true, log);
	}
	free(map);
	free(to);
	return ret;
}

/* A fresh tree in TMP (the cache's src/<krel>): source, prepare, entry sizes, marker. */
static int prepare_cached(struct kb *kb, const char *tmp, const char *complete)
{
	char *log = kb_path("%s/prepare.log", tmp), *config = kb_path("%s/config", tmp);
	char *tree = kb_path("%s/tree", tmp), *sizes = kb_path("%s/entry-sizes.json", tmp);
	int ret = -1;

	kb_rmtree(tmp);
	if (kb_mkdirs(tmp)) {
		kb_fail(&kb->err, KB_EENV, "cannot create %s", tmp);
		goto out;
	}
	if (copy_system_map(kb, tmp, log))
		goto out;
	if (kb_copy_file(kb->config, config)) {
		kb_fail(&kb->err, KB_EENV, "cannot copy %s into %s", kb->config, tmp);
		goto out;
	}
	if (fetch_source(kb, tmp, log) || prepare_tree(kb, tree, log) ||
	    probe_entry_sizes(kb, tree, sizes, log))
		goto out;
	/* The marker comes last: without it the tree is never used. */
	if (kb_write_file(complete, kb->pkgversion, strlen(kb->pkgversion))) {
		kb_fail(&kb->err, KB_EENV, "cannot write %s: %s", complete, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(log);
	free(config);
	free(tree);
	free(sizes);
	return ret;
}

/* The cached tree of this release, prepared once under a lock. */
static int cached_tree(struct kb *kb)
{
	char *dir = kb_path("%s/src", kb->cache), *lockpath = kb_path("%s/%s.lock", dir, kb->krel);
	char *complete = kb_path("%s/.complete", kb->srcroot);
	int lock = -1, ret = -1;

	if (kb_mkdirs(dir)) {
		kb_fail(&kb->err, KB_EENV, "cannot create %s", dir);
		goto out;
	}
	lock = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock < 0 || flock(lock, LOCK_EX)) {
		kb_fail(&kb->err, KB_EENV, "cannot lock %s: %s", lockpath, strerror(errno));
		goto out;
	}
	if (kb_exists(complete)) {
		if (kb->config_given && same_config(kb))
			goto out;
		kb_progress(kb, "using the prepared tree in %s", kb->srcroot);
		ret = 0;
		goto out;
	}
	kb_progress(kb, "no prepared tree for %s yet; preparing it once (about a minute)", kb->krel);
	/* Prepared where it stays: kbuild and the tools record absolute paths. */
	ret = prepare_cached(kb, kb->srcroot, complete);
out:
	if (lock >= 0)
		close(lock);
	free(dir);
	free(lockpath);
	free(complete);
	return ret;
}

int kb_prepare_tree(struct kb *kb)
{
	if (kb->sourcedir && use_sourcedir(kb))
		return -1;
	kb->srcroot = kb_path("%s/src/%s", kb->cache, kb->krel);
	if (!kb->sourcedir) {
		if (cached_tree(kb))
			return -1;
		kb->tree = kb_path("%s/tree", kb->srcroot);
		kb->entry_sizes = kb_path("%s/entry-sizes.json", kb->srcroot);
	}
	if (kb->symbols)
		kb->sysmap = strdup(kb->symbols);
	else if (exists_in(kb->srcroot, "System.map"))
		kb->sysmap = kb_path("%s/System.map", kb->srcroot);
	else	/* --sourcedir before any Debian-mode build of this release */
		kb->sysmap = kb_path("%s/System.map", kb->kdir);
	/*
	 * The saved file list matches the release's System.map, not a user's
	 * table; a tree prepared before file lists were kept gets one the
	 * first time a build needs it (resolve.c).
	 */
	if (!kb->symbols)
		kb->filesyms = kb_path("%s/file-symbols", kb->srcroot);
	return 0;
}
