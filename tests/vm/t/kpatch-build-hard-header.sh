#!/usr/bin/env bash
# A patch that changes only a static inline in a header (fs/proc/fd.h).
# kpatch-build reports how many objects of the header's directory it
# scanned in the dependency index and which include the header (rebuilt);
# every function whose code changed with the inline is patched, the
# includer whose code did not change (fs/proc/base.o) adds nothing. In the
# VM the patched functions are live and /proc/<pid>/fd keeps working.
. "$(dirname "$0")/../lib.sh"
bin=${KPT_BIN_DIR:-$VM_TOP/build/bin}
p=$VM_TOP/tests/patches/header-static-inline
out=$VM_OUT/header
mkdir -p "$out"
o=$("$bin/kpatch-build" -k "$KPATCH_TEST_KERNEL" -n kpt_header -o "$out" "$p.patch" 2>&1) ||
	{ echo "FAIL: kpatch-build: $o"; exit 1; }
grep -qE "^kpatch-build: header fs/proc/fd.h: [0-9]+ objects of fs/proc/ scanned \(index (built|cached) in [0-9.]+ s\), 2 include it and are rebuilt: fs/proc/base.o fs/proc/fd.o$" <<<"$o" ||
	{ echo "FAIL: no scanned/rebuilt report in: $o"; exit 1; }
n=$(sed -n 's/.*fd.h: \([0-9]*\) objects.*/\1/p' <<<"$o")
[ "$n" -ge 20 ] || { echo "FAIL: only $n objects of fs/proc scanned"; exit 1; }
grep -qE "built .* 3 functions patched \(proc_fd_link, seq_show, tid_fd_revalidate\), 0 new" <<<"$o" ||
	{ echo "FAIL: not the three callers of proc_fd(): $(tail -n 1 <<<"$o")"; exit 1; }
echo "ok: $(grep 'header fs/proc/fd.h' <<<"$o" | sed 's/ (index.*)//')"
echo "ok: $(tail -n 1 <<<"$o")"

guest=$(mktemp)
cat >"$guest" <<'G'
. /lib/kpt-guest.sh
m=kpt_header
sh /c/check && fail "check passes before loading"
insmod /m/$m.ko || fail "insmod"
wait_until 60 lp_settled $m || fail "transition"
expect_eq "$(ls -d $LP/$m/vmlinux/*,* | sed "s,.*/,," | sed 's/,.*//' | sort | tr '\n' ' ')" "proc_fd_link seq_show tid_fd_revalidate " "patched functions"
sh /c/check || fail "check fails with the patch"
ok "header change live; /proc/<pid>/fd and fdinfo work"
echo 0 >$LP/$m/enabled
wait_until 60 lp_gone $m || fail "disable"
rmmod $m || fail "rmmod"
sh /c/check && fail "check passes after unload"
ok "unloaded"
G
vm_run -f "$out/kpt_header.ko:/m/kpt_header.ko" -f "$p.check:/c/check" "$guest"
