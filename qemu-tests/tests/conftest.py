"""Shared fixtures: test data, and the RSA-4096 chains (slow to make: one pair per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from snp.certs import CaChain, generate_ca_chain

TESTDATA = Path(__file__).resolve().parent.parent / "testdata"


@pytest.fixture(scope="session")
def testdata() -> Path:
    return TESTDATA


@pytest.fixture(scope="session")
def genoa_chain() -> CaChain:
    return generate_ca_chain("Genoa")


@pytest.fixture(scope="session")
def rogue_chain() -> CaChain:
    """Same names as genoa_chain, different keys: what an attacker can make."""
    return generate_ca_chain("Genoa")
