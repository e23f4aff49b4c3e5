#!/usr/bin/env bash
# Cumulative patches. kpt_cum_1 carries one fix; kpt_cum_2 carries the same
# fix plus a second one and is built with atomic replace (the default): it
# takes over from kpt_cum_1 in one transition, kpt_cum_1 leaves
# /sys/kernel/livepatch and can be removed, both fixes stay visible.
# kpt_cum_stack (--no-replace) then stacks on top without replacing.
# Unloading all of them gives the original behaviour back.
. "$(dirname "$0")/../lib.sh"
bin=${KPT_BIN_DIR:-$VM_TOP/build/bin}
p=$VM_TOP/tests/patches
out=$VM_OUT/cumulative
mkdir -p "$out"
build() {
	"$bin/kpatch-build" -k "$KPATCH_TEST_KERNEL" -o "$out" "$@" >"$out/build.log" 2>&1 ||
		{ echo "FAIL: kpatch-build $*: $(cat "$out/build.log")"; exit 1; }
	echo "ok: $(tail -n 1 "$out/build.log")"
}
build -n kpt_cum_1 "$p/fs-loadavg-fields.patch"
build -n kpt_cum_2 "$p/fs-loadavg-fields.patch" "$p/net-ptype-header.patch"
build -n kpt_cum_stack --no-replace "$p/mm-swaps-header.patch"
"$bin/kpatch" info -k "$KPATCH_TEST_KERNEL" "$out/kpt_cum_stack.ko" | grep -qx "replace:     no" ||
	{ echo "FAIL: --no-replace module is not marked as stacking"; exit 1; }
"$bin/kpatch" info -k "$KPATCH_TEST_KERNEL" "$out/kpt_cum_2.ko" | grep -qx "replace:     yes (atomic replace)" ||
	{ echo "FAIL: default module is not marked atomic replace"; exit 1; }
echo "ok: kpatch info: kpt_cum_2 replaces, kpt_cum_stack stacks"

guest=$(mktemp)
cat >"$guest" <<'G'
. /lib/kpt-guest.sh
fix1() { sh /c/fs-loadavg-fields.check; }
fix2() { sh /c/net-ptype-header.check; }
fix3() { sh /c/mm-swaps-header.check; }
fix1 && fail "first fix visible before any patch"
insmod /m/kpt_cum_1.ko || fail "insmod kpt_cum_1"
wait_until 60 lp_settled kpt_cum_1 || fail "kpt_cum_1 transition"
fix1 || fail "first fix not visible with kpt_cum_1"
fix2 && fail "second fix visible with kpt_cum_1 alone"
ok "kpt_cum_1: first fix only"

insmod /m/kpt_cum_2.ko || fail "insmod kpt_cum_2"
wait_until 60 lp_settled kpt_cum_2 || fail "kpt_cum_2 transition"
wait_until 60 lp_gone kpt_cum_1 || fail "kpt_cum_1 still in $LP after the replacing patch"
expect_eq "$(ls $LP)" "kpt_cum_2" "only the replacing patch is live"
fix1 || fail "first fix lost in the replacement"
fix2 || fail "second fix not visible with kpt_cum_2"
ok "kpt_cum_2 replaced kpt_cum_1: both fixes visible"
rmmod kpt_cum_1 || fail "rmmod of the replaced kpt_cum_1"
module_gone kpt_cum_1 || fail "kpt_cum_1 still loaded"
ok "replaced module removed"

insmod /m/kpt_cum_stack.ko || fail "insmod kpt_cum_stack"
wait_until 60 lp_settled kpt_cum_stack || fail "kpt_cum_stack transition"
expect_eq "$(cat $LP/kpt_cum_2/enabled)" 1 "kpt_cum_2 stays enabled under a --no-replace patch"
fix1 && fix2 && fix3 || fail "stacked: not all three fixes visible"
ok "stacked patch adds its fix, the cumulative one keeps its two"

for m in kpt_cum_stack kpt_cum_2; do
	echo 0 >$LP/$m/enabled || fail "disable $m"
	wait_until 60 lp_gone $m || fail "$m did not disable"
	rmmod $m || fail "rmmod $m"
done
fix1 || fix2 || fix3 && fail "a fix is still visible after unloading everything"
ok "original behaviour back after unloading all patches"
G
files=()
for n in fs-loadavg-fields net-ptype-header mm-swaps-header; do
	files+=(-f "$p/$n.check:/c/$n.check")
done
for m in kpt_cum_1 kpt_cum_2 kpt_cum_stack; do
	files+=(-f "$out/$m.ko:/m/$m.ko")
done
vm_run "${files[@]}" "$guest"
