// SPDX-License-Identifier: GPL-2.0
/*
 * Module signing: option checks, the hash taken from the kernel's config,
 * and a signed module whose signer libkmod reads back (kpatch info). The
 * kernel's sign-file is stood in for by a script doing the same with
 * openssl cms, so the test needs no kernel headers; the VM test
 * kpatch-build-hard-sign.sh uses the real one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/sign.h"
#include "kpatchlib/modfile.h"
#include "test_kpatch_fake.h"

/* Same layout as the kernel's: PKCS#7, struct module_signature, magic. */
static const char fake_sign_file[] =
	"#!/bin/sh\n"
	"# sign-file HASH KEY CERT MODULE\n"
	"echo \"$@\" >\"$(dirname \"$0\")/args\"\n"
	"openssl cms -sign -binary -noattr -nosmimecap -nocerts -outform DER -md \"$1\" \\\n"
	"  -signer \"$3\" -inkey \"$2\" -in \"$4\" -out \"$4.p7s\" || exit 1\n"
	"n=$(stat -c %s \"$4.p7s\")\n"
	"cat \"$4.p7s\" >>\"$4\" && rm -f \"$4.p7s\"\n"
	"printf '\\000\\000\\002\\000\\000\\000\\000\\000' >>\"$4\"\n"
	"printf \"$(printf '\\\\%03o\\\\%03o\\\\%03o\\\\%03o' $((n>>24&255)) $((n>>16&255)) $((n>>8&255)) $((n&255)))\" >>\"$4\"\n"
	"printf '~Module signature appended~\\n' >>\"$4\"\n";

static int setup(void **state)
{
	char cmd[8192];

	fake_setup();
	fake_mkdir("work");
	fake_write("headers/scripts/sign-file", fake_sign_file);
	chmod(fake_path("headers/scripts/sign-file"), 0755);
	snprintf(cmd, sizeof(cmd),
		 "openssl req -new -nodes -utf8 -sha256 -days 1 -batch -x509 -subj '/CN=unit test signer/' "
		 "-newkey rsa:2048 -keyout %s/key.pem -out %s/cert.pem >/dev/null 2>&1",
		 fake_path(""), fake_path(""));
	assert_int_equal(system(cmd), 0);
	return 0;
}

static int teardown(void **state)
{
	fake_teardown();
	return 0;
}

static void test_args_go_together(void **state)
{
	struct kb_err e = { 0 };
	char key[4096], cert[4096];

	snprintf(key, sizeof(key), "%s", fake_path("key.pem"));
	snprintf(cert, sizeof(cert), "%s", fake_path("cert.pem"));
	assert_int_equal(kb_sign_check_args(&e, NULL, NULL), 0);
	assert_int_equal(kb_sign_check_args(&e, key, cert), 0);
	assert_int_equal(kb_sign_check_args(&e, key, NULL), -1);
	assert_int_equal(e.code, KB_EUSAGE);
	assert_non_null(strstr(e.msg, "--sign-key given alone"));
	assert_int_equal(kb_sign_check_args(&e, NULL, cert), -1);
	assert_non_null(strstr(e.msg, "--sign-cert given alone"));
	assert_int_equal(kb_sign_check_args(&e, key, "/nonexistent/cert.pem"), -1);
	assert_non_null(strstr(e.msg, "--sign-cert /nonexistent/cert.pem: No such file"));
}

static void test_hash_from_config(void **state)
{
	fake_write("config-512", "CONFIG_MODULES=y\nCONFIG_MODULE_SIG_HASH=\"sha512\"\n");
	assert_string_equal(kb_sign_hash(fake_path("config-512")), "sha512");
	fake_write("config-none", "CONFIG_MODULES=y\n");
	assert_string_equal(kb_sign_hash(fake_path("config-none")), "sha256");
	/* Nothing that could become an option of sign-file. */
	fake_write("config-odd", "CONFIG_MODULE_SIG_HASH=\"-x y\"\n");
	assert_string_equal(kb_sign_hash(fake_path("config-odd")), "sha256");
	assert_string_equal(kb_sign_hash(NULL), "sha256");
}

