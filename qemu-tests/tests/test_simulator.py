"""The simulated secure processor, the frame protocol over a real socket, and the CLI."""

from __future__ import annotations

import json
import signal
import socket
import struct
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest
from cryptography import x509

from jsonlog import JsonLineLog, read_json_lines
from snp import certtable, simframe
from snp import chain as chainmod
from snp.certs import CaChain, generate_vcek
from snp.firmware import DEFAULT_TCB, FirmwareError, GuestLaunch, SecureProcessor
from snp.report import Report, signature_valid
from snp_sim import SnpSimServer

QEMU_TESTS = Path(__file__).resolve().parent.parent
MEASUREMENT = bytes(range(48))
HOST_DATA = bytes(range(100, 132))


@pytest.fixture(scope="module")
def processor(genoa_chain: CaChain) -> SecureProcessor:
    launch = GuestLaunch(measurement=MEASUREMENT, host_data=HOST_DATA)
    return SecureProcessor(genoa_chain, generate_vcek(genoa_chain, DEFAULT_TCB), launch)


@pytest.fixture
def sim(tmp_path: Path, processor: SecureProcessor) -> Iterator[SnpSimServer]:
    log = JsonLineLog(tmp_path / "sim.log")
    server = SnpSimServer(tmp_path / "sim.sock", processor, log)
    server.start()
    yield server
    server.stop()
    log.close()


