"""Trustee's SNP evidence JSON (serde of virtee's sev crate types) <-> Report.

Shape: testdata/snp-evidence-genoa.json and reference/kbs-coco-kata.md 1.11. The verifier
never receives raw report bytes: it re-encodes these fields into the 1184-byte layout.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from snp.report import SIGNATURE_COMPONENT_SIZE, Report, ReportError
from snp.tcb import Tcb

CERT_TYPES = ("ARK", "ASK", "VCEK", "VLEK", "CRL")
MAX_CERT_SIZE = 64 * 1024

# JSON name -> (Report attribute, kind, size): kind "int" (size = bytes) or "bytes".
_SCALARS: Tuple[Tuple[str, str, int], ...] = (
    ("version", "version", 4), ("guest_svn", "guest_svn", 4), ("policy", "policy", 8),
    ("vmpl", "vmpl", 4), ("sig_algo", "signature_algo", 4), ("plat_info", "platform_info", 8),
    ("key_info", "signer_info", 4),
)
_ARRAYS: Tuple[Tuple[str, int], ...] = (
    ("family_id", 16), ("image_id", 16), ("report_data", 64), ("measurement", 48),
    ("host_data", 32), ("id_key_digest", 48), ("author_key_digest", 48), ("report_id", 32),
    ("report_id_ma", 32), ("chip_id", 64),
)
_TCBS = ("current_tcb", "reported_tcb", "committed_tcb", "launch_tcb")
_CPUID = ("cpuid_fam_id", "cpuid_mod_id", "cpuid_step")
_MIT = ("launch_mit_vector", "current_mit_vector")
# The fixture's key order (kbs-coco-kata.md 1.11); v5 adds the MIT vectors before signature.
_ORDER = ("version", "guest_svn", "policy", "family_id", "image_id", "vmpl", "sig_algo",
          "current_tcb", "plat_info", "key_info", "report_data", "measurement", "host_data",
          "id_key_digest", "author_key_digest", "report_id", "report_id_ma", "reported_tcb",
          "cpuid_fam_id", "cpuid_mod_id", "cpuid_step", "chip_id", "committed_tcb", "current",
          "committed", "launch_tcb", "launch_mit_vector", "current_mit_vector", "signature")


class EvidenceError(ValueError):
    """Evidence JSON that does not have the shape of Trustee's SnpEvidence."""


@dataclass(frozen=True)
class CertEntry:
    cert_type: str  # one of CERT_TYPES, or "OTHER:<uuid>"
    data: bytes


