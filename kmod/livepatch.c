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
 *   KPATCH_REPLACE      1 for an atomic-replace patch, 0 to stack
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

static int __init kpatch_init(void)
{
	return klp_enable_patch(&kpatch_patch);
}

static void __exit kpatch_exit(void)
{
}

module_init(kpatch_init);
module_exit(kpatch_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
#ifdef KPATCH_CVES
MODULE_INFO(kpatch_cve, KPATCH_CVES);
#endif
#ifdef KPATCH_DESCRIPTION
MODULE_INFO(kpatch_description, KPATCH_DESCRIPTION);
MODULE_DESCRIPTION(KPATCH_DESCRIPTION);
#endif
