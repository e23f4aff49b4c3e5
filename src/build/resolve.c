// SPDX-License-Identifier: GPL-2.0
/*
 * Resolving what the carried code references: exported symbols stay normal
 * relocations (the module loader finds them through Module.symvers' CRCs);
 * everything else becomes a livepatch relocation with the exact sympos, and
 * so does each patched function's klp_func.old_sympos. vmlinux symbols are
 * counted in System.map (address) order, a module's in its symbol-table
 * order, as kallsyms lists each. Same-named locals are told apart by the
 * file symbols of the table (the -dbg vmlinux's, saved per release, or the
 * module's own), else by their neighbours. A symbol that is missing or
 * cannot be told apart from a namesake stops the build, with the way out.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/kb.h"
#include "klp/sympos.h"

/* nofiles: the table that had no file symbols to tell namesakes apart, or NULL */
static int refuse(struct kb *kb, int err, const char *name, const char *what, const char *src,
		  const char *nofiles)
{
	bool fn = !strcmp(what, "function");

	if (err == -EEXIST && nofiles)
		return kb_fail(&kb->err, KB_EREFUSED,
			       "%s: %s '%s' is ambiguous: several kernel symbols share the name, %s has no file symbols and the neighbours of %s's symbols do not single one out; refusing to guess: %s, or %s",
			       src, what, name, nofiles, src,
			       nofiles == kb->sysmap ? "pass --symbols the kernel's -dbg vmlinux, which places it exactly"
						     : "install the kernel's -dbg package's repository, whose unstripped modules place it exactly",
			       fn ? "patch its callers instead" : "keep the changed code from using it directly");
	if (err == -EEXIST)
		return kb_fail(&kb->err, KB_EREFUSED,
			       "%s: %s '%s' is ambiguous: several files named like %s define it among the same file-local symbols; refusing to guess: %s",
			       src, what, name, src,
			       fn ? "patch its callers instead" : "keep the changed code from using it directly");
	return kb_fail(&kb->err, KB_EREFUSED,
		       "%s: %s '%s' is not in the symbol table of the kernel or the patched module (inlined or renamed in the running kernel?); table: %s; %s",
		       src, what, name, kb->sysmap,
		       fn ? "patch the functions it was inlined into instead"
			  : "copy it into the patch under a new name, so the module carries it");
}

/* Whether the object at PATH defines a global NAME; -1 when it cannot be read. */
static int defines(const char *path, const char *name)
{
	struct objsyms os;
	const struct objsym *y;
	int ret;

	if (!path || objsyms_load(path, &os))
		return -1;
	y = objsyms_find(&os, name);
	ret = y && !y->local;
	objsyms_free(&os);
	return ret;
}

/*
 * A global symbol that neither Module.symvers nor the symbol table has:
 * the running kernel lacks it, typically because another change of the
 * same release added it. Another changed object of these patches may carry
 * it into the module, and then the module's own link resolves it. If one
 * of the patched files defines it but nothing carries it, that file is
 * named: a new function travels only with a changed function of its own
 * file that calls it. Refused here, before linking, rather than as an
 * undefined symbol at modpost.
 */
static int missing_global(struct kb *kb, const struct kb_object *o, const char *name,
			  const char *what)
{
	const char *provider = NULL;

	for (size_t i = 0; i < kb->nobjs; i++) {
		const struct kb_object *p = &kb->objs[i];

		if (p == o)
			continue;
		if (p->changed && defines(p->out, name) == 1) {
			if (kb->verbose)
				kb_progress(kb, "symbol %s: defined in the module (carried from %s)", name,
					    p->src);
			return 0;
		}
		if (!provider && defines(p->patched, name) == 1)
			provider = p->src;
	}
	/* a variable the kernel lacks has no state to share: a static copy would do as well */
	if (provider)
		return kb_fail(&kb->err, KB_EREFUSED,
			       "%s: symbol '%s' is not in the running kernel; %s of these patches defines it, but the module carries new code and data only with a changed function of its own file that uses them: define '%s' (static) in %s instead",
			       o->src, name, provider, name, o->src);
	return kb_fail(&kb->err, KB_EREFUSED,
		       "%s: symbol '%s' is not in the running kernel (neither Module.symvers nor %s has it), so the fix needs %s this kernel lacks, perhaps added by another change of its release: add that change to the patches, or define '%s' (static) in %s",
		       o->src, name, kb->sysmap, what, name, o->src);
}

