// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_kpatch_fake.h"

static char root[256];

static void die(const char *what)
{
	fprintf(stderr, "fake tree: %s: %s\n", what, strerror(errno));
	abort();
}

const char *fake_path(const char *rel)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", root, rel);
	return buf;
}

static void mkdirs(const char *path)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			die(tmp);
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		die(tmp);
}

void fake_mkdir(const char *rel)
{
	mkdirs(fake_path(rel));
}

void fake_write(const char *rel, const char *content)
{
	char path[4096], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s", fake_path(rel));
	slash = strrchr(path, '/');
	*slash = '\0';
	mkdirs(path);
	*slash = '/';
	f = fopen(path, "w");
	if (!f)
		die(path);
	fputs(content, f);
	fclose(f);
}

const char *fake_setup(void)
{
	char buf[512];

	snprintf(root, sizeof(root), "%s/kpatch-unit.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root))
		die("mkdtemp");
	chmod(root, 0755);
	snprintf(buf, sizeof(buf), "%s/sys", root);
	setenv("KPATCH_SYSFS_ROOT", buf, 1);
	snprintf(buf, sizeof(buf), "%s/proc", root);
	setenv("KPATCH_PROCFS_ROOT", buf, 1);
	snprintf(buf, sizeof(buf), "%s/lib", root);
	setenv("KPATCH_LIB_DIR", buf, 1);
	snprintf(buf, sizeof(buf), "%s/etc", root);
	setenv("KPATCH_CONF_DIR", buf, 1);
	snprintf(buf, sizeof(buf), "%s/run", root);
	setenv("KPATCH_RUN_DIR", buf, 1);
	/* the package system is the test's to give (fake_dpkg), never the host's */
	unsetenv("KPATCH_DPKG_ADMINDIR");
	unsetenv("KPATCH_RPM_ROOT");
	fake_write("proc/sys/kernel/osrelease", FAKE_KREL "\n");
	fake_mkdir("sys/kernel/livepatch");
	fake_mkdir("sys/module");
	return root;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

void fake_teardown(void)
{
	if (root[0])
		nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	root[0] = '\0';
}

void fake_patch(const char *name, int enabled, int transition, const char *const *funcs)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "sys/kernel/livepatch/%s/enabled", name);
	fake_write(rel, enabled ? "1\n" : "0\n");
	snprintf(rel, sizeof(rel), "sys/kernel/livepatch/%s/transition", name);
	fake_write(rel, transition ? "1\n" : "0\n");
	snprintf(rel, sizeof(rel), "sys/kernel/livepatch/%s/force", name);
	fake_write(rel, "");
	for (; funcs && *funcs; funcs++) {
		snprintf(rel, sizeof(rel), "sys/kernel/livepatch/%s/%s", name, *funcs);
		fake_mkdir(rel);
	}
	fake_module(name, "K");
}

void fake_module(const char *name, const char *taint)
{
	char rel[512], buf[64];

	snprintf(rel, sizeof(rel), "sys/module/%s/taint", name);
	snprintf(buf, sizeof(buf), "%s\n", taint);
	fake_write(rel, buf);
	snprintf(rel, sizeof(rel), "sys/module/%s/initstate", name);
	fake_write(rel, "live\n");
}

void fake_task(int pid, const char *comm, int patch_state, const char *stack)
{
	char rel[512], buf[64];

	snprintf(rel, sizeof(rel), "proc/%d/task/%d/patch_state", pid, pid);
	snprintf(buf, sizeof(buf), "%d\n", patch_state);
	fake_write(rel, buf);
	snprintf(rel, sizeof(rel), "proc/%d/task/%d/comm", pid, pid);
	snprintf(buf, sizeof(buf), "%s\n", comm);
	fake_write(rel, buf);
	snprintf(rel, sizeof(rel), "proc/%d/task/%d/stack", pid, pid);
	fake_write(rel, stack);
}

