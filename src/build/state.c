// SPDX-License-Identifier: GPL-2.0
/*
 * Releasing one build's state. Every step may stop half way, so this frees
 * whatever is set and nothing more: a build that fails early and one that
 * wrote its module end the same way, with nothing left allocated.
 */
#include <stdlib.h>

#include "build/depindex.h"
#include "build/kb.h"

static void free_objects(struct kb *kb)
{
	for (size_t i = 0; i < kb->nobjs; i++) {
		struct kb_object *o = &kb->objs[i];

		free(o->src);
		free(o->obj);
		free(o->orig);
		free(o->patched);
		free(o->out);
		free(o->manifest);
		free(o->objname);
		free(o->modpath);
	}
	free(kb->objs);
	kb->objs = NULL;
	kb->nobjs = 0;
}

static void free_symbols(struct kb *kb)
{
	for (size_t i = 0; i < kb->nfuncs; i++)
		free(kb->funcs[i].name), free(kb->funcs[i].objname);
	for (size_t i = 0; i < kb->nrefs; i++)
		free(kb->refs[i].name), free(kb->refs[i].objname), free(kb->refs[i].symobj);
	for (size_t i = 0; i < kb->ncallbacks; i++) {
		free(kb->callbacks[i].type);
		free(kb->callbacks[i].symbol);
		free(kb->callbacks[i].objname);
	}
	kb_strv_free(kb->namespaces);
	kb->namespaces = NULL;
	kb->nnamespaces = 0;
	free(kb->funcs);
	free(kb->refs);
	free(kb->callbacks);
	kb->funcs = NULL;
	kb->refs = NULL;
	kb->callbacks = NULL;
	kb->nfuncs = kb->nrefs = kb->ncallbacks = 0;
	ksyms_free(&kb->ksyms);
	symvers_free(&kb->symvers);
}

void kb_free(struct kb *kb)
{
	char **owned[] = {
		&kb->name_owned, &kb->config_owned, &kb->self_dir, &kb->differ, &kb->cache,
		&kb->kdir, &kb->headers, &kb->pkgversion, &kb->srcroot, &kb->sysmap, &kb->filesyms,
		&kb->entry_sizes, &kb->cc, &kb->work, &kb->module_path, &kb->output_dir,
		&kb->output_made,
	};

	/* the workspace is the tree itself when it is an overlay mount */
	if (kb->ws != kb->tree)
		free(kb->ws);
	free(kb->tree);
	kb->ws = kb->tree = NULL;
	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++) {
		free(*owned[i]);
		*owned[i] = NULL;
	}
	for (int i = 0; i < kb->patches_owned; i++)
		free(kb->patches[i]);
	kb->patches_owned = 0;
	for (size_t i = 0; i < kb->ntargets; i++)
		free(kb->targets[i]);
	free(kb->targets);
	kb->targets = NULL;
	kb->ntargets = 0;
	kb_depindex_forget(kb);
	free_objects(kb);
	free_symbols(kb);
}
