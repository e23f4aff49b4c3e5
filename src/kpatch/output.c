// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpatch/output.h"

int json_output;

static void vprint_err(int class, const char *fmt, va_list ap)
{
	char msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/*
	 * Messages are one line by contract, and never carry raw control
	 * characters to a terminal or a log; the library escapes what it
	 * quotes, this is the last line of defence.
	 */
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
		else if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	if (json_output) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "error", json_object_new_string(msg));
		json_object_object_add(o, "code", json_object_new_int(class));
		p_json(o);
	} else {
		fprintf(stderr, "kpatch: error: %s\n", msg);
	}
}

int p_err(int class, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprint_err(class, fmt, ap);
	va_end(ap);
	return class;
}

int p_kerr(const struct kp_err *err)
{
	return p_err(err->class ? err->class : KP_E_SYSTEM, "%s", err->msg);
}

void p_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("kpatch: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void p_note(const char *fmt, ...)
{
	va_list ap;

	fputs("kpatch: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void p_info(const char *fmt, ...)
{
	va_list ap;

	if (json_output)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

void p_json(json_object *obj)
{
	puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
	json_object_put(obj);
}

json_object *json_csv_array(const char *csv)
{
	json_object *a = json_object_new_array();
	const char *p = csv;

	while (p && *p) {
		size_t len = strcspn(p, ",");
		const char *s = p;

		p += len;
		if (*p == ',')
			p++;
		while (len && (*s == ' ')) {
			s++;
			len--;
		}
		while (len && s[len - 1] == ' ')
			len--;
		if (len)
			json_object_array_add(a, json_object_new_string_len(s, (int)len));
	}
	return a;
}
