#!/usr/bin/env bash
# Patch packages on a real Debian host, end to end with apt.
#
# On the host: kpatch-build builds two real fixes of the test kernel into
# atomic-replace modules (1-1 = fix A, 2-1 = fix A + B, 3-1 = fix A again
# and withdraws 2-1), kbuild builds a livepatch of a function this kernel
# does not have (4-1: the kernel refuses it), kpatch-package packages them
# with the empty 0-0, apt-ftparchive makes a local repository of them, and
# the repository and the project's own kpatch .deb (make deb) go into the
# image. The image's kernel is installed as its Debian package
# (tests/vm/rootfs/build-image), so the patch packages' Depends on
# linux-image-<release> (= <version>) resolve for real.
#
# In the guest (two boots): `apt install ./kpatch_*.deb`; 0-0 installs no
# module; 1-1 loads fix A now (kpatch check OK) and again after a reboot
# (kpatch.service); 2-1 replaces it in one transition (1-1 gone from sysfs
# and /var/lib/kpatch, both fixes visible); 3-1's withdrawn list makes
# kpatch check CRITICAL while 2-1 runs (dpkg --unpack) and its configure
# unloads 2-1 (check OK again); apt-get remove unloads and uninstalls
# (original behaviour back, nothing under /var/lib/kpatch); 4-1 fails
# `apt-get install` with kpatch's one-line reason and leaves nothing loaded
# or installed. The times of install, upgrade and removal and the package
# sizes are printed as "figure:" lines.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../systemd.sh"
fail() { echo "FAIL: $*"; exit 1; }
bin=${KPT_BIN_DIR:-$VM_TOP/build/bin}
p=$VM_TOP/tests/patches
krel=$KPATCH_TEST_KERNEL
kdir=$(kernel_dir "$krel")
for prog in kpatch kpatch-build kpatch-package; do
	[ -x "$bin/$prog" ] || fail "no $prog program in $bin"
done
command -v apt-ftparchive >/dev/null || fail "apt-ftparchive is missing (apt-utils; scripts/setup installs it)"
t_start=$(date +%s.%N)

# The names the packages must have (the delivery's naming rules, spelled
# out here so that a change to them fails this test).
pkgname=kpatch-patch-$krel
modname() { echo "kpatch_$(echo "$krel" | tr .- __)_$(echo "$1" | tr - _)"; }

work=$VM_OUT/apt
repo=$work/repo
mkdir -p "$work/ko" "$repo"

tooldeb=$(vm_tool_deb "$work") || fail "$tooldeb"
echo "ok: tool package ${tooldeb##*/}"

# build VERSION PATCH...: kpatch-build a module for VERSION.
build() {
	local v=$1
	shift
	"$bin/kpatch-build" -k "$krel" --patch-version "$v" -o "$work/ko" "$@" \
		>"$work/build-$v.log" 2>&1 ||
		fail "kpatch-build --patch-version $v: $(tail -n 3 "$work/build-$v.log")"
	[ -f "$work/ko/$(modname "$v").ko" ] || fail "kpatch-build --patch-version $v made no $(modname "$v").ko"
	echo "ok: $(tail -n 1 "$work/build-$v.log")"
}
# package VERSION [kpatch-package options...]: a kpatch-patch .deb into the repository.
package() {
	local v=$1
	shift
	"$bin/kpatch-package" --format deb -k "$krel" --patch-version "$v" -o "$repo" \
		-m "kpatch tests <tests@example.org>" --kernel-deb-version "$(cat "$kdir/version")" "$@" \
		>"$work/package-$v.log" 2>&1 ||
		fail "kpatch-package $v: $(tail -n 3 "$work/package-$v.log")"
	[ -f "$repo/${pkgname}_${v}_amd64.deb" ] || fail "kpatch-package $v made no ${pkgname}_${v}_amd64.deb"
	echo "ok: packaged ${pkgname}_${v}_amd64.deb"
}

