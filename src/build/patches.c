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

#include "common/regfile.h"
#include "build/depindex.h"
#include "build/kb.h"

static int add_file(struct kb *kb, const char *patch, const char *path)
{
	size_t n = strlen(path);
	char **t, shown[256];

	/* Every file patch will edit, checked against the tree once it is open. */
	t = realloc(kb->targets, (kb->ntargets + 1) * sizeof(*t));
	if (!t)
		return kb_fail(&kb->err, KB_EENV, "out of memory");
	kb->targets = t;
	t[kb->ntargets++] = strdup(path);
	/* A header: the objects that include it are found once the tree is open. */
	if (n > 2 && !strcmp(path + n - 2, ".h"))
		return kb_depindex_note(kb, patch, path);
	if (n < 3 || strcmp(path + n - 2, ".c"))
		return kb_fail(&kb->err, KB_EREFUSED,
			       "%s: %s: only changes to .c files can be patched (a header change affects every object that includes it); move the change into the .c file",
			       patch, kp_escape(path, shown, sizeof(shown)));
	return kb_add_object(kb, path);
}

/* Characters of kernel source paths; anything else is refused before it names a file. */
static bool path_chars_ok(const char *p)
{
	for (; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.,+-/@~", *p))
			return false;
	return true;
}

static bool has_dotdot(const char *p)
{
	for (;;) {
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || !p[2]))
			return true;
		p = strchr(p, '/');
		if (!p)
			return false;
		p++;
	}
}

/*
 * The file a "---", "+++", "Index:" or git header line names, as patch
 * -p1 will see it: NULL for /dev/null (*devnull set), else a path inside
 * the tree. RAW is the name as written; STRIP drops its first component.
 * Names that leave the tree, or that patch would decode (quoted), are
 * refused here, before any other check looks at them.
 */
static int file_name(struct kb *kb, const char *patch, const char *raw, size_t n, bool strip,
		     char **out, bool *devnull)
{
	char *name = strndup(raw, n), *p, shown[256];

	*out = NULL;
	*devnull = false;
	if (!name)
		return kb_fail(&kb->err, KB_EENV, "out of memory");
	kp_escape(name, shown, sizeof(shown));
	if (!strcmp(name, "/dev/null")) {
		free(name);
		*devnull = true;
		return 0;
	}
	if (name[0] == '"') {
		free(name);
		return kb_fail(&kb->err, KB_EUSAGE, "%s: %s: quoted file names are not supported",
			       patch, shown);
	}
	if (name[0] == '/' || has_dotdot(name)) {
		bool absolute = name[0] == '/';

		free(name);
		return kb_fail(&kb->err, KB_EUSAGE, "%s: %s: path leaves the source tree (%s)",
			       patch, shown, absolute ? "absolute" : "a '..' component");
	}
	if (!path_chars_ok(name)) {
		free(name);
		return kb_fail(&kb->err, KB_EUSAGE,
			       "%s: %s: file name with characters no kernel source path has", patch, shown);
	}
	p = name;
	if (strip) {
		p = strchr(name, '/');
		while (p && *p == '/')
			p++;
	}
	if (!p || !*p) {
		free(name);
		return kb_fail(&kb->err, KB_EUSAGE, "%s: %s: no file name left after patch -p1",
			       patch, shown);
	}
	*out = strdup(p);
	free(name);
	return *out ? 0 : kb_fail(&kb->err, KB_EENV, "out of memory");
}

/* "--- a/fs/proc/cmdline.c\t2024-..." -> the name, up to the timestamp's tab */
static int header_name(struct kb *kb, const char *patch, const char *line, char **out,
		       bool *devnull)
{
	const char *p = line + 4;
	size_t n = strcspn(p, "\t");

	while (n && p[n - 1] == ' ')
		n--;
	return file_name(kb, patch, p, n, true, out, devnull);
}

/*
 * One "--- OLD" / "+++ NEW" pair. GNU patch edits OLD or NEW, whichever
 * exists (and a /dev/null side means a file created or removed), so both
 * names are checked, and they must name the same file.
 */
