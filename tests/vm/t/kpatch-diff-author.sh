#!/usr/bin/env bash
# The author macros (kmod/kpatch-author.h) and the differ's warnings on the
# real kernel. Each patch in tests/diff/author/ is built with kpatch-build
# against the test kernel's source, then loaded in the VM:
#   shadow-reads      a per-task shadow variable counts reads of
#                     /proc/version; freed by a post_unpatch callback
#   callbacks-order   pre_patch, post_patch on load, pre_unpatch,
#                     post_unpatch on disable, in that order in dmesg
#   callback-refuses  a pre_patch callback returns -EBUSY: insmod fails,
#                     no module, no livepatch, nothing patched
#   export-new        adds an EXPORT_SYMBOL_GPL: built with one warning line
#                     saying the export was not added; the code change works
#   init-skipped      also changes __init code: refused, unless --skip-init,
#                     which names proc_cmdline_init() and applies the rest
#   module-callbacks  callbacks of a module's klp object (binfmt_misc): none
#                     while the module is absent, pre_patch and post_patch
#                     when it loads, pre_unpatch and post_unpatch when it goes
#   module-refuses    a pre_patch of binfmt_misc's object that refuses while
#                     the host is named kpatch-refuse: insmod fails (busybox
#                     retries with init_module, refused too); renamed, the
#                     next insmod is patched (the refusal left no relocated
#                     values behind to block it)
#   ignore-function   changes show_interrupts and, marked with
#                     KPATCH_IGNORE_FUNCTION, irq_spurious_proc_show: only the
#                     first is patched
#   static-local-lost show_interrupts stops using its static local: refused;
#   static-local-forced  the same with KPATCH_FORCE: built, one warning line,
#                     and /proc/interrupts still works with it loaded
# vm_run fails the test on any oops, BUG or WARN.
. "$(dirname "$0")/../lib.sh"
bin=${KPT_BIN_DIR:-$VM_TOP/build/bin}
adir=$VM_TOP/tests/diff/author
mods=$VM_OUT/diff-author-modules
mkdir -p "$mods"

fail() { echo "FAIL: $*"; exit 1; }

# build NAME [OPTION...]: prints kpatch-build's output, fails the test on error
build() {
	local n=$1 out
	shift
	out=$("$bin/kpatch-build" "$@" -k "$KPATCH_TEST_KERNEL" -n "kpt_author_${n//-/_}" \
		-o "$mods" "$adir/$n.patch" 2>&1) ||
		fail "$n: kpatch-build failed: $(tail -n 5 <<<"$out")"
	echo "ok: $n built: $(tail -n 1 <<<"$out")" >&2
	printf '%s\n' "$out"
}

build shadow-reads >/dev/null
build callbacks-order >/dev/null
build callback-refuses >/dev/null
build ignore-function >/dev/null
build module-callbacks >/dev/null
build module-refuses >/dev/null

out=$(build export-new)
grep -qx "kpatch-build: warning: fs/proc/version.c: exports not changed (a live patch cannot add or remove exports; the code change is applied): proc_version_banner_len (new, GPL)" <<<"$out" ||
	fail "export-new: no warning line naming the export: $out"
echo "ok: export-new: the export that was not added is named"

out=$("$bin/kpatch-build" -k "$KPATCH_TEST_KERNEL" -n kpt_author_init_refused -o "$mods" \
	"$adir/init-skipped.patch" 2>&1)
rc=$?
[ $rc = 4 ] || fail "init-skipped without --skip-init: exit $rc, expected 4: $out"
grep -q "proc_cmdline_init: changed __init" <<<"$out" ||
	fail "init-skipped without --skip-init: the refusal does not name proc_cmdline_init: $out"
grep -q "rebuild with --skip-init to apply that part alone" <<<"$out" ||
	fail "init-skipped without --skip-init: the refusal does not name --skip-init as the way out: $out"