build 1-1 "$p/fs-loadavg-fields.patch"
build 2-1 "$p/fs-loadavg-fields.patch" "$p/net-ptype-header.patch"
build 3-1 "$p/fs-loadavg-fields.patch"

# 4-1: a real livepatch module of a function this kernel does not have
# (as a module built for another build of the kernel would be); every
# check kpatch makes before the kernel sees it passes, the kernel refuses.
bad=$work/bad
mkdir -p "$bad"
cat >"$bad/$(modname 4-1).c" <<'C'
// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include <linux/livepatch.h>

static void kpt_replacement(void)
{
}

static struct klp_func funcs[] = {
	{ .old_name = "kpt_function_this_kernel_lacks", .new_func = kpt_replacement },
	{ }
};
static struct klp_object objs[] = {
	{ .funcs = funcs },
	{ }
};
static struct klp_patch patch = { .mod = THIS_MODULE, .objs = objs, .replace = true };

static int __init kpt_init(void)
{
	return klp_enable_patch(&patch);
}

static void __exit kpt_exit(void)
{
}

module_init(kpt_init);
module_exit(kpt_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("test livepatch of a function the kernel lacks");
C
echo "obj-m := $(modname 4-1).o" >"$bad/Kbuild"
make -s -C "$kdir/build" M="$bad" modules >"$work/build-4-1.log" 2>&1 ||
	fail "building the 4-1 module failed: $(tail -n 5 "$work/build-4-1.log")"
echo "ok: built $(modname 4-1).ko (patches kpt_function_this_kernel_lacks)"

package 0-0 --empty
package 1-1 "$work/ko/$(modname 1-1).ko"
package 2-1 "$work/ko/$(modname 2-1).ko"
package 3-1 --withdraw "$(modname 2-1)@$krel" "$work/ko/$(modname 3-1).ko"
package 4-1 "$bad/$(modname 4-1).ko"

# The packages' metadata, as apt will see it.
dpkg-deb -f "$repo/${pkgname}_1-1_amd64.deb" Depends >"$work/depends"
grep -q "linux-image-$krel (= $(cat "$kdir/version"))" "$work/depends" ||
	fail "1-1 does not depend on linux-image-$krel (= $(cat "$kdir/version")): $(cat "$work/depends")"
dpkg-deb -c "$repo/${pkgname}_0-0_amd64.deb" | grep -q '\.ko$' && fail "0-0 carries a module"
dpkg-deb -c "$repo/${pkgname}_3-1_amd64.deb" | grep -q "etc/kpatch/withdrawn.d/$pkgname.list" ||
	fail "3-1 has no withdrawn list"
echo "ok: Depends, the empty 0-0 and 3-1's withdrawn list"
for v in 0-0 1-1 2-1 3-1 4-1; do
	echo "figure: package ${pkgname}_${v}_amd64.deb $(stat -c %s "$repo/${pkgname}_${v}_amd64.deb") bytes"
done
echo "figure: package ${tooldeb##*/} $(stat -c %s "$tooldeb") bytes"

# The local repository: a flat one (Packages + Release), served as file:.
# Only the patch packages: the tool comes from its .deb, as for a new user.
(cd "$repo" && apt-ftparchive packages . >Packages && apt-ftparchive release . >Release) ||
	fail "apt-ftparchive failed"
[ "$(grep -c "^Package: $pkgname\$" "$repo/Packages")" = 5 ] || fail "the repository's Packages does not list the 5 versions"
echo "ok: repository of $(grep -c '^Package:' "$repo/Packages") packages"

# Without the programs of build/bin: kpatch comes from its package alone.
empty=$work/nobin
mkdir -p "$empty"
img=$(KPT_BIN_DIR=$empty vm_sd_image apt) || fail "cannot make the disk image"
vm_sd_put "$img" "$repo" /srv/repo &&
	vm_sd_put "$img" "$tooldeb" "/root/${tooldeb##*/}" || fail "cannot copy the packages into the image"
# The test's modules' checks, to see the fixes.
cp "$p/fs-loadavg-fields.check" "$work/fixA.check"
cp "$p/net-ptype-header.check" "$work/fixB.check"
vm_sd_put "$img" "$work/fixA.check" /root/fixA.check &&
	vm_sd_put "$img" "$work/fixB.check" /root/fixB.check || fail "cannot copy the fix checks"
t_host=$(date +%s.%N)

# Both guest scripts start with the same names.
guest_head() {
	cat <<G
PKG=$pkgname
KVER=$(cat "$kdir/version")
M1=$(modname 1-1) M2=$(modname 2-1) M3=$(modname 3-1) M4=$(modname 4-1)
TOOLDEB=/root/${tooldeb##*/}
G
	cat <<'G'
. /lib/kpt-guest.sh
export DEBIAN_FRONTEND=noninteractive
fixA() { sh /root/fixA.check; }
fixB() { sh /root/fixB.check; }
now() { date +%s.%N; }
# timed WHAT CMD...: run CMD, keep its output in $out and exit code in $rc,
# print how long it took.
timed() {
	what=$1
	shift
	t0=$(now)
	out=$("$@" 2>&1)
	rc=$?
	t1=$(now)
	echo "figure: $what: $(echo "$t1 - $t0" | awk '{ printf "%.2f", $1 - $3 }') s"
}
# The only livepatches and the only installed modules.
lp_is() { expect_eq "$(ls $LP | tr '\n' ' ')" "$1" "$2: /sys/kernel/livepatch holds '$1'"; }
store_is() {
	expect_eq "$(ls /var/lib/kpatch/$KREL 2>/dev/null | tr '\n' ' ')" "$1" "$2: /var/lib/kpatch/$KREL holds '$1'"
}
pkg_version() { dpkg-query -W -f '${Version} ${db:Status-Abbrev}' "$PKG" 2>/dev/null; }
G
}

{ guest_head; cat <<'G'
command -v kpatch >/dev/null && fail "a kpatch program is there before its package: $(command -v kpatch)"
expect_eq "$(dpkg-query -W -f '${Version} ${db:Status-Abbrev}' linux-image-$KREL-unsigned)" "$KVER ii " \
	"the running kernel is installed as package linux-image-$KREL-unsigned $KVER"

timed "apt install ./kpatch .deb (the tool)" apt-get install -y "$TOOLDEB"
[ $rc = 0 ] || fail "apt install $TOOLDEB: exit $rc: $out"
expect_eq "$(command -v kpatch)" /usr/sbin/kpatch "kpatch installed from its package"
expect_eq "$(dpkg-query -W -f '${db:Status-Abbrev}' kpatch)" "ii " "package kpatch installed"
[ -f /lib/systemd/system/kpatch.service ] || [ -f /usr/lib/systemd/system/kpatch.service ] ||
	fail "the kpatch package has no kpatch.service"
ok "kpatch.service installed by the package"

# The VM has no network: the local repository is its only source (the
# rootfs's Debian mirror would only cost a failed look-up).
rm -f /etc/apt/sources.list
echo 'deb [trusted=yes] file:/srv/repo ./' >/etc/apt/sources.list.d/kpatch-test.list
timed "apt-get update (local repository)" apt-get update
[ $rc = 0 ] || fail "apt-get update: exit $rc: $out"
expect_eq "$(apt-cache madison "$PKG" | awk '{ print $3 }' | sort | tr '\n' ' ')" "0-0 1-1 2-1 3-1 4-1 " \
	"apt sees the five versions of $PKG"

fixA && fail "fix A visible before any patch"
timed "apt-get install $PKG=0-0 (empty)" apt-get install -y "$PKG=0-0"
[ $rc = 0 ] || fail "apt-get install $PKG=0-0: exit $rc: $out"
expect_eq "$(pkg_version)" "0-0 ii " "$PKG 0-0 installed"
lp_is "" "0-0"
store_is "" "0-0"

timed "apt-get install $PKG=1-1 (install + load)" apt-get install -y "$PKG=1-1"
echo "$out" | grep -E '^kpatch|patch module'
[ $rc = 0 ] || fail "apt-get install $PKG=1-1: exit $rc: $out"
expect_eq "$(pkg_version)" "1-1 ii " "$PKG 1-1 installed"
lp_is "$M1 " "1-1"
expect_eq "$(cat $LP/$M1/enabled)" 1 "$M1 enabled"
store_is "$M1.ko " "1-1"
fixA || fail "fix A not visible with 1-1: $(cat /proc/loadavg)"
fixB && fail "fix B visible with 1-1"
ok "1-1: fix A live now"
expect_rc 0 "kpatch check after 1-1" -- kpatch check
echo "$out"
expect_eq "$(systemctl is-enabled kpatch.service)" enabled "kpatch.service enabled"
G
} >"$VM_OUT/boot1.sh"
vm_sd_boot "$img" "$VM_OUT/boot1.sh" || fail "boot 1 (tool, 0-0, 1-1) failed"

{ guest_head; cat <<'G'
# After the reboot: kpatch.service loaded what the package installed.
fixA || fail "fix A not visible after the reboot: $(cat /proc/loadavg)"
lp_is "$M1 " "after the reboot"
expect_eq "$(systemctl is-active kpatch.service)" active "kpatch.service is active"
expect_rc 0 "kpatch check after the reboot" -- kpatch check
ok "1-1 re-applied at boot"

timed "apt-get install $PKG=2-1 (upgrade, one transition)" apt-get install -y "$PKG=2-1"
echo "$out" | grep -E '^kpatch|patch module'
[ $rc = 0 ] || fail "apt-get install $PKG=2-1: exit $rc: $out"
expect_eq "$(pkg_version)" "2-1 ii " "$PKG 2-1 installed"
lp_is "$M2 " "2-1"
module_gone "$M1" || fail "$M1 still loaded after the upgrade"
store_is "$M2.ko " "2-1"
[ -e /usr/lib/kpatch-patch/$KREL/$M1.ko ] && fail "the 1-1 module file is still in /usr/lib/kpatch-patch/$KREL"
fixA && fixB || fail "2-1: not both fixes visible"
ok "2-1 replaced 1-1: both fixes visible, 1-1 gone from sysfs, the module list and disk"
# One transition: the kernel's log has 2-1 enabling and no unpatching of 1-1.
dmesg | grep -q "livepatch: '$M1': starting unpatching" && fail "1-1 was unpatched on its own (two transitions)"
dmesg | grep -q "livepatch: '$M2': patching complete" || fail "no 'patching complete' of $M2 in the kernel log"
ok "one transition: $M2 patched over $M1"
expect_rc 0 "kpatch check after 2-1" -- kpatch check

# 3-1 withdraws 2-1. Unpacked only, its withdrawn list is in place while
# 2-1 still runs: kpatch check is CRITICAL and says why.
cd /tmp && apt-get download "$PKG=3-1" >/dev/null 2>&1 || fail "apt-get download $PKG=3-1"
expect_rc 0 "dpkg --unpack 3-1" -- dpkg --unpack ./"${PKG}_3-1_amd64.deb"
expect_rc 2 "kpatch check while withdrawn 2-1 runs" -- kpatch check
expect_contains "$out" "$M2 is loaded but withdrawn" "kpatch check names the withdrawn module"
echo "$out"
timed "apt-get install $PKG=3-1 (configure: withdraws 2-1)" apt-get install -y "$PKG=3-1"
echo "$out" | grep -E '^kpatch|patch module'
[ $rc = 0 ] || fail "apt-get install $PKG=3-1: exit $rc: $out"
expect_eq "$(pkg_version)" "3-1 ii " "$PKG 3-1 installed"
lp_is "$M3 " "3-1"
module_gone "$M2" || fail "withdrawn $M2 still loaded"
store_is "$M3.ko " "3-1"
fixA || fail "3-1: fix A not visible"
fixB && fail "3-1: fix B of withdrawn 2-1 still visible"
expect_rc 0 "kpatch check after 3-1" -- kpatch check
expect_not_contains "$out" "$M2" "kpatch check no longer reports $M2"
echo "$out"

timed "apt-get remove $PKG (unload + uninstall)" apt-get remove -y "$PKG"
echo "$out" | grep -E '^kpatch|patch module'
[ $rc = 0 ] || fail "apt-get remove $PKG: exit $rc: $out"
case "$(pkg_version)" in
"" | "3-1 rc ") ok "$PKG removed" ;;
*) fail "$PKG not removed: $(pkg_version)" ;;
esac
lp_is "" "after remove"
module_gone "$M3" || fail "$M3 still loaded after the removal"
store_is "" "after remove"
[ -z "$(find /var/lib/kpatch -name '*.ko')" ] || fail "modules left under /var/lib/kpatch: $(find /var/lib/kpatch -name '*.ko')"
fixA && fail "fix A still visible after the removal"
ok "removed: original behaviour back, nothing under /var/lib/kpatch"
# With no patch left, the fix is gone but the host is not in a bad state:
# kpatch check reports nothing loaded and nothing installed.
expect_rc 0 "kpatch check after the removal" -- kpatch check
expect_contains "$out" "0 patch module(s) loaded, 0 installed" "kpatch check: nothing loaded or installed"
echo "$out"
dpkg --purge "$PKG" >/dev/null 2>&1 || fail "dpkg --purge $PKG"

# 4-1: the kernel refuses its module. apt fails with kpatch's reason;
# nothing is loaded or installed.
timed "apt-get install $PKG=4-1 (module the kernel refuses)" apt-get install -y "$PKG=4-1"
echo "$out" | grep -E '^kpatch|dpkg: error'
[ $rc != 0 ] || fail "apt-get install $PKG=4-1 succeeded"
ok "apt-get install $PKG=4-1 failed (exit $rc)"
reason=$(echo "$out" | grep '^kpatch: error:' | head -n 1)
[ -n "$reason" ] || fail "no 'kpatch: error:' line in apt's output: $out"
expect_contains "$reason" "$M4" "kpatch's reason names the module"
[ "$(echo "$out" | grep -c '^kpatch: error:')" = 1 ] || fail "more than one kpatch error line: $(echo "$out" | grep '^kpatch: error:')"
dmesg | grep -q "livepatch: symbol 'kpt_function_this_kernel_lacks' not found" ||
	fail "the kernel did not log its refusal: $(dmesg | tail -n 5)"
ok "the kernel refused it: $(dmesg | grep "kpt_function_this_kernel_lacks" | tail -n 1)"
lp_is "" "after the failed install"
module_gone "$M4" || fail "$M4 loaded"
store_is "" "after the failed install"
case "$(pkg_version)" in
"4-1 iF"*|"4-1 iU"*) ok "dpkg marks $PKG 4-1 not configured: $(pkg_version)" ;;
*) fail "dpkg state of $PKG after the failed install: '$(pkg_version)'" ;;
esac
expect_rc 2 "kpatch check after the failed install" -- kpatch check
expect_contains "$out" "$M4: the last \`kpatch install --load\` for $KREL failed" "kpatch check reports the failed load"
G
} >"$VM_OUT/boot2.sh"
vm_sd_boot "$img" "$VM_OUT/boot2.sh" || fail "boot 2 (reboot, 2-1, 3-1, remove, 4-1) failed"
t_end=$(date +%s.%N)
awk -v a="$t_start" -v b="$t_host" -v c="$t_end" \
	'BEGIN { printf "figure: host side (builds, packages, repository, image) %.1f s; whole test %.1f s\n", b - a, c - a }'
