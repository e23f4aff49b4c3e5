// SPDX-License-Identifier: GPL-2.0
/*
 * Crash safety of the store: `kpatch install` and `kpatch uninstall` of a
 * 4 MiB module are killed with SIGKILL at many points, and after each kill
 * the store holds the old or the new module, byte for byte, never a part
 * of one; a temporary file may be left, which `list` and `load --all` do
 * not see and the next install removes.
 *
 * The points: before a chosen system call, through strace's fault
 * injection (deterministic: the Nth call of one syscall), then after a
 * random delay of real time. KPT_CRASH_POINTS (default 100) syscall
 * points per command, 0 for all of them; KPT_CRASH_RANDOM (default 100)
 * random delays; KPT_CRASH_SEED picks them (printed).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kpatchlib/storeclean.h"
#include "test_kpatch_fake.h"
#include "test_kpatch_spawn.h"

#ifndef KPATCH_BIN
#error "KPATCH_BIN must name the kpatch program under test"
#endif

#define PAD_SIZE (4u << 20)
#define STORE "lib/" FAKE_KREL "/kp_big.ko"

struct blob {
	char *data;
	size_t size;
};

static struct blob mod_old, mod_new;
static char path_new[4200];
static unsigned int seed;

enum outcome { OLD, NEW, ABSENT, NOUTCOMES };
static const char *const outcome_name[] = { "old", "new", "absent" };

struct tally {
	int kills, completed, n[NOUTCOMES], temps;
};

static void read_blob(const char *path, struct blob *b)
{
	FILE *f = fopen(path, "r");
	struct stat st;

	assert_non_null(f);
	assert_int_equal(fstat(fileno(f), &st), 0);
	b->size = (size_t)st.st_size;
	b->data = malloc(b->size ? b->size : 1);
	assert_non_null(b->data);
	assert_int_equal(fread(b->data, 1, b->size, f), b->size);
	fclose(f);
}

/* A module of the same name with 4 MiB of its own bytes: the copy takes time. */
static void big_module(const char *rel, unsigned int pad_seed, struct blob *b)
{
	struct fake_ko_opts o = { .name = "kp_big", .livepatch = 1, .funcs = { "f" } };
	char pad[4200], base[4200], cmd[13000];
	unsigned int r = pad_seed;
	FILE *f;

	snprintf(base, sizeof(base), "%s", fake_ko("src/base.o", &o));
	snprintf(pad, sizeof(pad), "%s", fake_path("src/pad"));
	f = fopen(pad, "w");
	assert_non_null(f);
	for (unsigned int i = 0; i < PAD_SIZE; i++)
		fputc(rand_r(&r) & 0xff, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "objcopy --add-section .kpt_pad='%s' '%s' '%s'", pad, base, fake_path(rel));
	assert_int_equal(system(cmd), 0);
	chmod(fake_path(rel), 0644);
	read_blob(fake_path(rel), b);
}

static int count_temps(int remove)
{
	DIR *d = opendir(fake_path("lib/" FAKE_KREL));
	struct dirent *e;
	char rel[600];
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, "kp_big.ko"))
			continue;
		/* Nothing but the module and the store's own temporaries. */
		if (!kp_store_is_temp(e->d_name))
			fail_msg("unexpected file in the store: %s", e->d_name);
		n++;
		snprintf(rel, sizeof(rel), "lib/" FAKE_KREL "/%s", e->d_name);
		if (remove)
			assert_int_equal(unlink(fake_path(rel)), 0);
	}
	closedir(d);
	return n;
}

/* Put the old module back, atomically (the test's own copy). */
static void put_old(void)
{
	char tmp[4200];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s", fake_path(STORE ".restore"));
	f = fopen(tmp, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(mod_old.data, 1, mod_old.size, f), mod_old.size);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, fake_path(STORE)), 0);
}

/* The store as the old module and no temporary file: every run starts so. */
static void restore_old(void)
{
	put_old();
	count_temps(1);
}

