#!/usr/bin/env bash
# Power loss during `kpatch install`, on a real disk and a real systemd:
# the guest installs two 16 MiB builds of kpt_lp_cmdline (same module, own
# padding) in turn, and the host kills QEMU with SIGKILL at a random moment
# of the second install. The next boot must find the old or the
# new module, byte for byte; kpatch.service (load --all) succeeds, `kpatch
# check` is OK or names the module, and the next install removes any
# temporary file left. The guest's disk cache decides which build survives,
# so the invariant is asserted, not one outcome.
#   KPT_POWERLOSS_CYCLES (default 2): kills, each checked by the next boot.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../systemd.sh"
fail() { echo "FAIL: $*"; exit 1; }
[ -x "${KPT_BIN_DIR:-$VM_TOP/build/bin}/kpatch" ] || fail "no kpatch program in ${KPT_BIN_DIR:-$VM_TOP/build/bin}"
cycles=${KPT_POWERLOSS_CYCLES:-2}

img=$(vm_sd_image powerloss) || fail "cannot make the disk image"
vm_sd_install_service "$img" || fail "cannot install kpatch.service into the image"
# Two builds of one module: the same code, 16 MiB of their own bytes each.
for v in a b; do
	head -c $((16 << 20)) /dev/urandom >"$VM_OUT/pad.$v"
	objcopy --add-section .kpt_pad="$VM_OUT/pad.$v" \
		"$(vm_modules_dir "$VM_KERNEL")/kpt_lp_cmdline.ko" "$VM_OUT/big-$v.ko" || fail "objcopy"
	chmod 0644 "$VM_OUT/big-$v.ko"
	vm_sd_put "$img" "$VM_OUT/big-$v.ko" /modules/big-$v.ko || fail "cannot put big-$v.ko"
done

# The check every boot after a kill makes, then the install loop the host
# cuts off (when the script is given "loop").
cat >"$VM_OUT/check.sh" <<'G'
. /lib/kpt-guest.sh
store=/var/lib/kpatch/$KREL
ko=$store/kpt_lp_cmdline.ko
if [ -f /var/lib/kpt-boot-killed ]; then
	if cmp -s $ko /modules/big-a.ko; then which=a
	elif cmp -s $ko /modules/big-b.ko; then which=b
	else fail "$ko is neither build: $(ls -la $store)"; fi
	ok "after the power loss the store holds build $which, byte for byte"
	echo "outcome: build $which"
	for f in $store/* $store/.[!.]*; do
		[ -e "$f" ] || continue
		case ${f##*/} in
		kpt_lp_cmdline.ko) ;;
		.kpt_lp_cmdline.ko.??????) echo "temporary file left: ${f##*/} ($(stat -c %s "$f") bytes)" ;;
		*) fail "unexpected file in the store: $f" ;;
		esac
	done
	expect_eq "$(systemctl show -P Result kpatch.service)" success "kpatch.service (load --all) succeeded"
	expect_eq "$(cat $LP/kpt_lp_cmdline/enabled)" 1 "kpt_lp_cmdline loaded at boot"
	kpatch check >/tmp/check.out 2>&1
	rc=$?
	case $rc in
	0) ok "kpatch check OK" ;;
	*) grep -q kpt_lp_cmdline /tmp/check.out || fail "kpatch check exit $rc without naming the module: $(cat /tmp/check.out)"
	   ok "kpatch check exit $rc names kpt_lp_cmdline" ;;
	esac
	expect_rc 0 "the next install" -- kpatch install /modules/big-a.ko
	n=$(ls -A $store | grep -c '^\.kpt_lp_cmdline\.ko\.')
	expect_eq "$n" 0 "no temporary file left after the next install"
	cmp -s $ko /modules/big-a.ko || fail "the next install did not install build a"
	ok "build a installed whole"
