// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kpatchlib/names.h"
#include "kpatchlib/paths.h"
#include "kpatchlib/textfile.h"
#include "kpatchlib/withdrawn.h"

static int parse_entry(struct kp_withdrawn *w, char *p, const char *what, unsigned int lineno,
		       struct kp_err *err)
{
	struct kp_withdrawn_entry *e;
	char where[4200], *at = strchr(p, '@');

	if (at)
		*at++ = '\0';
	snprintf(where, sizeof(where), "%s:%u:", what, lineno);
	if (!*p || (at && !*at))
		return kp_err_set(err, KP_E_INVALID, 0, "%s expected NAME or NAME@RELEASE", where);
	if (kp_name_check(p, where, KP_E_INVALID, err) ||
	    (at && kp_release_check(at, where, KP_E_INVALID, err)))
		return -1;
	e = realloc(w->e, (w->n + 1) * sizeof(*e));
	if (!e)
		return kp_err_set(err, KP_E_SYSTEM, ENOMEM, "reading %s", what);
	w->e = e;
	e = &w->e[w->n++];
	/* Module names compare with '-' and '_' equal, as the kernel does. */
	for (char *c = p; *c; c++)
		if (*c == '-')
			*c = '_';
	snprintf(e->name, sizeof(e->name), "%s", p);
	snprintf(e->krel, sizeof(e->krel), "%s", at ? at : "");
	return 0;
}

struct withdrawn_ctx {
	struct kp_withdrawn *w;
	const char *what;
};

static int withdrawn_line(void *ctx, char *buf, unsigned int lineno, struct kp_err *err)
{
	struct withdrawn_ctx *x = ctx;
	char *p, *hash = strchr(buf, '#');

	if (hash)
		*hash = '\0';
	p = buf + strspn(buf, " \t");
	p[strcspn(p, " \t\r")] = '\0';
	return *p ? parse_entry(x->w, p, x->what, lineno, err) : 0;
}

int kp_withdrawn_parse(struct kp_withdrawn *w, const char *text, size_t size, const char *what,
		       struct kp_err *err)
{
	struct withdrawn_ctx x = { w, what };

	return kp_text_each_line(text, size, what, "withdrawn list", 255, withdrawn_line, &x, err);
}

static int load_file(struct kp_withdrawn *w, const char *path, struct kp_err *err)
{
	char *text;
	size_t len;
	int ret;

	if (kp_text_read(path, "withdrawn list", &text, &len, err))
		return -1;
	if (!text)
		return 0;
	ret = kp_withdrawn_parse(w, text, len, path, err);
	free(text);
	return ret;
}

static int skip(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int kp_withdrawn_load(struct kp_withdrawn *w, struct kp_err *err)
{
	char path[4096], dir[4096];
	struct dirent **ents = NULL;
	int n, i, ret = 0;

	memset(w, 0, sizeof(*w));
	if (kp_path(path, sizeof(path), "%s/withdrawn", kp_conf_dir()) ||
	    kp_path(dir, sizeof(dir), "%s/withdrawn.d", kp_conf_dir()))
		return kp_err_set(err, KP_E_SYSTEM, ENAMETOOLONG, "configuration path too long");
	if (load_file(w, path, err))
		goto fail;
	n = scandir(dir, &ents, skip, alphasort);
	if (n < 0 && errno == ENOENT)
		return 0;
	if (n < 0) {
		kp_err_set(err, KP_E_SYSTEM, errno, "cannot read %s", dir);
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if (!ret && (kp_path(path, sizeof(path), "%s/%s", dir, ents[i]->d_name) ||
			     load_file(w, path, err)))
			ret = -1;
		free(ents[i]);
	}
	free(ents);
	if (!ret)
		return 0;
fail:
	kp_withdrawn_free(w);
	return -1;
}

int kp_withdrawn_has(const struct kp_withdrawn *w, const char *name, const char *krel)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (!strcmp(w->e[i].name, name) && (!w->e[i].krel[0] || !strcmp(w->e[i].krel, krel)))
			return 1;
	return 0;
}

void kp_withdrawn_free(struct kp_withdrawn *w)
{
	free(w->e);
	w->e = NULL;
	w->n = 0;
}
