# Real-kernel test harness: boots a Debian kernel under QEMU (TCG) with a
# generated busybox initramfs and runs one guest script as init's child.
# Sourced by the host-side tests in tests/vm/t/.
#
# Channels (one serial port each, so nothing is scraped from the console):
#   ttyS0  kernel console              -> $VM_OUT/console.log
#   ttyS1  guest script stdout+stderr  -> $VM_OUT/output.log
#   ttyS2  dmesg at the end            -> $VM_OUT/dmesg.log
#   ttyS3  the guest script's exit code, alone -> $VM_OUT/result
#
# vm_run returns the guest script's exit status, or:
#   124  the VM did not finish within the timeout
#   125  the VM died before reporting a result (panic, crash)
#   126  the kernel printed an oops, BUG, WARNING or call trace
# KPT_BIN_DIR (default build/bin): the programs copied into the VM's /bin.
# KPT_VM_DEBUG=1 drops to a shell on the console instead (test at /test.sh).

VM_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$VM_TOP/scripts/lib.sh"

VM_KERNEL=${VM_KERNEL:-$KPATCH_TEST_KERNEL}
: "${VM_TIMEOUT:=120}"
: "${VM_MEM:=512}"
VM_OUT=${VM_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/kpt-vm.XXXXXX")}
export VM_OUT

# Test modules, built by tests/modules/build for each test kernel.
vm_modules_dir() { echo "$VM_TOP/build/modules/$1"; }

vm_build_modules() {
	local k
	for k in "$KPATCH_TEST_KERNEL" "$KPATCH_TEST_KERNEL2"; do
		"$VM_TOP/tests/modules/build" "$k" >/dev/null || return 1
	done
}

# Copy a dynamically linked program and every shared library it needs.
_vm_add_program() {
	local root=$1 prog=$2 lib
	install -D -m 0755 "$prog" "$root/bin/$(basename "$prog")"
	for lib in $(ldd "$prog" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] || install -D -m 0755 "$lib" "$root$lib"
	done
}

# _vm_initramfs ROOTDIR GUEST_SCRIPT EXTRA... -> ROOTDIR/../initrd.gz
_vm_initramfs() {
	local root=$1 script=$2 spec src dst p
	shift 2
	mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,etc,lib,modules,var/lib/kpatch}
	cp /bin/busybox "$root/bin/busybox"
	install -m 0755 "$VM_TOP/tests/vm/guest/init" "$root/init"
	install -m 0644 "$VM_TOP/tests/vm/guest/kpt-guest.sh" "$root/lib/kpt-guest.sh"
	install -m 0755 "$script" "$root/test.sh"
	for p in "${KPT_BIN_DIR:-$VM_TOP/build/bin}"/*; do
		[ -x "$p" ] && _vm_add_program "$root" "$p"
	done
	cp "$(vm_modules_dir "$VM_KERNEL")"/*.ko "$root/modules/" 2>/dev/null || true
	mkdir -p "$root/modules/other"
	cp "$(vm_modules_dir "$KPATCH_TEST_KERNEL2")"/*.ko "$root/modules/other/" 2>/dev/null || true
	# The kernel's own modules, for tests that patch a module target.
	if [ -d "$(kernel_dir "$VM_KERNEL")/modules" ]; then
		mkdir -p "$root/lib/modules"
		cp -a "$(kernel_dir "$VM_KERNEL")/modules/." "$root/lib/modules/$VM_KERNEL/"
	fi
	echo "$VM_KERNEL" >"$root/etc/kpt-kernel"
	for spec in "$@"; do
		src=${spec%%:*}
		dst=${spec#*:}
		[ "$dst" = "$spec" ] && dst=/$(basename "$src")
		install -D "$src" "$root$dst"
	done
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$root/../initrd.gz"
}

# Print the kernel's complaints (oops, BUG, WARN, call traces) found in a log.
vm_kernel_complaints() {
	grep -h -E -B 2 -A 25 'Oops|BUG:|WARNING:|Call Trace:|general protection fault|Kernel panic|kernel BUG' "$@" 2>/dev/null
}

# vm_run [-k KREL] [-t SECONDS] [-a KERNEL_ARGS] [-f SRC[:DEST]]... GUEST_SCRIPT
vm_run() {
	local krel=$VM_KERNEL timeout=$VM_TIMEOUT append="" files=() opt
	OPTIND=1
	while getopts "k:t:a:f:" opt; do
		case $opt in
		k) krel=$OPTARG ;;
		t) timeout=$OPTARG ;;
		a) append="$append $OPTARG" ;;
		f) files+=("$OPTARG") ;;
		*) echo "vm_run: bad option" >&2; return 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	local script=$1 kdir
	kdir=$(kernel_dir "$krel")
	[ -f "$kdir/.complete" ] || { echo "vm_run: kernel $krel not fetched (run scripts/setup)" >&2; return 2; }
	rm -rf "$VM_OUT/root" "$VM_OUT"/*.log "$VM_OUT/result"
	VM_KERNEL=$krel _vm_initramfs "$VM_OUT/root" "$script" "${files[@]}" || return 2
	: >"$VM_OUT/result"

	local serial=(-serial "file:$VM_OUT/console.log") stdin=/dev/null fg=""
	if [ "${KPT_VM_DEBUG:-0}" = 1 ]; then
		# Interactive: qemu must own the terminal to read from it.
		stdin=/dev/stdin
		fg=--foreground
		serial=(-serial mon:stdio)
		append="$append kpt.debug=1"
		timeout=86400
	fi
	timeout $fg -k 5 "$timeout" qemu-system-x86_64 -accel tcg -cpu max -m "$VM_MEM" \
		-smp 1 -display none -no-reboot -nic none -monitor none \
		-kernel "$kdir/vmlinuz" -initrd "$VM_OUT/initrd.gz" \
		-append "console=ttyS0 loglevel=4 panic=-1 oops=panic panic_on_warn=0$append" \
		"${serial[@]}" -serial "file:$VM_OUT/output.log" \
		-serial "file:$VM_OUT/dmesg.log" -serial "file:$VM_OUT/result" \
		<"$stdin"
	local qrc=$? rc
	cat "$VM_OUT/output.log" 2>/dev/null | tr -d '\r'
	if [ $qrc = 124 ] || [ $qrc = 137 ]; then
		echo "vm_run: VM timed out after ${timeout}s; console tail:" >&2
		tail -n 20 "$VM_OUT/console.log" >&2
		return 124
	fi
	if vm_kernel_complaints "$VM_OUT/console.log" "$VM_OUT/dmesg.log" >"$VM_OUT/complaints"; then
		echo "vm_run: the kernel complained:" >&2
		head -n 40 "$VM_OUT/complaints" >&2
		return 126
	fi
	rc=$(tr -dc '0-9' <"$VM_OUT/result")
	if [ -z "$rc" ]; then
		echo "vm_run: the VM died before reporting a result; console tail:" >&2
		tail -n 20 "$VM_OUT/console.log" >&2
		return 125
	fi
	return "$rc"
}