/*
 * A module's .ko has no file symbols (Debian strips them) and a module's
 * kallsyms order is no layout to read neighbours from: its namesakes
 * (a static inline of a header instantiated in several of its files) are
 * told apart by the unstripped copy in the -dbg package, whose file list
 * is fetched the first time one is needed and kept per release. 0 when
 * the table has file symbols now.
 */
static int module_files(struct kb *kb, const struct kb_object *o, struct ksyms *modks)
{
	char *prefix, *dir, *path;
	const char *modrel;
	int ret = -1;

	if (modks->nfiles)
		return 0;
	if (kb->symbols || !kb->srcroot || !kb->pkgversion)
		return -1;
	prefix = kb_path("%s/modules/", kb->kdir);
	modrel = strncmp(o->modpath, prefix, strlen(prefix)) ? NULL : o->modpath + strlen(prefix);
	dir = kb_path("%s/module-symbols", kb->srcroot);
	path = kb_path("%s/%s.files", dir, o->objname);
	if (modrel && !strchr(o->objname, '/')) {
		if (!kb_exists(path) && !kb_mkdirs(dir))
			kb_fetch_module_symbols(kb, modrel, path);
		if (kb_exists(path)) {
			ret = ksyms_attach_files(modks, path);
			if (ret)
				kb_progress(kb, "warning: %s: %s", path,
					    ret == -EINVAL ? "malformed" : strerror(-ret));
		}
	}
	free(prefix);
	free(dir);
	free(path);
	return ret;
}

/*
 * vmlinux's file list, attached to the System.map table the first time a
 * namesake needs it (and fetched once for a tree prepared without it).
 * 0 when the table has file symbols now.
 */
static int vmlinux_files(struct kb *kb)
{
	int ret;

	if (kb->ksyms.nfiles)
		return 0;
	if (!kb->filesyms || !kb->pkgversion)
		return -1;
	if (!kb_exists(kb->filesyms) && kb_fetch_file_symbols(kb, kb->filesyms))
		return -1;
	ret = ksyms_attach_files(&kb->ksyms, kb->filesyms);
	if (ret)
		kb_progress(kb, "warning: %s: %s; same-named local symbols are told apart by their neighbours only",
			    kb->filesyms, ret == -EINVAL ? "malformed" : strerror(-ret));
	/* asked once: without a list, neighbours decide from now on */
	free(kb->filesyms);
	kb->filesyms = NULL;
	return ret;
}

/* The sympos of a vmlinux symbol, its file symbols attached on a namesake. */
static int vmlinux_sympos(struct kb *kb, const char *name, bool local, const struct objsyms *os,
			  unsigned long *pos)
{
	int err = ksyms_sympos(&kb->ksyms, name, local, os, pos);

	if (err == -EEXIST && local && !vmlinux_files(kb))
		err = ksyms_sympos(&kb->ksyms, name, local, os, pos);
	return err;
}

/* The sympos in a module's table, its file symbols fetched on a namesake. */
static int module_sympos(struct kb *kb, const struct kb_object *o, struct ksyms *modks,
			 const char *name, bool local, const struct objsyms *os, unsigned long *pos)
{
	int err = ksyms_sympos(modks, name, local, os, pos);

	if (err == -EEXIST && !modks->nfiles && !module_files(kb, o, modks))
		err = ksyms_sympos(modks, name, local, os, pos);
	return err;
}

