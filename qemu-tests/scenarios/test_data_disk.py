"""Scenarios 5 and 7: data disks the init must refuse (and leave untouched), and power
loss at each step of the data disk's first use."""

from __future__ import annotations

import hashlib
import json
import secrets
import struct
import subprocess
from pathlib import Path

import pytest

import checks
from podvm import PodVm

HEADER_AREA = 16 << 20  # cryptsetup's default LUKS2 metadata + keyslot area


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cryptsetup_format(device: Path, key: Path, *extra: str) -> None:
    subprocess.run(["cryptsetup", "luksFormat", "--batch-mode", "--type", "luks2", "--pbkdf", "pbkdf2",
                    "--pbkdf-force-iterations", "1000", "--key-file", str(key), *extra, str(device)],
                   check=True, capture_output=True)


def assert_refused_untouched(vm: PodVm, before: str, reason: str) -> None:
    run = vm.run()
    line = checks.stage_failed(run, "disks")
    assert "data disk" in line and reason in line, f"{line}: {run.describe()}"
    for marker in ("formatting", "LUKS2 header committed", "workload started", "example: hello"):
        assert not run.has(marker), f"'{marker}' with a refused data disk: {run.describe()}"
    checks.powered_off(run)
    assert digest(vm.host.data) == before, "the refused data disk was written to"


def test_foreign_luks2_volume_is_refused(make_vm, tmp_path: Path) -> None:
    vm = make_vm("demo", "foreign-data-volume")
    key = tmp_path / "other.key"
    key.write_bytes(secrets.token_bytes(64))
    cryptsetup_format(vm.host.data, key)
    # Someone's data behind the header: it must survive.
    with open(vm.host.data, "r+b") as f:
        f.seek(HEADER_AREA + 4096)
        f.write(b"someone else's data " * 100)
    assert_refused_untouched(vm, digest(vm.host.data), "the key opens none of the 1 usable keyslots")


def with_null_cipher(image: Path) -> None:
    """Rewrites both LUKS2 header copies in place with the data segment's cipher set
    to cipher_null-ecb and valid checksums (reference/disks.md): what a host that
    wants the guest to write plaintext would try."""
    with open(image, "r+b") as f:
        hdr_size = struct.unpack(">Q", f.read(16)[8:16])[0]
        for offset in (0, hdr_size):
            f.seek(offset)
            area = bytearray(f.read(hdr_size))
            assert area[:6] in (b"LUKS\xba\xbe", b"SKUL\xba\xbe"), "not a LUKS2 header copy"
            metadata = json.loads(bytes(area[4096:]).split(b"\0", 1)[0])
            metadata["segments"]["0"]["encryption"] = "cipher_null-ecb"
            text = json.dumps(metadata).encode()
            area[4096:] = text + bytes(hdr_size - 4096 - len(text))
            area[0x1C0:0x200] = bytes(64)
            area[0x1C0:0x1E0] = hashlib.sha256(area).digest()
            f.seek(offset)
            f.write(area)


def test_null_cipher_header_swapped_in_is_refused(make_vm) -> None:
    vm = make_vm("demo", "null-cipher-header")
    first = vm.run()
    assert first.has("example: data disk: boot count 1"), first.describe()
    with_null_cipher(vm.host.data)
    assert_refused_untouched(vm, digest(vm.host.data), "cipher_null-ecb")


PAUSE_POINTS = ["data-keyslots-written", "data-filesystem-made", "data-secondary-header", "data-committed"]
# What the next boot must say for each point.
RECOVERY = {
    "data-keyslots-written": "is blank: formatting (first use)",
    "data-filesystem-made": "is blank: formatting (first use)",
    "data-secondary-header": "completing an interrupted format",
    "data-committed": "bp-init disks: data: /dev/vdb mounted on",
}


@pytest.mark.parametrize("point", PAUSE_POINTS)
def test_power_loss_during_first_use(make_vm, point: str) -> None:
    vm = make_vm("demo", f"power-loss-{point}")
    normal_cmdline = vm.host.append
    normal_refs = vm.broker.reference_values
    vm.host.append = f"{normal_cmdline} bp.test_pause={point}"
    vm.approve_current_launch()
    cut = vm.run(stop_when=lambda line: f"test pause at {point}" in line)
    assert cut.result.stopped_early, f"never reached {point}: {cut.describe()}"

    vm.host.append = normal_cmdline
    vm.broker.reference_values = normal_refs
    second = vm.run()
    checks.powered_off(second)
    assert second.has(RECOVERY[point]), f"no '{RECOVERY[point]}': {second.describe()}"
    assert second.has("example: data disk: boot count 1"), second.describe()

    third = vm.run()
    checks.powered_off(third)
    assert not third.has("formatting"), third.describe()
    assert third.has("example: data disk: boot count 2"), f"data written after recovery lost: {third.describe()}"
