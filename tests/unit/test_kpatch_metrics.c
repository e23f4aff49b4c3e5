// SPDX-License-Identifier: GPL-2.0
/*
 * kpatch metrics and kpatch status end to end against a fake tree: the
 * series of every check scenario pinned, label escaping of untrusted
 * module info, the status document, --output's refusals and its
 * atomicity (a reader during 1,000 rewrites never sees a part of a file).
 *
 * KPT_METRICS_DUMP=DIR writes each scenario's metrics to DIR/NAME.prom,
 * for tests/packages/t/metrics-promtool.sh to feed to promtool.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_kpatch_fake.h"

#ifndef KPATCH_BIN
#error "KPATCH_BIN must name the kpatch program under test"
#endif

static char out[65536], err[16384];

static int run(const char *args)
{
	return fake_run(KPATCH_BIN, args, out, sizeof(out), err, sizeof(err));
}

static const char *const cmdline_fn[] = { "vmlinux/cmdline_proc_show,1", NULL };

static void install(const char *krel, const char *name, int replace, const char *cves)
{
	struct fake_ko_opts o = { .name = name, .livepatch = 1, .replace = replace, .vermagic = krel,
				  .cves = cves, .funcs = { "cmdline_proc_show" } };
	char rel[512];

	snprintf(rel, sizeof(rel), "lib/%s/%s.ko", krel, name);
	fake_ko(rel, &o);
}

static int setup(void **state)
{
	fake_setup();
	alarm(300);
	return 0;
}

static int teardown(void **state)
{
	alarm(0);
	fake_teardown();
	return 0;
}

static const char *const classes[] = {
	"not-loaded", "not-enabled", "superseded", "kernel-mismatch", "not-installed",
	"transition-stalled", "withdrawn-loaded", "withdrawn-installed", "invalid-state", "patch-package-missing", "unsubscribed",
	"package-database", NULL,
};

static void has(const char *line)
{
	if (!strstr(out, line))
		print_message("missing: %s\nin:\n%s", line, out);
	assert_non_null(strstr(out, line));
}

/* The whole output, shown whole when it differs (cmocka cuts long strings). */
static void same(const char *got, const char *want)
{
	if (strcmp(got, want))
		fprintf(stderr, "got:\n%s\nwant:\n%s\n", got, want);
	assert_string_equal(got, want);
}

static void dump(const char *scenario)
{
	const char *dir = getenv("KPT_METRICS_DUMP");
	char path[4096];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s.prom", dir, scenario);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(out, f);
	fclose(f);
}

/*
 * Metrics of one check scenario: the status, one finding of class (none
 * when NULL) and zero for every other class; written for promtool.
 */
static void scenario(const char *name, int status, const char *class)
{
	char line[256];

	print_message("scenario %s\n", name);
	assert_int_equal(run("metrics"), 0);
	snprintf(line, sizeof(line), "\nkpatch_check_status %d\n", status);
	has(line);
	for (size_t i = 0; classes[i]; i++) {
		snprintf(line, sizeof(line), "\nkpatch_check_findings{class=\"%s\"} %d\n", classes[i],
			 class && !strcmp(class, classes[i]));
		has(line);
	}
	has("\nkpatch_kernel_info{release=\"" FAKE_KREL "\"} 1\n");
	dump(name);
}

