#!/usr/bin/env bash
# One module from all buildable patches of tests/patches/ at once (those with
# a .check), applied as one series: a new patch must apply on top of the
# others. In the VM every check fails before loading, passes while the
# combined patch is enabled, and fails again after disable + rmmod.
. "$(dirname "$0")/../lib.sh"
bin=${KPT_BIN_DIR:-$VM_TOP/build/bin}
pdir=$VM_TOP/tests/patches
out=$VM_OUT/combined
rm -rf "$out"
mkdir -p "$out"
patches=() files=()
for p in "$pdir"/*.patch; do
	n=$(basename "$p" .patch)
	[ -f "$pdir/$n.check" ] || continue
	patches+=("$p")
	files+=(-f "$pdir/$n.check:/c/$n.check")
done
[ ${#patches[@]} -ge 20 ] || { echo "FAIL: only ${#patches[@]} buildable patches"; exit 1; }
echo "ok: combining all ${#patches[@]} buildable patches"
"$bin/kpatch-build" -k "$KPATCH_TEST_KERNEL" -n kpt_combined -o "$out" "${patches[@]}" >"$out/build.log" 2>&1 ||
	{ echo "FAIL: combined build: $(tail -n 3 "$out/build.log")"; exit 1; }
echo "ok: $(tail -n 1 "$out/build.log")"
echo "ok: module size $(stat -c %s "$out/kpt_combined.ko") bytes"

guest=$(mktemp)
cat >"$guest" <<'G'
. /lib/kpt-guest.sh
m=kpt_combined
for c in /c/*.check; do
	sh "$c" && fail "$(basename "$c" .check): passes before the patch is loaded"
done
ok "no check passes before loading"
insmod /m/$m.ko || fail "insmod $m"
wait_until 120 lp_settled $m || fail "transition did not finish"
n=0
for c in /c/*.check; do
	sh "$c" || fail "$(basename "$c" .check): fails with the combined patch"
	n=$((n + 1))
done
ok "all $n checks pass with the combined patch"
echo 0 >$LP/$m/enabled
wait_until 120 lp_gone $m || fail "did not disable"
rmmod $m || fail "rmmod $m"
module_gone $m || fail "$m still loaded"
for c in /c/*.check; do
	sh "$c" && fail "$(basename "$c" .check): still passes after unload"
done
ok "every check fails again after unload"
G
vm_run "${files[@]}" -f "$out/kpt_combined.ko:/m/kpt_combined.ko" "$guest"
