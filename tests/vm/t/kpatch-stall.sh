#!/usr/bin/env bash
# A transition that cannot finish: kpatch load reports the blocking task
# (pid, name, stack), reverses the transition within the timeout and leaves
# no module loaded. check reports a long transition; signal explains itself;
# force needs its confirmation flag and then pins the module.
. "$(dirname "$0")/../lib.sh"
guest=$(mktemp)
cat >"$guest" <<'G'
. /lib/kpt-guest.sh
insmod /modules/kpt_busy.ko || fail "insmod kpt_busy"
pid=$(grep -lx kpt_busy /proc/[0-9]*/comm | head -n1 | cut -d/ -f3)
[ -n "$pid" ] || fail "no kpt_busy thread"

start=$(date +%s)
expect_rc 6 "stalled load times out" -- kpatch load -t 4 /modules/kpt_lp_stall.ko
secs=$(($(date +%s) - start))
echo "$out"
expect_contains "$out" "blocked by pid $pid (kpt_busy)" "error names the blocking task"
expect_contains "$out" "kpt_busy_wait" "blocking task's stack shown"
expect_contains "$out" "reversed; module kpt_lp_stall removed" "reversed and removed"
[ $secs -le 10 ] || fail "took ${secs}s for a 4 s timeout"
ok "done in ${secs}s"
lp_gone kpt_lp_stall || fail "patch still in sysfs"
module_gone kpt_lp_stall || fail "module still loaded"
ok "no module left loaded"

# A long transition seen by check; signal on a 6.1 kernel says why it does nothing.
kpatch load -t 60 /modules/kpt_lp_stall.ko >/tmp/load.out 2>&1 &
loader=$!
wait_until 10 test -e $LP/kpt_lp_stall/transition || fail "patch did not appear"
sleep 3
expect_rc 1 "check: long transition is a WARNING" -- kpatch check --transition-threshold 2
expect_contains "$out" "WARNING: kpt_lp_stall has been patching for" "check names the transition"
expect_rc 1 "check: short transition within threshold (only not-installed)" -- kpatch --json check --transition-threshold 50
expect_not_contains "$out" "transition-stalled" "no transition finding under the threshold"
expect_rc 0 "signal" -- kpatch signal
expect_contains "$out" "signals stalled tasks itself" "signal explains the kernel does it"
expect_rc 2 "force without confirmation refused" -- kpatch force kpt_lp_stall
expect_contains "$out" "--confirm-permanent" "force says which flag"
expect_eq "$(cat $LP/kpt_lp_stall/transition)" 1 "still in transition"
expect_rc 0 "force with confirmation" -- kpatch force --confirm-permanent kpt_lp_stall
expect_contains "$out" "unswitched tasks may still run the old code" "force warns about what it cost"
wait $loader || fail "load did not finish after force: $(cat /tmp/load.out)"
ok "load finished after force"
expect_eq "$(cat $LP/kpt_lp_stall/enabled)" 1 "forced patch enabled"
echo 1 >/sys/module/kpt_busy/parameters/release
# 6.1 pins only modules whose removal (or supersession) was forced.
expect_rc 0 "a patch forced while patching can still be unloaded" -- kpatch unload kpt_lp_stall
module_gone kpt_lp_stall || fail "module still loaded"
expect_rc 3 "force of a patch that is not loaded" -- kpatch force --confirm-permanent kpt_lp_stall
G
vm_run "$guest"
