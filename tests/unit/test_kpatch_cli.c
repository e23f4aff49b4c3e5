// SPDX-License-Identifier: GPL-2.0
/*
 * The kpatch program end to end against a fake tree: argument parsing,
 * plain and JSON rendering, exit codes and the one-line errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_kpatch_fake.h"

#ifndef KPATCH_BIN
#error "KPATCH_BIN must name the kpatch program under test"
#endif

static char out[16384], err[16384];

/* Run kpatch with args (shell words); stdout and stderr land in out/err. */
static int run(const char *args)
{
	return fake_run(KPATCH_BIN, args, out, sizeof(out), err, sizeof(err));
}

static const char *const cmdline_fn[] = { "vmlinux/cmdline_proc_show,1", NULL };

static const char *install(const char *krel, const char *name, const char *cves)
{
	struct fake_ko_opts o = { .name = name, .livepatch = 1, .vermagic = krel, .cves = cves,
				  .funcs = { "cmdline_proc_show" } };
	char rel[512];

	snprintf(rel, sizeof(rel), "lib/%s/%s.ko", krel, name);
	return fake_ko(rel, &o);
}

static int setup(void **state)
{
	fake_setup();
	/* A command that hangs (a FIFO read) fails the test instead. */
	alarm(120);
	return 0;
}

static int teardown(void **state)
{
	alarm(0);
	fake_teardown();
	return 0;
}

static void test_version_and_help(void **state)
{
	assert_int_equal(run("version"), 0);
	assert_string_equal(out, "kpatch " KPATCH_VERSION "\n");
	assert_int_equal(run("--json version"), 0);
	assert_string_equal(out, "{\"version\":\"" KPATCH_VERSION "\"}\n");
	assert_int_equal(run("--help"), 0);
	assert_non_null(strstr(out, "  check      compare installed with live patches"));
	assert_int_equal(run("load --help"), 0);
	assert_string_equal(out, "usage: kpatch [--json] load [-t SECONDS] [--allow-stack] <file.ko|name>... | --all\n"
				 "  check and load patch modules, wait for the transition\n");
	assert_int_equal(run("help install"), 0);
	assert_non_null(strstr(out, "usage: kpatch [--json] install [--load] [-k KERNEL] <file.ko>"));
}

