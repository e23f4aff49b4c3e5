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
#include "build/incgraph.h"

static char **noted;		/* headers the patches change */
static size_t nnoted;

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
	for (size_t i = 0; i < nnoted; i++)
		if (!strcmp(noted[i], header))
			return 0;
	n = realloc(noted, (nnoted + 1) * sizeof(*n));
	if (!n || !(n[nnoted] = strdup(header)))
		return kb_fail(&kb->err, KB_EENV, "out of memory");
	noted = n;
	nnoted++;
	return 0;
}

void kb_depindex_forget(void)
{
	for (size_t i = 0; i < nnoted; i++)
		free(noted[i]);
	free(noted);
	noted = NULL;
	nnoted = 0;
}

/*
 * The enabled symbols of one .config, sorted: a global header sends every
 * Makefile of the tree through list_enabled(), so the file is read once.
 */
static char *cfg_path;
static struct stat cfg_st;	/* tests rewrite a config under the same name */
static char **cfg_syms;
static size_t cfg_n;

static int cmp_sym(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load_config(const char *config)
{
	char line[512];
	struct stat st;
	FILE *f;

	if (stat(config, &st))
		memset(&st, 0, sizeof(st));
	if (cfg_path && !strcmp(cfg_path, config) && st.st_ino == cfg_st.st_ino &&
	    st.st_size == cfg_st.st_size && st.st_mtim.tv_sec == cfg_st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == cfg_st.st_mtim.tv_nsec)
		return;
	cfg_st = st;
	for (size_t i = 0; i < cfg_n; i++)
		free(cfg_syms[i]);
	free(cfg_syms);
	free(cfg_path);
	cfg_syms = NULL;
	cfg_n = 0;
	cfg_path = strdup(config);
	f = fopen(config, "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '='), **n;

		if (strncmp(line, "CONFIG_", 7) || !eq || (eq[1] != 'y' && eq[1] != 'm'))
			continue;
		*eq = '\0';
		n = realloc(cfg_syms, (cfg_n + 1) * sizeof(*n));
		if (!n || !(n[cfg_n] = strdup(line))) {
			cfg_syms = n;
			break;
		}
		cfg_syms = n;
		cfg_n++;
	}
	if (f)
		fclose(f);
	qsort(cfg_syms, cfg_n, sizeof(*cfg_syms), cmp_sym);
}

static bool config_enabled(const char *config, const char *sym)
{
	load_config(config);
	return cfg_n && bsearch(&sym, cfg_syms, cfg_n, sizeof(*cfg_syms), cmp_sym);
}

/* "obj-y", "proc-$(CONFIG_TTY)", "foo-objs": is this list built? */
static bool list_enabled(const char *lhs, const char *config)
{
	const char *dash = strrchr(lhs, '-');
	char sym[128];
	size_t n;

	if (!dash)
		return false;
	/* Flags and helper lists, not objects. */
	if (strstr(lhs, "flags") || !strncmp(lhs, "targets", 7) || !strncmp(lhs, "always", 6) ||
	    !strncmp(lhs, "hostprogs", 9) || !strncmp(lhs, "userprogs", 9) || !strncmp(lhs, "subdir", 6))
		return false;
	if (!strcmp(dash, "-y") || !strcmp(dash, "-m") || !strcmp(dash, "-objs"))
		return true;
	/* "-$(CONFIG_X)": the '-' before '$' is the last one unless X has none. */
	dash = strstr(lhs, "-$(CONFIG_");
	if (!dash)
		return false;
	n = strcspn(dash + 3, ")");
	if (n == 0 || n >= sizeof(sym) || dash[3 + n] != ')' || dash[4 + n])
		return false;
	memcpy(sym, dash + 3, n);
	sym[n] = '\0';
	return config_enabled(config, sym);
}

/* The list an object was added by: "proc" of proc-y/proc-$(CONFIG_X). */
static char *list_name(const char *lhs)
{
	const char *dash = strstr(lhs, "-$(CONFIG_");

	if (!dash)
		dash = strrchr(lhs, '-');
	return strndup(lhs, dash ? (size_t)(dash - lhs) : strlen(lhs));
}

static int push(char ***v, size_t *n, const char *s)
{
	char **nv;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s))
			return 0;
	nv = realloc(*v, (*n + 2) * sizeof(*nv));
	if (!nv)
		return -1;
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return -1;
	nv[++*n] = NULL;
	return 0;
}

