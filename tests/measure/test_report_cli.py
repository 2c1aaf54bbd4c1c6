"""bp-measure report show|verify as an operator runs it: the real Genoa evidence and Milan
report against AMD's pinned chains, policies, flipped bytes, wrong-product chains and
malformed input (exit status 1 with a message, never a signal)."""

import base64
import json
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(os.environ.get("BP_BIN", os.path.join(ROOT, "build", "bin")), "bp-measure")
DATA = os.path.join(ROOT, "tests", "data")
GENOA = os.path.join(DATA, "trustee", "snp-evidence-genoa.json")
MILAN = os.path.join(DATA, "snp", "milan-v2-debug.bin")
MILAN_VCEK = os.path.join(DATA, "snp", "milan-v2-debug.vcek.der")
SYNTHETIC = os.path.join(DATA, "snp", "synthetic")
AT = "2025-06-01T00:00:00Z"

AUTHENTICITY = ["product", "signing_key", "vek", "ark", "ask", "vek_chain", "validity", "vek_product",
                "vek_tcb", "vek_hwid", "signature"]


def run(*args):
    p = subprocess.run([BIN, "report", *args], capture_output=True, text=True)
    assert p.returncode >= 0, f"killed by signal {-p.returncode}: {p.stderr}"
    return p


def verify(*args):
    p = run("verify", *args)
    assert p.returncode in (0, 1), p.stderr
    doc = json.loads(p.stdout)
    return p, doc, {c["check"]: c["result"] for c in doc["checks"]}


def test_genoa_evidence_verifies_under_the_default_policy():
    p, doc, results = verify(GENOA, "--at", AT)
    assert p.returncode == 0, p.stderr
    assert doc["verified"] is True and doc["product"] == "Genoa" and doc["at"] == AT
    assert list(results) == AUTHENTICITY + ["debug", "migration_agent"]
    assert set(results.values()) == {"pass"}
    assert p.stderr == ""


def test_milan_report_is_genuine_but_allows_debug(tmp_path):
    p, doc, results = verify(MILAN, "--certs", MILAN_VCEK, "--product", "milan", "--at", AT)
    assert p.returncode == 1
    assert doc["verified"] is False
    assert all(results[c] == "pass" for c in AUTHENTICITY), results
    assert results["debug"] == "fail"
    assert p.stderr.strip().splitlines() == [
        "bp-measure report verify: FAILED debug: guest policy 0xb0000 allows debugging (bit 19): "
        "the hypervisor can read and change guest memory"]
    policy = tmp_path / "debug.json"
    policy.write_text(json.dumps({"version": 1, "allow_debug": True}))
    p, doc, results = verify(MILAN, "--certs", MILAN_VCEK, "--product", "milan", "--at", AT,
                             "--policy", str(policy))
    assert p.returncode == 0, p.stderr
    assert doc["verified"] is True and results["debug"] == "pass"


def test_policy_file_items(tmp_path):
    show = json.loads(run("show", GENOA).stdout)["report"]
    policy = {"version": 1, "measurements": [show["measurement"]], "vmpls": [0],
              "minimum_tcb": {"bootloader": 10, "tee": 0, "snp": 23, "microcode": 25},
              "host_data": show["host_data"], "report_data": show["report_data"],
              "guest_policy": "0x30000", "allow_smt": True}
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(policy))
    p, doc, results = verify(GENOA, "--at", AT, "--policy", str(path))
    assert p.returncode == 0, p.stderr
    assert list(results)[len(AUTHENTICITY):] == ["debug", "migration_agent", "guest_policy", "measurement",
                                                 "minimum_tcb", "vmpl", "host_data", "report_data"]
    for change, check in [({"measurements": ["00" * 48]}, "measurement"),
                          ({"minimum_tcb": {"microcode": 26}}, "minimum_tcb"),
                          ({"vmpls": [1]}, "vmpl"), ({"host_data": "11" * 32}, "host_data"),
                          ({"report_data": "00"}, "report_data"), ({"allow_smt": False}, "smt"),
                          ({"guest_policy": "0x10000"}, "guest_policy")]:
        path.write_text(json.dumps(dict(policy, **change)))
        p, doc, results = verify(GENOA, "--at", AT, "--policy", str(path))
        assert p.returncode == 1 and results[check] == "fail", (change, results)
        assert f"FAILED {check}: " in p.stderr
        assert [c for c, r in results.items() if r != "pass"] == [check]


def test_flipped_bytes_fail(tmp_path):
    raw = bytearray(open(MILAN, "rb").read())
    policy = tmp_path / "debug.json"
    policy.write_text('{"version": 1, "allow_debug": true}')
    args = ["--certs", MILAN_VCEK, "--product", "milan", "--at", AT, "--policy", str(policy)]
    assert run("verify", MILAN, *args).returncode == 0
    # A few fields as they would be tampered with; the unit test covers every byte.
    for offset in (0x008 + 2, 0x050, 0x090 + 47, 0x0C0, 0x180, 0x1A0 + 63):
        flipped = bytearray(raw)
        flipped[offset] ^= 0x04
        path = tmp_path / f"flip-{offset:x}.bin"
        path.write_bytes(flipped)
        p = run("verify", str(path), *args)
        assert p.returncode == 1, offset
        assert "FAILED signature: " in p.stderr, offset
    flipped = bytearray(raw)
    flipped[0x29F] ^= 0x04  # reserved: the report no longer parses
    path = tmp_path / "flip-reserved.bin"
    path.write_bytes(flipped)
    p = run("verify", str(path), *args)
    assert p.returncode == 1 and "FAILED input: " in p.stderr and "reserved" in p.stderr