static void test_usage_errors(void **state)
{
	static const struct { const char *args; int rc; const char *msg; } cases[] = {
		{ "", 2, "kpatch: error: no command given (see kpatch --help)\n" },
		{ "frob", 2, "kpatch: error: unknown command 'frob' (see kpatch --help)\n" },
		{ "load", 2, "kpatch: error: load: no module given (see kpatch load --help)\n" },
		{ "load --all x.ko", 2, "kpatch: error: load: --all takes no module arguments (see kpatch load --help)\n" },
		{ "load -t soon x.ko", 2, "kpatch: error: load: timeout 'soon' is not a positive number of seconds (see kpatch load --help)\n" },
		{ "load --bogus x.ko", 2, "kpatch: error: load: unknown option '--bogus' (see kpatch load --help)\n" },
		{ "unload", 2, "kpatch: error: unload: no module given (see kpatch unload --help)\n" },
		{ "install", 2, "kpatch: error: install: no module file given (see kpatch install --help)\n" },
		{ "install -k ../x a.ko", 2, "kpatch: error: install: '../x' is not a kernel release (has a '/') (see kpatch install --help)\n" },
		{ "uninstall a b", 2, "kpatch: error: uninstall: one module at a time (see kpatch uninstall --help)\n" },
		{ "list extra", 2, "kpatch: error: list: unexpected argument 'extra' (see kpatch list --help)\n" },
		{ "info", 2, "kpatch: error: info: no module given (see kpatch info --help)\n" },
		{ "check --bogus", 3, "kpatch: error: check: unknown option '--bogus' (see kpatch check --help)\n" },
		{ "check --transition-threshold x", 3, "kpatch: error: check: threshold 'x' is not a number of seconds (see kpatch check --help)\n" },
		{ "force p", 2, "kpatch: error: force: forcing p makes it permanently non-removable; pass --confirm-permanent to do it anyway (see kpatch force --help)\n" },
		{ "signal now", 2, "kpatch: error: signal: unexpected argument 'now' (see kpatch signal --help)\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("kpatch %s\n", cases[i].args);
		assert_int_equal(run(cases[i].args), cases[i].rc);
		assert_string_equal(err, cases[i].msg);
		assert_string_equal(out, "");
	}
}

static void test_errors_as_json(void **state)
{
	assert_int_equal(run("--json info /nonexistent.ko"), 3);
	assert_string_equal(out, "{\"error\":\"cannot open /nonexistent.ko: No such file or directory\",\"code\":3}\n");
	assert_string_equal(err, "");
	assert_int_equal(run("unload --json nosuch"), 3);
	assert_string_equal(out, "{\"error\":\"patch module nosuch is not loaded\",\"code\":3}\n");
}

static void test_list_plain_and_json(void **state)
{
	install(FAKE_KREL, "kp_a", "CVE-2099-1,CVE-2099-2");
	install(FAKE_KREL2, "kp_old", "CVE-2099-9");
	install(FAKE_KREL, "kp_b", NULL);
	fake_patch("kp_a", 1, 0, cmdline_fn);
	fake_patch("kp_t", 1, 1, NULL);
	fake_module("kp_s", "OEK");
	assert_int_equal(run("list"), 0);
	assert_string_equal(out,
			    "Loaded patch modules:\n"
			    "kp_a [enabled] CVE-2099-1,CVE-2099-2\n"
			    "kp_s [superseded]\n"
			    "kp_t [patching]\n"
			    "Installed patch modules:\n"
			    "kp_old (" FAKE_KREL2 ") CVE-2099-9\n"
			    "kp_a (" FAKE_KREL ") CVE-2099-1,CVE-2099-2\n"
			    "kp_b (" FAKE_KREL ")\n");
	assert_int_equal(run("list -v"), 0);
	assert_non_null(strstr(out, "kp_a [enabled] CVE-2099-1,CVE-2099-2\n"
				    "    vmlinux:cmdline_proc_show,1 (kp_a)\nkp_s [superseded]\n"));
	assert_int_equal(run("--json list"), 0);
	assert_string_equal(out,
			    "{\"kernel\":\"" FAKE_KREL "\",\"loaded\":["
			    "{\"name\":\"kp_a\",\"state\":\"enabled\",\"installed\":true,\"cves\":[\"CVE-2099-1\",\"CVE-2099-2\"],"
			    "\"functions\":[{\"object\":\"vmlinux\",\"function\":\"cmdline_proc_show\",\"sympos\":1}]},"
			    "{\"name\":\"kp_s\",\"state\":\"superseded\",\"installed\":false,\"cves\":[],\"functions\":[]},"
			    "{\"name\":\"kp_t\",\"state\":\"patching\",\"installed\":false,\"cves\":[],\"functions\":[]}],"
			    "\"installed\":["
			    "{\"name\":\"kp_old\",\"kernel\":\"" FAKE_KREL2 "\",\"cves\":[\"CVE-2099-9\"]},"
			    "{\"name\":\"kp_a\",\"kernel\":\"" FAKE_KREL "\",\"cves\":[\"CVE-2099-1\",\"CVE-2099-2\"]},"
			    "{\"name\":\"kp_b\",\"kernel\":\"" FAKE_KREL "\",\"cves\":[]}]}\n");
}

static void test_list_cves_of_module_loaded_from_a_path(void **state)
{
	struct fake_ko_opts o = { .name = "kp_p", .livepatch = 1, .cves = "CVE-2099-7", .funcs = { "f" } };
	char rec[4200];

	snprintf(rec, sizeof(rec), "%s\n", fake_ko("elsewhere/kp_p.ko", &o));
	fake_patch("kp_p", 1, 0, NULL);
	assert_int_equal(run("list"), 0);
	assert_string_equal(out, "Loaded patch modules:\nkp_p [enabled]\nInstalled patch modules:\n");
	/* kpatch load records where it loaded the module from. */
	fake_write("run/loaded/kp_p", rec);
	assert_int_equal(run("list"), 0);
	assert_string_equal(out, "Loaded patch modules:\nkp_p [enabled] CVE-2099-7\nInstalled patch modules:\n");
	/* A record pointing at another module is not believed. */
	o.name = "kp_q";
	snprintf(rec, sizeof(rec), "%s\n", fake_ko("elsewhere/kp_q.ko", &o));
	fake_write("run/loaded/kp_p", rec);
	assert_int_equal(run("list"), 0);
	assert_string_equal(out, "Loaded patch modules:\nkp_p [enabled]\nInstalled patch modules:\n");
}

static void test_list_empty(void **state)
{
	assert_int_equal(run("list"), 0);
	assert_string_equal(out, "Loaded patch modules:\nInstalled patch modules:\n");
}

static void test_info(void **state)
{
	char ko[4096], args[8400];

	snprintf(ko, sizeof(ko), "%s", install(FAKE_KREL, "kp_a", "CVE-2099-1"));

	install(FAKE_KREL2, "kp_a", "CVE-2099-1");
	fake_patch("kp_a", 1, 0, cmdline_fn);
	assert_int_equal(run("info kp_a"), 0);
	snprintf(args, sizeof(args),
		 "name:        kp_a\n"
		 "file:        %s\n"
		 "kernel:      " FAKE_KREL "\n"
		 "description: fake kp_a\n"
		 "cves:        CVE-2099-1\n"
		 "livepatch:   yes\n"
		 "replace:     no\n"
		 "state:       enabled\n"
		 "signer:      - (unsigned)\n"
		 "installed:   " FAKE_KREL2 ", " FAKE_KREL "\n"
		 "debug:       - (no build-id)\n"
		 "function:    vmlinux:cmdline_proc_show,1\n", ko);
	assert_string_equal(out, args);
	assert_int_equal(run("--json info -k " FAKE_KREL2 " kp_a"), 0);
	assert_non_null(strstr(out, "\"kernel\":\"" FAKE_KREL2 "\""));
	assert_non_null(strstr(out, "\"cves\":[\"CVE-2099-1\"],\"livepatch\":true,\"replace\":false,\"state\":\"enabled\""));
	assert_non_null(strstr(out, "\"signer\":null,\"sig_key\":null,\"sig_hashalgo\":null"));
	assert_int_equal(run("info kp_none"), 3);
	assert_non_null(strstr(err, "module kp_none is not installed for kernel " FAKE_KREL));
}

static void test_check_rendering(void **state)
{
	install(FAKE_KREL, "kp_a", NULL);
	assert_int_equal(run("check"), 0 + 2);
	assert_string_equal(out, "CRITICAL: kp_a is installed for the running kernel " FAKE_KREL " but not loaded\n");
	fake_patch("kp_a", 1, 0, cmdline_fn);
	fake_patch("kp_x", 1, 0, NULL);
	assert_int_equal(run("check"), 1);
	assert_string_equal(out, "WARNING: kp_x is loaded but not installed for " FAKE_KREL "; it will be gone after a reboot\n");
	assert_int_equal(run("--json check"), 1);
	assert_string_equal(out, "{\"status\":\"WARNING\",\"code\":1,\"kernel\":\"" FAKE_KREL "\",\"loaded\":2,\"installed\":1,"
				 "\"findings\":[{\"level\":\"WARNING\",\"id\":\"not-installed\",\"module\":\"kp_x\","
				 "\"message\":\"kp_x is loaded but not installed for " FAKE_KREL "; it will be gone after a reboot\"}]}\n");
	install(FAKE_KREL, "kp_x", NULL);
	assert_int_equal(run("check"), 0);
	assert_string_equal(out, "OK: 2 patch module(s) loaded, 2 installed for " FAKE_KREL "\n");
	/* The state cannot be read: UNKNOWN. */
	assert_int_equal(system("rm -rf \"$KPATCH_SYSFS_ROOT/kernel/livepatch\""), 0);
	assert_int_equal(run("check"), 3);
	assert_non_null(strstr(err, "kpatch: error: cannot read "));
}

static void test_load_refusals(void **state)
{
	struct fake_ko_opts o = { .name = "kp_new", .livepatch = 1, .funcs = { "cmdline_proc_show" } };
	char args[4200];
	const char *ko;

	/* Built for another kernel: both versions named. */
	ko = install(FAKE_KREL2, "kp_old", NULL);
	snprintf(args, sizeof(args), "load %s", ko);
	assert_int_equal(run(args), 4);
	assert_non_null(strstr(err, "kp_old was built for kernel " FAKE_KREL2 ", not for kernel " FAKE_KREL "\n"));
	/* Stacking on a live patch's function. */
	fake_patch("kp_live", 1, 0, cmdline_fn);
	ko = fake_ko("m/kp_new.ko", &o);
	snprintf(args, sizeof(args), "load %s", ko);
	assert_int_equal(run(args), 5);
	assert_non_null(strstr(err, "kp_new would patch vmlinux:cmdline_proc_show,1, which patch kp_live already replaces; "
				    "unload kp_live, use an atomic-replace patch, or pass --allow-stack\n"));
	/* Withdrawn. */
	fake_write("etc/withdrawn", "kp_new\n");
	assert_int_equal(run(args), 4);
	assert_non_null(strstr(err, "module kp_new is on the withdrawn list"));
	/* Already loaded: nothing to do. */
	snprintf(args, sizeof(args), "load %s", install(FAKE_KREL, "kp_live", NULL));
	assert_int_equal(run(args), 0);
	assert_string_equal(out, "patch module kp_live is already loaded\n");
	/* One transition at a time. */
	fake_write("etc/withdrawn", "");
	fake_patch("kp_busy", 1, 1, NULL);
	snprintf(args, sizeof(args), "load --allow-stack %s", fake_path("m/kp_new.ko"));
	assert_int_equal(run(args), 7);
	assert_string_equal(err, "kpatch: error: cannot load kp_new while patch kp_busy is patching; wait for it (kpatch list) or unload it\n");
	assert_int_equal(system("rm -r \"$KPATCH_SYSFS_ROOT/kernel/livepatch/kp_busy\" \"$KPATCH_SYSFS_ROOT/module/kp_busy\""), 0);
	fake_write("etc/withdrawn", "kp_new\n");
	/* load --all goes on past failures and names each. */
	install(FAKE_KREL, "kp_new", NULL);
	assert_int_equal(run("load --all"), 8);
	assert_non_null(strstr(err, "kp_new is on the withdrawn list"));
	assert_non_null(strstr(err, "kpatch: error: 1 of 2 patch modules for kernel " FAKE_KREL " failed to load: kp_new\n"));
}

static void test_install_uninstall(void **state)
{
	struct fake_ko_opts o = { .name = "kp_i", .livepatch = 1, .funcs = { "f" } };
	struct fake_ko_opts other = { .name = "kp_o", .livepatch = 1, .vermagic = FAKE_KREL2, .funcs = { "f" } };
	char args[4200];
	struct stat st;

	snprintf(args, sizeof(args), "install %s", fake_ko("src/kp_i.ko", &o));
	assert_int_equal(run(args), 0);
	assert_string_equal(out, "installing kp_i (" FAKE_KREL ")\n");
	assert_int_equal(stat(fake_path("lib/" FAKE_KREL "/kp_i.ko"), &st), 0);
	snprintf(args, sizeof(args), "install %s", fake_ko("src/kp_o.ko", &other));
	assert_int_equal(run(args), 4);
	snprintf(args, sizeof(args), "install -k " FAKE_KREL2 " %s", fake_path("src/kp_o.ko"));
	assert_int_equal(run(args), 0);
	assert_int_equal(stat(fake_path("lib/" FAKE_KREL2 "/kp_o.ko"), &st), 0);
	assert_int_equal(run("uninstall kp_i.ko"), 0);
	assert_string_equal(out, "uninstalling kp_i (" FAKE_KREL ")\n");
	assert_int_equal(run("uninstall kp_i"), 3);
	assert_non_null(strstr(err, "module kp_i is not installed for kernel " FAKE_KREL));
}

static void test_install_load_uninstall_unload(void **state)
{
	struct fake_ko_opts o = { .name = "kp_o", .livepatch = 1, .vermagic = FAKE_KREL2, .funcs = { "f" } };
	struct fake_ko_opts n = { .name = "kp_n", .livepatch = 1, .replace = 1, .funcs = { "f" } };
	char args[4200], before[16384], after[16384];
	struct stat st, st0;

	/* Not the running kernel: installed only, one line says so. */
	snprintf(args, sizeof(args), "install --load -k " FAKE_KREL2 " %s", fake_ko("src/kp_o.ko", &o));
	assert_int_equal(run(args), 0);
	assert_non_null(strstr(out, FAKE_KREL2 " is not the running kernel (" FAKE_KREL "): installed, loads when " FAKE_KREL2 " boots\n"));
	assert_int_equal(stat(fake_path("lib/" FAKE_KREL2 "/kp_o.ko"), &st), 0);
	/* The running kernel refuses the (fake) module: the install is undone. */
	snprintf(args, sizeof(args), "install --load %s", fake_ko("src/kp_n.ko", &n));
	assert_int_not_equal(run(args), 0);
	assert_non_null(strstr(err, "kpatch: error: "));
	assert_non_null(strstr(err, "install of kp_n (" FAKE_KREL ") undone"));
	assert_int_not_equal(stat(fake_path("lib/" FAKE_KREL "/kp_n.ko"), &st), 0);
	assert_int_not_equal(stat(fake_path("lib/" FAKE_KREL), &st), 0);
	/* The failure stays visible to kpatch check until uninstall --unload. */
	assert_int_equal(run("--json check"), 2);
	if (!strstr(out, "kp_n: the last `kpatch install --load` for " FAKE_KREL " failed (exit "))
		fail_msg("check: %s", out);
	assert_int_equal(run("uninstall --unload kp_n"), 0);
	run("--json check");
	assert_null(strstr(out, "install --load"));
	/* An earlier file of the same name comes back byte for byte. */
	install(FAKE_KREL, "kp_n", "CVE-2099-1");
	memset(before, 0, sizeof(before));
	memset(after, 0, sizeof(after));
	assert_int_equal(stat(fake_path("lib/" FAKE_KREL "/kp_n.ko"), &st0), 0);
	fake_slurp("lib/" FAKE_KREL "/kp_n.ko", before, sizeof(before));
	assert_int_not_equal(run(args), 0);
	assert_int_equal(stat(fake_path("lib/" FAKE_KREL "/kp_n.ko"), &st), 0);
	assert_int_equal(st.st_size, st0.st_size);
	fake_slurp("lib/" FAKE_KREL "/kp_n.ko", after, sizeof(after));
	assert_memory_equal(before, after, sizeof(before));
	/* uninstall --unload: nothing loaded, nothing installed is fine. */
	assert_int_equal(run("uninstall --unload kp_none"), 0);
	assert_non_null(strstr(out, "patch module kp_none is not loaded\n"));
	assert_non_null(strstr(out, "module kp_none is not installed for kernel " FAKE_KREL ": nothing to uninstall\n"));
	/* unload_on_remove=no keeps it loaded, the file goes. */
	fake_patch("kp_n", 1, 0, NULL);
	fake_module("kp_n", "OEK");
	fake_write("etc/kpatch.conf", "# keep\n unload_on_remove = no \n");
	assert_int_equal(run("uninstall --unload kp_n"), 0);
	assert_non_null(strstr(out, "kp_n stays loaded until reboot (unload_on_remove=no in "));
	assert_int_not_equal(stat(fake_path("lib/" FAKE_KREL "/kp_n.ko"), &st), 0);
	assert_int_equal(stat(fake_path("sys/kernel/livepatch/kp_n"), &st), 0);
}

static void test_conf_errors(void **state)
{
	static const struct { const char *text, *msg; } cases[] = {
		{ "bogus=1\n", "kpatch.conf:1: unknown key 'bogus' (known: unload_on_remove)" },
		{ "#\nunload_on_remove\n", "kpatch.conf:2: expected key=value" },
		{ "unload_on_remove=maybe\n", "kpatch.conf:1: unload_on_remove must be yes or no" },
		{ "unload_on_remove=no\nunload_on_remove=yes\n", "kpatch.conf:2: unload_on_remove given twice" },
		{ "unload_on_remove=no\x01\n", "kpatch.conf:1: control character \\x01 in the kpatch configuration" },
	};

	install(FAKE_KREL, "kp_c", NULL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fake_write("etc/kpatch.conf", cases[i].text);
		assert_int_equal(run("uninstall --unload kp_c"), 4);
		assert_non_null(strstr(err, cases[i].msg));
		assert_int_equal(access(fake_path("lib/" FAKE_KREL "/kp_c.ko"), F_OK), 0);
	}
}

static void test_sync_dry_run_and_withdrawn(void **state)
{
	struct stat st;

	install(FAKE_KREL, "kp_a", NULL);
	fake_patch("kp_w", 1, 0, NULL);
	fake_module("kp_w", "OEK");
	fake_write("etc/withdrawn", "kp_w@" FAKE_KREL "\nkp_x\n");
	install(FAKE_KREL, "kp_x", NULL);
	assert_int_equal(run("sync --dry-run"), 0);
	assert_string_equal(out, "would unload kp_w (withdrawn)\nwould load kp_a (installed)\n");
	assert_int_equal(stat(fake_path("sys/kernel/livepatch/kp_w"), &st), 0);
	assert_int_equal(run("--json sync --dry-run"), 0);
	assert_non_null(strstr(out, "{\"action\":\"unload\",\"module\":\"kp_w\",\"reason\":\"withdrawn\",\"result\":\"planned\"}"));
	assert_non_null(strstr(out, "\"kernel\":\"" FAKE_KREL "\""));
	assert_non_null(strstr(out, "\"dry_run\":true"));
	assert_int_equal(run("sync extra"), 2);
	assert_int_equal(run("sync --bogus"), 2);
	fake_write("etc/withdrawn", "kp_w@bad/release\n");
	assert_int_equal(run("sync --dry-run"), 4);
}

static void test_signal_and_force(void **state)
{
	char v[16];

	fake_patch("kp_t", 1, 1, NULL);
	assert_int_equal(run("signal"), 0);
	assert_string_equal(out, "kp_t: this kernel signals stalled tasks itself (no signal attribute); nothing to do\n");
	fake_write("sys/kernel/livepatch/kp_t/signal", "");
	assert_int_equal(run("signal"), 0);
	assert_string_equal(out, "kp_t: signalled the tasks that block its transition\n");
	fake_slurp("sys/kernel/livepatch/kp_t/signal", v, sizeof(v));
	assert_string_equal(v, "1");
	assert_int_equal(run("force --confirm-permanent kp_t"), 0);
	fake_slurp("sys/kernel/livepatch/kp_t/force", v, sizeof(v));
	assert_string_equal(v, "1");
	assert_non_null(strstr(err, "kpatch: warning: kp_t: transition forced"));
	fake_patch("kp_done", 1, 0, NULL);
	assert_int_equal(run("force --confirm-permanent kp_done"), 7);
	assert_string_equal(err, "kpatch: error: patch kp_done is not in a transition (enabled); nothing to force\n");
	fake_teardown();
	fake_setup();
	assert_int_equal(run("signal"), 0);
	assert_string_equal(out, "no patch module is in a transition; nothing to signal\n");
}

static void test_unload_stall_reported(void **state)
{
	char v[16];

	/* A transition that never ends (the fake kernel never clears it). */
	fake_patch("kp_s", 1, 0, cmdline_fn);
	fake_write("sys/kernel/livepatch/kp_s/transition", "1\n");
	fake_task(42, "worker", 1, "[<0>] schedule+0x1/0x2\n[<0>] kp_fn+0x5/0x9 [kp_s]\n");
	fake_task(43, "idle", 0, "");
	assert_int_equal(run("unload -t 0.2 kp_s"), 6);
	assert_string_equal(out, "disabling patch module: kp_s\n");
	assert_non_null(strstr(err, "kpatch: kp_s: blocked by pid 42 (worker): schedule+0x1/0x2 < kp_fn+0x5/0x9 [kp_s]\n"));
	assert_non_null(strstr(err, "kpatch: error: kp_s: transition to disabled did not finish within 0 s, blocked by pid 42 (worker); "
				    "reversing it did not finish either; kp_s stays loaded and enabled\n"));
	assert_null(strstr(err, "idle"));
	/* It was reversed: "1" written back (the fake file held "1" and a newline). */
	fake_slurp("sys/kernel/livepatch/kp_s/enabled", v, sizeof(v));
	assert_string_equal(v, "1");
}

static int present(const char *rel)
{
	struct stat st;

	return lstat(fake_path(rel), &st) == 0;
}

/* Names from the command line are checked before they form any path. */
static void test_traversal_on_the_command_line(void **state)
{
	static const struct { const char *args; const char *msg; } cases[] = {
		{ "unload ../../other", "kpatch: error: unload: '../../other' is not a module name (has a '/') (see kpatch unload --help)\n" },
		{ "unload 'a b'", "kpatch: error: unload: 'a b' is not a module name (has a space) (see kpatch unload --help)\n" },
		{ "load 'a b'", "kpatch: error: load: 'a b' is not a module name (has a space) (see kpatch load --help)\n" },
		{ "info 'a;b'", "kpatch: error: info: 'a;b' is not a module name (has a character other than letters, digits, '_' and '-') (see kpatch info --help)\n" },
		{ "info -k ../../x kp_a", "kpatch: error: info: '../../x' is not a kernel release (has a '/') (see kpatch info --help)\n" },
		{ "uninstall -k 'a b' kp_a", "kpatch: error: uninstall: 'a b' is not a kernel release (has a space) (see kpatch uninstall --help)\n" },
		{ "uninstall '..'", "kpatch: error: uninstall: '..' is not a module name (has a character other than letters, digits, '_' and '-') (see kpatch uninstall --help)\n" },
		{ "force --confirm-permanent ../../other", "kpatch: error: force: '../../other' is not a module name (has a '/') (see kpatch force --help)\n" },
	};
	char v[16];

	fake_write("sys/other/enabled", "1\n");
	fake_write("sys/other/transition", "0\n");
	fake_write("sys/other/force", "");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("kpatch %s\n", cases[i].args);
		assert_int_equal(run(cases[i].args), 2);
		assert_string_equal(err, cases[i].msg);
		assert_string_equal(out, "");
	}
	/* Nothing written outside the patch's directory. */
	fake_slurp("sys/other/enabled", v, sizeof(v));
	assert_string_equal(v, "1\n");
	fake_slurp("sys/other/force", v, sizeof(v));
	assert_string_equal(v, "");
	/* The run directory holds only the kpatch lock: no transition or load record. */
	assert_false(present("run/transition"));
	assert_false(present("run/loaded"));
}

