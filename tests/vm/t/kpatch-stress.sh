#!/usr/bin/env bash
# Live patching under stress, short: 16 processes call the patched uname(2)
# while kpatch loads and unloads kpt_lp_uname 5 times, then 20 load/unload
# pairs in a row. Every transition completes (kpatch and the kernel's own
# messages agree), each result is the old or the new one, nothing leaks.
# The full counts are bench/kpatch-stress.
. "$(dirname "$0")/../lib.sh"
. "$VM_TOP/tests/vm/stress.sh"
stress_run 16 5 20 30 150
