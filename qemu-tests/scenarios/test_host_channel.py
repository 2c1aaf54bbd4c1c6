"""Scenario 10: the host control channel on its virtio-serial port. The production policy
allows status and shutdown only; the debug policy also exec and logs; set-policy never."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path
from typing import Any, Dict, List

import checks
from podvm import PodVm

HOLDING = "example: holding until SIGTERM"


class HostChannel:
    """The host's end: QEMU's UNIX socket for the agent's virtio-serial port."""

    def __init__(self, path: Path) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(60)
        self.sock.connect(str(path))
        self.buffer = b""

    def request(self, message: Dict[str, Any]) -> Dict[str, Any]:
        self.sock.sendall(json.dumps(message).encode() + b"\n")
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the host channel closed")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def close(self) -> None:
        self.sock.close()


def converse(vm: PodVm, requests: List[Dict[str, Any]]):
    """Boots vm; once the workload holds, sends the requests and then a shutdown.
    Returns the run and the replies (the shutdown's last)."""
    holding = threading.Event()
    replies: List[Dict[str, Any]] = []
    errors: List[BaseException] = []

    def host_side(_: PodVm) -> None:
        def talk() -> None:
            try:
                if not holding.wait(240):
                    return
                channel = HostChannel(vm.agent_socket)
                try:
                    for message in requests + [{"op": "shutdown", "id": "bye"}]:
                        replies.append(channel.request(message))
                finally:
                    channel.close()
            except BaseException as e:  # reported by the test
                errors.append(e)
        threading.Thread(target=talk, daemon=True).start()

    def watch(line: str) -> bool:
        if HOLDING in line:
            holding.set()
        return False

    run = vm.run(stop_when=watch, during=host_side)
    assert not errors, f"host channel: {errors[0]!r}: {run.describe()}"
    return run, replies


def test_production_policy_refuses_exec(make_vm) -> None:
    vm = make_vm("hold", "host-channel-production")
    run, replies = converse(vm, [
        {"op": "status", "id": 1},
        {"op": "exec", "id": 2, "argv": ["/bin/sh", "-c", "cat /proc/cmdline"]},
        {"op": "logs", "id": 3},
        {"op": "set-policy", "id": 4, "policy": {"allow": ["exec"]}},
    ])
    status, exec_reply, logs, set_policy, shutdown = replies
    assert status["ok"] is True and status["id"] == 1, status
    assert status["agent"]["policy"] == "production", status
    assert status["agent"]["allow"] == ["status", "shutdown"], status
    assert status["boot"] is not None, status
    assert exec_reply == {"ok": False, "id": 2, "error": "denied by policy: exec"}, exec_reply
    assert logs == {"ok": False, "id": 3, "error": "denied by policy: logs"}, logs
    assert set_policy["ok"] is False and "never allowed" in set_policy["error"], set_policy
    assert shutdown["ok"] is True and shutdown.get("shutting_down") is True, shutdown
    assert run.has("host channel: denied exec from virtio port (policy production)"), run.describe()
    assert run.has("example: SIGTERM: exiting"), run.describe()
    assert run.has("bp-init supervise: workload exited with status 0"), run.describe()
    checks.powered_off(run)


def test_debug_policy_allows_exec(make_vm) -> None:
    vm = make_vm("debug", "host-channel-debug")
    run, replies = converse(vm, [
        {"op": "exec", "id": 1, "argv": ["/bin/cat", "/proc/cmdline"]},
        {"op": "set-policy", "id": 2, "policy": {}},
    ])
    exec_reply, set_policy, shutdown = replies
    assert exec_reply["ok"] is True and exec_reply["exit_code"] == 0, exec_reply
    # QEMU adds initrd=initrd for the firmware's loader.
    assert exec_reply["output"].startswith(vm.host.append), exec_reply
    assert set_policy["ok"] is False, set_policy
    assert shutdown["ok"] is True, shutdown
    checks.powered_off(run)
