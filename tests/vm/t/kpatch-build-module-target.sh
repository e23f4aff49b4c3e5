#!/usr/bin/env bash
# Live patches of loadable modules, in both orders, on the real kernel:
#  - binfmt_misc, loaded after the patch: livepatch keeps the module's
#    object pending, and when the module arrives it writes the module's
#    .klp.rela sections and redirects its function before the module runs;
#  - tun, loaded before the patch: patched at once;
#  - xfs, loaded after the patch that follows the fix named by the refusal
#    of module-xfs-tracepoint (its own tracepoint left out).
# Either module may leave and come back while its patch stays enabled: each
# time it arrives it is patched again (the patch clears what livepatch
# relocated into its code when the module left; without that the 6.1
# loader refuses the returning module). Unloading the patch gives the
# original functions back, and the modules still load afterwards.
. "$(dirname "$0")/../lib.sh"
bin=${KPT_BIN_DIR:-$VM_TOP/build/bin}
out=$VM_OUT/mods
mkdir -p "$out"
# build MODULE PATCH-FILE
build() {
	"$bin/kpatch-build" -k "$KPATCH_TEST_KERNEL" -n "$1" -o "$out" "$2" >"$out/$1.log" 2>&1 ||
		{ echo "FAIL: kpatch-build $2: $(cat "$out/$1.log")"; exit 1; }
	echo "ok: $(tail -n 1 "$out/$1.log")"
}
build kpt_binfmt_later "$VM_TOP/tests/patches/module-binfmt-misc.patch"
build kpt_tun_before "$VM_TOP/tests/patches/module-tun-fdinfo.patch"
# The refusal of module-xfs-tracepoint says to leave the module's own
# tracepoint out of the changed function; so changed, the patch builds.
sed -e 's/^ \ttrace_xfs_file_fsync(ip);$/-\ttrace_xfs_file_fsync(ip);/' \
	-e 's/^@@ -141,6 +141,10 @@$/@@ -141,6 +141,9 @@/' \
	"$VM_TOP/tests/patches/module-xfs-tracepoint.patch" >"$out/xfs-fixed.patch"
grep -q '^-.trace_xfs_file_fsync(ip);$' "$out/xfs-fixed.patch" ||
	{ echo "FAIL: the fix was not applied to the xfs patch"; exit 1; }
build kpt_xfs_fixed "$out/xfs-fixed.patch"

guest=$(mktemp)
cat >"$guest" <<'G'
. /lib/kpt-guest.sh
mods=/lib/modules/$KREL/kernel

# binfmt_misc: the patch first, then the module
p=kpt_binfmt_later
d=/proc/sys/fs/binfmt_misc
grep -q "^binfmt_misc " /proc/modules && fail "binfmt_misc is already loaded"
insmod /mods/$p.ko || fail "insmod $p"
wait_until 30 lp_settled $p || fail "transition"
expect_eq "$(cat $LP/$p/binfmt_misc/patched)" 0 "module object pending while binfmt_misc is absent"
insmod $mods/fs/binfmt_misc.ko || fail "insmod binfmt_misc"
expect_eq "$(cat $LP/$p/binfmt_misc/patched)" 1 "module object patched when binfmt_misc loads"
mount -t binfmt_misc binfmt_misc $d || fail "mount binfmt_misc"
expect_eq "$(cat $d/status)" "enabled (kpatch)" "patched status text"
for round in 1 2; do
	umount $d && rmmod binfmt_misc || fail "remove binfmt_misc while patched ($round)"
	expect_eq "$(cat $LP/$p/binfmt_misc/patched)" 0 "module object unpatched when binfmt_misc leaves ($round)"
	expect_eq "$(cat $LP/$p/enabled)" 1 "patch stays enabled without its target ($round)"
	insmod $mods/fs/binfmt_misc.ko || fail "insmod binfmt_misc again ($round)"
	expect_eq "$(cat $LP/$p/binfmt_misc/patched)" 1 "module object patched again on reload ($round)"
	mount -t binfmt_misc binfmt_misc $d || fail "mount binfmt_misc again ($round)"
	expect_eq "$(cat $d/status)" "enabled (kpatch)" "patched status text after reload ($round)"
done
echo 0 >$LP/$p/enabled
wait_until 30 lp_gone $p || fail "disable"
rmmod $p || fail "rmmod $p"
expect_eq "$(cat $d/status)" "enabled" "original status text after unload"
umount $d && rmmod binfmt_misc || fail "remove binfmt_misc"
insmod $mods/fs/binfmt_misc.ko && rmmod binfmt_misc || fail "binfmt_misc loads after the patch is gone"
ok "binfmt_misc removed"

# tun: the module first, then the patch
p=kpt_tun_before
tun_iff() { sh -c 'exec 3<>/dev/net/tun && grep "^iff:" /proc/$$/fdinfo/3'; }
insmod $mods/drivers/net/tun.ko || fail "insmod tun"
[ -c /dev/net/tun ] || { mkdir -p /dev/net && mknod /dev/net/tun c 10 200; } || fail "mknod"
expect_eq "$(tun_iff)" "iff:	" "original fdinfo before the patch"
insmod /mods/$p.ko || fail "insmod $p"
wait_until 30 lp_settled $p || fail "transition"
expect_eq "$(cat $LP/$p/tun/patched)" 1 "tun patched at once"
expect_eq "$(tun_iff)" "iff:	(detached)" "patched fdinfo"
rmmod tun || fail "rmmod tun while patched"
expect_eq "$(cat $LP/$p/tun/patched)" 0 "tun object unpatched when tun leaves"
insmod $mods/drivers/net/tun.ko || fail "insmod tun again"
expect_eq "$(cat $LP/$p/tun/patched)" 1 "tun patched again on reload"
expect_eq "$(tun_iff)" "iff:	(detached)" "patched fdinfo after reload"
echo 0 >$LP/$p/enabled
wait_until 30 lp_gone $p || fail "disable"
rmmod $p || fail "rmmod $p"
expect_eq "$(tun_iff)" "iff:	" "original fdinfo after unload"
rmmod tun && insmod $mods/drivers/net/tun.ko && rmmod tun || fail "tun reloads after the patch is gone"
ok "tun removed"

# xfs with the fixed patch: loaded after the patch, then reloaded
p=kpt_xfs_fixed
grep -q "^libcrc32c " /proc/modules || insmod $mods/lib/libcrc32c.ko || fail "insmod libcrc32c"
insmod /mods/$p.ko || fail "insmod $p"
wait_until 30 lp_settled $p || fail "transition"
expect_eq "$(cat $LP/$p/xfs/patched)" 0 "xfs object pending"
insmod $mods/fs/xfs/xfs.ko || fail "insmod xfs"
expect_eq "$(cat $LP/$p/xfs/patched)" 1 "xfs patched when it loads"
rmmod xfs && insmod $mods/fs/xfs/xfs.ko || fail "reload xfs while patched"
expect_eq "$(cat $LP/$p/xfs/patched)" 1 "xfs patched again on reload"
echo 0 >$LP/$p/enabled
wait_until 30 lp_gone $p || fail "disable"
rmmod $p && rmmod xfs || fail "remove $p and xfs"
ok "xfs reloaded"
G
vm_run -f "$out/kpt_binfmt_later.ko:/mods/kpt_binfmt_later.ko" \
	-f "$out/kpt_tun_before.ko:/mods/kpt_tun_before.ko" \
	-f "$out/kpt_xfs_fixed.ko:/mods/kpt_xfs_fixed.ko" "$guest"
