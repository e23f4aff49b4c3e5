// SPDX-License-Identifier: GPL-2.0
/*
 * The host-wide kpatch lock: a held lock makes a state-changing command
 * say whom it waits for and do nothing until the lock is released; the
 * read-only commands do not wait; a timeout gives up with one line; a
 * killed holder does not leave the lock held; a lock directory or file
 * that is not ours is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kpatchlib/lock.h"
#include "test_kpatch_fake.h"
#include "test_kpatch_spawn.h"

#ifndef KPATCH_BIN
#error "KPATCH_BIN must name the kpatch program under test"
#endif

static const char *const cmdline_fn[] = { "vmlinux/cmdline_proc_show,1", NULL };

static const char *installed(const char *name)
{
	struct fake_ko_opts o = { .name = name, .livepatch = 1, .funcs = { "cmdline_proc_show" } };
	char rel[256];

	snprintf(rel, sizeof(rel), "lib/" FAKE_KREL "/%s.ko", name);
	return fake_ko(rel, &o);
}

static int exists(const char *rel)
{
	struct stat st;

	return !lstat(fake_path(rel), &st);
}

/* A patch whose transition never ends: `unload -t S` holds the lock ~2 S. */
static void stalled_patch(const char *name)
{
	char rel[256];

	fake_patch(name, 1, 0, cmdline_fn);
	snprintf(rel, sizeof(rel), "sys/kernel/livepatch/%s/transition", name);
	fake_write(rel, "1\n");
}

static int setup(void **state)
{
	fake_setup();
	unsetenv("KPATCH_LOCK_TIMEOUT");
	return 0;
}

static int teardown(void **state)
{
	unsetenv("KPATCH_LOCK_TIMEOUT");
	fake_teardown();
	return 0;
}

static void take(struct kp_lock *l, const char *cmd)
{
	struct kp_err err = { 0 };

	assert_int_equal(kp_lock_take(l, cmd, 0, NULL, NULL, &err), 0);
}

static void test_held_lock_blocks_a_change(void **state)
{
	const char *argv[] = { KPATCH_BIN, "uninstall", "kp_a", NULL };
	char want[256], rec[256];
	struct kp_lock l;
	pid_t pid;

	installed("kp_a");
	take(&l, "kpatch test holder");
	snprintf(rec, sizeof(rec), "%ld\nkpatch test holder\n", (long)getpid());
	assert_string_equal(slurp_rel("run/lock"), rec);
	pid = spawn("u", argv);
	snprintf(want, sizeof(want), "kpatch: waiting for another kpatch (pid %ld, `kpatch test holder`) to finish\n",
		 (long)getpid());
	assert_true(wait_for_text("u.err", want, 5000));
	/* It waits and has done nothing. */
	sleep_ms(300);
	assert_true(still_running(pid));
	assert_true(exists("lib/" FAKE_KREL "/kp_a.ko"));
	assert_string_equal(slurp_rel("u.out"), "");
	kp_lock_release(&l);
	assert_int_equal(wait_rc(pid), 0);
	assert_string_equal(slurp_rel("u.err"), want);
	assert_string_equal(slurp_rel("u.out"), "uninstalling kp_a (" FAKE_KREL ")\n");
	assert_false(exists("lib/" FAKE_KREL "/kp_a.ko"));
	/* The holder's record is gone with it. */
	assert_string_equal(slurp_rel("run/lock"), "");
}

static void test_read_only_commands_do_not_wait(void **state)
{
	static const char *const cmds[] = {
		"list", "info kp_a", "check", "version", "signal", "force --confirm-permanent kp_s", "help load",
	};
	struct kp_lock l;
	char cmd[4400];

	installed("kp_a");
	stalled_patch("kp_s");
	take(&l, "kpatch test holder");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		print_message("kpatch %s\n", cmds[i]);
		snprintf(cmd, sizeof(cmd), "timeout 10 %s %s >/dev/null 2>'%s'", KPATCH_BIN, cmds[i], fake_path("ro.err"));
		/* check exits 2 (kp_a is not loaded); a wait would be 124. */
		assert_int_equal(WEXITSTATUS(system(cmd)), strcmp(cmds[i], "check") ? 0 : 2);
		assert_null(strstr(slurp_rel("ro.err"), "waiting"));
	}
	kp_lock_release(&l);
}

