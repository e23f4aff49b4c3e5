// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of every module kpatch-build makes. The replacement
 * functions themselves come from the differ's objects, linked next to this
 * file; kpatch-gen.h, written by kpatch-build for each module, lists them:
 *
 *   KPATCH_OBJECTS(O)   O(n, name) for each patched object; name is NULL
 *                       for vmlinux, else the module's name
 *   KPATCH_FUNCS_n(F)   F(index, "old_name", old_sympos) for each function
 *                       of object n
 *   KPATCH_CALLBACKS_n(C) C(n, type, "symbol") for each callback of object n
 *                       declared with kpatch-author.h (type: pre_patch,
 *                       post_patch, pre_unpatch, post_unpatch)
 *   KPATCH_IMPORT_NAMESPACES(I) I("NS") for each symbol namespace the
 *                       carried code uses an export of
 *   KPATCH_REPLACE      1 for an atomic-replace patch, 0 to stack
 *   KPATCH_HAS_MODULE_OBJECTS  defined when a klp object is a module; the
 *                       module then references text_poke and text_mutex
 *                       through livepatch relocations (neither is exported)
 *   KPATCH_CVES         "CVE-a,CVE-b" or undefined
 *   KPATCH_DESCRIPTION  the text given with --description, or undefined
 *
 * Each replacement is reached by its symbol name through an asm label,
 * because names such as "foo.isra.0" are not C identifiers.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/livepatch.h>

#include "kpatch-gen.h"

#ifdef KPATCH_HAS_MODULE_OBJECTS
#include <linux/elf.h>
#include <linux/memory.h>
#include <asm/text-patching.h>
#endif

#define KPATCH_DECLARE(idx, old, pos) extern char kpatch_new_##idx[] __asm__(old);
#define KPATCH_DECLARE_OBJ(n, name) KPATCH_FUNCS_##n(KPATCH_DECLARE)
KPATCH_OBJECTS(KPATCH_DECLARE_OBJ)