static void test_scenarios(void **state)
{
	char stamp[32];

	scenario("ok-empty", 0, NULL);
	has("\nkpatch_patches_loaded 0\n");
	has("\nkpatch_patches_installed 0\n");
	has("\nkpatch_patch_level{kernel=\"" FAKE_KREL "\"} 0\n");
	assert_null(strstr(out, "kpatch_last_success_timestamp_seconds"));
	assert_null(strstr(out, "kpatch_patch_level_info"));

	install(FAKE_KREL, "kp_a", 0, "CVE-2099-1");
	scenario("not-loaded", 2, "not-loaded");
	has("\nkpatch_cve_applied{cve=\"CVE-2099-1\",patch=\"kp_a\"} 0\n");

	fake_patch("kp_a", 1, 0, cmdline_fn);
	scenario("ok-consistent", 0, NULL);
	has("\nkpatch_patch_info{patch=\"kp_a\",kernel=\"" FAKE_KREL "\",state=\"enabled\",installed=\"1\",version=\"\"} 1\n");
	has("\nkpatch_patch_enabled{patch=\"kp_a\",kernel=\"" FAKE_KREL "\"} 1\n");
	has("\nkpatch_patch_transition{patch=\"kp_a\",kernel=\"" FAKE_KREL "\"} 0\n");
	has("\nkpatch_cve_applied{cve=\"CVE-2099-1\",patch=\"kp_a\"} 1\n");

	fake_patch("kp_a", 0, 0, cmdline_fn);
	scenario("not-enabled", 2, "not-enabled");
	has("\nkpatch_patch_enabled{patch=\"kp_a\",kernel=\"" FAKE_KREL "\"} 0\n");
	has("\nkpatch_cve_applied{cve=\"CVE-2099-1\",patch=\"kp_a\"} 0\n");

	fake_patch("kp_a", 1, 1, cmdline_fn);
	scenario("transition-young", 0, NULL);
	has("\nkpatch_patch_transition{patch=\"kp_a\",kernel=\"" FAKE_KREL "\"} 1\n");
	has("state=\"patching\"");
	snprintf(stamp, sizeof(stamp), "%lld\n", (long long)time(NULL) - 90);
	fake_write("run/transition/kp_a", stamp);
	scenario("transition-stalled", 1, "transition-stalled");

	fake_patch("kp_a", 1, 0, cmdline_fn);
	fake_write("etc/withdrawn", "kp_a\n");
	scenario("withdrawn-loaded", 2, "withdrawn-loaded");
	fake_write("sys/kernel/livepatch/kp_a/enabled", "2\n");
	fake_write("etc/withdrawn", "");
	scenario("invalid-state", 2, "invalid-state");
	has("state=\"invalid\"");

	fake_teardown();
	fake_setup();
	install(FAKE_KREL, "kp_a", 0, NULL);
	fake_write("etc/withdrawn.d/vendor", "kp_a@" FAKE_KREL "\n");
	scenario("withdrawn-installed", 1, "withdrawn-installed");

	fake_teardown();
	fake_setup();
	fake_patch("kp_x", 1, 0, cmdline_fn);
	scenario("not-installed", 1, "not-installed");
	has("installed=\"0\"");

	fake_teardown();
	fake_setup();
	install(FAKE_KREL2, "kp_old", 0, "CVE-2099-9");
	scenario("kernel-mismatch", 2, "kernel-mismatch");
	/* A CVE of another kernel's patch is not this host's. */
	assert_null(strstr(out, "CVE-2099-9"));

	fake_teardown();
	fake_setup();
	install(FAKE_KREL, "kp_a", 0, NULL);
	install(FAKE_KREL, "kp_cumulative", 1, NULL);
	fake_patch("kp_cumulative", 1, 0, cmdline_fn);
	scenario("superseded", 1, "superseded");

	/* The state cannot be read: UNKNOWN, still a valid file. */
	fake_teardown();
	fake_setup();
	fake_write("etc/withdrawn", "kp\x01\n");
	print_message("scenario unknown\n");
	assert_int_equal(run("metrics"), 0);
	has("\nkpatch_check_status 3\n");
	assert_non_null(strstr(err, "kpatch: warning: check: "));
	dump("unknown");
}

