// SPDX-License-Identifier: GPL-2.0
/*
 * Automatic subscription: the mode, and the installed kernels and patch
 * packages as the host's package database has them.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/array.h"
#include "kpatchlib/atomic.h"
#include "kpatchlib/paths.h"
#include "kpatchlib/spawn.h"
#include "kpatchlib/subscription.h"
#include "kpatchlib/textfile.h"

/* A package database listing of a few hundred packages fits easily. */
#define QUERY_MAX (1U << 20)

static const char *rpm_root(void)
{
	const char *r = getenv("KPATCH_RPM_ROOT");

	return r && *r ? r : NULL;
}

static const char *dpkg_admindir(void)
{
	const char *d = getenv("KPATCH_DPKG_ADMINDIR");

	return d && *d ? d : NULL;
}

enum kp_pkgsys kp_sub_pkgsys(void)
{
	if (dpkg_admindir())
		return KP_PKGSYS_DEB;
	if (rpm_root())
		return KP_PKGSYS_RPM;
	if (kp_paths_overridden())
		return KP_PKGSYS_NONE;
	/* A Debian host may have rpm installed (as a tool); dpkg is its own. */
	if (!access("/var/lib/dpkg/status", F_OK))
		return KP_PKGSYS_DEB;
	if (!access("/var/lib/rpm", F_OK) || !access("/usr/lib/sysimage/rpm", F_OK))
		return KP_PKGSYS_RPM;
	return KP_PKGSYS_NONE;
}

const char *kp_sub_mode_name(enum kp_sub_mode m)
{
	return m == KP_SUB_AUTO ? "auto" : "manual";
}

static int sub_path(char *buf, size_t size)
{
	return kp_path(buf, size, "%s/subscription", kp_conf_dir());
}

static int dnf_conf_path(char *buf, size_t size)
{
	return kp_path(buf, size, "%s/etc/dnf/plugins/kpatch.conf", rpm_root() ? rpm_root() : "");
}

/* Each clean line of path (a missing file has none). */
static int each_line(const char *path, const char *what,
		     int (*fn)(void *ctx, char *line, unsigned int lineno, struct kp_err *err),
		     void *ctx, struct kp_err *err)
{
	char *text;
	size_t len;
	int ret;

	if (kp_text_read(path, what, &text, &len, err))
		return -1;
	if (!text)
		return 0;
	ret = kp_text_each_line(text, len, path, what, 4095, fn, ctx, err);
	free(text);
	return ret;
}

static char *trim(char *s)
{
	char *end = s + strlen(s);

	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

struct mode_ctx {
	const char *path;
	enum kp_sub_mode *mode;
	int in_main, seen;
};

/* <conf dir>/subscription: '#' comments and one word. */
static int deb_mode_line(void *ctx, char *text, unsigned int lineno, struct kp_err *err)
{
	struct mode_ctx *m = ctx;
	char *line = trim(text);

	if (!*line || *line == '#')
		return 0;
	if (m->seen)
		return kp_err_set(err, KP_E_INVALID, 0, "%s:%u: a second mode; the file holds one word, auto or manual",
				  m->path, lineno);
	m->seen = 1;
	if (!strcmp(line, "auto"))
		*m->mode = KP_SUB_AUTO;
	else if (!strcmp(line, "manual"))
		*m->mode = KP_SUB_MANUAL;
	else
		return kp_err_set(err, KP_E_INVALID, 0, "%s:%u: the mode must be auto or manual (run `kpatch auto` or `kpatch manual`)",
				  m->path, lineno);
	return 0;
}

/* dnf's plugin configuration, an INI file: [main] autoupdate = True|False. */
static int dnf_mode_line(void *ctx, char *text, unsigned int lineno, struct kp_err *err)
{
	struct mode_ctx *m = ctx;
	char *line = trim(text), *eq, *key, *val;

	(void)lineno;
	(void)err;
	if (!*line || *line == '#' || *line == ';')
		return 0;
	if (*line == '[') {
		m->in_main = !strcmp(line, "[main]");
		return 0;
	}
	eq = strchr(line, '=');
	if (!m->in_main || !eq)
		return 0;
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	if (strcmp(key, "autoupdate"))
		return 0;
	/* dnf's own boolean spellings */
	*m->mode = !strcasecmp(val, "true") || !strcasecmp(val, "yes") || !strcasecmp(val, "on") ||
		   !strcmp(val, "1") ? KP_SUB_AUTO : KP_SUB_MANUAL;
	return 0;
}

static int read_mode(enum kp_pkgsys sys, enum kp_sub_mode *mode, struct kp_err *err)
{
	char path[4096];
	struct mode_ctx m = { path, mode, 0, 0 };

	*mode = KP_SUB_MANUAL;
	if (sys == KP_PKGSYS_DEB) {
		if (sub_path(path, sizeof(path)))
			return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "the subscription file");
		return each_line(path, "subscription file", deb_mode_line, &m, err);
	}
	if (sys == KP_PKGSYS_RPM) {
		if (dnf_conf_path(path, sizeof(path)))
			return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "the dnf plugin configuration");
		return each_line(path, "dnf plugin configuration", dnf_mode_line, &m, err);
	}
	return 0;
}

