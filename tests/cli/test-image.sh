#!/bin/bash
# rootfs/build-image: reproducibility (two runs with the same SOURCE_DATE_EPOCH
# give the same kernel, initramfs, erofs image and verity tree, so the same
# root hash and launch digests, while the LUKS2 container and keys are fresh),
# the contents of the production and debug initramfs, the init.json verity
# parameters against the tree, the mkfs helper in a chroot of the initramfs,
# the OCI layout and docker-archive inputs, and bad input (nothing left in out/).
# Uses a small bundle (bp-example alone) and a stand-in kernel: any bytes can
# be measured.
set -u
cd "$(dirname "$0")/../.."
. tests/cli/lib.sh
BUILD=${BUILD:-build}
bin=$BUILD/bin
work=$(mktemp -d "${TMPDIR:-/tmp}/test-image.XXXXXX")
trap 'rm -rf "$work"' EXIT

head -c 65536 /dev/urandom >"$work/bzImage"
# bp-init once it is built; until then a stand-in of fixed bytes (the
# pipeline itself never substitutes anything for a missing /init).
init=$bin/bp-init
if [ ! -f "$init" ]; then init=$work/init-standin; printf 'stand-in for bp-init\n' >"$init"; fi

mkdir -p "$work/bundle/rootfs/bin"
cp "$bin/bp-example" "$work/bundle/rootfs/bin/bp-example"
cp rootfs/example/config.json "$work/bundle/config.json"

