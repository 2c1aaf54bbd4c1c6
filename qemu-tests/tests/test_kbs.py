"""The test broker end to end: a client over TLS, evidence signed by the simulator."""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest
from cryptography import x509

from broker import tls
from broker.app import KbsApp
from jsonlog import JsonLineLog, read_json_lines
from kbs_client import KbsClient, Reply, TeeKey, b64url_decode
from kbs_server import KbsServer, build_app
from snp import certtable, simframe
from snp.certs import CaChain, generate_vcek
from snp.evidence import CertEntry, evidence_to_json
from snp.firmware import DEFAULT_TCB, GuestLaunch, SecureProcessor
from snp.report import Report, sign
from snp.tcb import Tcb
from snp_sim import SnpSimServer

MEASUREMENT = bytes.fromhex("5a" * 48)
OTHER_MEASUREMENT = bytes.fromhex("a5" * 48)
ROOT_KEY = b"root-disk-key-\x00\x01\x02-0123456789abcdef"
DATA_KEY = b"data-disk-key-fedcba9876543210"
ERRORS = "https://github.com/confidential-containers/kbs/errors/"


def _write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode())
    return path


def reference_values(**snp_overrides: Any) -> Dict[str, Any]:
    snp: Dict[str, Any] = {
        "measurements": [{"vcpus": 1, "vcpu_type": "EPYC-v4", "vmm_type": "QEMU",
                          "guest_features": "0x1", "launch_digest": MEASUREMENT.hex()}],
        "guest_policy": "0x30000", "allow_debug": False,
        "minimum_tcb": {"bootloader": 0, "tee": 0, "snp": 0, "microcode": 0}}
    snp.update(snp_overrides)
    return {"version": 1, "snp": snp, "verity_root_hash": "ab" * 32}


POLICY = {"version": 1, "rules": [
    {"resource": "default/blocked/*", "allow": False},
    {"resource": "default/pinned/*", "measurements": [OTHER_MEASUREMENT.hex()]},
    {"resource": "default/*/*"},
]}


@dataclass
class Broker:
    server: KbsServer
    app: KbsApp
    log_path: Path
    ca: Optional[Path]

    def client(self) -> KbsClient:
        return KbsClient("127.0.0.1", self.server.port, self.ca)

    def log(self) -> List[Dict[str, Any]]:
        return read_json_lines(self.log_path)

    def events(self, event: str) -> List[Dict[str, Any]]:
        return [line for line in self.log() if line["event"] == event]


@pytest.fixture
def make_broker(tmp_path: Path, genoa_chain: CaChain) -> Iterator[Callable[..., Broker]]:
    started: List[Broker] = []

    def make(refs: Optional[Dict[str, Any]] = None, use_tls: bool = True,
             host_data: Optional[bytes] = None) -> Broker:
        root = tmp_path / f"broker{len(started)}"
        resources = root / "resources"
        _write(resources / "default" / "keys" / "root", ROOT_KEY)
        _write(resources / "default" / "keys" / "data", DATA_KEY)
        _write(resources / "default" / "blocked" / "secret", b"never")
        _write(resources / "default" / "pinned" / "secret", b"never either")
        log = JsonLineLog(root / "decisions.log")
        app = build_app(reference_values=_write(root / "rv.json", refs or reference_values()),
                        trust=[_write(root / "trust.pem", genoa_chain.ask_ark_pem())],
                        resources=resources, resource_policy=_write(root / "policy.json", POLICY),
                        log=log, host_data=host_data)
        ca = None
        context = None
        if use_tls:
            tls.ensure_tls_files(root / "tls")
            context = tls.server_context(root / "tls")
            ca = root / "tls" / tls.CA_FILE
        server = KbsServer(app, "127.0.0.1", 0, context)
        server.start()
        broker = Broker(server, app, root / "decisions.log", ca)
        started.append(broker)
        return broker

    yield make
    for broker in started:
        broker.server.stop()
        broker.app.log.close()


@pytest.fixture(scope="module")
def guest(genoa_chain: CaChain) -> SecureProcessor:
    return SecureProcessor(genoa_chain, generate_vcek(genoa_chain, DEFAULT_TCB),
                           GuestLaunch(measurement=MEASUREMENT))


def evidence(processor: SecureProcessor, report_data: bytes, vmpl: int = 0,
             tamper: Optional[Callable[[Report], Report]] = None) -> Dict[str, Any]:
    report = processor.report(report_data, vmpl)
    if tamper is not None:
        report = tamper(report)
    return evidence_to_json(report, [CertEntry("VCEK", processor.vcek.der)])


