#!/usr/bin/env bash
# kpatch-package --format deb on a real patch module: the package's name,
# version, Depends and Provides; the module where kpatch install --load
# finds it, stripped, with the unstripped one in the -dbgsym package by
# build-id; maintainer scripts that run kpatch and nothing else; lintian
# without errors; the empty 0-0 package with a withdrawn list; and every
# refusal leaves the output directory empty.
. "$(dirname "$0")/../lib.sh"

krel=$KPATCH_TEST_KERNEL
kver=$(cat "$KPATCH_CACHE/kernels/$krel/version")
pkg=kpatch-patch-$krel
mod=kpatch_$(tr .- __ <<<"$krel")_1_1
"$KPT_TOP/tests/modules/build" "$krel" >/dev/null || fail "cannot build the test modules"
"$KPT_TOP/tests/modules/build" "$KPATCH_TEST_KERNEL2" >/dev/null || fail "cannot build the test modules"
ko=$KPT_TOP/build/modules/$krel/$mod.ko
other=$KPT_TOP/build/modules/$KPATCH_TEST_KERNEL2/$mod.ko
kp() { "$KPT_BIN_DIR/kpatch-package" "$@"; }
maint="Kernel Team <kernel@example.org>"
odir=$PKG_OUT/out
mkdir -p "$odir"

expect_rc 0 "kpatch-package builds 1-1" -- \
	kp -f deb -p 1-1 --kernel-deb-version "$kver" -m "$maint" -o "$odir" "$ko"
deb=$odir/${pkg}_1-1_amd64.deb dbg=$odir/$pkg-dbgsym_1-1_amd64.deb
expect_eq "$out" "$deb
$dbg" "it prints the two packages it wrote"
f() { dpkg-deb -f "$1" "$2"; }
expect_eq "$(f "$deb" Package) $(f "$deb" Version)" "$pkg 1-1" "name and version"
expect_eq "$(f "$deb" Depends)" \
	"kpatch (>= $(cat "$KPT_TOP/VERSION")), linux-image-$krel (= $kver) | linux-image-$krel-unsigned (= $kver)" \
	"Depends ties it to the exact kernel package and to kpatch"
expect_eq "$(f "$deb" Provides)" "kpatch-patch (= $krel)" "Provides kpatch-patch (= release)"
expect_contains "$(f "$deb" Description)" "Fixes: CVE-2099-0101,CVE-2099-0102" "the CVEs are in the description"
expect_contains "$(f "$deb" Description)" "fix the /proc/cmdline test text" "and the module's description"
x=$PKG_OUT/x
dpkg-deb -x "$deb" "$x" && dpkg-deb -e "$deb" "$x/DEBIAN" || fail "cannot unpack $deb"
inst=$x/usr/lib/kpatch-patch/$krel/$mod.ko
[ -f "$inst" ] || fail "no /usr/lib/kpatch-patch/$krel/$mod.ko in the package"
ok "the module is at /usr/lib/kpatch-patch/$krel/$mod.ko"
expect_not_contains "$(readelf -SW "$inst")" ".debug_info" "the packaged module is stripped of debug info"
sections() { readelf -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] \([^ ]*\) .*/\1/p' | grep -v '^\.debug\|^\.rela\.debug\|^\.symtab\|^\.strtab\|^\.shstrtab' | sort; }
expect_eq "$(sections "$inst")" "$(sections "$ko")" "stripping kept every other section (klp relocations, .modinfo, ...)"
zgrep -q "Live patch 1-1 for Linux $krel" "$x/usr/share/doc/$pkg/changelog.Debian.gz" ||
	fail "the changelog does not name the patch"
ok "the changelog names the patch version and kernel"
# The scripts: every command is kpatch (the rest is sh's own syntax).
cmds=$(cat "$x/DEBIAN/postinst" "$x/DEBIAN/prerm" | grep -v '^#\|^set -e$\|^if \|^fi$\|^case \|^esac$\|^[a-z|]*)$\|^\s*;;$' | sed 's/^\s*//')
expect_eq "$cmds" "kpatch install --load -k $krel /usr/lib/kpatch-patch/$krel/$mod.ko
kpatch uninstall --unload -k $krel $mod" "the maintainer scripts run kpatch install --load and uninstall --unload only"
expect_rc 0 "postinst is valid sh" -- sh -n "$x/DEBIAN/postinst"
expect_rc 0 "prerm is valid sh" -- sh -n "$x/DEBIAN/prerm"
id=$(readelf -n "$ko" | sed -n 's/.*Build ID: //p')
[ -n "$id" ] || fail "the test module has no build-id"
dpkg-deb -x "$dbg" "$x.dbg" || fail "cannot unpack $dbg"
cmp -s "$ko" "$x.dbg/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug" ||
	fail "the -dbgsym package lacks the unstripped module at its build-id path"
ok "the -dbgsym package holds the unstripped module at .build-id/${id:0:2}/${id:2}.debug"
expect_eq "$(f "$dbg" Depends)" "$pkg (= 1-1)" "the -dbgsym package depends on its package's version"
lint=$(lintian "$deb" "$dbg" 2>&1 | grep '^E:')
expect_eq "$lint" "" "lintian shows no errors on the patch package and its -dbgsym"

