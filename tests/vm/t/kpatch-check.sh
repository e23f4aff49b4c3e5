#!/usr/bin/env bash
# kpatch check returns the documented code, with one line per finding, in
# each scenario: OK, installed but not loaded, kernel updated but patches
# not, loaded but not installed, loaded but withdrawn, disabled.
. "$(dirname "$0")/../lib.sh"
guest=$(mktemp)
cat >"$guest" <<'G'
. /lib/kpt-guest.sh
expect_rc 0 "nothing installed, nothing loaded: OK" -- kpatch check
expect_contains "$out" "OK: 0 patch module(s) loaded, 0 installed for $KREL" "OK line"

kpatch install -k 6.1.0-47-cloud-amd64 /modules/other/kpt_lp_other.ko >/dev/null || fail "install for the other kernel"
expect_rc 2 "installed only for another kernel: CRITICAL" -- kpatch check
expect_contains "$out" "CRITICAL: no patch modules installed for the running kernel $KREL; installed only for 6.1.0-47-cloud-amd64" "kernel-mismatch line"
expect_contains "$(kpatch --json check)" '"id":"kernel-mismatch"' "JSON finding id"
kpatch uninstall -k 6.1.0-47-cloud-amd64 kpt_lp_other >/dev/null || fail "uninstall the other kernel's module"

kpatch install /modules/kpt_lp_cmdline.ko >/dev/null || fail "install"
expect_rc 2 "installed, not loaded: CRITICAL" -- kpatch check
expect_contains "$out" "kpt_lp_cmdline is installed for the running kernel $KREL but not loaded" "not-loaded line"
kpatch load kpt_lp_cmdline >/dev/null || fail "load"
expect_rc 0 "installed and loaded: OK" -- kpatch check

# The guide's uninstall: the module stays loaded but will not come back.
kpatch uninstall kpt_lp_cmdline >/dev/null || fail "uninstall"
expect_rc 1 "loaded but not installed: WARNING" -- kpatch check
expect_contains "$out" "WARNING: kpt_lp_cmdline is loaded but not installed for $KREL; it will be gone after a reboot" "not-installed line"
kpatch install /modules/kpt_lp_cmdline.ko >/dev/null || fail "reinstall"

# An installed atomic-replace patch supersedes the older installed one.
kpatch install /modules/kpt_lp_replace.ko >/dev/null || fail "install replace"
kpatch load kpt_lp_replace >/dev/null || fail "load replace"
expect_rc 1 "installed module superseded by a replace patch: WARNING" -- kpatch check
expect_contains "$out" "WARNING: kpt_lp_cmdline is installed but superseded by atomic-replace patch kpt_lp_replace; uninstall it" "superseded line"
kpatch unload kpt_lp_replace >/dev/null || fail "unload replace"
kpatch uninstall kpt_lp_replace >/dev/null || fail "uninstall replace"
kpatch load kpt_lp_cmdline >/dev/null || fail "reload"

mkdir -p /etc/kpatch/withdrawn.d
echo "# withdrawn by the vendor" >/etc/kpatch/withdrawn.d/vendor
echo "kpt_lp_cmdline@$KREL" >>/etc/kpatch/withdrawn.d/vendor
expect_rc 2 "loaded but withdrawn: CRITICAL" -- kpatch check
expect_contains "$out" "CRITICAL: kpt_lp_cmdline is loaded but withdrawn; unload it with \`kpatch unload kpt_lp_cmdline\`" "withdrawn line"
expect_rc 4 "loading a withdrawn module refused" -- sh -c "kpatch unload kpt_lp_cmdline >/dev/null; kpatch load kpt_lp_cmdline"
expect_contains "$out" "withdrawn list" "refusal names the withdrawn list"
expect_rc 1 "withdrawn and installed, not loaded: WARNING" -- kpatch check
expect_contains "$out" "WARNING: kpt_lp_cmdline is withdrawn but still installed" "withdrawn-installed line"
rm -r /etc/kpatch/withdrawn.d

kpatch load kpt_lp_cmdline >/dev/null || fail "load again"
echo 0 >$LP/kpt_lp_cmdline/enabled
wait_until 30 lp_gone kpt_lp_cmdline || fail "did not disable"
expect_rc 2 "loaded but disabled: CRITICAL" -- kpatch check
expect_contains "$out" "kpt_lp_cmdline is installed and loaded but not enabled" "not-enabled line"
expect_contains "$(kpatch list)" "kpt_lp_cmdline [superseded]" "list shows the dead module"
expect_rc 0 "unload a disabled module" -- kpatch unload kpt_lp_cmdline
module_gone kpt_lp_cmdline || fail "still loaded"
ok "removed"
G
vm_run "$guest"