def attested_client(broker: Broker, processor: SecureProcessor) -> Tuple[KbsClient, TeeKey, Reply]:
    client = broker.client()
    reply = client.auth()
    assert reply.status == 200, reply.body
    nonce = reply.json()["nonce"]
    key = TeeKey()
    reply = client.attest(nonce, key, evidence(processor, key.report_data(nonce)))
    return client, key, reply


def assert_error(reply: Reply, status: int, variant: str) -> Dict[str, Any]:
    assert reply.status == status, reply.body
    body = reply.json()
    assert set(body) == {"type", "detail"} and body["type"] == ERRORS + variant, body
    return body


def test_happy_path(make_broker: Callable[..., Broker], guest: SecureProcessor) -> None:
    broker = make_broker()
    client = broker.client()
    reply = client.auth()
    assert reply.status == 200 and reply.headers["content-type"] == "application/json"
    challenge = reply.json()
    assert set(challenge) == {"nonce", "extra-params"} and challenge["extra-params"] == ""
    assert len(challenge["nonce"]) == 44 and challenge["nonce"].endswith("=")
    cookie = reply.headers["set-cookie"]
    assert cookie.startswith("kbs-session-id=") and "; Expires=" in cookie and cookie.endswith("GMT")
    assert len(client.cookie or "") == 32

    key = TeeKey()
    reply = client.attest(challenge["nonce"], key, evidence(guest, key.report_data(challenge["nonce"])))
    assert reply.status == 200, reply.body
    token = reply.json()["token"]
    assert token.count(".") == 2

    for name, secret in (("default/keys/root", ROOT_KEY), ("default/keys/data", DATA_KEY)):
        reply = client.resource(name)
        assert reply.status == 200, reply.body
        flattened = reply.json()
        assert set(flattened) == {"protected", "encrypted_key", "iv", "ciphertext", "tag"}
        header = json.loads(b64url_decode(flattened["protected"]))
        assert list(header) == ["alg", "enc", "epk"]
        assert (header["alg"], header["enc"], header["epk"]["crv"]) == ("ECDH-ES+A256KW", "A256GCM",
                                                                        "P-256")
        assert key.decrypt(flattened) == secret
    # A second attest on the attested session returns the same token (as Trustee).
    assert client.attest(challenge["nonce"], key, {}).json()["token"] == token
    client.close()

    log = broker.log()
    decisions = [(line["event"], line.get("decision")) for line in log
                 if line["event"] in ("auth", "attest", "resource")]
    assert decisions == [("auth", "challenge"), ("attest", "accepted"), ("resource", "released"),
                         ("resource", "released"), ("attest", "accepted")]
    accepted = broker.events("attest")[0]
    assert accepted["check"] == "ok" and accepted["claims"]["measurement"] == MEASUREMENT.hex()
    assert accepted["claims"]["reference"] == {"vcpus": 1, "vcpu_type": "EPYC-v4"}
    last = broker.events("resource")[-1]
    assert (last["session_connections"], last["session_requests"]) == (1, 4)
    assert last["token_source"] == "session"
    # Everything went over one connection, and no resource bytes reached the log.
    assert len(broker.events("connection")) == 1
    text = broker.log_path.read_bytes()
    assert ROOT_KEY not in text and DATA_KEY not in text
    assert b"root-disk-key" not in text


def test_bearer_token_on_a_new_connection(make_broker: Callable[..., Broker],
                                          guest: SecureProcessor) -> None:
    broker = make_broker()
    client, key, reply = attested_client(broker, guest)
    token = reply.json()["token"]
    client.close()
    other = broker.client()
    reply = other.resource("default/keys/root", bearer=token)
    assert reply.status == 200 and key.decrypt(reply.json()) == ROOT_KEY
    assert broker.events("resource")[-1]["token_source"] == "bearer"
    assert_error(other.resource("default/keys/root", bearer=token[:-4] + "AAAA"), 401,
                 "TokenVerifierError")
    other.close()


def test_wrong_nonce(make_broker: Callable[..., Broker], guest: SecureProcessor) -> None:
    broker = make_broker()
    client = broker.client()
    nonce = client.auth().json()["nonce"]
    key = TeeKey()
    forged = "A" * 43 + "="
    body = assert_error(client.attest(forged, key, evidence(guest, key.report_data(forged))), 401,
                        "AttestationError")
    assert "nonce" in body["detail"]
    assert broker.events("attest")[-1]["check"] == "nonce"
    # The session is not attested: no resource.
    assert_error(client.resource("default/keys/root"), 401, "TokenNotFound")
    assert nonce != forged
    client.close()


