// SPDX-License-Identifier: GPL-2.0
/*
 * Header changes. A changed static inline or macro changes the code of
 * every object that includes the header, so those objects are compiled
 * twice and diffed like the .c files a patch names.
 *
 * Which objects include a header: kbuild records it in the .cmd files of a
 * build, but we never build the whole kernel, so the index is derived. The
 * preprocessor alone is enough: kbuild's own "make dir/x.i" runs it with the
 * kernel's exact flags (~0.3 s per file instead of a few seconds for a
 * compile) and fixdep writes the header list into dir/.x.i.cmd. kbuild
 * compiles single targets even when the config leaves them out, so the
 * objects of the config come from the directory's Makefile (obj-y,
 * obj-$(CONFIG_X) and composite-object lists, evaluated against .config).
 *
 * The index is built lazily, one source directory at a time: a header
 * local to a directory (fs/proc/fd.h) is included through "fd.h" by the
 * files next to it, so only that directory is scanned. It is cached per
 * kernel release and directory, written to a temporary name and renamed,
 * so concurrent builds share it safely. Headers of the global include path
 * (include/, arch/<arch>/include/) would need the index of every directory
 * of the config: for them the textual include graph (incgraph.c) names the
 * candidates first and only those are preprocessed, each object cached on
 * its own; more than --max-objects confirmed objects are refused.
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

bool kb_depindex_is_global(const char *h)
{
	const char *p;

	if (!strncmp(h, "include/", 8))
		return true;
	/* arch/x86/include/asm/x.h */
	if (strncmp(h, "arch/", 5))
		return false;
	p = strchr(h + 5, '/');
	return p && !strncmp(p, "/include/", 9);
}

int kb_depindex_note(struct kb *kb, const char *patch, const char *header)
{
	char **n;

	if (strstr(header, "..") || header[0] == '/')
		return kb_fail(&kb->err, KB_EUSAGE, "%s: %s: path leaves the source tree", patch, header);
	for (size_t i = 0; i < kb->nchanged_headers; i++)
		if (!strcmp(kb->changed_headers[i], header))
			return 0;
	n = realloc(kb->changed_headers, (kb->nchanged_headers + 1) * sizeof(*n));
	if (!n || !(n[kb->nchanged_headers] = strdup(header)))
		return kb_fail(&kb->err, KB_EENV, "out of memory");
	kb->changed_headers = n;
	kb->nchanged_headers++;
	return 0;
}

void kb_depindex_forget(struct kb *kb)
{
	for (size_t i = 0; i < kb->nchanged_headers; i++)
		free(kb->changed_headers[i]);
	free(kb->changed_headers);
	kb->changed_headers = NULL;
	kb->nchanged_headers = 0;
}


/*
 * Objects that include header: its directory and the subdirectories the
 * config builds below it (they reach it as "../x.h", e.g. mm/kasan/ and
 * mm/internal.h).
 */
static int includers(struct kb *kb, const char *header)
{
	char *dir = strdup(header), *slash = strrchr(dir, '/'), **dirs = NULL, names[1024] = "";
	char *config = kb_path("%s/.config", kb->ws);
	size_t ndirs = 0, scanned = 0, found = 0;
	double t0 = kb_now();
	bool built = false;
	int ret = 0;

	if (!slash)
		return kb_fail(&kb->err, KB_EREFUSED,
			       "%s: a header at the top of the tree; only headers in a source directory are followed: move the change into the .c files that need it",
			       header);
	*slash = '\0';
	if (kb_strv_push(&dirs, &ndirs, dir))
		return kb_fail(&kb->err, KB_EENV, "out of memory");
	for (size_t i = 0; i < ndirs && !ret; i++) {
		char **subs;
		int n = kb_depindex_config_subdirs(kb->ws, dirs[i], config, &subs);

		for (int j = 0; j < n; j++)
			if (kb_strv_push(&dirs, &ndirs, subs[j]))
				ret = kb_fail(&kb->err, KB_EENV, "out of memory");
		kb_strv_free(subs);
		if (!ret)
			ret = kb_depcache_scan_dir(kb, dirs[i], header, &scanned, &found, names, sizeof(names), &built);
	}
	if (!ret) {
		kb_progress(kb, "header %s: %zu objects of %s/%s scanned (index %s in %.1f s), %zu include it and are rebuilt:%s",
			    header, scanned, dir, ndirs > 1 ? kb_path(" and %zu subdirectories", ndirs - 1) : "",
			    built ? "built" : "cached", kb_now() - t0, found, found ? names : " none");
		if (!found)
			ret = kb_fail(&kb->err, KB_ENOCHANGE,
				      "%s: no object of this kernel's config in %s/ includes it; nothing to patch",
				      header, dir);
	}
	kb_strv_free(dirs);
	free(config);
	free(dir);
	return ret;
}

