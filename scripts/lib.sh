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

# kernel_image_deb RELEASE: path of the kernel's Debian image package (the
# one fetch-kernel took its files from, same version), downloaded into the
# kernel's cache directory on first use; prints the path.
kernel_image_deb() {
	local krel=$1 dir version pkg deb tmp
	dir=$(kernel_dir "$krel")
	version=$(cat "$dir/version" 2>/dev/null) || { echo "kernel $krel is not fetched" >&2; return 1; }
	for pkg in "linux-image-$krel-unsigned" "linux-image-$krel"; do
		deb=$(ls "$dir/debs/${pkg}_${version}_"*.deb 2>/dev/null | head -n 1)
		[ -n "$deb" ] && { echo "$deb"; return 0; }
	done
	apt_update_once
	mkdir -p "$dir/debs"
	tmp=$(mktemp -d "$dir/debs/.get.XXXXXX")
	chmod 755 "$tmp"
	for pkg in "linux-image-$krel-unsigned" "linux-image-$krel"; do
		if (cd "$tmp" && apt-get download -q "$pkg=$version" >"$tmp/log" 2>&1); then
			deb=$(ls "$tmp"/*.deb | head -n 1)
			mv "$deb" "$dir/debs/" && rm -rf "$tmp" &&
				echo "$dir/debs/${deb##*/}"
			return
		fi
	done
	echo "cannot download linux-image-$krel(-unsigned)=$version: $(tail -n 1 "$tmp/log")" >&2
	rm -rf "$tmp"
	return 1
}
