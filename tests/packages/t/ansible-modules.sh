#!/usr/bin/env bash
# The kpatch.fleet modules run by Ansible (local connection) against kpatch
# in a fake system (sysfs, procfs, store, conf and run directories of
# $PKG_OUT; the KPATCH_* variables reach the modules' kpatch through the
# environment): kpatch_patch installs a real test module for the running and
# for another kernel, reports changed only when it ran kpatch, predicts in
# check mode without changing anything, uninstalls, and fails with kpatch's
# one-line error and exit code for a module of another kernel; kpatch_facts
# gives the status document and the check. Nothing is loaded: loading would
# reach the host's kernel, so state=loaded is tested in the VMs
# (tests/vm/t/fleet-ansible.sh).
. "$(dirname "$0")/../lib.sh"

command -v ansible >/dev/null || fail "ansible is missing (scripts/setup installs ansible-core)"
krel=$KPATCH_TEST_KERNEL other=$KPATCH_TEST_KERNEL2
"$KPT_TOP/tests/modules/build" "$krel" >/dev/null || fail "cannot build the test modules"
"$KPT_TOP/tests/modules/build" "$other" >/dev/null || fail "cannot build the test modules"
ko=$KPT_TOP/build/modules/$krel/kpt_lp_cmdline.ko
otherko=$KPT_TOP/build/modules/$other/kpt_lp_other.ko
[ -f "$ko" ] && [ -f "$otherko" ] || fail "no test modules"
kpatch=$KPT_BIN_DIR/kpatch

colls=$PKG_OUT/collections/ansible_collections
mkdir -p "$colls/kpatch"
ln -s "$KPT_TOP/ansible" "$colls/kpatch/fleet"
root=$PKG_OUT/root
mkdir -p "$root/sys/kernel/livepatch" "$root/sys/module" "$root/proc/sys/kernel" "$root/etc" "$root/run"
echo "$krel" >"$root/proc/sys/kernel/osrelease"
export ANSIBLE_COLLECTIONS_PATH=$colls ANSIBLE_HOME=$PKG_OUT/home ANSIBLE_LOCAL_TEMP=$PKG_OUT/tmp \
	ANSIBLE_NOCOLOR=1 ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
	ANSIBLE_DEPRECATION_WARNINGS=False ANSIBLE_LOCALHOST_WARNING=False
export KPATCH_SYSFS_ROOT=$root/sys KPATCH_PROCFS_ROOT=$root/proc KPATCH_LIB_DIR=$root/lib \
	KPATCH_CONF_DIR=$root/etc KPATCH_RUN_DIR=$root/run

