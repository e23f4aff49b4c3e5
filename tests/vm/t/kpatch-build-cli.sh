#!/usr/bin/env bash
# kpatch-build on the host: options, recorded module info, and every
# refusal or error path with its exit code and one-line message. No VM: the
# modules these builds make are loaded by kpatch-build-patches.sh.
. "$(dirname "$0")/../lib.sh"
bin=${KPT_BIN_DIR:-$VM_TOP/build/bin}
kb=$bin/kpatch-build
k=$KPATCH_TEST_KERNEL
p=$VM_TOP/tests/patches
t=$VM_OUT/cli
mkdir -p "$t"
smap=$KPATCH_CACHE/src/$k/System.map
# Work directories go here, so leftovers can be counted at the end.
export TMPDIR=$t/tmp
mkdir -p "$TMPDIR"

fail() { echo "FAIL: $*"; exit 1; }
# expect RC TEXT -- ARGS...: kpatch-build exits RC and its last line has TEXT
expect() {
	local want=$1 text=$2 out rc
	shift 3
	out=$("$kb" "$@" 2>&1)
	rc=$?
	[ "$rc" = "$want" ] || fail "kpatch-build $*: exit $rc, expected $want; output: $out"
	grep -qF -- "$text" <<<"$(tail -n 1 <<<"$out")" ||
		fail "kpatch-build $*: '$text' not in the last line: $(tail -n 1 <<<"$out")"
	echo "ok: exit $rc: $(tail -n 1 <<<"$out")"
}

"$kb" --help | grep -q "^Usage: kpatch-build \[options\] PATCH" || fail "--help"
"$kb" --version | grep -qE "^kpatch-build [0-9]+\.[0-9]+" || fail "--version"
echo "ok: --help, --version"
expect 1 "no patch given" -- -k "$k"
expect 1 "--jobs 0" -- -k "$k" -j 0 "$p/cmdline-string.patch"
expect 1 "not a kernel release" -- -k 'x;reboot' "$p/cmdline-string.patch"
expect 1 "No such file" -- -k "$k" "$t/missing.patch"

# A built module records what the options say.
expect 0 "1 function patched (cmdline_proc_show)" -- -k "$k" -n kpt_cli -o "$t" \
	--cve CVE-2099-1111 --cve CVE-2099-2222 --description 'cmdline "test" fix' \
	"$p/cmdline-string.patch"
[ "$(modinfo -F kpatch_cve "$t/kpt_cli.ko")" = "CVE-2099-1111,CVE-2099-2222" ] || fail "kpatch_cve modinfo"
[ "$(modinfo -F kpatch_description "$t/kpt_cli.ko")" = 'cmdline "test" fix' ] || fail "description modinfo"
[ "$(modinfo -F livepatch "$t/kpt_cli.ko")" = Y ] || fail "livepatch modinfo"
[ "$(modinfo -F vermagic "$t/kpt_cli.ko" | cut -d' ' -f1)" = "$k" ] || fail "vermagic"
readelf -sW "$t/kpt_cli.ko" | grep -q 'OS \[0xff20\] \.klp\.sym\.vmlinux\.saved_command_line,0$' ||
	fail "no SHN_LIVEPATCH symbol for saved_command_line"
readelf -SW "$t/kpt_cli.ko" | grep -q '\.klp\.rela\.vmlinux\.text\.cmdline_proc_show' ||
	fail "no .klp.rela section"
echo "ok: module info, livepatch symbol and relocation section"
expect 0 "kpt_cli2.ko" -- -k "$k" -o "$t/kpt_cli2.ko" --no-replace "$p/cmdline-string.patch"
kept=$("$kb" -k "$k" --keep-tmp -o "$t" -n kpt_cli3 --no-replace "$p/cmdline-string.patch" 2>&1 |
	sed -n 's/.*work directory kept: //p')
[ -d "$kept" ] || fail "--keep-tmp kept no work directory"
grep -q "KPATCH_REPLACE 0" "$kept/module/kpatch-gen.h" || fail "--no-replace not in the generated header"
rm -rf "$kept"
echo "ok: --no-replace, --keep-tmp"

# A series: the second patch applies on top of the first.
sed -e 's/ kpatch=cmdline-string/ kpatch=series/' "$p/cmdline-string.patch" |
	sed -e 's/^-\tseq_putc(m, .\\n.);/-\tseq_puts(m, " kpatch=cmdline-string\\n");/' \
	    -e 's/^+\tseq_puts(m, " kpatch=series\\n");/+\tseq_puts(m, " kpatch=series-2\\n");/' >"$t/second.patch"
