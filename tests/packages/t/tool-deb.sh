#!/usr/bin/env bash
# make deb builds kpatch and kpatch-build with dpkg-buildpackage; lintian
# finds no errors; the packages hold what they must, their dependencies
# resolve on this Debian release (apt-get -s), and the extracted kpatch runs
# as VERSION with the unit pointing at it.
. "$(dirname "$0")/../lib.sh"
version=$(cat "$KPT_TOP/VERSION")
pkgdir="$PKG_OUT/build/packages/deb"

expect_rc 0 "make deb" -- make -s -C "$KPT_TOP" BUILD="$PKG_OUT/build" JOBS=2 deb
deb="$pkgdir/kpatch_${version}_amd64.deb"
bdeb="$pkgdir/kpatch-build_${version}_amd64.deb"
[ -f "$deb" ] && [ -f "$bdeb" ] || fail "no $deb or $bdeb: $(ls "$pkgdir")"
ok "both packages built"

lint=$(lintian "$deb" "$bdeb" 2>&1)
echo "$lint"
expect_eq "$(grep -c '^E:' <<<"$lint")" 0 "lintian: no errors"

expect_eq "$(dpkg-deb -f "$deb" Version)" "$version" "kpatch version is VERSION"
expect_contains "$(dpkg-deb -f "$deb" Depends)" "libkmod2" "kpatch Depends from shlibs"
files=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/sbin/kpatch ./lib/systemd/system/kpatch.service ./lib/systemd/system/kpatch-metrics.timer \
	./usr/share/man/man8/kpatch.8.gz ./usr/share/man/man8/kpatch.service.8.gz \
	./usr/share/bash-completion/completions/kpatch ./etc/kpatch/ ./usr/share/doc/kpatch/copyright; do
	grep -qxF "$f" <<<"$files" || fail "kpatch package lacks $f"
done
ok "kpatch lists the tool, unit, man pages, completion, /etc/kpatch"
bfiles=$(dpkg-deb -c "$bdeb" | awk '{print $6}')
for f in ./usr/bin/kpatch-build ./usr/bin/kpatch-diff ./usr/bin/kpatch-package ./usr/share/man/man1/kpatch-package.1.gz ./usr/libexec/kpatch/fetch-kernel \
	./usr/libexec/kpatch/lib.sh ./usr/share/man/man1/kpatch-build.1.gz \
	./usr/share/man/man1/kpatch-diff.1.gz ./usr/include/kpatch/kpatch-author.h; do
	grep -qxF "$f" <<<"$bfiles" || fail "kpatch-build package lacks $f"
done
ok "kpatch-build lists its programs, fetcher, man pages, header"
expect_not_contains "$files" "/usr/local" "nothing under /usr/local"

ctl="$PKG_OUT/ctl"
dpkg-deb -e "$deb" "$ctl"
expect_contains "$(cat "$ctl/postinst")" "deb-systemd-helper enable 'kpatch.service'" "postinst enables kpatch.service"

# What `apt install ./kpatch_*.deb` would do here, simulated.
expect_rc 0 "apt-get -s install of both .debs" -- apt-get -s install "$deb" "$bdeb"
expect_contains "$out" "Inst kpatch ($version" "apt would install kpatch"

root="$PKG_OUT/root"
dpkg -x "$deb" "$root"
expect_rc 0 "installed kpatch --version" -- "$root/usr/sbin/kpatch" --version
expect_eq "$out" "kpatch $version" "installed kpatch reports VERSION"
exec_line=$(grep '^ExecStart=' "$root/lib/systemd/system/kpatch.service")
expect_eq "$(sed 's/^ExecStart=\([^ ]*\).*/\1/' <<<"$exec_line")" /usr/sbin/kpatch "unit's ExecStart names /usr/sbin/kpatch"
