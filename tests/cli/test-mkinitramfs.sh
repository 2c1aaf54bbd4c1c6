#!/bin/bash
# bp-mkinitramfs: reproducible output, contents readable by GNU cpio, and
# errors that leave nothing behind.
set -u
. "$(dirname "$0")/lib.sh"
bin=${BUILD:-build}/bin/bp-mkinitramfs
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf 'hello' >"$tmp/a"; printf '#!/bin/sh\n' >"$tmp/tool"; chmod 755 "$tmp/tool"
args=(--file init="$tmp/tool" --file etc/buckypaper/init.json="$tmp/a":0600 --dir run:0700 --symlink bin/sh=busybox)
SOURCE_DATE_EPOCH=1700000000 "$bin" --output "$tmp/one.zst" "${args[@]}"
SOURCE_DATE_EPOCH=1700000000 "$bin" --output "$tmp/two.zst" "${args[@]}"
check "same inputs give identical bytes" cmp -s "$tmp/one.zst" "$tmp/two.zst"
SOURCE_DATE_EPOCH=1700000001 "$bin" --output "$tmp/three.zst" "${args[@]}"
check "another SOURCE_DATE_EPOCH changes the bytes" bash -c "! cmp -s '$tmp/one.zst' '$tmp/three.zst'"
listing=$(zstd -q -d -c "$tmp/one.zst" | TZ=UTC LC_ALL=C cpio --quiet -t -v 2>/dev/null)
check "contents listed in order with modes" grep -q -- '-rw-------   1 root     root            5 Nov 14  2023 etc/buckypaper/init.json' <<<"$listing"
check "executable mode kept" grep -q -- '-rwxr-xr-x .* init$' <<<"$listing"
check "symlink" grep -q -- 'bin/sh -> busybox' <<<"$listing"
check_fails "missing source file" "No such file" "$bin" --output "$tmp/bad.zst" --file x="$tmp/missing"
check "nothing written on error" test ! -e "$tmp/bad.zst" -a ! -e "$tmp/bad.zst.tmp"
check_fails "absolute archive path" "must be relative" "$bin" --output "$tmp/bad.zst" --file /x="$tmp/a"
check_fails "bad mode" "not octal" "$bin" --output "$tmp/bad.zst" --file x="$tmp/a":0999
check_fails "unknown argument" "unknown argument" "$bin" --output "$tmp/bad.zst" --bogus
check_fails "no output" "--output is required" "$bin" --file x="$tmp/a"
finish
