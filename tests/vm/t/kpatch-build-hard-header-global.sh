#!/usr/bin/env bash
# A patch that changes only a static inline in a header of the global
# include path (include/linux/delayacct.h). kpatch-build finds the source
# files that may include it through the textual include graph of the tree
# (built once per kernel, cached), keeps the objects the config builds,
# confirms them with the preprocessor and rebuilds those; the report names
# the three counts. Only do_task_stat changes. In the VM the patched
# function is live and /proc/<pid>/stat shows the new value.
. "$(dirname "$0")/../lib.sh"
bin=${KPT_BIN_DIR:-$VM_TOP/build/bin}
p=$VM_TOP/tests/patches/header-global-inline
out=$VM_OUT/header-global
mkdir -p "$out"
o=$("$bin/kpatch-build" -k "$KPATCH_TEST_KERNEL" -n kpt_hglobal -o "$out" "$p.patch" 2>&1) ||
	{ echo "FAIL: kpatch-build: $o"; exit 1; }
line=$(grep "^kpatch-build: header include/linux/delayacct.h: " <<<"$o") ||
	{ echo "FAIL: no header report in: $o"; exit 1; }
grep -qE ": [0-9]+ source files include it by text \(graph (built|cached) in [0-9.]+ s\), [0-9]+ objects of this config, 14 confirmed by the preprocessor \([0-9]+ run in [0-9.]+ s\) and rebuilt: fs/proc/array.o .*kernel/fork.o .*mm/vmscan.o$" <<<"$line" ||
	{ echo "FAIL: report: $line"; exit 1; }
text=$(sed -n 's/.*: \([0-9]*\) source files.*/\1/p' <<<"$line")
conf=$(sed -n 's/.*config, \([0-9]*\) confirmed.*/\1/p' <<<"$line")
[ "$text" -ge "$conf" ] || { echo "FAIL: fewer candidates ($text) than confirmed ($conf)"; exit 1; }
grep -qE "built .* 1 function patched \(do_task_stat\), 0 new" <<<"$o" ||
	{ echo "FAIL: not do_task_stat alone: $(tail -n 1 <<<"$o")"; exit 1; }
# The graph is cached per kernel: a second build reads it.
o2=$("$bin/kpatch-build" -k "$KPATCH_TEST_KERNEL" -n kpt_hglobal -o "$out" "$p.patch" 2>&1) ||
	{ echo "FAIL: second kpatch-build: $o2"; exit 1; }
grep -qE "graph cached in [0-9.]+ s\), [0-9]+ objects of this config, 14 confirmed by the preprocessor \(0 run" <<<"$o2" ||
	{ echo "FAIL: second build did not use the caches: $(grep 'header ' <<<"$o2")"; exit 1; }
echo "ok: $(sed 's/ and rebuilt:.*//; s/^kpatch-build: //' <<<"$line")"
echo "ok: $(tail -n 1 <<<"$o")"

guest=$(mktemp)
cat >"$guest" <<'G'
. /lib/kpt-guest.sh
m=kpt_hglobal
sh /c/check && fail "check passes before loading"
expect_eq "$(cut -d' ' -f42 /proc/self/stat)" "0" "blkio ticks before"
insmod /m/$m.ko || fail "insmod"
wait_until 60 lp_settled $m || fail "transition"
expect_eq "$(ls -d $LP/$m/vmlinux/*,* | sed "s,.*/,," | sed 's/,.*//' | sort | tr '\n' ' ')" "do_task_stat " "patched functions"
sh /c/check || fail "check fails with the patch"
ok "global header change live; /proc/<pid>/stat field 42 reads all ones"
echo 0 >$LP/$m/enabled
wait_until 60 lp_gone $m || fail "disable"
rmmod $m || fail "rmmod"
sh /c/check && fail "check passes after unload"
expect_eq "$(cut -d' ' -f42 /proc/self/stat)" "0" "blkio ticks after"
ok "unloaded"
G
vm_run -f "$out/kpt_hglobal.ko:/m/kpt_hglobal.ko" -f "$p.check:/c/check" "$guest"