/*
 * A symbol exported in a namespace (EXPORT_SYMBOL_NS: nvme_find_get_ns in
 * NVME_TARGET_PASSTHRU) is usable only by a module that imports it; modpost
 * refuses the module otherwise. The namespace comes from Module.symvers:
 * a C identifier, or the headers are not the kernel's.
 */
/* Module.symvers' names of namespaces and modules: C identifiers only. */
static bool is_identifier(const char *s)
{
	return *s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") ==
			     strlen(s);
}

static int import_namespace(struct kb *kb, const char *name, const char *ns)
{
	if (!ns)
		return 0;
	if (!is_identifier(ns))
		return kb_fail(&kb->err, KB_EENV,
			       "Module.symvers gives '%s' a namespace that is not an identifier; reinstall the kernel's headers package",
			       name);
	if (kb_strv_push(&kb->namespaces, &kb->nnamespaces, ns))
		return kb_fail(&kb->err, KB_EENV, "out of memory");
	if (kb->verbose)
		kb_progress(kb, "symbol %s: in namespace %s, which the module imports", name, ns);
	return 0;
}

/*
 * A livepatch relocation to NAME: of object OBJNAME's .klp.rela, looked up
 * in SYMOBJ when that is another module (NULL: in OBJNAME itself).
 */
static int add_ref(struct kb *kb, const char *name, const char *objname, unsigned long pos,
		   const char *symobj)
{
	struct kb_symref *r;

	if (kb->verbose)
		kb_progress(kb, "symbol %s: livepatch relocation to %s, sympos %lu", name,
			    symobj ? symobj : objname, pos);

	for (size_t i = 0; i < kb->nrefs; i++) {
		r = &kb->refs[i];
		if (strcmp(r->name, name))
			continue;
		if (r->sympos == pos && !strcmp(r->objname, objname) &&
		    !strcmp(r->symobj ? r->symobj : "", symobj ? symobj : ""))
			return 0;
		/* One undefined name in the module cannot point at two symbols. */
		return kb_fail(&kb->err, KB_EREFUSED,
			       "two patched objects reference different kernel symbols named '%s'; build them as separate patches",
			       name);
	}
	r = realloc(kb->refs, (kb->nrefs + 1) * sizeof(*r));
	if (!r)
		return kb_fail(&kb->err, KB_EENV, "out of memory");
	kb->refs = r;
	r = &kb->refs[kb->nrefs++];
	r->name = strdup(name);
	r->objname = strdup(objname);
	r->symobj = symobj ? strdup(symobj) : NULL;
	r->sympos = pos;
	r->exported = false;
	return 0;
}

/*
 * An export of another module in a module object's code (dm_put_device of
 * dm_mod, for a patch of dm_mirror). As a normal relocation it would make
 * the patch module need dm_mod loaded before the patch loads ("Unknown
 * symbol"), though dm_mirror may never be. As a livepatch relocation of
 * the object, looked up in the exporter, it is resolved when dm_mirror
 * loads, which the module loader does only after dm_mod.
 */
static int add_module_export_ref(struct kb *kb, const struct kb_object *o, const char *name,
				 const char *exporter)
{
	const char *base = strrchr(exporter, '/') ? strrchr(exporter, '/') + 1 : exporter;
	char *mod = strdup(base);
	int ret;

	if (!mod)
		return kb_fail(&kb->err, KB_EENV, "out of memory");
	for (char *c = mod; *c; c++)
		if (*c == '-')
			*c = '_';	/* the kernel's name of fs/nls/nls-utf8 */
	/* it becomes part of a livepatch symbol's name: ".klp.sym.<module>.<name>,<pos>" */
	if (!is_identifier(mod)) {
		free(mod);
		return kb_fail(&kb->err, KB_EENV,
			       "Module.symvers gives '%s' an exporter that is not a module name; reinstall the kernel's headers package",
			       name);
	}
	if (kb->verbose)
		kb_progress(kb, "symbol %s: exported by module %s, looked up there when %s loads",
			    name, mod, o->objname);
	ret = add_ref(kb, name, o->objname, 0, mod);
	free(mod);
	return ret;
}