#define KPATCH_FUNC(idx, old, pos) \
	{ .old_name = old, .new_func = kpatch_new_##idx, .old_sympos = pos },
#define KPATCH_FUNC_TABLE(n, name) \
	static struct klp_func kpatch_funcs_##n[] = { KPATCH_FUNCS_##n(KPATCH_FUNC) { } };
KPATCH_OBJECTS(KPATCH_FUNC_TABLE)

#define KPATCH_CB_RET_pre_patch int
#define KPATCH_CB_RET_post_patch void
#define KPATCH_CB_RET_pre_unpatch void
#define KPATCH_CB_RET_post_unpatch void
#define KPATCH_CB_DECLARE(n, type, sym) \
	extern KPATCH_CB_RET_##type kpatch_cb_##n##_##type(struct klp_object *) __asm__(sym);
#define KPATCH_CB_DECLARE_OBJ(n, name) KPATCH_CALLBACKS_##n(KPATCH_CB_DECLARE)
KPATCH_OBJECTS(KPATCH_CB_DECLARE_OBJ)

#define KPATCH_CB_SET(n, type, sym) .type = kpatch_cb_##n##_##type,
#define KPATCH_OBJECT(n, objname) { .name = objname, .funcs = kpatch_funcs_##n, \
	.callbacks = { KPATCH_CALLBACKS_##n(KPATCH_CB_SET) } },
static struct klp_object kpatch_objs[] = {
	KPATCH_OBJECTS(KPATCH_OBJECT)
	{ }
};

static struct klp_patch kpatch_patch = {
	.mod = THIS_MODULE,
	.objs = kpatch_objs,
	.replace = KPATCH_REPLACE,
};

#ifdef KPATCH_HAS_MODULE_OBJECTS
/*
 * When a patched module leaves, livepatch reverts its object but leaves the
 * values it relocated into this module's code (the module's addresses).
 * When the module comes back, the x86 loader finds those locations nonzero,
 * refuses to relocate them and livepatch then refuses to load the module
 * at all. Linux 6.3 clears them itself ("livepatch,x86: Clear relocation
 * targets on a module removal"); before that the patch must, which is
 * safe where the kernel does it: after the object was unpatched, so no
 * task can enter this code through it. Clearing twice writes zeros twice.
 */
static size_t kpatch_reloc_size(unsigned int type)
{
	switch (type) {
	case R_X86_64_64:
	case R_X86_64_PC64:
		return 8;
	case R_X86_64_32:
	case R_X86_64_32S:
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		return 4;
	}
	return 0;
}

static void kpatch_clear_relocs(struct klp_object *obj)
{
	static const u64 zero;
	const struct klp_modinfo *info = THIS_MODULE->klp_info;
	char prefix[MODULE_NAME_LEN + sizeof(".klp.rela..")];
	size_t plen;
	unsigned int i, j;

	plen = snprintf(prefix, sizeof(prefix), ".klp.rela.%s.", obj->name);
	mutex_lock(&text_mutex);
	for (i = 1; i < info->hdr.e_shnum; i++) {
		const Elf_Shdr *sec = &info->sechdrs[i];
		const Elf_Rela *rela = (const Elf_Rela *)sec->sh_addr;

		if (!(sec->sh_flags & SHF_RELA_LIVEPATCH) ||
		    strncmp(info->secstrings + sec->sh_name, prefix, plen))
			continue;
		for (j = 0; j < sec->sh_size / sizeof(*rela); j++) {
			void *loc = (void *)info->sechdrs[sec->sh_info].sh_addr + rela[j].r_offset;
			size_t size = kpatch_reloc_size(ELF64_R_TYPE(rela[j].r_info));

			if (size)
				text_poke(loc, &zero, size);
		}
	}
	mutex_unlock(&text_mutex);
}

/* The author's callbacks of each object, called by the wrappers below. */
static struct klp_callbacks kpatch_author_cbs[ARRAY_SIZE(kpatch_objs)];

static struct klp_callbacks *kpatch_author_of(struct klp_object *obj)
{
	return &kpatch_author_cbs[obj - kpatch_objs];
}

/* A refusing pre_patch leaves the object relocated but not patched. */
static int kpatch_module_pre_patch(struct klp_object *obj)
{
	struct klp_callbacks *cb = kpatch_author_of(obj);
	int ret = cb->pre_patch ? cb->pre_patch(obj) : 0;

	if (ret)
		kpatch_clear_relocs(obj);
	return ret;
}

static void kpatch_module_post_unpatch(struct klp_object *obj)
{
	struct klp_callbacks *cb = kpatch_author_of(obj);

	if (cb->post_unpatch)
		cb->post_unpatch(obj);
	kpatch_clear_relocs(obj);
}

static void kpatch_wrap_module_callbacks(void)
{
	size_t i;

	for (i = 0; kpatch_objs[i].funcs; i++) {
		struct klp_object *obj = &kpatch_objs[i];

		if (!obj->name)
			continue;
		kpatch_author_cbs[i] = obj->callbacks;
		obj->callbacks.pre_patch = kpatch_module_pre_patch;
		obj->callbacks.post_unpatch = kpatch_module_post_unpatch;
	}
}
#else
static void kpatch_wrap_module_callbacks(void)
{
}
#endif

static int __init kpatch_init(void)
{
	kpatch_wrap_module_callbacks();
	return klp_enable_patch(&kpatch_patch);
}

static void __exit kpatch_exit(void)
{
}

module_init(kpatch_init);
module_exit(kpatch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
#define KPATCH_IMPORT(ns) MODULE_INFO(import_ns, ns);
KPATCH_IMPORT_NAMESPACES(KPATCH_IMPORT)
#ifdef KPATCH_CVES
MODULE_INFO(kpatch_cve, KPATCH_CVES);
#endif
#ifdef KPATCH_DESCRIPTION
MODULE_INFO(kpatch_description, KPATCH_DESCRIPTION);
MODULE_DESCRIPTION(KPATCH_DESCRIPTION);
#endif
