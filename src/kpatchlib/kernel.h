/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KPATCHLIB_KERNEL_H
#define KPATCHLIB_KERNEL_H

#include <stddef.h>

#include "kpatchlib/err.h"
#include "kpatchlib/modfile.h"

/* Insert the opened module from its descriptor (finit_module). */
int kp_insert(const struct kp_modfile *mf, struct kp_err *err);
/* Remove a loaded module (libkmod); retries briefly while the kernel still holds it. */
int kp_remove(const char *name, struct kp_err *err);
/* Write 0/1 to <patch>/enabled. */
int kp_patch_enable(const char *patch, int on, struct kp_err *err);
/* Write 1 to <patch>/force. */
int kp_patch_force(const char *patch, struct kp_err *err);
/* 1 when the kernel has a <patch>/signal attribute (before 5.1). */
int kp_patch_has_signal(const char *patch);
int kp_patch_signal(const char *patch, struct kp_err *err);

/*
 * Wait until the patch's transition is over (or its directory is gone),
 * polling every few milliseconds. 0 when settled, 1 on timeout.
 */
int kp_wait_transition(const char *patch, unsigned int timeout_ms);

/* A task that has not yet switched to the transition's target state. */
struct kp_task {
	int pid;
	char comm[32];
	char stack[1024];	/* frames joined with " < ", innermost first */
};

/* Tasks whose patch_state differs from target (0 or 1). */
int kp_blockers(int target, struct kp_task **tasks, size_t *n, struct kp_err *err);

/* Milliseconds on the monotonic clock. */
unsigned long long kp_now_ms(void);

/* Transition start times, kept under <run dir>/transition/<patch>. */
void kp_transition_mark(const char *patch);
void kp_transition_clear(const char *patch);
/* Seconds since the recorded start (wall clock); -1 when unknown. */
long kp_transition_age(const char *patch);

#endif
