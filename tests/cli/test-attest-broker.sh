#!/bin/bash
# bp-init's attest code (lib/kbs attest(), through build/bench/attest) against
# the independent Python test broker and SNP simulator on loopback: the
# released resources are the broker's bytes, one TLS handshake carries every
# request, and a guest whose measurement is not in the reference values gets
# nothing (the broker logs why).
set -u
. "$(dirname "$0")/lib.sh"
program=${BUILD:-build}/bench/attest
work=$(mktemp -d /tmp/bp-attest-test.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

good=$(printf 'ab%.0s' $(seq 48))
bad=$(printf 'cd%.0s' $(seq 48))
qemu-tests/snp-sim chain --chain-dir "$work/chain" >/dev/null 2>&1
mkdir -p "$work/res/buckypaper/disk" "$work/res/buckypaper/secret"
head -c 64 /dev/urandom >"$work/res/buckypaper/disk/root"
printf 'hello from the broker' >"$work/res/buckypaper/secret/greeting"
cat >"$work/ref.json" <<JSON
{"version": 1, "snp": {"measurements": [{"vcpus": 1, "vcpu_type": "EPYC-v4", "vmm_type": "QEMU",
 "guest_features": "0x1", "launch_digest": "$good"}], "guest_policy": "0x30000",
 "allow_debug": false, "minimum_tcb": {"bootloader": 0, "tee": 0, "snp": 0, "microcode": 0}}}
JSON
for m in good bad; do
  qemu-tests/snp-sim serve --socket "$work/$m.sock" --chain-dir "$work/chain" --measurement "${!m}" \
    --log "$work/sim-$m.log" >/dev/null 2>&1 &
  pids+=($!)
done
qemu-tests/kbs --reference-values "$work/ref.json" --trust "$work/chain/ask_ark.pem" --resources "$work/res" \
  --listen 127.0.0.1:0 --port-file "$work/port" --log "$work/kbs.log" --tls-dir "$work/tls" >/dev/null 2>&1 &
pids+=($!)
for f in good.sock bad.sock port; do
  for _ in $(seq 150); do [ -s "$work/$f" ] || [ -S "$work/$f" ] && break; sleep 0.1; done
done
url="https://127.0.0.1:$(cat "$work/port")"
resources=(root=kbs:///buckypaper/disk/root greeting=kbs:///buckypaper/secret/greeting)

out=$("$program" "$url" "$work/tls/ca.pem" "$work/good.sock" 1 "${resources[@]}" 2>"$work/good.err")
check "attestation with the reference measurement succeeds" test $? -eq 0
for name in root:disk/root greeting:secret/greeting; do
  want=$(sha256sum "$work/res/buckypaper/${name#*:}" | cut -d' ' -f1)
  got=$(awk -v n="${name%%:*}" '$1 == "resource" && $2 == n { print $3 }' <<<"$out")
  check "resource ${name%%:*} is the broker's" test "$want" = "$got"
done
read -r _ _ _ handshakes connections round_trips retries < <(grep '^attest ' <<<"$out")
check "one TLS handshake" test "${handshakes:-x}" = 1
check "one connection" test "${connections:-x}" = 1
check "2 + resources round trips" test "${round_trips:-x}" = 4
check "no retries" test "${retries:-x}" = 0

"$program" "$url" "$work/tls/ca.pem" "$work/bad.sock" 1 "${resources[@]}" >"$work/bad.out" 2>"$work/bad.err"
check "another measurement gets nothing" test $? -ne 0
check "no resource output for the refused guest" bash -c "! grep -q '^resource' '$work/bad.out'"
check "the guest reports the broker's refusal" grep -q -i 'attest' "$work/bad.err"
check "the broker logs the failed measurement check" grep -q '"check": *"measurement"' "$work/kbs.log"
finish
