// SPDX-License-Identifier: GPL-2.0
/*
 * The dispatcher's side of the host-wide lock: one command at a time
 * changes the live patches and the store. The lock is taken once per
 * process, here, so no command can deadlock by taking it twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpatch/cmd.h"
#include "kpatch/output.h"
#include "kpatchlib/lock.h"

static void say_waiting(const struct kp_lock_holder *h, void *arg)
{
	if (h->pid)
		p_note("waiting for another kpatch (pid %ld, `%s`) to finish", h->pid, h->cmd);
	else
		p_note("waiting for another kpatch to finish");
}

/* "kpatch load -t 5 x.ko": what waiters will see in the lock record. */
static void command_line(char *buf, size_t size, int argc, char **argv)
{
	size_t len = (size_t)snprintf(buf, size, "kpatch");

	for (int i = 0; i < argc && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, " %s", argv[i]);
}

/* KPATCH_LOCK_TIMEOUT: seconds to wait at most; unset, wait as long as it takes. */
static int lock_timeout(long *ms)
{
	const char *v = getenv("KPATCH_LOCK_TIMEOUT");

	*ms = -1;
	if (!v || !*v)
		return 0;
	*ms = parse_seconds_ms(v);
	if (*ms < 0)
		return p_err(KP_E_USAGE, "KPATCH_LOCK_TIMEOUT='%s' is not a number of seconds", v);
	return 0;
}

int cmd_run(const struct cmd *c, int argc, char **argv)
{
	char line[512];
	struct kp_lock lock;
	struct kp_err err;
	long timeout_ms;
	int ret;

	if (!c->locks)
		return c->run(argc, argv);
	ret = lock_timeout(&timeout_ms);
	if (ret)
		return ret;
	command_line(line, sizeof(line), argc, argv);
	if (kp_lock_take(&lock, line, timeout_ms, say_waiting, NULL, &err))
		return p_kerr(&err);
	ret = c->run(argc, argv);
	kp_lock_release(&lock);
	return ret;
}
