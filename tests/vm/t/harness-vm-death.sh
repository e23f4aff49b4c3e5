#!/usr/bin/env bash
# Harness self-test: a VM that dies before its test reports a result is a
# failure, never a pass; and a guest that hangs hits the timeout.
. "$(dirname "$0")/../lib.sh"
guest=$(mktemp)
printf 'echo 1 > /proc/sys/kernel/sysrq\necho o > /proc/sysrq-trigger\nsleep 30\nexit 0\n' >"$guest"
vm_run "$guest" >/dev/null 2>&1
rc=$?
[ $rc = 125 ] || { echo "expected 125 (VM died without result), got $rc"; exit 1; }
echo "ok: VM death reported as failure (125)"
printf 'sleep 600\n' >"$guest"
vm_run -t 12 "$guest" >/dev/null 2>&1
rc=$?
[ $rc = 124 ] || { echo "expected 124 (timeout), got $rc"; exit 1; }
echo "ok: hung guest reported as timeout (124)"
