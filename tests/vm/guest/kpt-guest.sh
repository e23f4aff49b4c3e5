# Helpers for guest scripts: . /lib/kpt-guest.sh
# Each check prints one line and exits 1 on failure, so a test stops at the
# first broken expectation with a message that says what was expected.
KREL=$(cat /etc/kpt-kernel)
LP=/sys/kernel/livepatch

fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
	ok "$3"
}
# expect_contains HAYSTACK NEEDLE WHAT
expect_contains() {
	case "$1" in *"$2"*) ok "$3" ;; *) fail "$3: '$2' not in '$1'" ;; esac
}
expect_not_contains() {
	case "$1" in *"$2"*) fail "$3: '$2' unexpectedly in '$1'" ;; *) ok "$3" ;; esac
}
# expect_rc EXPECTED WHAT -- CMD...   run CMD, compare its exit code
expect_rc() {
	want=$1 what=$2
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	[ "$rc" = "$want" ] || fail "$what: exit code $rc, expected $want; output: $out"
	ok "$what (exit $rc)"
}
# wait_until SECONDS CMD...   poll CMD every 0.1 s until it succeeds
wait_until() {
	n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
# Wait for a livepatch's transition to finish.
lp_settled() { [ "$(cat "$LP/$1/transition" 2>/dev/null)" = 0 ]; }
lp_gone() { [ ! -e "$LP/$1" ]; }
module_gone() { ! grep -q "^$1 " /proc/modules; }