# task MODULE ARGS [--check]: run one module on localhost; $res is its
# result as JSON, $rc ansible's exit code.
# (ansible's --tree writes the result of each host to a file of its own.)
task() {
	local m=$1 a=$2
	shift 2
	rm -rf "$PKG_OUT/tree"
	out=$(ansible localhost -c local -m "kpatch.fleet.$m" -a "$a" -t "$PKG_OUT/tree" "$@" </dev/null 2>&1)
	rc=$?
	res=$(cat "$PKG_OUT/tree/localhost" 2>/dev/null) || fail "no result from $m $a: $out"
}
# field EXPR: a Python expression over the result r.
field() { python3 -c 'import json, sys; r = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$res" "$1"; }

# The fake system must be the one the modules see, or they would write the
# host's own store.
out=$(ansible localhost -c local -m ansible.builtin.command -a "printenv KPATCH_LIB_DIR" </dev/null 2>&1)
expect_contains "$out" "$root/lib" "modules run with the fake system's KPATCH_* variables"

task kpatch_facts "kpatch_bin=$kpatch"
expect_eq "$rc" 0 "kpatch_facts on an empty system"
expect_eq "$(field 'r["ansible_facts"]["kpatch"]["schema"] >= 1')" True "the status document has a schema"
expect_eq "$(field 'r["ansible_facts"]["kpatch"]["kernel"]')" "$krel" "and the running kernel"
expect_eq "$(field 'r["ansible_facts"]["kpatch_check_ok"]')" True "kpatch_check_ok on an empty system"
expect_eq "$(field 'r["changed"]')" False "kpatch_facts changes nothing"

a="src=$ko state=installed kpatch_bin=$kpatch"
task kpatch_patch "$a" --check
expect_eq "$rc" 0 "installed, check mode"
expect_eq "$(field 'r["changed"]')" True "check mode predicts a change"
expect_contains "$(field 'r["commands"]')" "'install', '-k', '$krel', '$ko'" "and names the kpatch command"
[ ! -e "$root/lib/$krel/kpt_lp_cmdline.ko" ] || fail "check mode installed the module"
ok "check mode installed nothing"
task kpatch_patch "$a"
expect_eq "$rc" 0 "installed"
expect_eq "$(field 'r["changed"]')" True "the first install changes"
expect_eq "$(field 'r["name"]')" kpt_lp_cmdline "the result names the module"
expect_eq "$(field 'r["after"] == {"loaded": False, "installed": True}')" True "after: installed, not loaded"
cmp -s "$ko" "$root/lib/$krel/kpt_lp_cmdline.ko" || fail "the store does not hold the module"
ok "kpatch installed it in the store"
task kpatch_patch "$a"
expect_eq "$(field 'r["changed"]')" False "the second install changes nothing"
expect_eq "$(field 'r["commands"]')" "[]" "and runs no kpatch command"

task kpatch_facts "kpatch_bin=$kpatch"
expect_eq "$(field 'r["ansible_facts"]["kpatch_check_ok"]')" False "installed, not loaded: the check is not OK"
expect_eq "$(field 'r["ansible_facts"]["kpatch"]["check"]["status"]')" CRITICAL "it is CRITICAL"
expect_eq "$(field '[p["name"] for p in r["ansible_facts"]["kpatch"]["installed"]]')" "['kpt_lp_cmdline']" "the installed module is in the facts"

task kpatch_patch "src=$ko state=installed kernel=$other kpatch_bin=$kpatch"
expect_eq "$rc" 2 "installing the $krel module for $other fails"
expect_contains "$(field 'r["msg"]')" "kpatch: error: " "with kpatch's error line"
expect_contains "$(field 'r["msg"]')" "$other" "naming the kernel"
expect_eq "$(field 'r["rc"]')" 4 "and kpatch's exit code (4, invalid module)"
[ ! -e "$root/lib/$other" ] || fail "the refused install left $root/lib/$other"
ok "nothing written for $other"

task kpatch_patch "src=$otherko state=installed kernel=$other kpatch_bin=$kpatch"
expect_eq "$(field 'r["changed"]')" True "a module of $other installs for $other"
task kpatch_patch "src=$otherko state=loaded kpatch_bin=$kpatch"
expect_eq "$rc" 2 "state=loaded of a module for another kernel fails"
expect_contains "$(field 'r["msg"]')" "kpatch: error: " "with kpatch's error line"
[ -z "$(ls "$root/sys/module")" ] || fail "something reached the fake sysfs"
task kpatch_patch "name=kpt_lp_other state=loaded kernel=$other kpatch_bin=$kpatch"
expect_eq "$rc" 2 "state=loaded for a kernel that does not run fails"
expect_contains "$(field 'r["msg"]')" "state=loaded needs the running kernel ($krel)" "and says why"
task kpatch_patch "name=kpt_nothere state=installed kpatch_bin=$kpatch"
expect_eq "$rc" 2 "state=installed of an unknown name without src fails"
expect_contains "$(field 'r["msg"]')" "kpt_nothere is not installed for $krel and no src is given" "and says why"

task kpatch_patch "name=kpt_lp_cmdline state=absent kpatch_bin=$kpatch" --check
expect_eq "$(field 'r["changed"]')" True "absent, check mode, predicts a change"
[ -e "$root/lib/$krel/kpt_lp_cmdline.ko" ] || fail "check mode removed the module"
task kpatch_patch "name=kpt_lp_cmdline state=absent kpatch_bin=$kpatch"
expect_eq "$(field 'r["changed"]')" True "absent uninstalls"
[ ! -e "$root/lib/$krel/kpt_lp_cmdline.ko" ] || fail "the module is still installed"
ok "the store no longer holds it"
task kpatch_patch "name=kpt_lp_cmdline state=absent kpatch_bin=$kpatch"
expect_eq "$(field 'r["changed"]')" False "absent again changes nothing"
task kpatch_patch "src=$otherko state=absent kernel=$other kpatch_bin=$kpatch"
expect_eq "$(field 'r["changed"]')" True "absent for $other, by file, uninstalls"
[ ! -e "$root/lib/$other/kpt_lp_other.ko" ] || fail "kpt_lp_other is still installed for $other"
ok "kpt_lp_other uninstalled for $other"
echo "ansible-modules: all checks passed"
