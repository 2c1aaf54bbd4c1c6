"""bp-agent's broker session in a real boot: the example workload fetches a resource the boot
did not fetch (only the broker has it), which bp-agent gets from the broker with the boot's token
(a bearer-token `resource` decision in the broker log), and /aa/evidence answers a fresh report
bound to the workload's runtime data."""

from __future__ import annotations

import hashlib
from typing import Tuple

import pytest

import checks
from podvm import PodVm, Run

RUNTIME = "buckypaper/secret/runtime"
GREETING = "buckypaper/secret/greeting"


@pytest.fixture(scope="module")
def boot(make_vm) -> Tuple[PodVm, Run]:
    vm = make_vm("demo", "agent-broker")
    return vm, vm.run()


def test_runtime_resource_reaches_the_workload_through_the_broker(boot) -> None:
    vm, run = boot
    checks.powered_off(run)
    secret = (vm.image.resources / RUNTIME).read_bytes()
    expected = f"example: secret {RUNTIME}: {len(secret)} bytes, sha256 {hashlib.sha256(secret).hexdigest()}"
    assert run.has(expected), run.describe()
    decisions = [e for e in run.broker_events("resource") if e["resource"] == RUNTIME]
    assert [(e["decision"], e["token_source"]) for e in decisions] == [("released", "bearer")], run.describe()
    # The boot's token was enough: one attestation in the whole boot.
    assert [e["decision"] for e in run.broker_events("attest")] == ["accepted"], run.describe()
    # bp-init fetched the boot's resources itself; the agent served the greeting from memory.
    greeting = [e for e in run.broker_events("resource") if e["resource"] == GREETING]
    assert len(greeting) == 1 and greeting[0]["token_source"] == "session", run.describe()


def test_evidence_is_bound_to_the_runtime_data(boot) -> None:
    _, run = boot
    assert run.has("example: evidence: SNP report, report_data is the runtime data, with cert_chain"), \
        run.describe()


def test_agent_uses_the_handed_over_session(boot) -> None:
    _, run = boot
    assert run.has("others from the broker at"), run.describe()
    assert run.has("capabilities dropped, no_new_privs set, seccomp allow list installed"), run.describe()
