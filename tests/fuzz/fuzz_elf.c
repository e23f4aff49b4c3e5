// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the differ's object loader. kelf_open reads the object
 * (through a memfd under /proc/self/fd); a loaded model is walked whole,
 * then the differ runs on it the way kpatch-build would: against itself
 * (classification, correlation, comparison) and, when KPATCH_FUZZ_REF names
 * an original object, with the input as the patched object, which also
 * carries what changed and writes the output object and manifest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "diff/diff.h"
#include "elf/kelf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1;
static char path[64], out[4200], manifest[4200];
static const char *ref;
static volatile size_t sink;	/* keeps the walk from being optimised out */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char dir[4096];
	const char *tmp = getenv("TMPDIR");

	memfd = memfd_create("fuzz.o", MFD_CLOEXEC);
	if (memfd < 0)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	snprintf(dir, sizeof(dir), "%s/kpatch-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	snprintf(out, sizeof(out), "%s/out.o", dir);
	snprintf(manifest, sizeof(manifest), "%s/out.json", dir);
	ref = getenv("KPATCH_FUZZ_REF");
	if (ref && !*ref)
		ref = NULL;
	return 0;
}

/* Every pointer of a loaded model must lead somewhere readable. */
static size_t walk(const struct kelf *k)
{
	size_t sum = 0;

	for (size_t i = 0; i < k->nsecs; i++) {
		const struct kelf_sec *s = k->secs[i];

		sum += strlen(s->name) + (s->data && s->size ? s->data[s->size - 1] : 0);
		for (size_t j = 0; j < s->nrelas; j++) {
			if (s->relas[j].sec != s)
				abort();
			if (s->relas[j].sym)
				sum += strlen(s->relas[j].sym->name);
		}
	}
	for (size_t i = 0; i < k->nsyms; i++) {
		const struct kelf_sym *y = k->syms[i];

		sum += strlen(y->name);
		if (y->sec)
			sum += strlen(y->sec->name);
	}
	return sum;
}

static void diff(const char *orig, const char *patched)
{
	struct kdiff_opts opts = { .object = "vmlinux" };
	struct kdiff_result res;
	char msg[600];

	if (kdiff_run(orig, patched, &opts, &res) == KDIFF_CHANGED) {
		struct kelf_err err = { "" };

		kelf_write(res.out, out, &err);
		kdiff_manifest_write(&res, "vmlinux", manifest, msg, sizeof(msg));
	}
	kdiff_result_free(&res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kelf_err err = { "" };
	struct kelf *k;

	if (ftruncate(memfd, 0) || (size && pwrite(memfd, data, size, 0) != (ssize_t)size))
		abort();
	if (kelf_open(path, &k, &err)) {
		if (!err.msg[0])
			abort();
		return 0;
	}
	sink = walk(k);
	kelf_free(k);
	diff(path, path);
	if (ref)
		diff(ref, path);
	return 0;
}
