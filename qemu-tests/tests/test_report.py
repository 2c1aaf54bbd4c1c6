"""The report layout against real reports, and build/sign/parse round trips."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from snp.evidence import (EvidenceError, evidence_from_json, evidence_to_json, report_from_json,
                          report_to_json)
from snp.report import (REPORT_SIZE, Report, ReportError, product_from_cpuid, sign,
                        signature_valid)
from snp.tcb import Tcb, parse_tcb_spec

_FIELD_LINE = re.compile(r"^(\S+)\s+@0x([0-9a-f]+) len\s+(\d+) (?:= )?(.*)$")
_TCB_LINE = re.compile(r"^(\w+_tcb) (\{.*\})$")


def _fields(path: Path) -> Tuple[List[Tuple[str, int, int, str]], Dict[str, Dict[str, int]]]:
    fields = []
    tcbs = {}
    for line in path.read_text().splitlines():
        m = _FIELD_LINE.match(line)
        if m:
            fields.append((m.group(1), int(m.group(2), 16), int(m.group(3)), m.group(4).strip()))
            continue
        m = _TCB_LINE.match(line)
        if m:
            tcbs[m.group(1)] = json.loads(m.group(2).replace("'", '"'))
    return fields, tcbs


def _attribute(label: str) -> str:
    """'signature.r(LE,72)' -> 'signature_r', 'cpuid_fam_id(v3+)' -> 'cpuid_fam_id'."""
    return label.split("(")[0].replace(".", "_")


def test_milan_v2_every_field_matches_the_field_list(testdata: Path) -> None:
    raw = (testdata / "milan-v2-debug.bin").read_bytes()
    report = Report.parse(raw)
    fields, tcbs = _fields(testdata / "milan-v2-debug.fields.txt")
    assert len(fields) == 40
    for label, offset, size, value in fields:
        chunk = raw[offset:offset + size]
        if value.startswith("all-zero="):
            assert (not any(chunk)) == (value == "all-zero=True"), label
            continue
        expected = (int(value, 16).to_bytes(size, "little") if value.startswith("0x")
                    else bytes.fromhex(value))
        assert chunk == expected, label
        name = _attribute(label)
        if name == "reserved" or (report.version < 5 and "mit_vector" in name):
            continue
        if report.version < 3 and name.startswith("cpuid_"):
            continue
        attr = getattr(report, name)
        assert attr == (expected if isinstance(attr, bytes) else int.from_bytes(expected, "little")), label
    legacy = {"bl": "bootloader", "tee": "tee", "snp": "snp", "ucode": "microcode"}
    assert set(tcbs) == {"current_tcb", "reported_tcb", "committed_tcb", "launch_tcb"}
    for name, parts in tcbs.items():
        assert report.tcb(name) == Tcb(**{legacy[k]: v for k, v in parts.items()})
    assert report.version == 2 and report.debug_allowed and report.product is None
    assert report.report_data[:5] == bytes([1, 2, 3, 4, 5])
    assert report.encode() == raw


def test_milan_v2_signature_verifies_with_its_vcek(testdata: Path) -> None:
    raw = (testdata / "milan-v2-debug.bin").read_bytes()
    vcek = x509.load_der_x509_certificate((testdata / "milan-v2-debug.vcek.der").read_bytes())
    assert signature_valid(raw, vcek.public_key())
    for offset in (0x000, 0x050, 0x29F, 0x2A0, 0x2E8):
        tampered = bytearray(raw)
        tampered[offset] ^= 1
        assert not signature_valid(bytes(tampered), vcek.public_key()), hex(offset)


def test_genoa_evidence_reencodes_to_a_report_its_vcek_signed(testdata: Path) -> None:
    doc = json.loads((testdata / "snp-evidence-genoa.json").read_text())
    report, certs = evidence_from_json(doc)
    assert [c.cert_type for c in certs] == ["VCEK"]
    vcek = x509.load_der_x509_certificate(certs[0].data)
    raw = report.encode()
    assert len(raw) == REPORT_SIZE and raw[0] == 3
    assert signature_valid(raw, vcek.public_key())
    assert report.product == "Genoa" and report.cpuid_mod_id == 0xA0
    assert report.tcb("reported_tcb") == Tcb(bootloader=10, tee=0, snp=23, microcode=25)
    assert report.policy == 0x30000 and not report.debug_allowed
    # And back: the JSON the attester sent, member for member and in order.
    assert json.dumps(evidence_to_json(report, certs)) == json.dumps(doc)


def test_build_sign_parse_round_trip_v3() -> None:
    key = ec.generate_private_key(ec.SECP384R1())
    tcb = Tcb(bootloader=10, tee=0, snp=23, microcode=25).encode()
    report = sign(Report(version=3, policy=0x30000, vmpl=1, current_tcb=tcb, reported_tcb=tcb,
                         committed_tcb=tcb, launch_tcb=tcb, report_data=bytes(range(64)),
                         measurement=b"\xab" * 48, host_data=b"\x01" * 32, chip_id=b"\x07" * 64,
                         cpuid_fam_id=0x19, cpuid_mod_id=0x11, cpuid_step=1), key)
    raw = report.encode()
    assert raw[0x188:0x18B] == bytes([0x19, 0x11, 0x01])
    assert raw[0x050:0x090] == bytes(range(64))
    assert raw[0x180:0x188] == tcb.to_bytes(8, "little")
    assert raw[0x038:0x040] == bytes([10, 0, 0, 0, 0, 0, 23, 25])
    assert Report.parse(raw) == report
    assert signature_valid(raw, key.public_key())
    assert not signature_valid(raw, ec.generate_private_key(ec.SECP384R1()).public_key())
    assert report_from_json(report_to_json(report)) == report


@pytest.mark.parametrize("version", [2, 3, 4, 5])
def test_versions_parse_and_keep_their_fields(version: int) -> None:
    fields = {"version": version, "launch_tcb": 5}
    if version >= 3:
        fields.update(cpuid_fam_id=0x19, cpuid_mod_id=0x11, cpuid_step=1)
    if version >= 5:
        fields.update(launch_mit_vector=0x1234, current_mit_vector=0x5678)
    report = Report(**fields)
    raw = report.encode()
    assert Report.parse(raw) == report
    doc = report_to_json(report)
    assert ("launch_mit_vector" in doc) == (version >= 5)
    assert (doc["cpuid_fam_id"] is None) == (version < 3)
    assert report_from_json(doc) == report


def test_parse_rejects_malformed_reports() -> None:
    good = Report().encode()
    with pytest.raises(ReportError, match="1183 bytes"):
        Report.parse(good[:-1])
    with pytest.raises(ReportError, match="1185 bytes"):
        Report.parse(good + b"\0")
    for version in (0, 1, 6):
        with pytest.raises(ReportError, match="version"):
            Report.parse(version.to_bytes(4, "little") + good[4:])
    for offset in (0x04C, 0x18B, 0x1EB, 0x1EF, 0x1F8, 0x208, 0x330, 0x49F):
        tampered = bytearray(good)
        tampered[offset] = 1
        with pytest.raises(ReportError, match="reserved"):
            Report.parse(bytes(tampered))
    v2 = bytearray(Report(version=2).encode())
    v2[0x188] = 0x19  # CPUID bytes are reserved in version 2
    with pytest.raises(ReportError, match="reserved"):
        Report.parse(bytes(v2))


def test_encode_rejects_out_of_range_fields() -> None:
    with pytest.raises(ReportError, match="vmpl"):
        Report(vmpl=1 << 32).encode()
    with pytest.raises(ReportError, match="measurement"):
        Report(measurement=b"short").encode()
    with pytest.raises(ReportError, match="cpuid_fam_id"):
        Report(version=2, cpuid_fam_id=0x19).encode()


def test_signature_with_bits_above_384_is_refused() -> None:
    key = ec.generate_private_key(ec.SECP384R1())
    raw = bytearray(sign(Report(), key).encode())
    assert signature_valid(bytes(raw), key.public_key())
    raw[0x2A0 + 60] = 1  # inside R's 72 bytes, above P-384's 48
    assert not signature_valid(bytes(raw), key.public_key())


def test_tcb_layouts_and_comparison() -> None:
    milan = Tcb.decode(0x7308000000000003)
    assert milan == Tcb(bootloader=3, tee=0, snp=8, microcode=0x73)
    turin = Tcb.decode(0x5200000004010101, turin=True)
    assert turin == Tcb(fmc=1, bootloader=1, tee=1, snp=4, microcode=82)
    assert turin.encode() == 0x5200000004010101 and milan.encode() == 0x7308000000000003
    with pytest.raises(ValueError, match="reserved"):
        Tcb.decode(0x0000000000010000)
    floor = Tcb(bootloader=3, tee=0, snp=8, microcode=0x70)
    assert milan.at_least(floor)
    # Component-wise: a higher microcode does not make up for a lower SNP SPL.
    assert not Tcb(bootloader=3, tee=0, snp=7, microcode=0xFF).at_least(floor)
    assert parse_tcb_spec("bootloader=10,tee=0,snp=23,microcode=25") == Tcb(10, 0, 23, 25)
    with pytest.raises(ValueError, match="lacks"):
        parse_tcb_spec("bootloader=1")


def test_product_from_cpuid() -> None:
    assert product_from_cpuid(0x19, 0x01) == "Milan"
    assert product_from_cpuid(0x19, 0x11) == "Genoa"
    assert product_from_cpuid(0x19, 0xA0) == "Genoa"
    assert product_from_cpuid(0x1A, 0x02) == "Turin"
    assert product_from_cpuid(0x17, 0x31) is None


def test_evidence_json_is_parsed_strictly(testdata: Path) -> None:
    doc = json.loads((testdata / "snp-evidence-genoa.json").read_text())
    report = doc["attestation_report"]
    cases = [
        (lambda r: r.pop("measurement"), "lacks measurement"),
        (lambda r: r.update(extra=1), "unknown keys"),
        (lambda r: r.update(measurement=[0] * 47), "47 bytes"),
        (lambda r: r.update(vmpl=True), "integer"),
        (lambda r: r["report_data"].__setitem__(0, 256), "does not fit"),
        (lambda r: r["reported_tcb"].update(fmc=1), "fmc is set"),
        (lambda r: r["signature"].update(r=[0] * 48), "48 bytes"),
        (lambda r: r.update(policy=1 << 64), "does not fit"),
    ]
    for mutate, message in cases:
        copy = json.loads(json.dumps(report))
        mutate(copy)
        with pytest.raises(EvidenceError, match=message):
            report_from_json(copy)
    with pytest.raises(EvidenceError, match="cert_type"):
        evidence_from_json({"attestation_report": report,
                            "cert_chain": [{"cert_type": "VCEKX", "data": [1]}]})
    with pytest.raises(EvidenceError, match="lacks"):
        evidence_from_json({"attestation_report": report})
