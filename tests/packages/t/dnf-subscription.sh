#!/usr/bin/env bash
# kpatch-dnf (dnf/kpatch.py) with Debian's real dnf in a scratch
# --installroot, the plugin loaded from this tree (pluginpath and
# pluginconfpath; its setting is written to the root's
# /etc/dnf/plugins/kpatch.conf). A local repository made by createrepo_c
# holds six stand-in kernel-core packages, the 0-0 patch packages that
# kpatch-package makes for the first four, a 1-1 for the first, one for
# the sixth that needs a newer kpatch than the repository has, and the
# project's own kpatch rpm (make rpm).
#
# The scriptlets run for real inside the root: it gets the mount points a
# booted system has (/dev/null, /run, /tmp) and a stand-in base package
# holding busybox as /bin/sh and the host's copies of the libraries
# kpatch links, whose provides (sonames) rpmbuild derives from the files;
# so the patch packages' requirement on kpatch is met by the real kpatch
# rpm, and the 1-1's %post runs that kpatch, which installs the module in
# the root's /var/lib/kpatch.
#
# The stand-in kernels are noarch (release 5.14.0-N.el9.noarch): for
# x86_64 the release holds '_', which kpatch-package refuses in a package
# name (src/kpatchlib/pkgname.c).
#
# The project's kpatch (build/bin, a fake sysfs/procfs tree, KPATCH_RPM_ROOT
# at the root) reads the setting the plugin wrote and the root's rpm
# database: kpatch status and kpatch check see what dnf did.
#
# At the end it prints the time of the third kernel's install with and
# without the plugin (median of 3), a figure, not a check.
. "$(dirname "$0")/../lib.sh"

for tool in dnf createrepo_c rpmbuild busybox; do
	command -v "$tool" >/dev/null || fail "$tool not found; run scripts/setup"
done
version=$(cat "$KPT_TOP/VERSION")
maint="Kernel Team <kernel@example.org>"
repo=$PKG_OUT/repo root=$PKG_OUT/root top=$PKG_OUT/rpmbuild
mkdir -p "$repo" "$top"

# The release goes into a package spec only when it looks like one: repository
# metadata can hold anything (a space, a comparison, a comma).
expect_rc 0 "the plugin's release check" -- /usr/bin/python3 - "$KPT_TOP/dnf" <<'EOF'
import sys, types
sys.path.insert(0, sys.argv[1])
import kpatch
def rel(v, r, a):
    return kpatch.kernel_release(types.SimpleNamespace(name="kernel-core", version=v, release=r, arch=a))
assert rel("5.14.0", "1.el9", "x86_64") == "5.14.0-1.el9.x86_64"
for bad in [("5.14.0 ", "1", "x86_64"), ("5.14.0", "1,x", "x86_64"), ("5.14.0", "1", "x86_64 >= 0"),
            ("v5", "1", "x86_64"), ("5" * 130, "1", "x86_64"), ("5.14.0", "1\n", "x86_64")]:
    assert rel(*bad) is None, bad
EOF
expect_contains "$out" "kpatch: ignoring kernel kernel-core: its release '5.14.0 -1.x86_64' is not a kernel release" \
	"a release that is no release is refused and said so"

krel() { echo "5.14.0-$1.el9.noarch"; }
pkg() { echo "kpatch-patch-$(tr . _ <<<"$(krel "$1")")"; }

# The stand-in kernels: what dnf and the patch packages look at (name,
# version-release.arch, the install-only and kernel-uname-r provides of
# RHEL's kernel-core) and one file.
cat >"$PKG_OUT/kernel.spec" <<'EOF'
Name: kernel-core
Version: 5.14.0
Release: %{n}.el9
Summary: stand-in kernel %{version}-%{release}
License: GPL-2.0-only
BuildArch: noarch
AutoReqProv: no
Provides: installonlypkg(kernel)
Provides: kernel-uname-r = %{version}-%{release}.noarch
%description
A stand-in kernel-core for the kpatch-dnf test.
%install
mkdir -p %{buildroot}/lib/modules/%{version}-%{release}.noarch
echo %{version}-%{release}.noarch >%{buildroot}/lib/modules/%{version}-%{release}.noarch/release
%files
/lib/modules/%{version}-%{release}.noarch
EOF
for n in 1 2 3 4 5 6; do
	rpmbuild -bb --quiet --define "_topdir $top" --define "n $n" "$PKG_OUT/kernel.spec" >/dev/null 2>&1 ||
		fail "rpmbuild of kernel-core $(krel "$n")"
