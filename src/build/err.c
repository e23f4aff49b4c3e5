// SPDX-License-Identifier: GPL-2.0
/* Recording the one error a build stops on; main.c prints it. */
#include <stdarg.h>
#include <stdio.h>

#include "build/kb.h"

int kb_fail(struct kb_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}
