// SPDX-License-Identifier: GPL-2.0
/*
 * kbuild's .cmd files: fixdep records there every header an object (or a
 * preprocessed .i) was built from; the index reads that list.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build/depindex.h"
#include "build/depindex_int.h"
#include "build/incgraph.h"

int kb_depindex_cmd_deps(const char *cmdfile, const char *tree, char ***deps)
{
	char *text = kb_read_file(cmdfile, NULL), *p, *tok, *save;
	size_t n = 0, tl = strlen(tree);

	*deps = NULL;
	if (!text)
		return -1;
	p = strstr(text, "\ndeps_");
	if (!p) {
		free(text);
		return -1;
	}
	p = strstr(p, ":=");
	if (!p) {
		free(text);
		return -1;
	}
	/* The list ends at the first line without a trailing backslash. */
	{
		char *end = p;

		while ((end = strchr(end, '\n')) && end[-1] == '\\')
			end++;
		if (end)
			*end = '\0';
	}
	for (tok = strtok_r(p + 2, " \t\\\n", &save); tok; tok = strtok_r(NULL, " \t\\\n", &save)) {
		size_t l = strlen(tok);

		if (l < 3 || strcmp(tok + l - 2, ".h") || strchr(tok, '$') || strchr(tok, ')'))
			continue;
		if (!strncmp(tok, tree, tl) && tok[tl] == '/')
			tok += tl + 1;
		while (!strncmp(tok, "./", 2))
			tok += 2;
		if (kb_strv_push(deps, &n, tok)) {
			free(text);
			return -1;
		}
	}
	free(text);
	return (int)n;
}