/* Read the file at TREE/DIR/NAME (NULL when absent); the path is not kept. */
static char *read_tree_file(const char *tree, const char *dir, const char *name)
{
	char *path = kb_path("%s/%s/%s", tree, dir, name), *text;

	text = kb_read_file(path, NULL);
	free(path);
	return text;
}

int kb_depindex_config_objects(const char *tree, const char *dir, const char *config, char ***objs)
{
	char *text = read_tree_file(tree, dir, "Makefile"), *p, *line, *save;
	char **owner = NULL;	/* owner[i]: the list objs[i] came from */
	size_t n = 0, no = 0;

	*objs = NULL;
	if (!text) {
		text = read_tree_file(tree, dir, "Kbuild");
		if (!text)
			return -1;
	}
	/* Continuation lines become one line. */
	for (p = text; (p = strstr(p, "\\\n")); )
		p[0] = p[1] = ' ';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *op = strstr(line, "="), *lhs, *w, *wsave, *list;
		bool assign;

		line += strspn(line, " \t");
		if (*line == '#' || !op)
			continue;
		*op = '\0';
		/* "=" and ":=" start the list afresh (proc-$(CONFIG_MMU) := task_mmu.o). */
		assign = !(op > line && (op[-1] == '+' || op[-1] == '?'));
		if (op > line && (op[-1] == '+' || op[-1] == ':' || op[-1] == '?'))
			op[-1] = '\0';
		lhs = line;
		lhs[strcspn(lhs, " \t")] = '\0';
		if (!list_enabled(lhs, config))
			continue;
		list = list_name(lhs);
		if (assign) {
			size_t k = 0;

			for (size_t i = 0; i < n; i++) {
				if (!strcmp(owner[i], list)) {
					free((*objs)[i]);
					free(owner[i]);
					continue;
				}
				(*objs)[k] = (*objs)[i];
				owner[k++] = owner[i];
			}
			n = no = k;
			if (*objs)
				(*objs)[n] = NULL;
		}
		for (w = strtok_r(op + 1, " \t", &wsave); w; w = strtok_r(NULL, " \t", &wsave)) {
			size_t l = strlen(w);
			char *rel, *src;
			bool have;

			if (l < 3 || strcmp(w + l - 2, ".o") || strchr(w, '$'))
				continue;
			rel = kb_path("%s/%s", dir, w);
			src = kb_path("%s/%s", tree, rel);
			src[strlen(src) - 1] = 'c';
			have = kb_exists(src);
			if (have) {
				size_t before = n;
				char **o;

				if (push(objs, &n, rel)) {
					free(text);
					return -1;
				}
				/* A new name: remember its list, aligned with objs. */
				if (n != before) {
					o = realloc(owner, (no + 1) * sizeof(*o));
					if (!o || !(o[no] = strdup(list))) {
						free(text);
						return -1;
					}
					owner = o;
					no++;
				}
			}
			free(rel);
			free(src);
		}
		free(list);
	}
	for (size_t i = 0; i < no; i++)
		free(owner[i]);
	free(owner);
	free(text);
	return (int)n;
}

/*
 * Where word ("inode.o", "minix/") appears in dir's kbuild Makefile:
 * 1 in a list this config builds, 0 only in lists it leaves out, -1 not at
 * all (or no Makefile). *list gets the list's name ("minix" of minix-objs).
 */
