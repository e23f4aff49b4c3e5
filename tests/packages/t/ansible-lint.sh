#!/usr/bin/env bash
# The Ansible collection in ansible/ (kpatch.fleet): ansible-doc renders both
# modules' documentation, ansible-playbook --syntax-check accepts the rollout
# playbook and ansible-lint passes the collection (production profile) with
# no warning, options of the collection's own modules validated; the same
# lint fails a copy with an unknown module option, so it does look.
. "$(dirname "$0")/../lib.sh"

for p in ansible-playbook ansible-doc ansible-lint; do
	command -v "$p" >/dev/null || fail "$p is missing (scripts/setup installs ansible-core and ansible-lint)"
done
# The collection as Ansible finds it: <path>/ansible_collections/kpatch/fleet.
# The path names the ansible_collections directory itself: ansible accepts
# either form, and ansible-lint 6.13 registers the parent of this variable
# for its own module lookups (it would warn "Unable to resolve FQCN" for the
# collection's modules with the other form).
colls=$PKG_OUT/collections/ansible_collections
mkdir -p "$colls/kpatch"
ln -s "$KPT_TOP/ansible" "$colls/kpatch/fleet"
export ANSIBLE_COLLECTIONS_PATH=$colls ANSIBLE_NOCOLOR=1 NO_COLOR=1
export ANSIBLE_LOCAL_TEMP=$PKG_OUT/tmp ANSIBLE_HOME=$PKG_OUT/home XDG_CACHE_HOME=$PKG_OUT/cache

for m in kpatch_patch kpatch_facts; do
	expect_rc 0 "ansible-doc kpatch.fleet.$m" -- ansible-doc kpatch.fleet.$m
	expect_contains "$out" "KPATCH.FLEET.$(tr a-z A-Z <<<"$m")" "ansible-doc names $m"
	expect_contains "$out" "kpatch_bin" "ansible-doc lists $m's options"
	expect_contains "$out" "EXAMPLES" "ansible-doc shows $m's examples"
	expect_contains "$out" "RETURN VALUES" "ansible-doc shows $m's return values"
done
expect_rc 0 "ansible-doc -t role kpatch.fleet.canary" -- ansible-doc -t role kpatch.fleet.canary
expect_contains "$out" "kpatch_module_src" "the role's variables are documented"
expect_contains "$out" "kpatch_smoke_command" "the smoke command too"
expect_rc 0 "ansible-doc lists the modules" -- ansible-doc -l kpatch.fleet
expect_contains "$out" "kpatch.fleet.kpatch_patch" "kpatch_patch listed"
expect_contains "$out" "kpatch.fleet.kpatch_facts" "kpatch_facts listed"

printf 'canary.example ansible_connection=local\nrest.example ansible_connection=local\n' >"$PKG_OUT/hosts"
expect_rc 0 "ansible-playbook --syntax-check kpatch.fleet.rollout" -- \
	ansible-playbook -i "$PKG_OUT/hosts" --syntax-check kpatch.fleet.rollout
expect_contains "$out" "playbook:" "syntax-check names the playbook"
expect_rc 0 "ansible-playbook --syntax-check of the file" -- \
	ansible-playbook -i "$PKG_OUT/hosts" --syntax-check "$KPT_TOP/ansible/playbooks/rollout.yml"
expect_rc 0 "ansible-playbook --list-tasks" -- \
	ansible-playbook -i "$PKG_OUT/hosts" --list-tasks kpatch.fleet.rollout
expect_contains "$out" "Install and load the patch module" "the rollout runs the role's tasks"

# ansible-lint from inside the collection (it detects galaxy.yml). Its
# summary line says Passed or Failed; no WARNING line either.
lint() { (cd "$1" && ansible-lint 2>&1); }
out=$(lint "$KPT_TOP/ansible")
rc=$?
[ $rc = 0 ] || fail "ansible-lint exited $rc: $out"
expect_contains "$out" "Passed with production profile: 0 failure(s), 0 warning(s)" "ansible-lint passes (production profile)"
expect_not_contains "$out" "WARNING" "ansible-lint prints no warning"

# The same lint on a copy with a misspelt option of kpatch_patch must fail:
# it validates the collection's own modules, not just YAML.
bad=$PKG_OUT/bad/ansible_collections/kpatch/fleet
mkdir -p "$bad"
cp -a "$KPT_TOP/ansible/." "$bad/"
sed -i '0,/state: loaded/s//state: loaded\n        stat: loaded/' "$bad/roles/canary/tasks/main.yml"
grep -q 'stat: loaded' "$bad/roles/canary/tasks/main.yml" || fail "could not make the bad copy"
(cd "$bad" && git init -q . && git add -A)
out=$(ANSIBLE_COLLECTIONS_PATH=$PKG_OUT/bad/ansible_collections lint "$bad")
rc=$?
[ $rc != 0 ] || fail "ansible-lint passed a task with an unknown option: $out"
expect_contains "$out" "args[module]" "ansible-lint names the bad option (exit $rc)"
expect_contains "$out" "stat" "and the option"
echo "ansible-lint: all checks passed"