/* A module whose .modinfo name is a path, a line break or too long. */
static void test_crafted_module_names(void **state)
{
	static const struct { const char *c_name, *msg; } cases[] = {
		{ "./../../esc/ESCAPED", "module info name './../../esc/ESCAPED' is not a module name (has a '/')\n" },
		{ "kp_a\\nkp_forged (" FAKE_KREL ")", "module info name 'kp_a\\x0akp_forged (" FAKE_KREL ")' is not a module name (has a control character)\n" },
		{ "a234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890",
		  "is not a module name (is longer than the kernel's limit of 55 characters)\n" },
	};
	char args[4200];

	fake_mkdir("esc");
	fake_write("victim", "keep\n");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake_ko_opts o = { .name = cases[i].c_name, .livepatch = 1, .funcs = { "f" } };
		char rel[64];

		snprintf(rel, sizeof(rel), "src/bad%zu.ko", i);
		snprintf(args, sizeof(args), "install %s", fake_ko(rel, &o));
		print_message("%s\n", cases[i].c_name);
		assert_int_equal(run(args), 4);
		assert_non_null(strstr(err, cases[i].msg));
		assert_non_null(strstr(err, "kpatch: error: "));
		assert_ptr_equal(strchr(err, '\n'), err + strlen(err) - 1);	/* one line */
		/* load: refused before the kernel, no record written or removed. */
		snprintf(args, sizeof(args), "load %s", fake_path(rel));
		assert_int_equal(run(args), 4);
		assert_non_null(strstr(err, cases[i].msg));
	}
	assert_false(present("esc/ESCAPED.ko"));
	assert_false(present("lib/" FAKE_KREL));
	/* The run directory holds only the kpatch lock: no transition or load record. */
	assert_false(present("run/transition"));
	assert_false(present("run/loaded"));
	assert_true(present("victim"));
	assert_int_equal(run("list"), 0);
	assert_string_equal(out, "Loaded patch modules:\nInstalled patch modules:\n");
}

