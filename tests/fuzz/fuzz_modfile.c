// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the module reader. kpatch runs kp_modfile_open on every .ko
 * it is handed (module info through libkmod, then the klp function list
 * read from the ELF relocations by kp_klp_read) before anything reaches the
 * kernel, so a crafted file must never crash it. The input is the file's
 * contents, given through a memfd under /proc/self/fd.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kpatchlib/klpelf.h"
#include "kpatchlib/modfile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	memfd = memfd_create("fuzz.ko", MFD_CLOEXEC);
	/* A memfd is created 0777; kpatch rightly refuses world-writable modules. */
	if (memfd < 0 || fchmod(memfd, 0644))
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	return 0;
}

static void set_input(const uint8_t *data, size_t size)
{
	if (ftruncate(memfd, 0) || (size && pwrite(memfd, data, size, 0) != (ssize_t)size))
		abort();
}

/* What the readers return must be usable: bounded, terminated strings. */
static void check_funcs(const struct kp_func_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (strnlen(l->f[i].object, sizeof(l->f[i].object)) == sizeof(l->f[i].object) ||
		    strnlen(l->f[i].name, sizeof(l->f[i].name)) == sizeof(l->f[i].name))
			abort();
}

static void read_module(void)
{
	struct kp_modfile mf;
	struct kp_err err = { 0 };

	if (kp_modfile_open(path, 0, &mf, &err)) {
		if (!err.msg[0])
			abort();	/* every failure says why */
		return;
	}
	if (!mf.name[0] || strnlen(mf.name, sizeof(mf.name)) == sizeof(mf.name))
		abort();
	check_funcs(&mf.funcs);
	kp_modfile_check(&mf, "6.1.0-50-cloud-amd64", &err);
	kp_modfile_close(&mf);
}

/* The function list alone, also for files whose module info says no livepatch. */
static void read_klp(void)
{
	struct kp_func_list funcs = { 0 };
	struct kp_err err = { 0 };
	int replace = 0;

	if (!kp_klp_read(memfd, "fuzz.ko", &funcs, &replace, &err))
		check_funcs(&funcs);
	kp_funcs_free(&funcs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	set_input(data, size);
	read_module();
	read_klp();
	return 0;
}
