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

# --- Resident VMs reached over ssh (fleet tests) ---------------------------
#
# A resident VM boots its image and stays up, with sshd reachable from the
# host only, on 127.0.0.1:PORT (QEMU user networking, restrict=on: the guest
# reaches nothing, the host reaches its port 22 and nothing else). Several
# run at once, each on its own image and port:
#
#   img=$(vm_sd_image web1) && vm_sd_enable_ssh "$img"
#   vm_sd_start "$img" && vm_sd_wait web1     # boot in the background, wait for ssh
#   vm_sd_ssh web1 kpatch list                # a command as root
#   vm_sd_inventory web1 >>hosts              # an Ansible inventory line
#   vm_sd_stop web1                           # power off; 126 if the kernel complained
#
# The ssh client key is made once per test run ($VM_OUT/ssh/id_ed25519);
# each image gets host keys of its own, pinned in $VM_OUT/ssh/known_hosts,
# so host keys are checked. Logs of each start are in $VM_OUT/NAME.bootN/
# (console.log, qemu.log, dmesg.log). VM_SD_LIFE (default 1800) bounds how
# long a resident VM may run; vm_sd_stop_all (for an EXIT trap) stops the
# ones this run started.
: "${VM_SD_LIFE:=1800}"

# vm_sd_ssh_key: the test run's ssh client key, made on first use; prints its path.
vm_sd_ssh_key() {
	local key="$VM_OUT/ssh/id_ed25519"
	if [ ! -f "$key" ]; then
		mkdir -p "$VM_OUT/ssh" && chmod 0700 "$VM_OUT/ssh" &&
			ssh-keygen -q -t ed25519 -N '' -C kpt-vm-test -f "$key" ||
			{ echo "vm_sd_ssh_key: ssh-keygen failed" >&2; return 2; }
		: >"$VM_OUT/ssh/known_hosts"
		: >"$VM_OUT/ssh/config"
	fi
	echo "$key"
}

# vm_sd_enable_ssh IMAGE: boots of IMAGE start sshd (host keys of its own)
# and bring up the virtual NIC (10.0.2.15, QEMU's user network); root logs
# in with the run's key only.
vm_sd_enable_ssh() {
	local img=$1 name key stage rc
	name=$(basename "$img" .img)
	key=$(vm_sd_ssh_key) || return 2
	stage=$(mktemp -d "$VM_OUT/stage.XXXXXX")
	mkdir -p "$stage/rootssh"
	chmod 0700 "$stage/rootssh"
	install -m 0600 "$key.pub" "$stage/rootssh/authorized_keys"
	ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$stage/hostkey" || { rm -rf "$stage"; return 2; }
	chmod 0600 "$stage/hostkey"
	chmod 0644 "$stage/hostkey.pub"
	cp "$stage/hostkey.pub" "$VM_OUT/$name.hostkey.pub"
	cat >"$stage/sshd.conf" <<-'CONF'
	# Test VM (tests/vm/systemd.sh): one host key, keys only.
	HostKey /etc/ssh/ssh_host_ed25519_key
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	PermitRootLogin prohibit-password
	UseDNS no
	CONF
	cat >"$stage/net.network" <<-'CONF'
	# Test VM: QEMU user networking, static (no DHCP wait).
	[Match]
	Type=ether
	[Network]
	Address=10.0.2.15/24
	Gateway=10.0.2.2
	LinkLocalAddressing=no
	IPv6AcceptRA=no
	CONF
	chmod 0644 "$stage/sshd.conf" "$stage/net.network"
	ln -s /lib/systemd/system/ssh.service "$stage/ssh.service"
	ln -s /lib/systemd/system/systemd-networkd.service "$stage/networkd.service"
	vm_sd_put "$img" "$stage/rootssh" /root/.ssh &&
		vm_sd_put "$img" "$stage/hostkey" /etc/ssh/ssh_host_ed25519_key &&
		vm_sd_put "$img" "$stage/hostkey.pub" /etc/ssh/ssh_host_ed25519_key.pub &&
		vm_sd_put "$img" "$stage/sshd.conf" /etc/ssh/sshd_config.d/kpt-test.conf &&
		vm_sd_put "$img" "$stage/net.network" /etc/systemd/network/10-kpt-test.network &&
		vm_sd_put "$img" "$stage/ssh.service" /etc/systemd/system/multi-user.target.wants/ssh.service &&
		vm_sd_put "$img" "$stage/networkd.service" \
			/etc/systemd/system/multi-user.target.wants/systemd-networkd.service
	rc=$?
	rm -rf "$stage"
	return $rc
}

