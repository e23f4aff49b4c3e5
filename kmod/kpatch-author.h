/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpatch-author.h: what a patch author can tell kpatch-build from inside
 * the patch. Include it from a patched kernel source file:
 *
 *   #include "kpatch-author.h"
 *
 * (kpatch-build puts it on the include path.) Every macro leaves a trace
 * in a section of its own that kpatch-diff reads and never carries; see
 * kpatch-author(7) and docs/kpatch-build-design.md.
 *
 *   KPATCH_PRE_PATCH_CALLBACK(fn)     int fn(struct klp_object *obj); an error
 *                                     fails the load cleanly
 *   KPATCH_POST_PATCH_CALLBACK(fn)    void fn(struct klp_object *obj)
 *   KPATCH_PRE_UNPATCH_CALLBACK(fn)   void fn(struct klp_object *obj)
 *   KPATCH_POST_UNPATCH_CALLBACK(fn)  void fn(struct klp_object *obj)
 *       Callbacks of the klp object the file belongs to (vmlinux, or the
 *       module the file is part of); at most one of each kind per object.
 *
 *   kpatch_shadow_get(obj, id)                    the shadow data or NULL
 *   kpatch_shadow_get_or_alloc(obj, id, size, gfp) zeroed on creation
 *   kpatch_shadow_free(obj, id)
 *   kpatch_shadow_free_all(id)                    e.g. from a post_unpatch callback
 *       State attached to an existing object (a struct file, a task, ...)
 *       through the kernel's klp_shadow_* API, for fields the running
 *       kernel's structures do not have.
 *
 *   KPATCH_IGNORE_FUNCTION(fn)   fn is treated as unchanged: not carried,
 *                                not patched (debug code, a change that
 *                                only matters after reboot)
 *   KPATCH_IGNORE_SECTION(name)  the section "name" is not compared
 *   KPATCH_FORCE(sym)            a refusal about sym becomes a warning: a
 *                                changed variable keeps its old contents, a
 *                                function may stop using a static local
 */
#ifndef KPATCH_AUTHOR_H
#define KPATCH_AUTHOR_H

#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/livepatch.h>
#include <linux/stddef.h>

#define __KPATCH_MARK(section, name, type, value) \
	static __typeof__(type) const name __used __section(section) = value

/*
 * The pointer's type checks the callback's prototype; the section name
 * carries the kind of callback.
 */
#define KPATCH_PRE_PATCH_CALLBACK(fn) \
	__KPATCH_MARK(".kpatch.callback.pre_patch", __kpatch_pre_patch_##fn, \
		      int (*)(struct klp_object *), fn)
#define KPATCH_POST_PATCH_CALLBACK(fn) \
	__KPATCH_MARK(".kpatch.callback.post_patch", __kpatch_post_patch_##fn, \
		      void (*)(struct klp_object *), fn)
#define KPATCH_PRE_UNPATCH_CALLBACK(fn) \
	__KPATCH_MARK(".kpatch.callback.pre_unpatch", __kpatch_pre_unpatch_##fn, \
		      void (*)(struct klp_object *), fn)
#define KPATCH_POST_UNPATCH_CALLBACK(fn) \
	__KPATCH_MARK(".kpatch.callback.post_unpatch", __kpatch_post_unpatch_##fn, \
		      void (*)(struct klp_object *), fn)

#define KPATCH_IGNORE_FUNCTION(fn) \
	__KPATCH_MARK(".kpatch.ignore.function", __kpatch_ignore_##fn, void *, (void *)(fn))

#define KPATCH_FORCE(sym) \
	__KPATCH_MARK(".kpatch.force", __kpatch_force_##sym, void *, (void *)&(sym))

#define __KPATCH_PASTE2(a, b) a##b
#define __KPATCH_PASTE(a, b) __KPATCH_PASTE2(a, b)
/* A name is data, not a pointer: NUL-terminated strings one after another. */
#define KPATCH_IGNORE_SECTION(name) \
	static const char __KPATCH_PASTE(__kpatch_ignore_section_, __COUNTER__)[] \
		__used __section(".kpatch.ignore.section") __aligned(1) = name

static inline void *kpatch_shadow_get(void *obj, unsigned long id)
{
	return klp_shadow_get(obj, id);
}

static inline void *kpatch_shadow_get_or_alloc(void *obj, unsigned long id, size_t size,
					       gfp_t gfp)
{
	/* klp_shadow_get_or_alloc zeroes new data when no constructor is given */
	return klp_shadow_get_or_alloc(obj, id, size, gfp, NULL, NULL);
}

static inline void kpatch_shadow_free(void *obj, unsigned long id)
{
	klp_shadow_free(obj, id, NULL);
}

static inline void kpatch_shadow_free_all(unsigned long id)
{
	klp_shadow_free_all(id, NULL);
}

#endif
