#!/usr/bin/env bash
# The differ's special sections on the real kernel: each patch in
# tests/diff/ is built with kpatch-build, its module must hold the special
# sections the changed function needs (alternatives and static_cpu_has
# blocks, static-call sites naming the exported trampoline, jump labels on
# exported tracepoint keys, ORC, mcount, return sites), and in the VM its check fails before loading, passes while
# the patch is enabled and fails again after disable + rmmod, with no oops
# or WARN (vm_run checks the console and dmesg).
. "$(dirname "$0")/../lib.sh"
bin=${KPT_BIN_DIR:-$VM_TOP/build/bin}
ddir=$VM_TOP/tests/diff
mods=$VM_OUT/diff-modules
mkdir -p "$mods"

# has_sections MODULE SECTION... : every SECTION is in MODULE
has_sections() {
	local ko=$1 s
	shift
	for s in "$@"; do
		readelf -SW "$ko" | grep -qF " $s " || { echo "FAIL: $(basename "$ko") lacks $s"; exit 1; }
	done
}

files=()
for p in "$ddir"/*.patch; do
	n=$(basename "$p" .patch)
	m=kpt_diff_$(printf '%s' "$n" | tr -c 'A-Za-z0-9' _)
	out=$("$bin/kpatch-build" -v -k "$KPATCH_TEST_KERNEL" -n "$m" -o "$mods" "$p" 2>&1) ||
		{ echo "FAIL: $n: kpatch-build failed: $(tail -n 5 <<<"$out")"; exit 1; }
	echo "ok: $n built: $(tail -n 1 <<<"$out")"
	ko=$mods/$m.ko
	has_sections "$ko" __mcount_loc .orc_unwind .orc_unwind_ip .return_sites
	case $n in
	meminfo-line)
		has_sections "$ko" .altinstructions .altinstr_replacement .altinstr_aux ;;
	smaps-rollup)
		has_sections "$ko" __jump_table
		readelf -rW "$ko" | grep -A20 "'.rela__jump_table'" | grep -q __tracepoint_mmap_lock ||
			{ echo "FAIL: $n: the jump labels do not name the tracepoint keys"; exit 1; } ;;
	proc-readdir)
		has_sections "$ko" .static_call_sites
		readelf -rW "$ko" | grep -A3 "'.rela.static_call_sites'" | grep -q __SCT__cond_resched ||
			{ echo "FAIL: $n: the static-call site does not name __SCT__cond_resched"; exit 1; } ;;
	esac
	files+=(-f "$ko:/patches/$m.ko" -f "$ddir/$n.check:/patches/$m.check")
done

guest=$(mktemp)
cat >"$guest" <<'G'
. /lib/kpt-guest.sh
for ko in /patches/*.ko; do
	m=$(basename "$ko" .ko)
	check="sh /patches/$m.check"
	$check && fail "$m: check passes before the patch is loaded"
	insmod "$ko" || fail "$m: insmod"
	wait_until 60 lp_settled "$m" || fail "$m: transition did not finish"
	$check || fail "$m: check fails while the patch is enabled"
	ok "$m: patched behaviour visible"
	echo 0 >"$LP/$m/enabled"
	wait_until 60 lp_gone "$m" || fail "$m: did not disable"
	rmmod "$m" || fail "$m: rmmod"
	$check && fail "$m: check still passes after unload"
	ok "$m: original behaviour back after unload"
done
G
vm_run "${files[@]}" "$guest"
