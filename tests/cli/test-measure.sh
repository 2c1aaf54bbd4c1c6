#!/bin/bash
# bp-measure: the pytest suites in tests/measure/ (SNP digests against the
# published vectors and an independent Python computation; dm-verity against
# veritysetup, which they run; report verification and reference values, read back by the
# test broker's loader from qemu-tests/).
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-build}
case "$build" in /*) ;; *) build=$here/$build ;; esac
cd "$here"
PYTHONPATH=$here/qemu-tests BP_BIN=$build/bin /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/measure/
