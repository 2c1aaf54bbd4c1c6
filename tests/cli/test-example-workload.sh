#!/bin/bash
# The example workload on the host: the boot counter persists in its data
# directory, and the secret comes from an HTTP server standing in for the
# agent's workload API (only its digest is printed).
set -u
. "$(dirname "$0")/lib.sh"
bin=${BUILD:-build}/bin/bp-example
tmp=$(mktemp -d)
mkdir -p "$tmp/data" "$tmp/www/cdh/resource/demo/secret"
printf 'the secret greeting' >"$tmp/www/cdh/resource/demo/secret/greeting"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$tmp/www" "$port" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$tmp"' EXIT
first=$("$bin" "$tmp/data" demo/secret/greeting "$port")
second=$("$bin" "$tmp/data" demo/secret/greeting "$port")
digest=$(printf 'the secret greeting' | sha256sum | cut -d' ' -f1)
check "first boot count" grep -q '^example: data disk: boot count 1$' <<<"$first"
check "count persists" grep -q '^example: data disk: boot count 2$' <<<"$second"
check "secret digest, not the secret" grep -q "^example: secret demo/secret/greeting: 19 bytes, sha256 $digest$" <<<"$first"
check "secret never printed" bash -c "! grep -q 'the secret greeting' <<<'$first'"
check "syscall probes reported" grep -q '^example: syscall keyctl: ' <<<"$first"
check "ends" grep -q '^example: done$' <<<"$first"
missing=$("$bin" "$tmp/data" demo/secret/missing "$port")
check "a missing secret is reported with the HTTP status" grep -q '^example: secret demo/secret/missing: HTTP/1.0 404' <<<"$missing"
finish
