"""The SEV-SNP ATTESTATION_REPORT (1184 bytes, little-endian), versions 2 to 5.

Layout from reference/snp.md section 1: one table drives both parsing and encoding.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import List, Optional, Tuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (decode_dss_signature,
                                                             encode_dss_signature)

from snp.tcb import Tcb

REPORT_SIZE = 0x4A0
SIGNED_SIZE = 0x2A0
SIGNATURE_COMPONENT_SIZE = 72
MIN_VERSION = 2
MAX_VERSION = 5

SIG_ALGO_ECDSA_P384_SHA384 = 1

POLICY_SMT = 1 << 16
POLICY_RESERVED_MUST_BE_ONE = 1 << 17
POLICY_MIGRATE_MA = 1 << 18
POLICY_DEBUG = 1 << 19
POLICY_SINGLE_SOCKET = 1 << 20

SIGNING_KEY_VCEK = 0
SIGNING_KEY_VLEK = 1
SIGNING_KEY_NONE = 7


class ReportError(ValueError):
    """A report that is not a well-formed SNP attestation report."""


@dataclass(frozen=True)
class _Field:
    name: str
    offset: int
    size: int
    is_bytes: bool = False
    min_version: int = MIN_VERSION


_FIELDS: Tuple[_Field, ...] = (
    _Field("version", 0x000, 4),
    _Field("guest_svn", 0x004, 4),
    _Field("policy", 0x008, 8),
    _Field("family_id", 0x010, 16, True),
    _Field("image_id", 0x020, 16, True),
    _Field("vmpl", 0x030, 4),
    _Field("signature_algo", 0x034, 4),
    _Field("current_tcb", 0x038, 8),
    _Field("platform_info", 0x040, 8),
    _Field("signer_info", 0x048, 4),
    _Field("report_data", 0x050, 64, True),
    _Field("measurement", 0x090, 48, True),
    _Field("host_data", 0x0C0, 32, True),
    _Field("id_key_digest", 0x0E0, 48, True),
    _Field("author_key_digest", 0x110, 48, True),
    _Field("report_id", 0x140, 32, True),
    _Field("report_id_ma", 0x160, 32, True),
    _Field("reported_tcb", 0x180, 8),
    _Field("cpuid_fam_id", 0x188, 1, min_version=3),
    _Field("cpuid_mod_id", 0x189, 1, min_version=3),
    _Field("cpuid_step", 0x18A, 1, min_version=3),
    _Field("chip_id", 0x1A0, 64, True),
    _Field("committed_tcb", 0x1E0, 8),
    _Field("current_build", 0x1E8, 1),
    _Field("current_minor", 0x1E9, 1),
    _Field("current_major", 0x1EA, 1),
    _Field("committed_build", 0x1EC, 1),
    _Field("committed_minor", 0x1ED, 1),
    _Field("committed_major", 0x1EE, 1),
    _Field("launch_tcb", 0x1F0, 8),
    _Field("launch_mit_vector", 0x1F8, 8, min_version=5),
    _Field("current_mit_vector", 0x200, 8, min_version=5),
    _Field("signature_r", 0x2A0, SIGNATURE_COMPONENT_SIZE, True),
    _Field("signature_s", 0x2E8, SIGNATURE_COMPONENT_SIZE, True),
)


def _reserved_ranges(version: int) -> List[Tuple[int, int]]:
    """Must-be-zero byte ranges [start, end) for a report version."""
    ranges = [(0x04C, 0x050), (0x1EB, 0x1EC), (0x1EF, 0x1F0), (0x208, 0x2A0), (0x330, 0x4A0)]
    ranges.append((0x18B, 0x1A0) if version >= 3 else (0x188, 0x1A0))
    if version < 5:
        ranges.append((0x1F8, 0x208))
    return ranges


@dataclass(frozen=True)
class Report:
    version: int = 3
    guest_svn: int = 0
    policy: int = 0x30000
    family_id: bytes = bytes(16)
    image_id: bytes = bytes(16)
    vmpl: int = 0
    signature_algo: int = SIG_ALGO_ECDSA_P384_SHA384
    current_tcb: int = 0
    platform_info: int = 0
    signer_info: int = 0
    report_data: bytes = bytes(64)
    measurement: bytes = bytes(48)
    host_data: bytes = bytes(32)
    id_key_digest: bytes = bytes(48)
    author_key_digest: bytes = bytes(48)
    report_id: bytes = bytes(32)
    report_id_ma: bytes = b"\xff" * 32
    reported_tcb: int = 0
    cpuid_fam_id: int = 0
    cpuid_mod_id: int = 0
    cpuid_step: int = 0
    chip_id: bytes = bytes(64)
    committed_tcb: int = 0
    current_build: int = 0
    current_minor: int = 0
    current_major: int = 0
    committed_build: int = 0
    committed_minor: int = 0
    committed_major: int = 0
    launch_tcb: int = 0
    launch_mit_vector: int = 0
    current_mit_vector: int = 0
    signature_r: bytes = bytes(SIGNATURE_COMPONENT_SIZE)
    signature_s: bytes = bytes(SIGNATURE_COMPONENT_SIZE)

    @classmethod
    def parse(cls, data: bytes) -> "Report":
        if len(data) != REPORT_SIZE:
            raise ReportError(f"report is {len(data)} bytes, expected {REPORT_SIZE}")
        version = int.from_bytes(data[0:4], "little")
        if not MIN_VERSION <= version <= MAX_VERSION:
            raise ReportError(f"report version {version} is not in {MIN_VERSION}..{MAX_VERSION}")
        for start, end in _reserved_ranges(version):
            if any(data[start:end]):
                raise ReportError(f"reserved bytes 0x{start:03x}..0x{end - 1:03x} are not zero "
                                  f"(version {version})")
        values = {}
        for f in _FIELDS:
            if version < f.min_version:
                continue  # reserved in this version, checked zero above
            raw = data[f.offset:f.offset + f.size]
            values[f.name] = bytes(raw) if f.is_bytes else int.from_bytes(raw, "little")
        return cls(**values)

    def encode(self) -> bytes:
        """The 1184 bytes; fields the version does not have must be zero."""
        if not MIN_VERSION <= self.version <= MAX_VERSION:
            raise ReportError(f"report version {self.version} is not in {MIN_VERSION}..{MAX_VERSION}")
        out = bytearray(REPORT_SIZE)
        for f in _FIELDS:
            value = getattr(self, f.name)
            if f.is_bytes:
                if len(value) != f.size:
                    raise ReportError(f"{f.name} is {len(value)} bytes, expected {f.size}")
                raw = bytes(value)
            else:
                if not 0 <= value < 1 << (8 * f.size):
                    raise ReportError(f"{f.name}={value} does not fit in {f.size} bytes")
                raw = value.to_bytes(f.size, "little")
            if self.version < f.min_version and any(raw):
                raise ReportError(f"{f.name} is not zero but version {self.version} lacks it")
            out[f.offset:f.offset + f.size] = raw
        return bytes(out)

    # Decoded views of the packed fields.

    @property
    def debug_allowed(self) -> bool:
        return bool(self.policy & POLICY_DEBUG)

    @property
    def migrate_ma_allowed(self) -> bool:
        return bool(self.policy & POLICY_MIGRATE_MA)

    @property
    def author_key_en(self) -> bool:
        return bool(self.signer_info & 1)

    @property
    def mask_chip_key(self) -> bool:
        return bool(self.signer_info & 2)

    @property
    def signing_key(self) -> int:
        return (self.signer_info >> 2) & 7

    @property
    def product(self) -> Optional[str]:
        return product_from_cpuid(self.cpuid_fam_id, self.cpuid_mod_id) if self.version >= 3 else None

    @property
    def turin_tcb_layout(self) -> bool:
        return self.version >= 3 and self.cpuid_fam_id >= 0x1A

    def tcb(self, name: str) -> Tcb:
        """Decodes current_tcb, reported_tcb, committed_tcb or launch_tcb."""
        if name not in ("current_tcb", "reported_tcb", "committed_tcb", "launch_tcb"):
            raise KeyError(name)
        return Tcb.decode(getattr(self, name), self.turin_tcb_layout)

    def signed_bytes(self) -> bytes:
        return self.encode()[:SIGNED_SIZE]

    def with_fields(self, **changes: object) -> "Report":
        return dataclasses.replace(self, **changes)


def product_from_cpuid(family: int, model: int) -> Optional[str]:
    """Generation per virtee's identify_cpu (reference/snp.md 1.2)."""
    if family == 0x19:
        if model <= 0x0F:
            return "Milan"
        if 0x10 <= model <= 0x1F or 0xA0 <= model <= 0xAF:
            return "Genoa"
    if family == 0x1A and model <= 0x11:
        return "Turin"
    return None