static int word_state(const char *tree, const char *dir, const char *config,
		      const char *word, char **list, char *cond, size_t clen)
{
	char *mk = *dir ? kb_path("%s/%s/Makefile", tree, dir) : kb_path("%s/Kbuild", tree);
	char *text = kb_read_file(mk, NULL), *p, *line, *save;
	int state = -1;

	free(mk);
	*list = NULL;
	if (!text)
		return -1;
	for (p = text; (p = strstr(p, "\\\n")); )
		p[0] = p[1] = ' ';
	for (line = strtok_r(text, "\n", &save); line && state != 1; line = strtok_r(NULL, "\n", &save)) {
		char *op = strstr(line, "="), *w, *wsave;
		bool on;

		line += strspn(line, " \t");
		if (*line == '#' || !op)
			continue;
		*op = '\0';
		if (op > line && (op[-1] == '+' || op[-1] == ':' || op[-1] == '?'))
			op[-1] = '\0';
		line[strcspn(line, " \t")] = '\0';
		on = list_enabled(line, config);
		/* Only lists of objects: obj-$(CONFIG_X) is one even when off. */
		if (!on && !strstr(line, "-$(CONFIG_"))
			continue;
		for (w = strtok_r(op + 1, " \t", &wsave); w; w = strtok_r(NULL, " \t", &wsave)) {
			if (strcmp(w, word))
				continue;
			if (on || state < 0) {
				const char *c = strstr(line, "$(CONFIG_");

				free(*list);
				*list = list_name(line);
				if (!on && c)
					snprintf(cond, clen, "%.*s", (int)strcspn(c + 2, ")"), c + 2);
			}
			state = on ? 1 : 0;
			break;
		}
	}
	free(text);
	return state;
}

int kb_depindex_not_in_config(const char *tree, const char *config, const char *obj,
			      char *why, size_t len)
{
	char *path = strdup(obj), *slash, *list = NULL, word[256], cond[128] = "";
	int ret = 0;

	/* The object in its directory, then each directory in its parent. */
	while (!ret && (slash = strrchr(path, '/'))) {
		const char *base = slash + 1;
		int st;

		*slash = '\0';
		snprintf(word, sizeof(word), "%s", base);
		if (!strchr(word, '.'))
			snprintf(word, sizeof(word), "%s/", base);
		st = word_state(tree, path, config, word, &list, cond, sizeof(cond));
		if (st == 0) {
			snprintf(why, len, "%s%s builds %s only with %s, which this kernel's config leaves unset",
				 path, *path ? "/Makefile" : "Kbuild", word, cond);
			ret = 1;
		} else if (st == 1 && list && strcmp(list, "obj") && strcmp(list, "lib") &&
			   strlen(list) + 3 < sizeof(word)) {
			/* A part of composite object <list>.o: that one must be built. */
			char *l2 = NULL;

			snprintf(word, sizeof(word), "%s.o", list);
			if (word_state(tree, path, config, word, &l2, cond, sizeof(cond)) == 0) {
				snprintf(why, len, "%s/Makefile builds %s, which contains it, only with %s, which this kernel's config leaves unset",
					 path, word, cond);
				ret = 1;
			}
			free(l2);
		}
		free(list);
		list = NULL;
		if (!*path)
			break;
		/* Leave "fs" as "fs/x" -> next round looks at "fs" in the top Kbuild. */
		if (!strchr(path, '/')) {
			char *top = kb_path("/%s", path);

			free(path);
			path = top;
		}
	}
	free(path);
	return ret;
}

int kb_depindex_cmd_deps(const char *cmdfile, const char *tree, char ***deps)
{
	char *text = kb_read_file(cmdfile, NULL), *p, *tok, *save;
	size_t n = 0, tl = strlen(tree);

	*deps = NULL;
	if (!text)
		return -1;
	p = strstr(text, "\ndeps_");
	if (!p) {
		free(text);
		return -1;
	}
	p = strstr(p, ":=");
	if (!p) {
		free(text);
		return -1;
	}
	/* The list ends at the first line without a trailing backslash. */
	{
		char *end = p;

		while ((end = strchr(end, '\n')) && end[-1] == '\\')
			end++;
		if (end)
			*end = '\0';
	}
	for (tok = strtok_r(p + 2, " \t\\\n", &save); tok; tok = strtok_r(NULL, " \t\\\n", &save)) {
		size_t l = strlen(tok);

		if (l < 3 || strcmp(tok + l - 2, ".h") || strchr(tok, '$') || strchr(tok, ')'))
			continue;
		if (!strncmp(tok, tree, tl) && tok[tl] == '/')
			tok += tl + 1;
		while (!strncmp(tok, "./", 2))
			tok += 2;
		if (push(deps, &n, tok)) {
			free(text);
			return -1;
		}
	}
	free(text);
	return (int)n;
}