def test_replayed_evidence_in_another_session(make_broker: Callable[..., Broker],
                                              guest: SecureProcessor) -> None:
    broker = make_broker()
    first = broker.client()
    nonce_a = first.auth().json()["nonce"]
    key = TeeKey()
    captured = evidence(guest, key.report_data(nonce_a))
    first.close()

    second = broker.client()
    nonce_b = second.auth().json()["nonce"]
    assert nonce_b != nonce_a
    # Replayed as it was: the nonce is not this session's.
    assert_error(second.attest(nonce_a, key, captured), 401, "AttestationError")
    assert broker.events("attest")[-1]["check"] == "nonce"
    # With this session's nonce put in: the report does not commit to it.
    assert_error(second.attest(nonce_b, key, captured), 401, "AttestationError")
    assert broker.events("attest")[-1]["check"] == "report_data"
    # Another key with the captured report: same.
    assert_error(second.attest(nonce_b, TeeKey(), captured), 401, "AttestationError")
    assert broker.events("attest")[-1]["check"] == "report_data"
    second.close()


def _refused(broker: Broker, processor: SecureProcessor, check: str, vmpl: int = 0,
             tamper: Optional[Callable[[Report], Report]] = None,
             certs: Optional[List[CertEntry]] = None) -> None:
    client = broker.client()
    nonce = client.auth().json()["nonce"]
    key = TeeKey()
    doc = evidence(processor, key.report_data(nonce), vmpl, tamper)
    if certs is not None:
        doc["cert_chain"] = [{"cert_type": c.cert_type, "data": list(c.data)} for c in certs]
    body = assert_error(client.attest(nonce, key, doc), 401, "AttestationError")
    last = broker.events("attest")[-1]
    assert (last["decision"], last["check"]) == ("rejected", check), last
    assert last["reason"] in body["detail"]
    assert_error(client.resource("default/keys/root"), 401, "TokenNotFound")
    client.close()


def test_debug_policy_refused(make_broker: Callable[..., Broker], genoa_chain: CaChain) -> None:
    debug_guest = SecureProcessor(genoa_chain, generate_vcek(genoa_chain, DEFAULT_TCB),
                                  GuestLaunch(measurement=MEASUREMENT, policy=0xB0000))
    _refused(make_broker(), debug_guest, "debug")
    # Reference values that allow debugging accept the same guest.
    broker = make_broker(reference_values(allow_debug=True))
    client, key, reply = attested_client(broker, debug_guest)
    assert reply.status == 200
    # ... but the resource rules still keep debug guests away from the keys.
    assert_error(client.resource("default/keys/root"), 403, "PolicyDeny")
    assert "debugging" in broker.events("resource")[-1]["reason"]
    client.close()


def test_measurement_not_in_reference_values(make_broker: Callable[..., Broker],
                                             genoa_chain: CaChain) -> None:
    other = SecureProcessor(genoa_chain, generate_vcek(genoa_chain, DEFAULT_TCB),
                            GuestLaunch(measurement=OTHER_MEASUREMENT))
    _refused(make_broker(), other, "measurement")


def test_resource_not_allowed_and_missing(make_broker: Callable[..., Broker],
                                          guest: SecureProcessor) -> None:
    broker = make_broker()
    client, key, reply = attested_client(broker, guest)
    assert reply.status == 200
    assert_error(client.resource("default/blocked/secret"), 403, "PolicyDeny")
    assert broker.events("resource")[-1]["decision"] == "denied"
    assert_error(client.resource("default/pinned/secret"), 403, "PolicyDeny")
    assert "measurement" in broker.events("resource")[-1]["reason"]
    assert_error(client.resource("default/keys/missing"), 404, "InvalidRequestPath")
    assert broker.events("resource")[-1]["decision"] == "not_found"
    assert_error(client.resource("default/keys"), 404, "InvalidRequestPath")
    assert_error(client.resource("default/../keys/root"), 404, "InvalidRequestPath")
    assert_error(client.request("GET", "/kbs/v0/nosuchplugin/x"), 404, "PluginNotFound")
    assert_error(client.request("GET", "/kbs/v0/auth"), 404, "PluginNotFound")
    # The connection survived every error: still one connection for this session.
    assert client.resource("default/keys/data").status == 200
    assert broker.events("resource")[-1]["session_connections"] == 1
    assert len(broker.events("connection")) == 1
    client.close()