build() {  # out-dir extra-args...
  local out=$1; shift
  SOURCE_DATE_EPOCH=1700000000 rootfs/build-image --name img --out "$out" --kernel "$work/bzImage" \
    --init "$init" --bin-dir "$bin" --broker-ca tests/data/tls/ca.pem --data-size 64M --vcpus 1 "$@"
}
keyfile() { echo "$1/img/kbs-resources/buckypaper/disk/root"; }
jqr() { /usr/bin/python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[int(k)] if k.isdigit() else v[k]
print(v if not isinstance(v,(dict,list)) else json.dumps(v, sort_keys=True))' "$1" "$2"; }
# The erofs image and verity tree, decrypted from root.img with the root key.
payload() {  # out-dir dest
  "$bin/bp-disk" luks2 read "$1/img/root.img" --key-file "$(keyfile "$1")" --output "$2" \
    --length "$(jqr "$1/img/image.json" root.verity_payload_size)"
}
listing() { zstd -dc "$1" | cpio -t --quiet; }
quiet() { "$@" >/dev/null 2>&1; }

# ---- a good image, twice -------------------------------------------------------
printf 'a workload secret\n' >"$work/greeting"
check "first build" build "$work/a" --bundle "$work/bundle" --secret "greeting=$work/greeting" >"$work/a.log" 2>&1
check "second build" build "$work/b" --bundle "$work/bundle" --secret "greeting=$work/greeting" >"$work/b.log" 2>&1
check "progress per step and the launch digest are printed" \
  grep -q '^build-image: \[erofs\]' "$work/a.log"
check "the summary shows the launch digest" grep -q 'launch digest 1 x EPYC-v4: [0-9a-f]\{96\}' "$work/a.log"
for f in bzImage cmdline initramfs.cpio.zst root.img data.img reference-values.json image.json \
  kbs-resources/buckypaper/disk/root kbs-resources/buckypaper/disk/data; do
  check "out/img/$f exists" test -s "$work/a/img/$f"
done
check "nothing but the image in out/" test "$(ls -A "$work/a")" = img
check "same kernel" cmp -s "$work/a/img/bzImage" "$work/b/img/bzImage"
check "same initramfs" cmp -s "$work/a/img/initramfs.cpio.zst" "$work/b/img/initramfs.cpio.zst"
check "same reference values (launch digests, root hash)" \
  cmp -s "$work/a/img/reference-values.json" "$work/b/img/reference-values.json"
check "root.img decrypts (run 1)" payload "$work/a" "$work/a.payload"
check "root.img decrypts (run 2)" payload "$work/b" "$work/b.payload"
check "same erofs image and verity tree inside the LUKS2 container" cmp -s "$work/a.payload" "$work/b.payload"
check "the payload is the one image.json names" \
  test "$(sha256sum <"$work/a.payload" | cut -d' ' -f1)" = "$(jqr "$work/a/img/image.json" root.verity_payload_sha256)"
check "fresh LUKS2 container" bash -c "! cmp -s '$work/a/img/root.img' '$work/b/img/root.img'"
check "fresh root key" bash -c "! cmp -s '$(keyfile "$work/a")' '$(keyfile "$work/b")'"
check "64-byte keys" test "$(stat -c %s "$(keyfile "$work/a")")" = 64
check "data.img is sparse" test "$(du -k "$work/a/img/data.img" | cut -f1)" -lt 64
check "data.img has the configured size" test "$(stat -c %s "$work/a/img/data.img")" = $((64 << 20))

# ---- the initramfs ---------------------------------------------------------------
listing "$work/a/img/initramfs.cpio.zst" >"$work/a.list"
for f in init bin/bp-agent etc/buckypaper/init.json etc/buckypaper/kbs-ca.pem \
  etc/buckypaper/seccomp-default.json etc/buckypaper/agent-policy.json sbin/mke2fs \
  lib64/ld-linux-x86-64.so.2 lib/x86_64-linux-gnu/libc.so.6 lib/x86_64-linux-gnu/libext2fs.so.2; do
  check "production initramfs has $f" grep -qx "$f" "$work/a.list"
done
check "production initramfs has no shell or busybox" bash -c "! grep -Eq '(^|/)(sh|ash|bash|busybox)\$' '$work/a.list'"
check "production initramfs has no debugging tools (bp-disk, dmsetup)" bash -c \
  "! grep -Eq '(^|/)(bp-disk|bp-measure|dmsetup|cryptsetup|gdb|strace)\$' '$work/a.list'"
check "production initramfs holds only the expected files" bash -c \
  "! grep -Evx '(bin|sbin|etc|etc/buckypaper|dev|proc|sys|run|tmp|lib|lib64|lib/x86_64-linux-gnu)|init|bin/bp-agent|etc/buckypaper/[a-z-]+\.(json|pem)|etc/mke2fs.conf|sbin/mke2fs|lib64/ld-linux-x86-64\.so\.2|lib/x86_64-linux-gnu/lib[a-z0-9_]+\.so\.[0-9]+' '$work/a.list'"
mkdir -p "$work/ramfs"
(cd "$work/ramfs" && zstd -dc "../a/img/initramfs.cpio.zst" | cpio -id --quiet)
cfg=$work/ramfs/etc/buckypaper/init.json
# tests/data/image/init.json is this init.json with fixed verity values; the
# unit test tests/unit/rootfs/test_image_init_json.cc runs bp-init's parser on it.
check "init.json is the fixture the guest's parser accepts (apart from the verity values)" \
  /usr/bin/python3 -c 'import json,sys
c = json.load(open(sys.argv[1])); f = json.load(open(sys.argv[2]))
for k in ("root_hash", "salt", "data_blocks", "hash_offset"): c["disks"]["root"]["verity"][k] = f["disks"]["root"]["verity"][k]
sys.exit(c != f)' "$cfg" tests/data/image/init.json
check "the workload secret is a KBS resource" cmp -s "$work/a/img/kbs-resources/buckypaper/secret/greeting" "$work/greeting"
check "init.json: the flavour is production" test "$(jqr "$cfg" flavour)" = production
check "init.json: sim allowed (QEMU image)" test "$(jqr "$cfg" attestation.allow_sim)" = True
check "init.json: the broker CA path is the file in the initramfs" \
  test "$(jqr "$cfg" broker.ca_cert)" = /etc/buckypaper/kbs-ca.pem
check "the broker CA is the one given" cmp -s "$work/ramfs/etc/buckypaper/kbs-ca.pem" tests/data/tls/ca.pem
check "init.json: the QEMU network address" test "$(jqr "$cfg" network.address)" = 10.0.2.15/24
check "the production agent policy" cmp -s "$work/ramfs/etc/buckypaper/agent-policy.json" agent/policy/production.json
check "init.json: root hash = reference values" \
  test "$(jqr "$cfg" disks.root.verity.root_hash)" = "$(jqr "$work/a/img/reference-values.json" verity_root_hash)"
for k in root_hash salt data_blocks hash_offset data_block_size hash_block_size; do
  check "init.json: verity $k as bp-measure printed" \
    test "$(jqr "$cfg" disks.root.verity.$k)" = "$(jqr "$work/a/img/image.json" root.verity.$k)"
done
hash_offset=$(jqr "$cfg" disks.root.verity.hash_offset)
check "the tree verifies against the configured root hash" quiet "$bin/bp-measure" verity verify "$work/a.payload" \
  "$(jqr "$cfg" disks.root.verity.root_hash)" --hash-offset "$hash_offset"
check "the erofs image ends where the hash area starts" \
  test "$(jqr "$work/a/img/image.json" root.erofs_size)" -le "$hash_offset"
head -c "$hash_offset" "$work/a.payload" >"$work/a.erofs"
if command -v fsck.erofs >/dev/null && fsck.erofs --extract="$work/rootfs-a" "$work/a.erofs" >/dev/null 2>&1; then
  check "erofs holds bundle/config.json" cmp -s "$work/rootfs-a/bundle/config.json" rootfs/example/config.json
  check "erofs holds the mount points" test -d "$work/rootfs-a/bundle/rootfs/data" -a -d "$work/rootfs-a/bundle/rootfs/proc"
else
  check "fsck.erofs extracts the root file system" false
fi
# The mkfs helper runs with only what the initramfs holds.
truncate -s 32M "$work/ramfs/tmp/disk"
if unshare -r --root="$work/ramfs" /sbin/mke2fs -V >/dev/null 2>&1; then
  check "mke2fs from the initramfs makes ext4 in a chroot of it" \
    quiet unshare -r --root="$work/ramfs" /sbin/mke2fs -t ext4 -b 4096 -q -F -E nodiscard /tmp/disk
  check "the result is ext4" bash -c "file '$work/ramfs/tmp/disk' | grep -q ext4"
else
  echo "skip: cannot chroot (unshare -r) here; the mkfs helper is not run"
fi

# ---- debug flavour -----------------------------------------------------------------
check "debug build" build "$work/d" --bundle "$work/bundle" --flavour debug >"$work/d.log" 2>&1
listing "$work/d/img/initramfs.cpio.zst" >"$work/d.list"
check "debug initramfs has busybox" grep -qx bin/busybox "$work/d.list"
check "debug initramfs has /bin/sh" grep -qx bin/sh "$work/d.list"
check "debug initramfs has bp-disk (dm table)" grep -qx bin/bp-disk "$work/d.list"
check "debug launch digest differs" bash -c \
  "! cmp -s '$work/a/img/reference-values.json' '$work/d/img/reference-values.json'"

# ---- OCI image layout and docker save archive ------------------------------------------
if command -v umoci >/dev/null; then
  (
    cd "$work" && umoci init --layout layout && umoci new --image layout:t &&
      umoci unpack --rootless --image layout:t u && mkdir -p u/rootfs/bin && cp bundle/rootfs/bin/bp-example u/rootfs/bin/app &&
      umoci repack --image layout:t u && umoci config --image layout:t --config.entrypoint /bin/app --config.cmd /data &&
      tar -cf image.tar -C layout .
  ) >"$work/umoci.log" 2>&1
  check "an OCI layout builds" build "$work/o" --oci-layout "$work/layout" --data-size 0 >"$work/o.log" 2>&1
  check "without a data disk: no data key, no data.img" bash -c \
    "test ! -e '$work/o/img/data.img' -a ! -e '$work/o/img/kbs-resources/buckypaper/disk/data'"
  check "a docker save archive builds" build "$work/t" --docker-archive "$work/image.tar:t" >"$work/t.log" 2>&1
  check "the same image either way: the same root hash" test "$(jqr "$work/o/img/reference-values.json" verity_root_hash)" = \
    "$(jqr "$work/t/img/reference-values.json" verity_root_hash)"
else
  check "umoci is installed" false
fi

# ---- bad input: a message that says what to fix, nothing left in out/ -------------------
echo '{"ociVersion": "1.1.0", "root": ' >"$work/broken.json"
mkdir -p "$work/badjson/rootfs" "$work/noproc/rootfs"
cp "$work/broken.json" "$work/badjson/config.json"
echo '{"ociVersion": "1.1.0", "root": {"path": "rootfs"}, "linux": {}}' >"$work/noproc/config.json"
printf 'not a tar archive' >"$work/bad.tar"
check_fails "missing bundle" "is not a directory" build "$work/a" --bundle "$work/nowhere"
check_fails "config.json that is not JSON" "not valid JSON" build "$work/a" --bundle "$work/badjson"
check_fails "config.json without a process" '$.process is missing' build "$work/a" --bundle "$work/noproc"
check_fails "unreadable docker archive" "not a readable tar archive" build "$work/a" --docker-archive "$work/bad.tar"
check_fails "not an OCI layout" "is not an OCI image layout" build "$work/a" --oci-layout "$work/bundle"
check_fails "missing bp-init is not replaced" "bp-init '$work/no-init' not found" \
  build "$work/a" --bundle "$work/bundle" --init "$work/no-init"
check_fails "missing kernel" "make kernel" build "$work/a" --bundle "$work/bundle" --kernel "$work/no-kernel"
check_fails "missing broker CA" "broker CA" build "$work/a" --bundle "$work/bundle" --broker-ca "$work/no-ca.pem"
check "a failed build leaves the previous image untouched" cmp -s "$work/a/img/initramfs.cpio.zst" "$work/b/img/initramfs.cpio.zst"
check "and no temporary directory" test "$(ls -A "$work/a")" = img

finish
