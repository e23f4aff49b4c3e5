#!/usr/bin/env bash
# The minimal livepatch loads on the real kernel, /proc/cmdline shows the
# patched text, and after disable + removal the original text is back.
. "$(dirname "$0")/../lib.sh"
guest=$(mktemp)
cat >"$guest" <<'G'
. /lib/kpt-guest.sh
orig=$(cat /proc/cmdline)
expect_contains "$orig" "console=ttyS0" "original /proc/cmdline"
insmod /modules/kpt_lp_cmdline.ko || fail "insmod kpt_lp_cmdline"
wait_until 30 lp_settled kpt_lp_cmdline || fail "transition did not finish"
expect_eq "$(cat $LP/kpt_lp_cmdline/enabled)" 1 "patch enabled"
expect_eq "$(cat /proc/cmdline)" "kpatch-test: patched cmdline" "patched /proc/cmdline"
expect_contains "$(cat /proc/sys/kernel/tainted)" "" "taint readable"
echo 0 >$LP/kpt_lp_cmdline/enabled
wait_until 30 lp_gone kpt_lp_cmdline || fail "patch did not disable"
rmmod kpt_lp_cmdline || fail "rmmod"
wait_until 10 module_gone kpt_lp_cmdline || fail "module still loaded"
expect_eq "$(cat /proc/cmdline)" "$orig" "original text back"
G
vm_run "$guest"
