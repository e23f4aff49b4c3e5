#!/usr/bin/env bash
# Every patch in tests/patches/ against the test kernel's source:
#   NAME.patch + NAME.check  kpatch-build makes a module; in the VM the check
#                            fails before loading, passes while the patch is
#                            enabled, and fails again after disable + rmmod;
#   NAME.patch + NAME.fail   kpatch-build refuses, writes no module, and its
#                            error line contains the text of NAME.fail;
#   NAME.sections            (optional, with NAME.check) sections the module
#                            must hold, one per line (special sections the
#                            patched code needs).
# The kernel must not oops or WARN (vm_run checks the console and dmesg).
# KPT_PATCH_DIR=DIR runs the patches of DIR instead (to try one alone).
. "$(dirname "$0")/../lib.sh"
bin=${KPT_BIN_DIR:-$VM_TOP/build/bin}
pdir=${KPT_PATCH_DIR:-$VM_TOP/tests/patches}
mods=$VM_OUT/patch-modules
mkdir -p "$mods"
files=()
for p in "$pdir"/*.patch; do
	n=$(basename "$p" .patch)
	m=kpt_$(printf '%s' "$n" | tr -c 'A-Za-z0-9' _)
	if [ -f "$pdir/$n.fail" ]; then
		out=$("$bin/kpatch-build" -k "$KPATCH_TEST_KERNEL" -n "$m" -o "$mods" "$p" 2>&1)
		rc=$?
		want=$(cat "$pdir/$n.fail")
		[ $rc -ne 0 ] || { echo "FAIL: $n: kpatch-build accepted a patch it must refuse"; exit 1; }
		grep -qF -- "$want" <<<"$out" || { echo "FAIL: $n: exit $rc, expected '$want' in: $out"; exit 1; }
		[ ! -e "$mods/$m.ko" ] || { echo "FAIL: $n: a module was written despite the refusal"; exit 1; }
		echo "ok: $n refused (exit $rc): $(grep 'error:' <<<"$out")"
	elif [ -f "$pdir/$n.check" ]; then
		out=$("$bin/kpatch-build" -k "$KPATCH_TEST_KERNEL" -n "$m" -o "$mods" "$p" 2>&1) ||
			{ echo "FAIL: $n: kpatch-build failed: $out"; exit 1; }
		echo "ok: $n built: $(tail -n 1 <<<"$out")"
		if [ -f "$pdir/$n.sections" ]; then
			secs=$(readelf -SW "$mods/$m.ko" | awk '{ print $2 }')
			while read -r sec; do
				grep -qxF -- "$sec" <<<"$secs" ||
					{ echo "FAIL: $n: the module lacks section $sec"; exit 1; }
			done <"$pdir/$n.sections"
			echo "ok: $n: module holds $(tr '\n' ' ' <"$pdir/$n.sections")"
		fi
		files+=(-f "$mods/$m.ko:/patches/$m.ko" -f "$pdir/$n.check:/patches/$m.check")
	else
		echo "FAIL: $n.patch has neither $n.check nor $n.fail"
		exit 1
	fi
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
	expect_eq "$(cat $LP/$m/enabled)" 1 "$m enabled"
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
