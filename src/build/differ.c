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
#include "diff/diff.h"		/* the contract: enum kdiff_status, the result file */

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
	/* with -v the differ's own stderr showed them already */
	if (!kb->verbose && json_object_object_get_ex(root, "warnings", &warns))
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

/*
 * How the differ's run ended, from its result file: the status it exited
 * with, its one-line reason and the boot-time code it found changed. When
 * the file is missing or damaged (the differ could not start, or crashed),
 * the exit code stands alone.
 */
static int read_result(const char *path, int rc, char **reason, char **init)
{
	struct json_object *root = json_object_from_file(path), *code, *why, *boot;
	int st = rc;

	*reason = *init = NULL;
	if (root && json_object_object_get_ex(root, "code", &code) &&
	    json_object_is_type(code, json_type_int)) {
		st = json_object_get_int(code);
		if (json_object_object_get_ex(root, "reason", &why))
			*reason = strdup(json_object_get_string(why));
		if (json_object_object_get_ex(root, "init", &boot))
			*init = strdup(json_object_get_string(boot));
	}
	json_object_put(root);
	/* a result that disagrees with the exit code is not to be trusted */
	if (st != rc) {
		free(*reason);
		free(*init);
		*reason = *init = NULL;
		st = rc;
	}
	return st;
}

/* "src: f(), g()" of each object whose only change is boot-time code */
static void add_boot_only(char *list, size_t size, const char *src, const char *init)
{
	size_t len = strlen(list);

	snprintf(list + len, size - len, "%s%s: %s", len ? "; " : "", src,
		 init && *init ? init : "__init/__exit code");
}

/*
 * Objects whose only change is boot-time code, judged with the rest: alone
 * there is nothing to patch at runtime (a distinct exit code, not a
 * refusal); next to runtime changes they need --skip-init, which leaves
 * them out (with a warning, printed as each object is compared).
 */
static int judge_boot_only(struct kb *kb, size_t changed, const char *list, size_t nboot)
{
	if (!nboot)
		return 0;
	if (!changed)
		return kb_fail(&kb->err, KB_EINITONLY,
			       "nothing to patch at runtime: the change is in boot-time code only (%s); it takes effect when a kernel built with it boots",
			       list);
	if (!kb->skip_init)
		return kb_fail(&kb->err, KB_EREFUSED,
			       "%s: changed __init/__exit code ran at boot and cannot be patched, and the patches also change code that runs after boot; rebuild with --skip-init to apply that part alone",
			       list);
	return 0;
}

/*
 * Run the differ on object i: 0 with *changed or *nboot counted, or -1
 * with the reason in kb->err. Its log and result paths are freed here.
 */
static int diff_object(struct kb *kb, size_t i, const char *symvers, size_t *changed,
		       char *boot, size_t bootsize, size_t *nboot)
{
	struct kb_object *o = &kb->objs[i];
	char *log = kb_path("%s/diff-%zu.log", kb->work, i);
	char *result = kb_path("%s/diff/%zu-result.json", kb->work, i), *reason, *init;
	char *dir = kb_path("%s/diff", kb->work);
	const char *argv[23];
	int n = 0, rc, ret = 0;

	o->out = kb_path("%s/diff/%zu-patch.o", kb->work, i);
	o->manifest = kb_path("%s/diff/%zu-manifest.json", kb->work, i);
	kb_mkdirs(dir);
	free(dir);
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
	argv[n++] = "--result";
	argv[n++] = result;
	argv[n] = NULL;
	kb_progress(kb, "comparing %s", o->obj);
	rc = kb_run(argv, NULL, kb->verbose ? NULL : log);
	if (rc < 0) {
		ret = kb_fail(&kb->err, KB_EENV, "cannot run %s; set KPATCH_DIFF to the differ", kb->differ);
		goto out;
	}
	rc = read_result(result, rc, &reason, &init);
	if (rc == KDIFF_INIT_ONLY) {
		add_boot_only(boot, bootsize, o->src, init);
		(*nboot)++;
		/* as the differ words it when the object has runtime changes too */
		if (kb->skip_init)
			kb_progress(kb, "warning: %s: init code not applied (it already ran at boot): %s",
				    o->src, init ? init : "__init/__exit code");
	}
	free(init);
	if (rc == KDIFF_NO_CHANGE || rc == KDIFF_INIT_ONLY) {
		free(reason);
		goto out;
	}
	if (rc) {
		char *prefix = kb_path("%s: ", o->objname);

		/* no result (it crashed): its last line of output, which names the object */
		if (!reason && !kb->verbose) {
			char *tail = kb_log_tail(log, 1), *p = kb_path("kpatch-diff: %s", prefix);

			reason = strdup(strncmp(tail, p, strlen(p)) ? tail : tail + strlen("kpatch-diff: "));
			free(tail);
			free(p);
		}
		if (!reason)
			reason = kb_path("kpatch-diff failed (exit %d); see above", rc);
		/* Its reason names the object; ours names the source file instead. */
		if (!strncmp(reason, prefix, strlen(prefix)))
			memmove(reason, reason + strlen(prefix), strlen(reason + strlen(prefix)) + 1);
		free(prefix);
		kb_fail(&kb->err, rc == KDIFF_REFUSED ? KB_EREFUSED : KB_EENV, "%s: %s", o->src, reason);
		free(reason);
		ret = -1;
		goto out;
	}
	free(reason);
	o->changed = true;
	(*changed)++;
	ret = read_manifest(kb, o);
out:
	free(log);
	free(result);
	return ret;
}

int kb_diff(struct kb *kb)
{
	char *symvers = kb_path("%s/Module.symvers", kb->headers);
	size_t changed = 0, nboot = 0;
	char boot[1024] = "";
	int ret = 0;

	for (size_t i = 0; !ret && i < kb->nobjs; i++)
		ret = diff_object(kb, i, symvers, &changed, boot, sizeof(boot), &nboot);
	free(symvers);
	if (ret)
		return -1;
	if (judge_boot_only(kb, changed, boot, nboot))
		return -1;
	if (!changed) {
		char files[1024] = "";

		for (size_t i = 0; i < kb->nobjs; i++)
			snprintf(files + strlen(files), sizeof(files) - strlen(files), "%s%s",
				 i ? ", " : "", kb->objs[i].src);
		return kb_fail(&kb->err, KB_ENOCHANGE, "no functional change in %s", files);
	}
	return 0;
}
