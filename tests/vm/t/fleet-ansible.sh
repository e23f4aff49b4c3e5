#!/usr/bin/env bash
# Fleet rollout with Ansible: the kpatch.fleet collection (ansible/) rolls a
# real fix out to three systemd VMs of the test kernel, reached over ssh on
# ports of 127.0.0.1, canary first.
#
# The fix is tests/patches/fs-loadavg-fields.patch, built here with
# kpatch-build; its .check line is the rollout's smoke command and proves the
# fix on every host. Scenario 1: the canary batch (one host) is patched and
# checked before the other two; afterwards every host's `kpatch check` is OK
# (exit 0) and the fix is live; a second run changes nothing (changed=0).
# Scenario 2: the canary boots the second test kernel, where the module
# cannot load: the rollout stops at that batch, names the host and kpatch's
# reason, leaves nothing loaded or installed there (nor the copy), and the
# hosts after it are untouched. Scenario 3: the failing host is in the
# second of three batches (kpatch_rollout_serial [1, 1, "100%"]): the host
# before it stays patched and checked, the one after it untouched.
# Prints "figure:" lines: wall time of the 3-VM rollout and of its batches.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../systemd.sh"
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
bin=${KPT_BIN_DIR:-$VM_TOP/build/bin}
[ -x "$bin/kpatch" ] && [ -x "$bin/kpatch-build" ] || fail "no kpatch, kpatch-build in $bin"
for p in ansible-playbook ansible ssh ssh-keygen; do
	command -v "$p" >/dev/null || fail "$p is missing (scripts/setup installs ansible-core, openssh-client)"
done
trap vm_sd_stop_all EXIT
# Ansible and the guest's Python need more than a boot test's VM.
VM_SD_MEM=${KPT_FLEET_MEM:-1024}

# The fix, built for the test kernel.
patch=$VM_TOP/tests/patches/fs-loadavg-fields.patch
mod=kpt_fleet_loadavg
mkdir -p "$VM_OUT/ko"
"$bin/kpatch-build" -k "$KPATCH_TEST_KERNEL" -n "$mod" -o "$VM_OUT/ko" "$patch" >"$VM_OUT/kpatch-build.log" 2>&1 ||
	fail "kpatch-build: $(tail -n 3 "$VM_OUT/kpatch-build.log")"
ko=$VM_OUT/ko/$mod.ko
ok "kpatch-build: $(tail -n 1 "$VM_OUT/kpatch-build.log")"
# The check's one command line (no shell needed: the command module splits it).
smoke=$(grep -v -e '^#' -e '^[[:space:]]*$' "${patch%.patch}.check")
[ "$(wc -l <<<"$smoke")" = 1 ] || fail "the .check file is not one command line"

# Ansible finds the collection as ansible_collections/kpatch/fleet (see
# tests/packages/t/ansible-lint.sh for the form of the path); all its state
# stays in $VM_OUT.
colls=$VM_OUT/collections/ansible_collections
mkdir -p "$colls/kpatch"
ln -s "$VM_TOP/ansible" "$colls/kpatch/fleet"
export ANSIBLE_COLLECTIONS_PATH=$colls ANSIBLE_HOME=$VM_OUT/ansible-home \
	ANSIBLE_LOCAL_TEMP=$VM_OUT/ansible-tmp ANSIBLE_SSH_CONTROL_PATH_DIR=$VM_OUT/cp \
	ANSIBLE_PIPELINING=True ANSIBLE_HOST_KEY_CHECKING=True ANSIBLE_NOCOLOR=1 \
	ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_RETRY_FILES_ENABLED=False \
	ANSIBLE_DEPRECATION_WARNINGS=False ANSIBLE_TIMEOUT=60
python3 -c 'import json, sys; json.dump({"kpatch_module_src": sys.argv[1], "kpatch_bin": "/usr/local/sbin/kpatch",
	"kpatch_smoke_command": sys.argv[2]}, sys.stdout)' "$ko" "$smoke" >"$VM_OUT/vars.json"

