#!/bin/bash
# Builds the guest kernel (bzImage) from the config fragments, cached outside the
# checkout. Called by `make kernel`; see kernel-config/README.md.
#
# usage: kernel-config/build.sh [OUT_DIR]
#   OUT_DIR               where bzImage and config are copied (default: build/kernel,
#                         or build/kernel/debug for FLAVOUR=debug)
# environment:
#   FLAVOUR               production (default) or debug (adds debug.config)
#   KERNEL_SRC_TARBALL    kernel source tarball (default: Debian's linux-source-6.12)
#   KERNEL_SRC_DIR        an unpacked kernel tree instead of a tarball (copied, not modified)
#   SOURCE_DATE_EPOCH     build timestamp recorded in the kernel (default: fixed date)
#   XDG_CACHE_HOME        cache root (default ~/.cache); entries in buckypaper/kernel/<key>/
#   KERNEL_JOBS           parallel jobs (default: nproc)
set -euo pipefail

# Everything runs inside main, which bash parses completely before running it:
# editing this file during a long build then cannot derail the build.
main() {
  here=$(cd "$(dirname "$0")" && pwd)
  flavour=${FLAVOUR:-production}
  case "$flavour" in
    production) fragments=(base snp dm security) ;;
    debug) fragments=(base snp dm security debug) ;;
    *) echo "build.sh: FLAVOUR must be production or debug, not '$flavour'" >&2; exit 2 ;;
  esac
  fragment_files=()
  for f in "${fragments[@]}"; do fragment_files+=("$here/$f.config"); done
  default_out=build/kernel
  [ "$flavour" = production ] || default_out=build/kernel/$flavour
  out=${1:-$default_out}

  # A fixed default keeps builds reproducible when the caller sets nothing.
  epoch=${SOURCE_DATE_EPOCH:-1735689600}
  jobs=${KERNEL_JOBS:-$(nproc)}
  default_tarball=/usr/src/linux-source-6.12.tar.xz

  # ---- source identity: part of the cache key ---------------------------------
  if [ -n "${KERNEL_SRC_DIR:-}" ]; then
    src_dir=$(cd "$KERNEL_SRC_DIR" && pwd)
    if [ ! -f "$src_dir/Makefile" ] || [ ! -d "$src_dir/arch/x86" ]; then
      echo "build.sh: KERNEL_SRC_DIR=$src_dir is not a kernel source tree" >&2
      exit 2
    fi
    # Names, sizes and mtimes of every file: any edit changes the key.
    src_id="dir $src_dir $(cd "$src_dir" && find . -path ./.git -prune -o -type f \
      -printf '%P %s %T@\n' | LC_ALL=C sort | sha256sum | cut -d' ' -f1)"
  else
    tarball=${KERNEL_SRC_TARBALL:-$default_tarball}
    [ -f "$tarball" ] || {
      echo "build.sh: kernel source $tarball missing (make deps installs linux-source-6.12)" >&2
      exit 2
    }
    package=$(dpkg-query -S "$tarball" 2>/dev/null | cut -d: -f1 || true)
    if [ -n "$package" ] && [ "$(realpath "$tarball")" = "$default_tarball" ]; then
      src_id="package $package $(dpkg-query -W -f='${Version}' "$package")"
    else
      src_id="tarball $(sha256sum "$tarball" | cut -d' ' -f1)"
    fi
  fi

  key=$( {
    echo "source: $src_id"
    echo "flavour: $flavour"
    echo "epoch: $epoch"
    # Option lines only: editing a comment must not cost a 20-minute rebuild.
    for f in "${fragment_files[@]}"; do
      echo "fragment: $(basename "$f")"
      grep -E '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set$)' "$f" || true
    done
    echo "build.sh:"; cat "$here/build.sh"
  } | sha256sum | cut -c1-32)

  cache_root=${XDG_CACHE_HOME:-$HOME/.cache}/buckypaper/kernel
  entry=$cache_root/$key

  publish() {
    mkdir -p "$out"
    cp "$entry/bzImage" "$out/bzImage.tmp" && mv "$out/bzImage.tmp" "$out/bzImage"
    cp "$entry/config" "$out/config.tmp" && mv "$out/config.tmp" "$out/config"
    echo "kernel ($flavour): $out/bzImage (cache $entry)"
  }

  if [ -f "$entry/bzImage" ]; then
    publish
    exit 0
  fi

  mkdir -p "$cache_root"
  # One builder per key; a second caller waits and then finds the entry.
  exec 9>"$cache_root/$key.lock"
  flock 9
  if [ -f "$entry/bzImage" ]; then
    publish
    exit 0
  fi
  # Leftovers of builds that were killed (we hold the key's lock, so none is
  # running), and build trees whose background removal did not finish.
  rm -rf "$cache_root/.tmp-$key".* "$cache_root"/.trash-*

  tmp=$(mktemp -d "$cache_root/.tmp-$key.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  # Signals end the script through exit, so the EXIT trap cleans up.
  trap 'exit 130' INT
  trap 'exit 143' TERM HUP
  src=$tmp/src
  log=$tmp/build.log
  echo "kernel ($flavour): cache miss, building in $tmp (log: $log)"
  mkdir -p "$src"
  if [ -n "${KERNEL_SRC_DIR:-}" ]; then
    cp -a "$src_dir/." "$src/"
    make -s -C "$src" mrproper >>"$log" 2>&1
  else
    tar -xf "$tarball" -C "$src" --strip-components=1
  fi

  # Called from make (`make -j2 check`): use its jobserver so the kernel shares the
  # job slots, and drop everything else from MAKEFLAGS: command-line variables of
  # the top make (CC=, O=, V=) must not leak, unkeyed, into the kernel build.
  jobs_args=(-j"$jobs")
  jobserver=$(grep -o -- '--jobserver-auth=[^ ]*' <<<"${MAKEFLAGS:-}" | head -1 || true)
  if [ -z "${KERNEL_JOBS:-}" ] && [ -n "$jobserver" ]; then
    export MAKEFLAGS="-j $jobserver"
    jobs_args=()
  else
    unset MAKEFLAGS
  fi
  unset MFLAGS MAKELEVEL MAKEOVERRIDES

  kmake() {
    nice -n 10 make -C "$src" ARCH=x86_64 \
      KBUILD_BUILD_TIMESTAMP="$(date -u -d "@$epoch" '+%Y-%m-%d %H:%M:%S UTC')" \
      KBUILD_BUILD_USER=buckypaper KBUILD_BUILD_HOST=buckypaper KBUILD_BUILD_VERSION=1 "$@"
  }

  # allnoconfig with the fragments as its input (merge_config.sh -n): everything
  # not asked for is off. merge_config.sh only warns about values that did not
  # stick; the checker below turns those into errors before the long compile.
  (cd "$src" && ARCH=x86_64 nice -n 10 scripts/kconfig/merge_config.sh -n "${fragment_files[@]}") \
    >>"$log" 2>&1 || { tail -20 "$log" >&2; exit 1; }
  kmake olddefconfig >>"$log" 2>&1 || { tail -20 "$log" >&2; exit 1; }
  "$here/check-config" --kconfig-dir "$src" "$src/.config" "${fragment_files[@]}"

  start=$(date +%s)
  kmake "${jobs_args[@]}" bzImage >>"$log" 2>&1 || {
    tail -40 "$log" >&2
    echo "build.sh: kernel build failed; full log was $log" >&2
    exit 1
  }
  echo "kernel ($flavour): compiled in $(($(date +%s) - start)) s (${jobs_args[*]:-with the jobserver of make})"

  result=$tmp/result
  mkdir "$result"
  cp "$src/arch/x86/boot/bzImage" "$result/bzImage"
  cp "$src/.config" "$result/config"
  cp "$src/System.map" "$result/System.map"
  kmake -s kernelrelease >"$result/kernelrelease"
  echo "$src_id" >"$result/source"
  cp "$log" "$result/build.log"
  # The rename publishes the entry atomically: readers see all of it or nothing.
  mv -T "$result" "$entry"
  publish
  # Deleting the build tree (~70k files) can take minutes on a busy disk, so it
  # happens in the background; the next cache miss removes any leftover.
  trash=$cache_root/.trash-$key.$$
  mv -T "$tmp" "$trash"
  trap - EXIT
  (rm -rf "$trash" >/dev/null 2>&1 &)
}

# On one line: bash reads no further from this file after main returns.
main "$@"; exit