grep -q 'kpatch=series-2' "$t/second.patch" || fail "could not make the second patch of the series"
expect 0 "1 function patched (cmdline_proc_show)" -- -k "$k" -n kpt_series -o "$t" "$p/cmdline-string.patch" "$t/second.patch"
grep -qa "kpatch=series-2" "$t/kpt_series.ko" || fail "the series module lacks the second patch's text"
expect 5 "Hunk #1 FAILED" -- -k "$k" -o "$t" "$t/second.patch"

# Two builds for one release at once: both succeed, each in its own view.
"$kb" -k "$k" -n kpt_par1 -o "$t" "$p/cmdline-string.patch" >"$t/par1.log" 2>&1 &
"$kb" -k "$k" -n kpt_par2 -o "$t" "$p/version-new-function.patch" >"$t/par2.log" 2>&1 &
wait %1 || fail "parallel build 1: $(cat "$t/par1.log")"
wait %2 || fail "parallel build 2: $(cat "$t/par2.log")"
[ -s "$t/kpt_par1.ko" ] && [ -s "$t/kpt_par2.ko" ] || fail "parallel builds wrote no modules"
echo "ok: two parallel builds"
# The cached tree stayed pristine: no patched source, no objects.
tree=$KPATCH_CACHE/src/$k/tree
! grep -q kpatch "$tree/fs/proc/cmdline.c" "$tree/fs/proc/version.c" || fail "the cached tree was patched"
[ ! -e "$tree/fs/proc/cmdline.o" ] && [ ! -e "$tree/fs/proc/version.o" ] || fail "objects in the cached tree"
echo "ok: the cached tree is pristine"

# The patch does not apply: the failing hunk is named.
sed 's/seq_putc(m, /seq_putc(mm, /' "$p/cmdline-string.patch" >"$t/stale.patch"
expect 5 "fs/proc/cmdline.c: Hunk #1 FAILED" -- -k "$k" -o "$t" "$t/stale.patch"
# Only a comment changes.
cat >"$t/comment.patch" <<'P'
--- a/fs/proc/cmdline.c
+++ b/fs/proc/cmdline.c
@@ -7,6 +7,7 @@
 static int cmdline_proc_show(struct seq_file *m, void *v)
 {
 	seq_puts(m, saved_command_line);
+	/* a comment changes no code */
 	seq_putc(m, '\n');
 	return 0;
 }
P
expect 3 "no functional change in fs/proc/cmdline.c" -- -k "$k" -o "$t" "$t/comment.patch"
cat >"$t/header.patch" <<'P'
--- a/include/linux/seq_file.h
+++ b/include/linux/seq_file.h
@@ -1,1 +1,1 @@
-/* SPDX-License-Identifier: GPL-2.0 */
+/* SPDX-License-Identifier: GPL-2.0  */
P
# A global header is followed through the include graph, but seq_file.h
# reaches thousands of objects: refused before running the preprocessor.
expect 4 "include/linux/seq_file.h: " -- -k "$k" -o "$t" "$t/header.patch"
expect 4 "more than 10 times --max-objects 100" -- -k "$k" -o "$t" "$t/header.patch"
# delayacct.h reaches 14 objects: above a lower limit, refused naming the count.
expect 4 "include/linux/delayacct.h: 14 objects of this kernel's config include it, more than --max-objects 5" -- \
	-k "$k" --max-objects 5 -o "$t" "$p/header-global-inline.patch"
expect 1 "--max-objects 0: expected a number" -- -k "$k" --max-objects 0 -o "$t" "$p/header-global-inline.patch"

# Compiler check: a config claiming another compiler.
sed 's/^CONFIG_CC_VERSION_TEXT=.*/CONFIG_CC_VERSION_TEXT="gcc-99 (Debian 99.1.0-1) 99.1.0"/' \
	"$(kernel_dir "$k")/config" >"$t/config-gcc99"
expect 6 "'gcc-99 (Debian 99.1.0-1) 99.1.0'" -- -k "$k" -c "$t/config-gcc99" -o "$t" "$p/cmdline-string.patch"
expect 6 "--skip-compiler-check" -- -k "$k" -c "$t/config-gcc99" -o "$t" "$p/cmdline-string.patch"
# Skipping the check gets past it, to the next guard: the cached tree's config.
expect 1 "differs from the config the cached tree was prepared with" -- -k "$k" -c "$t/config-gcc99" \
	--skip-compiler-check -o "$t" "$p/cmdline-string.patch"

