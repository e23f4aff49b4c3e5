# shellcheck shell=bash
# Helpers for the "input:" lines of the bad-input cases (sourced by run).
# They run in the case's input directory ($IN, the current directory) with
# the fake system in $ROOT; see README for the layout.


# ko FILE [KEY=VALUE | KEY=-]...
# A module-shaped object (livepatch data for one vmlinux function) whose
# .modinfo is replaced by the fields given: name=kp_bad, a vermagic for
# $KREL and livepatch=Y unless overridden; KEY=- leaves a field out.
ko() {
	local out=$1 kv key f info
	local -A field=([name]=kp_bad [vermagic]="$KREL SMP preempt mod_unload modversions " [livepatch]=Y)
	local -a order=(name vermagic livepatch)
	shift
	for kv in "$@"; do
		key=${kv%%=*}
		[ -n "${field[$key]+set}" ] || order+=("$key")
		field[$key]=${kv#*=}
	done
	info=$(mktemp "$TMPDIR/modinfo.XXXXXX")
	for f in "${order[@]}"; do
		[ "${field[$f]}" = - ] || printf '%s=%s\0' "$f" "${field[$f]}"
	done >"$info"
	objcopy --update-section .modinfo="$info" "$BASE/module.o" "$out"
	rm -f "$info"
	chmod 0644 "$out"
}

# plain FILE: an ELF object that is not a module (no .modinfo at all).
plain() {
	cp "$BASE/plain.o" "$1"
	chmod 0644 "$1"
}

# obj FILE 'C SOURCE': an object compiled with the kernel's code
# generation flags, the way kpatch-build compiles the pairs it diffs.
obj() {
	local src
	src=$(mktemp "$TMPDIR/src.XXXXXX.c")
	printf '%s\n' "$2" >"$src"
	${CC:-cc} -c -O2 -ffunction-sections -fdata-sections -mfentry -pg -mrecord-mcount \
		-fno-pic -mcmodel=kernel -mno-red-zone -fno-common -fno-asynchronous-unwind-tables \
		-fno-jump-tables -nostdinc -w -o "$1" "$src"
	rm -f "$src"
}

# poke FILE OFFSET HEXBYTES...: overwrite bytes in place (little endian
# fields are given low byte first).
poke() {
	local file=$1 off=$2 b bytes=""
	shift 2
	for b in "$@"; do
		bytes+="\\x$b"
	done
	# shellcheck disable=SC2059
	printf "$bytes" | dd of="$file" bs=1 seek="$off" conv=notrunc status=none
}

# installed NAME [KREL] [KEY=VALUE...]: a module already in the store.
installed() {
	local name=$1 krel=${2:-$KREL}
	shift $(($# < 2 ? $# : 2))
	mkdir -p "$ROOT/lib/$krel"
	ko "$ROOT/lib/$krel/$name.ko" name="$name" vermagic="$krel SMP preempt mod_unload modversions " "$@"
}

# kcache: a fake kpatch-build cache in $KPATCH_CACHE for $KREL with a
# "prepared" source tree holding fs/proc/cmdline.c: enough to reach the
# step that applies the patch without fetching or compiling anything.
kcache() {
	local k=$KPATCH_CACHE/kernels/$KREL s=$KPATCH_CACHE/src/$KREL
	mkdir -p "$k/build" "$s/tree/fs/proc" "$s/tree/include/generated"
	echo "6.1.0-0" >"$k/version"
	printf '# fake kernel config\nCONFIG_CC_VERSION_TEXT="gcc-12 (Debian 12.2.0-14) 12.2.0"\n' >"$k/config"
	cp "$k/config" "$s/config"
	: >"$k/.complete"
	: >"$KPATCH_CACHE/src/$KREL.lock"
	echo "6.1.0-0" >"$s/.complete"
	echo '{}' >"$s/entry-sizes.json"
	echo "ffffffff81000000 T _stext" >"$s/System.map"
	printf 'obj-y += fs/\n' >"$s/tree/Makefile"
	printf 'static int cmdline_proc_show(void)\n{\n\treturn 0;\n}\n' >"$s/tree/fs/proc/cmdline.c"
	: >"$s/tree/include/generated/autoconf.h"
}

# poke_sym FILE SYMBOL FIELD_OFFSET HEXBYTES...: overwrite a field of the
# first .symtab entry named SYMBOL (a section symbol goes by its section's
# name); st_shndx is at 6 in an Elf64_Sym, st_value at 8.
poke_sym() {
	local file=$1 sym=$2 field=$3 off idx
	shift 3
	off=$(readelf -SW "$file" | sed 's/^ *\[ *[0-9]*\] *//' | awk '$1 == ".symtab" { print $4 }')
	idx=$(readelf -sW "$file" | awk -v s="$sym" '$8 == s { sub(":", "", $1); print $1; exit }')
	[ -n "$off" ] && [ -n "$idx" ] || { echo "poke_sym: no symbol $sym in $file" >&2; return 1; }
	poke "$file" $((0x$off + idx * 24 + field)) "$@"
}
