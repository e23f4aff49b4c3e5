// SPDX-License-Identifier: GPL-2.0
/*
 * The patches: which source files they touch, and applying them to the
 * workspace (or taking them back off) with a message naming the failing hunk.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/depindex.h"
#include "build/kb.h"

static bool have_object(const struct kb *kb, const char *src)
{
	for (size_t i = 0; i < kb->nobjs; i++)
		if (!strcmp(kb->objs[i].src, src))
			return true;
	return false;
}

static int add_file(struct kb *kb, const char *patch, const char *path)
{
	size_t n = strlen(path);
	struct kb_object *o;

	/* A header: the objects that include it are found once the tree is open. */
	if (n > 2 && !strcmp(path + n - 2, ".h"))
		return kb_depindex_note(kb, patch, path);
	if (n < 3 || strcmp(path + n - 2, ".c"))
		return kb_fail(&kb->err, KB_EREFUSED,
			       "%s: %s: only changes to .c files can be patched (a header change affects every object that includes it); move the change into the .c file",
			       patch, path);
	if (strstr(path, "..") || path[0] == '/')
		return kb_fail(&kb->err, KB_EUSAGE, "%s: %s: path leaves the source tree", patch, path);
	if (have_object(kb, path))
		return 0;
	o = realloc(kb->objs, (kb->nobjs + 1) * sizeof(*o));
	if (!o)
		return kb_fail(&kb->err, KB_EENV, "out of memory");
	kb->objs = o;
	o = &kb->objs[kb->nobjs++];
	memset(o, 0, sizeof(*o));
	o->src = strdup(path);
	o->obj = strdup(path);
	o->obj[n - 1] = 'o';
	return 0;
}

/* "+++ b/fs/proc/cmdline.c\t2024-..." -> "fs/proc/cmdline.c" (like -p1) */
static char *target_path(const char *line)
{
	const char *p = line + 4, *slash;
	size_t n = strcspn(p, "\t\n");

	while (n && p[n - 1] == ' ')
		n--;
	if (n == 9 && !strncmp(p, "/dev/null", 9))
		return NULL;
	slash = memchr(p, '/', n);
	if (!slash)
		return NULL;
	n -= (size_t)(slash + 1 - p);
	return strndup(slash + 1, n);
}

/* One patch file: every "+++" line names a file it changes. */
static int read_patch(struct kb *kb, const char *abs, char *text)
{
	char *line, *save, *prev = NULL;
	int files = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *path, *before = prev;
		int ret;

		prev = line;
		/* A file header is "--- a/x" then "+++ b/x"; "+++" alone is hunk text. */
		if (strncmp(line, "+++ ", 4) || !before || strncmp(before, "--- ", 4))
			continue;
		path = target_path(line);
		if (!path || !strncmp(before + 4, "/dev/null", 9)) {
			ret = kb_fail(&kb->err, KB_EREFUSED,
				      "%s: %s: adding or deleting files is not supported; put new code into an existing .c file",
				      abs, path ? path : line + 4);
			free(path);
			return ret;
		}
		ret = add_file(kb, abs, path);
		free(path);
		if (ret)
			return ret;
		files++;
	}
	if (!files)
		return kb_fail(&kb->err, KB_EUSAGE, "%s: not a unified diff (no '+++' file lines)", abs);
	return 0;
}

int kb_read_patches(struct kb *kb)
{
	for (int i = 0; i < kb->npatches; i++) {
		char *abs = realpath(kb->patches[i], NULL), *text;
		int ret;

		if (!abs || !(text = kb_read_file(abs, NULL))) {
			ret = kb_fail(&kb->err, KB_EUSAGE, "%s: %s", kb->patches[i], strerror(errno));
			free(abs);
			return ret;
		}
		/* From here on the patch is named by its absolute path (patch -d). */
		kb->patches[i] = abs;
		ret = read_patch(kb, abs, text);
		free(text);
		if (ret)
			return ret;
	}
	return 0;
}

/* The first "Hunk #N FAILED" or "can't find file" of patch's output. */
static char *failing_hunk(const char *log)
{
	size_t len;
	char *text = kb_read_file(log, &len), *line, *save, *file = NULL, *msg = NULL;

	if (!text)
		return strdup("see the log");
	for (line = strtok_r(text, "\n", &save); line && !msg; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "patching file ", 14) || !strncmp(line, "checking file ", 14))
			file = line + 14;
		else if (strstr(line, "FAILED") || strstr(line, "can't find file") ||
			 strstr(line, "malformed") || strstr(line, "Reversed"))
			msg = kb_path("%s%s%s", file ? file : "", file ? ": " : "", line);
	}
	free(text);
	return msg ? msg : strdup("see the log");
}

static int run_patch(struct kb *kb, const char *patch, bool reverse, bool dry, const char *log)
{
	const char *argv[8] = { "patch", "-p1", "--batch", "--forward", "-i", patch };
	int n = 6;

	if (reverse)
		argv[3] = "--reverse";
	if (dry)
		argv[n++] = "--dry-run";
	argv[n] = NULL;
	return kb_run(argv, kb->ws, log);
}

int kb_apply_patches(struct kb *kb)
{
	char *log = kb_path("%s/patch.log", kb->work);

	for (int i = 0; i < kb->npatches; i++) {
		const char *p = kb->patches[i];

		unlink(log);
		if (run_patch(kb, p, false, true, log) || run_patch(kb, p, false, false, log)) {
			char *why = failing_hunk(log);

			kb_fail(&kb->err, KB_EAPPLY, "%s does not apply to the %s source: %s",
				p, kb->krel, why);
			free(why);
			free(log);
			return -1;
		}
	}
	free(log);
	return 0;
}

/* Take the patches back off, last first, to compile the original objects. */
int kb_revert_patches(struct kb *kb)
{
	char *log = kb_path("%s/patch.log", kb->work);

	for (int i = kb->npatches - 1; i >= 0; i--) {
		unlink(log);
		if (run_patch(kb, kb->patches[i], true, false, log)) {
			kb_fail(&kb->err, KB_EAPPLY, "%s: cannot be reverted cleanly; see %s",
				kb->patches[i], log);
			free(log);
			return -1;
		}
	}
	free(log);
	return 0;
}
