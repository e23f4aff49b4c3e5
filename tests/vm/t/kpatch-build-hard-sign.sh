#!/usr/bin/env bash
# Signing: --sign-key/--sign-cert sign the module with the kernel's own
# scripts/sign-file (headers package). A throwaway key and certificate are
# made with openssl. Proven: kpatch info names the signer, key id and hash
# (on the host and in the guest); the kernel accepts the signed module and
# the patch works; bad signing options fail with one line and no module.
. "$(dirname "$0")/../lib.sh"
bin=${KPT_BIN_DIR:-$VM_TOP/build/bin}
patch=$VM_TOP/tests/patches/cmdline-string.patch
out=$VM_OUT/sign
rm -rf "$out"
mkdir -p "$out"
cert() {
	openssl req -new -nodes -utf8 -sha256 -days 2 -batch -x509 -subj "/CN=$1/" \
		-newkey rsa:2048 -keyout "$out/$2.key" -out "$out/$2.crt" >/dev/null 2>&1 ||
		{ echo "FAIL: openssl could not make a test key"; exit 1; }
}
cert "kpatch test signer" a
cert "another signer" b
kb() { "$bin/kpatch-build" -k "$KPATCH_TEST_KERNEL" -o "$out" "$@" 2>&1; }

o=$(kb -n kpt_signed --sign-key "$out/a.key" --sign-cert "$out/a.crt" "$patch") ||
	{ echo "FAIL: signed build: $o"; exit 1; }
echo "ok: $(tail -n 1 <<<"$o")"
tail -c 28 "$out/kpt_signed.ko" | grep -q "~Module signature appended~" ||
	{ echo "FAIL: no module signature at the end of kpt_signed.ko"; exit 1; }
info=$("$bin/kpatch" info -k "$KPATCH_TEST_KERNEL" "$out/kpt_signed.ko")
grep -qE "^signer: +kpatch test signer \(key [0-9A-F:]+, sha256\)$" <<<"$info" ||
	{ echo "FAIL: kpatch info does not show the signer: $info"; exit 1; }
echo "ok: kpatch info: $(grep '^signer:' <<<"$info")"
"$bin/kpatch" --json info -k "$KPATCH_TEST_KERNEL" "$out/kpt_signed.ko" |
	grep -q '"signer":"kpatch test signer","sig_key":"[0-9A-F:]*","sig_hashalgo":"sha256"' ||
	{ echo "FAIL: kpatch --json info lacks the signer"; exit 1; }
echo "ok: kpatch --json info carries signer, sig_key, sig_hashalgo"

# Refusals: one line, exit code, no module.
refuse() {
	local want_rc=$1 want=$2
	shift 2
	rm -f "$out/kpt_bad.ko"
	o=$(kb -n kpt_bad "$@" "$patch")
	rc=$?
	[ $rc -eq "$want_rc" ] || { echo "FAIL: $*: exit $rc, expected $want_rc: $o"; exit 1; }
	grep -qF -- "$want" <<<"$o" || { echo "FAIL: $*: expected '$want' in: $o"; exit 1; }
	[ ! -e "$out/kpt_bad.ko" ] || { echo "FAIL: $*: a module was written"; exit 1; }
	echo "ok: refused (exit $rc): $(grep 'error:' <<<"$o")"
}
refuse 1 "--sign-key and --sign-cert go together (--sign-key given alone)" --sign-key "$out/a.key"
refuse 1 "--sign-cert $out/none.crt: No such file or directory" --sign-key "$out/a.key" --sign-cert "$out/none.crt"
# The key of one certificate with another certificate: sign-file refuses.
refuse 1 "sign-file failed to sign with $out/b.key and $out/a.crt" --sign-key "$out/b.key" --sign-cert "$out/a.crt"

guest=$(mktemp)
cat >"$guest" <<'G'
. /lib/kpt-guest.sh
m=kpt_signed
expect_contains "$(kpatch info /m/$m.ko)" "signer:      kpatch test signer (key " "kpatch info in the guest names the signer"
grep -q "kpatch=cmdline-string" /proc/cmdline && fail "patched text before loading"
insmod /m/$m.ko || fail "insmod of the signed module"
wait_until 60 lp_settled $m || fail "transition"
grep -q "kpatch=cmdline-string" /proc/cmdline || fail "signed patch not applied"
ok "signed module loaded and applied"
echo 0 >$LP/$m/enabled
wait_until 60 lp_gone $m || fail "disable"
rmmod $m || fail "rmmod"
grep -q "kpatch=cmdline-string" /proc/cmdline && fail "patched text after unload"
ok "signed module unloaded"
G
vm_run -f "$out/kpt_signed.ko:/m/kpt_signed.ko" "$guest"