def _connect(path: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect(str(path))
    return sock


def test_report_fields(processor: SecureProcessor, genoa_chain: CaChain) -> None:
    data = bytes(range(64))
    report = processor.report(data, 0)
    assert (report.version, report.guest_svn, report.policy, report.vmpl) == (3, 0, 0x30000, 0)
    assert report.signature_algo == 1 and report.signer_info == 0
    assert report.family_id == bytes(16) and report.image_id == bytes(16)
    assert report.id_key_digest == bytes(48) and report.author_key_digest == bytes(48)
    assert report.report_data == data and report.measurement == MEASUREMENT
    assert report.host_data == HOST_DATA
    assert (report.cpuid_fam_id, report.cpuid_mod_id, report.cpuid_step) == (0x19, 0x11, 0x01)
    assert report.product == "Genoa" and report.report_id_ma == b"\xff" * 32
    for name in ("current_tcb", "reported_tcb", "committed_tcb", "launch_tcb"):
        assert report.tcb(name) == DEFAULT_TCB
    assert report.chip_id == processor.vcek.chip_id
    vcek = processor.vcek.certificate
    assert chainmod.parse_vcek_extensions(vcek).hwid == report.chip_id
    assert signature_valid(report.encode(), vcek.public_key())
    # Stable per guest: the same REPORT_ID for every report of this run.
    assert processor.report(bytes(64), 1).report_id == report.report_id
    with pytest.raises(FirmwareError) as err:
        processor.report(data, 4)
    assert err.value.status == 0x16


def test_debug_policy_is_reported(genoa_chain: CaChain) -> None:
    launch = GuestLaunch(measurement=MEASUREMENT, policy=0xB0000)
    report = SecureProcessor(genoa_chain, generate_vcek(genoa_chain, DEFAULT_TCB),
                             launch).report(bytes(64), 0)
    assert report.debug_allowed and report.policy == 0xB0000
    with pytest.raises(ValueError, match="bit 17"):
        GuestLaunch(measurement=MEASUREMENT, policy=0x10000)


def test_frames_over_the_socket(sim: SnpSimServer, tmp_path: Path, genoa_chain: CaChain) -> None:
    with _connect(sim.socket_path) as sock:
        for request_id, vmpl in ((7, 0), (8, 3)):
            data = bytes([request_id]) * 64
            response = simframe.exchange(sock, simframe.Request(request_id, vmpl, data))
            assert (response.request_id, response.status) == (request_id, 0)
            report = Report.parse(response.report)
            assert report.report_data == data and report.vmpl == vmpl
            entries = certtable.parse(response.certs)
            assert [e.name for e in entries] == ["VCEK", "ASK", "ARK"]
            vcek = x509.load_der_x509_certificate(certtable.find(entries, "VCEK"))
            assert signature_valid(response.report, vcek.public_key())
            ark = x509.load_der_x509_certificate(certtable.find(entries, "ARK"))
            assert ark == genoa_chain.ark
        bad_vmpl = simframe.exchange(sock, simframe.Request(9, 4, bytes(64)))
        assert (bad_vmpl.request_id, bad_vmpl.status, bad_vmpl.report, bad_vmpl.certs) == \
            (9, 0x16, b"", b"")
        # A wrong version keeps the framing: answered with INVALID_PARAM, then business as usual.
        sock.sendall(struct.pack("<IIII64s", simframe.MAGIC, 2, 10, 0, bytes(64)))
        header = simframe.parse_response_header(simframe.recv_exact(sock, 24))
        assert (header.request_id, header.status, header.report_len) == (10, 0x16, 0)
        assert simframe.exchange(sock, simframe.Request(11, 0, bytes(64))).status == 0
        # A wrong magic means the stream is out of sync: the simulator hangs up.
        sock.sendall(struct.pack("<IIII64s", 0x12345678, 1, 12, 0, bytes(64)))
        assert sock.recv(1) == b""
    lines = read_json_lines(tmp_path / "sim.log")
    reports = [line for line in lines if line["event"] == "report"]
    assert [(r["request_id"], r["status"]) for r in reports] == [(7, 0), (8, 0), (9, 0x16), (11, 0)]
    assert reports[0]["report_data"] == "07" * 64 and reports[0]["measurement"] == MEASUREMENT.hex()
    bad = [line for line in lines if line["event"] == "bad_request"]
    assert [(b["request_id"], b["closing"]) for b in bad] == [(10, False), (0, True)]


def test_truncated_request_closes_the_connection(sim: SnpSimServer) -> None:
    with _connect(sim.socket_path) as sock:
        sock.sendall(simframe.Request(1, 0, bytes(64)).encode()[:50])
        sock.shutdown(socket.SHUT_WR)
        assert sock.recv(1) == b""
    with _connect(sim.socket_path) as sock:  # and the simulator still serves
        assert simframe.exchange(sock, simframe.Request(2, 0, bytes(64))).status == 0


def test_request_frame_layout() -> None:
    frame = simframe.Request(0x01020304, 2, b"\xaa" * 64).encode()
    assert len(frame) == 80
    assert frame[:16] == b"BSIM" + bytes([1, 0, 0, 0, 4, 3, 2, 1, 2, 0, 0, 0])
    response = simframe.Response(5, 0, b"r" * 3, b"c" * 2).encode()
    assert response == b"BSIM" + struct.pack("<IIIII", 1, 5, 0, 3, 2) + b"rrrcc"
    with pytest.raises(simframe.FrameError):
        simframe.parse_request(frame[:79])


def test_cli_report_and_serve(tmp_path: Path, genoa_chain: CaChain) -> None:
    chain_dir = tmp_path / "chain"
    genoa_chain.save(chain_dir)
    measurement = "cd" * 48
    subprocess.run([str(QEMU_TESTS / "snp-sim"), "report", "--chain-dir", str(chain_dir),
                    "--measurement", measurement, "--report-data", "11" * 64, "--vmpl", "0",
                    "--policy", "0xb0000", "--out", str(tmp_path / "report.bin"),
                    "--certs-out", str(tmp_path / "certs.bin")], check=True, timeout=60)
    report = Report.parse((tmp_path / "report.bin").read_bytes())
    assert report.measurement.hex() == measurement and report.debug_allowed
    vcek = x509.load_der_x509_certificate(
        certtable.find(certtable.parse((tmp_path / "certs.bin").read_bytes()), "VCEK"))
    assert signature_valid((tmp_path / "report.bin").read_bytes(), vcek.public_key())

    sock_path = tmp_path / "serve.sock"
    proc = subprocess.Popen([str(QEMU_TESTS / "snp-sim"), "serve", "--socket", str(sock_path),
                             "--chain-dir", str(chain_dir), "--measurement", measurement,
                             "--host-data", "ee" * 32, "--log", str(tmp_path / "serve.log")])
    try:
        deadline = time.monotonic() + 30
        while not sock_path.exists():
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        with _connect(sock_path) as sock:
            response = simframe.exchange(sock, simframe.Request(1, 0, bytes(64)))
        assert response.status == 0
        assert Report.parse(response.report).host_data == b"\xee" * 32
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    assert not sock_path.exists()
    events = [json.loads(line)["event"] for line in (tmp_path / "serve.log").read_text().splitlines()]
    assert events[0] == "listening" and "report" in events


def test_cli_measures_what_qemu_boots_with_bp_measure(tmp_path: Path, genoa_chain: CaChain) -> None:
    chain_dir = tmp_path / "chain"
    genoa_chain.save(chain_dir)
    tool = tmp_path / "bp-measure"
    tool.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {tmp_path}/args\necho {"9e" * 48}\n')
    tool.chmod(0o755)
    base = [str(QEMU_TESTS / "snp-sim"), "report", "--chain-dir", str(chain_dir),
            "--out", str(tmp_path / "report.bin"), "--bp-measure", str(tool)]
    launch = ["--ovmf", "fw.bin", "--vcpus", "2", "--vcpu-type", "EPYC-v4", "--kernel", "bzImage",
              "--initrd", "initrd.zst", "--append=console=ttyS0 bp.sim=1"]
    subprocess.run(base + launch, check=True, timeout=60)
    assert Report.parse((tmp_path / "report.bin").read_bytes()).measurement == b"\x9e" * 48
    assert (tmp_path / "args").read_text().splitlines() == [
        "snp", "--ovmf", "fw.bin", "--vcpus", "2", "--vcpu-type", "EPYC-v4", "--kernel", "bzImage",
        "--initrd", "initrd.zst", "--append", "console=ttyS0 bp.sim=1", "--output-format", "hex"]
    done = subprocess.run(base + ["--ovmf", "fw.bin"], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode != 0 and "--vcpus, --vcpu-type, --kernel" in done.stderr