done
# The repository starts with kernels 1 to 3; 4 and 5 come later, as new
# kernels do (dnf upgrade installs the newest kernel in the repository).
cp "$top"/RPMS/noarch/kernel-core-5.14.0-[123].el9.noarch.rpm "$repo/"
ok "six stand-in kernel-core packages built"

mkdir -p "$PKG_OUT/later"
for n in 1 2 3 4; do
	dir=$repo
	[ "$n" -le 3 ] || dir=$PKG_OUT/later
	expect_rc 0 "kpatch-package makes the 0-0 of $(krel "$n")" -- \
		"$KPT_BIN_DIR/kpatch-package" -f rpm --empty -k "$(krel "$n")" -m "$maint" -o "$dir"
done
# A 1-1 for kernel 1: a module-shaped object (the .modinfo and klp_patch
# that kpatch-package and kpatch read), made by the compiler in a second.
mod=kpatch_$(tr .- __ <<<"$(krel 1)")_1_1
cat >"$PKG_OUT/$mod.c" <<EOF
struct module { int x; };
struct module __this_module;
struct klp_func { const char *old_name; void *new_func; unsigned long old_sympos; char internal[176]; };
struct klp_object { const char *name; struct klp_func *funcs; void *cb[4]; char internal[128]; };
struct klp_patch { struct module *mod; struct klp_object *objs; void *states; _Bool replace; char internal[200]; };
static int new_show(void) { return 0; }
static struct klp_func funcs[] = { { .old_name = "cmdline_proc_show", .new_func = new_show }, { 0 } };
static struct klp_object objs[] = { { .funcs = funcs }, { 0 } };
struct klp_patch patch = { .mod = &__this_module, .objs = objs, .replace = 1 };
__attribute__((section(".modinfo"), used)) static const char info[] =
	"name=$mod\0" "vermagic=$(krel 1) SMP preempt mod_unload modversions \0" "livepatch=Y\0";
EOF
cc -c -O2 -o "$PKG_OUT/$mod.ko" "$PKG_OUT/$mod.c" || fail "cannot compile $mod.ko"
expect_rc 0 "kpatch-package makes the 1-1 of $(krel 1)" -- \
	"$KPT_BIN_DIR/kpatch-package" -f rpm -p 1-1 -m "$maint" -o "$PKG_OUT/later" "$PKG_OUT/$mod.ko"

# Kernel 6's patch package needs a kpatch that the repository does not
# have (as when the fix needs a newer tool): it cannot be installed.
cat >"$PKG_OUT/newer.spec" <<EOF
Name: $(pkg 6)
Version: 1
Release: 1
Summary: a patch package that needs a newer kpatch
License: GPL-2.0-only
AutoReqProv: no
Provides: kpatch-patch = $(krel 6)
Requires: kpatch >= 999
%description
Needs a kpatch that does not exist.
%files
EOF
rpmbuild -bb --quiet --define "_topdir $top" --target x86_64 "$PKG_OUT/newer.spec" >/dev/null 2>&1 ||
	fail "rpmbuild of $(pkg 6)"
cp "$top/RPMS/x86_64/$(pkg 6)-1-1.x86_64.rpm" "$PKG_OUT/later/"

# The base of the root and the project's kpatch.
mkdir -p "$PKG_OUT/base/bin"
cp /bin/busybox "$PKG_OUT/base/bin/busybox" && ln -s busybox "$PKG_OUT/base/bin/sh" ||
	fail "cannot stage busybox"
for lib in $(ldd "$KPT_BIN_DIR/kpatch" | grep -o '/[^ ]*'); do
	mkdir -p "$PKG_OUT/base$(dirname "$lib")" && cp -L "$lib" "$PKG_OUT/base$lib" || fail "cannot copy $lib"
