// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kpatchlib/conf.h"
#include "kpatchlib/paths.h"
#include "kpatchlib/textfile.h"

#define WHAT "kpatch configuration"

void kp_conf_defaults(struct kp_conf *c)
{
	c->unload_on_remove = 1;
}

static char *trim(char *s)
{
	char *e;

	s += strspn(s, " \t");
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcmp(v, "yes"))
		*out = 1;
	else if (!strcmp(v, "no"))
		*out = 0;
	else
		return -1;
	return 0;
}

struct conf_ctx {
	struct kp_conf *c;
	const char *what;
	unsigned int seen_unload;
};

static int conf_line(void *ctx, char *buf, unsigned int lineno, struct kp_err *err)
{
	struct conf_ctx *x = ctx;
	char *p, *eq, *key, *val;

	if ((p = strchr(buf, '#')))
		*p = '\0';
	p = trim(buf);
	if (!*p)
		return 0;
	eq = strchr(p, '=');
	if (!eq)
		return kp_err_set(err, KP_E_INVALID, 0, "%s:%u: expected key=value", x->what, lineno);
	*eq = '\0';
	key = trim(p);
	val = trim(eq + 1);
	if (strcmp(key, "unload_on_remove"))
		return kp_err_set(err, KP_E_INVALID, 0, "%s:%u: unknown key '%.64s' (known: unload_on_remove)",
				  x->what, lineno, key);
	if (x->seen_unload++)
		return kp_err_set(err, KP_E_INVALID, 0, "%s:%u: unload_on_remove given twice", x->what, lineno);
	if (parse_bool(val, &x->c->unload_on_remove))
		return kp_err_set(err, KP_E_INVALID, 0, "%s:%u: unload_on_remove must be yes or no", x->what, lineno);
	return 0;
}

int kp_conf_parse(struct kp_conf *c, const char *text, size_t size, const char *what,
		  struct kp_err *err)
{
	struct conf_ctx x = { c, what, 0 };

	return kp_text_each_line(text, size, what, WHAT, 255, conf_line, &x, err);
}

int kp_conf_load(struct kp_conf *c, struct kp_err *err)
{
	char path[4096], *text;
	size_t len;
	int ret;

	kp_conf_defaults(c);
	if (kp_path(path, sizeof(path), "%s/kpatch.conf", kp_conf_dir()))
		return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "configuration path too long");
	if (kp_text_read(path, WHAT, &text, &len, err))
		return -1;
	if (!text)
		return 0;
	ret = kp_conf_parse(c, text, len, path, err);
	free(text);
	return ret;
}
