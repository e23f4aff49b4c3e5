// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the withdrawn list. kp_withdrawn_load reads
 * <conf dir>/withdrawn and every file of <conf dir>/withdrawn.d; the input
 * is the administrator's file, next to one fixed package file. Beyond not
 * crashing, the list must fail closed: a load that succeeds has read every
 * byte (no NUL cuts it short) and holds only well-formed entries.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kpatchlib/withdrawn.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char file[4096];

static void write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "we");

	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char dir[4096];
	char sub[4200];
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/kpatch-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	setenv("KPATCH_CONF_DIR", dir, 1);
	snprintf(sub, sizeof(sub), "%s/withdrawn.d", dir);
	if (mkdir(sub, 0755))
		abort();
	snprintf(sub, sizeof(sub), "%s/withdrawn.d/package", dir);
	write_file(sub, "kpatch-pkg-fixed@6.1.0-50-cloud-amd64\n", 38);
	snprintf(file, sizeof(file), "%s/withdrawn", dir);
	return 0;
}

static int name_ok(const char *s, size_t max)
{
	if (!*s || strnlen(s, max) == max)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static int release_ok(const char *s, size_t max)
{
	if (strnlen(s, max) == max)
		return 0;
	/* No blank, control character or comment: nothing that could forge a line. */
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == '#' || *s == 0x7f)
			return 0;
	return 1;
}

static void check_list(const struct kp_withdrawn *w, const uint8_t *data, size_t size)
{
	/* Anything the file says after a NUL would be silently ignored. */
	if (memchr(data, '\0', size))
		abort();
	for (size_t i = 0; i < w->n; i++)
		if (!name_ok(w->e[i].name, sizeof(w->e[i].name)) ||
		    !release_ok(w->e[i].krel, sizeof(w->e[i].krel)))
			abort();
	/*
	 * The package file is read as well, whatever the administrator's
	 * says. (Not the converse: the fuzzed file may itself withdraw the
	 * package's module for every release.)
	 */
	if (!kp_withdrawn_has(w, "kpatch_pkg_fixed", "6.1.0-50-cloud-amd64"))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kp_withdrawn w;
	struct kp_err err = { 0 };

	write_file(file, data, size);
	if (kp_withdrawn_load(&w, &err)) {
		if (!err.msg[0])
			abort();	/* every failure says why */
		return 0;
	}
	check_list(&w, data, size);
	kp_withdrawn_free(&w);
	return 0;
}