fi
[ "$1" = loop ] || exit 0
touch /var/lib/kpt-boot-killed
sync
# Build a is installed: the first install of the loop is b, so each cut
# lands between two different builds.
i=0
echo "install loop started"
while :; do
	i=$((i + 1))
	v=b; [ $((i % 2)) = 0 ] && v=a
	echo "install $i of build $v started"
	kpatch install /modules/big-$v.ko >/dev/null 2>&1 || echo "install $i failed"
	echo "install $i done"
done
G
printf 'exec sh /usr/local/lib/kpt-sd/check.sh loop\n' >"$VM_OUT/loop.sh"
printf 'exec sh /usr/local/lib/kpt-sd/check.sh\n' >"$VM_OUT/final.sh"
vm_sd_put "$img" "$VM_OUT/check.sh" /usr/local/lib/kpt-sd/check.sh || fail "cannot put check.sh"

cat >"$VM_OUT/boot1.sh" <<'G'
. /lib/kpt-guest.sh
expect_rc 0 "install build a" -- kpatch install /modules/big-a.ko
G
vm_sd_boot "$img" "$VM_OUT/boot1.sh" || fail "boot 1 (install) failed"

# Wait up to 300 s for a line in a boot's output; fail if the boot ends first.
wait_line() {
	local log=$1 line=$2 bg=$3
	for _ in $(seq 3000); do
		tr -d '\r' <"$log" 2>/dev/null | grep -qx "$line" && return 0
		kill -0 "$bg" 2>/dev/null || { tr -d '\r' <"$log"; fail "the boot ended before '$line'"; }
		sleep 0.1
	done
	fail "no '$line' within 300 s"
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# A boot the host cuts off: the guest's first install (b over a) is timed,
# then QEMU is killed with SIGKILL at a random moment within 1.5 times that
# after the second install (a over b) started.
power_cut() {
	local boot=$1 bg tpid qpid t0 took delay log
	vm_sd_boot -t 900 "$img" "$VM_OUT/loop.sh" >/dev/null 2>&1 &
	bg=$!
	log="$VM_OUT/powerloss.boot$boot/output.log"
	wait_line "$log" "install loop started" $bg
	t0=$(now_ms)
	wait_line "$log" "install 1 done" $bg
	took=$(($(now_ms) - t0))
	wait_line "$log" "install 2 of build a started" $bg
	delay=$((RANDOM * 32768 + RANDOM))
	delay=$((delay % (took * 3 / 2 + 1)))
	sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
	# Our own QEMU: the child of the timeout that vm_sd_boot started.
	tpid=$(pgrep -P $bg -x timeout)
	qpid=$(pgrep -P "$tpid" -f qemu-system)
	[ -n "$qpid" ] || fail "boot $boot: no QEMU to kill"
	kill -9 "$qpid"
	wait $bg
	# What this boot's check found of the previous cut.
	tr -d '\r' <"$log" | grep -E '^(ok|outcome|temporary file left):'
	echo "boot $boot: install 1 took $took ms; QEMU killed $delay ms into install 2, after: $(tr -d '\r' <"$log" | grep '^install ' | tail -n 1)"
	grep "install .* failed" "$log" && fail "boot $boot: an install failed before the power cut"
	return 0
}

# Each cut boot first checks what the previous cut left; the last boot only checks.
boot=2
for c in $(seq "$cycles"); do
	power_cut $boot
	boot=$((boot + 1))
done
vm_sd_boot "$img" "$VM_OUT/final.sh" || fail "boot $boot (check after the last power cut) failed"
# Old or new, against the install each cut interrupted (the last one started).
old=0 new=0
for b in $(seq 2 $((cycles + 1))); do
	cut=$(tr -d '\r' <"$VM_OUT/powerloss.boot$b/output.log" | sed -n 's/^install [0-9]* of build \([ab]\) started$/\1/p' | tail -n 1)
	got=$(tr -d '\r' <"$VM_OUT/powerloss.boot$((b + 1))/output.log" | sed -n 's/^outcome: build \([ab]\)$/\1/p')
	if [ "$got" = "$cut" ]; then new=$((new + 1)); else old=$((old + 1)); fi
done
echo "power cuts: $cycles; the store held the old module after $old, the new one after $new"
