#!/bin/bash
# Runs the unit tests that need device-mapper (dm-crypt, dm-verity, the disk
# stage) and a keyring inside a QEMU guest, for hosts whose kernel has no
# device-mapper. The guest is the given kernel (with BLK_DEV_DM, DM_CRYPT,
# DM_VERITY, KEYS, BLK_DEV_LOOP, DEVTMPFS, EXT4_FS, EROFS_FS, CRYPTO_XTS and a
# serial console) and an initramfs made here from busybox-static, the
# sanitizer test binaries with their shared libraries, and mke2fs.
#   BUILD=build tests/dm-vm/run-dm-tests.sh KERNEL_BZIMAGE
# The guest reboots at the end, which ends QEMU (-no-reboot).
# Exits non-zero unless every test binary passed (skips count as failures
# here: in this guest nothing may be missing).
set -eu
kernel=${1:?usage: run-dm-tests.sh KERNEL_BZIMAGE}
build=${BUILD:-build}
repo=$(cd "$(dirname "$0")/../.." && pwd)
tests=(keyring/test_logon_key dm/test_dm_crypt_device init/test_disks_dm)
make -C "$repo" -s "${tests[@]/#/$build/test/tests/unit/}" >/dev/null
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,work/build,work/tests/data}
cp /bin/busybox "$root/bin/"
for c in sh mount mkdir reboot sync; do ln -s busybox "$root/bin/$c"; done
cp -r "$repo/tests/data/erofs" "$root/work/tests/data/"
copy_with_libs() {  # binary destination
  cp "$1" "$root/$2"
  for lib in $(ldd "$1" | awk '/=>/ { print $3 } /ld-linux/ { print $1 }'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}
copy_with_libs /sbin/mke2fs sbin/mke2fs
for t in "${tests[@]}"; do copy_with_libs "$repo/$build/test/tests/unit/$t" "work/build/$(basename "$t")"; done
cat >"$root/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
cd /work
for t in build/*; do
  echo "=== $t"
  ASAN_OPTIONS=detect_leaks=0 $t 2>&1
  echo "=== $t exit $?"
done
sync
reboot -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$tmp/initrd.cpio"
timeout 1200 qemu-system-x86_64 -m 1024 -nographic -no-reboot -kernel "$kernel" -initrd "$tmp/initrd.cpio" \
  -append "console=ttyS0 rdinit=/init panic=-1 quiet" | tee "$tmp/log" | grep -E '^(===|\[ *(PASSED|FAILED|SKIPPED|  ERROR) )|ERROR|SKIP'
failed=$(grep -c '^=== .* exit [^0]' "$tmp/log" || true)
ran=$(grep -c '^=== .* exit ' "$tmp/log" || true)
skipped=$(grep -c 'SKIPPED \]' "$tmp/log" || true)
echo "dm-vm tests: $ran binaries ran, $failed failed, $skipped skip lines"
[ "$ran" -eq "${#tests[@]}" ] && [ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ]
