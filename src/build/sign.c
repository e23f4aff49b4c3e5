// SPDX-License-Identifier: GPL-2.0
/*
 * --sign-key/--sign-cert: the module is signed by the kernel's own
 * scripts/sign-file from the headers package, with the hash the kernel was
 * configured for, so the signature has exactly the format the kernel's
 * module loader verifies (PKCS#7 appended after "~Module signature
 * appended~"). Signing is the very last change to the file: anything that
 * rewrites the module afterwards (strip, relocation post-processing) would
 * break the signature.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/sign.h"

int kb_sign_check_args(struct kb_err *err, const char *key, const char *cert)
{
	if (!key && !cert)
		return 0;
	if (!key || !cert)
		return kb_fail(err, KB_EUSAGE, "--sign-key and --sign-cert go together (%s given alone)",
			       key ? "--sign-key" : "--sign-cert");
	if (access(key, R_OK))
		return kb_fail(err, KB_EUSAGE, "--sign-key %s: %s", key, strerror(errno));
	if (access(cert, R_OK))
		return kb_fail(err, KB_EUSAGE, "--sign-cert %s: %s", cert, strerror(errno));
	return 0;
}

const char *kb_sign_hash(const char *config)
{
	static char hash[32];
	static const char key[] = "CONFIG_MODULE_SIG_HASH=\"";
	char line[256];
	FILE *f = config ? fopen(config, "re") : NULL;

	snprintf(hash, sizeof(hash), "sha256");
	if (!f)
		return hash;
	while (fgets(line, sizeof(line), f)) {
		char *v, *end;

		if (strncmp(line, key, sizeof(key) - 1))
			continue;
		v = line + sizeof(key) - 1;
		end = strchr(v, '"');
		/* Only names sign-file could know: letters, digits, '-'. */
		if (end && end > v && (size_t)(end - v) < sizeof(hash) &&
		    strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789-") == (size_t)(end - v)) {
			memcpy(hash, v, (size_t)(end - v));
			hash[end - v] = '\0';
		}
		break;
	}
	fclose(f);
	return hash;
}

int kb_sign_module(struct kb *kb, const char *key, const char *cert)
{
	char *tool = kb_path("%s/scripts/sign-file", kb->headers);
	char *log = kb_path("%s/sign.log", kb->work);
	const char *hash = kb_sign_hash(kb->config);
	const char *argv[] = { tool, hash, key, cert, kb->module_path, NULL };
	int rc;

	if (access(tool, X_OK)) {
		rc = errno;
		unlink(kb->module_path);
		kb_fail(&kb->err, KB_EENV, "cannot sign: the kernel's %s is missing (%s); is the headers package complete?",
			tool, strerror(rc));
		free(tool);
		free(log);
		return -1;
	}
	kb_progress(kb, "signing %s (%s, %s)", kb->module_path, hash, cert);
	rc = kb_run(argv, NULL, log);
	if (rc) {
		char *tail = kb_log_tail(log, 2), *nl;

		/* One error line: the log's lines joined. */
		while (tail && (nl = strchr(tail, '\n')))
			*nl = ' ';
		unlink(kb->module_path);
		kb_fail(&kb->err, KB_EUSAGE, "sign-file failed to sign with %s and %s (exit %d): %s (log: %s)",
			key, cert, rc, tail ? tail : "", log);
		free(tail);
		free(tool);
		free(log);
		return -1;
	}
	free(tool);
	free(log);
	return 0;
}