/*
 * Add an installed kernel; -1 only when out of memory. A release we
 * cannot name a package for is counted in nbad, never used in a path or a
 * command.
 */
static int add_kernel(struct kp_sub *s, const char *release, struct kp_err *err)
{
	enum kp_pkg_kind kind = s->sys == KP_PKGSYS_RPM ? KP_PKG_RPM : KP_PKG_DEB;
	struct kp_sub_kernel *k = (struct kp_sub_kernel *)kp_sub_find(s, release);
	char package[KP_PKGNAME_MAX];
	struct kp_err ignored;

	if (k)
		return 0;
	if (!kp_release_ok(release) || kp_pkg_name(release, kind, package, sizeof(package), &ignored)) {
		s->nbad++;
		return 0;
	}
	k = realloc(s->k, (s->n + 1) * sizeof(*k));
	if (!k)
		return kp_err_set(err, KP_E_SYSTEM, ENOMEM, "listing the installed kernels");
	s->k = k;
	k = &s->k[s->n++];
	memset(k, 0, sizeof(*k));
	snprintf(k->release, sizeof(k->release), "%s", release);
	snprintf(k->package, sizeof(k->package), "%s", package);
	return 0;
}

/* Strip prefix and an optional suffix; NULL when s does not start with prefix. */
static const char *release_of(const char *s, const char *prefix, const char *suffix, char *buf, size_t size)
{
	size_t n = strlen(prefix), len, sl = suffix ? strlen(suffix) : 0;

	if (strncmp(s, prefix, n))
		return NULL;
	s += n;
	len = strlen(s);
	if (sl && len > sl && !strcmp(s + len - sl, suffix))
		len -= sl;
	if (len >= size)
		return NULL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return buf;
}

/*
 * dpkg-query lines "<status abbrev>\t<package>\t<version>". Kernel images
 * are linux-image-<release>[-unsigned]; meta packages (linux-image-amd64)
 * and debug symbols (-dbg) are not kernels.
 */
