/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TEST_KPATCH_SPAWN_H
#define TEST_KPATCH_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Programs run in the background for the tests that need two processes at
 * once or a process killed halfway: stdout and stderr go to
 * <fake root>/<tag>.out and <tag>.err.
 */
pid_t spawn(const char *tag, const char *const *argv);
/* Exit code, or 128 + the signal that killed it. */
int wait_rc(pid_t pid);
/* 1 while pid has not exited (not reaped). */
int still_running(pid_t pid);
/* The text of <fake root>/<rel> (static buffer of 64 KiB, "" when absent). */
const char *slurp_rel(const char *rel);
/* Wait up to ms for <fake root>/<rel> to contain text; 1 when it does. */
int wait_for_text(const char *rel, const char *text, int ms);
void sleep_ms(int ms);
/* Microseconds of a monotonic clock. */
unsigned long long now_us(void);

#endif
