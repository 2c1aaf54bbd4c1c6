"""The launch digest of what QEMU booted, computed by the C++ `bp-measure snp` tool.

The digest is deliberately not reimplemented here: the simulator must report what the
project's own tool computes, so that a bug there shows up as a broker refusal.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

DIGEST_SIZE = 48


class MeasureError(RuntimeError):
    """bp-measure failed or printed something that is not a launch digest."""


@dataclass(frozen=True)
class LaunchInputs:
    ovmf: Path
    vcpus: int
    vcpu_type: str
    kernel: Path
    initrd: Optional[Path] = None
    append: Optional[str] = None
    guest_features: Optional[int] = None  # bp-measure's default when None

    def arguments(self) -> List[str]:
        """Options in sev-snp-measure's spelling."""
        args = ["--ovmf", str(self.ovmf), "--vcpus", str(self.vcpus), "--vcpu-type", self.vcpu_type,
                "--kernel", str(self.kernel)]
        if self.initrd is not None:
            args += ["--initrd", str(self.initrd)]
        if self.append is not None:
            args += ["--append", self.append]
        if self.guest_features is not None:
            args += ["--guest-features", hex(self.guest_features)]
        return args + ["--output-format", "hex"]


def parse_digest_hex(text: str) -> bytes:
    value = text.strip().lower()
    if not re.fullmatch(r"[0-9a-f]{96}", value):
        raise MeasureError(f"expected a 96-digit hex launch digest, got {text.strip()[:120]!r}")
    return bytes.fromhex(value)


def launch_digest(bp_measure: Path, inputs: LaunchInputs, timeout: float = 120.0) -> bytes:
    cmd = [str(bp_measure), "snp"] + inputs.arguments()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise MeasureError(f"running {bp_measure}: {e}") from e
    if done.returncode != 0:
        raise MeasureError(f"{' '.join(cmd)} exited with {done.returncode}: {done.stderr.strip()}")
    return parse_digest_hex(done.stdout)
