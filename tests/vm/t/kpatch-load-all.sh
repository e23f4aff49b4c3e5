#!/usr/bin/env bash
# kpatch load --all with one good and one mismatched module installed: the
# good one is loaded, the exit code is non-zero and the message names the
# bad module and why. Then `check` is CRITICAL for the one that is missing.
. "$(dirname "$0")/../lib.sh"
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
G
vm_run "$guest"
