/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's bookkeeping about code, laid out as Linux 6.1 lays it out
 * on x86_64, for differ unit tests: pr_debug() sites with their dynamic-
 * debug descriptor and static branch, tracepoint_string(), BTF ID lists,
 * and module_exit() of built-in code. Written for these tests only.
 */
#ifndef KPATCH_TEST_BOOKKEEPING_H
#define KPATCH_TEST_BOOKKEEPING_H

#define ___PASTE(a, b) a##b
#define __PASTE(a, b) ___PASTE(a, b)

struct static_key {
	int enabled;
	union {
		unsigned long type;
		void *entries;
	};
};

/* struct _ddebug: four pointers, then line:18 class:6 flags:8, then the key */
struct _ddebug {
	const char *modname;
	const char *function;
	const char *filename;
	const char *format;
	unsigned int lineno:18;
	unsigned int class_id:6;
	unsigned int flags:8;
	struct static_key key;
} __attribute__((aligned(8)));

void __dynamic_pr_debug(struct _ddebug *descriptor, const char *fmt, ...);

/* A static branch on KEY, as arch_static_branch() records it in __jump_table. */
static inline __attribute__((__always_inline__)) int test_static_branch(struct static_key *key)
{
	asm goto("1: .byte 0x0f,0x1f,0x44,0x00,0x00\n"
		 ".pushsection __jump_table, \"aw\"\n.balign 8\n"
		 ".long 1b - .\n.long %l[l_yes] - .\n.quad %c0 - .\n"
		 ".popsection" : : "i"(key) : : l_yes);
	return 0;
l_yes:
	return 1;
}

#define __test_pr_debug(id, fmt, ...) do {					\
	static struct _ddebug __attribute__((used, section("__dyndbg"), aligned(8))) id = { \
		"unit", __func__, "unit.c", fmt, __LINE__, 63, 0, { 0, { 0 } } }; \
	if (test_static_branch(&id.key))					\
		__dynamic_pr_debug(&id, fmt, ##__VA_ARGS__);			\
} while (0)
#define pr_debug(fmt, ...) \
	__test_pr_debug(__PASTE(__UNIQUE_ID_ddebug, __COUNTER__), fmt, ##__VA_ARGS__)

#define tracepoint_string(str) ({						\
	static const char *___tp_str __attribute__((used, section("__tracepoint_str"))) = str; \
	___tp_str;								\
})
void trace_thing(const char *what, int v);

/* BTF_ID_LIST and BTF_ID: labels and zeroed words resolve_btfids fills in */
#define ____BTF_ID(symbol)							\
	asm(".pushsection .BTF_ids,\"a\"\n.local " #symbol "\n"			\
	    ".type " #symbol ", STT_OBJECT\n.size " #symbol ", 4\n"		\
	    #symbol ":\n.zero 4\n.popsection\n");
#define __BTF_ID(symbol) ____BTF_ID(symbol)
#define BTF_ID(prefix, name) \
	__BTF_ID(__PASTE(__PASTE(__BTF_ID__##prefix##__##name##__, __COUNTER__), __LINE__))
#define BTF_ID_LIST(name)							\
	asm(".pushsection .BTF_ids,\"a\"\n.local " #name "\n" #name ":;\n.popsection\n"); \
	extern unsigned int name[];

/* module_exit() of built-in code */
typedef void (*exitcall_t)(void);
#define __exit __attribute__((__section__(".exit.text"), cold))
#define module_exit(fn) \
	static exitcall_t __exitcall_##fn __attribute__((used, section(".exitcall.exit"))) = fn;

#endif
