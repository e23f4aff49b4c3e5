// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the readers of a kernel symbol table. The input is read as
 * vmlinux (ksyms_load_elf), as a module (ksyms_load_module), as an object
 * (objsyms_load), through the stream reader's two passes into a sparse
 * copy that is then read again, and its file list is saved and attached
 * back to the table it came from: none may crash, leak or loop, whatever
 * the headers claim.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elf/kelf.h"
#include "klp/ksyms.h"
#include "klp/sympos.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1, copyfd = -1;
static char path[64], copy[64], list[4200];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	memfd = memfd_create("fuzz.elf", MFD_CLOEXEC);
	copyfd = memfd_create("fuzz.tables", MFD_CLOEXEC);
	if (memfd < 0 || copyfd < 0)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	snprintf(copy, sizeof(copy), "/proc/self/fd/%d", copyfd);
	snprintf(list, sizeof(list), "%s/fuzz-file-symbols.%d", tmp && *tmp ? tmp : "/tmp",
		 (int)getpid());
	return 0;
}

static void stream_copy(void)
{
	struct kelf_stream st;
	struct kelf_err err;
	struct ksyms ks;
	int in = open(path, O_RDONLY | O_CLOEXEC);

	if (in < 0)
		abort();
	if (ftruncate(copyfd, 0))
		abort();
	if (!kelf_stream_headers(in, copyfd, &st, &err)) {
		if (lseek(in, 0, SEEK_SET))
			abort();
		if (!kelf_stream_tables(in, copyfd, &st, &err) && !ksyms_load_elf(copy, &ks))
			ksyms_free(&ks);
		kelf_stream_free(&st);
	}
	close(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct objsyms os;
	struct ksyms ks;

	if (ftruncate(memfd, 0) || pwrite(memfd, data, size, 0) != (ssize_t)size)
		abort();
	if (!ksyms_load_elf(path, &ks)) {
		if (!ksyms_save_files(&ks, list))
			ksyms_attach_files(&ks, list);
		ksyms_free(&ks);
	}
	if (!ksyms_load_module(path, &ks))
		ksyms_free(&ks);
	if (!objsyms_load(path, &os))
		objsyms_free(&os);
	stream_copy();
	unlink(list);
	return 0;
}