def sign(report: Report, key: ec.EllipticCurvePrivateKey) -> Report:
    """Returns the report with R and S set: ECDSA P-384/SHA-384 over bytes [0, 0x2A0)."""
    if not isinstance(key.curve, ec.SECP384R1):
        raise ReportError(f"report signing key is {key.curve.name}, expected secp384r1")
    der = key.sign(report.signed_bytes(), ec.ECDSA(hashes.SHA384()))
    r, s = decode_dss_signature(der)
    return report.with_fields(signature_r=r.to_bytes(SIGNATURE_COMPONENT_SIZE, "little"),
                              signature_s=s.to_bytes(SIGNATURE_COMPONENT_SIZE, "little"))


def signature_valid(raw: bytes, public_key: ec.EllipticCurvePublicKey) -> bool:
    """Verifies the signature of raw report bytes as they are, not as re-encoded."""
    if len(raw) != REPORT_SIZE or not isinstance(public_key.curve, ec.SECP384R1):
        return False
    if int.from_bytes(raw[0x034:0x038], "little") != SIG_ALGO_ECDSA_P384_SHA384:
        return False
    r_raw = raw[0x2A0:0x2E8]
    s_raw = raw[0x2E8:0x330]
    # P-384 scalars use 48 of the 72 bytes; anything above is malleability.
    if any(r_raw[48:]) or any(s_raw[48:]):
        return False
    r = int.from_bytes(r_raw, "little")
    s = int.from_bytes(s_raw, "little")
    if r == 0 or s == 0:
        return False
    try:
        public_key.verify(encode_dss_signature(r, s), raw[:SIGNED_SIZE], ec.ECDSA(hashes.SHA384()))
    except InvalidSignature:
        return False
    return True
