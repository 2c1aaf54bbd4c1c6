#!/bin/sh
# Installs the Debian packages listed in the given files that are missing.
# Idempotent: with everything present it only runs dpkg-query and exits.
set -eu
missing=$(grep -hv '^\s*#' "$@" | grep -v '^\s*$' | sort -u | while read -r pkg; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = installed ] || echo "$pkg"
done)
[ -z "$missing" ] && exit 0
echo "installing: $(echo $missing)"
if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing
