#!/bin/bash
# bp-disk against Debian's cryptsetup, both ways: volumes we format open with
# cryptsetup and show our parameters; volumes cryptsetup formats (pbkdf2) give
# us the same volume key; data we encrypt in software decrypts to the input
# with an independent AES-XTS (Python cryptography), and through dm-crypt when
# this machine has device-mapper. Runs on plain files: no root or dm needed.
set -u
. "$(dirname "$0")/lib.sh"
bin=${BUILD:-build}/bin/bp-disk
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
if ! command -v cryptsetup >/dev/null; then
  echo "test-bp-disk-luks2: SKIP: cryptsetup (Debian cryptsetup-bin) is not installed"
  exit 1
fi
printf 'a high-entropy key from the broker, 0123456789abcdef' >"$tmp/key"
printf 'some other key' >"$tmp/wrong"
quiet() { "$@" >/dev/null; }
cs_vk() {  # device -> volume key hex, as cryptsetup reports it
  cryptsetup luksDump --dump-volume-key --batch-mode --key-file "$tmp/key" "$1" 2>/dev/null |
    sed -n '/MK dump:/,$p' | sed 's/MK dump://' | tr -d ' \t\n'
}

# --- a volume we format, read by cryptsetup --------------------------------
truncate -s 40M "$tmp/ours.img"
uuid=$("$bin" luks2 format "$tmp/ours.img" --key-file "$tmp/key" --label bp-data)
check "format prints a UUID" grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' <<<"$uuid"
dump=$(cryptsetup luksDump "$tmp/ours.img")
check "luksDump: LUKS2" grep -Eq '^Version:[[:space:]]*2$' <<<"$dump"
check "luksDump: our UUID" grep -Eq "^UUID:[[:space:]]*$uuid\$" <<<"$dump"
check "luksDump: our label" grep -Eq '^Label:[[:space:]]*bp-data$' <<<"$dump"
check "luksDump: data at 16 MiB" grep -q 'offset: 16777216 \[bytes\]' <<<"$dump"
check "luksDump: aes-xts-plain64" grep -q 'cipher: aes-xts-plain64' <<<"$dump"
check "luksDump: 4096-byte sectors" grep -q 'sector: 4096 \[bytes\]' <<<"$dump"
check "luksDump: 512-bit volume key" grep -q 'Key: *512 bits' <<<"$dump"
check "luksDump: pbkdf2 keyslot" grep -q 'PBKDF: *pbkdf2' <<<"$dump"
check "luksDump: 1000 iterations" grep -q 'Iterations: *1000' <<<"$dump"
check "luksDump: 4000 AF stripes" grep -q 'AF stripes: *4000' <<<"$dump"
check "luksDump: no integrity" bash -c "! grep -q integrity <<<'$dump'"
check "cryptsetup opens it with the key" cryptsetup open --test-passphrase --key-file "$tmp/key" "$tmp/ours.img"
check "cryptsetup refuses another key" bash -c "! cryptsetup open --test-passphrase --key-file '$tmp/wrong' '$tmp/ours.img' 2>/dev/null"
ours_vk=$("$bin" luks2 volume-key "$tmp/ours.img" --key-file "$tmp/key")
check "cryptsetup finds the same volume key" test "$(cs_vk "$tmp/ours.img")" = "$ours_vk"
check "cryptsetup's JSON metadata equals ours" bash -c "cryptsetup luksDump --dump-json-metadata '$tmp/ours.img' |
  /usr/bin/python3 -c 'import json,sys; a=json.load(sys.stdin); b=json.loads(sys.argv[1])[\"metadata\"]; sys.exit(a!=b)' \"\$('$bin' luks2 dump '$tmp/ours.img')\""
check_fails "formatting over a volume is refused" "not blank" "$bin" luks2 format "$tmp/ours.img" --key-file "$tmp/key"
check_fails "volume-key with another key" "opens none" "$bin" luks2 volume-key "$tmp/ours.img" --key-file "$tmp/wrong"

truncate -s 40M "$tmp/integrity.img"
"$bin" luks2 format "$tmp/integrity.img" --key-file "$tmp/key" --integrity >/dev/null
dump=$(cryptsetup luksDump "$tmp/integrity.img")
check "luksDump: hmac(sha256) integrity" grep -q 'integrity: hmac(sha256)' <<<"$dump"
check "luksDump: 768-bit key (XTS + HMAC)" grep -q 'Key: *768 bits' <<<"$dump"
check "cryptsetup opens the integrity volume's keyslot" \
  cryptsetup open --test-passphrase --key-file "$tmp/key" "$tmp/integrity.img"