/* Package-named modules, the patch level, CVEs, last success: one whole file pinned. */
static void test_full_file(void **state)
{
	static const char *const want =
		"# HELP kpatch_kernel_info The running kernel release.\n"
		"# TYPE kpatch_kernel_info gauge\n"
		"kpatch_kernel_info{release=\"" FAKE_KREL "\"} 1\n"
		"# HELP kpatch_check_status Result of kpatch check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n"
		"# TYPE kpatch_check_status gauge\n"
		"kpatch_check_status 1\n"
		"# HELP kpatch_check_findings Findings of kpatch check, by class (see kpatch(8), check).\n"
		"# TYPE kpatch_check_findings gauge\n"
		"kpatch_check_findings{class=\"not-loaded\"} 0\n"
		"kpatch_check_findings{class=\"not-enabled\"} 0\n"
		"kpatch_check_findings{class=\"superseded\"} 1\n"
		"kpatch_check_findings{class=\"kernel-mismatch\"} 0\n"
		"kpatch_check_findings{class=\"not-installed\"} 0\n"
		"kpatch_check_findings{class=\"transition-stalled\"} 0\n"
		"kpatch_check_findings{class=\"withdrawn-loaded\"} 0\n"
		"kpatch_check_findings{class=\"withdrawn-installed\"} 0\n"
		"kpatch_check_findings{class=\"invalid-state\"} 0\n"
		"kpatch_check_findings{class=\"patch-package-missing\"} 0\n"
		"kpatch_check_findings{class=\"unsubscribed\"} 0\n"
		"kpatch_check_findings{class=\"package-database\"} 0\n"
		"# HELP kpatch_patches_loaded Patch modules loaded (superseded ones not counted).\n"
		"# TYPE kpatch_patches_loaded gauge\n"
		"kpatch_patches_loaded 1\n"
		"# HELP kpatch_patches_installed Patch modules installed for the running kernel.\n"
		"# TYPE kpatch_patches_installed gauge\n"
		"kpatch_patches_installed 2\n"
		"# HELP kpatch_patch_info A loaded patch module: its state, whether it is installed, its package version.\n"
		"# TYPE kpatch_patch_info gauge\n"
		"kpatch_patch_info{patch=\"kpatch_6_1_0_50_cloud_amd64_1_1\",kernel=\"" FAKE_KREL "\",state=\"superseded\",installed=\"1\",version=\"1-1\"} 1\n"
		"kpatch_patch_info{patch=\"kpatch_6_1_0_50_cloud_amd64_2_1\",kernel=\"" FAKE_KREL "\",state=\"enabled\",installed=\"1\",version=\"2-1\"} 1\n"
		"# HELP kpatch_patch_enabled 1 when the loaded patch is enabled (or being enabled), else 0.\n"
		"# TYPE kpatch_patch_enabled gauge\n"
		"kpatch_patch_enabled{patch=\"kpatch_6_1_0_50_cloud_amd64_1_1\",kernel=\"" FAKE_KREL "\"} 0\n"
		"kpatch_patch_enabled{patch=\"kpatch_6_1_0_50_cloud_amd64_2_1\",kernel=\"" FAKE_KREL "\"} 1\n"
		"# HELP kpatch_patch_transition 1 while the loaded patch is in a transition, else 0.\n"
		"# TYPE kpatch_patch_transition gauge\n"
		"kpatch_patch_transition{patch=\"kpatch_6_1_0_50_cloud_amd64_1_1\",kernel=\"" FAKE_KREL "\"} 0\n"
		"kpatch_patch_transition{patch=\"kpatch_6_1_0_50_cloud_amd64_2_1\",kernel=\"" FAKE_KREL "\"} 0\n"
		"# HELP kpatch_cve_applied 1 when the patch declaring the CVE is loaded and enabled on the running kernel, else 0.\n"
		"# TYPE kpatch_cve_applied gauge\n"
		"kpatch_cve_applied{cve=\"CVE-2099-1\",patch=\"kpatch_6_1_0_50_cloud_amd64_1_1\"} 0\n"
		"kpatch_cve_applied{cve=\"CVE-2099-1\",patch=\"kpatch_6_1_0_50_cloud_amd64_2_1\"} 1\n"
		"kpatch_cve_applied{cve=\"CVE-2099-2\",patch=\"kpatch_6_1_0_50_cloud_amd64_2_1\"} 1\n"
		"# HELP kpatch_patch_level Patch version N of the newest enabled patch-package module (N-R) for the running kernel, 0 when none.\n"
		"# TYPE kpatch_patch_level gauge\n"
		"kpatch_patch_level{kernel=\"" FAKE_KREL "\"} 2\n"
		"# HELP kpatch_patch_level_info The effective patch level: package version and module.\n"
		"# TYPE kpatch_patch_level_info gauge\n"
		"kpatch_patch_level_info{kernel=\"" FAKE_KREL "\",version=\"2-1\",patch=\"kpatch_6_1_0_50_cloud_amd64_2_1\"} 1\n"
		"# HELP kpatch_last_success_timestamp_seconds When the last kpatch load or sync that succeeded finished, seconds since the epoch.\n"
		"# TYPE kpatch_last_success_timestamp_seconds gauge\n"
		"kpatch_last_success_timestamp_seconds 1780000000\n";

	install(FAKE_KREL, "kpatch_6_1_0_50_cloud_amd64_1_1", 1, "CVE-2099-1");
	install(FAKE_KREL, "kpatch_6_1_0_50_cloud_amd64_2_1", 1, "CVE-2099-1, CVE-2099-2,CVE-2099-1");
	fake_patch("kpatch_6_1_0_50_cloud_amd64_2_1", 1, 0, cmdline_fn);
	fake_module("kpatch_6_1_0_50_cloud_amd64_1_1", "K");	/* superseded, still loaded */
	fake_write("run/last-success", "1780000000\n");
	assert_int_equal(run("metrics"), 0);
	same(out, want);
	assert_string_equal(err, "");
	dump("full");
	/* A damaged record is no date. */
	fake_write("run/last-success", "soon\n");
	assert_int_equal(run("metrics"), 0);
	assert_null(strstr(out, "kpatch_last_success_timestamp_seconds"));
}

