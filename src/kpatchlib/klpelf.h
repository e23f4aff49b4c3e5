/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_KLPELF_H
#define KPATCHLIB_KLPELF_H

#include "kpatchlib/err.h"
#include "kpatchlib/funcs.h"

/*
 * Read, from a livepatch module file (an x86_64 relocatable object), the
 * functions it will patch and whether it is an atomic-replace patch,
 * without loading it. This is what makes conflict detection possible
 * before anything reaches the kernel.
 *
 * The module's klp_patch, klp_object and klp_func arrays are static data
 * whose pointer fields are relocations, so they are recognised by their
 * relocation pattern (6.1 layout, 8-byte pointers):
 *   klp_func   { old_name -> string, new_func -> code, old_sympos }
 *   klp_object { name -> string or none (vmlinux), funcs -> klp_func[] }
 *   klp_patch  { mod -> __this_module, objs -> klp_object[], states, replace }
 */
int kp_klp_read(int fd, const char *what, struct kp_func_list *funcs,
		int *replace, struct kp_err *err);

#endif
