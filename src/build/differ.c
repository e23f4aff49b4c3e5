// SPDX-License-Identifier: GPL-2.0
/*
 * Running kpatch-diff on each (original, patched) pair and reading its
 * manifest (docs/kpatch-build-design.md is the contract).
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/kb.h"

/* kpatch-diff's exit codes */
#define DIFF_NO_CHANGE	3
#define DIFF_REFUSED	4

static int add_func(struct kb *kb, const char *name, const char *objname, bool is_new)
{
	struct kb_func *f;

	/* Carried functions are global in the module: one name, one function. */
	for (size_t i = 0; i < kb->nfuncs; i++)
		if (!strcmp(kb->funcs[i].name, name))
			return kb_fail(&kb->err, KB_EREFUSED,
				       "function %s is carried from two patched files; build them as separate patches",
				       name);
	f = realloc(kb->funcs, (kb->nfuncs + 1) * sizeof(*f));
	if (!f)
		return kb_fail(&kb->err, KB_EENV, "out of memory");
	kb->funcs = f;
	f = &kb->funcs[kb->nfuncs++];
	memset(f, 0, sizeof(*f));
	f->name = strdup(name);
	f->objname = strdup(objname);
	f->is_new = is_new;
	return 0;
}

static int read_manifest(struct kb *kb, struct kb_object *o)
{
	struct json_object *root = json_object_from_file(o->manifest), *funcs, *syms, *cbs, *warns;

	if (!root || !json_object_object_get_ex(root, "functions", &funcs) ||
	    !json_object_object_get_ex(root, "symbols", &syms) ||
	    !json_object_is_type(funcs, json_type_array) ||
	    !json_object_is_type(syms, json_type_array)) {
		json_object_put(root);
		return kb_fail(&kb->err, KB_EENV, "%s: not a kpatch-diff manifest", o->manifest);
	}
	/* kpatch-author.h: callbacks for the module template, warnings to show */
	if (json_object_object_get_ex(root, "callbacks", &cbs))
		for (size_t i = 0; i < json_object_array_length(cbs); i++) {
			struct json_object *cb = json_object_array_get_idx(cbs, i), *t, *s;
			struct kb_callback *v = realloc(kb->callbacks, (kb->ncallbacks + 1) * sizeof(*v));

			if (!v || !json_object_object_get_ex(cb, "type", &t) ||
			    !json_object_object_get_ex(cb, "symbol", &s)) {
				json_object_put(root);
				return kb_fail(&kb->err, KB_EENV, "%s: callback %zu lacks type or symbol",
					       o->manifest, i);
			}
			kb->callbacks = v;
			/* the type becomes a C token in kpatch-gen.h: only the four known */
			if (!strstr(" pre_patch post_patch pre_unpatch post_unpatch ",
				    kb_path(" %s ", json_object_get_string(t)))) {
				json_object_put(root);
				return kb_fail(&kb->err, KB_EENV, "%s: unknown callback type '%s'",
					       o->manifest, json_object_get_string(t));
			}
			v[kb->ncallbacks++] = (struct kb_callback){ strdup(json_object_get_string(t)),
				strdup(json_object_get_string(s)), strdup(o->objname) };
		}
	if (json_object_object_get_ex(root, "warnings", &warns))
		for (size_t i = 0; i < json_object_array_length(warns); i++)
			kb_progress(kb, "warning: %s: %s", o->src,
				    json_object_get_string(json_object_array_get_idx(warns, i)));
	for (size_t i = 0; i < json_object_array_length(funcs); i++) {
		struct json_object *f = json_object_array_get_idx(funcs, i), *n, *c;

		if (!json_object_object_get_ex(f, "name", &n) ||
		    !json_object_object_get_ex(f, "change", &c)) {
			json_object_put(root);
			return kb_fail(&kb->err, KB_EENV, "%s: function %zu lacks name or change",
				       o->manifest, i);
		}
		if (add_func(kb, json_object_get_string(n), o->objname,
			     !strcmp(json_object_get_string(c), "new")))
			return -1;
	}
	json_object_put(root);
	return 0;
}

int kb_diff(struct kb *kb)
{
	char *symvers = kb_path("%s/Module.symvers", kb->headers);
	size_t changed = 0;

	for (size_t i = 0; i < kb->nobjs; i++) {
		struct kb_object *o = &kb->objs[i];
		char *log = kb_path("%s/diff-%zu.log", kb->work, i);
		const char *argv[21];
		int n = 0, rc;

		o->out = kb_path("%s/diff/%zu-patch.o", kb->work, i);
		o->manifest = kb_path("%s/diff/%zu-manifest.json", kb->work, i);
		kb_mkdirs(kb_path("%s/diff", kb->work));
		argv[n++] = kb->differ;
		if (kb->verbose)
			argv[n++] = "-v";
		argv[n++] = "--entry-sizes";
		argv[n++] = kb->entry_sizes;
		/* Jump-label and static-call keys must be exported; the differ checks. */
		argv[n++] = "--exports";
		argv[n++] = symvers;
		if (kb->skip_init)
			argv[n++] = "--skip-init";
		argv[n++] = "--object-name";
		argv[n++] = o->objname;
		argv[n++] = o->orig;
		argv[n++] = o->patched;
		argv[n++] = "-o";
		argv[n++] = o->out;
		argv[n++] = "--manifest";
		argv[n++] = o->manifest;
		argv[n] = NULL;
		kb_progress(kb, "comparing %s", o->obj);
		rc = kb_run(argv, NULL, kb->verbose ? NULL : log);
		if (rc == DIFF_NO_CHANGE)
			continue;
		if (rc) {
			char *tail = kb->verbose ? strdup("see above") : kb_log_tail(log, 1);
			char *prefix = kb_path("kpatch-diff: %s: ", o->objname);

			/* Its line names the object; ours names the source file instead. */
			if (!strncmp(tail, prefix, strlen(prefix)))
				memmove(tail, tail + strlen(prefix), strlen(tail + strlen(prefix)) + 1);
			free(prefix);

			if (rc < 0)
				return kb_fail(&kb->err, KB_EENV, "cannot run %s; set KPATCH_DIFF to the differ",
					       kb->differ);
			return kb_fail(&kb->err, rc == DIFF_REFUSED ? KB_EREFUSED : KB_EENV,
				       "%s: %s", o->src, tail);
		}
		o->changed = true;
		changed++;
		if (read_manifest(kb, o))
			return -1;
	}
	if (!changed) {
		char files[1024] = "";

		for (size_t i = 0; i < kb->nobjs; i++)
			snprintf(files + strlen(files), sizeof(files) - strlen(files), "%s%s",
				 i ? ", " : "", kb->objs[i].src);
		return kb_fail(&kb->err, KB_ENOCHANGE, "no functional change in %s", files);
	}
	return 0;
}
