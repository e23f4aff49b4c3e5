#!/usr/bin/env bash
# kpatch-metrics.timer and .service as `make install` puts them: systemd
# accepts both (systemd-analyze verify), the service runs the installed
# kpatch on the documented textfile, and the timer fires it every minute.
. "$(dirname "$0")/../lib.sh"

prefix=$PKG_OUT/prefix
make -s -C "$KPT_TOP" install PREFIX="$prefix" >"$PKG_OUT/install.log" 2>&1 ||
	fail "make install: $(tail -n 5 "$PKG_OUT/install.log")"
units=$prefix/lib/systemd/system
for u in kpatch-metrics.service kpatch-metrics.timer; do
	[ -f "$units/$u" ] || fail "make install did not install $u"
done
ok "make install installs kpatch-metrics.service and .timer"
expect_rc 0 "systemd-analyze verify accepts the units" -- \
	systemd-analyze verify --man=no "$units/kpatch-metrics.service" "$units/kpatch-metrics.timer"
expect_eq "$out" "" "systemd-analyze verify has no remarks"
expect_eq "$(sed -n 's/^ExecStart=//p' "$units/kpatch-metrics.service")" \
	"$prefix/sbin/kpatch metrics --output /var/lib/prometheus/node-exporter/kpatch.prom" \
	"the service runs the installed kpatch on the textfile collector's directory"
expect_eq "$(sed -n 's/^OnUnitActiveSec=//p' "$units/kpatch-metrics.timer")" "1min" "the timer fires every minute"
# The service's command, on a scratch directory, writes a file promtool accepts.
mkdir -p "$PKG_OUT/root/sys/kernel/livepatch" "$PKG_OUT/root/sys/module" "$PKG_OUT/root/proc/sys/kernel" "$PKG_OUT/textfile"
echo 6.1.0-50-cloud-amd64 >"$PKG_OUT/root/proc/sys/kernel/osrelease"
export KPATCH_SYSFS_ROOT=$PKG_OUT/root/sys KPATCH_PROCFS_ROOT=$PKG_OUT/root/proc \
	KPATCH_LIB_DIR=$PKG_OUT/root/lib KPATCH_CONF_DIR=$PKG_OUT/root/etc KPATCH_RUN_DIR=$PKG_OUT/root/run
expect_rc 0 "installed kpatch metrics --output" -- "$prefix/sbin/kpatch" metrics --output "$PKG_OUT/textfile/kpatch.prom"
expect_rc 0 "promtool accepts the file" -- promtool check metrics <"$PKG_OUT/textfile/kpatch.prom"
expect_rc 3 "a missing textfile directory is refused" -- "$prefix/sbin/kpatch" metrics --output "$PKG_OUT/none/kpatch.prom"
expect_contains "$out" "directory $PKG_OUT/none does not exist" "and named"
echo "metrics-units: all checks passed"