/* The table refuse() names as without file symbols, or NULL when it has them. */
static const char *nofiles(const struct ksyms *ks, const char *table)
{
	return ks->nfiles ? NULL : table;
}

/*
 * One undefined symbol of the carried code. In a module object, the
 * module's own symbols are livepatch symbols of that module (it may load
 * after the patch), and vmlinux symbols it uses are livepatch symbols of
 * vmlinux; each kind goes to its own .klp.rela section.
 */
static int resolve_symbol(struct kb *kb, struct kb_object *o, struct ksyms *modks,
			  const struct objsyms *os, const char *name, bool local, const char *what)
{
	const char *exporter = local ? NULL : symvers_find(&kb->symvers, name);
	unsigned long pos;
	int err;

	if (exporter && !(modks && symvers_exporter_is(exporter, o->objname))) {
		if (import_namespace(kb, name, symvers_namespace(&kb->symvers, name)))
			return -1;
		if (modks && strcmp(exporter, "vmlinux"))
			return add_module_export_ref(kb, o, name, exporter);
		/* a normal relocation, resolved by the module loader */
		if (kb->verbose)
			kb_progress(kb, "symbol %s: exported by %s", name, exporter);
		return 0;
	}
	if (modks) {
		err = module_sympos(kb, o, modks, name, local, os, &pos);
		if (!err)
			return add_ref(kb, name, o->objname, pos, NULL);
		if (err == -EEXIST || local)
			return refuse(kb, err, name, "symbol", o->src, nofiles(modks, o->modpath));
		err = ksyms_sympos(&kb->ksyms, name, false, NULL, &pos);
		if (err == -ENOENT)
			return missing_global(kb, o, name, what);
		if (err)
			return refuse(kb, err, name, "symbol", o->src, nofiles(&kb->ksyms, kb->sysmap));
		return add_ref(kb, name, "vmlinux", pos, NULL);
	}
	err = vmlinux_sympos(kb, name, local, os, &pos);
	if (err == -ENOENT && !local)
		return missing_global(kb, o, name, what);
	if (err)
		return refuse(kb, err, name, "symbol", o->src, nofiles(&kb->ksyms, kb->sysmap));
	return add_ref(kb, name, o->objname, pos, NULL);
}

