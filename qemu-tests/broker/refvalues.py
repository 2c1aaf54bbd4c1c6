"""Reference values: what `bp-measure reference-values` writes (out/<name>/reference-values.json).

{"version": 1,
 "snp": {"measurements": [{"vcpus": 1, "vcpu_type": "EPYC-v4", "vmm_type": "QEMU",
                           "guest_features": "0x1", "launch_digest": "<96 hex>"}],
         "guest_policy": "0x30000", "allow_debug": false, "host_data": "<64 hex, optional>",
         "minimum_tcb": {"bootloader": 0, "tee": 0, "snp": 0, "microcode": 0}},
 "verity_root_hash": "<hex>"}
Unknown members are ignored so the producer can add some; known ones are checked.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

from snp.tcb import Tcb


class ReferenceValuesError(ValueError):
    """A reference-values document that does not have the expected shape."""


@dataclass(frozen=True)
class MeasurementRef:
    launch_digest: bytes
    vcpus: int
    vcpu_type: str
    vmm_type: str
    guest_features: int


@dataclass(frozen=True)
class ReferenceValues:
    measurements: Tuple[MeasurementRef, ...]
    guest_policy: int
    allow_debug: bool
    host_data: Optional[bytes]
    minimum_tcb: Tcb
    verity_root_hash: Optional[str]

    def match(self, measurement: bytes) -> Optional[MeasurementRef]:
        for ref in self.measurements:
            if ref.launch_digest == measurement:
                return ref
        return None


def _get(obj: Dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in obj:
        raise ReferenceValuesError(f"{where} lacks {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ReferenceValuesError(f"{where}.{key} must be {kind.__name__}")
    return value


def _hex(text: str, size: int, where: str) -> bytes:
    if not re.fullmatch(r"[0-9a-fA-F]{%d}" % (2 * size), text):
        raise ReferenceValuesError(f"{where} must be {2 * size} hex digits")
    return bytes.fromhex(text)


def _int_text(text: str, where: str) -> int:
    try:
        return int(text, 0)
    except ValueError as e:
        raise ReferenceValuesError(f"{where} {text!r} is not an integer (e.g. \"0x30000\")") from e


def parse(doc: Any) -> ReferenceValues:
    if not isinstance(doc, dict):
        raise ReferenceValuesError("reference values must be a JSON object")
    if _get(doc, "version", int, "reference values") != 1:
        raise ReferenceValuesError(f"reference values version {doc['version']} is not 1")
    snp = _get(doc, "snp", dict, "reference values")
    entries = _get(snp, "measurements", list, "snp")
    if not entries:
        raise ReferenceValuesError("snp.measurements is empty")
    measurements = []
    for i, entry in enumerate(entries):
        where = f"snp.measurements[{i}]"
        if not isinstance(entry, dict):
            raise ReferenceValuesError(f"{where} must be an object")
        measurements.append(MeasurementRef(
            launch_digest=_hex(_get(entry, "launch_digest", str, where), 48, f"{where}.launch_digest"),
            vcpus=_get(entry, "vcpus", int, where),
            vcpu_type=_get(entry, "vcpu_type", str, where),
            vmm_type=_get(entry, "vmm_type", str, where),
            guest_features=_int_text(_get(entry, "guest_features", str, where),
                                     f"{where}.guest_features")))
    host_data = None
    if snp.get("host_data") is not None:
        host_data = _hex(_get(snp, "host_data", str, "snp"), 32, "snp.host_data")
    tcb_obj = _get(snp, "minimum_tcb", dict, "snp")
    tcb_fields = {k: _get(tcb_obj, k, int, "snp.minimum_tcb")
                  for k in ("bootloader", "tee", "snp", "microcode")}
    if tcb_obj.get("fmc") is not None:
        tcb_fields["fmc"] = _get(tcb_obj, "fmc", int, "snp.minimum_tcb")
    try:
        minimum_tcb = Tcb(**tcb_fields)
    except ValueError as e:
        raise ReferenceValuesError(f"snp.minimum_tcb: {e}") from e
    verity = doc.get("verity_root_hash")
    if verity is not None and not (isinstance(verity, str) and re.fullmatch(r"[0-9a-fA-F]+", verity)):
        raise ReferenceValuesError("verity_root_hash must be a hex string")
    return ReferenceValues(
        measurements=tuple(measurements),
        guest_policy=_int_text(_get(snp, "guest_policy", str, "snp"), "snp.guest_policy"),
        allow_debug=_get(snp, "allow_debug", bool, "snp"),
        host_data=host_data, minimum_tcb=minimum_tcb, verity_root_hash=verity)


def load(path: Path) -> ReferenceValues:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise ReferenceValuesError(f"{path}: {e}") from e
    try:
        return parse(doc)
    except ReferenceValuesError as e:
        raise ReferenceValuesError(f"{path}: {e}") from e
