#!/usr/bin/env bash
# Self-test of the disk-image tools of the systemd VM mode, without booting:
# vm_sd_put copies files (mode kept, owner root), symlinks and whole trees
# into an ext4 image, replaces what is there, follows bookworm's /lib ->
# usr/lib, refuses what it cannot do; vm_sd_get reads files back.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../systemd.sh"
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

img="$VM_OUT/tools.img"
src="$VM_OUT/src"
mkdir -p "$src/usr/lib" "$src/etc" "$src/tree/sub"
ln -s usr/lib "$src/lib"
mkfs.ext4 -q -F -d "$src" "$img" 16M >/dev/null 2>&1 || fail "mkfs.ext4 -d"

echo one >"$VM_OUT/f1"
chmod 0640 "$VM_OUT/f1"
chown 1000:1000 "$VM_OUT/f1"
vm_sd_put "$img" "$VM_OUT/f1" /a/b/c/f1 || fail "put a file under new directories"
vm_sd_get "$img" /a/b/c/f1 "$VM_OUT/back1" || fail "get it back"
[ "$(cat "$VM_OUT/back1")" = one ] || fail "read back '$(cat "$VM_OUT/back1")'"
stat=$(debugfs -R "stat /a/b/c/f1" "$img" 2>/dev/null)
grep -q 'Mode:  0640' <<<"$stat" || fail "mode not kept: $(grep Mode <<<"$stat")"
grep -q 'User:     0   Group:     0' <<<"$stat" || fail "not owned by root: $(grep User <<<"$stat")"
ok "a file goes in with its mode, owned by root, and comes back"

echo two >"$VM_OUT/f1"
vm_sd_put "$img" "$VM_OUT/f1" /a/b/c/f1 || fail "put over an existing file"
vm_sd_get "$img" /a/b/c/f1 "$VM_OUT/back2" && [ "$(cat "$VM_OUT/back2")" = two ] ||
	fail "the file was not replaced"
ok "an existing file is replaced"

vm_sd_put "$img" "$VM_OUT/f1" /lib/helper.sh || fail "put through /lib"
debugfs -R "stat /usr/lib/helper.sh" "$img" 2>/dev/null | grep -q 'Type: regular' ||
	fail "/lib/helper.sh did not land in /usr/lib"
ok "/lib/... lands in /usr/lib (usr-merged rootfs)"

mkdir -p "$VM_OUT/t/d"
echo x >"$VM_OUT/t/d/x.ko"
echo y >"$VM_OUT/t/.hidden"
ln -s ../target "$VM_OUT/t/link"
vm_sd_put "$img" "$VM_OUT/t" /tree/sub/t || fail "put a tree"
vm_sd_get "$img" /tree/sub/t/d/x.ko "$VM_OUT/x" && [ "$(cat "$VM_OUT/x")" = x ] || fail "tree file"
vm_sd_get "$img" /tree/sub/t/.hidden "$VM_OUT/y" && [ "$(cat "$VM_OUT/y")" = y ] || fail "tree dot file"
debugfs -R "stat /tree/sub/t/link" "$img" 2>/dev/null | grep -q 'Fast link dest: "../target"' ||
	fail "the symlink was not copied as a symlink"
ok "a tree goes in whole: files, dot files, symlinks"

vm_sd_put "$img" "$VM_OUT/nonexistent" /x 2>/dev/null && fail "put of a missing file succeeded"
vm_sd_put "$img" "$VM_OUT/f1" "/with space" 2>/dev/null && fail "put to a path with a space succeeded"
vm_sd_put "$img" "$VM_OUT/f1" /a/b/c/f1/under-a-file 2>"$VM_OUT/err" && fail "put under a regular file succeeded"
grep -q 'vm_sd_put: writing' "$VM_OUT/err" || fail "no error message: $(cat "$VM_OUT/err")"
echo stale >"$VM_OUT/z"
vm_sd_get "$img" /no/such/file "$VM_OUT/z" 2>/dev/null && fail "get of a missing file succeeded"
ok "missing sources, white space, impossible destinations and missing files are errors"
