#!/usr/bin/env bash
# kpatch install, load, list (exact output), info, unload, uninstall on the
# real kernel; each step checked by its effect on /proc/cmdline and sysfs.
. "$(dirname "$0")/../lib.sh"
guest=$(mktemp)
cat >"$guest" <<'G'
. /lib/kpt-guest.sh
orig=$(cat /proc/cmdline)
M=/modules/kpt_lp_cmdline.ko

expect_rc 0 "install" -- kpatch install $M
[ -f /var/lib/kpatch/$KREL/kpt_lp_cmdline.ko ] || fail "installed file missing"
expect_eq "$(stat -c %a /var/lib/kpatch/$KREL/kpt_lp_cmdline.ko)" 644 "installed file mode"
cmp -s $M /var/lib/kpatch/$KREL/kpt_lp_cmdline.ko || fail "installed copy differs"
ok "installed copy identical"
expect_eq "$(kpatch list)" "Loaded patch modules:
Installed patch modules:
kpt_lp_cmdline ($KREL) CVE-2099-0001" "list before load"

out=$(kpatch load kpt_lp_cmdline 2>&1) || fail "load by name: $out"
expect_contains "$out" "transition complete" "load reports completion"
expect_eq "$(cat $LP/kpt_lp_cmdline/transition)" 0 "no transition left after load returns"
expect_eq "$(cat /proc/cmdline)" "kpatch-test: patched cmdline" "patched /proc/cmdline"
expect_eq "$(kpatch list)" "Loaded patch modules:
kpt_lp_cmdline [enabled] CVE-2099-0001
Installed patch modules:
kpt_lp_cmdline ($KREL) CVE-2099-0001" "list after load"
expect_eq "$(kpatch list -v | sed -n 3p)" "    vmlinux:cmdline_proc_show,1 (kpt_lp_cmdline)" "list -v names the patched function"
json=$(kpatch --json list)
expect_contains "$json" '"loaded":[{"name":"kpt_lp_cmdline","state":"enabled","installed":true,"cves":["CVE-2099-0001"]' "list --json"
expect_rc 0 "load again is a no-op" -- kpatch load $M

info=$(kpatch info kpt_lp_cmdline)
expect_contains "$info" "kernel:      $KREL" "info kernel"
expect_contains "$info" "cves:        CVE-2099-0001" "info cves"
expect_contains "$info" "state:       enabled" "info state"
expect_contains "$info" "function:    vmlinux:cmdline_proc_show,1" "info function"
expect_contains "$(kpatch --json info kpt_lp_cmdline)" '"state":"enabled"' "info --json"
expect_rc 0 "check OK while loaded and installed" -- kpatch check

out=$(kpatch unload kpt_lp_cmdline 2>&1) || fail "unload: $out"
lp_gone kpt_lp_cmdline || fail "patch still in sysfs after unload"
module_gone kpt_lp_cmdline || fail "module still loaded after unload"
ok "unloaded and removed"
expect_eq "$(cat /proc/cmdline)" "$orig" "original /proc/cmdline back"
expect_rc 3 "unload of a module that is not loaded" -- kpatch unload kpt_lp_cmdline

expect_eq "$(kpatch uninstall kpt_lp_cmdline)" "uninstalling kpt_lp_cmdline ($KREL)" "uninstall message"
[ ! -e /var/lib/kpatch/$KREL/kpt_lp_cmdline.ko ] || fail "file still installed"
expect_eq "$(kpatch list)" "Loaded patch modules:
Installed patch modules:" "list empty"
expect_rc 3 "uninstall twice" -- kpatch uninstall kpt_lp_cmdline

# Bad input, each with its documented exit code and a message naming why.
expect_rc 4 "plain module refused" -- kpatch load /modules/kpt_plain.ko
expect_contains "$out" "not a livepatch module" "plain module: reason"
module_gone kpt_plain || fail "plain module was inserted"
expect_rc 4 "install of a module for another kernel refused" -- kpatch install /modules/other/kpt_lp_other.ko
expect_contains "$out" "built for kernel 6.1.0-47-cloud-amd64, not for kernel $KREL" "mismatch names both kernels"
expect_rc 0 "install for the other kernel with -k" -- kpatch install -k 6.1.0-47-cloud-amd64 /modules/other/kpt_lp_other.ko
ln -s $M /tmp/link.ko
expect_rc 4 "symlink refused by install" -- kpatch install /tmp/link.ko
expect_contains "$out" "symbolic link" "symlink: reason"
cp $M /tmp/ww.ko; chmod 666 /tmp/ww.ko
expect_rc 4 "world-writable file refused" -- kpatch install /tmp/ww.ko
expect_contains "$out" "writable by others" "world-writable: reason"
expect_rc 3 "load of a name not installed" -- kpatch load nosuch
expect_rc 2 "unknown command" -- kpatch frobnicate
expect_contains "$(kpatch --json load nosuch)" '"code":3' "errors as JSON"
G
vm_run "$guest"
