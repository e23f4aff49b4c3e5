#!/usr/bin/env bash
# make rpm builds kpatch, kpatch-build and kpatch-dnf with rpmbuild; rpm
# -qlp lists their files, their requirements are libraries, the shell and the build
# tools only, and an rpm --root install into a scratch root (scriptlets run
# there) gives a kpatch that reports VERSION.
. "$(dirname "$0")/../lib.sh"
version=$(cat "$KPT_TOP/VERSION")
pkgdir="$PKG_OUT/build/packages/rpm"

expect_rc 0 "make rpm" -- make -s -C "$KPT_TOP" BUILD="$PKG_OUT/build" JOBS=2 rpm
rpm=$(ls "$pkgdir"/kpatch-"$version"-1*.x86_64.rpm)
brpm=$(ls "$pkgdir"/kpatch-build-"$version"-1*.x86_64.rpm)
expect_eq "$(rpm -qp --qf '%{NAME} %{VERSION}' "$rpm")" "kpatch $version" "kpatch name and version"

files=$(rpm -qlp "$rpm")
for f in /usr/sbin/kpatch /usr/lib/systemd/system/kpatch.service /usr/share/man/man8/kpatch.8 \
	/usr/share/man/man8/kpatch.service.8 /usr/share/bash-completion/completions/kpatch /etc/kpatch; do
	grep -qE "^$f(\.gz)?$" <<<"$files" || fail "kpatch rpm lacks $f"
done
ok "kpatch lists the tool, unit, man pages, completion, /etc/kpatch"
bfiles=$(rpm -qlp "$brpm")
for f in /usr/bin/kpatch-build /usr/bin/kpatch-diff /usr/libexec/kpatch/fetch-kernel \
	/usr/share/man/man1/kpatch-build.1 /usr/include/kpatch/kpatch-author.h; do
	grep -qE "^$f(\.gz)?$" <<<"$bfiles" || fail "kpatch-build rpm lacks $f"
done
ok "kpatch-build lists its programs, fetcher, man pages, header"
drpm=$(ls "$pkgdir"/kpatch-dnf-"$version"-1*.noarch.rpm) || fail "no noarch kpatch-dnf rpm"
dfiles=$(rpm -qlp "$drpm")
for f in /etc/dnf/plugins/kpatch.conf /usr/share/man/man8/dnf-kpatch.8 '/usr/lib/python3[^ ]*/dnf-plugins/kpatch.py'; do
	grep -qE "^$f(\.gz)?$" <<<"$dfiles" || fail "kpatch-dnf rpm lacks $f: $dfiles"
done
ok "kpatch-dnf (noarch) lists the plugin, its configuration, dnf-kpatch(8)"
expect_eq "$(rpm -qp --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' "$drpm" | sed -n 's|^/etc/dnf/plugins/kpatch.conf ||p')" "cn" \
	"kpatch.conf is %config(noreplace)"
expect_eq "$(rpm -qp --requires "$drpm" | grep -v '^rpmlib(\|^config(')" "python3-dnf" "kpatch-dnf requires python3-dnf"

req=$(rpm -qp --requires "$rpm")
for r in 'libelf.so.1()(64bit)' 'libkmod.so.2()(64bit)' 'libjson-c.so.5()(64bit)' /bin/sh; do
	grep -qxF "$r" <<<"$req" || fail "kpatch does not require $r: $req"
done
odd=$(grep -vE '^(rpmlib\(|rtld\(|lib[a-z0-9_-]+\.so\.[0-9]+\(|/bin/sh$)' <<<"$req" || true)
expect_eq "$odd" "" "kpatch requires only libraries and /bin/sh"
breq=$(rpm -qp --requires "$brpm")
for r in gcc make flex bison bc openssl-devel dwarves patch; do
	grep -qxF "$r" <<<"$breq" || fail "kpatch-build does not require $r"
done
ok "kpatch-build requires the kernel build tools"

# A scratch root with a shell, so the scriptlets run inside it.
root="$PKG_OUT/root"
mkdir -p "$root/bin"
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
expect_rc 0 "rpm --root install" -- rpm --root "$root" --dbpath /var/lib/rpm --nodeps -i "$rpm" "$brpm"
expect_not_contains "$out" "scriptlet failed" "scriptlets ran"
expect_eq "$(rpm --root "$root" --dbpath /var/lib/rpm -q kpatch 2>/dev/null)" "kpatch-$version-1.x86_64" "rpm database knows kpatch"
expect_rc 0 "installed kpatch --version" -- "$root/usr/sbin/kpatch" --version
expect_eq "$out" "kpatch $version" "installed kpatch reports VERSION"
expect_eq "$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$root/usr/lib/systemd/system/kpatch.service")" /usr/sbin/kpatch "unit's ExecStart names /usr/sbin/kpatch"
expect_rc 0 "rpm --root erase" -- rpm --root "$root" --dbpath /var/lib/rpm --nodeps -e kpatch kpatch-build
[ ! -e "$root/usr/sbin/kpatch" ] || fail "kpatch left after erase"
ok "erase removes the files"
