#!/usr/bin/env bash
# Self-test of the systemd VM mode (tests/vm/systemd.sh): systemd boots the
# disk to multi-user.target; a file written in boot 1 is on the disk and seen
# in boot 2 (a different boot); a failing guest script, a kernel WARNING, a
# boot that ends without a result and a boot that overruns its timeout are
# each reported as the failure they are.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../systemd.sh"
fail() { echo "FAIL: $*"; exit 1; }

img=$(vm_sd_image harness) || fail "cannot make the disk image"
token="kpt-$RANDOM-$RANDOM-$$"
g="$VM_OUT/guest"

cat >"$g.1" <<G
. /lib/kpt-guest.sh
expect_eq "\$(readlink /proc/1/exe)" /usr/lib/systemd/systemd "PID 1 is systemd"
expect_eq "\$(systemctl is-active multi-user.target)" active "multi-user.target reached"
expect_eq "\$(uname -r)" "$VM_KERNEL" "the test kernel runs"
expect_eq "\$(findmnt -n -o SOURCE /)" /dev/vda "root is the disk"
mkdir -p /var/lib/kpt-harness
echo "$token" >/var/lib/kpt-harness/token
cat /proc/sys/kernel/random/boot_id >/var/lib/kpt-harness/boot1
G
vm_sd_boot "$img" "$g.1" || fail "boot 1 failed (exit $?)"

# The file is on the disk image itself, read without booting.
vm_sd_get "$img" /var/lib/kpt-harness/token "$VM_OUT/token" || fail "token not on the disk"
[ "$(cat "$VM_OUT/token")" = "$token" ] || fail "token on disk is '$(cat "$VM_OUT/token")'"
echo "ok: boot 1's file is on the disk image"

cat >"$g.2" <<G
. /lib/kpt-guest.sh
expect_eq "\$(cat /var/lib/kpt-harness/token)" "$token" "boot 1's file seen in boot 2"
[ "\$(cat /proc/sys/kernel/random/boot_id)" != "\$(cat /var/lib/kpt-harness/boot1)" ] ||
	fail "boot 2 has boot 1's boot id"
ok "a new boot"
expect_eq "\$(journalctl -q --list-boots | grep -c -v IDX)" 2 "the journal holds both boots"
G
vm_sd_boot "$img" "$g.2" || fail "boot 2 failed (exit $?)"

printf 'echo "about to fail"\nexit 3\n' >"$g.3"
vm_sd_boot "$img" "$g.3" >"$VM_OUT/out.3" 2>&1
rc=$?
[ $rc = 3 ] || fail "a guest script exiting 3 gave $rc"
grep -q "about to fail" "$VM_OUT/out.3" || fail "the failing script's output was lost"
echo "ok: a failing guest script fails with its exit code and output"

printf 'insmod /modules/kpt_warn.ko\nexit 0\n' >"$g.4"
vm_sd_boot "$img" "$g.4" >/dev/null 2>"$VM_OUT/err.4"
rc=$?
[ $rc = 126 ] || fail "a kernel WARNING gave $rc, expected 126"
grep -q "deliberate warning" "$VM_OUT/err.4" || fail "the warning's trace was not shown"
echo "ok: a kernel WARNING fails the boot and is shown"

# The script powers the VM off at once: no exit code ever reaches the host.
printf 'systemctl poweroff --force --force\nsleep 60\n' >"$g.5"
vm_sd_boot "$img" "$g.5" >/dev/null 2>"$VM_OUT/err.5"
rc=$?
[ $rc = 125 ] || fail "a boot without a result gave $rc, expected 125"
echo "ok: a missing result is a failure"

printf 'exit 0\n' >"$g.6"
vm_sd_boot -t 4 "$img" "$g.6" >/dev/null 2>"$VM_OUT/err.6"
rc=$?
[ $rc = 124 ] || fail "a boot over its timeout gave $rc, expected 124"
echo "ok: a boot over its timeout is a failure"