static void corrupt_shstrndx(const char *path)
{
	FILE *f = fopen(path, "r+b");
	unsigned char b[2];

	assert_non_null(f);
	assert_int_equal(fseek(f, 0x3e, SEEK_SET), 0);
	assert_int_equal(fread(b, 1, 2, f), 2);
	b[0] += 2;
	assert_int_equal(fseek(f, 0x3e, SEEK_SET), 0);
	assert_int_equal(fwrite(b, 1, 2, f), 2);
	fclose(f);
}

/* One malformed module: one line for it, and the others still handled. */
static void test_malformed_module_does_not_abort(void **state)
{
	char args[4200];

	install(FAKE_KREL, "kp_a", "CVE-2099-1");
	fake_patch("kp_a", 1, 0, cmdline_fn);	/* loaded: load --all skips it */
	corrupt_shstrndx(install(FAKE_KREL, "kp_bad", NULL));
	snprintf(args, sizeof(args), "info %s", fake_path("lib/" FAKE_KREL "/kp_bad.ko"));
	assert_int_equal(run(args), 4);
	snprintf(args, sizeof(args), "kpatch: error: %s: not a valid kernel module (section name table index out of range)\n",
		 fake_path("lib/" FAKE_KREL "/kp_bad.ko"));
	assert_string_equal(err, args);
	assert_int_equal(run("info kp_bad"), 4);
	assert_int_equal(run("load --all"), 8);
	assert_string_equal(out, "patch module kp_a is already loaded\n");
	assert_non_null(strstr(err, args));
	assert_non_null(strstr(err, "kpatch: error: 1 of 2 patch modules for kernel " FAKE_KREL " failed to load: kp_bad\n"));
	assert_int_equal(run("list"), 0);
	assert_string_equal(out, "Loaded patch modules:\nkp_a [enabled] CVE-2099-1\nInstalled patch modules:\n"
				 "kp_a (" FAKE_KREL ") CVE-2099-1\nkp_bad (" FAKE_KREL ")\n");
	assert_non_null(strstr(err, "kpatch: warning: "));
	assert_non_null(strstr(err, "kp_bad.ko: not a valid kernel module"));
	assert_int_equal(run("--json list"), 0);
	assert_non_null(strstr(out, "{\"name\":\"kp_bad\",\"kernel\":\"" FAKE_KREL "\",\"cves\":[],\"error\":\""));
	/* A file in the store named like no module: named (escaped), never loaded. */
	fake_write("lib/" FAKE_KREL "/x y.ko", "");
	assert_int_equal(run("load --all"), 8);
	assert_non_null(strstr(err, "kpatch: error: 1 file(s) in "));
	assert_non_null(strstr(err, "are not named like a module, e.g. 'x y.ko'; not loaded\n"));
	assert_non_null(strstr(err, "2 of 3 patch modules for kernel " FAKE_KREL " failed to load: 1 badly named file(s), kp_bad\n"));
}