# rollout LOG INVENTORY [ARGS...]: run the playbook; every output line is
# stamped with the host's clock (seconds) for the batch figures. Sets $rc.
rollout() {
	local log=$1 inv=$2
	shift 2
	ansible-playbook -i "$inv" kpatch.fleet.rollout -e @"$VM_OUT/vars.json" "$@" </dev/null 2>&1 |
		while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done >"$log"
	rc=${PIPESTATUS[0]}
}
# recap LOG HOST: the host's PLAY RECAP counters ("ok=7 changed=2 ...").
recap() { sed -n "s/^[0-9.]* $2 *: //p" "$1" | tr -s ' '; }
# on HOST CMD...: a command in the VM; its output on stdout, its exit code.
on() { vm_sd_ssh "$@" </dev/null; }
# untouched HOST: nothing of the rollout reached HOST (nothing loaded or
# installed, no staging directory, the fix not live, kpatch check OK).
# clean HOST: the same, but the (empty) staging directory may be there:
# the rollout got as far as HOST and took everything out again.
untouched() {
	clean "$1"
	on "$1" test ! -e /var/tmp/kpatch-fleet || fail "$1: the staging directory exists"
}
clean() {
	local st
	st=$(on "$1" kpatch --json status) || fail "$1: kpatch status"
	python3 -c 'import json, sys; d = json.loads(sys.argv[1]); sys.exit(0 if not d["loaded"] and not d["installed"] else 1)' "$st" ||
		fail "$1: something is loaded or installed: $st"
	on "$1" test ! -e "/var/tmp/kpatch-fleet/$mod.ko" || fail "$1: the copy of the module is still there"
	on "$1" sh -c "'$smoke'" && fail "$1: the fix is live"
	on "$1" kpatch check >/dev/null || fail "$1: kpatch check is not OK"
}

# Three hosts of the test kernel, started together.
hosts=(fleet1 fleet2 fleet3)
for h in "${hosts[@]}"; do
	img=$(vm_sd_image "$h") || fail "cannot make the image of $h"
	vm_sd_install_service "$img" || fail "cannot install kpatch.service into $h"
	vm_sd_enable_ssh "$img" || fail "cannot enable ssh in $h"
done
start=$SECONDS
for h in "${hosts[@]}"; do vm_sd_start "$VM_OUT/$h.img" || fail "cannot start $h"; done
for h in "${hosts[@]}"; do vm_sd_wait "$h" || fail "$h: no ssh login"; done
echo "figure: 3 VMs booted to an ssh login in $((SECONDS - start)) s (ports $(for h in "${hosts[@]}"; do printf '%s ' "$(vm_sd_port "$h")"; done| sed 's/ $//'))"
ports=$(for h in "${hosts[@]}"; do vm_sd_port "$h"; done | sort -u | wc -l)
[ "$ports" = 3 ] || fail "the VMs do not have three distinct ports"
for h in "${hosts[@]}"; do
	expect=$KPATCH_TEST_KERNEL
	[ "$(on "$h" uname -r)" = "$expect" ] || fail "$h does not run $expect"
	untouched "$h"
done
ok "three VMs of $KPATCH_TEST_KERNEL on distinct ports; nothing patched, the fix's check fails before the rollout"
for h in "${hosts[@]}"; do vm_sd_inventory "$h"; done >"$VM_OUT/hosts"

# Scenario 1: canary, then the other two.
start=$SECONDS
rollout "$VM_OUT/run1.log" "$VM_OUT/hosts"
wall=$((SECONDS - start))
[ "$rc" = 0 ] || fail "the rollout failed (exit $rc): $(tail -n 30 "$VM_OUT/run1.log")"
ok "ansible-playbook kpatch.fleet.rollout passed on 3 hosts"
# Batches in order: the first PLAY holds fleet1 alone, the second the others.
awk '/ PLAY \[/ { play++ } / (changed|ok|failed|fatal): \[/ { match($0, /\[[^]]*\]/); print play, substr($0, RSTART + 1, RLENGTH - 2) }' \
	"$VM_OUT/run1.log" | sort -u >"$VM_OUT/run1.batches"
expect_batches=$(printf '1 fleet1\n2 fleet2\n2 fleet3\n')
[ "$(cat "$VM_OUT/run1.batches")" = "$expect_batches" ] ||
	fail "the batches were not [fleet1], [fleet2, fleet3]: $(tr '\n' ';' <"$VM_OUT/run1.batches")"