def test_wrong_product_chains():
    ask_ark_genoa = os.path.join(DATA, "snp", "ask_ark_genoa.pem")
    p, _, results = verify(MILAN, "--certs", MILAN_VCEK, ask_ark_genoa, "--product", "milan", "--at", AT)
    assert p.returncode == 1 and results["ark"] == "fail"
    assert "does not have the key of the pinned Milan ARK" in p.stderr
    p, _, results = verify(MILAN, "--certs", MILAN_VCEK, "--product", "genoa", "--at", AT)
    assert p.returncode == 1 and results["vek_chain"] == "fail" and results["vek_product"] == "fail"
    p, _, results = verify(GENOA, "--product", "turin", "--at", AT)
    assert p.returncode == 1 and results["product"] == "fail"
    # The synthetic Turin chain has AMD's names but not AMD's keys.
    p, _, results = verify(os.path.join(SYNTHETIC, "turin-v3-vlek.bin"), "--certs",
                           os.path.join(SYNTHETIC, "turin-vlek-certs.bin"), "--at", "2024-06-01T00:00:00Z")
    assert p.returncode == 1 and results["ark"] == "fail" and results["signature"] == "pass"


def test_validity_time():
    p, _, results = verify(GENOA, "--at", "2040-01-01T00:00:00Z")
    assert p.returncode == 1 and results["validity"] == "fail"
    assert "expired at 2032-05-27T17:57:03Z" in p.stderr
    p, _, results = verify(GENOA, "--at", "2025-05-27T17:57:02+00:00")
    assert results["validity"] == "fail" and "not valid before" in p.stderr


def test_version_2_needs_the_product():
    p, _, results = verify(MILAN, "--certs", MILAN_VCEK, "--at", AT)
    assert p.returncode == 1 and results["product"] == "fail"
    assert "give --product" in p.stderr


def test_show_fields():
    p = run("show", MILAN, "--certs", MILAN_VCEK)
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["format"] == "binary" and doc["product"] is None
    r = doc["report"]
    assert r["version"] == 2 and r["policy"]["debug_allowed"] is True and r["policy"]["raw"] == "0xb0000"
    assert r["reported_tcb"] == {"raw": "0x4405000000000002", "layout": "Milan/Genoa", "bootloader": 2,
                                 "tee": 0, "snp": 5, "microcode": 68}
    assert r["chip_id"].startswith("3ac3fe21e13fb099")
    assert doc["certificates"][0]["amd_extensions"]["product_name"] == "Milan-B0"
    # The fields equal the raw bytes (independent decode of a few offsets).
    raw = open(MILAN, "rb").read()
    assert r["measurement"] == raw[0x90:0xC0].hex()
    assert r["report_id"] == raw[0x140:0x160].hex()
    assert r["signature"]["r"] == raw[0x2A0:0x2E8].hex()
    g = json.loads(run("show", GENOA).stdout)
    assert g["format"] == "evidence_json" and g["product"] == "Genoa"
    evidence = json.load(open(GENOA))["attestation_report"]
    assert g["report"]["measurement"] == bytes(evidence["measurement"]).hex()
    assert g["report"]["platform_info"]["raw"] == hex(evidence["plat_info"])
    assert g["report"]["current_version"] == evidence["current"]


@pytest.mark.parametrize("content, message", [
    (b"", "neither an attestation report"),
    (b"\x02\x00\x00\x00" + bytes(100), "104 bytes"),
    (b"{", "SNP evidence JSON"),
    (b'{"attestation_report": {}, "cert_chain": null}', "attestation_report"),
    (b"\x09" + bytes(1183), "unsupported version 9"),
])
def test_malformed_reports(tmp_path, content, message):
    path = tmp_path / "report"
    path.write_bytes(content)
    for command in ("show", "verify"):
        p = run(command, str(path))
        assert p.returncode == 1, p.stdout
        assert message in p.stderr and str(path) in p.stderr


def test_malformed_certificates(tmp_path):
    vcek = open(MILAN_VCEK, "rb").read()
    cases = {"truncated.der": vcek[:200], "table.bin": bytes(range(1, 40)),
             "bad.pem": b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
             "empty": b""}
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        p, doc, results = verify(MILAN, "--product", "milan", "--certs", str(path))
        assert p.returncode == 1 and results == {"input": "fail"}, name
        assert str(path) in p.stderr
    table = bytearray(open(os.path.join(SYNTHETIC, "turin-vlek-certs.bin"), "rb").read())
    table[16:20] = (4).to_bytes(4, "little")
    (tmp_path / "overlap.bin").write_bytes(table)
    p, doc, results = verify(MILAN, "--product", "milan", "--certs", str(tmp_path / "overlap.bin"))
    assert results == {"input": "fail"} and "points into the table" in p.stderr


def test_usage_errors():
    for args, message in [((), "expected 'show' or 'verify'"), (("check", GENOA), "unknown subcommand"),
                          (("verify",), "REPORT is missing"), (("verify", GENOA, "--at", "yesterday"), "--at"),
                          (("verify", GENOA, "--product", "venice"), "--product"),
                          (("show", GENOA, "--at", AT), "options of 'verify'"),
                          (("verify", "--certs", MILAN_VCEK, MILAN), "REPORT is missing")]:
        p = run(*args)
        assert p.returncode == 2 and message in p.stderr, (args, p.stderr)
    p = run("verify", "--certs", MILAN_VCEK, "--", MILAN, "--product", "milan", "--at", AT)
    assert p.returncode == 2  # after --, --product is the REPORT's neighbour, not an option
    p = run("verify", "--certs", MILAN_VCEK, "--product", "milan", "--at", AT, "--", MILAN)
    assert p.returncode == 1 and json.loads(p.stdout)["checks"][-2]["check"] == "debug"
    assert run("--help").returncode == 0