static void free_list(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool any_cmd(const struct kb *kb, char **objs, int n);
static char *cmd_path(const struct kb *kb, const char *obj);

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
		free_list(objs);
		return -1;
	}
	tmp = kb_path("%s.%d.tmp", path, (int)getpid());
	f = fopen(tmp, "we");
	if (!f) {
		free_list(objs);
		return kb_fail(&kb->err, KB_EENV, "cannot write %s: %s", tmp, strerror(errno));
	}
	fprintf(f, "# kpatch-build dependency index of %s/ for %s: object, then the headers it includes\n",
		dir, kb->krel);
	for (int i = 0; i < n; i++) {
		char *cmd = cmd_path(kb, objs[i]);
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
		free_list(deps);
	}
	free_list(objs);
	*count = (size_t)n;
	if (fclose(f) || rename(tmp, path)) {
		unlink(tmp);
		return kb_fail(&kb->err, KB_EENV, "cannot write %s: %s", path, strerror(errno));
	}
	free(tmp);
	return 0;
}

static char *cmd_path(const struct kb *kb, const char *obj)
{
	const char *slash = strrchr(obj, '/');

	return kb_path("%s/%.*s.%.*s.i.cmd", kb->ws, (int)(slash - obj + 1), obj,
		       (int)strlen(slash + 1) - 2, slash + 1);
}

static bool any_cmd(const struct kb *kb, char **objs, int n)
{
	for (int i = 0; i < n; i++) {
		char *c = cmd_path(kb, objs[i]);
		bool have = kb_exists(c);

		free(c);
		if (have)
			return true;
	}
	return false;
}

/* The fallback for an object the preprocessor could not index. */
static bool names_header(const struct kb *kb, const char *obj, const char *header)
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

int kb_depindex_config_subdirs(const char *tree, const char *dir, const char *config, char ***dirs)
{
	char *text = read_tree_file(tree, dir, "Makefile"), *p, *line, *save;
	size_t n = 0;

	*dirs = NULL;
	if (!text)
		return 0;
	for (p = text; (p = strstr(p, "\\\n")); )
		p[0] = p[1] = ' ';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *op = strstr(line, "="), *w, *wsave;

		line += strspn(line, " \t");
		if (*line == '#' || !op)
			continue;
		*op = '\0';
		if (op > line && (op[-1] == '+' || op[-1] == ':' || op[-1] == '?'))
			op[-1] = '\0';
		line[strcspn(line, " \t")] = '\0';
		if (!list_enabled(line, config))
			continue;
		for (w = strtok_r(op + 1, " \t", &wsave); w; w = strtok_r(NULL, " \t", &wsave)) {
			size_t l = strlen(w);
			char *sub;

			if (l < 2 || w[l - 1] != '/' || strchr(w, '$') || strstr(w, ".."))
				continue;
			w[l - 1] = '\0';
			sub = kb_path("%s/%s", dir, w);
			if (push(dirs, &n, sub)) {
				free(sub);
				free(text);
				return -1;
			}
			free(sub);
		}
	}
	free(text);
	return (int)n;
}

