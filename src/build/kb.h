/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kpatch-build: shared state of one build and the steps of the pipeline.
 * Every step returns 0 or -1 after filling kb->err; only main.c prints it.
 */
#ifndef KPATCH_BUILD_KB_H
#define KPATCH_BUILD_KB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "klp/ksyms.h"
#include "common/symvers.h"

/* Exit codes, documented in kpatch-build(1). */
enum kb_exit {
	KB_OK = 0,
	KB_EUSAGE = 1,		/* bad command line or unreadable input */
	KB_EENV = 2,		/* kernel, source or tools could not be set up */
	KB_ENOCHANGE = 3,	/* the patches change no function */
	KB_EREFUSED = 4,	/* a change a live patch cannot carry safely */
	KB_EAPPLY = 5,		/* a patch does not apply to the kernel's source */
	KB_ECOMPILER = 6,	/* the compiler differs from the kernel's */
	KB_ECOMPILE = 7,	/* an object failed to compile */
	KB_EMODULE = 8,		/* the module failed to build */
	KB_EINITONLY = 9,	/* only boot-time code changed: nothing to patch */
};

/* Objects a changed header may rebuild unless --max-objects says otherwise. */
#define KB_MAX_OBJECTS 100

struct kb_err {
	int code;
	char msg[2048];
};