static int file_header(struct kb *kb, const char *patch, const char *minus, const char *plus)
{
	char *old, *new, so[256], sn[256];
	bool old_null, new_null;
	int ret;

	if (header_name(kb, patch, minus, &old, &old_null))
		return -1;
	if (header_name(kb, patch, plus, &new, &new_null)) {
		free(old);
		return -1;
	}
	if (old_null && new_null)
		ret = kb_fail(&kb->err, KB_EUSAGE, "%s: a file header names /dev/null twice", patch);
	else if (old_null || new_null)
		ret = kb_fail(&kb->err, KB_EREFUSED,
			      "%s: %s: adding or deleting files is not supported; put new code into an existing .c file",
			      patch, kp_escape(old ? old : new, so, sizeof(so)));
	else if (strcmp(old, new))
		ret = kb_fail(&kb->err, KB_EUSAGE,
			      "%s: the '---' line names %s and the '+++' line %s: patch may edit either; renaming files is not supported",
			      patch, kp_escape(old, so, sizeof(so)), kp_escape(new, sn, sizeof(sn)));
	else
		ret = add_file(kb, patch, new);
	free(old);
	free(new);
	return ret;
}

/* "@@ -A[,B] +C[,D] @@": B old and D new lines follow (1 when left out). */
static bool hunk_counts(const char *line, long *old, long *new)
{
	long o, n;
	char *e;

	if (strncmp(line, "@@ -", 4))
		return false;
	strtol(line + 4, &e, 10);
	o = *e == ',' ? strtol(e + 1, &e, 10) : 1;
	if (strncmp(e, " +", 2))
		return false;
	strtol(e + 2, &e, 10);
	n = *e == ',' ? strtol(e + 1, &e, 10) : 1;
	/*
	 * The counts are set only for a well-formed header: a negative or
	 * clamped one would leave the hunk loop counting down from LONG_MIN.
	 */
	if (strncmp(e, " @@", 3) || o < 0 || n < 0 || o == LONG_MAX || n == LONG_MAX)
		return false;
	*old = o;
	*new = n;
	return true;
}

/* "12,14c12" and friends: a hunk of the normal diff format. */
static bool normal_hunk(const char *l)
{
	size_t n = strspn(l, "0123456789,");

	return n && strchr("acd", l[n]) && l[n + 1] && strspn(l + n + 1, "0123456789,") ==
	       strlen(l + n + 1);
}

/*
 * git headers that make patch rename, copy, create or delete a file by
 * themselves. A rename or copy is refused once both of its names were
 * checked (*MOVED keeps the first), so a bad destination is named as such.
 */
static int git_line(struct kb *kb, const char *patch, const char *line, char **moved)
{
	static const char *const moves[] = { "rename from ", "rename to ", "copy from ", "copy to " };
	char *name, shown[256];
	bool devnull;

	for (size_t i = 0; i < sizeof(moves) / sizeof(moves[0]); i++) {
		size_t n = strlen(moves[i]);

		if (strncmp(line, moves[i], n))
			continue;
		if (file_name(kb, patch, line + n, strlen(line + n), false, &name, &devnull))
			return -1;
		if (!*moved)
			*moved = name;
		else
			free(name);
		return 0;
	}
	if (!strncmp(line, "new file mode", 13) || !strncmp(line, "deleted file mode", 17))
		return kb_fail(&kb->err, KB_EREFUSED,
			       "%s: adding or deleting files is not supported ('%s'); put new code into an existing .c file",
			       patch, kp_escape(line, shown, sizeof(shown)));
	return 0;
}

/*
 * One patch file. Hunks are skipped by their line counts, so hunk text
 * that looks like a header ("--- x" removed, "+++ y" added) is not one.
 * Between hunks, every line patch reads as naming a file is checked: unified
 * headers, Index: lines and git's headers; context and normal diffs, whose
 * files this reader does not follow, are refused.
 */