done
cat >"$PKG_OUT/base.spec" <<EOF
Name: testroot-base
Version: 1
Release: 1
Summary: a shell and the libraries kpatch links
License: GPL-2.0-only
AutoReq: no
# it carries ld.so, as glibc does
Provides: rtld(GNU_HASH)
%global __os_install_post %{nil}
%description
busybox as /bin/sh and the host's libraries, for a test root.
%install
cp -a $PKG_OUT/base/. %{buildroot}/
%files
/bin
/lib
/lib64
EOF
rpmbuild -bb --quiet --define "_topdir $top" --target x86_64 "$PKG_OUT/base.spec" >/dev/null 2>&1 ||
	fail "rpmbuild of the base package"
cp "$top"/RPMS/x86_64/testroot-base-1-1.x86_64.rpm "$repo/"
expect_rc 0 "make rpm" -- make -s -C "$KPT_TOP" BUILD="$PKG_OUT/build" JOBS=2 rpm
cp "$PKG_OUT/build/packages/rpm/kpatch-$version"-1*.x86_64.rpm "$repo/"
expect_rc 0 "createrepo_c" -- createrepo_c "$repo"

# kernel-core is install-only (several at once); no limit, so no kernel
# is removed behind the test's back.
cat >"$PKG_OUT/dnf.conf" <<EOF
[main]
gpgcheck=0
installonly_limit=0
install_weak_deps=0
reposdir=$PKG_OUT/no-reposdir
cachedir=$PKG_OUT/cache
[local]
name=local
baseurl=file://$repo
metadata_expire=0
EOF
mkdir -p "$root/dev" "$root/run" "$root/tmp"
mknod -m 666 "$root/dev/null" c 1 3 || fail "cannot make the root's /dev/null"
d() {
	dnf -y --config="$PKG_OUT/dnf.conf" --installroot="$root" --releasever=9 \
		--setopt=pluginpath="$KPT_TOP/dnf" --setopt=pluginconfpath="$KPT_TOP/dnf" "$@"
}
q() { rpm --root "$root" -q "$@" 2>/dev/null; }
# publish FILE...: add to the repository; the next dnf runs with --refresh
publish() { cp "$@" "$repo/" && createrepo_c -q "$repo" || fail "cannot add $* to the repository"; }
installed() { q "$(pkg "$1")" >/dev/null; }
conf=$root/etc/dnf/plugins/kpatch.conf
# The project's kpatch on the same root (its rpm database and the dnf
# conf below it), in a fake tree whose running kernel is kernel 3.
fake=$PKG_OUT/fake
mkdir -p "$fake/sys/kernel/livepatch" "$fake/sys/module" "$fake/proc/sys/kernel" "$fake/lib" "$fake/conf" "$fake/run"
echo "$(krel 3)" >"$fake/proc/sys/kernel/osrelease"
kp() {
	KPATCH_SYSFS_ROOT=$fake/sys KPATCH_PROCFS_ROOT=$fake/proc KPATCH_LIB_DIR=$fake/lib \
		KPATCH_CONF_DIR=$fake/conf KPATCH_RUN_DIR=$fake/run KPATCH_RPM_ROOT=$root "$KPT_BIN_DIR/kpatch" "$@"
}

# The system: kpatch and two kernels, the plugin's setting untouched.
expect_rc 0 "dnf installs kpatch and kernels 1 and 2" -- d install kpatch kernel-core-5.14.0-1.el9 kernel-core-5.14.0-2.el9
expect_not_contains "$out" "kpatch-patch" "no patch package before the subscription"
q kernel-core-5.14.0-1.el9 >/dev/null && q kernel-core-5.14.0-2.el9 >/dev/null || fail "the kernels are not installed"
ok "rpm -q: both kernels installed"
expect_rc 0 "dnf kpatch status" -- d kpatch status
expect_eq "$out" "Kpatch update setting: manual" "no setting yet is manual"