# The empty subscription package, here also withdrawing 2-1.
expect_rc 0 "kpatch-package builds the empty 0-0" -- \
	kp -f deb --empty -k "$krel" -w "${mod%_1_1}_2_1" -m "$maint" -o "$odir"
empty=$odir/${pkg}_0-0_amd64.deb
expect_not_contains "$(dpkg-deb -c "$empty")" ".ko" "0-0 carries no module"
expect_eq "$(f "$empty" Provides)" "kpatch-patch (= $krel)" "0-0 provides kpatch-patch (= release) too"
expect_contains "$(f "$empty" Depends)" "linux-image-$krel | linux-image-$krel-unsigned" "0-0 depends on its kernel (removed with it)"
dpkg-deb -x "$empty" "$x.0" && dpkg-deb -e "$empty" "$x.0/DEBIAN" || fail "cannot unpack $empty"
expect_eq "$(grep -v '^#' "$x.0/etc/kpatch/withdrawn.d/$pkg.list")" "${mod%_1_1}_2_1@$krel" \
	"the withdrawn list names the module for this kernel"
expect_eq "$(cat "$x.0/DEBIAN/conffiles")" "/etc/kpatch/withdrawn.d/$pkg.list" "and is a conffile"
expect_contains "$(cat "$x.0/DEBIAN/postinst")" "	kpatch sync" "installing a withdrawn list runs kpatch sync"
expect_eq "$(lintian "$empty" 2>&1 | grep '^E:' | cut -d' ' -f3)" "debian-revision-is-zero" \
	"lintian's only error on 0-0 is the guide's revision 0"

# Refusals: one line, a distinct code, nothing written.
rm -f "$odir"/*.deb
refused() {
	local code=$1 text=$2
	shift 2
	expect_rc "$code" "refused: $text" -- kp "$@"
	expect_contains "$out" "$text" "the message says why"
	[ "$(wc -l <<<"$out")" = 1 ] || fail "more than one line: $out"
	[ -z "$(ls -A "$PKG_OUT/out")" ] || fail "something was written: $(ls -A "$PKG_OUT/out")"
}
refused 4 "cannot be package version 1-1 for $KPATCH_TEST_KERNEL2" \
	-f deb -p 1-1 --kernel-deb-version 1 -m "$maint" -o "$odir" "$other"
refused 4 "cannot be package version 2-1" -f deb -p 2-1 --kernel-deb-version 1 -m "$maint" -o "$odir" "$ko"
refused 2 "is not N-R" -f deb -p 1-x -m "$maint" -o "$odir" "$ko"
refused 2 "use --empty" -f deb -p 0-0 -m "$maint" -o "$odir" "$ko"
refused 2 "--format deb or --format rpm" -f zip -p 1-1 -m "$maint" -o "$odir" "$ko"
refused 2 "--maintainer" -f deb -p 1-1 -o "$odir" "$ko"
refused 2 "--withdraw" -f deb --empty -k "$krel" -w ../../x -m "$maint" -o "$odir"
refused 2 "kernel release" -f deb --empty -k 6.1/../x -m "$maint" -o "$odir"
refused 3 "linux-image-$krel is not installed here" -f deb -p 1-1 -m "$maint" -o "$odir" "$ko"
refused 3 "not a directory" -f deb -p 1-1 --kernel-deb-version 1 -m "$maint" -o "$odir/none" "$ko"
# A module whose description would add a line to the control file.
python3 - "$ko" "$PKG_OUT/evil.modinfo" <<'PY'
import subprocess, sys
d = subprocess.run(["objcopy", "-O", "binary", "--only-section=.modinfo", sys.argv[1], "/dev/stdout"],
                   capture_output=True, check=True).stdout
d = d.replace(b"kpatch_description=fix", b"kpatch_description=x\nDepends: evil\nfix")
open(sys.argv[2], "wb").write(d)
PY
objcopy --update-section .modinfo="$PKG_OUT/evil.modinfo" "$ko" "$PKG_OUT/$mod.ko" || fail "objcopy"
refused 4 "a byte (\\x0a) that a package's metadata cannot carry" \
	-f deb -p 1-1 --kernel-deb-version 1 -m "$maint" -o "$odir" "$PKG_OUT/$mod.ko"

# kpatch info names the debug file by build-id and the package holding it.
expect_rc 0 "kpatch info on the module" -- env KPATCH_DEBUG_ROOT="$PKG_OUT/none" "$KPT_BIN_DIR/kpatch" info "$ko"
expect_contains "$out" "debug:       $PKG_OUT/none/.build-id/${id:0:2}/${id:2}.debug (not installed, from package $pkg-dbgsym)" \
	"kpatch info says which debug package matches, and that it is not installed"
expect_rc 0 "kpatch info with the -dbgsym package unpacked" -- \
	env KPATCH_DEBUG_ROOT="$x.dbg/usr/lib/debug" "$KPT_BIN_DIR/kpatch" --json info "$ko"
expect_contains "$out" "\"debug\":{\"build_id\":\"$id\",\"file\":\"$x.dbg/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug\",\"installed\":true,\"package\":\"$pkg-dbgsym\"}" \
	"and, in JSON, that the unpacked -dbgsym package provides it"
