# The systemd VM mode: boots the test kernel on a real Debian bookworm rootfs
# with systemd, from a disk image that keeps its contents from one boot of a
# test to the next, so boot-time behaviour is tested for real (install,
# reboot, check). Sourced by tests after tests/vm/lib.sh:
#
#   . "$(dirname "$0")/../lib.sh"
#   . "$(dirname "$0")/../systemd.sh"
#   img=$(vm_sd_image disk) || exit 1      # fresh disk from the cached base
#   vm_sd_put "$img" local-file /etc/thing  # copy a file in, without booting
#   vm_sd_boot "$img" boot1.sh || exit 1    # boot, run boot1.sh, power off
#   vm_sd_boot "$img" boot2.sh              # boot the same disk again
#
# The base is built once and cached under $KPATCH_CACHE/rootfs
# (tests/vm/rootfs/build-rootfs: debootstrap, about a minute;
# tests/vm/rootfs/build-image: disk image + initramfs per kernel, seconds).
# Every image gets the programs of $KPT_BIN_DIR in /usr/local/sbin, the test
# modules in /modules (those built for $KPATCH_TEST_KERNEL2 in
# /modules/other), the guest helpers in /lib/kpt-guest.sh and the kernel
# release in /etc/kpt-kernel.
#
# A boot runs the guest script as root from kpt-test.service, after
# multi-user.target, then powers off. Channels (one serial port each):
#   ttyS0  console (kernel + systemd)     -> $VM_OUT/NAME.bootN/console.log
#   ttyS1  guest script stdout+stderr     -> .../output.log (also printed)
#   ttyS2  the kernel log of the boot     -> .../dmesg.log
#   ttyS3  the guest script's exit code   -> .../result
# vm_sd_boot returns the script's exit code or, like vm_run:
#   124 timeout, 125 no result (the boot or the VM died), 126 the kernel
#   complained (oops, BUG, WARNING, call trace) on the console or in dmesg.
#
# VM_SD_TIMEOUT (default 300) bounds one boot, VM_SD_MEM (default 768) its
# memory in MiB. KPT_VM_DEBUG=1: each boot gets the terminal as its serial
# console; the guest script runs as usual (output in .../output.log), then
# the VM stays up: log in as root (no password), look around (the script is
# /usr/local/lib/kpt-sd/test.sh, the journal has every boot), and 'poweroff'
# to go on to the test's next boot.

VM_SD_ROOTFS="$VM_TOP/tests/vm/rootfs"
: "${VM_SD_TIMEOUT:=300}"
: "${VM_SD_MEM:=768}"

# Path of the cached base image for a kernel (building it on first use); its
# initramfs is the same path with .initrd.gz instead of .img.
vm_sd_base() {
	"$VM_SD_ROOTFS/build-image" "${1:-$VM_KERNEL}"
}

# vm_sd_put IMAGE SRC DEST: copy a file, a symlink or a directory tree into
# the image (not booted) at DEST, owned by root, with SRC's permissions
# (a directory that exists takes them too).
# Replaces what is there; creates missing parent directories.
vm_sd_put() {
	local img=$1 src=$2 dest=$3 cmds err
	case "$src$dest" in *[[:space:]]*)
		echo "vm_sd_put: paths with white space are not supported: $src -> $dest" >&2
		return 2 ;;
	esac
	[ -e "$src" ] || [ -L "$src" ] || { echo "vm_sd_put: $src: no such file" >&2; return 2; }
	# bookworm is usr-merged: /bin, /sbin and /lib* are symlinks into /usr,
	# and debugfs does not follow a symlink in the middle of a path.
	case "$dest" in /bin/* | /sbin/* | /lib/* | /lib64/*) dest=/usr$dest ;; esac
	cmds=$(mktemp) err=$(mktemp)
	_vm_sd_parents "$dest" >"$cmds"
	_vm_sd_put_cmds "$src" "$dest" >>"$cmds"
	debugfs -w -f "$cmds" "$img" >/dev/null 2>"$err"
	# debugfs exits 0 whatever happens: its complaints are the only signal.
	# Removing what is not there and making a directory that exists are fine.
	if grep -v -e '^debugfs [0-9]' -e 'File not found by ext2_lookup' \
		-e 'Ext2 directory already exists' -e '^rm: ' -e '^$' "$err" |
		grep -q .; then
		echo "vm_sd_put: writing $src to $img:$dest failed: $(grep -v '^debugfs [0-9]' "$err" | head -n 3 | tr '\n' ' ')" >&2
		rm -f "$cmds" "$err"
		return 1
	fi
	rm -f "$cmds" "$err"
}

# debugfs commands that create every parent directory of $1.
_vm_sd_parents() {
	local d=${1%/*} path="" part
	local IFS=/
	for part in $d; do
		[ -n "$part" ] || continue
		path="$path/$part"
		echo "mkdir $path"
	done
}

# debugfs commands that copy $1 (file, symlink or tree) to $2.
_vm_sd_put_cmds() {
	local src=$1 dest=$2 entry
	if [ -L "$src" ]; then
		echo "rm $dest"
		echo "symlink $dest $(readlink "$src")"
	elif [ -d "$src" ]; then
		echo "mkdir $dest"
		echo "sif $dest mode 0$(printf '%o' $((0040000 | 0$(stat -c %a "$src"))))"
		for entry in "$src"/* "$src"/.[!.]*; do
			[ -e "$entry" ] || [ -L "$entry" ] || continue
			_vm_sd_put_cmds "$entry" "$dest/${entry##*/}"
		done
	else
		echo "rm $dest"
		echo "write $src $dest"
	fi
}

