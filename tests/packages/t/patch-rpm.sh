#!/usr/bin/env bash
# kpatch-package --format rpm with the real rpmbuild: the guide's name and
# provide (kpatch-patch = <release>), exact requires, the module's path, a
# -debuginfo package by build-id, and an `rpm --root` install into a
# scratch root whose scriptlets run that root's kpatch: the module ends up
# installed there, loading is skipped (another kernel runs) and the output
# says so; `rpm -e` runs kpatch uninstall --unload. The empty 0-0 package too.
. "$(dirname "$0")/../lib.sh"

krel=$KPATCH_TEST_KERNEL
pkg=kpatch-patch-$(tr . _ <<<"$krel")
mod=kpatch_$(tr .- __ <<<"$krel")_1_1
"$KPT_TOP/tests/modules/build" "$krel" >/dev/null || fail "cannot build the test modules"
ko=$KPT_TOP/build/modules/$krel/$mod.ko
kp() { "$KPT_BIN_DIR/kpatch-package" "$@"; }
maint="Kernel Team <kernel@example.org>"
odir=$PKG_OUT/out
mkdir -p "$odir"
[ "$(uname -r)" != "$krel" ] || fail "this test needs a host that does not run $krel"

expect_rc 0 "kpatch-package builds the rpm 1-1" -- kp -f rpm -p 1-1 -m "$maint" -o "$odir" "$ko"
rpm=$odir/$pkg-1-1.x86_64.rpm dbg=$odir/$pkg-debuginfo-1-1.x86_64.rpm
expect_eq "$out" "$rpm
$dbg" "it prints the package and its -debuginfo"
expect_eq "$(rpm -qp --qf '%{NAME} %{VERSION}-%{RELEASE}' "$rpm")" "$pkg 1-1" "the guide's name, version-release 1-1"
expect_contains "$(rpm -qp --provides "$rpm")" "kpatch-patch = $krel" "it provides kpatch-patch = $krel"
req=$(rpm -qp --requires "$rpm" | grep -v '^rpmlib(\|^/bin/sh$')
expect_eq "$req" "kernel-uname-r = $krel
kpatch >= $(cat "$KPT_TOP/VERSION")" "it requires exactly its kernel and kpatch"
expect_eq "$(rpm -qlp "$rpm")" "/usr/lib/kpatch-patch/$krel/$mod.ko" "rpm -qlp shows the module's path"
id=$(readelf -n "$ko" | sed -n 's/.*Build ID: //p')
expect_eq "$(rpm -qlp "$dbg")" "/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug" "the -debuginfo package holds the module by build-id"
expect_contains "$(rpm -qp --changelog "$rpm")" "Fixes: CVE-2099-0101,CVE-2099-0102" "the CVEs are in the changelog"
scripts=$(rpm -qp --scripts "$rpm")
expect_contains "$scripts" "kpatch install --load -k $krel /usr/lib/kpatch-patch/$krel/$mod.ko" "%post installs and loads through kpatch"
expect_contains "$scripts" "kpatch uninstall --unload -k $krel $mod" "%preun unloads and uninstalls through kpatch"

# A scratch root holding the project's kpatch, a shell and their libraries.
root=$PKG_OUT/root
mkdir -p "$root/bin" "$root/usr/sbin" "$root/var/lib" "$root/run" "$root/tmp"
cp /bin/dash "$root/bin/sh" && cp "$KPT_BIN_DIR/kpatch" "$root/usr/sbin/kpatch" || fail "cannot fill the root"
for lib in $( (ldd /bin/dash; ldd "$KPT_BIN_DIR/kpatch") | grep -o '/[^ ]*' | sort -u); do
	mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib" || fail "cannot copy $lib"
done
rpm --root "$root" --initdb || fail "rpm --initdb"
# --nodeps: the scratch root holds no distribution (no kernel-uname-r, no kpatch package)
expect_rc 0 "rpm --root installs it" -- rpm --root "$root" -i --nodeps "$rpm"
expect_contains "$out" "$krel is not the running kernel ($(uname -r)): installed, loads when $krel boots" \
	"the scriptlet ran that root's kpatch, which says loading is skipped"
[ -f "$root/var/lib/kpatch/$krel/$mod.ko" ] || fail "the module is not installed in the root's /var/lib/kpatch"
ok "the module is installed in the root: /var/lib/kpatch/$krel/$mod.ko"
cmp -s "$root/var/lib/kpatch/$krel/$mod.ko" "$root/usr/lib/kpatch-patch/$krel/$mod.ko" ||
	fail "the installed module is not the packaged one"
expect_rc 0 "rpm --root -e removes it" -- rpm --root "$root" -e --nodeps "$pkg"
expect_contains "$out" "uninstalling $mod" "%preun ran kpatch uninstall --unload"
[ ! -e "$root/var/lib/kpatch/$krel/$mod.ko" ] || fail "the module is still installed in the root"
ok "nothing of it is left in the root's /var/lib/kpatch"

# The empty subscription package.
expect_rc 0 "kpatch-package builds the empty 0-0 rpm" -- kp -f rpm --empty -k "$krel" -m "$maint" -o "$odir"
empty=$odir/$pkg-0-0.x86_64.rpm
expect_eq "$out" "$empty" "one package, no -debuginfo"
expect_contains "$(rpm -qp --provides "$empty")" "kpatch-patch = $krel" "0-0 provides kpatch-patch = $krel"
expect_contains "$(rpm -qp --requires "$empty")" "kernel-uname-r = $krel" "0-0 requires its kernel (removed with it)"
expect_eq "$(rpm -qlp "$empty")" "(contains no files)" "0-0 carries no module"

# An output path that would reach rpmbuild's shell lines is refused.
mkdir -p "$PKG_OUT/a b"
expect_rc 2 "a directory with a space is refused for rpm" -- kp -f rpm -p 1-1 -m "$maint" -o "$PKG_OUT/a b" "$ko"
expect_contains "$out" "may hold only letters, digits" "the message says why"
[ -z "$(ls -A "$PKG_OUT/a b")" ] || fail "something was written"
ok "nothing was written"
