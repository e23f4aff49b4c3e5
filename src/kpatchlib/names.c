// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "common/regfile.h"
#include "kpatchlib/names.h"

static int alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

enum { CH_OK, CH_SLASH, CH_CONTROL, CH_SPACE, CH_OTHER };

/* The worst character of s neither alphanumeric nor in extra: '/' first. */
static int bad_char(const char *s, const char *extra)
{
	int worst = CH_OK;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int ch;

		if (alnum(*p) || strchr(extra, *p))
			continue;
		if (*p == '/')
			ch = CH_SLASH;
		else if (*p < 0x20 || *p == 0x7f)
			ch = CH_CONTROL;
		else
			ch = *p == ' ' ? CH_SPACE : CH_OTHER;
		if (worst == CH_OK || ch < worst)
			worst = ch;
	}
	return worst;
}

static const char *char_problem(int ch, const char *other)
{
	switch (ch) {
	case CH_SLASH:
		return "has a '/'";
	case CH_CONTROL:
		return "has a control character";
	case CH_SPACE:
		return "has a space";
	case CH_OTHER:
		return other;
	}
	return NULL;
}

const char *kp_name_problem(const char *s)
{
	if (!s || !*s)
		return "is empty";
	if (strlen(s) > KP_MODNAME_MAX)
		return "is longer than the kernel's limit of 55 characters";
	return char_problem(bad_char(s, "_-"), "has a character other than letters, digits, '_' and '-'");
}

const char *kp_release_problem(const char *s)
{
	if (!s || !*s)
		return "is empty";
	if (strlen(s) > KP_KREL_MAX)
		return "is longer than 64 characters";
	if (bad_char(s, "._+~-"))
		return char_problem(bad_char(s, "._+~-"), "has a character other than letters, digits and ._+~-");
	return s[0] == '.' ? "starts with '.'" : NULL;
}

static int check(const char *s, const char *why, const char *what, const char *kind, int class,
		 struct kp_err *err)
{
	char q[160];

	if (!why)
		return 0;
	kp_escape(s ? s : "", q, sizeof(q));
	return kp_err_set(err, class, 0, "%s%s'%s' is not a %s (%s)", what, *what ? " " : "", q, kind, why);
}

int kp_name_check(const char *s, const char *what, int class, struct kp_err *err)
{
	return check(s, kp_name_problem(s), what, "module name", class, err);
}

int kp_release_check(const char *s, const char *what, int class, struct kp_err *err)
{
	return check(s, kp_release_problem(s), what, "kernel release", class, err);
}