static int resolve_object(struct kb *kb, struct kb_object *o)
{
	struct json_object *root = json_object_from_file(o->manifest), *syms;
	struct ksyms modks = { 0 };
	bool module = o->modpath != NULL;
	struct objsyms os;
	int ret = 0, err;

	if (objsyms_load(o->orig, &os))
		return kb_fail(&kb->err, KB_EENV, "%s: cannot read its symbols", o->orig);
	if (module && (err = ksyms_load_module(o->modpath, &modks))) {
		objsyms_free(&os);
		json_object_put(root);
		return kb_fail(&kb->err, KB_EENV, "%s: cannot read its symbols: %s", o->modpath,
			       strerror(-err));
	}
	if (!root || !json_object_object_get_ex(root, "symbols", &syms)) {
		ret = kb_fail(&kb->err, KB_EENV, "%s: no symbols list", o->manifest);
		goto out;
	}
	for (size_t i = 0; !ret && i < json_object_array_length(syms); i++) {
		struct json_object *s = json_object_array_get_idx(syms, i), *n, *b, *x, *t;
		const char *name, *type;
		bool local;

		if (!json_object_object_get_ex(s, "name", &n) ||
		    !json_object_object_get_ex(s, "bind", &b)) {
			ret = kb_fail(&kb->err, KB_EENV, "%s: symbol %zu lacks name or bind",
				      o->manifest, i);
			break;
		}
		name = json_object_get_string(n);
		local = !strcmp(json_object_get_string(b), "local");
		/* The module loader needs it before livepatch relocations exist. */
		if (json_object_object_get_ex(s, "needs_export", &x) && json_object_get_boolean(x) &&
		    !(!local && symvers_find(&kb->symvers, name))) {
			ret = kb_fail(&kb->err, KB_EREFUSED,
				      "%s: '%s' (a jump-label or static-call key) is not exported, and the module loader resolves it before livepatch can; keep the static key or static call out of the changed code",
				      o->src, name);
			break;
		}
		/* an undefined extern has no type ("notype"): the kind is known only when defined */
		type = json_object_object_get_ex(s, "type", &t) ? json_object_get_string(t) : "";
		ret = resolve_symbol(kb, o, module ? &modks : NULL, &os, name, local,
				     !strcmp(type, "func") ? "code" :
				     !strcmp(type, "object") ? "a variable" : "code or data");
	}
	for (size_t i = 0; !ret && i < kb->nfuncs; i++) {
		struct kb_func *f = &kb->funcs[i];
		const struct objsym *own = objsyms_find(&os, f->name);

		if (f->is_new || strcmp(f->objname, o->objname) || !own)
			continue;
		err = module ? module_sympos(kb, o, &modks, f->name, own->local, &os, &f->sympos)
			     : vmlinux_sympos(kb, f->name, own->local, &os, &f->sympos);
		if (err)
			ret = refuse(kb, err, f->name, "function", o->src,
				     module ? nofiles(&modks, o->modpath) : nofiles(&kb->ksyms, kb->sysmap));
		else if (kb->verbose)
			kb_progress(kb, "function %s: patched in %s, sympos %lu", f->name, f->objname,
				    f->sympos);
	}
out:
	ksyms_free(&modks);
	objsyms_free(&os);
	json_object_put(root);
	return ret;
}

/*
 * The template clears what livepatch relocated into a module object's code
 * when that module leaves (kmod/livepatch.c), with the kernel's own text
 * patching; neither symbol is exported.
 */
static int resolve_template_symbols(struct kb *kb)
{
	static const char *const names[] = { "text_poke", "text_mutex" };
	unsigned long pos;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (ksyms_sympos(&kb->ksyms, names[i], false, NULL, &pos))
			return kb_fail(&kb->err, KB_EREFUSED,
				       "%s has no global '%s', which a patch of a module needs to clear its relocations when the module is removed; pass --symbols the kernel's real System.map, or patch only vmlinux code",
				       kb->sysmap, names[i]);
		if (add_ref(kb, names[i], "vmlinux", pos, NULL))
			return -1;
	}
	return 0;
}

int kb_resolve(struct kb *kb)
{
	char *symvers = kb_path("%s/Module.symvers", kb->headers);
	int err;

	err = ksyms_load(kb->sysmap, &kb->ksyms);
	if (err)
		return kb_fail(&kb->err, KB_EUSAGE, "symbol table %s: %s", kb->sysmap,
			       err == -EINVAL ? "not a System.map or ELF file" : strerror(-err));
	if (kb->ksyms.n < KSYMS_MIN_REAL)
		return kb_fail(&kb->err, KB_EUSAGE,
			       "symbol table %s has only %zu symbols (a placeholder?); pass --symbols with the kernel's real System.map or vmlinux",
			       kb->sysmap, kb->ksyms.n);
	err = symvers_load(symvers, &kb->symvers);
	if (err)
		return kb_fail(&kb->err, KB_EENV, "%s: %s", symvers,
			       err == -EINVAL ? "malformed line" : strerror(-err));
	free(symvers);
	for (size_t i = 0; i < kb->nobjs; i++)
		if (kb->objs[i].changed && resolve_object(kb, &kb->objs[i]))
			return -1;
	return kb_patches_a_module(kb) ? resolve_template_symbols(kb) : 0;
}
