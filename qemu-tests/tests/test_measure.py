"""The bp-measure call: its command line, its output parsing, and (once built) a known vector."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from snp.measure import LaunchInputs, MeasureError, launch_digest, parse_digest_hex

REPO = Path(__file__).resolve().parents[2]
# testdata/README.md of the shared data: AmdSev suffix, empty kernel/initrd/cmdline, 1 vCPU,
# EPYC-v4, guest features 0x21.
KNOWN_DIGEST = ("329c8ce0972ae52343b64d34a434a86f245dfd74f5ed7aae15d22efc78fb9683"
                "632b9b50e4e1d7fa41179ef98a7ef198")


def _fake_tool(tmp_path: Path, body: str) -> Path:
    tool = tmp_path / "bp-measure"
    tool.write_text("#!/bin/sh\n" + body)
    tool.chmod(0o755)
    return tool


def test_arguments_in_sev_snp_measure_spelling(tmp_path: Path) -> None:
    args_file = tmp_path / "args"
    tool = _fake_tool(tmp_path, f'for a in "$@"; do echo "$a"; done > {args_file}\n'
                                f'echo {"ab" * 48}\n')
    inputs = LaunchInputs(Path("/fw.bin"), 2, "EPYC-v4", Path("/k"), Path("/i"),
                          "console=ttyS0 bp.x=1", 0x21)
    assert launch_digest(tool, inputs) == b"\xab" * 48
    assert args_file.read_text().splitlines() == [
        "snp", "--ovmf", "/fw.bin", "--vcpus", "2", "--vcpu-type", "EPYC-v4", "--kernel", "/k",
        "--initrd", "/i", "--append", "console=ttyS0 bp.x=1", "--guest-features", "0x21",
        "--output-format", "hex"]
    # Optional inputs are left out rather than passed empty.
    launch_digest(tool, LaunchInputs(Path("/fw.bin"), 1, "EPYC-v4", Path("/k")))
    assert "--initrd" not in args_file.read_text().splitlines()


def test_failures_are_reported(tmp_path: Path) -> None:
    inputs = LaunchInputs(Path("/fw"), 1, "EPYC-v4", Path("/k"))
    with pytest.raises(MeasureError, match="exited with 3: no firmware"):
        launch_digest(_fake_tool(tmp_path, "echo no firmware >&2; exit 3\n"), inputs)
    with pytest.raises(MeasureError, match="96-digit"):
        launch_digest(_fake_tool(tmp_path, "echo abcd\n"), inputs)
    with pytest.raises(MeasureError, match="running"):
        launch_digest(tmp_path / "missing", inputs)
    assert parse_digest_hex(" " + "AB" * 48 + "\n") == b"\xab" * 48


BP_MEASURE = Path(os.environ.get("BP_MEASURE", REPO / "build" / "bin" / "bp-measure"))


@pytest.mark.skipif(not BP_MEASURE.exists(), reason="bp-measure is not built yet")
def test_bp_measure_known_vector(tmp_path: Path, testdata: Path) -> None:
    (tmp_path / "kernel").write_bytes(b"")
    (tmp_path / "initrd").write_bytes(b"")
    inputs = LaunchInputs(testdata / "ovmf_AmdSev_suffix.bin", 1, "EPYC-v4", tmp_path / "kernel",
                          tmp_path / "initrd", "", 0x21)
    assert launch_digest(BP_MEASURE, inputs).hex() == KNOWN_DIGEST
