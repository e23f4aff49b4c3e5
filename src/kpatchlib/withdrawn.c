// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpatchlib/paths.h"
#include "kpatchlib/withdrawn.h"

static int valid_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

int kp_withdrawn_parse(struct kp_withdrawn *w, const char *text, const char *what, struct kp_err *err)
{
	const char *line = text;
	unsigned int lineno = 0;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char buf[256], *p, *at, *hash;
		struct kp_withdrawn_entry *e;

		lineno++;
		if (len >= sizeof(buf))
			return kp_err_set(err, KP_E_INVALID, 0, "%s:%u: line too long", what, lineno);
		memcpy(buf, line, len);
		buf[len] = '\0';
		line = end ? end + 1 : NULL;
		hash = strchr(buf, '#');
		if (hash)
			*hash = '\0';
		p = buf + strspn(buf, " \t");
		p[strcspn(p, " \t\r")] = '\0';
		if (!*p)
			continue;
		at = strchr(p, '@');
		if (at)
			*at++ = '\0';
		for (char *c = p; *c; c++)
			if (!valid_name_char(*c))
				return kp_err_set(err, KP_E_INVALID, 0, "%s:%u: '%s' is not a module name", what, lineno, p);
		if (!*p || strlen(p) >= sizeof(e->name) || (at && (!*at || strlen(at) >= sizeof(e->krel))))
			return kp_err_set(err, KP_E_INVALID, 0, "%s:%u: expected NAME or NAME@RELEASE", what, lineno);
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
	}
	return 0;
}

static int load_file(struct kp_withdrawn *w, const char *path, struct kp_err *err)
{
	FILE *f = fopen(path, "re");
	char *text = NULL;
	size_t size = 0;
	ssize_t len;
	int ret;

	if (!f)
		return errno == ENOENT ? 0 : kp_err_set(err, KP_E_SYSTEM, errno, "cannot read %s", path);
	/* Read it whole; -1 at once means an empty file (or an error). */
	len = getdelim(&text, &size, '\0', f);
	ret = len < 0 && ferror(f);
	fclose(f);
	if (ret) {
		free(text);
		return kp_err_set(err, KP_E_SYSTEM, EIO, "cannot read %s", path);
	}
	ret = kp_withdrawn_parse(w, len > 0 ? text : "", path, err);
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
	if (n < 0)
		return errno == ENOENT ? 0 : kp_err_set(err, KP_E_SYSTEM, errno, "cannot read %s", dir);
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
