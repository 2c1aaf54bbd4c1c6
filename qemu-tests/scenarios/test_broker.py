"""Scenario 6: the key broker is down at boot, then comes up within the deadline, or not."""

from __future__ import annotations

import checks


def test_broker_up_within_the_deadline(make_vm) -> None:
    vm = make_vm("demo", "broker-late")
    vm.broker.down_for_s = 15
    run = vm.run()
    checks.powered_off(run)
    events = [e["event"] for e in run.broker_events()]
    assert events.index("down") < events.index("up") < events.index("attest"), events
    assert [e["decision"] for e in run.broker_events("attest")] == ["accepted"], run.describe()
    assert run.has("example: done"), run.describe()


def test_broker_down_past_the_deadline_fails_closed(make_vm) -> None:
    vm = make_vm("demo", "broker-down")
    vm.broker.down_for_s = 3600
    run = vm.run()
    line = checks.stage_failed(run, "attest")
    assert "the deadline is reached" in line, line
    assert run.broker_events("attest") == [], run.describe()
    checks.nothing_released(run)
    checks.no_workload(run)
    checks.powered_off(run)
