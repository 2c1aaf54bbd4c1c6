"""Scenarios 3, 4 and 9: what a host can change about the launch (initrd, command line,
HOST_DATA) or the root disk, and a debug image in front of a broker that holds the
production reference values."""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

import checks
from podvm import Image, PodVm


def test_tampered_initrd(make_vm) -> None:
    vm = make_vm("demo", "tampered-initrd")
    initrd = vm.workdir / "initramfs.cpio.zst"
    shutil.copyfile(vm.image.initrd, initrd)
    # One zero byte appended: the kernel skips it (padding between archives), so the
    # guest boots the same code, but the launch digest covers every byte.
    with open(initrd, "ab") as f:
        f.write(b"\0")
    vm.host.initrd = initrd
    run = vm.run()
    checks.attest_rejected(run, "measurement")
    checks.nothing_released(run)
    line = checks.stage_failed(run, "attest")
    assert "AttestationError" in line or "401" in line, line
    checks.no_workload(run)
    checks.powered_off(run)


def test_tampered_command_line(make_vm) -> None:
    vm = make_vm("demo", "tampered-cmdline")
    vm.host.append = vm.image.cmdline + " bp.log_level=debug"
    run = vm.run()
    checks.attest_rejected(run, "measurement")
    checks.nothing_released(run)
    checks.stage_failed(run, "attest")
    checks.no_workload(run)
    checks.powered_off(run)


def luks2_data_offset(path: Path) -> int:
    """The data segment's offset from the primary header's JSON (reference/disks.md)."""
    with open(path, "rb") as f:
        header = f.read(4096)
        hdr_size = struct.unpack(">Q", header[8:16])[0]
        metadata = f.read(hdr_size - 4096).split(b"\0", 1)[0]
    return int(json.loads(metadata)["segments"]["0"]["offset"])


def tampered_root(vm: PodVm, offset_in_volume: int) -> Path:
    root = vm.workdir / "root.img"
    shutil.copyfile(vm.image.root, root)
    position = luks2_data_offset(root) + offset_in_volume
    with open(root, "r+b") as f:
        f.seek(position)
        byte = f.read(1)
        f.seek(position)
        f.write(bytes([byte[0] ^ 0x01]))
    return root


def assert_verity_stopped_it(run, report: str) -> None:
    assert run.has(report), f"no dm-verity report '{report}': {run.describe()}"
    assert run.has("Restarting system with command 'dm-verity device corrupted'"), run.describe()
    for marker in ("bp-init handover: workload started", "example: hello"):
        assert not run.has(marker), f"'{marker}' on a corrupted root: {run.describe()}"
    # restart_on_corruption: the guest restarts, which -no-reboot turns into QEMU exiting.
    assert not run.result.timed_out, run.describe()


def test_tampered_root_file_system(make_vm) -> None:
    vm = make_vm("demo", "tampered-root-data")
    # Byte 1024 of the decrypted volume is erofs' superblock: the first block mounted.
    # Flipping one ciphertext bit scrambles the whole 4096-byte sector.
    vm.host.root = tampered_root(vm, 1024)
    run = vm.run()
    assert checks.released(run), "the keys should be released: the launch is genuine"
    assert_verity_stopped_it(run, "data block 0 is corrupted")


def test_tampered_verity_hash_tree(make_vm) -> None:
    vm = make_vm("demo", "tampered-root-hashes")
    verity = vm.image.summary()["root"]["verity"]
    # The first hash block after the superblock: the level every read goes through.
    vm.host.root = tampered_root(vm, verity["hash_offset"] + verity["hash_block_size"] + 100)
    run = vm.run()
    assert_verity_stopped_it(run, "metadata block")


def test_debug_image_gets_nothing_from_a_production_broker(make_vm, images: Path) -> None:
    vm = make_vm("debug", "debug-image-production-broker")
    production = Image(images / "demo")
    vm.broker.reference_values = production.reference_values
    vm.broker.resources = production.resources
    assert vm.host.policy & (1 << 19), "the debug image is launched with the debug bit"
    # A failed debug boot offers a shell on the console; nobody types, so stop there.
    run = vm.run(stop_when=lambda line: "starting /bin/sh on the console" in line)
    checks.attest_rejected(run, "debug")
    checks.nothing_released(run)
    checks.stage_failed(run, "attest")
    checks.no_workload(run)
    assert run.result.stopped_early, run.describe()


def test_host_data_other_than_the_pinned_one_is_refused(make_vm) -> None:
    vm = make_vm("demo", "host-data")
    pinned = bytes(range(32))
    vm.pin_host_data(pinned)
    vm.host.host_data = bytes(reversed(range(32)))  # the host launches with other data
    refused = vm.run()
    checks.attest_rejected(refused, "host_data")
    checks.nothing_released(refused)
    checks.no_workload(refused)
    vm.host.host_data = pinned
    accepted = vm.run()
    assert [e["decision"] for e in accepted.broker_events("attest")] == ["accepted"], accepted.describe()
    assert accepted.broker_events("attest")[0]["claims"]["host_data"] == pinned.hex()
    assert accepted.has("example: done"), accepted.describe()