static void test_fifos_do_not_hang(void **state)
{
	struct fake_ko_opts o = { .name = "kp_new", .livepatch = 1, .funcs = { "f" } };
	char args[4200];

	fake_mkdir("m");
	assert_int_equal(mkfifo(fake_path("m/x.ko"), 0644), 0);
	snprintf(args, sizeof(args), "info %s", fake_path("m/x.ko"));
	assert_int_equal(run(args), 4);
	assert_non_null(strstr(err, "x.ko: not a regular file\n"));
	snprintf(args, sizeof(args), "install %s", fake_path("m/x.ko"));
	assert_int_equal(run(args), 4);
	snprintf(args, sizeof(args), "load %s", fake_path("m/x.ko"));
	assert_int_equal(run(args), 4);
	/* An installed FIFO: info's "installed:" line does not open it. */
	fake_mkdir("lib/" FAKE_KREL2);
	assert_int_equal(mkfifo(fake_path("lib/" FAKE_KREL2 "/kp_new.ko"), 0644), 0);
	snprintf(args, sizeof(args), "info %s", fake_ko("m/kp_new.ko", &o));
	assert_int_equal(run(args), 0);
	assert_non_null(strstr(out, "installed:   -\n"));
	/* The withdrawn list as a FIFO refuses the load, without hanging. */
	fake_mkdir("etc");
	assert_int_equal(mkfifo(fake_path("etc/withdrawn"), 0644), 0);
	snprintf(args, sizeof(args), "load %s", fake_path("m/kp_new.ko"));
	assert_int_equal(run(args), 4);
	assert_non_null(strstr(err, "etc/withdrawn is not a regular file; refusing to read it as a withdrawn list\n"));
}

