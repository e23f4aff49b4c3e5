// SPDX-License-Identifier: GPL-2.0
/*
 * Compiling the touched objects in the workspace with kbuild, so they get
 * the kernel's own flags (and objtool), plus function and data sections so
 * the differ can compare and carry functions one by one. The flags must be
 * the ones the cached tree was prepared with, or kbuild redoes prepare.
 * An object kbuild compiles with -DMODULE belongs to a module: its klp
 * object is that module, found in the kernel's modules by name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/kb.h"

/* -DMODULE in the object's kbuild command line: it is part of a module. */
static char *module_of(const struct kb *kb, const struct kb_object *o)
{
	const char *slash = strrchr(o->obj, '/');
	char *cmd = kb_path("%s/%.*s.%s.cmd", kb->ws, slash ? (int)(slash - o->obj + 1) : 0,
			    o->obj, slash ? slash + 1 : o->obj);
	char *text = kb_read_file(cmd, NULL), *p, *name = NULL;

	free(cmd);
	if (!text)
		return NULL;
	if (strstr(text, " -DMODULE ") && (p = strstr(text, "-DKBUILD_MODNAME='\"")))
		name = strndup(p + 19, strcspn(p + 19, "\""));
	free(text);
	return name;
}

/* The installed .ko of module name (kbuild's name: '-' is '_'). */
static char *module_file(const struct kb *kb, const char *name)
{
	char *order = kb_path("%s/modules/modules.order", kb->kdir);
	char *text = kb_read_file(order, NULL), *line, *save, *found = NULL;

	free(order);
	if (!text)
		return NULL;
	for (line = strtok_r(text, "\n", &save); line && !found; line = strtok_r(NULL, "\n", &save)) {
		const char *base = strrchr(line, '/') ? strrchr(line, '/') + 1 : line;
		size_t n = strlen(name), i;

		if (strlen(base) != n + 3 || strcmp(base + n, ".ko"))
			continue;
		for (i = 0; i < n; i++)
			if (base[i] != name[i] && !(base[i] == '-' && name[i] == '_'))
				break;
		if (i == n)
			found = kb_path("%s/modules/%s", kb->kdir, line);
	}
	free(text);
	return found;
}

/* kmod/kpatch-author.h, carried in the program (embed.S) */
extern const char kb_author_src[];
extern const unsigned long kb_author_len;

int kb_compile(struct kb *kb, bool patched)
{
	const char *what = patched ? "patched" : "original";
	char *log = kb_path("%s/compile-%s.log", kb->work, what);
	struct kb_make m;
	int rc;

	/* patches may include kpatch-author.h (carried in this program) */
	kb_mkdirs(kb_path("%s/include", kb->work));
	if (kb_write_file(kb_path("%s/include/kpatch-author.h", kb->work), kb_author_src,
			  kb_author_len))
		return kb_fail(&kb->err, KB_EENV, "cannot write %s/include/kpatch-author.h", kb->work);
	if (kb_make_argv(kb, &m, kb->ws, kb_path("-I%s/include", kb->work), kb->nobjs))
		return kb_fail(&kb->err, KB_EENV, "out of memory");
	for (size_t i = 0; i < kb->nobjs; i++)
		kb_make_add(&m, kb->objs[i].obj);
	kb_progress(kb, "compiling %zu %s object%s", kb->nobjs, what, kb->nobjs == 1 ? "" : "s");
	rc = kb_run(m.argv, NULL, log);
	kb_make_free(&m);
	if (rc) {
		/* the compiler's first error says more than make's last lines */
		char *first = kb_log_first(log, " error: ");	/* also "fatal error: " */
		char *tail = first ? first : kb_log_tail(log, 4);

		if (patched && first)
			kb_fail(&kb->err, KB_ECOMPILE,
				"compiling the patched objects failed: %s; if the fix needs a header or another change of its release, add that change to the patches (log: %s)",
				first, log);
		else
			kb_fail(&kb->err, KB_ECOMPILE, "compiling the %s objects failed: %s (log: %s)",
				what, tail, log);
		free(tail);
		return -1;
	}
	for (size_t i = 0; i < kb->nobjs; i++) {
		struct kb_object *o = &kb->objs[i];
		char *from = kb_path("%s/%s", kb->ws, o->obj);
		char *to = kb_path("%s/%s/%zu-%s", kb->work, what, i, strrchr(o->obj, '/') ?
				   strrchr(o->obj, '/') + 1 : o->obj);
		char *mod;

		kb_mkdirs(kb_path("%s/%s", kb->work, what));
		if (kb_copy_file(from, to))
			return kb_fail(&kb->err, KB_ECOMPILE, "%s: not built by make (is %s part of this kernel's config?)",
				       o->obj, o->src);
		if (patched) {
			o->patched = to;
		} else {
			o->orig = to;
			mod = module_of(kb, o);
			if (mod) {
				o->objname = mod;
				o->modpath = module_file(kb, mod);
				if (!o->modpath)
					return kb_fail(&kb->err, KB_EENV,
						       "%s: part of module %s, which is not in %s/modules/modules.order",
						       o->src, mod, kb->kdir);
			} else {
				o->objname = strdup("vmlinux");
			}
		}
		free(from);
	}
	free(log);
	return 0;
}

int kb_compile_patched(struct kb *kb)
{
	return kb_compile(kb, true);
}

int kb_compile_original(struct kb *kb)
{
	return kb_compile(kb, false);
}
