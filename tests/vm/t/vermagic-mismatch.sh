#!/usr/bin/env bash
# A livepatch built for another kernel is refused by the real kernel, which
# names the version magic it expected.
. "$(dirname "$0")/../lib.sh"
guest=$(mktemp)
cat >"$guest" <<'G'
. /lib/kpt-guest.sh
out=$(insmod /modules/other/kpt_lp_other.ko 2>&1)
rc=$?
[ $rc != 0 ] || fail "insmod of a module for another kernel succeeded"
ok "insmod refused (exit $rc): $out"
# With MODVERSIONS the kernel checks module_layout's CRC before vermagic.
msg=$(dmesg | grep 'kpt_lp_other:')
case "$msg" in
*"disagrees about version of symbol module_layout"*|*"version magic"*) ok "kernel refused: $msg" ;;
*) fail "no kernel refusal in dmesg: '$msg'" ;;
esac
module_gone kpt_lp_other || fail "module loaded"
G
vm_run "$guest"
