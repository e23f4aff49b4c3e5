# Helpers for host-side packaging tests: . "$(dirname "$0")/../lib.sh"
# Each check prints one line; the first failed expectation ends the test.
set -u
KPT_TOP=${KPT_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
KPT_BIN_DIR=${KPT_BIN_DIR:-$KPT_TOP/build/bin}
PKG_OUT=${PKG_OUT:-$(mktemp -d)}
. "$KPT_TOP/scripts/lib.sh"

fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
expect_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
	ok "$3"
}
expect_contains() {
	case "$1" in *"$2"*) ok "$3" ;; *) fail "$3: '$2' not in '$1'" ;; esac
}
expect_not_contains() {
	case "$1" in *"$2"*) fail "$3: '$2' unexpectedly in '$1'" ;; *) ok "$3" ;; esac
}
# expect_rc EXPECTED WHAT -- CMD...   run CMD, compare its exit code; $out keeps its output
expect_rc() {
	local want=$1 what=$2 rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	[ "$rc" = "$want" ] || fail "$what: exit code $rc, expected $want; output: $out"
	ok "$what (exit $rc)"
}