int kb_fail(struct kb_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One object the patches touch. */
struct kb_object {
	char *src;		/* fs/proc/cmdline.c */
	char *obj;		/* fs/proc/cmdline.o */
	char *orig;		/* saved copies in the work directory */
	char *patched;
	char *out;		/* the differ's output and manifest */
	char *manifest;
	char *objname;		/* klp object: "vmlinux" or the module's name */
	char *modpath;		/* the module's .ko in the kernel's modules, or NULL */
	bool changed;		/* the differ found a functional change */
};

struct kb_func {
	char *name;
	char *objname;
	unsigned long sympos;
	bool is_new;
};

/* A livepatch callback declared with kpatch-author.h, from the manifest. */
struct kb_callback {
	char *type;		/* pre_patch, post_patch, pre_unpatch, post_unpatch */
	char *symbol;
	char *objname;
};

struct kb_symref {
	char *name;
	char *objname;		/* the klp object whose .klp.rela section holds it */
	char *symobj;		/* where it is looked up, when another module (or NULL) */
	unsigned long sympos;
	bool exported;
};

struct kb {
	/* options */
	const char *krel;
	const char *sourcedir;
	const char *config;
	bool config_given;	/* -c: must match the cached tree's */
	const char *symbols;
	const char *name;
	const char *output;
	int jobs;
	const char *cves[32];
	int ncves;
	const char *description;
	bool keep_tmp;
	bool verbose;
	bool skip_compiler_check;
	bool skip_init;		/* --skip-init: leave changed __init code out */
	bool replace;
	int max_objects;	/* --max-objects: a header may rebuild this many (0: default) */
	char **patches;
	int npatches;
	int patches_owned;	/* patches[0..this) are our absolute paths, freed with kb */
	char *name_owned;	/* name and config when they are not arguments */
	char *config_owned;

	/* environment */
	char *self_dir;		/* where kpatch-build lives */
	char *differ;		/* kpatch-diff program */
	char *cache;		/* $KPATCH_CACHE */
	char *kdir;		/* cache/kernels/<krel>: config, build, System.map */
	char *headers;		/* kbuild headers directory */
	char *pkgversion;	/* Debian package version, e.g. 6.1.176-1 */
	char *srcroot;		/* cache/src/<krel> */
	char *tree;		/* the prepared, pristine source tree */
	char *sysmap;		/* the real symbol table */
	char *filesyms;		/* where its locals' files are kept (dbgsyms.c), or NULL */
	char *entry_sizes;	/* the probe's JSON */
	char *cc;		/* the compiler to use, e.g. gcc-12 */

	/* this build */
	char *work;		/* temporary directory */
	char *ws;		/* the writable view of the tree */
	bool ws_mounted;
	struct kb_object *objs;
	size_t nobjs;
	char **targets;		/* every file the patches edit, relative to the tree */
	size_t ntargets;
	char **changed_headers;	/* the headers among them (depindex.c) */
	size_t nchanged_headers;
	struct kb_func *funcs;
	size_t nfuncs;
	struct kb_symref *refs;
	size_t nrefs;
	char **namespaces;	/* symbol namespaces the carried code imports */
	size_t nnamespaces;
	struct kb_callback *callbacks;
	size_t ncallbacks;
	struct ksyms ksyms;
	struct symvers symvers;
	char *module_path;
	char *output_dir;	/* where module_path goes; created only at the end */
	char *output_made;	/* the topmost directory of it this build created */

	struct kb_err err;
};

/* state.c: frees everything the build holds (any step may have failed). */
void kb_free(struct kb *kb);

/* run.c: fork/exec with an argument vector; output to log (or inherited). */
int kb_run(const char *const argv[], const char *cwd, const char *log);
int kb_run_capture(const char *const argv[], char *buf, size_t len);
int kb_run_pipe(const char *const first[], const char *const second[],
		const char *cwd, const char *log);
/*
 * first | second, their errors to log; with read, second's output comes
 * to pl->fd for the caller, else it goes to the log too. Close returns
 * second's exit status (128+signal; a reader that stops early sees SIGPIPE's).
 */
struct kb_pipeline {
	pid_t pid[2];
	int fd;
};
int kb_pipeline_open(struct kb_pipeline *pl, const char *const first[],
		     const char *const second[], const char *cwd, const char *log, bool read);
int kb_pipeline_close(struct kb_pipeline *pl);
void kb_progress(const struct kb *kb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *kb_log_tail(const char *log, int lines);
/* The first line of log that contains needle, or NULL. */
char *kb_log_first(const char *log, const char *needle);

/*
 * kbuild.c: the one `make -C TREE CC= KCFLAGS= -jN` vector; room for
 * ntargets more arguments, added with kb_make_add. m->argv is NULL-terminated.
 */
struct kb_make {
	const char **argv;
	size_t n, cap;
	char *owned[3];
};
int kb_make_argv(const struct kb *kb, struct kb_make *m, const char *tree,
		 const char *extra_kcflags, size_t ntargets);
void kb_make_add(struct kb_make *m, const char *arg);
void kb_make_free(struct kb_make *m);

/* objects.c: add a .c/.o to the objects to compile, once per source file. */
int kb_add_object(struct kb *kb, const char *path);

/* fsutil.c */
int kb_mkdirs(const char *path);
int kb_check_dir(const char *dir);
int kb_mkdirs_made(const char *path, char **made);
void kb_rmdirs_made(const char *path, const char *made);
int kb_write_file(const char *path, const void *buf, size_t len);
int kb_copy_file(const char *from, const char *to);
char *kb_read_file(const char *path, size_t *len);
bool kb_exists(const char *path);
int kb_rmtree(const char *path);
/*
 * NULL-terminated string vectors of distinct strings: push appends a copy
 * of s unless *v holds it already (0, or -1 out of memory).
 */
int kb_strv_push(char ***v, size_t *n, const char *s);
void kb_strv_free(char **v);
char *kb_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The pipeline, in the order main.c's steps[] runs it; signing (sign.c)
 * follows when a key is given.
 */
int kb_read_patches(struct kb *kb);		/* patches.c: which files, which objects */
int kb_locate_kernel(struct kb *kb);		/* kernel.c */
int kb_check_compiler(struct kb *kb);		/* compiler.c */
int kb_prepare_tree(struct kb *kb);		/* srctree.c */
/*
 * dbgsyms.c: the -dbg package's System.map (want_map) and file symbols into
 * DIR. Without want_map, a failure is a warning and returns 0.
 */
int kb_fetch_dbg_symbols(struct kb *kb, const char *dir, bool want_map, const char *log);
/* vmlinux's file symbols into DST, for a tree prepared without them; a failure warns. */
int kb_fetch_file_symbols(struct kb *kb, const char *dst);
/* The file symbols of module MODREL ("kernel/fs/xfs/xfs.ko") into DST; a failure warns. */
int kb_fetch_module_symbols(struct kb *kb, const char *modrel, const char *dst);
int kb_workspace_open(struct kb *kb);		/* workspace.c */
void kb_workspace_close(struct kb *kb);
/* kb_depindex_expand (depindex.h): the objects a changed header reaches */
int kb_apply_patches(struct kb *kb);		/* patches.c */
int kb_compile(struct kb *kb, bool patched);	/* compile.c */
int kb_compile_patched(struct kb *kb);
int kb_revert_patches(struct kb *kb);		/* patches.c */
int kb_compile_original(struct kb *kb);
int kb_diff(struct kb *kb);			/* differ.c */
int kb_resolve(struct kb *kb);			/* resolve.c */
int kb_build_module(struct kb *kb);		/* module.c */
bool kb_patches_a_module(const struct kb *kb);	/* module.c */

#endif