check "same volume key (integrity)" test "$(cs_vk "$tmp/integrity.img")" = \
  "$("$bin" luks2 volume-key "$tmp/integrity.img" --key-file "$tmp/key")"

# --- volumes cryptsetup formats, read by us --------------------------------
for variant in "4096 512" "512 256" "4096 256"; do
  read -r sector bits <<<"$variant"
  img="$tmp/cs-$sector-$bits.img"
  truncate -s 24M "$img"
  cryptsetup luksFormat --type luks2 --batch-mode --pbkdf pbkdf2 --pbkdf-force-iterations 1000 \
    --cipher aes-xts-plain64 --key-size "$bits" --sector-size "$sector" --key-file "$tmp/key" "$img"
  check "cryptsetup volume (sector $sector, $bits-bit key): same volume key" \
    test "$("$bin" luks2 volume-key "$img" --key-file "$tmp/key")" = "$(cs_vk "$img")"
  check "cryptsetup volume (sector $sector, $bits-bit key): dump accepts it" quiet "$bin" luks2 dump "$img"
done
truncate -s 24M "$tmp/argon.img"
cryptsetup luksFormat --type luks2 --batch-mode --pbkdf argon2id --pbkdf-memory 32 --pbkdf-force-iterations 4 \
  --pbkdf-parallel 1 --key-file "$tmp/key" "$tmp/argon.img"
check_fails "an argon2id keyslot is refused by dump" "only pbkdf2 keyslots are supported" "$bin" luks2 dump "$tmp/argon.img"
check_fails "and by volume-key" "argon2id" "$bin" luks2 volume-key "$tmp/argon.img" --key-file "$tmp/key"
truncate -s 20M "$tmp/blank.img"
check_fails "a blank device" "the device is blank" "$bin" luks2 dump "$tmp/blank.img"
check_fails "a device too small for a header" "beyond the end" "$bin" luks2 dump "$tmp/wrong"

# --- software encryption against an independent AES-XTS --------------------
head -c 3000000 /dev/urandom >"$tmp/plain"
for img in "$tmp/cs-4096-512.img" "$tmp/cs-512-256.img"; do
  "$bin" luks2 write "$img" --key-file "$tmp/key" --input "$tmp/plain" >/dev/null
  vk=$(cs_vk "$img")
  sector=$(cryptsetup luksDump "$img" | sed -n 's/.*sector: \([0-9]*\) \[bytes\].*/\1/p')
  check "$(basename "$img"): Python AES-XTS decrypts what we wrote" /usr/bin/python3 - "$img" "$vk" "$sector" "$tmp/plain" <<'PY'
import sys
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
img, vk, sector, plain = sys.argv[1], bytes.fromhex(sys.argv[2]), int(sys.argv[3]), open(sys.argv[4], 'rb').read()
data = open(img, 'rb').read()[16 << 20:]
n = (len(plain) + sector - 1) // sector * sector
out = bytearray()
for off in range(0, n, sector):
    # LUKS2 plain64: the IV counts 512-byte sectors, whatever the sector size.
    d = Cipher(algorithms.AES(vk), modes.XTS((off // 512).to_bytes(16, 'little'))).decryptor()
    out += d.update(data[off:off + sector]) + d.finalize()
sys.exit(0 if bytes(out[:len(plain)]) == plain and not any(out[len(plain):]) else 1)
PY
  "$bin" luks2 read "$img" --key-file "$tmp/key" --output "$tmp/back" --length 3002368 >/dev/null
  check "$(basename "$img"): read gives the input back" cmp -s -n 3000000 "$tmp/back" "$tmp/plain"
done
if [ -e /dev/mapper/control ] && dmsetup version >/dev/null 2>&1; then
  name=bp-cli-test-$$
  cryptsetup open --key-file "$tmp/key" "$tmp/cs-4096-512.img" "$name"
  check "dm-crypt reads what we encrypted" cmp -s -n 3000000 "/dev/mapper/$name" "$tmp/plain"
  cryptsetup close "$name"
else
  echo "note: no device-mapper here; the dm-crypt comparison ran against Python's AES-XTS only"
fi
finish