/* One directory's index, built when missing: the objects that include header. */
static int scan_dir(struct kb *kb, const char *dir, const char *header, size_t *scanned,
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
			if (!strcmp(h, header) || (!strcmp(h, "?") && names_header(kb, obj, header)))
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
	double t0 = now();
	bool built = false;
	int ret = 0;

	if (!slash)
		return kb_fail(&kb->err, KB_EREFUSED,
			       "%s: a header at the top of the tree; only headers in a source directory are followed",
			       header);
	*slash = '\0';
	if (push(&dirs, &ndirs, dir))
		return kb_fail(&kb->err, KB_EENV, "out of memory");
	for (size_t i = 0; i < ndirs && !ret; i++) {
		char **subs;
		int n = kb_depindex_config_subdirs(kb->ws, dirs[i], config, &subs);

		for (int j = 0; j < n; j++)
			if (push(&dirs, &ndirs, subs[j]))
				ret = kb_fail(&kb->err, KB_EENV, "out of memory");
		free_list(subs);
		if (!ret)
			ret = scan_dir(kb, dirs[i], header, &scanned, &found, names, sizeof(names), &built);
	}
	if (!ret) {
		kb_progress(kb, "header %s: %zu objects of %s/%s scanned (index %s in %.1f s), %zu include it and are rebuilt:%s",
			    header, scanned, dir, ndirs > 1 ? kb_path(" and %zu subdirectories", ndirs - 1) : "",
			    built ? "built" : "cached", now() - t0, found, found ? names : " none");
		if (!found)
			ret = kb_fail(&kb->err, KB_ENOCHANGE,
				      "%s: no object of this kernel's config in %s/ includes it; nothing to patch",
				      header, dir);
	}
	free_list(dirs);
	free(config);
	free(dir);
	return ret;
}

/* Where the indexes of this build live (see scan_dir). */
static char *index_dir(const struct kb *kb)
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
static struct incgraph *load_graph(struct kb *kb, const char *idxdir, bool *built, double *secs)
{
	char *path = kb_path("%s/includes.graph", idxdir);
	struct incgraph *g = kb_incgraph_load(path);
	double t0 = now();

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
	*secs = now() - t0;
	free(path);
	return g;
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

/*
 * The headers obj includes, from its directory's index or its own cached
 * entry: NULL when neither exists yet. "?" when the preprocessor failed.
 */
static char *cached_deps(const struct kb *kb, const char *idxdir, const char *obj)
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
static int preprocess(struct kb *kb, const char *idxdir, char **objs, size_t n)
{
	char *log = kb_path("%s/depindex.log", kb->work), *odir = kb_path("%s/objects", idxdir);
	int ret = 0;

	if (kb_mkdirs(odir))
		return kb_fail(&kb->err, KB_EENV, "cannot create %s: %s", odir, strerror(errno));
	kb_progress(kb, "running the preprocessor on %zu candidate objects", n);
	/* Failures show up as missing .cmd files, recorded as "?" below. */
	(void)run_preprocessor(kb, objs, n, log);
	for (size_t i = 0; i < n && !ret; i++) {
		char *cmd = cmd_path(kb, objs[i]), **deps, *flat = flat_name(objs[i]);
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
			free_list(deps);
		free(cmd);
		free(flat);
		free(path);
		free(tmp);
	}
	free(log);
	free(odir);
	return ret;
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
	char *idxdir = index_dir(kb), *config = kb_path("%s/.config", kb->ws), **srcs = NULL;
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
	g = load_graph(kb, idxdir, &built, &gsecs);
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
		if (config_builds(kb, config, &cache, &ncache, obj) && push(&cand, &ncand, obj)) {
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
	t0 = now();
	for (size_t i = 0; i < ncand; i++) {
		char *deps = cached_deps(kb, idxdir, cand[i]);

		if (!deps && push(&missing, &nmissing, cand[i])) {
			kb_fail(&kb->err, KB_EENV, "out of memory");
			goto out;
		}
		free(deps);
	}
	if (nmissing && preprocess(kb, idxdir, missing, nmissing))
		goto out;
	for (size_t i = 0; i < ncand; i++) {
		char *deps = cached_deps(kb, idxdir, cand[i]);
		bool hit = deps && (deps_name(deps, header) ||
				    (deps_name(deps, "?") && names_header(kb, cand[i], header)));

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
		    now() - t0, confirmed ? names : " none");
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
		free_list(cache[i].objs);
	}
	free(cache);
	free_list(srcs);
	free_list(cand);
	free_list(missing);
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
	for (size_t i = 0; i < nnoted; i++)
		if (kb_depindex_is_global(noted[i]) ? global_includers(kb, noted[i]) : includers(kb, noted[i]))
			return -1;
	return 0;
}