ok "batch 1 was the canary alone (fleet1), batch 2 the other two"
for h in "${hosts[@]}"; do
	r=$(recap "$VM_OUT/run1.log" "$h")
	case "$r" in *failed=0*) ;; *) fail "$h: $r" ;; esac
	case "$r" in *changed=0*) fail "$h changed nothing: $r" ;; esac
	on "$h" kpatch check >/dev/null || fail "$h: kpatch check is not OK after the rollout: $(on "$h" kpatch check)"
	on "$h" sh -c "'$smoke'" || fail "$h: the fix's check fails after the rollout"
	st=$(on "$h" kpatch --json status)
	python3 -c 'import json, sys; d = json.loads(sys.argv[1]); m = sys.argv[2]
sys.exit(0 if [p["name"] for p in d["loaded"] if p["enabled"] and p["installed"]] == [m]
	and [p["name"] for p in d["installed"] if p["running_kernel"]] == [m] else 1)' "$st" "$mod" ||
		fail "$h: $mod not loaded, enabled and installed: $st"
done
ok "every host: kpatch check OK, the fix's check passes, $mod loaded, enabled and installed"
# Batch times from the stamped lines: PLAY header to the next (or the recap).
awk '/ PLAY (\[|RECAP)/ { t[++n] = $1 } END { for (i = 1; i < n; i++) printf "%.1f\n", t[i + 1] - t[i] }' \
	"$VM_OUT/run1.log" >"$VM_OUT/run1.times"
[ "$(wc -l <"$VM_OUT/run1.times")" = 2 ] || fail "two batches expected: $(cat "$VM_OUT/run1.times")"
echo "figure: 3-VM rollout (canary + 2): ${wall} s wall, ansible-playbook end to end"
echo "figure: batch 1 (canary, 1 host): $(sed -n 1p "$VM_OUT/run1.times") s; batch 2 (2 hosts in parallel): $(sed -n 2p "$VM_OUT/run1.times") s"

# A second run changes nothing.
start=$SECONDS
rollout "$VM_OUT/run2.log" "$VM_OUT/hosts"
[ "$rc" = 0 ] || fail "the second rollout failed (exit $rc): $(tail -n 30 "$VM_OUT/run2.log")"
for h in "${hosts[@]}"; do
	r=$(recap "$VM_OUT/run2.log" "$h")
	case "$r" in *changed=0*failed=0*) ;; *) fail "second run on $h: $r" ;; esac
done
ok "a second rollout reports changed=0 on every host ($((SECONDS - start)) s)"
echo "figure: second (no-op) rollout of 3 VMs: $((SECONDS - start)) s"

# Check mode and removal through the module: absent on all three, then
# nothing left; absent again changes nothing.
ansible all -i "$VM_OUT/hosts" -m kpatch.fleet.kpatch_patch -a "name=$mod state=absent kpatch_bin=/usr/local/sbin/kpatch" \
	--check </dev/null >"$VM_OUT/absent-check.log" 2>&1 || fail "kpatch_patch absent --check: $(tail -n 20 "$VM_OUT/absent-check.log")"
[ "$(grep -c 'CHANGED' "$VM_OUT/absent-check.log")" = 3 ] || fail "check mode did not predict 3 changes: $(cat "$VM_OUT/absent-check.log")"
for h in "${hosts[@]}"; do on "$h" sh -c "'$smoke'" || fail "$h: check mode removed the fix"; done
ok "kpatch_patch state=absent --check predicts a change on 3 hosts and changes nothing"
ansible all -i "$VM_OUT/hosts" -m kpatch.fleet.kpatch_patch -a "name=$mod state=absent kpatch_bin=/usr/local/sbin/kpatch" \
	</dev/null >"$VM_OUT/absent.log" 2>&1 || fail "kpatch_patch absent: $(tail -n 20 "$VM_OUT/absent.log")"
[ "$(grep -c 'CHANGED' "$VM_OUT/absent.log")" = 3 ] || fail "state=absent did not change 3 hosts: $(cat "$VM_OUT/absent.log")"
ansible all -i "$VM_OUT/hosts" -m kpatch.fleet.kpatch_patch -a "name=$mod state=absent kpatch_bin=/usr/local/sbin/kpatch" \
	</dev/null >"$VM_OUT/absent2.log" 2>&1 || fail "kpatch_patch absent again: $(tail -n 20 "$VM_OUT/absent2.log")"
[ "$(grep -c 'CHANGED' "$VM_OUT/absent2.log")" = 0 ] || fail "state=absent again changed something: $(cat "$VM_OUT/absent2.log")"
for h in "${hosts[@]}"; do
	on "$h" rm -rf /var/tmp/kpatch-fleet
	untouched "$h"
