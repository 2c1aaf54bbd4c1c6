"""Scenarios 1, 2 and 8: the happy path, a second boot on the same disks, seccomp."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Dict, Tuple

import pytest

import checks
from podvm import PodVm, Run

GREETING = "buckypaper/secret/greeting"


@pytest.fixture(scope="module")
def two_boots(make_vm) -> Tuple[PodVm, Run, Run]:
    vm = make_vm("demo", "happy-path")
    first = vm.run()
    second = vm.run()
    return vm, first, second


def resource_files(vm: PodVm) -> Dict[str, bytes]:
    root = vm.image.resources
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_happy_path(two_boots) -> None:
    vm, run, _ = two_boots
    checks.powered_off(run)
    attests = run.broker_events("attest")
    assert [(e["decision"], e["check"]) for e in attests] == [("accepted", "ok")], run.describe()
    assert attests[0]["claims"]["measurement"] == vm.measurement().hex()
    reports = run.sim_events("report")
    assert reports and all(r["measurement"] == vm.measurement().hex() and r["status"] == 0 for r in reports), \
        run.describe()
    assert sorted(checks.released(run)) == sorted(resource_files(vm)), run.describe()
    for line in ("bp-init attest: KBS accepted the evidence",
                 "bp-init disks: root: erofs verified by dm-verity mounted on",
                 "bp-init disks: data: /dev/vdb is blank: formatting (first use)",
                 "bp-init disks: data: LUKS2 header committed",
                 "bp-init handover: workload started",
                 "example: hello from the workload",
                 "example: data disk: boot count 1",
                 "example: done",
                 "bp-init supervise: workload exited with status 0",
                 "bp-init: powering off"):
        assert run.has(line), f"missing '{line}': {run.describe()}"
    assert not any("error" in line for line in run.lines() if "bp-init" in line), run.describe()


def test_workload_gets_its_secret_through_the_agent(two_boots) -> None:
    vm, run, _ = two_boots
    secret = (vm.image.resources / GREETING).read_bytes()
    expected = f"example: secret {GREETING}: {len(secret)} bytes, sha256 {hashlib.sha256(secret).hexdigest()}"
    assert run.has(expected), run.describe()


def test_stages_in_order_with_timings(two_boots) -> None:
    _, run, _ = two_boots
    # Each line shows up twice (console and kernel log); dict keeps the first order.
    done = dict.fromkeys(m.group(1) for m in (re.search(r"\] bp-init (\w+): done in \d+ ms", line)
                                              for line in run.lines()) if m)
    assert list(done) == ["early", "config", "network", "attest", "disks", "handover", "supervise",
                          "shutdown"], f"{list(done)}: {run.describe()}"


def test_second_boot_keeps_the_data(two_boots) -> None:
    _, _, run = two_boots
    checks.powered_off(run)
    assert run.has("bp-init disks: data: /dev/vdb mounted on"), run.describe()
    assert not run.has("formatting"), f"the data disk was formatted again: {run.describe()}"
    assert run.has("example: data disk: boot count 2"), run.describe()


def test_seccomp_profile_in_force(two_boots) -> None:
    _, run, _ = two_boots
    # keyctl: denied by the default profile with EPERM (Docker's errno for it).
    assert run.has("example: syscall keyctl: errno 1 (Operation not permitted)"), run.describe()
    # mseal (Linux 6.10) is newer than the profile: ENOSYS, so libc falls back.
    assert run.has("example: syscall mseal: errno 38 (Function not implemented)"), run.describe()


def test_no_key_material_on_the_console_or_in_the_broker_log(two_boots) -> None:
    vm, first, second = two_boots
    for run in (first, second):
        texts = [run.console, run.files.broker_log.read_text()]
        for name, data in resource_files(vm).items():
            for encoding in (data.hex(), data.hex().upper(), base64.b64encode(data).decode(),
                             base64.urlsafe_b64encode(data).decode().rstrip("=")):
                for text in texts:
                    assert encoding not in text, f"{name} appears in a log: {run.describe()}"
            if len(data) >= 8:
                assert data not in Path(run.files.console).read_bytes(), name