const char *fake_ko(const char *rel, const struct fake_ko_opts *o)
{
	static char out[4096];
	char src[4200], cmd[10000], *slash;
	FILE *f;
	int i;

	snprintf(out, sizeof(out), "%s", fake_path(rel));
	snprintf(src, sizeof(src), "%s.c", out);
	slash = strrchr(out, '/');
	*slash = '\0';
	mkdirs(out);
	*slash = '/';
	f = fopen(src, "w");
	if (!f)
		die(src);
	/* The 6.1 field order; sizes padded like the kernel's internal fields. */
	fprintf(f, "struct module { int x; };\n"
		   "struct module __this_module;\n"
		   "struct klp_func { const char *old_name; void *new_func; unsigned long old_sympos; char internal[176]; };\n"
		   "struct klp_object { const char *name; struct klp_func *funcs; void *cb[4]; char internal[128]; };\n"
		   "struct klp_patch { struct module *mod; struct klp_object *objs; void *states; _Bool replace; char internal[200]; };\n");
	for (i = 0; i < 4 && o->funcs[i]; i++)
		fprintf(f, "static int new_%d(void) { return %d; }\n", i, i);
	if (o->owner_struct)
		fprintf(f, "struct fops { struct module *owner; int (*open)(void); long x[3]; };\n"
			   "static int fops_open(void) { return 0; }\n"
			   "struct fops fops = { .owner = &__this_module, .open = fops_open, .x = { 1, 1, 1 } };\n");
	if (o->object2) {
		fprintf(f, "static int other_new(void) { return 9; }\n");
		fprintf(f, "static struct klp_func funcs2[] = {\n");
		for (i = 0; i < 2 && o->funcs2[i]; i++)
			fprintf(f, "  { .old_name = \"%s\", .new_func = other_new, .old_sympos = %d },\n",
				o->funcs2[i], i + 2);
		fprintf(f, "  { 0 }\n};\n");
	}
	fprintf(f, "static struct klp_func funcs[] = {\n");
	for (i = 0; i < 4 && o->funcs[i]; i++)
		fprintf(f, "  { .old_name = \"%s\", .new_func = new_%d },\n", o->funcs[i], i);
	fprintf(f, "  { 0 }\n};\n");
	fprintf(f, "static struct klp_object objs[] = {\n");
	if (o->object)
		fprintf(f, "  { .name = \"%s\", .funcs = funcs },\n", o->object);
	else
		fprintf(f, "  { .funcs = funcs },\n");
	if (o->object2)
		fprintf(f, "  { .name = \"%s\", .funcs = funcs2 },\n", o->object2);
	fprintf(f, "  { 0 }\n};\n");
	fprintf(f, "struct klp_patch patch = { .mod = &__this_module, .objs = objs, .replace = %d };\n", o->replace);
	fprintf(f, "__attribute__((section(\".modinfo\"), used)) static const char info[] =\n"
		   "  \"name=%s\\0\" \"vermagic=%s SMP preempt mod_unload modversions \\0\"", o->name,
		o->vermagic ? o->vermagic : FAKE_KREL);
	if (o->livepatch)
		fprintf(f, " \"livepatch=Y\\0\"");
	if (o->cves)
		fprintf(f, " \"kpatch_cve=%s\\0\"", o->cves);
	fprintf(f, " \"description=fake %s\\0\";\n", o->name);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "%s -c -O2 -o '%s' '%s'", getenv("CC") ? getenv("CC") : "cc", out, src);
	if (system(cmd))
		die(cmd);
	chmod(out, 0644);
	return out;
}

void fake_slurp_abs(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (!f)
		return;
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

void fake_slurp(const char *rel, char *buf, size_t size)
{
	fake_slurp_abs(fake_path(rel), buf, size);
}

int fake_run(const char *prog, const char *args, char *out, size_t osize, char *err, size_t esize)
{
	char cmd[16384], o[4200], e[4200];
	int status;

	snprintf(o, sizeof(o), "%s", fake_path("stdout"));
	snprintf(e, sizeof(e), "%s", fake_path("stderr"));
	snprintf(cmd, sizeof(cmd), "%s %s >'%s' 2>'%s'", prog, args, o, e);
	status = system(cmd);
	fake_slurp_abs(o, out, osize);
	fake_slurp_abs(e, err, esize);
	if (!WIFEXITED(status))
		die("a program was killed");
	return WEXITSTATUS(status);
}

void fake_dpkg(const char *const *pkgs)
{
	char text[16384] = "", name[128], version[64], status[64];
	size_t len = 0;

	for (size_t i = 0; pkgs[i]; i++) {
		if (sscanf(pkgs[i], "%127s %63s %63[^\n]", name, version, status) != 3)
			die("fake_dpkg: bad entry");
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"Package: %s\nStatus: %s\nArchitecture: amd64\nVersion: %s\nDescription: test\n\n",
					name, status, version);
	}
	fake_write("dpkg/status", text);
	fake_write("dpkg/available", "");
	fake_mkdir("dpkg/updates");
	setenv("KPATCH_DPKG_ADMINDIR", fake_path("dpkg"), 1);
}