[ ! -e "$mods/kpt_author_init_refused.ko" ] || fail "init-skipped: a module was left after the refusal"
echo "ok: init-skipped: refused without --skip-init (exit 4)"
out=$(build init-skipped --skip-init)
grep -qx "kpatch-build: warning: fs/proc/cmdline.c: init code not applied (it already ran at boot): proc_cmdline_init()" <<<"$out" ||
	fail "init-skipped: no warning line naming proc_cmdline_init(): $out"
echo "ok: init-skipped: --skip-init names the init function left out"

out=$("$bin/kpatch-build" -k "$KPATCH_TEST_KERNEL" -n kpt_author_static_lost -o "$mods" \
	"$adir/static-local-lost.patch" 2>&1)
rc=$?
[ $rc = 4 ] || fail "static-local-lost: exit $rc, expected 4: $out"
grep -q "error: kernel/irq/proc.c: show_interrupts: no longer uses its static local prec\.[0-9]*, so the state" <<<"$out" ||
	fail "static-local-lost: the refusal does not name show_interrupts and prec: $out"
echo "ok: static-local-lost: refused (exit 4), naming the function and the variable"
out=$(build static-local-forced)
grep -q "kpatch-build: warning: kernel/irq/proc.c: show_interrupts: forced (KPATCH_FORCE): no longer uses static local prec\." <<<"$out" ||
	fail "static-local-forced: no warning line naming the forced function: $out"
echo "ok: static-local-forced: built, with a warning naming show_interrupts"

files=()
for ko in "$mods"/kpt_author_*.ko; do
	files+=(-f "$ko:/patches/$(basename "$ko")")
done

guest=$(mktemp)
cat >"$guest" <<'G'
. /lib/kpt-guest.sh
# load M: insmod and wait for the transition
load() {
	insmod "/patches/$1.ko" || fail "$1: insmod"
	wait_until 60 lp_settled "$1" || fail "$1: transition did not finish"
}
# unload M: disable, wait, rmmod
unload() {
	echo 0 >"$LP/$1/enabled"
	wait_until 60 lp_gone "$1" || fail "$1: did not disable"
	rmmod "$1" || fail "$1: rmmod"
}
# Three reads by one task (the shell's own "read" builtin), then one by another.
three_reads() { sh -c 'read a </proc/version; read b </proc/version; read c </proc/version; echo "$a|$c"'; }

m=kpt_author_shadow_reads
expect_not_contains "$(three_reads)" "reads=" "$m: no counter before loading"
load $m
r=$(three_reads)
expect_contains "$r" "reads=1 Linux version" "$m: first read of a task counts 1"
expect_contains "$r" "|reads=3 Linux version" "$m: third read of the same task counts 3"
expect_contains "$(three_reads)" "reads=1 Linux version" "$m: another task has its own counter"
unload $m
expect_not_contains "$(three_reads)" "reads=" "$m: no counter after unload"

m=kpt_author_callbacks_order
dmesg -c >/dev/null
load $m
expect_contains "$(cat /proc/cmdline)" "kpatch_callbacks" "$m: patched while loaded"
unload $m
expect_not_contains "$(cat /proc/cmdline)" "kpatch_callbacks" "$m: original after unload"
order=$(dmesg | grep -o 'kpatch-author: [a-z_]*' | sed 's/kpatch-author: //' | tr '\n' ' ')
expect_eq "$order" "pre_patch post_patch pre_unpatch post_unpatch " "$m: callbacks ran in order"

m=kpt_author_callback_refuses
dmesg -c >/dev/null
insmod /patches/$m.ko 2>/dev/null && fail "$m: insmod succeeded though pre_patch refused"
ok "$m: insmod failed"
grep -q "^$m " /proc/modules && fail "$m: module left loaded"
[ -e "$LP/$m" ] && fail "$m: livepatch left in sysfs"
expect_not_contains "$(cat /proc/cmdline)" "kpatch_refused" "$m: nothing patched"
expect_contains "$(dmesg)" "kpatch-author: pre_patch refuses" "$m: the callback ran"