def test_no_token(make_broker: Callable[..., Broker]) -> None:
    broker = make_broker()
    client = broker.client()
    assert_error(client.resource("default/keys/root"), 401, "TokenNotFound")
    assert client.auth().status == 200  # a session, but not attested
    assert_error(client.resource("default/keys/root"), 401, "TokenNotFound")
    assert_error(client.resource("default/keys/root", bearer="not.a.token"), 401,
                 "TokenVerifierError")
    assert [e["decision"] for e in broker.events("resource")] == ["unauthorized"] * 3
    client.close()


def test_chain_from_a_different_ark(make_broker: Callable[..., Broker],
                                    rogue_chain: CaChain) -> None:
    rogue = SecureProcessor(rogue_chain, generate_vcek(rogue_chain, DEFAULT_TCB),
                            GuestLaunch(measurement=MEASUREMENT))
    broker = make_broker()
    _refused(broker, rogue, "cert_chain")
    _refused(broker, rogue, "cert_chain", certs=[CertEntry("VCEK", rogue.vcek.der),
                                                 CertEntry("ASK", rogue_chain.ask_der)])
    _refused(broker, rogue, "ark", certs=[CertEntry("VCEK", rogue.vcek.der),
                                          CertEntry("ASK", rogue_chain.ask_der),
                                          CertEntry("ARK", rogue_chain.ark_der)])


def test_flipped_signature_byte(make_broker: Callable[..., Broker], guest: SecureProcessor) -> None:
    def flip(report: Report) -> Report:
        r = bytearray(report.signature_r)
        r[5] ^= 0x01
        return report.with_fields(signature_r=bytes(r))

    _refused(make_broker(), guest, "signature", tamper=flip)


def test_report_checks(make_broker: Callable[..., Broker], genoa_chain: CaChain,
                       guest: SecureProcessor) -> None:
    broker = make_broker(reference_values(minimum_tcb={"bootloader": 0, "tee": 0, "snp": 24,
                                                       "microcode": 0}))
    _refused(broker, guest, "tcb")
    broker = make_broker(host_data=b"\x01" * 32)
    _refused(broker, guest, "host_data")
    _refused(broker, guest, "vmpl", vmpl=1)
    # A report re-signed with a field changed is authentic-looking but for another chip.
    other_chip = generate_vcek(genoa_chain, DEFAULT_TCB)
    _refused(broker, guest, "vcek_hwid",
             tamper=lambda r: sign(r.with_fields(chip_id=other_chip.chip_id), guest.vcek.key))
    lower = Tcb(bootloader=9, tee=0, snp=23, microcode=25).encode()
    _refused(broker, guest, "vcek_tcb",
             tamper=lambda r: sign(r.with_fields(reported_tcb=lower), guest.vcek.key))
    _refused(broker, guest, "policy",
             tamper=lambda r: sign(r.with_fields(policy=0x70000), guest.vcek.key))


def test_protocol_errors(make_broker: Callable[..., Broker], guest: SecureProcessor) -> None:
    broker = make_broker()
    client = broker.client()
    body = assert_error(client.auth(version="0.3.0"), 401, "AttestationError")
    assert "Version Mismatch" in body["detail"]
    assert_error(client.request("POST", "/kbs/v0/attest", {}), 401, "AttestationError")
    nonce = client.auth().json()["nonce"]
    key = TeeKey()
    bad_key = dict(key.jwk, use="enc")
    reply = client.request("POST", "/kbs/v0/attest", {
        "runtime-data": {"nonce": nonce, "tee-pubkey": bad_key},
        "tee-evidence": {"primary_evidence": evidence(guest, key.report_data(nonce)),
                         "additional_evidence": ""}})
    assert_error(reply, 401, "AttestationError")
    assert broker.events("attest")[-1]["check"] == "tee_pubkey"
    reply = client.request("POST", "/kbs/v0/attest", b"not json")
    assert_error(reply, 401, "AttestationError")
    assert broker.events("attest")[-1]["check"] == "request"
    assert_error(client.request("POST", "/kbs/v0/auth", b"\xff"), 401, "AttestationError")
    assert broker.events("auth")[-1]["decision"] == "rejected"
    client.close()


