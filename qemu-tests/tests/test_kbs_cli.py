"""The `kbs` executable as the runner and a developer use it."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import time
from pathlib import Path

from jsonlog import read_json_lines
from kbs_client import KbsClient
from snp.certs import CaChain

KBS = Path(__file__).resolve().parent.parent / "kbs"


def test_help_works_standalone() -> None:
    done = subprocess.run([str(KBS), "--help"], capture_output=True, text=True, timeout=30,
                          check=False)
    assert done.returncode == 0
    for option in ("--reference-values", "--trust", "--resources", "--tls-dir", "--insecure-http",
                   "--down-until", "--resource-policy", "--log"):
        assert option in done.stdout


def _config(tmp_path: Path, chain: CaChain) -> list:
    (tmp_path / "rv.json").write_text(json.dumps({"version": 1, "snp": {
        "measurements": [{"vcpus": 1, "vcpu_type": "EPYC-v4", "vmm_type": "QEMU",
                          "guest_features": "0x1", "launch_digest": "00" * 48}],
        "guest_policy": "0x30000", "allow_debug": False,
        "minimum_tcb": {"bootloader": 0, "tee": 0, "snp": 0, "microcode": 0}}}))
    (tmp_path / "trust.pem").write_bytes(chain.ask_ark_pem())
    (tmp_path / "resources").mkdir()
    return [str(KBS), "--reference-values", str(tmp_path / "rv.json"), "--trust",
            str(tmp_path / "trust.pem"), "--resources", str(tmp_path / "resources")]


def test_down_until_then_serves_over_tls(tmp_path: Path, genoa_chain: CaChain) -> None:
    cmd = _config(tmp_path, genoa_chain) + [
        "--tls-dir", str(tmp_path / "tls"), "--listen", "127.0.0.1:0", "--port-file",
        str(tmp_path / "port"), "--log", str(tmp_path / "kbs.log"), "--down-until", "2"]
    proc = subprocess.Popen(cmd)
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "port").exists() or not (tmp_path / "port").read_text().strip():
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        port = int((tmp_path / "port").read_text())
        refused_at_least_once = False
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=5).close()
                break
            except ConnectionRefusedError:
                refused_at_least_once = True
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert refused_at_least_once
        client = KbsClient("127.0.0.1", port, tmp_path / "tls" / "ca.pem")
        assert client.auth().status == 200
        client.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    events = [line["event"] for line in read_json_lines(tmp_path / "kbs.log")]
    assert events[:2] == ["down", "up"] and "auth" in events


def test_bad_configuration_is_reported(tmp_path: Path, genoa_chain: CaChain) -> None:
    cmd = _config(tmp_path, genoa_chain) + ["--insecure-http"]
    (tmp_path / "rv.json").write_text('{"version": 1, "snp": {}}')
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 2
    assert "rv.json" in done.stderr and "measurements" in done.stderr
