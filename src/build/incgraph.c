// SPDX-License-Identifier: GPL-2.0
/*
 * The textual include graph (see incgraph.h). A changed global header can
 * reach any of the ~50,000 files of the tree; running the preprocessor on
 * every object of the config takes many minutes, reading the #include lines
 * of every file takes about a second. So the graph prunes and the
 * preprocessor confirms only what the graph leaves.
 *
 * Resolution follows kbuild's include path for x86 (-I arch/x86/include,
 * its generated/ and uapi/ twins, include/, include/uapi, ...). An angle
 * include gets an edge to every match on that path, a quoted one to the
 * file next to the includer when there is one, else like an angle include:
 * more edges than the compiler takes, never fewer, except for includes
 * through macros (TRACE_INCLUDE) or through -I flags a Makefile adds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/incgraph.h"

struct edge {
	uint32_t from, to;
};

struct incgraph {
	char **names;
	size_t n, cap;
	uint32_t *slots;	/* open addressing: index + 1, 0 empty */
	size_t nslots;
	struct edge *edges;
	size_t ne, ecap;
};

/* The x86 include path, in the compiler's order. */
static const char *const sysdirs[] = {
	"arch/x86/include", "arch/x86/include/generated", "include",
	"arch/x86/include/uapi", "arch/x86/include/generated/uapi",
	"include/uapi", "include/generated/uapi",
};

/* Top-level directories built with another include path, or not at all. */
static const char *const skipped[] = {
	"tools", "scripts", "samples", "Documentation", "usr", "LICENSES",
};

static size_t hash(const char *s)
{
	size_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static long find(const struct incgraph *g, const char *name)
{
	size_t i;

	if (!g->nslots)
		return -1;
	for (i = hash(name) & (g->nslots - 1); g->slots[i]; i = (i + 1) & (g->nslots - 1))
		if (!strcmp(g->names[g->slots[i] - 1], name))
			return (long)g->slots[i] - 1;
	return -1;
}

static int grow_slots(struct incgraph *g)
{
	size_t ns = g->nslots ? g->nslots * 2 : 1 << 16;
	uint32_t *s = calloc(ns, sizeof(*s));

	if (!s)
		return -1;
	for (size_t k = 0; k < g->n; k++) {
		size_t i = hash(g->names[k]) & (ns - 1);

		while (s[i])
			i = (i + 1) & (ns - 1);
		s[i] = (uint32_t)k + 1;
	}
	free(g->slots);
	g->slots = s;
	g->nslots = ns;
	return 0;
}

/* The node of name, added when new. */
static long intern(struct incgraph *g, const char *name)
{
	long k = find(g, name);
	size_t i;

	if (k >= 0)
		return k;
	if ((g->n + 1) * 2 > g->nslots && grow_slots(g))
		return -1;
	if (g->n == g->cap) {
		size_t nc = g->cap ? g->cap * 2 : 4096;
		char **nn = realloc(g->names, nc * sizeof(*nn));

		if (!nn)
			return -1;
		g->names = nn;
		g->cap = nc;
	}
	if (!(g->names[g->n] = strdup(name)))
		return -1;
	for (i = hash(name) & (g->nslots - 1); g->slots[i]; i = (i + 1) & (g->nslots - 1))
		;
	g->slots[i] = (uint32_t)g->n + 1;
	return (long)g->n++;
}

static int add_edge(struct incgraph *g, long from, long to)
{
	if (g->ne == g->ecap) {
		size_t nc = g->ecap ? g->ecap * 2 : 65536;
		struct edge *e = realloc(g->edges, nc * sizeof(*e));

		if (!e)
			return -1;
		g->edges = e;
		g->ecap = nc;
	}
	g->edges[g->ne].from = (uint32_t)from;
	g->edges[g->ne++].to = (uint32_t)to;
	return 0;
}

static bool wanted_file(const char *name)
{
	size_t l = strlen(name);

	return l > 2 && name[l - 2] == '.' && (name[l - 1] == 'c' || name[l - 1] == 'h');
}

static bool skipped_dir(const char *rel)
{
	for (size_t i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
		if (!strcmp(rel, skipped[i]))
			return true;
	/* Other architectures' code and headers never build for x86. */
	return !strncmp(rel, "arch/", 5) && !strchr(rel + 5, '/') && strcmp(rel + 5, "x86");
}

/* Every .c and .h file below rel becomes a node. */
static int walk(struct incgraph *g, const char *tree, const char *rel)
{
	char path[4096];
	DIR *d;
	struct dirent *e;
	int ret = 0;

	snprintf(path, sizeof(path), "%s%s%s", tree, *rel ? "/" : "", rel);
	d = opendir(path);
	if (!d)
		return -1;
	while (!ret && (e = readdir(d))) {
		char sub[4096];
		unsigned char type = e->d_type;

		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", e->d_name) >= sizeof(sub))
			continue;
		if (type == DT_UNKNOWN || type == DT_LNK) {
			struct stat st;
			char full[8192];

			snprintf(full, sizeof(full), "%s/%s", tree, sub);
			if (stat(full, &st))
				continue;
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
		}
		if (type == DT_DIR) {
			if (!skipped_dir(sub))
				ret = walk(g, tree, sub);
		} else if (type == DT_REG && wanted_file(e->d_name)) {
			ret = intern(g, sub) < 0 ? -1 : 0;
		}
	}
	closedir(d);
	return ret;
}

/* dir + "/" + name with "." and ".." folded; false when it leaves the tree. */
static bool join(char *out, size_t len, const char *dir, const char *name)
{
	char buf[4096], *parts[256], *save, *w;
	size_t np = 0, o = 0;

	if ((size_t)snprintf(buf, sizeof(buf), "%s%s%s", dir, *dir ? "/" : "", name) >= sizeof(buf))
		return false;
	for (w = strtok_r(buf, "/", &save); w; w = strtok_r(NULL, "/", &save)) {
		if (!strcmp(w, "."))
			continue;
		if (!strcmp(w, "..")) {
			if (!np)
				return false;
			np--;
			continue;
		}
		if (np == sizeof(parts) / sizeof(parts[0]))
			return false;
		parts[np++] = w;
	}
	out[0] = '\0';
	for (size_t i = 0; i < np; i++) {
		int k = snprintf(out + o, len - o, "%s%s", i ? "/" : "", parts[i]);

		if (k < 0 || (size_t)k >= len - o)
			return false;
		o += (size_t)k;
	}
	return np > 0;
}

static int resolve(struct incgraph *g, long from, const char *name, bool quoted)
{
	char cand[4096], dir[4096];
	const char *self = g->names[from], *slash = strrchr(self, '/');
	long to;

	if (quoted) {
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - self) : 0, self);
		if (join(cand, sizeof(cand), dir, name) && (to = find(g, cand)) >= 0)
			return add_edge(g, from, to);
	}
	for (size_t i = 0; i < sizeof(sysdirs) / sizeof(sysdirs[0]); i++)
		if (join(cand, sizeof(cand), sysdirs[i], name) && (to = find(g, cand)) >= 0 &&
		    add_edge(g, from, to))
			return -1;
	return 0;
}

