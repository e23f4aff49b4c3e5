// SPDX-License-Identifier: GPL-2.0
/*
 * The dependency index cache: one file per source directory ("dir/x.o h1
 * h2 ..." per object) and one per object for the global-header path, under
 * $KPATCH_CACHE/depindex/<release>/ (the work directory for a --sourcedir
 * tree), written to a temporary name and renamed so that concurrent builds
 * share it. The entries come from kbuild's own preprocessor runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build/depindex.h"
#include "build/depindex_int.h"
#include "build/incgraph.h"


static bool any_cmd(const struct kb *kb, char **objs, int n);

/*
 * Preprocess objs (their .i targets) with kbuild, going on past a file
 * that needs headers only a full build generates (-k): the .cmd files it
 * leaves are what the index reads.
 */
static int run_preprocessor(struct kb *kb, char **objs, size_t n, const char *log)
{
	struct kb_make m;
	char **targets = calloc(n + 1, sizeof(*targets));
	int rc = -1;

	if (!targets || kb_make_argv(kb, &m, kb->ws, NULL, n + 1)) {
		free(targets);
		return -1;
	}
	kb_make_add(&m, "-k");
	for (size_t i = 0; i < n; i++) {
		targets[i] = strdup(objs[i]);
		if (!targets[i])
			goto out;
		targets[i][strlen(targets[i]) - 1] = 'i';
		kb_make_add(&m, targets[i]);
	}
	rc = kb_run(m.argv, NULL, log);
out:
	for (size_t i = 0; i < n; i++)
		free(targets[i]);
	free(targets);
	kb_make_free(&m);
	return rc;
}

/* Build dir's index into path: one line "dir/x.o h1 h2 ..." per object. */
static int build_index(struct kb *kb, const char *dir, const char *path, size_t *count)
{
	char *config = kb_path("%s/.config", kb->ws), **objs, *tmp, *log;
	int n = kb_depindex_config_objects(kb->ws, dir, config, &objs), rc;
	FILE *f;

	if (n < 0)
		return kb_fail(&kb->err, KB_EENV, "%s: no kbuild Makefile to list the objects of", dir);
	log = kb_path("%s/depindex.log", kb->work);
	kb_progress(kb, "indexing the headers of %d objects in %s/ (once per kernel)", n, dir);
	rc = n ? run_preprocessor(kb, objs, (size_t)n, log) : 0;
	if (rc && !any_cmd(kb, objs, n)) {
		char *tail = kb_log_tail(log, 3), *nl;

		while ((nl = strchr(tail, '\n')))
			*nl = ' ';
		kb_fail(&kb->err, KB_ECOMPILE, "indexing %s/: the preprocessor failed: %s (log: %s)",
			dir, tail, log);
		free(tail);
		kb_strv_free(objs);
		return -1;
	}
	tmp = kb_path("%s.%d.tmp", path, (int)getpid());
	f = fopen(tmp, "we");
	if (!f) {
		kb_strv_free(objs);
		return kb_fail(&kb->err, KB_EENV, "cannot write %s: %s", tmp, strerror(errno));
	}
	fprintf(f, "# kpatch-build dependency index of %s/ for %s: object, then the headers it includes\n",
		dir, kb->krel);
	for (int i = 0; i < n; i++) {
		char *cmd = kb_depcache_cmd_path(kb, objs[i]);
		char **deps;
		int nd = kb_depindex_cmd_deps(cmd, kb->ws, &deps);

		free(cmd);
		fputs(objs[i], f);
		/*
		 * No .cmd: the preprocessor failed, usually on a header only a full
		 * build generates (nf_nat_snmp_basic.asn1.h). "?" makes the lookup
		 * fall back to the source's own #include lines.
		 */
		if (nd < 0) {
			fputs(" ?\n", f);
			continue;
		}
		for (int j = 0; j < nd; j++)
			fprintf(f, " %s", deps[j]);
		fputc('\n', f);
		kb_strv_free(deps);
	}
	kb_strv_free(objs);
	*count = (size_t)n;
	if (fclose(f) || rename(tmp, path)) {
		unlink(tmp);
		return kb_fail(&kb->err, KB_EENV, "cannot write %s: %s", path, strerror(errno));
	}
	free(tmp);
	return 0;
}