/* A damaged withdrawn list makes check UNKNOWN, never OK. */
static void test_withdrawn_damaged(void **state)
{
	FILE *f;

	install(FAKE_KREL, "kp_w", NULL);
	fake_patch("kp_w", 1, 0, cmdline_fn);
	fake_write("etc/withdrawn", "");
	f = fopen(fake_path("etc/withdrawn"), "wb");
	assert_non_null(f);
	fwrite("other\n\0\0\0\0kp_w\n", 1, 15, f);
	fclose(f);
	assert_int_equal(run("check"), 3);
	assert_non_null(strstr(err, "etc/withdrawn:2: NUL byte in the withdrawn list; the file is damaged, refusing to trust it\n"));
	assert_int_equal(run("--json check"), 3);
	assert_non_null(strstr(out, "\"code\":3}"));
	assert_int_equal(unlink(fake_path("etc/withdrawn")), 0);
	fake_mkdir("etc/withdrawn");
	assert_int_equal(run("check"), 3);
	assert_non_null(strstr(err, "etc/withdrawn is a directory, not a withdrawn list file\n"));
	assert_null(strstr(err, "Input/output error"));
}

/* sysfs says neither 0 nor 1: unknown, not "unpatching", and left alone. */
static void test_corrupt_enabled(void **state)
{
	char v[16];

	install(FAKE_KREL, "kp_c", NULL);
	fake_patch("kp_c", 1, 1, cmdline_fn);
	fake_write("sys/kernel/livepatch/kp_c/enabled", "2\n");
	assert_int_equal(run("list"), 0);
	assert_string_equal(out, "Loaded patch modules:\nkp_c [invalid]\nInstalled patch modules:\nkp_c (" FAKE_KREL ")\n");
	assert_string_equal(err, "kpatch: warning: patch kp_c: state unknown: sysfs enabled reads '2', not 0 or 1\n");
	assert_int_equal(run("check"), 2);
	assert_string_equal(out, "CRITICAL: kp_c is loaded but its state is unknown: sysfs enabled reads '2', not 0 or 1\n");
	assert_int_equal(run("info kp_c"), 0);
	assert_non_null(strstr(out, "state:       invalid (sysfs enabled reads '2', not 0 or 1)\n"));
	assert_int_equal(run("unload kp_c"), 7);
	assert_string_equal(err, "kpatch: error: patch kp_c: its state cannot be read (sysfs enabled reads '2', not 0 or 1); not touching it\n");
	fake_slurp("sys/kernel/livepatch/kp_c/enabled", v, sizeof(v));
	assert_string_equal(v, "2\n");
}