/* The #include and #include_next lines of one file. */
static int scan_file(struct incgraph *g, const char *tree, long self)
{
	char path[8192], *buf, *p, *end;
	struct stat st;
	int fd, ret = 0;
	ssize_t got;

	snprintf(path, sizeof(path), "%s/%s", tree, g->names[self]);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;	/* a dangling link: nothing to follow */
	if (fstat(fd, &st) || !(buf = malloc((size_t)st.st_size + 1))) {
		close(fd);
		return -1;
	}
	got = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (got < 0) {
		free(buf);
		return -1;
	}
	buf[got] = '\0';
	end = buf + got;
	for (p = buf; p < end && !ret; ) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *q = p, close_ch, *name;

		if (!nl)
			nl = end;
		*nl = '\0';
		q += strspn(q, " \t");
		if (*q == '#') {
			q++;
			q += strspn(q, " \t");
			if (!strncmp(q, "include", 7)) {
				q += 7;
				if (!strncmp(q, "_next", 5))
					q += 5;
				q += strspn(q, " \t");
				close_ch = *q == '<' ? '>' : *q == '"' ? '"' : 0;
				if (close_ch) {
					name = q + 1;
					q = strchr(name, close_ch);
					if (q && q > name) {
						*q = '\0';
						ret = resolve(g, self, name, close_ch == '"');
					}
				}
			}
		}
		p = nl + 1;
	}
	free(buf);
	return ret;
}

struct incgraph *kb_incgraph_scan(const char *tree)
{
	struct incgraph *g = calloc(1, sizeof(*g));
	size_t files;

	if (!g)
		return NULL;
	if (walk(g, tree, "")) {
		int e = errno;

		kb_incgraph_free(g);
		errno = e ? e : EIO;
		return NULL;
	}
	/* Only the files found by the walk are scanned; all exist by then. */
	files = g->n;
	for (size_t i = 0; i < files; i++)
		if (scan_file(g, tree, (long)i)) {
			kb_incgraph_free(g);
			errno = ENOMEM;
			return NULL;
		}
	return g;
}