def _int(value: Any, where: str, size: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise EvidenceError(f"{where} must be an integer, got {type(value).__name__}")
    if not 0 <= value < 1 << (8 * size):
        raise EvidenceError(f"{where}={value} does not fit in {size} bytes")
    return value


def _byte_array(value: Any, where: str, size: Optional[int]) -> bytes:
    if not isinstance(value, list):
        raise EvidenceError(f"{where} must be an array of byte values")
    if size is not None and len(value) != size:
        raise EvidenceError(f"{where} has {len(value)} bytes, expected {size}")
    return bytes(_int(v, f"{where}[{i}]", 1) for i, v in enumerate(value))


def _object(value: Any, where: str, keys: Tuple[str, ...]) -> Dict[str, Any]:
    if not isinstance(value, dict):
        raise EvidenceError(f"{where} must be an object")
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise EvidenceError(f"{where} has unknown keys {unknown}")
    missing = [k for k in keys if k not in value]
    if missing:
        raise EvidenceError(f"{where} lacks {missing}")
    return value


def _tcb_from_json(value: Any, where: str, turin: bool) -> int:
    obj = _object(value, where, ("fmc", "bootloader", "tee", "snp", "microcode"))
    fmc = obj["fmc"]
    if turin and fmc is None:
        raise EvidenceError(f"{where}.fmc is null but the CPU uses the Turin TCB layout")
    if not turin and fmc is not None:
        raise EvidenceError(f"{where}.fmc is set but the CPU uses the Milan/Genoa TCB layout")
    parts = {k: _int(obj[k], f"{where}.{k}", 1) for k in ("bootloader", "tee", "snp", "microcode")}
    if fmc is not None:
        parts["fmc"] = _int(fmc, f"{where}.fmc", 1)
    return Tcb(**parts).encode()


def _tcb_to_json(value: int, turin: bool) -> Dict[str, Optional[int]]:
    return Tcb.decode(value, turin).as_dict()


def report_from_json(doc: Any) -> Report:
    """Strictly parses an `attestation_report` object."""
    if not isinstance(doc, dict):
        raise EvidenceError("attestation_report must be an object")
    unknown = sorted(set(doc) - set(_ORDER))
    if unknown:
        raise EvidenceError(f"attestation_report has unknown keys {unknown}")

    def get(key: str) -> Any:
        if key not in doc:
            raise EvidenceError(f"attestation_report lacks {key}")
        return doc[key]

    fields: Dict[str, Any] = {}
    for name, attr, size in _SCALARS:
        fields[attr] = _int(get(name), name, size)
    version = fields["version"]
    for name, size in _ARRAYS:
        fields[name] = _byte_array(get(name), name, size)
    if version >= 3:
        for name in _CPUID:
            fields[name] = _int(get(name), name, 1)
    else:
        for name in _CPUID:
            if doc.get(name) is not None:
                raise EvidenceError(f"{name} is set but report version {version} has no CPUID fields")
    turin = version >= 3 and fields["cpuid_fam_id"] >= 0x1A
    for name in _TCBS:
        fields[name] = _tcb_from_json(get(name), name, turin)
    for prefix in ("current", "committed"):
        ver = _object(get(prefix), prefix, ("major", "minor", "build"))
        for part in ("major", "minor", "build"):
            fields[f"{prefix}_{part}"] = _int(ver[part], f"{prefix}.{part}", 1)
    for name in _MIT:
        if version >= 5:
            fields[name] = _int(get(name), name, 8)
        elif doc.get(name) not in (None, 0):
            raise EvidenceError(f"{name} is set but report version {version} has no MIT vectors")
    sig = _object(get("signature"), "signature", ("r", "s"))
    fields["signature_r"] = _byte_array(sig["r"], "signature.r", SIGNATURE_COMPONENT_SIZE)
    fields["signature_s"] = _byte_array(sig["s"], "signature.s", SIGNATURE_COMPONENT_SIZE)
    try:
        report = Report(**fields)
        report.encode()  # range checks of the binary layout
    except ReportError as e:
        raise EvidenceError(str(e)) from e
    return report


def report_to_json(report: Report) -> Dict[str, Any]:
    turin = report.turin_tcb_layout
    out: Dict[str, Any] = {}
    values: Dict[str, Any] = {name: getattr(report, attr) for name, attr, _ in _SCALARS}
    values.update({name: list(getattr(report, name)) for name, _ in _ARRAYS})
    values.update({name: _tcb_to_json(getattr(report, name), turin) for name in _TCBS})
    for name in _CPUID:
        values[name] = getattr(report, name) if report.version >= 3 else None
    for prefix in ("current", "committed"):
        values[prefix] = {p: getattr(report, f"{prefix}_{p}") for p in ("major", "minor", "build")}
    if report.version >= 5:
        values.update({name: getattr(report, name) for name in _MIT})
    values["signature"] = {"r": list(report.signature_r), "s": list(report.signature_s)}
    for key in _ORDER:
        if key in values:
            out[key] = values[key]
    return out


def cert_chain_from_json(value: Any) -> List[CertEntry]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise EvidenceError("cert_chain must be null or an array")
    entries = []
    for i, item in enumerate(value):
        obj = _object(item, f"cert_chain[{i}]", ("cert_type", "data"))
        kind = obj["cert_type"]
        if isinstance(kind, dict) and set(kind) == {"OTHER"} and isinstance(kind["OTHER"], str):
            try:
                kind = "OTHER:" + str(uuid.UUID(kind["OTHER"]))
            except ValueError as e:
                raise EvidenceError(f"cert_chain[{i}].cert_type.OTHER is not a UUID") from e
        elif kind not in CERT_TYPES:
            raise EvidenceError(f"cert_chain[{i}].cert_type {kind!r} is not one of {CERT_TYPES}")
        data = _byte_array(obj["data"], f"cert_chain[{i}].data", None)
        if not data or len(data) > MAX_CERT_SIZE:
            raise EvidenceError(f"cert_chain[{i}].data is {len(data)} bytes (1..{MAX_CERT_SIZE})")
        entries.append(CertEntry(kind, data))
    return entries


def cert_chain_to_json(entries: List[CertEntry]) -> Optional[List[Dict[str, Any]]]:
    if not entries:
        return None
    out = []
    for e in entries:
        kind: Any = {"OTHER": e.cert_type[6:]} if e.cert_type.startswith("OTHER:") else e.cert_type
        out.append({"cert_type": kind, "data": list(e.data)})
    return out


def evidence_from_json(doc: Any) -> Tuple[Report, List[CertEntry]]:
    obj = _object(doc, "SNP evidence", ("attestation_report", "cert_chain"))
    return report_from_json(obj["attestation_report"]), cert_chain_from_json(obj["cert_chain"])


def evidence_to_json(report: Report, certs: List[CertEntry]) -> Dict[str, Any]:
    return {"attestation_report": report_to_json(report), "cert_chain": cert_chain_to_json(certs)}
