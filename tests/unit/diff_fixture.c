// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "diff_fixture.h"

/* The flags that matter to the differ, as the kernel's x86_64 build uses them. */
#define KERNEL_CFLAGS "-O2 -std=gnu11 -ffunction-sections -fdata-sections -mfentry -pg " \
	"-mrecord-mcount -fno-pic -mcmodel=kernel -mno-red-zone -fno-common " \
	"-fno-asynchronous-unwind-tables -fno-jump-tables -nostdinc -w"

const char fx_prelude[] =
	"#define notrace __attribute__((__no_instrument_function__))\n"
	"#define __init __attribute__((__section__(\".init.text\"), cold))\n"
	"#define noinline __attribute__((noinline))\n"
	"#define unlikely(x) __builtin_expect(!!(x), 0)\n"
	"struct seq_file;\n"
	"extern char *saved_command_line;\n"
	"int seq_puts(struct seq_file *m, const char *s);\n"
	"int seq_printf(struct seq_file *m, const char *f, ...);\n"
	"void seq_putc(struct seq_file *m, char c);\n";

int fx_sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

const char *fx_tool(void)
{
	static char path[4096];
	char *slash;
	ssize_t n;

	if (path[0])
		return path;
	n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	assert_true(n > 0);
	path[n] = '\0';
	slash = strrchr(path, '/');
	assert_non_null(slash);
	strcpy(slash, "/../bin/kpatch-diff");
	return path;
}

int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/kpatch-diff-test.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->orig, sizeof(f->orig), "%s/orig.o", f->dir);
	snprintf(f->patched, sizeof(f->patched), "%s/patched.o", f->dir);
	snprintf(f->out, sizeof(f->out), "%s/out.o", f->dir);
	snprintf(f->manifest, sizeof(f->manifest), "%s/out.json", f->dir);
	*state = f;
	return 0;
}

int fx_teardown(void **state)
{
	struct fx *f = *state;

	kdiff_result_free(&f->res);
	kelf_free(f->outobj);
	fx_sh("rm -rf '%s'", f->dir);
	free(f);
	return 0;
}

/*
 * Both versions are compiled from a file of one name in a directory of
 * their own, like kbuild compiles one source before and after the patch:
 * same STT_FILE symbol, same __FILE__.
 */
void fx_compile(struct fx *f, const char *src, const char *path)
{
	char dir[320], cpath[340];
	FILE *fp;

	snprintf(dir, sizeof(dir), "%s.d", path);
	assert_int_equal(fx_sh("mkdir -p '%s'", dir), 0);
	snprintf(cpath, sizeof(cpath), "%s/unit.c", dir);
	fp = fopen(cpath, "w");
	assert_non_null(fp);
	fputs(fx_prelude, fp);
	fputs(src, fp);
	fclose(fp);
	assert_int_equal(fx_sh("cd '%s' && gcc " KERNEL_CFLAGS " %s -c -o '%s' unit.c",
			       dir, f->cflags ? f->cflags : "", path), 0);
}

enum kdiff_status fx_diff(struct fx *f, const char *orig_src, const char *patched_src)
{
	struct kdiff_opts opts = { .exports = f->exports, .skip_init = f->skip_init,
				   .object = f->object };
	struct kelf_err err;

	kdiff_result_free(&f->res);
	kelf_free(f->outobj);
	f->outobj = NULL;
	fx_compile(f, orig_src, f->orig);
	fx_compile(f, patched_src, f->patched);
	/* KPATCH_DIFF_TEST_VERBOSE=1 shows the differ's decisions for each pair */
	if (getenv("KPATCH_DIFF_TEST_VERBOSE"))
		fx_sh("%s -v '%s' '%s' -o '%s/verbose.o' --manifest '%s/verbose.json'", fx_tool(),
		      f->orig, f->patched, f->dir, f->dir);
	f->st = kdiff_run(f->orig, f->patched, &opts, &f->res);
	if (f->st == KDIFF_CHANGED) {
		if (kelf_write(f->res.out, f->out, &err))
			fail_msg("write: %s", err.msg);
		if (kelf_open(f->out, &f->outobj, &err))
			fail_msg("re-read: %s", err.msg);
		/* every output must satisfy the binutils, as kbuild will use them */
		if (fx_sh("readelf -aW '%s' 2>&1 | grep -qi 'warning\\|error'", f->out) == 0)
			fail_msg("readelf complains about %s", f->out);
		if (fx_sh("ld -r -o '%s/linked.o' '%s'", f->dir, f->out))
			fail_msg("ld -r rejects %s", f->out);
	}
	return f->st;
}

const struct kdiff_function *fx_function(const struct fx *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->res.nfunctions; i++)
		if (!strcmp(f->res.functions[i].name, name))
			return &f->res.functions[i];
	return NULL;
}

const struct kdiff_symbol *fx_symbol(const struct fx *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->res.nsymbols; i++)
		if (!strcmp(f->res.symbols[i].name, name))
			return &f->res.symbols[i];
	return NULL;
}

struct kelf_sym *fx_out_symbol(const struct fx *f, const char *name)
{
	return f->outobj ? kelf_find_symbol(f->outobj, name) : NULL;
}

int fx_out_relas_to(const struct fx *f, const char *sec, const char *name)
{
	struct kelf_sec *s = f->outobj ? kelf_find_section(f->outobj, sec) : NULL;
	size_t i;
	int n = 0;

	if (!s)
		return -1;
	for (i = 0; i < s->nrelas; i++)
		if (!strcmp(s->relas[i].sym->name, name))
			n++;
	return n;
}