/* check's usage errors: exit 3 (UNKNOWN) and "code":3, the same number. */
static void test_check_json_codes_agree(void **state)
{
	assert_int_equal(run("--json check --bogus"), 3);
	assert_string_equal(out, "{\"error\":\"check: unknown option '--bogus' (see kpatch check --help)\",\"code\":3}\n");
	assert_int_equal(run("--json check --transition-threshold x"), 3);
	assert_non_null(strstr(out, "\"code\":3}"));
	assert_int_equal(run("--json check extra"), 3);
	assert_non_null(strstr(out, "\"code\":3}"));
	fake_write("proc/sys/kernel/osrelease", "../../x\n");
	assert_int_equal(run("--json check"), 3);
	assert_string_equal(out, "{\"error\":\"the running kernel's release '../../x' is not a kernel release (has a '/')\",\"code\":3}\n");
	assert_int_equal(system("rm -rf \"$KPATCH_SYSFS_ROOT/kernel/livepatch\""), 0);
	fake_write("proc/sys/kernel/osrelease", FAKE_KREL "\n");
	assert_int_equal(run("--json check"), 3);
	assert_non_null(strstr(out, "\"code\":3}"));
}

static void test_group_writable_refused(void **state)
{
	struct fake_ko_opts o = { .name = "kp_g", .livepatch = 1, .funcs = { "f" } };
	char args[4200];
	const char *ko = fake_ko("src/kp_g.ko", &o);

	chmod(ko, 0664);
	snprintf(args, sizeof(args), "install %s", ko);
	assert_int_equal(run(args), 4);
	assert_non_null(strstr(err, "kp_g.ko: writable by its group (mode 0664); refusing to use it\n"));
	assert_false(present("lib/" FAKE_KREL "/kp_g.ko"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_version_and_help, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors_as_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_plain_and_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_cves_of_module_loaded_from_a_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_rendering, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install_uninstall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_and_force, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unload_stall_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_traversal_on_the_command_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crafted_module_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_module_does_not_abort, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifos_do_not_hang, setup, teardown),
		cmocka_unit_test_setup_teardown(test_withdrawn_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_enabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_json_codes_agree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_writable_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install_load_uninstall_unload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conf_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sync_dry_run_and_withdrawn, setup, teardown),
	};

	return cmocka_run_group_tests_name("kpatch_cli", tests, NULL, NULL);
}