/* A directory's objects under the config, remembered across candidates. */
struct dir_objs {
	char *dir;
	char **objs;
};

static bool config_builds(const struct kb *kb, const char *config, struct dir_objs **cache,
			  size_t *ncache, const char *obj)
{
	const char *slash = strrchr(obj, '/');
	char *dir = slash ? strndup(obj, (size_t)(slash - obj)) : NULL, why[512];
	struct dir_objs *d = NULL;

	if (!dir)
		return false;
	for (size_t i = 0; i < *ncache && !d; i++)
		if (!strcmp((*cache)[i].dir, dir))
			d = &(*cache)[i];
	if (!d) {
		struct dir_objs *n = realloc(*cache, (*ncache + 1) * sizeof(*n));

		if (!n) {
			free(dir);
			return false;
		}
		*cache = n;
		d = &n[(*ncache)++];
		d->dir = dir;
		if (kb_depindex_config_objects(kb->ws, dir, config, &d->objs) < 0)
			d->objs = NULL;
	} else {
		free(dir);
	}
	for (size_t i = 0; d->objs && d->objs[i]; i++)
		if (!strcmp(d->objs[i], obj))
			return !kb_depindex_not_in_config(kb->ws, config, obj, why, sizeof(why));
	return false;
}


static bool deps_name(const char *deps, const char *header)
{
	size_t hl = strlen(header);

	for (const char *p = deps; (p = strstr(p, header)); p += hl)
		if (p[-1] == ' ' && (p[hl] == ' ' || !p[hl]))
			return true;
	return false;
}

/*
 * A header of the global include path: the include graph names the .c
 * files that may include it, the Makefiles keep those the config builds,
 * the preprocessor confirms them. Each step is cheaper than the next and
 * leaves fewer files for it.
 */