static int read_patch(struct kb *kb, const char *abs, char *text)
{
	char *line, *save, *prev = NULL, *name, *moved = NULL, shown[256];
	long old = 0, new = 0;
	int files = 0, ret = 0;
	bool devnull;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *before = prev;

		prev = line;
		if (old > 0 || new > 0) {
			if (line[0] == '-')
				old--;
			else if (line[0] == '+')
				new--;
			else if (line[0] == ' ' || !line[0])
				old--, new--;
			else if (line[0] != '\\')
				old = new = 0;	/* patch says "malformed"; the dry run fails */
			continue;
		}
		if (hunk_counts(line, &old, &new))
			continue;
		if (!strncmp(line, "+++ ", 4) && before && !strncmp(before, "--- ", 4)) {
			ret = file_header(kb, abs, before, line);
			files++;
		} else if (!strncmp(line, "--- ", 4) && before && !strncmp(before, "*** ", 4)) {
			ret = kb_fail(&kb->err, KB_EUSAGE,
				      "%s: a context diff; only unified diffs (diff -u) are supported", abs);
		} else if (normal_hunk(line)) {
			/* digits, commas and one letter: safe to show */
			ret = kb_fail(&kb->err, KB_EUSAGE,
				      "%s: '%s': a normal diff hunk; only unified diffs (diff -u) are supported",
				      abs, line);
		} else if (!strncmp(line, "Index: ", 7)) {
			ret = file_name(kb, abs, line + 7, strlen(line + 7), false, &name, &devnull);
			free(name);
		} else {
			ret = git_line(kb, abs, line, &moved);
		}
		if (ret)
			break;
	}
	if (!ret && moved)
		ret = kb_fail(&kb->err, KB_EREFUSED, "%s: %s: renaming or copying files is not supported; change the file under its own name",
			      abs, kp_escape(moved, shown, sizeof(shown)));
	free(moved);
	if (!ret && !files)
		ret = kb_fail(&kb->err, KB_EUSAGE, "%s: not a unified diff (no '+++' file lines)", abs);
	return ret;
}

int kb_read_patches(struct kb *kb)
{
	for (int i = 0; i < kb->npatches; i++) {
		char *abs = realpath(kb->patches[i], NULL), *text = NULL, shown[256];
		const char *kind;
		int ret, fd;

		kp_escape(kb->patches[i], shown, sizeof(shown));
		/* a FIFO would block the read: refused by type first, without opening for real */
		fd = abs ? kp_open_regular(abs, &kind) : -1;
		if (fd == KP_NOT_REGULAR) {
			free(abs);
			return kb_fail(&kb->err, KB_EUSAGE, "%s: %s, not a regular file", shown, kind);
		}
		if (fd >= 0)
			close(fd);
		if (fd < 0 || !(text = kb_read_file(abs, NULL))) {
			ret = kb_fail(&kb->err, KB_EUSAGE, "%s: %s", shown, strerror(errno));
			free(abs);
			return ret;
		}
		/* From here on the patch is named by its absolute path (patch -d). */
		kb->patches[i] = abs;
		kb->patches_owned = i + 1;
		ret = read_patch(kb, abs, text);
		free(text);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * A name inside the tree can still lead out of it through a symbolic link
 * of the tree. The deepest part of WS/NAME that exists must resolve inside
 * the tree.
 */
static int inside_tree(struct kb *kb, const char *root, const char *name)
{
	char *path = kb_path("%s/%s", root, name), *real = NULL, *slash, shown[256];
	size_t n = strlen(root);
	int ret = 0;

	while (!(real = realpath(path, NULL)) && (slash = strrchr(path, '/')) &&
	       (size_t)(slash - path) > n)
		*slash = '\0';
	if (!real || strncmp(real, root, n) || (real[n] && real[n] != '/'))
		ret = kb_fail(&kb->err, KB_EUSAGE, "%s: resolves outside the source tree (%s)",
			      kp_escape(name, shown, sizeof(shown)), real ? "a symbolic link" : "unreadable");
	free(real);
	free(path);
	return ret;
}

static int check_targets(struct kb *kb)
{
	char *root = realpath(kb->ws, NULL);
	int ret = 0;

	if (!root)
		return kb_fail(&kb->err, KB_EENV, "%s: %s", kb->ws, strerror(errno));
	for (size_t i = 0; i < kb->ntargets && !ret; i++)
		ret = inside_tree(kb, root, kb->targets[i]);
	free(root);
	return ret;
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
	char *log;

	if (check_targets(kb))
		return -1;
	log = kb_path("%s/patch.log", kb->work);

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
