#!/usr/bin/env bash
# Automatic subscription on a real Debian host (`kpatch auto`), end to end
# with apt, when a new kernel arrives.
#
# On the host: kpatch-build builds the same real fix (fix A) for both test
# kernels, kpatch-package packages each as kpatch-patch-<release> 1-1, and
# a local apt repository holds them with the second test kernel's own image
# package (linux-image-<krel2>-unsigned, the real .deb of that kernel).
#
# Boot 1 (first test kernel): the tool from its .deb; manual mode (the
# default): installing the second kernel adds nothing and kpatch check's
# note names the running kernel's missing package; the kernel is removed
# again. `kpatch auto -y` installs the running kernel's patch package (fix
# A live, check OK); installing the second kernel now also installs its
# patch package in the same apt-get run (the kernel's postinst.d hook and
# APT's Post-Invoke), and check stays OK. Boot 2, into the second kernel:
# kpatch.service loaded its module (fix A live there), check OK; removing
# the first kernel removes its patch package; `kpatch manual` switches
# back. The kernel install times with and without the subscription are
# printed as "figure:" lines.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../systemd.sh"
fail() { echo "FAIL: $*"; exit 1; }
bin=${KPT_BIN_DIR:-$VM_TOP/build/bin}
p=$VM_TOP/tests/patches
k1=$KPATCH_TEST_KERNEL
k2=$KPATCH_TEST_KERNEL2
for prog in kpatch kpatch-build kpatch-package; do
	[ -x "$bin/$prog" ] || fail "no $prog program in $bin"
done
command -v apt-ftparchive >/dev/null || fail "apt-ftparchive is missing (apt-utils; scripts/setup installs it)"

modname() { echo "kpatch_$(echo "$1" | tr .- __)_1_1"; }
work=$VM_OUT/sub
repo=$work/repo
mkdir -p "$work/ko" "$repo"

tooldeb=$(vm_tool_deb "$work") || fail "$tooldeb"
dpkg-deb -c "$tooldeb" >"$work/tool-contents"
grep -q './etc/kernel/postinst.d/kpatch$' "$work/tool-contents" || fail "the tool package has no kernel postinst.d hook"
grep -q './etc/apt/apt.conf.d/50kpatch$' "$work/tool-contents" || fail "the tool package has no APT configuration"
echo "ok: tool package ${tooldeb##*/} with its kernel and APT hooks"

for k in "$k1" "$k2"; do
	"$bin/kpatch-build" -k "$k" --patch-version 1-1 -o "$work/ko" "$p/fs-loadavg-fields.patch" \
		>"$work/build-$k.log" 2>&1 || fail "kpatch-build -k $k: $(tail -n 3 "$work/build-$k.log")"
	"$bin/kpatch-package" --format deb -k "$k" --patch-version 1-1 -o "$repo" \
		-m "kpatch tests <tests@example.org>" --kernel-deb-version "$(cat "$(kernel_dir "$k")/version")" \
		"$work/ko/$(modname "$k").ko" >"$work/package-$k.log" 2>&1 ||
		fail "kpatch-package -k $k: $(tail -n 3 "$work/package-$k.log")"
	[ -f "$repo/kpatch-patch-${k}_1-1_amd64.deb" ] || fail "no kpatch-patch-${k}_1-1_amd64.deb"
done
echo "ok: fix A packaged for $k1 and $k2"
kdeb=$(kernel_image_deb "$k2") || fail "no image package for $k2"
cp "$kdeb" "$repo/"
kpkg=$(dpkg-deb -f "$kdeb" Package)
echo "ok: the second kernel's own package ${kdeb##*/}"
(cd "$repo" && apt-ftparchive packages . >Packages && apt-ftparchive release . >Release) ||
	fail "apt-ftparchive failed"

empty=$work/nobin
mkdir -p "$empty"
img=$(KPT_BIN_DIR=$empty vm_sd_image sub) || fail "cannot make the disk image"
vm_sd_put "$img" "$repo" /srv/repo &&
	vm_sd_put "$img" "$tooldeb" "/root/${tooldeb##*/}" &&
	vm_sd_put "$img" "$p/fs-loadavg-fields.check" /root/fixA.check || fail "cannot copy the packages into the image"

