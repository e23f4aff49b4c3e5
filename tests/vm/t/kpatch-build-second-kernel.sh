#!/usr/bin/env bash
# Debian mode per release: the same patch built for the second test kernel
# (another ABI, another linux-source version, its own prepared tree) works
# on that kernel, and the module built for the first kernel is refused there.
. "$(dirname "$0")/../lib.sh"
bin=${KPT_BIN_DIR:-$VM_TOP/build/bin}
out=$VM_OUT/mods
mkdir -p "$out"
patch=$VM_TOP/tests/patches/cmdline-string.patch
for k in "$KPATCH_TEST_KERNEL" "$KPATCH_TEST_KERNEL2"; do
	"$bin/kpatch-build" -k "$k" -n kpt_cmdline_$(echo "$k" | cut -d- -f2) -o "$out/$k" "$patch" \
		>"$out/build.log" 2>&1 || { echo "FAIL: kpatch-build -k $k: $(cat "$out/build.log")"; exit 1; }
	echo "ok: $(tail -n 1 "$out/build.log")"
done
v1=$(cat "$(kernel_dir "$KPATCH_TEST_KERNEL")/version")
v2=$(cat "$(kernel_dir "$KPATCH_TEST_KERNEL2")/version")
[ "$(cat "$KPATCH_CACHE/src/$KPATCH_TEST_KERNEL2/.complete")" = "$v2" ] ||
	{ echo "FAIL: the tree for $KPATCH_TEST_KERNEL2 is not linux-source $v2"; exit 1; }
echo "ok: prepared trees: $KPATCH_TEST_KERNEL at $v1, $KPATCH_TEST_KERNEL2 at $v2"
n1=kpt_cmdline_$(echo "$KPATCH_TEST_KERNEL" | cut -d- -f2)
n2=kpt_cmdline_$(echo "$KPATCH_TEST_KERNEL2" | cut -d- -f2)

guest=$(mktemp)
cat >"$guest" <<G
. /lib/kpt-guest.sh
insmod /mods/$n1.ko 2>/dev/null && fail "the module for $KPATCH_TEST_KERNEL loaded on \$KREL"
ok "the module for $KPATCH_TEST_KERNEL is refused on \$KREL"
insmod /mods/$n2.ko || fail "insmod $n2"
wait_until 30 lp_settled $n2 || fail "transition"
expect_contains "\$(cat /proc/cmdline)" "kpatch=cmdline-string" "patched /proc/cmdline on \$KREL"
echo 0 >\$LP/$n2/enabled
wait_until 30 lp_gone $n2 || fail "disable"
rmmod $n2 || fail "rmmod"
expect_not_contains "\$(cat /proc/cmdline)" "kpatch=" "original /proc/cmdline back"
G
vm_run -k "$KPATCH_TEST_KERNEL2" -f "$out/$KPATCH_TEST_KERNEL/$n1.ko:/mods/$n1.ko" \
	-f "$out/$KPATCH_TEST_KERNEL2/$n2.ko:/mods/$n2.ko" "$guest"
