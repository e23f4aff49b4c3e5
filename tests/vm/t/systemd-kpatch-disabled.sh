#!/usr/bin/env bash
# kpatch.enable=0 on the kernel command line skips kpatch.service: with a
# patch installed and the unit enabled, a boot with that parameter leaves the
# kernel unpatched and the unit inactive by its condition (not failed), and
# `kpatch check` reports the installed patch as not loaded (CRITICAL, exit
# 2). The next boot without it applies the patch again.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../systemd.sh"
fail() { echo "FAIL: $*"; exit 1; }
[ -x "${KPT_BIN_DIR:-$VM_TOP/build/bin}/kpatch" ] || fail "no kpatch program in ${KPT_BIN_DIR:-$VM_TOP/build/bin}"

img=$(vm_sd_image disabled) || fail "cannot make the disk image"
vm_sd_install_service "$img" || fail "cannot install kpatch.service into the image"

cat >"$VM_OUT/boot1.sh" <<'G'
. /lib/kpt-guest.sh
expect_rc 0 "kpatch install kpt_lp_cmdline" -- kpatch install /modules/kpt_lp_cmdline.ko
expect_eq "$(systemctl is-enabled kpatch.service)" enabled "kpatch.service enabled"
G
vm_sd_boot "$img" "$VM_OUT/boot1.sh" || fail "boot 1 (install) failed"

cat >"$VM_OUT/boot2.sh" <<'G'
. /lib/kpt-guest.sh
expect_contains "$(cat /proc/cmdline)" "kpatch.enable=0" "booted with kpatch.enable=0, unpatched"
module_gone kpt_lp_cmdline || fail "kpt_lp_cmdline is loaded"
ok "kpt_lp_cmdline not loaded"
expect_eq "$(systemctl show -P ConditionResult kpatch.service)" no "the unit's condition was false"
expect_eq "$(systemctl is-active kpatch.service)" inactive "kpatch.service inactive"
systemctl is-failed --quiet kpatch.service && fail "kpatch.service is failed"
ok "kpatch.service not failed"
expect_rc 2 "kpatch check is CRITICAL" -- kpatch check
expect_contains "$out" kpt_lp_cmdline "kpatch check names the patch that is not loaded"
G
vm_sd_boot -a kpatch.enable=0 "$img" "$VM_OUT/boot2.sh" || fail "boot 2 (kpatch.enable=0) failed"

cat >"$VM_OUT/boot3.sh" <<'G'
. /lib/kpt-guest.sh
expect_eq "$(cat /proc/cmdline)" "kpatch-test: patched cmdline" "without the parameter the patch is applied"
expect_eq "$(systemctl is-active kpatch.service)" active "kpatch.service is active"
G
vm_sd_boot "$img" "$VM_OUT/boot3.sh" || fail "boot 3 (enabled again) failed"