done
ok "kpatch_patch state=absent unloads and uninstalls on 3 hosts, and changes nothing the second time"

# Scenario 2: the canary runs the second test kernel; the module, built for
# the first, cannot load there.
vm_sd_stop fleet2 || fail "fleet2 did not stop cleanly"
img=$(vm_sd_image -k "$KPATCH_TEST_KERNEL2" oldkernel) || fail "cannot make the image of oldkernel"
vm_sd_install_service "$img" || fail "cannot install kpatch.service into oldkernel"
vm_sd_enable_ssh "$img" || fail "cannot enable ssh in oldkernel"
vm_sd_start "$img" || fail "cannot start oldkernel"
vm_sd_wait oldkernel || fail "oldkernel: no ssh login"
[ "$(on oldkernel uname -r)" = "$KPATCH_TEST_KERNEL2" ] || fail "oldkernel does not run $KPATCH_TEST_KERNEL2"
untouched oldkernel
for h in oldkernel fleet1 fleet3; do vm_sd_inventory "$h"; done >"$VM_OUT/hosts2"
rollout "$VM_OUT/run3.log" "$VM_OUT/hosts2"
[ "$rc" != 0 ] || fail "the rollout passed with a host that cannot load the module"
ok "the rollout failed (exit $rc)"
line=$(grep -o 'kpatch rollout stopped at oldkernel: .*' "$VM_OUT/run3.log" | head -n 1 | sed 's/"[,}].*//')
[ -n "$line" ] || fail "no line names the failed host: $(tail -n 30 "$VM_OUT/run3.log")"
echo "  report: $line"
case "$line" in *"Install and load the patch module: kpatch: error: "*"built for kernel $KPATCH_TEST_KERNEL, not for kernel $KPATCH_TEST_KERNEL2") ;;
*) fail "the report does not give the failed step and kpatch's reason: $line" ;; esac
ok "the report names the host, the step and kpatch's reason"
grep -q 'NO MORE HOSTS LEFT' "$VM_OUT/run3.log" || fail "the play did not stop: $(tail -n 30 "$VM_OUT/run3.log")"
for h in fleet1 fleet3; do
	[ -z "$(recap "$VM_OUT/run3.log" "$h")" ] || fail "$h took part in the stopped rollout: $(recap "$VM_OUT/run3.log" "$h")"
	grep -q "\[$h\]" "$VM_OUT/run3.log" && fail "$h appears in the stopped rollout's output"
	untouched "$h"
done
clean oldkernel
ok "stopped at the canary batch: oldkernel has nothing loaded or installed (check OK), fleet1 and fleet3 untouched"

# Scenario 3: three batches, the failing host in the second.
for h in fleet1 oldkernel fleet3; do vm_sd_inventory "$h"; done >"$VM_OUT/hosts3"
rollout "$VM_OUT/run4.log" "$VM_OUT/hosts3" -e '{"kpatch_rollout_serial": [1, 1, "100%"]}'
[ "$rc" != 0 ] || fail "the 3-batch rollout passed with a host that cannot load the module"
grep -q 'kpatch rollout stopped at oldkernel: ' "$VM_OUT/run4.log" || fail "no line names oldkernel: $(tail -n 30 "$VM_OUT/run4.log")"
case "$(recap "$VM_OUT/run4.log" fleet1)" in *failed=0*) ;; *) fail "fleet1: $(recap "$VM_OUT/run4.log" fleet1)" ;; esac
on fleet1 kpatch check >/dev/null || fail "fleet1: kpatch check is not OK"
on fleet1 sh -c "'$smoke'" || fail "fleet1: the fix is not live"
clean oldkernel
untouched fleet3
[ -z "$(recap "$VM_OUT/run4.log" fleet3)" ] || fail "fleet3 took part: $(recap "$VM_OUT/run4.log" fleet3)"
ok "batches [1, 1, 100%]: fleet1 patched and OK, stopped at oldkernel (nothing left there), fleet3 untouched"

for h in fleet1 fleet3 oldkernel; do
	vm_sd_stop "$h" || fail "$h did not stop cleanly (exit $?)"
done
ok "every VM powered off; no kernel complained"
echo "fleet-ansible: all checks passed"