/* Module info is untrusted: quotes, backslashes, line breaks, bytes outside ASCII. */
static void test_label_escaping(void **state)
{
	install(FAKE_KREL, "kp_e", 0, "CVE-2099-1,a\\\"b\\\\c\\nd,\\xff\\x01x");
	fake_patch("kp_e", 1, 0, cmdline_fn);
	assert_int_equal(run("metrics"), 0);
	has("\nkpatch_cve_applied{cve=\"CVE-2099-1\",patch=\"kp_e\"} 1\n");
	has("\nkpatch_cve_applied{cve=\"a\\\"b\\\\c\\nd\",patch=\"kp_e\"} 1\n");
	has("\nkpatch_cve_applied{cve=\"??x\",patch=\"kp_e\"} 1\n");
	/* Every line is a comment, a sample or empty: no raw break inside a value. */
	for (char *p = out; *p; p = strchr(p, '\n') + 1)
		assert_true(*p == '#' || !strncmp(p, "kpatch_", 7));
	dump("escaping");
}

static void test_status(void **state)
{
	char want[8192];

	install(FAKE_KREL, "kpatch_6_1_0_50_cloud_amd64_1_1", 1, "CVE-2099-1");
	install(FAKE_KREL2, "kp_old", 0, "CVE-2099-9");
	install(FAKE_KREL, "kp_b", 0, NULL);
	fake_patch("kpatch_6_1_0_50_cloud_amd64_1_1", 1, 0, cmdline_fn);
	fake_patch("kp_x", 1, 1, NULL);
	fake_write("lib/" FAKE_KREL "/kp_bad.ko", "not an ELF file\n");
	fake_write("run/last-success", "1780000000\n");
	assert_int_equal(run("--json status"), 0);
	snprintf(want, sizeof(want),
		 "{\"schema\":1,\"kpatch_version\":\"" KPATCH_VERSION "\",\"kernel\":\"" FAKE_KREL "\","
		 "\"check\":{\"status\":\"WARNING\",\"code\":1,\"error\":null,\"findings\":["
		 "{\"level\":\"WARNING\",\"id\":\"superseded\",\"module\":\"kp_b\",\"message\":\"kp_b is installed but superseded by atomic-replace patch kpatch_6_1_0_50_cloud_amd64_1_1; uninstall it\"},"
		 "{\"level\":\"WARNING\",\"id\":\"superseded\",\"module\":\"kp_bad\",\"message\":\"kp_bad is installed but superseded by atomic-replace patch kpatch_6_1_0_50_cloud_amd64_1_1; uninstall it\"},"
		 "{\"level\":\"WARNING\",\"id\":\"not-installed\",\"module\":\"kp_x\",\"message\":\"kp_x is loaded but not installed for " FAKE_KREL "; it will be gone after a reboot\"}]},"
		 "\"patch_level\":{\"version\":\"1-1\",\"module\":\"kpatch_6_1_0_50_cloud_amd64_1_1\"},"
		 "\"last_success\":1780000000,"
		 "\"loaded\":["
		 "{\"name\":\"kp_x\",\"state\":\"patching\",\"enabled\":true,\"transition\":true,\"installed\":false,\"version\":null,\"replace\":null,\"cves\":[]},"
		 "{\"name\":\"kpatch_6_1_0_50_cloud_amd64_1_1\",\"state\":\"enabled\",\"enabled\":true,\"transition\":false,\"installed\":true,\"version\":\"1-1\",\"replace\":true,\"cves\":[\"CVE-2099-1\"]}],"
		 "\"installed\":["
		 "{\"name\":\"kp_old\",\"kernel\":\"" FAKE_KREL2 "\",\"running_kernel\":false,\"loaded\":false,\"version\":null,\"replace\":false,\"cves\":[\"CVE-2099-9\"],\"error\":null},"
		 "{\"name\":\"kp_b\",\"kernel\":\"" FAKE_KREL "\",\"running_kernel\":true,\"loaded\":false,\"version\":null,\"replace\":false,\"cves\":[],\"error\":null},"
		 "{\"name\":\"kp_bad\",\"kernel\":\"" FAKE_KREL "\",\"running_kernel\":true,\"loaded\":false,\"version\":null,\"replace\":null,\"cves\":[],\"error\":\"%s: not a kernel module (not an ELF file)\"},"
		 "{\"name\":\"kpatch_6_1_0_50_cloud_amd64_1_1\",\"kernel\":\"" FAKE_KREL "\",\"running_kernel\":true,\"loaded\":true,\"version\":\"1-1\",\"replace\":true,\"cves\":[\"CVE-2099-1\"],\"error\":null}],"
		 "\"subscription\":{\"mode\":null,\"package_system\":null,\"kernels\":[]}}\n",
		 fake_path("lib/" FAKE_KREL "/kp_bad.ko"));
	same(out, want);
	assert_int_equal(run("status"), 0);
	has("kernel:       " FAKE_KREL "\ncheck:        WARNING\n"
	    "    WARNING: kp_b is installed but superseded by atomic-replace patch kpatch_6_1_0_50_cloud_amd64_1_1; uninstall it\n");
	has("patch level:  1-1 (kpatch_6_1_0_50_cloud_amd64_1_1)\nlast success: 2026-05-28T20:26:40Z\nloaded:\n"
	    "    kp_x [patching] (not installed)\n"
	    "    kpatch_6_1_0_50_cloud_amd64_1_1 [enabled] version 1-1 CVE-2099-1\ninstalled:\n"
	    "    kp_old (" FAKE_KREL2 ") CVE-2099-9\n");
	/* The check cannot run: UNKNOWN in the document, exit 0 (status is not the check). */
	fake_write("etc/withdrawn", "kp\x01\n");
	assert_int_equal(run("--json status"), 0);
	has("\"check\":{\"status\":\"UNKNOWN\",\"code\":3,\"error\":\"");
}

