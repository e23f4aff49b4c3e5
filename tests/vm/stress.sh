# Host side of the live-patching stress run (sourced after tests/vm/lib.sh by
# tests/vm/t/kpatch-stress.sh and bench/kpatch-stress): builds the hammer,
# writes the guest script and boots the VM. The work and its checks are in
# tests/vm/guest/kpt-stress.sh.

# stress_run NPROC CYCLES REPEAT WITHIN TIMEOUT
# WITHIN: seconds every hammer has to see each transition; TIMEOUT: the VM's.
stress_run() {
	local nproc=$1 cycles=$2 repeat=$3 within=$4 timeout=$5 guest hammer
	mkdir -p "$VM_OUT" || return 2
	hammer="$VM_OUT/kpt-hammer"
	gcc -static -O2 -std=gnu11 -Wall -Wextra -Werror -o "$hammer" \
		"$VM_TOP/tests/vm/guest/kpt-hammer.c" || return 2
	guest="$VM_OUT/stress-guest.sh"
	cat >"$guest" <<G
NPROC=$nproc
CYCLES=$cycles
REPEAT=$repeat
WITHIN=$within
. /lib/kpt-stress.sh
G
	# 200 transitions with the livepatch debug messages overflow the
	# default 128 KB log, and the checks read the whole of it.
	vm_run -t "$timeout" -a log_buf_len=4M \
		-f "$VM_TOP/tests/vm/guest/kpt-stress.sh:/lib/kpt-stress.sh" \
		-f "$hammer:/bin/kpt-hammer" "$guest"
}