static enum outcome store_outcome(void)
{
	struct blob b;
	enum outcome o = ABSENT;

	if (access(fake_path(STORE), F_OK))
		return ABSENT;
	read_blob(fake_path(STORE), &b);
	if (b.size == mod_old.size && !memcmp(b.data, mod_old.data, b.size))
		o = OLD;
	else if (b.size == mod_new.size && !memcmp(b.data, mod_new.data, b.size))
		o = NEW;
	else
		fail_msg("the store holds %zu bytes that are neither the old nor the new module", b.size);
	free(b.data);
	return o;
}

static int run_wait(const char *tag, const char *const *argv)
{
	return wait_rc(spawn(tag, argv));
}

/* What a later boot would see: load --all and list read exactly the module. */
static void readers_see(enum outcome o)
{
	const char *load[] = { KPATCH_BIN, "load", "--all", NULL };
	const char *list[] = { KPATCH_BIN, "list", NULL };

	if (o == ABSENT) {
		assert_int_equal(run_wait("r", load), 0);
		assert_string_equal(slurp_rel("r.out"), "no patch modules installed for kernel " FAKE_KREL "\n");
	} else {
		/* Withdrawn: load --all stops before the kernel, naming what it found. */
		assert_int_equal(run_wait("r", load), 8);
		assert_non_null(strstr(slurp_rel("r.err"),
				       "kpatch: error: 1 of 1 patch modules for kernel " FAKE_KREL " failed to load: kp_big\n"));
	}
	assert_int_equal(run_wait("r", list), 0);
	assert_string_equal(slurp_rel("r.out"), o == ABSENT ? "Loaded patch modules:\nInstalled patch modules:\n" :
			    "Loaded patch modules:\nInstalled patch modules:\nkp_big (" FAKE_KREL ")\n");
}

/* After one run (killed or not): the invariant, then the figures. */
static void check_after(int rc, int is_install, struct tally *t)
{
	enum outcome o = store_outcome();
	int temps = count_temps(0);

	if (rc == 128 + SIGKILL)
		t->kills++;
	else if (rc == 0)
		t->completed++;
	else
		fail_msg("kpatch %s exited %d: %s", is_install ? "install" : "uninstall", rc, slurp_rel("k.err"));
	/* Install: old or new; uninstall: old or gone. */
	if (o == (is_install ? ABSENT : NEW))
		fail_msg("the store is %s after an interrupted %s", outcome_name[o], is_install ? "install" : "uninstall");
	if (rc == 0 && o != (is_install ? NEW : ABSENT))
		fail_msg("a complete %s left the store %s", is_install ? "install" : "uninstall", outcome_name[o]);
	t->n[o]++;
	t->temps += temps > 0;
	/* The readers each time something is left over, and every tenth run. */
	if (temps || (t->kills + t->completed) % 10 == 1)
		readers_see(o);
}

static void report(const char *how, const char *cmd, const struct tally *t)
{
	print_message("%s %s: %d killed, %d completed; store old %d, new %d, absent %d; temporary file left %d times\n",
		      cmd, how, t->kills, t->completed, t->n[OLD], t->n[NEW], t->n[ABSENT], t->temps);
}

static int setup(void **state)
{
	const char *s = getenv("KPT_CRASH_SEED");

	fake_setup();
	seed = s && *s ? (unsigned int)strtoul(s, NULL, 10) : (unsigned int)time(NULL);
	srand(seed);
	print_message("KPT_CRASH_SEED=%u\n", seed);
	/* A stuck lock would fail the run instead of hanging it. */
	setenv("KPATCH_LOCK_TIMEOUT", "10", 1);
	fake_write("etc/withdrawn", "kp_big\n");
	fake_mkdir("lib/" FAKE_KREL);
	fake_mkdir("src/new");
	big_module(STORE, 1, &mod_old);
	big_module("src/new/kp_big.ko", 2, &mod_new);
	snprintf(path_new, sizeof(path_new), "%s", fake_path("src/new/kp_big.ko"));
	return 0;
}