/* A successful load records its time; the metrics show it. */
static void test_load_records_success(void **state)
{
	char rec[64];
	long long t0 = (long long)time(NULL), t;

	install(FAKE_KREL, "kp_a", 0, NULL);
	fake_patch("kp_a", 1, 0, cmdline_fn);	/* already loaded: load succeeds without the kernel */
	assert_int_equal(run("load kp_a"), 0);
	fake_slurp("run/last-success", rec, sizeof(rec));
	t = atoll(rec);
	assert_true(t >= t0 && t <= (long long)time(NULL));
	assert_int_equal(run("metrics"), 0);
	snprintf(rec, sizeof(rec), "\nkpatch_last_success_timestamp_seconds %lld\n", t);
	has(rec);
	/* A failed load does not. */
	fake_write("run/last-success", "1\n");
	assert_int_equal(run("load kp_none"), 3);
	fake_slurp("run/last-success", rec, sizeof(rec));
	assert_string_equal(rec, "1\n");
}

static void test_output_refusals(void **state)
{
	char args[8400], dir[4096];
	struct stat st;

	snprintf(args, sizeof(args), "metrics --output %s", fake_path("nodir/kpatch.prom"));
	assert_int_equal(run(args), 3);
	assert_string_equal(out, "");
	snprintf(dir, sizeof(dir), "%s", fake_path("nodir"));
	snprintf(args, sizeof(args), "kpatch: error: output '%s/kpatch.prom': directory %s does not exist\n",
		 dir, dir);
	assert_string_equal(err, args);
	assert_int_equal(stat(fake_path("nodir"), &st), -1);
	fake_mkdir("out/kpatch.prom");
	snprintf(args, sizeof(args), "metrics -o %s", fake_path("out/kpatch.prom"));
	assert_int_equal(run(args), 2);
	assert_non_null(strstr(err, "kpatch.prom' exists and is not a regular file\n"));
	/* Written: the file whole, nothing on stdout, no temporary left. */
	snprintf(args, sizeof(args), "metrics -o %s", fake_path("out/m.prom"));
	assert_int_equal(run(args), 0);
	assert_string_equal(out, "");
	assert_int_equal(stat(fake_path("out/m.prom"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	snprintf(args, sizeof(args), "test $(ls -A '%s' | wc -l) = 2", fake_path("out"));
	assert_int_equal(system(args), 0);
}

/*
 * The reader: until told to stop, read the file whole, again and again;
 * count the reads and those that are not a complete metrics file.
 */
static void reader(const char *path, const char *last_family, int wfd)
{
	static char buf[65536];
	long reads = 0, partial = 0;
	for (;;) {
		int fd = open(path, O_RDONLY);
		ssize_t n, len = 0;

		if (fd >= 0) {
			while ((n = read(fd, buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
				len += n;
			close(fd);
			buf[len] = '\0';
			reads++;
			if (strncmp(buf, "# HELP kpatch_kernel_info ", 26) || len < 2 || buf[len - 1] != '\n' ||
			    !strstr(buf, last_family))
				partial++;
		}
		if (getppid() == 1 || access(fake_path("stop-reader"), F_OK) == 0)
			break;
	}
	dprintf(wfd, "%ld %ld\n", reads, partial);
	_exit(0);
}

static void start_reader(const char *path, const char *last, int *rfd, pid_t *pid)
{
	int p[2];

	unlink(fake_path("stop-reader"));
	assert_int_equal(pipe(p), 0);
	*pid = fork();
	assert_true(*pid >= 0);
	if (!*pid) {
		close(p[0]);
		reader(path, last, p[1]);
	}
	close(p[1]);
	*rfd = p[0];
}

static void stop_reader(int rfd, pid_t pid, long *reads, long *partial)
{
	char line[64] = "";
	FILE *f;

	fake_write("stop-reader", "");
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	f = fdopen(rfd, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_int_equal(sscanf(line, "%ld %ld", reads, partial), 2);
}

static void test_output_atomic(void **state)
{
	char path[4096], args[8400], stamp[32], rec[4096];
	long reads, partial;
	int rfd;
	pid_t pid;

	install(FAKE_KREL, "kp_a", 0, "CVE-2099-1");
	fake_patch("kp_a", 1, 0, cmdline_fn);
	fake_mkdir("textfile");
	fake_mkdir("run");
	snprintf(rec, sizeof(rec), "%s", fake_path("run/last-success"));
	snprintf(path, sizeof(path), "%s", fake_path("textfile/kpatch.prom"));
	snprintf(args, sizeof(args), "metrics --output %s", path);
	fake_write("run/last-success", "1779999999\n");
	assert_int_equal(run(args), 0);
	start_reader(path, "\nkpatch_last_success_timestamp_seconds ", &rfd, &pid);
	/* Each rewrite differs (the recorded time), so a torn file could not pass as whole. */
	for (int i = 0; i < 1000; i++) {
		/* Replaced whole, as kpatch load does: kpatch never reads a half record. */
		snprintf(stamp, sizeof(stamp), "%d\n", 1780000000 + i);
		fake_write("run/last-success.new", stamp);
		assert_int_equal(rename(fake_path("run/last-success.new"), rec), 0);
		assert_int_equal(run(args), 0);
	}
	stop_reader(rfd, pid, &reads, &partial);
	print_message("atomic: 1000 rewrites, %ld reads, %ld partial\n", reads, partial);
	assert_true(reads >= 1000);
	assert_int_equal(partial, 0);
	fake_slurp_abs(path, out, sizeof(out));
	has("\nkpatch_last_success_timestamp_seconds 1780000999\n");
	snprintf(args, sizeof(args), "test $(ls -A '%s' | wc -l) = 1", fake_path("textfile"));
	assert_int_equal(system(args), 0);

	/* The reader does see a file written in place (truncate, write in two halves). */
	start_reader(path, "\nkpatch_last_success_timestamp_seconds ", &rfd, &pid);
	for (int i = 0; i < 100; i++) {
		FILE *f = fopen(path, "w");
		size_t half = strlen(out) / 2;

		assert_non_null(f);
		fwrite(out, 1, half, f);
		fflush(f);
		usleep(2000);
		fputs(out + half, f);
		fclose(f);
		usleep(500);
	}
	stop_reader(rfd, pid, &reads, &partial);
	print_message("in place: 100 rewrites, %ld reads, %ld partial\n", reads, partial);
	assert_true(partial > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scenarios, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_label_escaping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_records_success, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_atomic, setup, teardown),
	};

	return cmocka_run_group_tests_name("kpatch_metrics", tests, NULL, NULL);
}