# auto: the setting and both kernels' patch packages, in one transaction.
expect_rc 0 "dnf kpatch auto" -- d kpatch auto
auto_out=$out
echo "$auto_out"
expect_contains "$out" "Install  2 Packages" "one transaction of two packages"
installed 1 && installed 2 || fail "rpm -q: the patch packages of kernels 1 and 2 are not both installed"
ok "rpm -q: $(pkg 1) and $(pkg 2) installed"
expect_eq "$(q --qf '%{INSTALLTID}' "$(pkg 1)")" "$(q --qf '%{INSTALLTID}' "$(pkg 2)")" "rpm: both have one install transaction id"
expect_eq "$(q --qf '%{VERSION}-%{RELEASE}' "$(pkg 1)")" "0-0" "the empty 0-0"
expect_eq "$(sed -n 's/^autoupdate *= *//p' "$conf")" "True" "the root's kpatch.conf says autoupdate = True"
expect_eq "$(sed -n 's/^enabled *= *//p' "$conf")" "1" "and keeps enabled = 1"
expect_rc 0 "dnf kpatch status" -- d kpatch status
expect_eq "$out" "Kpatch update setting: auto" "status says auto"

# A kernel installed in auto mode brings its patch package, same transaction.
expect_rc 0 "dnf installs kernel 3" -- d install kernel-core-5.14.0-3.el9
expect_contains "$out" "Install  2 Packages" "the kernel's transaction holds two packages"
expect_contains "$(sed -n '/^Installing:/,/^$/p' <<<"$out")" "$(pkg 3)" "its patch package is in that transaction's Installing list"
installed 3 || fail "rpm -q: $(pkg 3) not installed"
expect_eq "$(q --qf '%{INSTALLTID}' "$(pkg 3)")" "$(q --qf '%{INSTALLTID}' kernel-core-5.14.0-3.el9)" \
	"rpm: kernel 3 and its patch package have one install transaction id"
expect_rc 0 "kpatch status on the root" -- kp status
expect_contains "$out" "subscription: auto (rpm packages)" "kpatch reads the plugin's setting"
expect_contains "$out" "$(krel 3) (running): $(pkg 3) 0-0" "and sees the running kernel's patch package"
expect_rc 0 "kpatch check on the root: every kernel has its patch package" -- kp check

# A newer patch package is an ordinary upgrade; its %post runs the root's kpatch.
publish "$PKG_OUT/later/$(pkg 1)-1-1.x86_64.rpm"
expect_rc 0 "dnf upgrade" -- d --refresh upgrade
expect_contains "$out" "Upgrade  1 Package" "dnf upgrade upgrades one package"
expect_eq "$(q --qf '%{VERSION}-%{RELEASE}' "$(pkg 1)")" "1-1" "rpm -q: $(pkg 1) is now 1-1"
[ -f "$root/var/lib/kpatch/$(krel 1)/$mod.ko" ] || fail "the 1-1's module is not in the root's /var/lib/kpatch: $out"
ok "its %post installed $mod.ko into the root's /var/lib/kpatch/$(krel 1)"

# manual: the next kernel comes alone; `kpatch install` catches up without
# changing the setting.
expect_rc 0 "dnf kpatch manual" -- d kpatch manual
expect_eq "$(sed -n 's/^autoupdate *= *//p' "$conf")" "False" "the root's kpatch.conf says autoupdate = False"
expect_rc 0 "dnf kpatch status" -- d kpatch status
expect_eq "$out" "Kpatch update setting: manual" "status says manual"
expect_rc 0 "kpatch status on the root" -- kp status
expect_contains "$out" "subscription: manual (rpm packages)" "kpatch reads manual"
publish "$top/RPMS/noarch/kernel-core-5.14.0-4.el9.noarch.rpm" "$PKG_OUT/later/$(pkg 4)-0-0.x86_64.rpm"
expect_rc 0 "dnf installs kernel 4" -- d --refresh install kernel-core-5.14.0-4.el9
expect_contains "$out" "Install  1 Package" "the transaction holds the kernel alone"
q kernel-core-5.14.0-4.el9 >/dev/null || fail "kernel 4 not installed"
! installed 4 || fail "manual mode installed $(pkg 4)"
ok "rpm -q: kernel 4 installed, $(pkg 4) not"
expect_rc 0 "dnf kpatch install" -- d kpatch install
expect_contains "$out" "Install  1 Package" "one package"
installed 4 || fail "dnf kpatch install did not install $(pkg 4)"
ok "rpm -q: $(pkg 4) installed"
expect_rc 0 "dnf kpatch status" -- d kpatch status
expect_eq "$out" "Kpatch update setting: manual" "kpatch install left the setting manual"