char *kb_depcache_cmd_path(const struct kb *kb, const char *obj)
{
	const char *slash = strrchr(obj, '/');

	return kb_path("%s/%.*s.%.*s.i.cmd", kb->ws, (int)(slash - obj + 1), obj,
		       (int)strlen(slash + 1) - 2, slash + 1);
}

static bool any_cmd(const struct kb *kb, char **objs, int n)
{
	for (int i = 0; i < n; i++) {
		char *c = kb_depcache_cmd_path(kb, objs[i]);
		bool have = kb_exists(c);

		free(c);
		if (have)
			return true;
	}
	return false;
}

/* The fallback for an object the preprocessor could not index. */
bool kb_depcache_names_header(const struct kb *kb, const char *obj, const char *header)
{
	char *src = kb_path("%s/%s", kb->ws, obj), *text, *line, *save;
	const char *base = strrchr(header, '/') ? strrchr(header, '/') + 1 : header;
	bool hit = false;

	src[strlen(src) - 1] = 'c';
	text = kb_read_file(src, NULL);
	free(src);
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line && !hit;
	     line = strtok_r(NULL, "\n", &save)) {
		char *inc = strstr(line, "include"), *name;

		if (!inc || line[strspn(line, " \t")] != '#')
			continue;
		name = inc + 7 + strspn(inc + 7, " \t<\"");
		name[strcspn(name, ">\"")] = '\0';
		hit = !strcmp(name, base) || (strlen(name) > strlen(base) &&
		      !strcmp(name + strlen(name) - strlen(base), base) &&
		      name[strlen(name) - strlen(base) - 1] == '/');
	}
	free(text);
	return hit;
}

/* One directory's index, built when missing: the objects that include header. */
int kb_depcache_scan_dir(struct kb *kb, const char *dir, const char *header, size_t *scanned,
		    size_t *found, char *names, size_t nlen, bool *built)
{
	char *flat = strdup(dir), *p, *idxdir, *path, *text, *line, *save;
	size_t dummy;

	for (p = flat; *p; p++)
		if (*p == '/')
			*p = '+';
	/* A tree given with --sourcedir is not the release's: index it per build. */
	idxdir = kb->sourcedir ? kb_path("%s/depindex", kb->work) :
		 kb_path("%s/depindex/%s", kb->cache, kb->krel);
	path = kb_path("%s/%s.deps", idxdir, flat);
	free(flat);
	if (kb_mkdirs(idxdir))
		return kb_fail(&kb->err, KB_EENV, "cannot create %s: %s", idxdir, strerror(errno));
	free(idxdir);
	if (!kb_exists(path)) {
		if (build_index(kb, dir, path, &dummy))
			return -1;
		*built = true;
	}
	text = kb_read_file(path, NULL);
	if (!text)
		return kb_fail(&kb->err, KB_EENV, "cannot read %s: %s", path, strerror(errno));
	free(path);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *obj, *h, *hsave;

		if (*line == '#')
			continue;
		(*scanned)++;
		obj = strtok_r(line, " ", &hsave);
		while ((h = strtok_r(NULL, " ", &hsave)))
			if (!strcmp(h, header) || (!strcmp(h, "?") && kb_depcache_names_header(kb, obj, header)))
				break;
		if (!h)
			continue;
		(*found)++;
		if (strlen(names) + strlen(obj) + 6 < nlen)
			snprintf(names + strlen(names), nlen - strlen(names), " %s", obj);
		else if (!strstr(names, " ..."))
			strcat(names, " ...");
		if (kb_add_object(kb, obj)) {
			free(text);
			return -1;
		}
	}
	free(text);
	return 0;
}

/* Where the indexes of this build live (see scan_dir). */
char *kb_depcache_dir(const struct kb *kb)
{
	return kb->sourcedir ? kb_path("%s/depindex", kb->work) :
	       kb_path("%s/depindex/%s", kb->cache, kb->krel);
}

