"""Assertions shared by the scenarios: each looks at console lines or broker decisions."""

from __future__ import annotations

from typing import List

from podvm import Run


def powered_off(run: Run) -> None:
    assert not run.result.timed_out, f"the VM did not finish: {run.describe()}"
    assert run.has("reboot: Power down"), f"no clean power-off: {run.describe()}"
    assert run.result.exit_code == 0, f"QEMU exit status: {run.describe()}"


def released(run: Run) -> List[str]:
    return [e["resource"] for e in run.broker_events("resource") if e["decision"] == "released"]


def nothing_released(run: Run) -> None:
    assert released(run) == [], f"the broker released keys: {run.describe()}"


def attest_rejected(run: Run, check: str) -> None:
    decisions = [(e["decision"], e.get("check")) for e in run.broker_events("attest")]
    assert ("rejected", check) in decisions, f"attest decisions {decisions}: {run.describe()}"
    assert ("accepted", "ok") not in decisions, f"attest accepted too: {run.describe()}"


def no_workload(run: Run) -> None:
    for marker in ("bp-init disks: start", "workload started", "example: hello"):
        assert not run.has(marker), f"'{marker}' after a refusal: {run.describe()}"


def stage_failed(run: Run, stage: str) -> str:
    """The one error line of a failed stage (bp-init: '<stage>: error: failed after...')."""
    lines = [line for line in run.lines() if f"bp-init {stage}: error:" in line]
    assert lines, f"stage {stage} did not fail: {run.describe()}"
    return lines[0]
