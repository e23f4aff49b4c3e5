#!/usr/bin/env bash
# Harness self-test: a kernel WARNING during a test fails that test even when
# the guest script itself succeeds.
. "$(dirname "$0")/../lib.sh"
guest=$(mktemp)
cat >"$guest" <<'G'
insmod /modules/kpt_warn.ko
exit 0
G
vm_run "$guest" >/dev/null 2>"$VM_OUT/stderr"
rc=$?
[ $rc = 126 ] || { echo "expected vm_run to report 126 (kernel complaint), got $rc"; exit 1; }
grep -q "deliberate warning" "$VM_OUT/stderr" || { echo "the trace was not shown"; cat "$VM_OUT/stderr"; exit 1; }
echo "ok: WARNING reported as failure with its trace"