static void test_timeout(void **state)
{
	const char *argv[] = { KPATCH_BIN, "uninstall", "kp_a", NULL };
	char want[1024];
	struct kp_lock l;

	installed("kp_a");
	take(&l, "kpatch load x.ko");
	setenv("KPATCH_LOCK_TIMEOUT", "0.2", 1);
	assert_int_equal(wait_rc(spawn("t", argv)), 1);
	snprintf(want, sizeof(want),
		 "kpatch: waiting for another kpatch (pid %ld, `kpatch load x.ko`) to finish\n"
		 "kpatch: error: another kpatch (pid %ld, `kpatch load x.ko`) still holds %s after 0.2 s; try again later\n",
		 (long)getpid(), (long)getpid(), fake_path("run/lock"));
	assert_string_equal(slurp_rel("t.err"), want);
	assert_true(exists("lib/" FAKE_KREL "/kp_a.ko"));
	setenv("KPATCH_LOCK_TIMEOUT", "soon", 1);
	assert_int_equal(wait_rc(spawn("t", argv)), 2);
	assert_string_equal(slurp_rel("t.err"), "kpatch: error: KPATCH_LOCK_TIMEOUT='soon' is not a number of seconds\n");
	kp_lock_release(&l);
	/* Free: no wait, no line. */
	setenv("KPATCH_LOCK_TIMEOUT", "0", 1);
	assert_int_equal(wait_rc(spawn("t", argv)), 0);
	assert_string_equal(slurp_rel("t.err"), "");
}

/* Two kpatch processes: the second waits for the first, names it, and
 * changes nothing while the first runs. */
static void test_two_processes_do_not_interleave(void **state)
{
	struct fake_ko_opts o = { .name = "kp_i", .livepatch = 1, .funcs = { "f" } };
	const char *unload[] = { KPATCH_BIN, "unload", "-t", "0.6", "kp_s", NULL };
	const char *install[] = { KPATCH_BIN, "install", NULL, NULL };
	char want[256], rec[32];
	pid_t first, second;
	int polls = 0;

	install[2] = fake_ko("src/kp_i.ko", &o);
	stalled_patch("kp_s");
	first = spawn("first", unload);
	assert_true(wait_for_text("run/lock", "kpatch unload -t 0.6 kp_s\n", 5000));
	second = spawn("second", install);
	snprintf(want, sizeof(want), "kpatch: waiting for another kpatch (pid %ld, `kpatch unload -t 0.6 kp_s`) to finish\n",
		 (long)first);
	assert_true(wait_for_text("second.err", want, 5000));
	/*
	 * As long as the first holds the lock, the second has installed
	 * nothing. The record names the holder from just after it takes the
	 * lock to just before it lets go: look at the store first, then at
	 * the record.
	 */
	snprintf(rec, sizeof(rec), "%ld\n", (long)first);
	for (;;) {
		int done = exists("lib/" FAKE_KREL "/kp_i.ko");

		if (strncmp(slurp_rel("run/lock"), rec, strlen(rec)))
			break;
		assert_false(done);
		sleep_ms(5);
		polls++;
	}
	print_message("the second process waited through %d polls\n", polls);
	assert_true(polls > 10);
	assert_int_equal(wait_rc(first), 6);
	assert_int_equal(wait_rc(second), 0);
	assert_true(exists("lib/" FAKE_KREL "/kp_i.ko"));
	assert_string_equal(slurp_rel("second.out"), "installing kp_i (" FAKE_KREL ")\n");
}

/* flock dies with its holder: a kill -9 leaves no lock to break by hand. */
static void test_killed_holder_releases(void **state)
{
	const char *unload[] = { KPATCH_BIN, "unload", "-t", "30", "kp_s", NULL };
	const char *uninstall[] = { KPATCH_BIN, "uninstall", "kp_a", NULL };
	pid_t holder;

	installed("kp_a");
	stalled_patch("kp_s");
	holder = spawn("holder", unload);
	assert_true(wait_for_text("run/lock", "kpatch unload -t 30 kp_s\n", 5000));
	kill(holder, SIGKILL);
	assert_int_equal(wait_rc(holder), 128 + SIGKILL);
	/* Its record stays, naming a dead pid: no one waits for it. */
	assert_non_null(strstr(slurp_rel("run/lock"), "kpatch unload -t 30 kp_s"));
	setenv("KPATCH_LOCK_TIMEOUT", "2", 1);
	assert_int_equal(wait_rc(spawn("after", uninstall)), 0);
	assert_string_equal(slurp_rel("after.err"), "");
	assert_false(exists("lib/" FAKE_KREL "/kp_a.ko"));
}

static void expect_refused(const char *msg_end)
{
	const char *argv[] = { KPATCH_BIN, "uninstall", "kp_a", NULL };
	const char *err;

	setenv("KPATCH_LOCK_TIMEOUT", "2", 1);
	assert_int_equal(wait_rc(spawn("r", argv)), 4);
	err = slurp_rel("r.err");
	print_message("%s", err);
	assert_non_null(strstr(err, "kpatch: error: "));
	assert_non_null(strstr(err, msg_end));
	assert_null(strchr(strchr(err, '\n') + 1, '\n'));
	assert_true(exists("lib/" FAKE_KREL "/kp_a.ko"));
}

