// SPDX-License-Identifier: GPL-2.0
/*
 * The compiler check: objects compiled by another compiler than the
 * kernel's may differ in code generation everywhere, and the differ would
 * see changes that are not in the patch. The kernel's config records the
 * exact compiler (CONFIG_CC_VERSION_TEXT); its first word is the command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/kb.h"

/* CONFIG_CC_VERSION_TEXT="..." from a .config, or NULL. */
static char *config_cc_text(const char *config)
{
	size_t len;
	char *buf = kb_read_file(config, &len), *p, *e, *out = NULL;
	const char *key = "\nCONFIG_CC_VERSION_TEXT=\"";

	if (!buf)
		return NULL;
	p = strstr(buf, key);
	if (p) {
		p += strlen(key);
		e = strchr(p, '"');
		if (e)
			out = strndup(p, (size_t)(e - p));
	}
	free(buf);
	return out;
}

static char *cc_version_line(const char *cc)
{
	const char *argv[] = { cc, "--version", NULL };
	char buf[512];

	if (kb_run_capture(argv, buf, sizeof(buf)))
		return NULL;
	buf[strcspn(buf, "\n")] = '\0';
	return strdup(buf);
}

int kb_check_compiler(struct kb *kb)
{
	char *want = config_cc_text(kb->config), *have, *cc;

	if (!want)
		return kb_fail(&kb->err, KB_EUSAGE,
			       "config %s: no CONFIG_CC_VERSION_TEXT; is it a kernel config?",
			       kb->config);
	cc = strndup(want, strcspn(want, " "));
	have = cc_version_line(cc);
	if (!have) {
		/* The kernel's compiler command is not installed here; try plain gcc. */
		free(cc);
		cc = strdup("gcc");
		have = cc_version_line(cc);
	}
	if (!have || strcmp(want, have)) {
		if (!kb->skip_compiler_check) {
			kb_fail(&kb->err, KB_ECOMPILER,
				"compiler mismatch: the kernel was built with '%s', this machine has '%s'; install that compiler or pass --skip-compiler-check",
				want, have ? have : "no gcc");
			free(want);
			free(have);
			free(cc);
			return -1;
		}
		kb_progress(kb, "warning: compiler '%s' differs from the kernel's '%s' (--skip-compiler-check)",
			    have ? have : cc, want);
	}
	kb->cc = cc;
	free(want);
	free(have);
	return 0;
}