/* "fs/proc/array.o" -> "fs+proc+array.o": one file name per object. */
static char *flat_name(const char *obj)
{
	char *f = strdup(obj);

	for (char *p = f; p && *p; p++)
		if (*p == '/')
			*p = '+';
	return f;
}

/* The include graph of the tree, from the cache or scanned and cached. */
struct incgraph *kb_depcache_graph(struct kb *kb, const char *idxdir, bool *built, double *secs)
{
	char *path = kb_path("%s/includes.graph", idxdir);
	struct incgraph *g = kb_incgraph_load(path);
	double t0 = kb_now();

	*built = false;
	if (!g) {
		kb_progress(kb, "reading the #include lines of the source tree (once per kernel)");
		g = kb_incgraph_scan(kb->ws);
		if (!g) {
			kb_fail(&kb->err, KB_EENV, "cannot read the source tree %s for its #include lines: %s",
				kb->ws, strerror(errno));
		} else if (kb_incgraph_save(g, path)) {
			kb_fail(&kb->err, KB_EENV, "cannot write %s: %s", path, strerror(errno));
			kb_incgraph_free(g);
			g = NULL;
		}
		*built = true;
	}
	*secs = kb_now() - t0;
	free(path);
	return g;
}

/*
 * The headers obj includes, from its directory's index or its own cached
 * entry: NULL when neither exists yet. "?" when the preprocessor failed.
 */
char *kb_depcache_deps(const struct kb *kb, const char *idxdir, const char *obj)
{
	const char *slash = strrchr(obj, '/');
	char *dir = strndup(obj, (size_t)(slash - obj)), *flat = flat_name(dir), *text, *line, *save;
	char *path = kb_path("%s/%s.deps", idxdir, flat), *hit = NULL;
	size_t ol = strlen(obj);

	free(dir);
	free(flat);
	text = kb_read_file(path, NULL);
	free(path);
	if (!text) {
		flat = flat_name(obj);
		path = kb_path("%s/objects/%s.deps", idxdir, flat);
		text = kb_read_file(path, NULL);
		free(path);
		free(flat);
	}
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line && !hit; line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, obj, ol) && line[ol] == ' ')
			hit = strdup(line + ol);
	free(text);
	return hit;
}

/* Run the preprocessor on objs and cache each object's headers. */
int kb_depcache_preprocess(struct kb *kb, const char *idxdir, char **objs, size_t n)
{
	char *log = kb_path("%s/depindex.log", kb->work), *odir = kb_path("%s/objects", idxdir);
	int ret = 0;

	if (kb_mkdirs(odir))
		return kb_fail(&kb->err, KB_EENV, "cannot create %s: %s", odir, strerror(errno));
	kb_progress(kb, "running the preprocessor on %zu candidate objects", n);
	/* Failures show up as missing .cmd files, recorded as "?" below. */
	(void)run_preprocessor(kb, objs, n, log);
	for (size_t i = 0; i < n && !ret; i++) {
		char *cmd = kb_depcache_cmd_path(kb, objs[i]), **deps, *flat = flat_name(objs[i]);
		char *path = kb_path("%s/%s.deps", odir, flat), *tmp = kb_path("%s.%d.tmp", path, (int)getpid());
		int nd = kb_depindex_cmd_deps(cmd, kb->ws, &deps);
		FILE *f = fopen(tmp, "we");

		if (!f) {
			ret = kb_fail(&kb->err, KB_EENV, "cannot write %s: %s", tmp, strerror(errno));
		} else {
			fputs(objs[i], f);
			if (nd < 0)
				fputs(" ?", f);
			for (int j = 0; j < nd; j++)
				fprintf(f, " %s", deps[j]);
			fputc('\n', f);
			if (fclose(f) || rename(tmp, path))
				ret = kb_fail(&kb->err, KB_EENV, "cannot write %s: %s", path, strerror(errno));
		}
		if (nd >= 0)
			kb_strv_free(deps);
		free(cmd);
		free(flat);
		free(path);
		free(tmp);
	}
	free(log);
	free(odir);
	return ret;
}