static void kb_for(struct kb *kb, const char *ko)
{
	static char headers[4096], work[4096], config[4096], path[4096];

	memset(kb, 0, sizeof(*kb));
	snprintf(headers, sizeof(headers), "%s", fake_path("headers"));
	snprintf(work, sizeof(work), "%s", fake_path("work"));
	fake_write("config", "CONFIG_MODULE_SIG_HASH=\"sha384\"\n");
	snprintf(config, sizeof(config), "%s", fake_path("config"));
	snprintf(path, sizeof(path), "%s", ko);
	kb->headers = headers;
	kb->work = work;
	kb->config = config;
	kb->module_path = path;
}

static void test_signed_module_shows_signer(void **state)
{
	struct fake_ko_opts o = { .name = "kp_s", .livepatch = 1, .funcs = { "cmdline_proc_show" } };
	char key[4096], cert[4096], args[4096] = "";
	struct kp_modfile mf;
	struct kb kb;
	FILE *f;

	snprintf(key, sizeof(key), "%s", fake_path("key.pem"));
	snprintf(cert, sizeof(cert), "%s", fake_path("cert.pem"));
	kb_for(&kb, fake_ko("m/kp_s.ko", &o));

	/* Unsigned first: no signer at all. */
	assert_int_equal(kp_modfile_open(kb.module_path, 0, &mf, NULL), 0);
	assert_null(mf.signer);
	kp_modfile_close(&mf);

	assert_int_equal(kb_sign_module(&kb, key, cert), 0);
	f = fopen(fake_path("headers/scripts/args"), "r");
	assert_non_null(f);
	assert_non_null(fgets(args, sizeof(args), f));
	fclose(f);
	/* The config's hash, then key, cert, module: sign-file's order. */
	assert_int_equal(strncmp(args, "sha384 ", 7), 0);
	assert_non_null(strstr(args, "key.pem"));
	assert_true(strstr(args, "key.pem") < strstr(args, "cert.pem"));

	assert_int_equal(kp_modfile_open(kb.module_path, 0, &mf, NULL), 0);
	assert_string_equal(mf.name, "kp_s");
	assert_non_null(mf.signer);
	assert_string_equal(mf.signer, "unit test signer");
	assert_non_null(mf.sig_hashalgo);
	assert_string_equal(mf.sig_hashalgo, "sha384");
	assert_non_null(mf.sig_key);
	assert_true(strlen(mf.sig_key) > 8);
	kp_modfile_close(&mf);
}

static void test_failed_signing_leaves_no_module(void **state)
{
	struct fake_ko_opts o = { .name = "kp_f", .livepatch = 1, .funcs = { "cmdline_proc_show" } };
	char cert[4096];
	struct kb kb;

	snprintf(cert, sizeof(cert), "%s", fake_path("cert.pem"));
	kb_for(&kb, fake_ko("m/kp_f.ko", &o));
	/* A certificate is not a private key: openssl refuses. */
	assert_int_equal(kb_sign_module(&kb, cert, cert), -1);
	assert_int_equal(kb.err.code, KB_EUSAGE);
	assert_non_null(strstr(kb.err.msg, "sign-file failed to sign"));
	assert_null(strchr(kb.err.msg, '\n'));
	assert_int_not_equal(access(kb.module_path, F_OK), 0);
}

static void test_missing_sign_file(void **state)
{
	struct fake_ko_opts o = { .name = "kp_m", .livepatch = 1, .funcs = { "cmdline_proc_show" } };
	struct kb kb;

	kb_for(&kb, fake_ko("m/kp_m.ko", &o));
	unlink(fake_path("headers/scripts/sign-file"));
	assert_int_equal(kb_sign_module(&kb, "k", "c"), -1);
	assert_int_equal(kb.err.code, KB_EENV);
	assert_non_null(strstr(kb.err.msg, "scripts/sign-file is missing"));
	assert_int_not_equal(access(kb.module_path, F_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_args_go_together, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hash_from_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signed_module_shows_signer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_signing_leaves_no_module, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_sign_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
