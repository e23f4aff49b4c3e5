#!/usr/bin/env bash
# kpatch.service re-applies an installed patch at boot: `kpatch install`
# installs kpt_lp_cmdline and enables the unit; after a reboot the unit has
# loaded it early (before sysinit.target), /proc/cmdline shows the patched
# text, the unit is active and `kpatch check` says OK (exit 0).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../systemd.sh"
fail() { echo "FAIL: $*"; exit 1; }
[ -x "${KPT_BIN_DIR:-$VM_TOP/build/bin}/kpatch" ] || fail "no kpatch program in ${KPT_BIN_DIR:-$VM_TOP/build/bin}"

img=$(vm_sd_image reapply) || fail "cannot make the disk image"
vm_sd_install_service "$img" || fail "cannot install kpatch.service into the image"

cat >"$VM_OUT/boot1.sh" <<'G'
. /lib/kpt-guest.sh
expect_eq "$(systemctl is-enabled kpatch.service)" disabled "kpatch.service is installed, not yet enabled"
expect_rc 0 "kpatch install kpt_lp_cmdline" -- kpatch install /modules/kpt_lp_cmdline.ko
[ -f /var/lib/kpatch/$KREL/kpt_lp_cmdline.ko ] || fail "no /var/lib/kpatch/$KREL/kpt_lp_cmdline.ko"
ok "module installed for $KREL"
expect_eq "$(systemctl is-enabled kpatch.service)" enabled "kpatch install enabled kpatch.service"
G
vm_sd_boot "$img" "$VM_OUT/boot1.sh" || fail "boot 1 (install) failed"

cat >"$VM_OUT/boot2.sh" <<'G'
. /lib/kpt-guest.sh
expect_eq "$(cat /proc/cmdline)" "kpatch-test: patched cmdline" "the patch is live after the reboot"
expect_eq "$(cat $LP/kpt_lp_cmdline/enabled)" 1 "kpt_lp_cmdline enabled"
expect_eq "$(systemctl is-active kpatch.service)" active "kpatch.service is active"
expect_eq "$(systemctl show -P Result kpatch.service)" success "kpatch.service result"
journalctl -b -u kpatch.service -o cat >/tmp/journal
expect_contains "$(cat /tmp/journal)" kpt_lp_cmdline "the journal names the module it loaded"
# Ordered early: done before sysinit.target, so every ordinary service
# starts on the patched kernel.
done_at=$(systemctl show -P ExecMainExitTimestampMonotonic kpatch.service)
sysinit_at=$(systemctl show -P ActiveEnterTimestampMonotonic sysinit.target)
[ "$done_at" -gt 0 ] && [ "$done_at" -le "$sysinit_at" ] ||
	fail "kpatch.service finished at $done_at us, sysinit.target reached at $sysinit_at us"
ok "kpatch.service finished before sysinit.target ($done_at <= $sysinit_at us)"
expect_rc 0 "kpatch check is OK" -- kpatch check
kpatch check
G
vm_sd_boot "$img" "$VM_OUT/boot2.sh" || fail "boot 2 (re-apply) failed"