def test_full_path_through_the_simulator_socket(tmp_path: Path, make_broker: Callable[..., Broker],
                                                guest: SecureProcessor) -> None:
    """The guest's view: a frame to the simulator, its cert table into the evidence."""
    log = JsonLineLog(tmp_path / "sim.log")
    sim = SnpSimServer(tmp_path / "sim.sock", guest, log)
    sim.start()
    try:
        broker = make_broker()
        client = broker.client()
        nonce = client.auth().json()["nonce"]
        key = TeeKey()
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(tmp_path / "sim.sock"))
            response = simframe.exchange(sock, simframe.Request(1, 0, key.report_data(nonce)))
        assert response.status == 0
        certs = [CertEntry(e.name, e.data) for e in certtable.parse(response.certs)]
        doc = evidence_to_json(Report.parse(response.report), certs)
        assert [c["cert_type"] for c in doc["cert_chain"]] == ["VCEK", "ASK", "ARK"]
        assert client.attest(nonce, key, doc).status == 200
        reply = client.resource("default/keys/root")
        assert key.decrypt(reply.json()) == ROOT_KEY
        client.close()
    finally:
        sim.stop()
        log.close()


def test_plain_http_mode(make_broker: Callable[..., Broker], guest: SecureProcessor) -> None:
    broker = make_broker(use_tls=False)
    assert broker.server.url.startswith("http://")
    client, key, reply = attested_client(broker, guest)
    assert reply.status == 200
    assert key.decrypt(client.resource("default/keys/root").json()) == ROOT_KEY
    client.close()


def test_broker_down_then_up(make_broker: Callable[..., Broker], guest: SecureProcessor) -> None:
    broker = make_broker()
    client, key, reply = attested_client(broker, guest)
    assert reply.status == 200
    broker.server.set_down(1.0)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", broker.server.port), timeout=5).close()
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", broker.server.port), timeout=5).close()
            break
        except ConnectionRefusedError:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    # The session outlives the outage: the same cookie works on a new connection.
    fresh = broker.client()
    fresh.cookie = client.cookie
    assert key.decrypt(fresh.resource("default/keys/root").json()) == ROOT_KEY
    assert [e["event"] for e in broker.log() if e["event"] in ("down", "up")] == ["up", "down", "up"]
    fresh.close()
    client.close()


def test_tls_identity_is_reused_and_names_the_guest_address(tmp_path: Path) -> None:
    tls.ensure_tls_files(tmp_path)
    ca = (tmp_path / tls.CA_FILE).read_bytes()
    cert = x509.load_pem_x509_certificate((tmp_path / tls.CERT_FILE).read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert {str(ip) for ip in san.get_values_for_type(x509.IPAddress)} == {"10.0.2.100", "127.0.0.1"}
    assert {"10.0.2.100", "localhost"} <= set(san.get_values_for_type(x509.DNSName))
    tls.ensure_tls_files(tmp_path)
    assert (tmp_path / tls.CA_FILE).read_bytes() == ca
    tls.ensure_tls_files(tmp_path, tls.DEFAULT_SANS + ("kbs.example",))
    assert (tmp_path / tls.CA_FILE).read_bytes() == ca  # new server cert, same CA
    cert = x509.load_pem_x509_certificate((tmp_path / tls.CERT_FILE).read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "kbs.example" in san.get_values_for_type(x509.DNSName)


def test_oversized_and_chunked_bodies_are_refused(make_broker: Callable[..., Broker]) -> None:
    broker = make_broker(use_tls=False)
    for header, status in (("Content-Length: 99999999", 413), ("Transfer-Encoding: chunked", 411)):
        with socket.create_connection(("127.0.0.1", broker.server.port), timeout=10) as sock:
            sock.sendall(f"POST /kbs/v0/auth HTTP/1.1\r\nHost: x\r\n{header}\r\n\r\n".encode())
            reply = b""
            while chunk := sock.recv(4096):
                reply += chunk
        assert reply.startswith(f"HTTP/1.1 {status} ".encode()), reply
        assert b"Connection: close" in reply
    assert [(e["decision"], e["status"]) for e in broker.events("request")] == [
        ("rejected", 413), ("rejected", 411)]


def test_a_broker_bug_answers_500_and_is_logged(make_broker: Callable[..., Broker],
                                                guest: SecureProcessor,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    broker = make_broker()

    def broken(evidence: Any) -> Any:
        raise RuntimeError("verifier bug")

    monkeypatch.setattr(broker.app.verifier, "authenticate", broken)
    client, key, reply = attested_client(broker, guest)
    assert_error(reply, 500, "InternalError")
    assert broker.events("internal_error")[-1]["error"] == "RuntimeError: verifier bug"
    assert client.auth().status == 200  # the connection is still served
    client.close()
