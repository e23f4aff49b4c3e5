#!/usr/bin/env bash
# kpatch.service waits for the file system that holds /var/lib/kpatch: here
# it is a disk of its own (/dev/vdb, mounted by fstab), holding an installed
# kpt_lp_cmdline. At boot the unit runs after that mount and after
# local-fs.target, before sysinit.target, and loads the patch from it. The
# real systemd also finds nothing to criticise in the unit as installed
# (manual pages aside: the test rootfs has no man).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../systemd.sh"
fail() { echo "FAIL: $*"; exit 1; }
[ -x "${KPT_BIN_DIR:-$VM_TOP/build/bin}/kpatch" ] || fail "no kpatch program in ${KPT_BIN_DIR:-$VM_TOP/build/bin}"
ko="$(vm_modules_dir "$VM_KERNEL")/kpt_lp_cmdline.ko"
[ -f "$ko" ] || fail "kpt_lp_cmdline.ko not built for $VM_KERNEL"

img=$(vm_sd_image mount) || fail "cannot make the disk image"
vm_sd_install_service "$img" || fail "cannot install kpatch.service into the image"

# The patch store on its own file system, made on the host.
store="$VM_OUT/store"
mkdir -p "$store/$VM_KERNEL"
install -m 0644 "$ko" "$store/$VM_KERNEL/"
mkfs.ext4 -q -F -L kpt-store -d "$store" "$VM_OUT/store.img" 64M >/dev/null 2>&1 ||
	fail "cannot make the store file system"
printf '/dev/vda / ext4 rw,errors=remount-ro 0 0\n/dev/vdb /var/lib/kpatch ext4 ro 0 0\n' >"$VM_OUT/fstab"
vm_sd_put "$img" "$VM_OUT/fstab" /etc/fstab || fail "cannot write /etc/fstab"
# Enabled as `systemctl enable` would, without booting.
ln -s /usr/local/lib/systemd/system/kpatch.service "$VM_OUT/kpatch.link"
vm_sd_put "$img" "$VM_OUT/kpatch.link" /etc/systemd/system/sysinit.target.wants/kpatch.service ||
	fail "cannot enable kpatch.service"

cat >"$VM_OUT/boot1.sh" <<'G'
. /lib/kpt-guest.sh
expect_eq "$(findmnt -n -o SOURCE /var/lib/kpatch)" /dev/vdb "/var/lib/kpatch is its own file system"
expect_eq "$(systemctl is-enabled kpatch.service)" enabled "kpatch.service enabled"
expect_eq "$(systemctl is-active kpatch.service)" active "kpatch.service is active"
expect_eq "$(cat /proc/cmdline)" "kpatch-test: patched cmdline" "the patch on /dev/vdb is live"
ts() { systemctl show -P "$2" "$1"; }
start=$(ts kpatch.service ExecMainStartTimestampMonotonic)
done_at=$(ts kpatch.service ExecMainExitTimestampMonotonic)
mounted=$(ts var-lib-kpatch.mount ActiveEnterTimestampMonotonic)
localfs=$(ts local-fs.target ActiveEnterTimestampMonotonic)
sysinit=$(ts sysinit.target ActiveEnterTimestampMonotonic)
echo "monotonic us: store mounted $mounted, local-fs $localfs, kpatch start $start, done $done_at, sysinit $sysinit"
[ "$mounted" -gt 0 ] && [ "$mounted" -le "$start" ] || fail "kpatch.service started before /var/lib/kpatch was mounted"
ok "kpatch.service started after /var/lib/kpatch was mounted"
[ "$localfs" -le "$start" ] || fail "kpatch.service started before local-fs.target"
ok "kpatch.service started after local-fs.target"
[ "$done_at" -le "$sysinit" ] || fail "kpatch.service finished after sysinit.target"
ok "kpatch.service finished before sysinit.target"
expect_contains "$(systemctl show -P After kpatch.service)" var-lib-kpatch.mount "the unit is ordered after the store's mount"
expect_rc 0 "systemd-analyze verify accepts the installed unit" -- \
	systemd-analyze verify --man=no /usr/local/lib/systemd/system/kpatch.service
expect_eq "$out" "" "systemd-analyze verify has no remarks"
G
vm_sd_boot -d "$VM_OUT/store.img" "$img" "$VM_OUT/boot1.sh" || fail "the boot failed"
