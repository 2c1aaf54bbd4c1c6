"""Fixtures of the boot scenarios: the images `make qemu-test` built, the test chain, and a
fresh PodVm (work directory, data disk) per test.

Environment (set by qemu-tests/qemu-tests.mk):
  BP_QEMU_IMAGES  directory holding the images demo/ (production, the example workload),
                  hold/ (production, the example waits for a host-channel shutdown) and
                  debug/ (debug flavour, waits likewise)
  BP_QEMU_RUNS    where each test's console, broker and simulator logs are kept
  BP_MEASURE      bp-measure, which the simulator uses for launch digests
  BP_BROKER_TLS   the broker's TLS directory (its ca.pem is in the images)
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from podvm import Image, PodVm
from snp_sim import load_or_create_chain


def _env_path(name: str) -> Path:
    value = os.environ.get(name)
    if not value:
        pytest.exit(f"{name} is not set: run the scenarios with `make qemu-test`", returncode=2)
    return Path(value)


@pytest.fixture(scope="session")
def images() -> Path:
    return _env_path("BP_QEMU_IMAGES")


@pytest.fixture(scope="session")
def runs_dir() -> Path:
    path = _env_path("BP_QEMU_RUNS")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def chain_dir(runs_dir: Path) -> Path:
    """One test ARK/ASK for the whole run (RSA-4096 generation takes seconds)."""
    path = runs_dir / "chain"
    load_or_create_chain(path, "Genoa")
    return path


@pytest.fixture(scope="session")
def make_vm(images: Path, runs_dir: Path, chain_dir: Path):
    """make_vm(image_name, label) -> a PodVm in runs_dir/<label>/, its own data disk."""
    tls_dir = _env_path("BP_BROKER_TLS")
    bp_measure = _env_path("BP_MEASURE")

    def make(image_name: str, label: str) -> PodVm:
        workdir = runs_dir / re.sub(r"[^A-Za-z0-9_.-]", "_", label)
        if workdir.exists():
            for child in workdir.iterdir():
                child.unlink()
        return PodVm(Image(images / image_name), workdir, chain_dir, tls_dir, bp_measure)

    return make