static int teardown(void **state)
{
	free(mod_old.data);
	free(mod_new.data);
	mod_old.data = mod_new.data = NULL;
	unsetenv("KPATCH_LOCK_TIMEOUT");
	fake_teardown();
	return 0;
}

static int n_points(void)
{
	const char *v = getenv("KPT_CRASH_POINTS");

	return v && *v ? atoi(v) : 100;
}

struct point {
	char name[32];
	int nth;		/* the nth call of that syscall */
	int bulk;		/* reads, writes, memory: many, alike */
};

/*
 * One uncut run under strace: the system calls from the lock's directory
 * on (nothing before it writes), as (syscall, nth call of it) points.
 */
static size_t trace_points(const char *const *cmd, struct point **out)
{
	static const char *const bulk[] = { "read", "pread64", "write", "mmap", "munmap", "brk", "mprotect",
					    "newfstatat", "fstat", "lseek", "getdents64", NULL };
	char trace[4200], line[4096], argv0[64][4096];
	const char *argv[80] = { "/usr/bin/strace", "-f", "-qq", "-o", trace };
	struct point *p = NULL;
	size_t n = 0, i;
	int started = 0;
	FILE *f;

	snprintf(trace, sizeof(trace), "%s", fake_path("trace"));
	for (i = 0; cmd[i]; i++) {
		snprintf(argv0[i], sizeof(argv0[i]), "%s", cmd[i]);
		argv[5 + i] = argv0[i];
	}
	argv[5 + i] = NULL;
	assert_int_equal(run_wait("k", argv), 0);
	f = fopen(trace, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char name[32];
		int nth = 1;

		if (sscanf(line, "%*d %31[a-z0-9_](", name) != 1)
			continue;
		if (!strcmp(name, "mkdir"))
			started = 1;
		if (!started || !strcmp(name, "exit_group"))
			continue;
		for (i = 0; i < n; i++)
			if (!strcmp(p[i].name, name))
				nth = p[i].nth + 1;
		p = realloc(p, (n + 1) * sizeof(*p));
		assert_non_null(p);
		snprintf(p[n].name, sizeof(p[n].name), "%s", name);
		p[n].nth = nth;
		p[n].bulk = 0;
		for (i = 0; bulk[i]; i++)
			p[n].bulk |= !strcmp(bulk[i], name);
		n++;
	}
	fclose(f);
	assert_true(started);
	*out = p;
	return n;
}

/*
 * Which points to kill at: every one that is not bulk (each open, close,
 * fchmod, fsync, rename, unlink...) and the first and last of each run of
 * bulk calls (the first write into a file, the last), then bulk ones at
 * random up to want.
 */
static void choose_points(struct point *p, size_t n, int want, char *chosen)
{
	size_t i, left, picked = 0;

	memset(chosen, 0, n);
	for (i = 0; i < n; i++) {
		chosen[i] = want <= 0 || !p[i].bulk || (i > 0 && !p[i - 1].bulk) || (i + 1 < n && !p[i + 1].bulk);
		picked += (size_t)chosen[i];
	}
	for (left = n - picked; want > 0 && picked < (size_t)want && left; left--) {
		size_t k = (size_t)rand() % n;

		while (chosen[k])
			k = (k + 1) % n;
		chosen[k] = 1;
		picked++;
	}
}

/* LeakSanitizer cannot run under ptrace; the uncut runs still check leaks. */
static void no_leak_check_under_strace(int on)
{
	if (on)
		setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
	else
		unsetenv("ASAN_OPTIONS");
}