m=kpt_author_export_new
load $m
expect_contains "$(cat /proc/version)" "banner_len=" "$m: code change applied"
grep -q "__ksymtab_proc_version_banner_len" /proc/kallsyms && fail "$m: an export table entry appeared"
ok "$m: no export added"
unload $m
expect_not_contains "$(cat /proc/version)" "banner_len=" "$m: original after unload"

m=kpt_author_module_callbacks
d=/proc/sys/fs/binfmt_misc
grep -q "^binfmt_misc " /proc/modules && fail "$m: binfmt_misc is loaded already"
dmesg -c >/dev/null
load $m
expect_eq "$(dmesg | grep -c 'kpatch-author: binfmt_misc')" "0" "$m: no callback while binfmt_misc is absent"
insmod "/lib/modules/$KREL/kernel/fs/binfmt_misc.ko" || fail "$m: insmod binfmt_misc"
mount -t binfmt_misc binfmt_misc $d || fail "$m: mount binfmt_misc"
expect_eq "$(cat $d/status)" "enabled (kpatch callbacks)" "$m: binfmt_misc patched when it loads"
umount $d && rmmod binfmt_misc || fail "$m: remove binfmt_misc"
order=$(dmesg | grep -o 'kpatch-author: binfmt_misc [a-z_]*' | sed 's/.* //' | tr '\n' ' ')
expect_eq "$order" "pre_patch post_patch pre_unpatch post_unpatch " "$m: module callbacks follow the module"
unload $m

m=kpt_author_module_refuses
host=$(hostname)
dmesg -c >/dev/null
load $m
hostname kpatch-refuse
insmod "/lib/modules/$KREL/kernel/fs/binfmt_misc.ko" 2>/dev/null &&
	fail "$m: binfmt_misc loaded though pre_patch refused it"
grep -q "^binfmt_misc " /proc/modules && fail "$m: binfmt_misc left loaded"
expect_contains "$(dmesg)" "kpatch-author: binfmt_misc pre_patch refuses on host kpatch-refuse" "$m: the callback refused"
hostname "$host"
insmod "/lib/modules/$KREL/kernel/fs/binfmt_misc.ko" || fail "$m: insmod of binfmt_misc after the refusal"
expect_eq "$(cat $LP/$m/binfmt_misc/patched)" 1 "$m: patched when it arrives again"
mount -t binfmt_misc binfmt_misc $d || fail "$m: mount binfmt_misc"
expect_eq "$(cat $d/status)" "enabled (kpatch arrived)" "$m: new status text"
umount $d && rmmod binfmt_misc || fail "$m: remove binfmt_misc"
unload $m

m=kpt_author_ignore_function
load $m
expect_contains "$(cat /proc/interrupts)" "kpatch_seen" "$m: show_interrupts patched"
sp=$(ls /proc/irq/*/spurious | head -n 1)
expect_not_contains "$(cat "$sp")" "kpatch_ignored" "$m: ignored function not patched ($sp)"
expect_eq "$(ls "$LP/$m/vmlinux" | grep -c ,)" "1" "$m: one function in the patch"
[ -d "$LP/$m/vmlinux/show_interrupts,0" ] || [ -d "$LP/$m/vmlinux/show_interrupts,1" ] ||
	fail "$m: show_interrupts not in $(ls "$LP/$m/vmlinux")"
ok "$m: that function is show_interrupts"
unload $m

m=kpt_author_static_local_forced
load $m
expect_contains "$(cat /proc/interrupts)" "CPU0" "$m: /proc/interrupts works with the forced patch"
unload $m

m=kpt_author_init_skipped
load $m
expect_contains "$(cat /proc/cmdline)" "kpatch_runtime_part" "$m: runtime part applied"
expect_eq "$(ls -l /proc/cmdline | cut -c1-10)" "-r--r--r--" "$m: init part (mode 0400) not applied"
unload $m
expect_not_contains "$(cat /proc/cmdline)" "kpatch_runtime_part" "$m: original after unload"
G
vm_run "${files[@]}" "$guest"
