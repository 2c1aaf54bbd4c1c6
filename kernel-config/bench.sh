#!/bin/bash
# Benchmark (not part of make check): size and TCG boot time to /init of our guest
# kernel beside Debian's cloud kernel, both booting the same test initramfs with
# the same QEMU command line, alternating, in one run.
#
# usage: kernel-config/bench.sh [RUNS]      (default 5 boots per kernel; medians reported)
# The Debian kernel is fetched with `apt-get download` (no installation) and kept in
# ${XDG_CACHE_HOME:-~/.cache}/buckypaper/debian-kernel/.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-5}
build=${BUILD:-build}
# BENCH_KERNEL / BENCH_INITRD compare another bzImage or initramfs; by default
# make builds (or takes from the cache) ours.
if [ -z "${BENCH_KERNEL:-}" ] || [ -z "${BENCH_INITRD:-}" ]; then
  make -s kernel "$build/kernel-test/initrd.cpio.zst" >/dev/null
fi
ours=${BENCH_KERNEL:-$build/kernel/bzImage}
initrd=${BENCH_INITRD:-$build/kernel-test/initrd.cpio.zst}

# ---- Debian's cloud kernel -----------------------------------------------------
meta=linux-image-6.12-cloud-amd64
note=
if ! apt-cache show "$meta" >/dev/null 2>&1; then
  meta=linux-image-cloud-amd64
  note="(linux-image-6.12-cloud-amd64 is not in the apt sources; using $meta)"
fi
package=$(apt-cache depends "$meta" | awk '/Depends: linux-image-/ {print $2; exit}')
version=$(apt-cache show "$package" | awk '/^Version:/ {print $2; exit}')
debian_dir=${XDG_CACHE_HOME:-$HOME/.cache}/buckypaper/debian-kernel/$package-$version
if [ ! -f "$debian_dir/vmlinuz" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -q "$package=$version" >/dev/null)
  dpkg-deb -x "$tmp"/*.deb "$tmp/root"
  mkdir -p "$debian_dir"
  cp "$tmp"/root/boot/vmlinuz-* "$debian_dir/vmlinuz.tmp"
  mv "$debian_dir/vmlinuz.tmp" "$debian_dir/vmlinuz"
  rm -rf "$tmp"
fi
debian=$debian_dir/vmlinuz

# ---- one boot: prints "<ms to marker> <guest uptime ms at init> <ms to QEMU exit>" ---
boot_once() {
  local kernel=$1 start line marker_ms=- uptime_ms=-
  start=$(date +%s%N)
  while IFS= read -r line; do
    line=${line%$'\r'}
    if [ "$marker_ms" = - ] && [[ $line == "bp-kernel-test: init started uptime_ms="* ]]; then
      marker_ms=$((($(date +%s%N) - start) / 1000000))
      uptime_ms=${line##*=}
    fi
  done < <(timeout 300 qemu-system-x86_64 -machine q35 -accel tcg -m 512 -nographic -no-reboot \
    -kernel "$kernel" -initrd "$initrd" -append 'console=ttyS0 panic=-1' </dev/null 2>&1 ||
    echo "qemu-failed $?")
  echo "$marker_ms $uptime_ms $((($(date +%s%N) - start) / 1000000))"
}

median() { sort -n | awk '{v[NR] = $1} END {print (NR ? v[int((NR + 1) / 2)] : "-")}'; }

declare -A results
for ((i = 1; i <= runs; i++)); do
  for name in ours debian; do
    kernel=$ours
    [ "$name" = debian ] && kernel=$debian
    results[$name]+="$(boot_once "$kernel")"$'\n'
  done
done

echo "kernel boot benchmark: QEMU $(qemu-system-x86_64 --version | head -1 | awk '{print $4}'), TCG," \
  "q35, 512 MiB, SeaBIOS, same initramfs ($(stat -c %s "$initrd") bytes), $runs boots each, medians"
echo "host: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
[ -z "$note" ] || echo "$note"
printf '%-48s %10s %12s %16s %11s\n' kernel "bzImage B" "to /init ms" "guest uptime ms" "to exit ms"
declare -A size to_init uptime to_exit
for name in ours debian; do
  kernel=$ours label="buckypaper (production)"
  [ "$name" = debian ] && kernel=$debian label="debian $package"
  rows=${results[$name]}
  size[$name]=$(stat -c %s "$kernel")
  to_init[$name]=$(awk 'NF {print $1}' <<<"$rows" | median)
  uptime[$name]=$(awk 'NF {print $2}' <<<"$rows" | median)
  to_exit[$name]=$(awk 'NF {print $3}' <<<"$rows" | median)
  printf '%-48s %10s %12s %16s %11s\n' "$label" "${size[$name]}" "${to_init[$name]}" "${uptime[$name]}" \
    "${to_exit[$name]}"
done
# For bench/run-all (make bench): ours | the Debian cloud kernel.
echo "RESULT kernel bzImage size | ${size[ours]} | ${size[debian]} | bytes | smaller is better"
echo "RESULT kernel boot to /init, TCG, QEMU start to marker | ${to_init[ours]} | ${to_init[debian]} | ms | lower is better"
echo "RESULT kernel boot to /init, TCG, guest uptime | ${uptime[ours]} | ${uptime[debian]} | ms | lower is better"