guest_head() {
	cat <<G
K1=$k1 K2=$k2 KPKG=$kpkg
P1=kpatch-patch-$k1 P2=kpatch-patch-$k2
M1=$(modname "$k1") M2=$(modname "$k2")
TOOLDEB=/root/${tooldeb##*/}
G
	cat <<'G'
. /lib/kpt-guest.sh
export DEBIAN_FRONTEND=noninteractive
# The VM boots its kernel from outside: no initramfs to build in the guest.
export INITRD=No
# A kernel package is 60 MB of modules; without dpkg's fsyncs its install
# takes seconds instead of minutes on the emulated disk.
echo force-unsafe-io >/etc/dpkg/dpkg.cfg.d/kpt-unsafe-io
fixA() { sh /root/fixA.check; }
now() { date +%s.%N; }
timed() {
	what=$1
	shift
	t0=$(now)
	out=$("$@" 2>&1)
	rc=$?
	t1=$(now)
	secs=$(echo "$t1 - $t0" | awk '{ printf "%.2f", $1 - $3 }')
	echo "figure: $what: $secs s"
}
installed() { [ "$(dpkg-query -W -f '${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]; }
G
}

{ guest_head; cat <<'G'
expect_eq "$(uname -r)" "$K1" "boot 1 runs $K1"
apt-get install -y "$TOOLDEB" >/tmp/tool.log 2>&1 || fail "apt install $TOOLDEB: $(tail -n 5 /tmp/tool.log)"
[ -x /etc/kernel/postinst.d/kpatch ] || fail "no /etc/kernel/postinst.d/kpatch after installing the tool"
rm -f /etc/apt/sources.list
echo 'deb [trusted=yes] file:/srv/repo ./' >/etc/apt/sources.list.d/kpatch-test.list
apt-get update >/tmp/update.log 2>&1 || fail "apt-get update: $(tail -n 5 /tmp/update.log)"

# Manual, the default: a new kernel brings no patch package.
expect_rc 0 "kpatch status" -- kpatch status
expect_contains "$out" "subscription: manual (deb packages)" "status says manual"
expect_rc 0 "kpatch check, manual, no patch package" -- kpatch check
expect_contains "$out" "OK: the running kernel $K1 has no patch package $P1" "check names the missing package"
echo "$out"
timed "apt-get install $KPKG (manual)" apt-get install -y "$KPKG"
[ $rc = 0 ] || fail "apt-get install $KPKG: exit $rc: $out"
manual_secs=$secs
installed "$KPKG" || fail "$KPKG not installed"
installed "$P2" && fail "manual mode installed $P2"
expect_not_contains "$out" "kpatch" "apt's output has no kpatch line in manual mode"
ok "manual: the new kernel came alone"
apt-get remove -y --purge "$KPKG" >/tmp/rm.log 2>&1 || fail "apt-get remove $KPKG: $(tail -n 5 /tmp/rm.log)"

# auto: the installed kernel's patch package comes now.
fixA && fail "fix A visible before any patch"
expect_rc 0 "kpatch auto -y" -- kpatch auto -y
echo "$out" | grep -E '^kpatch|subscription|Setting up'
expect_contains "$out" "subscription auto: 1 kernel(s), 1 patch package(s) installed now, 0 unavailable" "auto's summary"
installed "$P1" || fail "kpatch auto did not install $P1"
expect_eq "$(cat /etc/kpatch/subscription | grep -v '^#')" auto "/etc/kpatch/subscription says auto"
fixA || fail "fix A not live after kpatch auto"
expect_rc 0 "kpatch check, auto" -- kpatch check
expect_eq "$out" "OK: 1 patch module(s) loaded, 1 installed for $K1" "check OK, no note"

# A new kernel: its patch package comes in the same apt-get run.
timed "apt-get install $KPKG (auto, with its patch package)" apt-get install -y "$KPKG"
echo "$out" | grep -E '^kpatch|kpatch-patch'
[ $rc = 0 ] || fail "apt-get install $KPKG (auto): exit $rc: $out"
installed "$KPKG" || fail "$KPKG not installed"
installed "$P2" || fail "auto: $P2 not installed with the kernel: $out"
expect_contains "$out" "kpatch: kernel $K2: installing $P2 (subscription auto)" "apt's output says so"
[ -f "/var/lib/kpatch/$K2/$M2.ko" ] || fail "$M2 not installed for $K2"
[ -z "$(ls /run/kpatch/subscribe 2>/dev/null)" ] || fail "pending notes left: $(ls /run/kpatch/subscribe)"
expect_rc 0 "kpatch check with both kernels subscribed" -- kpatch check
expect_rc 0 "kpatch --json status" -- kpatch --json status
expect_contains "$out" "\"release\":\"$K2\",\"running\":false,\"package\":\"$P2\",\"installed\":true,\"version\":\"1-1\"" "status: $K2 has $P2 1-1"
ok "auto: $KPKG brought $P2"
# What the subscription adds to a kernel install, without the noise of the
# kernel's own unpacking: the Post-Invoke step alone (download + dpkg -i of
# the patch package), three times.
for i in 1 2 3; do
	dpkg -r "$P2" >/dev/null 2>&1 || fail "dpkg -r $P2"
	kpatch hook kernel-installed "$K2" 2>/dev/null
	timed "kpatch hook apt-post-invoke ($i)" kpatch hook apt-post-invoke
	[ $rc = 0 ] || fail "kpatch hook apt-post-invoke: exit $rc: $out"
	installed "$P2" || fail "the hook did not install $P2 again"
	echo "$secs" >>/tmp/hook-secs
done
echo "figure: the subscription adds $(sort -n /tmp/hook-secs | sed -n 2p) s (median of 3) to a kernel install of $manual_secs s"
systemctl is-enabled kpatch.service >/dev/null || fail "kpatch.service not enabled"
G
} >"$VM_OUT/boot1.sh"
# Two kernel installs and removals: more than the default boot time.
VM_SD_TIMEOUT=900 vm_sd_boot "$img" "$VM_OUT/boot1.sh" || fail "boot 1 (manual, auto, new kernel) failed"

# Reboot into the second kernel: the VM's kernel and initramfs are the
# host's copies of the very kernel apt installed into the image.
base2=$(vm_sd_base "$k2") || fail "no base image for $k2"
cp "${base2%.img}.initrd.gz" "$VM_OUT/sub.initrd.gz" || fail "cannot take the initramfs of $k2"
echo "$k2" >"$VM_OUT/sub.kernel"

{ guest_head; cat <<'G'
expect_eq "$(uname -r)" "$K2" "boot 2 runs the new kernel $K2"
fixA || fail "fix A not live on $K2 after the reboot"
expect_eq "$(cat /sys/kernel/livepatch/$M2/enabled 2>/dev/null)" 1 "kpatch.service loaded $M2"
expect_rc 0 "kpatch check on $K2" -- kpatch check
echo "$out"
ok "the new kernel runs patched"

# Removing a kernel removes its patch package.
apt-get remove -y "linux-image-$K1-unsigned" >/tmp/rm.log 2>&1 || fail "apt-get remove the old kernel: $(tail -n 5 /tmp/rm.log)"
installed "$P1" && fail "$P1 stayed after its kernel was removed"
ok "removing $K1 removed $P1"
expect_rc 0 "kpatch check after removing $K1" -- kpatch check

expect_rc 0 "kpatch manual" -- kpatch manual
expect_rc 0 "kpatch status" -- kpatch status
expect_contains "$out" "subscription: manual (deb packages)" "status says manual again"
installed "$P2" || fail "kpatch manual removed $P2"
G
} >"$VM_OUT/boot2.sh"
vm_sd_boot "$img" "$VM_OUT/boot2.sh" || fail "boot 2 (the new kernel) failed"
echo "PASS: kpatch auto subscribed the new kernel; it booted patched"
