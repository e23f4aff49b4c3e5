#!/usr/bin/env bash
# kpatch metrics against the real promtool (Debian's prometheus package):
# `promtool check metrics` accepts the output of every check scenario of
# the hermetic tests (test_kpatch_metrics writes each one), and the example
# alerting rules pass `promtool check rules` and fire as documented
# (`promtool test rules` on series shaped like kpatch's).
. "$(dirname "$0")/../lib.sh"

test_dir=${KPT_TEST_DIR:-$(dirname "$KPT_BIN_DIR")/test}
rules=$KPT_TOP/examples/prometheus/kpatch-alerts.yml
command -v promtool >/dev/null || fail "promtool not installed (scripts/setup installs prometheus)"
[ -x "$test_dir/test_kpatch_metrics" ] || fail "no $test_dir/test_kpatch_metrics (make unit-tests)"

dump=$PKG_OUT/prom
mkdir -p "$dump"
KPT_METRICS_DUMP=$dump "$test_dir/test_kpatch_metrics" >"$PKG_OUT/unit.log" 2>&1 ||
	fail "test_kpatch_metrics failed: $(tail -n 5 "$PKG_OUT/unit.log")"
scenarios="ok-empty not-loaded ok-consistent not-enabled transition-young transition-stalled
withdrawn-loaded invalid-state withdrawn-installed not-installed kernel-mismatch superseded
unknown full escaping"
n=0
for s in $scenarios; do
	f=$dump/$s.prom
	[ -s "$f" ] || fail "scenario $s: no metrics written"
	lint=$(promtool check metrics <"$f" 2>&1)
	rc=$?
	[ $rc = 0 ] || fail "scenario $s: promtool check metrics (exit $rc): $lint"
	[ -z "$lint" ] || fail "scenario $s: promtool check metrics: $lint"
	n=$((n + 1))
done
expect_eq "$(ls "$dump" | wc -l)" "$n" "every dumped scenario checked"
ok "promtool check metrics accepts all $n scenarios"

# The checker can fail: a malformed file and a counter named against the conventions.
printf 'kpatch_check_status{class="x} 1\n' >"$PKG_OUT/bad.prom"
expect_rc 1 "promtool refuses a broken label" -- promtool check metrics <"$PKG_OUT/bad.prom"
printf '# HELP kpatch_loads Loads.\n# TYPE kpatch_loads counter\nkpatch_loads 1\n' >"$PKG_OUT/lint.prom"
expect_rc 3 "promtool lints a counter without _total" -- promtool check metrics <"$PKG_OUT/lint.prom"

expect_rc 0 "promtool check rules" -- promtool check rules "$rules"
expect_contains "$out" "SUCCESS: 7 rules found" "all seven rules parse"

# The rules fire on the series kpatch writes (values as the scenarios give them).
cat >"$PKG_OUT/rules-test.yml" <<EOT
rule_files:
  - $rules
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'kpatch_check_status{instance="crit"}'
        values: '2x40'
      - series: 'kpatch_check_status{instance="warn"}'
        values: '1x40'
      - series: 'kpatch_check_status{instance="ok"}'
        values: '0x40'
      - series: 'kpatch_check_findings{instance="crit",class="not-loaded"}'
        values: '1x40'
      - series: 'kpatch_check_findings{instance="ok",class="not-loaded"}'
        values: '0x40'
      - series: 'kpatch_cve_applied{instance="crit",cve="CVE-2099-1",patch="kp_a"}'
        values: '0x40'
    alert_rule_test:
      - eval_time: 10m
        alertname: KpatchCritical
        exp_alerts:
          - exp_labels: { severity: critical, instance: crit }
            exp_annotations:
              summary: "kpatch check is CRITICAL on crit"
              description: "A patch that should be live is not (not loaded, not enabled, only installed for another kernel) or a withdrawn patch is loaded. Run \`kpatch check\` on the host; kpatch_check_findings names the class."
      - eval_time: 10m
        alertname: KpatchWarning
        exp_alerts: []
      - eval_time: 35m
        alertname: KpatchWarning
        exp_alerts:
          - exp_labels: { severity: warning, instance: warn }
            exp_annotations:
              summary: "kpatch check is WARNING on warn"
              description: "A patch is loaded but not installed, superseded, withdrawn but installed, or its transition is stalled. Run \`kpatch check\`."
      - eval_time: 10m
        alertname: KpatchFindingCritical
        exp_alerts:
          - exp_labels: { severity: critical, instance: crit, class: not-loaded }
            exp_annotations:
              summary: "kpatch finding not-loaded on crit"
              description: "1 finding(s) of class not-loaded; see kpatch(8), check."
      - eval_time: 20m
        alertname: KpatchCveNotApplied
        exp_alerts:
          - exp_labels: { severity: warning, instance: crit, cve: CVE-2099-1, patch: kp_a }
            exp_annotations:
              summary: "CVE-2099-1 is not applied on crit"
              description: "Patch kp_a declares it but is not loaded and enabled."
EOT
expect_rc 0 "promtool test rules: CRITICAL and WARNING fire, OK does not" -- promtool test rules "$PKG_OUT/rules-test.yml"
# And the rule test can fail: OK expected to alert.
sed 's/instance: crit }/instance: ok }/' "$PKG_OUT/rules-test.yml" >"$PKG_OUT/rules-wrong.yml"
expect_rc 1 "promtool test rules fails a wrong expectation" -- promtool test rules "$PKG_OUT/rules-wrong.yml"
echo "metrics-promtool: all checks passed"
