#!/usr/bin/env bash
# kpatch load --all with one good and one mismatched module installed: the
# good one is loaded, the exit code is non-zero and the message names the
# bad module and why. Then `check` is CRITICAL for the one that is missing.
# A malformed module (a real test module with e_shstrndx moved by 2, which
# made libkmod abort the process) is one error line, and the good module is
# loaded all the same.
. "$(dirname "$0")/../lib.sh"
bad=$(mktemp)
cp "$(vm_modules_dir "$KPATCH_TEST_KERNEL")/kpt_lp_cmdline.ko" "$bad"
shstrndx=$(od -An -tu1 -j62 -N1 "$bad" | tr -d ' ')
printf "\\$(printf %o $((shstrndx + 2)))" | dd of="$bad" bs=1 seek=62 conv=notrunc status=none
guest=$(mktemp)
cat >"$guest" <<'G'
. /lib/kpt-guest.sh
kpatch install /modules/kpt_lp_cmdline.ko >/dev/null || fail "install good module"
# The wrong kernel's module put in place by hand, as a broken package would.
cp /modules/other/kpt_lp_other.ko /var/lib/kpatch/$KREL/
expect_rc 8 "load --all with one bad module" -- kpatch load --all
expect_contains "$out" "kpt_lp_other" "message names the bad module"
expect_contains "$out" "built for kernel 6.1.0-47-cloud-amd64, not for kernel $KREL" "message says why"
expect_contains "$out" "1 of 2 patch modules for kernel $KREL failed to load: kpt_lp_other" "summary line"
lp_settled kpt_lp_cmdline || fail "good module not loaded and settled"
expect_eq "$(cat /proc/cmdline)" "kpatch-test: patched cmdline" "good module is live"
module_gone kpt_lp_other || fail "bad module was inserted"
ok "bad module not inserted"
expect_rc 2 "check: installed module not loaded is CRITICAL" -- kpatch check
expect_contains "$out" "CRITICAL: kpt_lp_other is installed for the running kernel $KREL but not loaded" "check names it"
expect_rc 0 "load --all is idempotent for loaded modules" -- sh -c "rm /var/lib/kpatch/$KREL/kpt_lp_other.ko && kpatch load --all"
expect_rc 0 "check OK once consistent" -- kpatch check
expect_rc 0 "unload --all" -- kpatch unload --all
module_gone kpt_lp_cmdline || fail "module still loaded after unload --all"
ok "nothing loaded after unload --all"
cp /bad.ko /var/lib/kpatch/$KREL/kpt_aa_bad.ko
expect_rc 8 "load --all with a malformed module first" -- kpatch load --all
expect_contains "$out" "kpt_aa_bad.ko: not a valid kernel module (section name table index out of range)" "malformed module: one line"
expect_contains "$out" "1 of 2 patch modules for kernel $KREL failed to load: kpt_aa_bad" "summary names it"
lp_settled kpt_lp_cmdline || fail "good module not loaded after the malformed one"
ok "good module loaded after the malformed one"
expect_rc 0 "list goes on past it" -- kpatch list
expect_contains "$out" "kpt_aa_bad ($KREL)" "list shows it"
expect_rc 0 "unload --all again" -- kpatch unload --all
G
vm_run -f "$bad:/bad.ko" "$guest"