int kb_incgraph_save(const struct incgraph *g, const char *path)
{
	char tmp[4096];
	FILE *f;
	size_t i = 0;

	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	f = fopen(tmp, "we");
	if (!f)
		return -1;
	fputs("# kpatch-build include graph: a file, then the files its #include lines name\n", f);
	/* Edges are grouped by their file: scan_file adds them in one go. */
	while (i < g->ne) {
		uint32_t from = g->edges[i].from;

		fputs(g->names[from], f);
		for (; i < g->ne && g->edges[i].from == from; i++)
			fprintf(f, " %s", g->names[g->edges[i].to]);
		fputc('\n', f);
	}
	if (fclose(f) || rename(tmp, path)) {
		int e = errno;

		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

struct incgraph *kb_incgraph_load(const char *path)
{
	struct incgraph *g;
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (!f)
		return NULL;
	g = calloc(1, sizeof(*g));
	while (g && (len = getline(&line, &cap, f)) >= 0) {
		char *w, *save;
		long from;

		if (line[0] == '#')
			continue;
		if (len && line[len - 1] == '\n')
			line[len - 1] = '\0';
		w = strtok_r(line, " ", &save);
		if (!w)
			continue;
		from = intern(g, w);
		while (from >= 0 && (w = strtok_r(NULL, " ", &save))) {
			long to = intern(g, w);

			if (to < 0 || add_edge(g, from, to))
				from = -1;
		}
		if (from < 0) {
			kb_incgraph_free(g);
			g = NULL;
			errno = ENOMEM;
		}
	}
	free(line);
	fclose(f);
	return g;
}

void kb_incgraph_free(struct incgraph *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++)
		free(g->names[i]);
	free(g->names);
	free(g->slots);
	free(g->edges);
	free(g);
}

size_t kb_incgraph_files(const struct incgraph *g)
{
	return g->n;
}

size_t kb_incgraph_edges(const struct incgraph *g)
{
	return g->ne;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int kb_incgraph_sources(const struct incgraph *g, const char *header, char ***srcs)
{
	long start = find(g, header);
	size_t *first = NULL, *fill = NULL, nout = 0, head = 0, tail = 0;
	uint32_t *rev = NULL, *queue = NULL;
	bool *seen = NULL;
	char **out = NULL;
	int ret = -1;

	*srcs = NULL;
	if (start < 0)
		return 0;
	/* Reverse edges in one array, grouped by the included file. */
	first = calloc(g->n + 1, sizeof(*first));
	fill = calloc(g->n + 1, sizeof(*fill));
	rev = malloc((g->ne + 1) * sizeof(*rev));
	queue = malloc(g->n * sizeof(*queue));
	seen = calloc(g->n, sizeof(*seen));
	out = calloc(1, sizeof(*out));
	if (!first || !fill || !rev || !queue || !seen || !out)
		goto done;
	for (size_t i = 0; i < g->ne; i++)
		first[g->edges[i].to + 1]++;
	for (size_t k = 0; k < g->n; k++)
		first[k + 1] += first[k];
	for (size_t i = 0; i < g->ne; i++) {
		uint32_t to = g->edges[i].to;

		rev[first[to] + fill[to]++] = g->edges[i].from;
	}
	seen[start] = true;
	queue[tail++] = (uint32_t)start;
	while (head < tail) {
		uint32_t k = queue[head++];
		const char *name = g->names[k];
		size_t l = strlen(name);

		if (l > 2 && !strcmp(name + l - 2, ".c")) {
			char **o = realloc(out, (nout + 2) * sizeof(*o));

			if (!o || !(o[nout] = strdup(name))) {
				if (o)
					out = o;
				goto done;
			}
			out = o;
			out[++nout] = NULL;
		}
		for (size_t i = first[k]; i < first[k + 1]; i++)
			if (!seen[rev[i]]) {
				seen[rev[i]] = true;
				queue[tail++] = rev[i];
			}
	}
	qsort(out, nout, sizeof(*out), cmp_str);
	*srcs = out;
	out = NULL;
	ret = (int)nout;
done:
	for (size_t i = 0; out && i < nout; i++)
		free(out[i]);
	free(out);
	free(first);
	free(fill);
	free(rev);
	free(queue);
	free(seen);
	if (ret < 0)
		errno = ENOMEM;
	return ret;
}