# A TCP port of 127.0.0.1 that nothing listens on and no VM of this run has.
_vm_sd_free_port() {
	local used port i
	used=$( { ss -Htln 2>/dev/null | awk '{ n = split($4, a, ":"); print a[n] }'
		cat "$VM_OUT"/*.port 2>/dev/null; } | sort -u)
	for i in $(seq 100); do
		port=$((20000 + RANDOM % 30000))
		grep -qx "$port" <<<"$used" || { echo "$port"; return 0; }
	done
	return 1
}

# vm_sd_start [-a KERNEL_ARGS] IMAGE: boot IMAGE (made by vm_sd_image, with
# vm_sd_enable_ssh) in the background, sshd forwarded from a free port of
# 127.0.0.1 (vm_sd_port NAME). Returns at once; vm_sd_wait waits for ssh.
vm_sd_start() {
	local append="" opt
	OPTIND=1
	while getopts "a:" opt; do
		case $opt in
		a) append="$append $OPTARG" ;;
		*) echo "vm_sd_start: bad option" >&2; return 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	local img=$1 name krel kdir n out port pid try
	name=$(basename "$img" .img)
	krel=$(cat "$VM_OUT/$name.kernel" 2>/dev/null) ||
		{ echo "vm_sd_start: $img was not made by vm_sd_image" >&2; return 2; }
	[ -f "$VM_OUT/$name.hostkey.pub" ] ||
		{ echo "vm_sd_start: $img has no ssh (vm_sd_enable_ssh)" >&2; return 2; }
	if [ -f "$VM_OUT/$name.pid" ] && kill -0 "$(cat "$VM_OUT/$name.pid")" 2>/dev/null; then
		echo "vm_sd_start: $name is running already" >&2
		return 2
	fi
	kdir=$(kernel_dir "$krel")
	# A resident VM runs no test script (kpt-test.service skips without one).
	debugfs -w -R "rm /usr/local/lib/kpt-sd/test.sh" "$img" >/dev/null 2>&1
	n=$(($(cat "$VM_OUT/$name.boots") + 1))
	echo "$n" >"$VM_OUT/$name.boots"
	out="$VM_OUT/$name.boot$n"
	rm -rf "$out"
	mkdir -p "$out"
	for try in 1 2 3 4 5; do
		port=$(_vm_sd_free_port) || { echo "vm_sd_start: no free port" >&2; return 2; }
		echo "$port" >"$VM_OUT/$name.port"
		timeout -k 5 "$VM_SD_LIFE" qemu-system-x86_64 -accel tcg -cpu max -m "$VM_SD_MEM" \
			-smp 1 -display none -no-reboot -monitor none \
			-nic "user,model=virtio-net-pci,restrict=on,hostfwd=tcp:127.0.0.1:$port-:22" \
			-kernel "$kdir/vmlinuz" -initrd "$VM_OUT/$name.initrd.gz" \
			-drive "file=$img,if=virtio,format=raw" \
			-append "root=/dev/vda console=ttyS0 loglevel=4 panic=-1 oops=panic$append" \
			-serial "file:$out/console.log" </dev/null >"$out/qemu.log" 2>&1 &
		pid=$!
		echo "$pid" >"$VM_OUT/$name.pid"
		sleep 1
		kill -0 "$pid" 2>/dev/null && break
		# Another program took the port between the check and QEMU's bind.
		grep -q 'host forwarding' "$out/qemu.log" ||
			{ echo "vm_sd_start: QEMU for $name failed: $(head -n 3 "$out/qemu.log")" >&2; return 2; }
	done
	kill -0 "$pid" 2>/dev/null || { echo "vm_sd_start: no port could be forwarded for $name" >&2; return 2; }
	echo "[127.0.0.1]:$port $(cut -d' ' -f1,2 "$VM_OUT/$name.hostkey.pub")" >>"$VM_OUT/ssh/known_hosts"
	cat >>"$VM_OUT/ssh/config" <<-CONF
	Host $name
	    HostName 127.0.0.1
	    Port $port
	    User root
	    IdentityFile $VM_OUT/ssh/id_ed25519
	    IdentitiesOnly yes
	    UserKnownHostsFile $VM_OUT/ssh/known_hosts
	    StrictHostKeyChecking yes
	    BatchMode yes
	    ConnectTimeout 10
	    LogLevel ERROR
	CONF
	echo "$SECONDS" >"$out/started"
}

vm_sd_port() { cat "$VM_OUT/$1.port"; }

# vm_sd_ssh NAME CMD...: run CMD (one shell command line, as ssh runs it) as root in NAME.
vm_sd_ssh() {
	local name=$1
	shift
	ssh -F "$VM_OUT/ssh/config" "$name" "$@"
}

# vm_sd_wait [-t SECONDS] NAME: wait until root logs in over ssh (default
# VM_SD_TIMEOUT). 0; 124 past the time; 125 when the VM died first.
vm_sd_wait() {
	local timeout=$VM_SD_TIMEOUT opt
	OPTIND=1
	while getopts "t:" opt; do
		case $opt in
		t) timeout=$OPTARG ;;
		*) echo "vm_sd_wait: bad option" >&2; return 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	local name=$1 pid start=$SECONDS out
	pid=$(cat "$VM_OUT/$name.pid")
	out="$VM_OUT/$name.boot$(cat "$VM_OUT/$name.boots")"
	until vm_sd_ssh "$name" true </dev/null >/dev/null 2>&1; do
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "vm_sd_wait: $name died before sshd answered; console tail:" >&2
			tail -n 25 "$out/console.log" | tr -d '\r' >&2
			return 125
		fi
		if [ $((SECONDS - start)) -ge "$timeout" ]; then
			echo "vm_sd_wait: no ssh login to $name within ${timeout}s; console tail:" >&2
			tail -n 25 "$out/console.log" | tr -d '\r' >&2
			return 124
		fi
		sleep 2
	done
	echo $((SECONDS - $(cat "$out/started"))) >"$out/seconds-to-ssh"
}

# vm_sd_inventory NAME: an Ansible inventory line (INI) for NAME, with the
# run's key and its pinned host keys.
vm_sd_inventory() {
	local name=$1
	echo "$name ansible_host=127.0.0.1 ansible_port=$(vm_sd_port "$name") ansible_user=root" \
		"ansible_ssh_private_key_file=$VM_OUT/ssh/id_ed25519" \
		"ansible_ssh_common_args='-o UserKnownHostsFile=$VM_OUT/ssh/known_hosts -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes'"
}

# vm_sd_stop NAME: save the kernel log, power NAME off and wait for QEMU
# (killed after 60 s). 0; 124 when it had to be killed; 126 when the kernel
# complained (oops, BUG, WARNING, call trace) during that boot.
vm_sd_stop() {
	local name=$1 pid out i rc=0
	pid=$(cat "$VM_OUT/$name.pid" 2>/dev/null) || { echo "vm_sd_stop: $name was not started" >&2; return 2; }
	out="$VM_OUT/$name.boot$(cat "$VM_OUT/$name.boots")"
	if kill -0 "$pid" 2>/dev/null; then
		vm_sd_ssh "$name" dmesg </dev/null >"$out/dmesg.log" 2>/dev/null
		# --force: no unit stopping (fast), but processes killed and the
		# disk remounted read-only, so the image is clean for a next start.
		vm_sd_ssh "$name" systemctl poweroff --force </dev/null >/dev/null 2>&1
		for i in $(seq 60); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 1
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "vm_sd_stop: $name did not power off; killed" >&2
			kill "$pid" 2>/dev/null
			rc=124
		fi
	fi
	wait "$pid" 2>/dev/null
	rm -f "$VM_OUT/$name.pid"
	if vm_kernel_complaints "$out/console.log" "$out/dmesg.log" >"$out/complaints"; then
		echo "vm_sd_stop: the kernel of $name complained:" >&2
		head -n 40 "$out/complaints" | tr -d '\r' >&2
		return 126
	fi
	return $rc
}

# vm_sd_stop_all: kill every resident VM this run started and still runs (EXIT traps).
vm_sd_stop_all() {
	local f pid
	for f in "$VM_OUT"/*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		kill "$pid" 2>/dev/null
		rm -f "$f"
	done
}