static int deb_read(struct kp_sub *s, struct kp_err *err)
{
	const char *argv[8];
	char opt[4200], *out, *line, *save;
	size_t argc = 0;
	int rc;

	argv[argc++] = "dpkg-query";
	if (dpkg_admindir()) {
		if (kp_path(opt, sizeof(opt), "--admindir=%s", dpkg_admindir()))
			return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "the dpkg database");
		argv[argc++] = opt;
	}
	argv[argc++] = "-W";
	argv[argc++] = "-f=${db:Status-Abbrev}\t${Package}\t${Version}\n";
	argv[argc++] = "linux-image-*";
	argv[argc++] = "kpatch-patch-*";
	argv[argc] = NULL;
	rc = kp_spawn_capture(argv, QUERY_MAX, &out, err);
	if (rc < 0)
		return -1;
	/* 1: a pattern matched nothing, the other's lines are still there */
	if (rc > 1) {
		free(out);
		return kp_err_set(err, KP_E_SYSTEM, 0, "dpkg-query could not read the package database (exit %d)", rc);
	}
	/*
	 * One pass over the lines, split in place: kernels are added as they
	 * come, patch package lines are kept aside and matched once every
	 * kernel is known (dpkg-query does not promise an order).
	 */
	struct { const char *pkg, *ver; } *patches = NULL;
	size_t npatches = 0, cap = 0;
	int ret = 0;

	for (line = strtok_r(out, "\n", &save); line && !ret; line = strtok_r(NULL, "\n", &save)) {
		char *status = line, *pkg = strchr(line, '\t'), *ver, rel[KP_KREL_MAX + 1];

		if (!pkg || !(ver = strchr(pkg + 1, '\t')))
			continue;
		*pkg++ = '\0';
		*ver++ = '\0';
		if (strlen(status) < 2 || status[1] != 'i')
			continue;	/* not installed (removed, config-files, half-installed) */
		if (!strncmp(pkg, "kpatch-patch-", 13)) {
			if (kp_reserve(&patches, &cap, npatches + 1, sizeof(*patches))) {
				ret = kp_err_set(err, KP_E_SYSTEM, ENOMEM, "reading the package database");
			} else {
				patches[npatches].pkg = pkg;
				patches[npatches++].ver = ver;
			}
			continue;
		}
		if (!release_of(pkg, "linux-image-", "-unsigned", rel, sizeof(rel)) ||
		    !isdigit((unsigned char)rel[0]) ||
		    (strlen(rel) > 4 && !strcmp(rel + strlen(rel) - 4, "-dbg")))
			continue;
		ret = add_kernel(s, rel, err);
	}
	for (size_t i = 0; !ret && i < npatches; i++)
		for (size_t j = 0; j < s->n; j++)
			if (!strcmp(s->k[j].package, patches[i].pkg)) {
				s->k[j].patched = 1;
				snprintf(s->k[j].version, sizeof(s->k[j].version), "%s", patches[i].ver);
			}
	free(patches);
	free(out);
	return ret;
}

/* rpm -q with --root when the tests give one; argv ends with NULL. */
static int rpm_query(const char *const args[], char **out, struct kp_err *err)
{
	const char *argv[12];
	char opt[4200];
	size_t argc = 0;

	argv[argc++] = "rpm";
	if (rpm_root()) {
		if (kp_path(opt, sizeof(opt), "--root=%s", rpm_root()))
			return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "the rpm database");
		argv[argc++] = opt;
	}
	for (size_t i = 0; args[i] && argc < 11; i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;
	return kp_spawn_capture(argv, QUERY_MAX, out, err);
}

/*
 * Kernels: kernel-core's VERSION-RELEASE.ARCH, as uname -r prints it.
 * Patch packages: whatever provides "kpatch-patch = <release>".
 */
