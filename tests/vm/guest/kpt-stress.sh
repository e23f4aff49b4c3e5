# Stress of live patching on the real kernel, run in the VM as
# /lib/kpt-stress.sh; the caller sets NPROC, CYCLES, REPEAT and WITHIN first.
#
# Phase 1: NPROC processes (kpt-hammer) call uname(2) in a loop while
# `kpatch load` and `kpatch unload` of kpt_lp_uname alternate CYCLES times;
# after each, every hammer must see the new behaviour (or the old one back)
# within WITHIN seconds. Phase 2: REPEAT load/unload pairs back to back.
# Each step is checked by its effect (exit code, sysfs, /proc/modules, every
# hammer switched); at the end the kernel's own messages must show every
# transition started and completed, none reversed, and nothing is left
# behind. Figure lines start with "figure:".
. /lib/kpt-guest.sh
P=kpt_lp_uname
M=/modules/$P.ko
H=/tmp/hammer
OLD_M=$(uname -m)
NEW_M=$OLD_M-kpt-stress
DDC=/sys/kernel/debug/dynamic_debug/control

now_ms() { read up _ </proc/uptime; echo $((${up%.*} * 1000 + 10#${up#*.} * 10)); }

# The kernel's transition messages (pr_debug) are what the livepatch core
# says it did; without them a transition could be counted only by the tool.
echo 'file kernel/livepatch/* +p' >$DDC || fail "cannot enable livepatch debug messages"
# One line per task that could not switch yet: noise, thousands of lines.
echo 'func klp_try_switch_task -p' >$DDC || fail "cannot quiet klp_try_switch_task"

mods_before=$(wc -l </proc/modules)
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
slab_before=$(meminfo Slab)
vmalloc_before=$(meminfo VmallocUsed)

# Every hammer has switched to the patch state of the finished transition.
all_settled() {
	for pid in $pids; do
		read s </proc/$pid/patch_state || return 1
		[ "$s" = -1 ] || { echo "pid $pid patch_state $s"; return 1; }
	done
}

# load_once WHAT: kpatch load, checked; keeps the time kpatch reports.
load_once() {
	lo=$(kpatch load $M 2>&1) || fail "$1: kpatch load: $lo"
	case $lo in *"transition complete in "*) ;; *) fail "$1: load did not report completion: $lo" ;; esac
	[ "$(cat $LP/$P/enabled)" = 1 ] || fail "$1: patch not enabled after load"
	[ "$(cat $LP/$P/transition)" = 0 ] || fail "$1: transition still running after load returned"
	lo=${lo##*transition complete in }
	echo "cmd-load ${lo%% ms*}" >>/tmp/cmd-times
}

unload_once() {
	uo=$(kpatch unload $P 2>&1) || fail "$1: kpatch unload: $uo"
	lp_gone $P || fail "$1: patch still in sysfs after unload"
	module_gone $P || fail "$1: module still loaded after unload"
}

hammer_start() {
	mkdir -p $H
	pids=""
	i=0
	while [ $i -lt $NPROC ]; do
		kpt-hammer "$OLD_M" "$NEW_M" $H/$i.state >$H/$i.out 2>$H/$i.err &
		pids="$pids $!"
		i=$((i + 1))
	done
	wait_until 120 hammers_see old || fail "not all $NPROC hammers started: $(cat $H/*.err)"
	ok "$NPROC hammers running"
}

# hammers_see old|new: every hammer's last result is that one.
hammers_see() {
	i=0
	while [ $i -lt $NPROC ]; do
		read s <$H/$i.state 2>/dev/null || return 1
		[ "$s" = "$1" ] || return 1
		i=$((i + 1))
	done
}

# Stop the hammers; each must exit 0 (no result other than old or new) and
# have flipped exactly once per transition (each waited for, so none missed).
hammer_stop() {
	kill -TERM $pids
	i=0
	for pid in $pids; do
		wait $pid || fail "hammer $i (pid $pid) exit $?: $(cat $H/$i.err) $(cat $H/$i.out)"
		i=$((i + 1))
	done
	cat $H/*.out >$H/all
	[ "$(grep -c '^old=' $H/all)" = "$NPROC" ] || fail "not every hammer reported: $(cat $H/all)"
	awk -v cycles="$CYCLES" '
	{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] + 0 } }
	v["old"] == 0 || v["new"] == 0 { print "a hammer did not see both behaviours: " $0; bad = 1 }
	v["to_new"] != cycles || v["to_old"] != cycles { print "a hammer did not flip once per transition: " $0; bad = 1 }
	{ old += v["old"]; new += v["new"]; other += v["other"] }
	END {
		printf "figure: hammer calls %d (old %d, new %d, other %d)\n", old + new + other, old, new, other
		exit bad
	}' $H/all || fail "hammer tallies"
	ok "every hammer saw only old or new results, switching once per transition"
}

hammer_start
t0=$(now_ms)
c=1
while [ $c -le $CYCLES ]; do
	load_once "hammered cycle $c"
	all_settled || fail "hammered cycle $c: a hammer has not switched after the load"
	wait_until $WITHIN hammers_see new || fail "hammered cycle $c: not every hammer sees the patched uname within ${WITHIN} s"
	unload_once "hammered cycle $c"
	all_settled || fail "hammered cycle $c: a hammer has not switched after the unload"
	wait_until $WITHIN hammers_see old || fail "hammered cycle $c: not every hammer sees the original uname within ${WITHIN} s"
	echo "hammered cycle $c of $CYCLES done at $(($(now_ms) - t0)) ms"
	c=$((c + 1))
done
hammer_stop
t1=$(now_ms)
ok "$CYCLES load/unload cycles under $NPROC hammers in $((t1 - t0)) ms"
echo "figure: phase1 ms $((t1 - t0))"

c=1
while [ $c -le $REPEAT ]; do
	load_once "repeat $c"
	unload_once "repeat $c"
	c=$((c + 1))
done
t2=$(now_ms)
ok "$REPEAT load/unload pairs in a row in $((t2 - t1)) ms"
echo "figure: phase2 ms $((t2 - t1))"

# Leaks: module, its sysfs directories, kpatch's own records.
module_gone $P || fail "module left in /proc/modules"
[ ! -e /sys/module/$P ] || fail "/sys/module/$P left behind"
[ -z "$(ls $LP)" ] || fail "left in $LP: $(ls $LP)"
[ ! -e /run/kpatch/loaded/$P ] || fail "kpatch origin record left behind"
[ ! -e /run/kpatch/transition/$P ] || fail "kpatch transition record left behind"
mods_after=$(wc -l </proc/modules)
expect_eq "$((mods_after - mods_before))" 0 "no module leaked (lsmod count)"
echo "figure: leaked modules $((mods_after - mods_before))"
# Module memory is vmalloc'ed; slab grows with the kernel's caches too.
echo "figure: vmalloc kB before $vmalloc_before after $(meminfo VmallocUsed)"
echo "figure: slab kB before $slab_before after $(meminfo Slab)"

# The kernel's own account: every transition started and completed, in
# order, none reversed; durations from its timestamps.
total=$((CYCLES + REPEAT))
dmesg >/tmp/klog
count() { grep -c "livepatch: '$P': $1" /tmp/klog; }
expect_eq "$(grep -c "livepatch: enabling patch '$P'" /tmp/klog)" $total "kernel: patch enabled $total times"
for what in "starting patching transition" "completing patching transition" \
	"patching complete" "starting unpatching transition" \
	"completing unpatching transition" "unpatching complete"; do
	expect_eq "$(count "$what")" $total "kernel: '$what' $total times"
done
expect_eq "$(grep -c "livepatch: '$P': reversing transition" /tmp/klog)" 0 "kernel: no transition reversed"
# Each transition: "starting" -> "completing" is the tasks switching,
# "completing" -> "complete" the kernel finishing it (for an unload, taking
# the ftrace handler out). Printed: phase, direction, total ms, switch ms.
awk -v p="'$P':" -v n1="$CYCLES" '
	function ts(s) { sub(/^\[ */, "", s); sub(/\].*/, "", s); return s + 0 }
	function step(want, next_state) { if (state != want) bad = 1; state = next_state }
	function done(dir) {
		n[dir]++
		printf "transition %s %s %.1f %.1f\n", n[dir] <= n1 ? "hammered" : "repeat", dir,
			(ts($0) - start) * 1000, (switched - start) * 1000
	}
	index($0, p " starting patching transition") { step(0, 1); start = ts($0) }
	index($0, p " completing patching transition") { step(1, 2); switched = ts($0) }
	index($0, p " patching complete") { step(2, 3); done("load") }
	index($0, p " starting unpatching transition") { step(3, 4); start = ts($0) }
	index($0, p " completing unpatching transition") { step(4, 5); switched = ts($0) }
	index($0, p " unpatching complete") { step(5, 0); done("unload") }
	END { if (bad) print "out of order"; exit bad }' /tmp/klog >/tmp/transitions ||
	fail "kernel transition messages out of order: $(tail -n 1 /tmp/transitions)"
ok "kernel: each transition started, then completed, one at a time"

# median and max of the numbers on stdin, in ms
stats() { sort -n | awk '{ a[NR] = $1 } END { if (!NR) { print "none"; exit } m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "median %.1f max %.1f (n=%d)\n", m, a[NR], NR }'; }
for ph in hammered repeat; do
	for dir in load unload; do
		echo "figure: kernel transition $ph $dir ms $(awk -v p=$ph -v d=$dir '$2 == p && $3 == d { print $4 }' /tmp/transitions | stats)"
		echo "figure:   of which tasks switching ms $(awk -v p=$ph -v d=$dir '$2 == p && $3 == d { print $5 }' /tmp/transitions | stats)"
	done
done
echo "figure: kpatch load command ms (hammered) $(head -n $CYCLES /tmp/cmd-times | awk '{ print $2 }' | stats)"
echo "figure: kpatch load command ms (repeat) $(tail -n +$((CYCLES + 1)) /tmp/cmd-times | awk '{ print $2 }' | stats)"