static void test_not_our_lock_refused(void **state)
{
	char target[4200], run[4200];
	struct stat st;

	installed("kp_a");
	snprintf(target, sizeof(target), "%s", fake_path("lib/" FAKE_KREL "/kp_a.ko"));
	assert_int_equal(stat(target, &st), 0);
	snprintf(run, sizeof(run), "%s", fake_path("run"));

	/* The run directory: a symbolic link, then writable by others. */
	fake_mkdir("elsewhere");
	assert_int_equal(symlink(fake_path("elsewhere"), run), 0);
	expect_refused("/run: not a directory; refusing to take the kpatch lock there\n");
	assert_false(exists("elsewhere/lock"));
	unlink(run);
	fake_mkdir("run");
	chmod(run, 0777);
	expect_refused("/run: writable by group or others (mode 0777); refusing to use it as the kpatch lock\n");
	chmod(run, 0755);

	/* The lock file: a link to a file it would truncate, a FIFO. */
	assert_int_equal(symlink(target, fake_path("run/lock")), 0);
	expect_refused("/run/lock: a symbolic link; refusing to use it as the kpatch lock\n");
	unlink(fake_path("run/lock"));
	assert_int_equal(link(target, fake_path("run/lock")), 0);
	expect_refused("/run/lock: not a regular file with one link; refusing to use it as the kpatch lock\n");
	unlink(fake_path("run/lock"));
	assert_int_equal(mkfifo(fake_path("run/lock"), 0644), 0);
	expect_refused("/run/lock: not a regular file with one link; refusing to use it as the kpatch lock\n");
	unlink(fake_path("run/lock"));
	/* Nothing it refused was written to. */
	{
		struct stat after;

		assert_int_equal(stat(target, &after), 0);
		assert_int_equal(after.st_size, st.st_size);
		assert_int_equal(after.st_mtime, st.st_mtime);
	}
	/* Created when missing: 0755. */
	assert_int_equal(rmdir(run), 0);
	umask(077);
	take(&(struct kp_lock){ 0 }, "x");
	umask(022);
	assert_int_equal(stat(run, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
}

static void test_record_parsed_as_untrusted(void **state)
{
	struct kp_lock_holder h;
	char longcmd[600];

	kp_lock_parse("123\nkpatch load x.ko\n", &h);
	assert_int_equal(h.pid, 123);
	assert_string_equal(h.cmd, "kpatch load x.ko");
	kp_lock_parse("12a\nkpatch\n", &h);
	assert_int_equal(h.pid, 0);
	kp_lock_parse("12345678901\nkpatch\n", &h);
	assert_int_equal(h.pid, 0);
	kp_lock_parse("7\nno newline", &h);
	assert_int_equal(h.pid, 0);
	kp_lock_parse("", &h);
	assert_int_equal(h.pid, 0);
	kp_lock_parse("\nkpatch\n", &h);
	assert_int_equal(h.pid, 0);
	kp_lock_parse("9\nkpatch \033[31mred\t\x80\n", &h);
	assert_int_equal(h.pid, 9);
	assert_string_equal(h.cmd, "kpatch ?[31mred??");
	memset(longcmd, 'a', sizeof(longcmd));
	memcpy(longcmd, "5\n", 2);
	longcmd[sizeof(longcmd) - 2] = '\n';
	longcmd[sizeof(longcmd) - 1] = '\0';
	kp_lock_parse(longcmd, &h);
	assert_int_equal(h.pid, 5);
	assert_int_equal(strlen(h.cmd), sizeof(h.cmd) - 1);
}

/* What a holder writes is sanitised too: one line whatever its arguments. */
static void test_record_written_sanitised(void **state)
{
	char want[256];
	struct kp_lock l;

	take(&l, "kpatch uninstall a\nb\033");
	snprintf(want, sizeof(want), "%ld\nkpatch uninstall a?b?\n", (long)getpid());
	assert_string_equal(slurp_rel("run/lock"), want);
	kp_lock_release(&l);
	/* The program records its own command line the same way. */
	stalled_patch("kp_s");
	{
		const char *unload[] = { KPATCH_BIN, "unload", "-t", "0.3", "kp_s\tx", "kp_s", NULL };
		pid_t p = spawn("h", unload);

		assert_true(wait_for_text("run/lock", "\nkpatch unload -t 0.3 kp_s?x kp_s\n", 5000));
		/* Whatever it then says of its arguments. */
		assert_int_not_equal(wait_rc(p), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_held_lock_blocks_a_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_commands_do_not_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_processes_do_not_interleave, setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_holder_releases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_our_lock_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_parsed_as_untrusted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_written_sanitised, setup, teardown),
	};

	return cmocka_run_group_tests_name("kpatch_lock", tests, NULL, NULL);
}