static void kill_at_points(const char *const *cmd, int is_install)
{
	char inject[128], trace_set[64], argv0[16][4096];
	/* Not --seccomp-bpf: strace 6.1 then injects nothing. */
	const char *argv[32] = { "/usr/bin/strace", "-f", "-qq", "-o", "/dev/null", "-e", trace_set, "-e", inject };
	struct tally t = { 0 };
	struct point *p;
	size_t n, i, k, nchosen = 0;
	char *chosen;

	/* Once before the trace: the lock directory and file exist from then on. */
	restore_old();
	assert_int_equal(run_wait("k", cmd), 0);
	restore_old();
	no_leak_check_under_strace(1);
	n = trace_points(cmd, &p);
	restore_old();
	chosen = malloc(n);
	assert_non_null(chosen);
	choose_points(p, n, n_points(), chosen);
	for (k = 0; cmd[k]; k++) {
		snprintf(argv0[k], sizeof(argv0[k]), "%s", cmd[k]);
		argv[9 + k] = argv0[k];
	}
	argv[9 + k] = NULL;
	for (i = 0; i < n; i++) {
		int rc;

		if (!chosen[i])
			continue;
		nchosen++;
		snprintf(trace_set, sizeof(trace_set), "trace=%s", p[i].name);
		snprintf(inject, sizeof(inject), "inject=%s:signal=KILL:when=%d", p[i].name, p[i].nth);
		rc = run_wait("k", argv);
		/*
		 * A few calls are not made the same number of times in every run
		 * (getrandom, by the C library): such a point may not be reached,
		 * and the run completes. It is checked like the others.
		 */
		if (rc != 128 + SIGKILL)
			print_message("  not reached: %s call %d (exit %d)\n", p[i].name, p[i].nth, rc);
		check_after(rc, is_install, &t);
		restore_old();
	}
	no_leak_check_under_strace(0);
	report("before a system call (strace)", is_install ? "install" : "uninstall", &t);
	print_message("  %zu system calls after the lock directory, %d of them killed at\n", n, t.kills);
	/* Nearly every point is reached, or the trace did not describe the runs. */
	assert_true((size_t)t.kills * 10 >= nchosen * 9);
	free(chosen);
	free(p);
}

static void test_install_killed_before_each_syscall(void **state)
{
	const char *cmd[] = { KPATCH_BIN, "install", path_new, NULL };

	kill_at_points(cmd, 1);
	/* The new module went in whole when nothing killed the install. */
	assert_int_equal(run_wait("k", cmd), 0);
	assert_int_equal(store_outcome(), NEW);
}

static void test_uninstall_killed_before_each_syscall(void **state)
{
	const char *cmd[] = { KPATCH_BIN, "uninstall", "kp_big", NULL };

	kill_at_points(cmd, 0);
}

static unsigned long long median_us(const char *const *cmd, int is_install)
{
	unsigned long long t[3], x;

	for (int i = 0; i < 3; i++) {
		restore_old();
		t[i] = now_us();
		assert_int_equal(run_wait("k", cmd), 0);
		t[i] = now_us() - t[i];
	}
	restore_old();
	if (t[0] > t[1]) { x = t[0]; t[0] = t[1]; t[1] = x; }
	if (t[1] > t[2]) { x = t[1]; t[1] = t[2]; t[2] = x; }
	if (t[0] > t[1]) { x = t[0]; t[0] = t[1]; t[1] = x; }
	return t[1];
}

/*
 * Kills after a random delay in real time, temporaries left to the next
 * install to clean; then an uncut install must leave none.
 */
