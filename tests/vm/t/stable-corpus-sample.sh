#!/usr/bin/env bash
# A fixed sample of the stable corpus (tests/corpus/sample.list) through
# bench/stable-corpus against the second test kernel, whose source is
# 6.1.170-3: every file gets the class the list expects (with its release's
# header changes too, where a third column says), every built module loads,
# runs and unloads cleanly in the VM, and every class the tool knows is
# documented in kpatch-build(1).
. "$(dirname "$0")/../lib.sh"
classes=$VM_TOP/bench/stable-corpus.classes
man=$VM_TOP/man/kpatch-build.1
list=$VM_TOP/tests/corpus/sample.list

while IFS=$'\t' read -r c e _ where; do
	case $c in '#'* | '') continue ;; esac
	if [ "$where" = "EXIT STATUS" ]; then
		grep -qE "^\.B $e\$" "$man" || { echo "FAIL: class $c: exit $e is not in kpatch-build(1)'s EXIT STATUS"; exit 1; }
	elif [ "$where" != REFUSALS ]; then
		grep -qxF ".B $where" "$man" || { echo "FAIL: class $c: no REFUSALS entry '.B $where' in kpatch-build(1)"; exit 1; }
	fi
done <"$classes"
echo "ok: every class of $(basename "$classes") is documented in kpatch-build(1)"

# Both releases' prepared trees (the tool takes the sources from them
# rather than fetching them again): a refused build prepares one.
for k in "$KPATCH_TEST_KERNEL2" "$KPATCH_TEST_KERNEL"; do
	"$VM_TOP/build/bin/kpatch-build" -k "$k" -n kpt_prepare -o "$VM_OUT/prepare" \
		"$VM_TOP/tests/patches/not-in-config.patch" >"$VM_OUT/prepare-$k.log" 2>&1
	[ $? = 4 ] || { echo "FAIL: preparing the tree of $k: $(tail -n 2 "$VM_OUT/prepare-$k.log")"; exit 1; }
done
out=$VM_OUT/corpus
"$VM_TOP/bench/stable-corpus" -o "$out" -f "$list" 6.1.170-3 6.1.176-1 "$KPATCH_TEST_KERNEL2" ||
	{ echo "FAIL: stable-corpus exited $?"; exit 1; }
tsv=$out/corpus.tsv
while IFS=$'\t' read -r f want want_h; do
	case $f in '#'* | '') continue ;; esac
	row=$(awk -F'\t' -v f="$f" '$1 == f' "$tsv")
	[ -n "$row" ] || { echo "FAIL: $f: not in the results"; exit 1; }
	got=$(cut -f2 <<<"$row")
	[ "$got" = "$want" ] || { echo "FAIL: $f: class $got, expected $want ($(cut -f7 <<<"$row"))"; exit 1; }
	if [ -n "$want_h" ]; then
		got_h=$(cut -f9 <<<"$row")
		[ "$got_h" = "$want_h" ] ||
			{ echo "FAIL: $f: with its release's headers ($(cut -f8 <<<"$row")): $got_h, expected $want_h"; exit 1; }
	fi
	if [ "$(cut -f5 <<<"$row")" != - ]; then
		vm=$(cut -f6 <<<"$row")
		[ "$vm" = ok ] || { echo "FAIL: $f: in the VM: $vm"; exit 1; }
	fi
	echo "ok: $f: $got${want_h:+, with headers $want_h}"
done <"$list"