static int global_includers(struct kb *kb, const char *header)
{
	char *idxdir = kb_depcache_dir(kb), *config = kb_path("%s/.config", kb->ws), **srcs = NULL;
	char **cand = NULL, **missing = NULL, names[1024] = "";
	size_t ncand = 0, nmissing = 0, confirmed = 0, ncache = 0, max = kb->max_objects ? (size_t)kb->max_objects : KB_MAX_OBJECTS;
	struct dir_objs *cache = NULL;
	struct incgraph *g = NULL;
	double gsecs, t0;
	bool built;
	int nsrcs, ret = -1;

	if (kb_mkdirs(idxdir)) {
		kb_fail(&kb->err, KB_EENV, "cannot create %s: %s", idxdir, strerror(errno));
		goto out;
	}
	g = kb_depcache_graph(kb, idxdir, &built, &gsecs);
	if (!g)
		goto out;
	nsrcs = kb_incgraph_sources(g, header, &srcs);
	if (nsrcs < 0) {
		kb_fail(&kb->err, KB_EENV, "out of memory");
		goto out;
	}
	for (int i = 0; i < nsrcs; i++) {
		char *obj = strdup(srcs[i]);

		obj[strlen(obj) - 1] = 'o';
		if (config_builds(kb, config, &cache, &ncache, obj) && kb_strv_push(&cand, &ncand, obj)) {
			free(obj);
			kb_fail(&kb->err, KB_EENV, "out of memory");
			goto out;
		}
		free(obj);
	}
	/* The preprocessor costs ~0.3 s an object: do not start hours of it. */
	if (ncand > max * 10) {
		kb_fail(&kb->err, KB_EREFUSED,
			"%s: %zu objects of this kernel's config may include it (%d source files by their #include lines), more than 10 times --max-objects %zu; a change there rebuilds a large part of the kernel: move it into the .c files that need it, or raise --max-objects",
			header, ncand, nsrcs, max);
		goto out;
	}
	t0 = kb_now();
	for (size_t i = 0; i < ncand; i++) {
		char *deps = kb_depcache_deps(kb, idxdir, cand[i]);

		if (!deps && kb_strv_push(&missing, &nmissing, cand[i])) {
			kb_fail(&kb->err, KB_EENV, "out of memory");
			goto out;
		}
		free(deps);
	}
	if (nmissing && kb_depcache_preprocess(kb, idxdir, missing, nmissing))
		goto out;
	for (size_t i = 0; i < ncand; i++) {
		char *deps = kb_depcache_deps(kb, idxdir, cand[i]);
		bool hit = deps && (deps_name(deps, header) ||
				    (deps_name(deps, "?") && kb_depcache_names_header(kb, cand[i], header)));

		free(deps);
		if (!hit)
			continue;
		if (++confirmed > max)
			continue;
		if (strlen(names) + strlen(cand[i]) + 6 < sizeof(names))
			snprintf(names + strlen(names), sizeof(names) - strlen(names), " %s", cand[i]);
		else if (!strstr(names, " ..."))
			strcat(names, " ...");
		if (kb_add_object(kb, cand[i]))
			goto out;
	}
	kb_progress(kb, "header %s: %d source files include it by text (graph %s in %.1f s), %zu objects of this config, %zu confirmed by the preprocessor (%zu run in %.1f s) and rebuilt:%s",
		    header, nsrcs, built ? "built" : "cached", gsecs, ncand, confirmed, nmissing,
		    kb_now() - t0, confirmed ? names : " none");
	if (confirmed > max)
		kb_fail(&kb->err, KB_EREFUSED,
			"%s: %zu objects of this kernel's config include it, more than --max-objects %zu; rebuilding them all takes long and patches much of the kernel: move the change into the .c files that need it, or raise --max-objects",
			header, confirmed, max);
	else if (!confirmed)
		kb_fail(&kb->err, KB_ENOCHANGE,
			"%s: no object of this kernel's config includes it; nothing to patch", header);
	else
		ret = 0;
out:
	for (size_t i = 0; i < ncache; i++) {
		free(cache[i].dir);
		kb_strv_free(cache[i].objs);
	}
	free(cache);
	kb_strv_free(srcs);
	kb_strv_free(cand);
	kb_strv_free(missing);
	kb_incgraph_free(g);
	free(config);
	free(idxdir);
	return ret;
}

int kb_depindex_expand(struct kb *kb)
{
	char *config = kb_path("%s/.config", kb->ws), why[512];

	/*
	 * kbuild compiles a single object even when the config leaves it out,
	 * and the failure would show up later as a confusing missing symbol.
	 */
	for (size_t i = 0; i < kb->nobjs; i++)
		if (kb_depindex_not_in_config(kb->ws, config, kb->objs[i].obj, why, sizeof(why)))
			return kb_fail(&kb->err, KB_EREFUSED,
				       "%s: not part of this kernel (%s); there is nothing to patch",
				       kb->objs[i].src, why);
	free(config);
	for (size_t i = 0; i < kb->nchanged_headers; i++)
		if (kb_depindex_is_global(kb->changed_headers[i]) ? global_includers(kb, kb->changed_headers[i]) : includers(kb, kb->changed_headers[i]))
			return -1;
	return 0;
}