static void test_killed_after_random_delays(void **state)
{
	const char *install[] = { KPATCH_BIN, "install", path_new, NULL };
	const char *uninstall[] = { KPATCH_BIN, "uninstall", "kp_big", NULL };
	unsigned long long span[2];
	struct tally t[2] = { { 0 } };
	const char *r = getenv("KPT_CRASH_RANDOM");
	int want = r && *r ? atoi(r) : 100, left;

	span[0] = median_us(uninstall, 0);
	span[1] = median_us(install, 1);
	print_message("uncut: install %llu us, uninstall %llu us (median of 3)\n", span[1], span[0]);
	for (int i = 0; i < want; i++) {
		int is_install = i % 2;
		unsigned long long delay = (unsigned long long)rand() % (span[is_install] * 6 / 5 + 1);
		pid_t pid;
		int rc;

		/* The old module back, but not the temporaries: those are the next install's job. */
		if (store_outcome() != OLD)
			put_old();
		pid = spawn("k", is_install ? install : uninstall);
		usleep((useconds_t)delay);
		kill(pid, SIGKILL);
		rc = wait_rc(pid);
		check_after(rc, is_install, &t[is_install]);
	}
	report("after a random delay", "install", &t[1]);
	report("after a random delay", "uninstall", &t[0]);
	/* Some runs must have been cut, or this tested nothing. */
	assert_true(t[0].kills + t[1].kills >= want / 4);
	left = count_temps(0);
	restore_old();
	assert_int_equal(run_wait("k", install), 0);
	assert_int_equal(count_temps(0), 0);
	assert_int_equal(store_outcome(), NEW);
	print_message("temporary files left at the end %d, after one more install 0\n", left);
}

/* The cleanup removes the store's temporaries of every release and nothing else. */
static void test_stale_temps_cleaned(void **state)
{
	static const char *const stale[] = { "lib/" FAKE_KREL "/.kp_big.ko.AbC123", "lib/" FAKE_KREL2 "/.kp_x.ko.zz9ZZ0" };
	static const char *const kept[] = { "lib/" FAKE_KREL "/.kp_big.ko.AbC12", "lib/" FAKE_KREL "/.notes",
					    "lib/" FAKE_KREL "/.kp_big.ko.AbC12-", "lib/" FAKE_KREL "/kp_q.ko.AbC123" };
	const char *install[] = { KPATCH_BIN, "install", path_new, NULL };
	char want[9000];
	struct stat st;

	for (size_t i = 0; i < 2; i++)
		fake_write(stale[i], "partial");
	for (size_t i = 0; i < 4; i++)
		fake_write(kept[i], "not ours");
	fake_mkdir("lib/" FAKE_KREL "/.kp_d.ko.AAAAAA");
	assert_int_equal(symlink("/nonexistent", fake_path("lib/" FAKE_KREL "/.kp_l.ko.BBBBBB")), 0);
	/* Readers never see them. */
	readers_see(OLD);
	assert_int_equal(run_wait("c", install), 0);
	/* Releases in name order: FAKE_KREL2 sorts first. */
	snprintf(want, sizeof(want), "kpatch: removed %s, left by an interrupted install\n", fake_path(stale[1]));
	snprintf(want + strlen(want), sizeof(want) - strlen(want),
		 "kpatch: removed %s, left by an interrupted install\n", fake_path(stale[0]));
	assert_string_equal(slurp_rel("c.err"), want);
	for (size_t i = 0; i < 2; i++)
		assert_int_not_equal(lstat(fake_path(stale[i]), &st), 0);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(lstat(fake_path(kept[i]), &st), 0);
	assert_int_equal(lstat(fake_path("lib/" FAKE_KREL "/.kp_d.ko.AAAAAA"), &st), 0);
	assert_int_equal(lstat(fake_path("lib/" FAKE_KREL "/.kp_l.ko.BBBBBB"), &st), 0);
	assert_int_equal(store_outcome(), NEW);

	assert_true(kp_store_is_temp(".kp_big.ko.AbC123"));
	assert_true(kp_store_is_temp(".a.ko.000000"));
	assert_false(kp_store_is_temp(".ko.000000"));
	assert_false(kp_store_is_temp("kp.ko.000000"));
	assert_false(kp_store_is_temp(".kp.ko.00000"));
	assert_false(kp_store_is_temp(".kp.ko.00000-"));
	assert_false(kp_store_is_temp(".kp.kx.000000"));
	assert_false(kp_store_is_temp(".kp.ko"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stale_temps_cleaned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install_killed_before_each_syscall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_uninstall_killed_before_each_syscall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_after_random_delays, setup, teardown),
	};

	return cmocka_run_group_tests_name("kpatch_crash", tests, NULL, NULL);
}
