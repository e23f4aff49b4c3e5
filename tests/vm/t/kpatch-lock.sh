#!/usr/bin/env bash
# The host-wide lock on the real kernel: while `kpatch load` of a stalled
# patch holds it, an unload and an install started meanwhile each print
# one line naming the holder and wait, changing nothing (without the lock
# the unload would hit the kernel's one-transition-at-a-time EBUSY and the
# install would be done at once); read-only commands do not wait. Once the
# stall is released all three complete. Then `load --all` and an unload
# started together both complete, and the final state is consistent.
. "$(dirname "$0")/../lib.sh"
guest=$(mktemp)
cat >"$guest" <<'G'
. /lib/kpt-guest.sh
insmod /modules/kpt_busy.ko || fail "insmod kpt_busy"
expect_rc 0 "load kpt_lp_cmdline" -- kpatch load /modules/kpt_lp_cmdline.ko

kpatch load -t 120 /modules/kpt_lp_stall.ko >/tmp/a.out 2>&1 &
a=$!
wait_until 20 test -e $LP/kpt_lp_stall/transition || fail "kpt_lp_stall did not appear"
expect_eq "$(cat $LP/kpt_lp_stall/transition)" 1 "kpt_lp_stall is stalled in its transition"
expect_eq "$(head -n1 /run/kpatch/lock)" "$a" "the lock file names the holder"

kpatch unload kpt_lp_cmdline >/tmp/b.out 2>&1 &
b=$!
kpatch install /modules/kpt_lp_other.ko >/tmp/c.out 2>&1 &
c=$!
line="kpatch: waiting for another kpatch (pid $a, \`kpatch load -t 120 /modules/kpt_lp_stall.ko\`) to finish"
wait_until 30 grep -qxF "$line" /tmp/b.out || fail "unload did not say it waits: $(cat /tmp/b.out)"
ok "unload: $line"
wait_until 30 grep -qxF "$line" /tmp/c.out || fail "install did not say it waits: $(cat /tmp/c.out)"
ok "install waits too"
# Read-only commands go ahead while the lock is held.
expect_rc 0 "list while the lock is held" -- timeout 30 kpatch list
expect_contains "$out" "kpt_lp_stall [patching]" "list shows the stalled transition"
sleep 3
kill -0 $b 2>/dev/null || fail "unload finished while the lock was held: $(cat /tmp/b.out)"
kill -0 $c 2>/dev/null || fail "install finished while the lock was held: $(cat /tmp/c.out)"
expect_eq "$(cat $LP/kpt_lp_cmdline/enabled)" 1 "kpt_lp_cmdline untouched while waiting"
[ ! -e /var/lib/kpatch/$KREL/kpt_lp_other.ko ] || fail "installed while the lock was held"
ok "nothing installed while waiting"

echo 1 >/sys/module/kpt_busy/parameters/release
wait $a || fail "the stalled load failed: $(cat /tmp/a.out)"
ok "stalled load completed once released"
wait $b || fail "unload failed: $(cat /tmp/b.out)"
wait $c || fail "install failed: $(cat /tmp/c.out)"
ok "the waiting unload and install completed"
cat /tmp/a.out /tmp/b.out /tmp/c.out
expect_eq "$(cat $LP/kpt_lp_stall/enabled)" 1 "kpt_lp_stall enabled"
lp_gone kpt_lp_cmdline && module_gone kpt_lp_cmdline || fail "kpt_lp_cmdline still loaded"
ok "kpt_lp_cmdline unloaded"
[ -f /var/lib/kpatch/$KREL/kpt_lp_other.ko ] || fail "kpt_lp_other not installed"
ok "kpt_lp_other installed"
expect_eq "$(cat /run/kpatch/lock)" "" "the lock record is empty once everyone is done"

# Started together: whichever goes first, both complete, and neither sees
# the other's transition half-done.
kpatch load --all >/tmp/d.out 2>&1 &
d=$!
kpatch unload kpt_lp_stall >/tmp/e.out 2>&1 &
e=$!
wait $d || fail "load --all failed: $(cat /tmp/d.out)"
wait $e || fail "unload failed: $(cat /tmp/e.out)"
cat /tmp/d.out /tmp/e.out
ok "load --all and unload started together both completed"
expect_not_contains "$(cat /tmp/d.out /tmp/e.out)" "while patch" "no transition met half-done"
expect_eq "$(cat $LP/kpt_lp_other/enabled)" 1 "kpt_lp_other loaded by load --all"
lp_gone kpt_lp_stall && module_gone kpt_lp_stall || fail "kpt_lp_stall still loaded"
ok "kpt_lp_stall unloaded"
expect_rc 0 "kpatch check is OK at the end" -- kpatch check
G
vm_run -t 400 "$guest"