# Symbols: missing, ambiguous, placeholder table.
grep -v ' saved_command_line$' "$smap" >"$t/map-missing"
expect 4 "fs/proc/cmdline.c: symbol 'saved_command_line' is not in the running kernel (neither Module.symvers nor $t/map-missing has it)" -- -k "$k" \
	--symbols "$t/map-missing" -o "$t" "$p/cmdline-string.patch"
sed '/ cmdline_proc_show$/p' "$smap" | awk '$3 == "cmdline_proc_show" && n++ { $1 = "ffffffff81ffff00" } 1' |
	sort >"$t/map-ambiguous"
expect 4 "function 'cmdline_proc_show' is ambiguous" -- -k "$k" --symbols "$t/map-ambiguous" \
	-o "$t" "$p/cmdline-string.patch"
# A symbol the running kernel lacks: refused before linking (exit 4), not a modpost error.
expect 4 "fs/proc/cmdline.c: symbol 'proc_cmdline_extra' is not in the running kernel" -- -k "$k" \
	-o "$t" "$p/missing-symbol.patch"
# Boot-time code only: nothing to patch at runtime, exit 9; next to a runtime change: --skip-init.
expect 9 "nothing to patch at runtime: the change is in boot-time code only (fs/proc/cmdline.c: proc_cmdline_init())" -- \
	-k "$k" -o "$t" "$p/init-code.patch"
expect 4 "rebuild with --skip-init to apply that part alone" -- -k "$k" -o "$t" \
	"$VM_TOP/tests/diff/author/init-skipped.patch"
# A changed kernel thread's main function (khungtaskd's): built, with the way out in a warning.
cat >"$t/kthread-main.patch" <<'P'
--- a/kernel/hung_task.c
+++ b/kernel/hung_task.c
@@ -362,7 +362,7 @@
 {
 	unsigned long hung_last_checked = jiffies;
 
-	set_user_nice(current, 0);
+	set_user_nice(current, 1);
 
 	for ( ; ; ) {
 		unsigned long timeout = sysctl_hung_task_timeout_secs;
P
out=$("$kb" -k "$k" -n kpt_cli_kthread -o "$t" "$t/kthread-main.patch" 2>&1) || fail "kthread-main: $out"
grep -qx "kpatch-build: warning: kernel/hung_task.c: watchdog: a kernel thread's main function (hung_task_init() starts it with kthread_create_on_node()): patch the functions it calls instead; a transition never completes while the thread sleeps in it" <<<"$out" ||
	fail "kthread-main: no warning naming watchdog and the way out: $out"
echo "ok: a changed kernel thread's main function is built with a warning"
# Debian's image package ships a one-line placeholder System.map.
expect 1 "has only" -- -k "$k" --symbols "$(kernel_dir "$k")/System.map" -o "$t" "$p/cmdline-string.patch"

# Patch file names: checked first, both header lines, shown escaped.
printf -- '--- a/../../etc/passwd\n+++ b/../../etc/passwd\n@@ -1 +1 @@\n-root\n+toor\n' >"$t/passwd.patch"
expect 1 "../../etc/passwd: path leaves the source tree (a '..' component)" -- -k "$k" -o "$t" "$t/passwd.patch"
sed 's|^--- a/fs/proc/cmdline.c|--- a/../../etc/cmdline.c|' "$p/cmdline-string.patch" >"$t/minus.patch"
expect 1 "a/../../etc/cmdline.c: path leaves the source tree" -- -k "$k" -o "$t" "$t/minus.patch"
# A FIFO as the patch: refused at once, not a hang.
mkfifo "$t/fifo.patch"
expect 1 "fifo.patch: a FIFO, not a regular file" -- -k "$k" -o "$t" "$t/fifo.patch"
# -o into directories that do not exist: none left after a failed build.
expect 5 "Hunk #1 FAILED" -- -k "$k" -o "$t/new/dir/x.ko" "$t/stale.patch"
[ ! -e "$t/new" ] || fail "a failed build left $t/new behind"
echo "ok: a failed build leaves no output directories"

# A release Debian does not have.
expect 2 "kernel 6.1.0-9999-cloud-amd64" -- -k 6.1.0-9999-cloud-amd64 -o "$t" "$p/cmdline-string.patch"
[ ! -e "$t/kpatch_stale.ko" ] && [ ! -e "$t/kpatch_comment.ko" ] || fail "a refused build wrote a module"
echo "ok: refused builds wrote no module"
left=$(ls -A "$TMPDIR")
[ -z "$left" ] || fail "work directories left behind: $left"
echo "ok: no work directory left behind"
