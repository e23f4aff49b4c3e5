#!/usr/bin/env bash
# kpatch.service fails loudly: next to a good patch, a module built for
# another kernel (kpt_lp_other, for $KPATCH_TEST_KERNEL2) and one that is not
# a livepatch (kpt_plain) are copied by hand into /var/lib/kpatch/<running
# release>/. After a reboot the good patch is live, the unit is failed, its
# journal has a line for each bad module naming it and why, and `kpatch
# check` says CRITICAL (exit 2).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../systemd.sh"
fail() { echo "FAIL: $*"; exit 1; }
[ -x "${KPT_BIN_DIR:-$VM_TOP/build/bin}/kpatch" ] || fail "no kpatch program in ${KPT_BIN_DIR:-$VM_TOP/build/bin}"
[ -f "$(vm_modules_dir "$KPATCH_TEST_KERNEL2")/kpt_lp_other.ko" ] || fail "kpt_lp_other.ko not built for $KPATCH_TEST_KERNEL2"

img=$(vm_sd_image failed) || fail "cannot make the disk image"
vm_sd_install_service "$img" || fail "cannot install kpatch.service into the image"

cat >"$VM_OUT/boot1.sh" <<'G'
. /lib/kpt-guest.sh
expect_rc 0 "kpatch install kpt_lp_cmdline" -- kpatch install /modules/kpt_lp_cmdline.ko
# By hand, as an administrator might after a kernel update: kpatch install
# would refuse this file.
cp /modules/other/kpt_lp_other.ko /modules/kpt_plain.ko /var/lib/kpatch/$KREL/ ||
	fail "copy kpt_lp_other.ko and kpt_plain.ko"
ok "kpt_lp_other.ko (built for another kernel) and kpt_plain.ko (no livepatch) copied into /var/lib/kpatch/$KREL"
expect_eq "$(systemctl is-enabled kpatch.service)" enabled "kpatch.service enabled"
G
vm_sd_boot "$img" "$VM_OUT/boot1.sh" || fail "boot 1 (install) failed"

cat >"$VM_OUT/boot2.sh" <<'G'
. /lib/kpt-guest.sh
expect_eq "$(systemctl is-failed kpatch.service)" failed "kpatch.service is failed"
expect_eq "$(systemctl show -P Result kpatch.service)" exit-code "it failed on kpatch's exit code"
journalctl -b -u kpatch.service -o cat >/tmp/journal
cat /tmp/journal
grep kpt_lp_other /tmp/journal | grep "@KREL2@" | grep -q "$KREL" ||
	fail "no journal line names kpt_lp_other, its kernel @KREL2@ and the running $KREL"
ok "the journal names kpt_lp_other and why (built for @KREL2@, not $KREL)"
grep kpt_plain /tmp/journal | grep -q -i livepatch ||
	fail "no journal line names kpt_plain and says it is not a livepatch"
ok "the journal names kpt_plain and why (not a livepatch)"
# It went on past the failure: the good patch is live.
expect_eq "$(cat /proc/cmdline)" "kpatch-test: patched cmdline" "the good patch was still applied"
module_gone kpt_lp_other || fail "kpt_lp_other is loaded"
module_gone kpt_plain || fail "kpt_plain is loaded"
ok "neither kpt_lp_other nor kpt_plain was loaded"
expect_rc 2 "kpatch check is CRITICAL" -- kpatch check
expect_contains "$out" kpt_lp_other "kpatch check names kpt_lp_other"
G
sed -i "s/@KREL2@/$KPATCH_TEST_KERNEL2/g" "$VM_OUT/boot2.sh"
vm_sd_boot "$img" "$VM_OUT/boot2.sh" || fail "boot 2 (failed unit) failed"
