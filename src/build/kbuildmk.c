// SPDX-License-Identifier: GPL-2.0
/*
 * The kbuild model the header index needs, read from the tree alone: which
 * objects a directory's Makefile builds with a .config (obj-y,
 * obj-$(CONFIG_X), composite objects) and which subdirectories it enters.
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

/* Read the file at TREE/DIR/NAME (NULL when absent); the path is not kept. */
char *kb_tree_read(const char *tree, const char *dir, const char *name)
{
	char *path = kb_path("%s/%s/%s", tree, dir, name), *text;

	text = kb_read_file(path, NULL);
	free(path);
	return text;
}

/* Continuation lines (a backslash at the end) become one line. */
static void join_continuations(char *text)
{
	for (char *p = text; (p = strstr(p, "\\\n")); )
		p[0] = p[1] = ' ';
}

/*
 * A Makefile assignment "lhs op rhs" (op one of = := += ?=), split in
 * place: returns lhs without blanks and sets *rhs; NULL for any other line
 * (comments, rules). *fresh: the operator starts the list afresh (= and :=).
 */
static char *assignment(char *line, char **rhs, bool *fresh)
{
	char *op = strchr(line, '=');

	line += strspn(line, " \t");
	if (*line == '#' || !op || op < line)
		return NULL;
	*op = '\0';
	*fresh = !(op > line && (op[-1] == '+' || op[-1] == '?'));
	if (op > line && (op[-1] == '+' || op[-1] == ':' || op[-1] == '?'))
		op[-1] = '\0';
	line[strcspn(line, " \t")] = '\0';
	*rhs = op + 1;
	return line;
}

int kb_depindex_config_objects(const char *tree, const char *dir, const char *config, char ***objs)
{
	char *text = kb_tree_read(tree, dir, "Makefile"), *line, *save;
	char **owner = NULL;	/* owner[i]: the list objs[i] came from */
	size_t n = 0, no = 0;

	*objs = NULL;
	if (!text) {
		text = kb_tree_read(tree, dir, "Kbuild");
		if (!text)
			return -1;
	}
	join_continuations(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *lhs, *rhs, *w, *wsave, *list;
		bool assign;	/* "=" and ":=" start the list afresh (proc-$(CONFIG_MMU) := task_mmu.o) */

		lhs = assignment(line, &rhs, &assign);
		if (!lhs || !list_enabled(lhs, config))
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
		for (w = strtok_r(rhs, " \t", &wsave); w; w = strtok_r(NULL, " \t", &wsave)) {
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

				if (kb_strv_push(objs, &n, rel)) {
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
	char *text = kb_read_file(mk, NULL), *line, *save;
	int state = -1;

	free(mk);
	*list = NULL;
	if (!text)
		return -1;
	join_continuations(text);
	for (line = strtok_r(text, "\n", &save); line && state != 1; line = strtok_r(NULL, "\n", &save)) {
		char *rhs, *w, *wsave;
		bool on, fresh;

		line = assignment(line, &rhs, &fresh);
		if (!line)
			continue;
		on = list_enabled(line, config);
		/* Only lists of objects: obj-$(CONFIG_X) is one even when off. */
		if (!on && !strstr(line, "-$(CONFIG_"))
			continue;
		for (w = strtok_r(rhs, " \t", &wsave); w; w = strtok_r(NULL, " \t", &wsave)) {
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


int kb_depindex_config_subdirs(const char *tree, const char *dir, const char *config, char ***dirs)
{
	char *text = kb_tree_read(tree, dir, "Makefile"), *line, *save;
	size_t n = 0;

	*dirs = NULL;
	if (!text)
		return 0;
	join_continuations(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *rhs, *w, *wsave;
		bool fresh;

		line = assignment(line, &rhs, &fresh);
		if (!line || !list_enabled(line, config))
			continue;
		for (w = strtok_r(rhs, " \t", &wsave); w; w = strtok_r(NULL, " \t", &wsave)) {
			size_t l = strlen(w);
			char *sub;

			if (l < 2 || w[l - 1] != '/' || strchr(w, '$') || strstr(w, ".."))
				continue;
			w[l - 1] = '\0';
			sub = kb_path("%s/%s", dir, w);
			if (kb_strv_push(dirs, &n, sub)) {
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