# auto again, then a kernel with no patch package in the repository.
expect_rc 0 "dnf kpatch auto with every kernel subscribed" -- d kpatch auto
expect_contains "$out" "Nothing to do." "nothing to install"
publish "$top/RPMS/noarch/kernel-core-5.14.0-5.el9.noarch.rpm"
expect_rc 0 "dnf upgrade installs kernel 5, which has no patch package" -- d --refresh upgrade
expect_eq "$(grep -c kpatch <<<"$out")" 1 "one line mentions kpatch"
expect_contains "$out" "kpatch: no kpatch-patch package for kernel $(krel 5) in the enabled repositories" "it says which kernel has none"
expect_contains "$out" "Install  1 Package" "the kernel installs alone"
q kernel-core-5.14.0-5.el9 >/dev/null || fail "kernel 5 not installed"
ok "rpm -q: kernel 5 installed"

# A patch package that cannot be installed does not hold back its kernel.
publish "$top/RPMS/noarch/kernel-core-5.14.0-6.el9.noarch.rpm" "$PKG_OUT/later/$(pkg 6)-1-1.x86_64.rpm"
expect_rc 0 "dnf installs kernel 6, whose patch package cannot be installed" -- d --refresh install kernel-core-5.14.0-6.el9
expect_eq "$(grep -c '^kpatch:' <<<"$out")" 1 "one line of the plugin's"
expect_contains "$out" "kpatch: the kpatch-patch package for kernel $(krel 6) cannot be installed (dnf shows the problem); the kernel comes without it" \
	"it says which kernel's patch package cannot be installed"
expect_contains "$out" "nothing provides kpatch >= 999 needed by $(pkg 6)" "dnf shows why"
expect_contains "$out" "Install  1 Package" "the kernel installs alone"
q kernel-core-5.14.0-6.el9 >/dev/null || fail "kernel 6 not installed"
! installed 6 || fail "$(pkg 6) installed"
ok "rpm -q: kernel 6 installed, $(pkg 6) not"
expect_rc 1 "dnf kpatch install for it fails" -- d kpatch install
expect_contains "$out" "nothing provides kpatch >= 999" "with the solver's reason"

# The command's help is dnf's own.
expect_rc 0 "dnf kpatch --help" -- d kpatch --help
expect_contains "$out" "{auto,manual,status,install}" "the help lists the four actions"
expect_contains "$out" "subscribe the installed and future kernels to live patches" "and the summary"

# Figure: kernel 3's install with the plugin (auto: kernel + patch package)
# and without it (--noplugins: the kernel alone), median of 3, wall clock
# and CPU (user + system; less disturbed by other load on the machine).
median() { sort -n | sed -n 2p; }
# timed CMD...: "WALL_MS CPU_MS" of CMD
timed() {
	local TIMEFORMAT='%3R %3U %3S' t
	t=$({ time "$@" >/dev/null 2>&1 || echo "failed"; } 2>&1)
	case "$t" in *failed*) fail "$*" ;; esac
	awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }' <<<"$t"
}
with=() without=()
for i in 1 2 3; do
	d remove kernel-core-5.14.0-3.el9 $(installed 3 && pkg 3) >/dev/null 2>&1 || fail "cannot remove kernel 3"
	with+=("$(timed d install kernel-core-5.14.0-3.el9)")
	installed 3 || fail "the timed install did not bring $(pkg 3)"
	d remove kernel-core-5.14.0-3.el9 $(installed 3 && pkg 3) >/dev/null 2>&1 || fail "cannot remove kernel 3"
	without+=("$(timed d --noplugins install kernel-core-5.14.0-3.el9)")
	! installed 3 || fail "--noplugins still brought $(pkg 3)"
done
col() { local c=$1; shift; printf '%s\n' "$@" | cut -d' ' -f"$c" | median; }
echo "figure: kernel install with kpatch-dnf (auto) $(col 1 "${with[@]}") ms wall, $(col 2 "${with[@]}") ms CPU;" \
	"without $(col 1 "${without[@]}") ms wall, $(col 2 "${without[@]}") ms CPU" \
	"(median of 3; wall/CPU ms: with ${with[*]/ //}; without ${without[*]/ //})"
