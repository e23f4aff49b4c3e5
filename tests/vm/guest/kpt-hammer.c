// SPDX-License-Identifier: GPL-2.0
/*
 * Stress load for the real-kernel tests: call uname(2) in a tight loop while
 * a livepatch of it (tests/modules/kpt_lp_uname) comes and goes, and sort
 * every result into the unpatched one, the patched one, or anything else.
 *
 *   kpt-hammer OLD_MACHINE NEW_MACHINE STATE_FILE
 *
 * The machine field must be OLD_MACHINE or NEW_MACHINE and every other
 * field must stay what the first call returned. STATE_FILE holds "old" or
 * "new", the last result, rewritten on every flip (a few times per run, so
 * the loop stays one syscall): the test waits on it for every process to
 * have seen a transition. On SIGTERM it prints one line of counts and exits
 * 1 if any result was neither.
 *
 * It also counts flips between old and new: under the livepatch consistency
 * model a task switches once per transition, so a process that sees every
 * transition flips to new exactly once per load and back once per unload.
 *
 * It runs at the lowest priority (nice 19): the VM has one CPU, and at equal
 * priority 128 hammers would leave kpatch 1/129 of it, as no real host with
 * 128 busy processes would. Niced, they still run whenever kpatch or the
 * kernel's transition work waits, so they are inside uname(2) at any moment.
 *
 * Built static (gcc -static) so the busybox initramfs needs nothing else.
 */
#define _GNU_SOURCE /* struct utsname.domainname */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

enum seen { SEEN_NONE, SEEN_OLD, SEEN_NEW };

struct tally {
	unsigned long long old, new, other, to_new, to_old;
	enum seen last;
	int state_fd;
};

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* Every field but machine must be what the first call returned. */
static int same_rest(const struct utsname *a, const struct utsname *b)
{
	return !strcmp(a->sysname, b->sysname) && !strcmp(a->nodename, b->nodename) &&
	       !strcmp(a->release, b->release) && !strcmp(a->version, b->version) &&
	       !strcmp(a->domainname, b->domainname);
}

static enum seen classify(const struct utsname *u, const struct utsname *first,
			  const char *old_m, const char *new_m)
{
	if (!same_rest(u, first))
		return SEEN_NONE;
	if (!strcmp(u->machine, old_m))
		return SEEN_OLD;
	if (!strcmp(u->machine, new_m))
		return SEEN_NEW;
	return SEEN_NONE;
}

/* Four bytes at offset 0: a reader sees the old or the new word, whole. */
static void show_state(const struct tally *t)
{
	if (pwrite(t->state_fd, t->last == SEEN_NEW ? "new\n" : "old\n", 4, 0) != 4)
		perror("kpt-hammer: state file");
}

static void count(struct tally *t, enum seen s, const struct utsname *u)
{
	if (s == SEEN_NONE) {
		if (!t->other++)
			fprintf(stderr, "kpt-hammer %d: unexpected result: %.65s %.65s %.65s %.65s\n",
				(int)getpid(), u->sysname, u->release, u->version, u->machine);
		return;
	}
	if (s == SEEN_OLD)
		t->old++;
	else
		t->new++;
	if (t->last == SEEN_OLD && s == SEEN_NEW)
		t->to_new++;
	if (t->last == SEEN_NEW && s == SEEN_OLD)
		t->to_old++;
	if (t->last != s) {
		t->last = s;
		show_state(t);
	}
}

int main(int argc, char **argv)
{
	struct tally t = { .last = SEEN_NONE, .state_fd = -1 };
	struct utsname first, u;
	struct sigaction sa = { .sa_handler = on_term };

	if (argc != 4) {
		fprintf(stderr, "usage: kpt-hammer OLD_MACHINE NEW_MACHINE STATE_FILE\n");
		return 2;
	}
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) || setpriority(PRIO_PROCESS, 0, 19) || uname(&first)) {
		perror("kpt-hammer");
		return 2;
	}
	/* Empty until the first result: a reader sees nothing, old or new. */
	t.state_fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (t.state_fd < 0) {
		perror(argv[3]);
		return 2;
	}
	count(&t, classify(&first, &first, argv[1], argv[2]), &first);
	while (!stop) {
		if (uname(&u)) {
			perror("uname");
			return 2;
		}
		count(&t, classify(&u, &first, argv[1], argv[2]), &u);
	}
	printf("old=%llu new=%llu other=%llu to_new=%llu to_old=%llu\n",
	       t.old, t.new, t.other, t.to_new, t.to_old);
	return t.other ? 1 : 0;
}
