# Shared shell helpers for the project's scripts (sourced, not run).
: "${KPATCH_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/kpatch-dev}"
: "${KPATCH_TEST_KERNEL:=6.1.0-50-cloud-amd64}"
: "${KPATCH_TEST_KERNEL2:=6.1.0-47-cloud-amd64}"
export KPATCH_CACHE KPATCH_TEST_KERNEL KPATCH_TEST_KERNEL2
mkdir -p "$KPATCH_CACHE"

die() { echo "${0##*/}: error: $*" >&2; exit 1; }
info() { echo "${0##*/}: $*" >&2; }

# apt-get update at most once an hour: apt-cache look-ups need fresh lists.
apt_update_once() {
	local stamp="$KPATCH_CACHE/apt-updated"
	if [ -z "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
		[ "$(id -u)" = 0 ] || die "apt-get update needs root"
		apt-get update -q >"$KPATCH_CACHE/apt-update.log" 2>&1 ||
			die "apt-get update failed; see $KPATCH_CACHE/apt-update.log"
		touch "$stamp"
	fi
}

# Where fetch-kernel puts a kernel release's files.
kernel_dir() { echo "$KPATCH_CACHE/kernels/$1"; }