# vm_sd_get IMAGE SRC DEST: copy a file out of the image (not booted).
vm_sd_get() {
	rm -f "$3"
	debugfs -R "dump -p $2 $3" "$1" 2>/dev/null && [ -e "$3" ] ||
		{ echo "vm_sd_get: no $2 in $1" >&2; return 1; }
}

# vm_sd_image [-k KREL] NAME: make $VM_OUT/NAME.img, a fresh copy of the base
# image for kernel KREL (default $VM_KERNEL), with the project's programs,
# the test modules and the guest helpers in it; prints its path. Later boots
# of this image use the same kernel.
vm_sd_image() {
	local krel=$VM_KERNEL opt
	OPTIND=1
	while getopts "k:" opt; do
		case $opt in
		k) krel=$OPTARG ;;
		*) echo "vm_sd_image: bad option" >&2; return 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	local name=$1 base img stage p
	base=$(vm_sd_base "$krel") || { echo "vm_sd_image: no base image for $krel" >&2; return 2; }
	img="$VM_OUT/$name.img"
	# The initramfs too: the test's boots then need nothing from the cache.
	cp --sparse=always "$base" "$img" &&
		cp "${base%.img}.initrd.gz" "$VM_OUT/$name.initrd.gz" || return 2
	echo "$krel" >"$VM_OUT/$name.kernel"
	echo 0 >"$VM_OUT/$name.boots"

	# The image's additions for this test, staged as trees and written in.
	stage=$(mktemp -d "$VM_OUT/stage.XXXXXX")
	mkdir -p "$stage/sbin" "$stage/modules/other"
	chmod 0755 "$stage/sbin" "$stage/modules" "$stage/modules/other"
	for p in "${KPT_BIN_DIR:-$VM_TOP/build/bin}"/*; do
		[ -f "$p" ] && [ -x "$p" ] && install -m 0755 "$p" "$stage/sbin/"
	done
	cp "$(vm_modules_dir "$krel")"/*.ko "$stage/modules/" 2>/dev/null
	cp "$(vm_modules_dir "$KPATCH_TEST_KERNEL2")"/*.ko "$stage/modules/other/" 2>/dev/null
	chmod 0644 "$stage"/modules/*.ko "$stage"/modules/other/*.ko 2>/dev/null
	install -m 0644 "$VM_TOP/tests/vm/guest/kpt-guest.sh" "$stage/kpt-guest.sh"
	vm_sd_put "$img" "$stage/sbin" /usr/local/sbin &&
		vm_sd_put "$img" "$stage/modules" /modules &&
		vm_sd_put "$img" "$stage/kpt-guest.sh" /lib/kpt-guest.sh || {
		rm -rf "$stage"
		return 2
	}
	rm -rf "$stage"
	echo "$img"
}

# vm_sd_boot [-t SECONDS] [-a KERNEL_ARGS] [-d DISK]... IMAGE GUEST_SCRIPT:
# boot the image once, run GUEST_SCRIPT (sh, as root) after
# multi-user.target, print its output, return its exit code (or 124/125/126,
# see above). Each -d adds a raw disk image, seen as /dev/vdb, /dev/vdc, ...
# (the image itself is /dev/vda). The logs of boot N stay in
# $VM_OUT/NAME.bootN/; VM_SD_LAST names that directory.
vm_sd_boot() {
	local timeout=$VM_SD_TIMEOUT append="" disks=() opt
	OPTIND=1
	while getopts "t:a:d:" opt; do
		case $opt in
		t) timeout=$OPTARG ;;
		a) append="$append $OPTARG" ;;
		d) disks+=(-drive "file=$OPTARG,if=virtio,format=raw") ;;
		*) echo "vm_sd_boot: bad option" >&2; return 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	local img=$1 script=$2 name krel kdir n out
	name=$(basename "$img" .img)
	krel=$(cat "$VM_OUT/$name.kernel" 2>/dev/null) ||
		{ echo "vm_sd_boot: $img was not made by vm_sd_image" >&2; return 2; }
	kdir=$(kernel_dir "$krel")
	[ -f "$script" ] || { echo "vm_sd_boot: no guest script $script" >&2; return 2; }
	vm_sd_put "$img" "$script" /usr/local/lib/kpt-sd/test.sh || return 2

	n=$(($(cat "$VM_OUT/$name.boots") + 1))
	echo "$n" >"$VM_OUT/$name.boots"
	out="$VM_OUT/$name.boot$n"
	VM_SD_LAST=$out
	rm -rf "$out"
	mkdir -p "$out"
	: >"$out/result"

	local serial=(-serial "file:$out/console.log") stdin=/dev/null fg=""
	if [ "${KPT_VM_DEBUG:-0}" = 1 ]; then
		# Interactive: qemu must own the terminal to read from it.
		stdin=/dev/stdin
		fg=--foreground
		serial=(-serial mon:stdio)
		append="$append kpt.debug=1"
		timeout=86400
		echo "vm_sd_boot: debug boot $n of $name; the test's output is in $out/output.log" >&2
	fi
	local start=$SECONDS
	timeout $fg -k 5 "$timeout" qemu-system-x86_64 -accel tcg -cpu max -m "$VM_SD_MEM" \
		-smp 1 -display none -no-reboot -nic none -monitor none \
		-kernel "$kdir/vmlinuz" -initrd "$VM_OUT/$name.initrd.gz" \
		-drive "file=$img,if=virtio,format=raw" "${disks[@]}" \
		-append "root=/dev/vda console=ttyS0 loglevel=4 panic=-1 oops=panic$append" \
		"${serial[@]}" -serial "file:$out/output.log" \
		-serial "file:$out/dmesg.log" -serial "file:$out/result" \
		<"$stdin"
	local qrc=$? rc
	echo $((SECONDS - start)) >"$out/seconds"
	tr -d '\r' <"$out/output.log" 2>/dev/null
	if [ $qrc = 124 ] || [ $qrc = 137 ]; then
		echo "vm_sd_boot: boot $n of $name timed out after ${timeout}s; console tail:" >&2
		tail -n 25 "$out/console.log" | tr -d '\r' >&2
		return 124
	fi
	if vm_kernel_complaints "$out/console.log" "$out/dmesg.log" >"$out/complaints"; then
		echo "vm_sd_boot: the kernel complained during boot $n of $name:" >&2
		head -n 40 "$out/complaints" | tr -d '\r' >&2
		return 126
	fi
	rc=$(tr -dc '0-9' <"$out/result")
	if [ -z "$rc" ]; then
		echo "vm_sd_boot: boot $n of $name ended without a result; console tail:" >&2
		tail -n 25 "$out/console.log" | tr -d '\r' >&2
		return 125
	fi
	return "$rc"
}

# vm_sd_install_service IMAGE: install kpatch.service into the image the way
# `make install PREFIX=/usr/local` does (the project's own install rule, so
# its ExecStart matches the kpatch that vm_sd_image put in /usr/local/sbin).
# Not enabled: `kpatch install` enables it, as on a real host.
vm_sd_install_service() {
	local img=$1 stage rc
	stage=$(mktemp -d "$VM_OUT/stage.XXXXXX")
	make -s -C "$VM_TOP" DESTDIR="$stage" PREFIX=/usr/local install-kpatch-service >/dev/null &&
		vm_sd_put "$img" "$stage/usr/local/lib/systemd/system/kpatch.service" \
			/usr/local/lib/systemd/system/kpatch.service
	rc=$?
	rm -rf "$stage"
	return $rc
}

# vm_tool_deb WORKDIR: the project's own .deb of the tool (make deb, into
# $KPT_DEB_DIR or build/packages/deb), built when missing; prints its path,
# or why not (exit 1).
vm_tool_deb() {
	local work=$1 debdir=${KPT_DEB_DIR:-$VM_TOP/build/packages/deb} deb
	deb=$(ls "$debdir"/kpatch_*.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ]; then
		make -s -C "$VM_TOP" deb >"$work/make-deb.log" 2>&1 || {
			echo "make deb failed: $(tail -n 5 "$work/make-deb.log")"
			return 1
		}
		deb=$(ls "$debdir"/kpatch_*.deb 2>/dev/null | head -n 1)
	fi
	[ -f "$deb" ] || { echo "make deb made no kpatch_*.deb in $debdir"; return 1; }
	echo "$deb"
}
