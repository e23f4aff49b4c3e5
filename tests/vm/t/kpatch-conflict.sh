#!/usr/bin/env bash
# Stacking on a function another patch replaces is refused unless allowed;
# an atomic-replace patch supersedes the old one and list shows it alone.
. "$(dirname "$0")/../lib.sh"
guest=$(mktemp)
cat >"$guest" <<'G'
. /lib/kpt-guest.sh
kpatch load /modules/kpt_lp_cmdline.ko >/dev/null || fail "load first patch"
expect_rc 5 "second patch on the same function refused" -- kpatch load /modules/kpt_lp_cmdline2.ko
expect_contains "$out" "vmlinux:cmdline_proc_show,1, which patch kpt_lp_cmdline already replaces" "conflict names function and patch"
module_gone kpt_lp_cmdline2 || fail "conflicting module was inserted"
expect_eq "$(cat /proc/cmdline)" "kpatch-test: patched cmdline" "first patch still live"
expect_rc 0 "stacking allowed explicitly" -- kpatch load --allow-stack /modules/kpt_lp_cmdline2.ko
expect_eq "$(cat /proc/cmdline)" "kpatch-test: second patch" "stacked patch live"
expect_rc 0 "unload stacked" -- kpatch unload kpt_lp_cmdline2
expect_eq "$(cat /proc/cmdline)" "kpatch-test: patched cmdline" "first patch live again"

expect_rc 0 "atomic-replace patch loads over it" -- kpatch load /modules/kpt_lp_replace.ko
expect_contains "$out" "removed patch module kpt_lp_cmdline (superseded by kpt_lp_replace)" "superseded module removed"
expect_eq "$(cat /proc/cmdline)" "kpatch-test: replace patch" "replace patch live"
module_gone kpt_lp_cmdline || fail "superseded module still loaded"
lp_gone kpt_lp_cmdline || fail "superseded patch still in sysfs"
expect_eq "$(kpatch list)" "Loaded patch modules:
kpt_lp_replace [enabled] CVE-2099-0001,CVE-2099-0002
Installed patch modules:" "list shows the replace patch alone, with its CVEs"
expect_rc 0 "unload replace" -- kpatch unload kpt_lp_replace
module_gone kpt_lp_replace || fail "replace module still loaded"
ok "all gone"
G
vm_run "$guest"
