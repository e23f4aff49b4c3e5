#!/usr/bin/env bash
# A live patch for a module that is not loaded yet: livepatch keeps the
# module's object pending, and when the module arrives it writes the
# module's .klp.rela sections and redirects its function before the module
# runs. Unloading the patch gives the original function back.
. "$(dirname "$0")/../lib.sh"
bin=${KPT_BIN_DIR:-$VM_TOP/build/bin}
out=$VM_OUT/mods
mkdir -p "$out"
"$bin/kpatch-build" -k "$KPATCH_TEST_KERNEL" -n kpt_binfmt_later -o "$out" \
	"$VM_TOP/tests/patches/module-binfmt-misc.patch" >"$out/build.log" 2>&1 ||
	{ echo "FAIL: kpatch-build: $(cat "$out/build.log")"; exit 1; }
echo "ok: $(tail -n 1 "$out/build.log")"

guest=$(mktemp)
cat >"$guest" <<'G'
. /lib/kpt-guest.sh
p=kpt_binfmt_later
d=/proc/sys/fs/binfmt_misc
grep -q "^binfmt_misc " /proc/modules && fail "binfmt_misc is already loaded"
insmod /mods/$p.ko || fail "insmod $p"
wait_until 30 lp_settled $p || fail "transition"
expect_eq "$(cat $LP/$p/binfmt_misc/patched)" 0 "module object pending while binfmt_misc is absent"
insmod "/lib/modules/$KREL/kernel/fs/binfmt_misc.ko" || fail "insmod binfmt_misc"
expect_eq "$(cat $LP/$p/binfmt_misc/patched)" 1 "module object patched when binfmt_misc loads"
mount -t binfmt_misc binfmt_misc $d || fail "mount binfmt_misc"
expect_eq "$(cat $d/status)" "enabled (kpatch)" "patched status text"
echo 0 >$LP/$p/enabled
wait_until 30 lp_gone $p || fail "disable"
rmmod $p || fail "rmmod $p"
expect_eq "$(cat $d/status)" "enabled" "original status text after unload"
umount $d && rmmod binfmt_misc || fail "remove binfmt_misc"
ok "binfmt_misc removed"
G
vm_run -f "$out/kpt_binfmt_later.ko:/mods/kpt_binfmt_later.ko" "$guest"
