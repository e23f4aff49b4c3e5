// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: kpatch-build's patch-file reader (kb_read_patches), which
 * decides from the patch text which source files and headers a build
 * compiles. The input is one patch file. What it accepts must stay inside
 * the source tree and name .c files only.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/depindex.h"
#include "build/kb.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char file[4096];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char dir[4096];
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/kpatch-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	snprintf(file, sizeof(file), "%s/fuzz.patch", dir);
	return 0;
}

/* A ".." path component (not a name such as "..c", which is a file like any other). */
static bool has_dotdot(const char *p)
{
	for (const char *c = p; (c = strstr(c, "..")); c++)
		if ((c == p || c[-1] == '/') && (c[2] == '/' || !c[2]))
			return true;
	return false;
}

static void check_objects(const struct kb *kb)
{
	for (size_t i = 0; i < kb->nobjs; i++) {
		const char *src = kb->objs[i].src, *obj = kb->objs[i].obj;
		size_t n = strlen(src);

		if (n < 3 || strcmp(src + n - 2, ".c") || src[0] == '/' || has_dotdot(src) ||
		    strlen(obj) != n || strcmp(obj + n - 2, ".o") || strncmp(src, obj, n - 1))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *patches[1] = { file };
	struct kb kb;
	FILE *f;

	f = fopen(file, "we");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	memset(&kb, 0, sizeof(kb));
	kb.patches = patches;
	kb.npatches = 1;
	if (kb_read_patches(&kb)) {
		if (!kb.err.code || !kb.err.msg[0])
			abort();	/* every refusal has a code and says why */
	} else {
		check_objects(&kb);
	}
	kb_free(&kb);
	return 0;
}