static int rpm_read(struct kp_sub *s, struct kp_err *err)
{
	static const char *const kernels[] = { "-q", "--qf", "%{VERSION}-%{RELEASE}.%{ARCH}\\n", "kernel-core", NULL };
	static const char *const patches[] = { "-q", "--qf", "[%{PROVIDENAME}=%{PROVIDEVERSION}\\t]%{VERSION}-%{RELEASE}\\n",
					       "--whatprovides", "kpatch-patch", NULL };
	char *out, *line, *save;
	int rc;

	rc = rpm_query(kernels, &out, err);
	if (rc < 0)
		return -1;
	/* 1 is "package kernel-core is not installed" (on stdout): no kernels */
	for (line = rc ? NULL : strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (add_kernel(s, line, err)) {
			free(out);
			return -1;
		}
	free(out);
	rc = rpm_query(patches, &out, err);
	if (rc < 0)
		return -1;
	for (line = rc ? NULL : strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ver = strrchr(line, '\t');

		if (!ver)
			continue;
		*ver++ = '\0';
		for (char *p = strtok(line, "\t"); p; p = strtok(NULL, "\t")) {
			struct kp_sub_kernel *k;

			if (strncmp(p, "kpatch-patch=", 13) || !(k = (struct kp_sub_kernel *)kp_sub_find(s, p + 13)))
				continue;
			k->patched = 1;
			snprintf(k->version, sizeof(k->version), "%s", ver);
		}
	}
	free(out);
	return 0;
}

int kp_sub_read(struct kp_sub *s, struct kp_err *err)
{
	int ret = 0;

	memset(s, 0, sizeof(*s));
	s->sys = kp_sub_pkgsys();
	if (read_mode(s->sys, &s->mode, err))
		return -1;
	if (s->sys == KP_PKGSYS_DEB)
		ret = deb_read(s, err);
	else if (s->sys == KP_PKGSYS_RPM)
		ret = rpm_read(s, err);
	if (ret)
		kp_sub_free(s);
	return ret;
}

void kp_sub_free(struct kp_sub *s)
{
	free(s->k);
	s->k = NULL;
	s->n = 0;
}

const struct kp_sub_kernel *kp_sub_find(const struct kp_sub *s, const char *release)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->k[i].release, release))
			return &s->k[i];
	return NULL;
}

int kp_sub_set_mode(enum kp_sub_mode m, struct kp_err *err)
{
	char path[4096], text[256];
	int len;

	if (sub_path(path, sizeof(path)))
		return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "the subscription file");
	mkdir(kp_conf_dir(), 0755);
	len = snprintf(text, sizeof(text),
		       "# Written by `kpatch %s`: in auto mode every installed kernel gets its\n"
		       "# kpatch-patch-<release> package, also kernels installed later.\n%s\n",
		       kp_sub_mode_name(m), kp_sub_mode_name(m));
	return kp_write_atomic(path, text, (size_t)len, 0644, err);
}

static int pending_dir(char *buf, size_t size)
{
	return kp_path(buf, size, "%s/subscribe", kp_run_dir());
}

int kp_sub_pending_add(const char *release, struct kp_err *err)
{
	char dir[4096], path[4200];
	int fd;

	if (kp_release_check(release, "kernel", KP_E_USAGE, err))
		return -1;
	if (pending_dir(dir, sizeof(dir)) || kp_path(path, sizeof(path), "%s/%s", dir, release))
		return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "the run directory");
	mkdir(kp_run_dir(), 0755);
	if (mkdir(dir, 0755) && errno != EEXIST)
		return kp_err_set(err, KP_E_SYSTEM, errno, "creating %s", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return kp_err_set(err, KP_E_SYSTEM, errno, "creating %s", path);
	close(fd);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int kp_sub_pending_list(struct kp_names *out, struct kp_err *err)
{
	char dir[4096];
	struct dirent *de;
	DIR *d;

	memset(out, 0, sizeof(*out));
	if (pending_dir(dir, sizeof(dir)))
		return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "the run directory");
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : kp_err_set(err, KP_E_SYSTEM, errno, "reading %s", dir);
	while ((de = readdir(d))) {
		char **v;

		if (de->d_name[0] == '.')
			continue;
		if (!kp_release_ok(de->d_name)) {
			out->nbad++;
			continue;
		}
		v = realloc(out->v, (out->n + 1) * sizeof(*v));
		if (!v || !(v[out->n] = strdup(de->d_name))) {
			if (v)
				out->v = v;
			closedir(d);
			kp_names_free(out);
			return kp_err_set(err, KP_E_SYSTEM, ENOMEM, "reading %s", dir);
		}
		out->v = v;
		out->n++;
	}
	closedir(d);
	qsort(out->v, out->n, sizeof(*out->v), cmp_str);
	return 0;
}

void kp_sub_pending_drop(const char *release)
{
	char dir[4096], path[4200];

	if (kp_release_ok(release) && !pending_dir(dir, sizeof(dir)) &&
	    !kp_path(path, sizeof(path), "%s/%s", dir, release))
		unlink(path);
}
