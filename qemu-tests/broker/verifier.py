"""Appraisal of SNP evidence: authenticity (chain, signature, VCEK binding), freshness
(report_data) and policy (reference values). Every refusal names the failed check."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm

from broker.jcs import canonicalize
from broker.refvalues import ReferenceValues
from snp import chain as chainmod
from snp.evidence import CertEntry, EvidenceError, evidence_from_json
from snp.report import (POLICY_DEBUG, SIGNING_KEY_VCEK, Report, signature_valid)

MIN_REPORT_VERSION = 3  # v2 carries no CPUID, so the product cannot be told (as Trustee)
MAX_REPORT_VERSION = 5


class AttestationFailure(Exception):
    def __init__(self, check: str, detail: str) -> None:
        super().__init__(f"{check}: {detail}")
        self.check = check
        self.detail = detail


@dataclass(frozen=True)
class TrustAnchors:
    """Pinned ARKs (self-signed) and the ASKs that came with them."""

    arks: Tuple[x509.Certificate, ...]
    asks: Tuple[x509.Certificate, ...]

    @classmethod
    def load(cls, paths: Sequence[Path]) -> "TrustAnchors":
        arks: List[x509.Certificate] = []
        asks: List[x509.Certificate] = []
        for path in paths:
            for cert in chainmod.load_pem_certificates(path):
                (arks if cert.subject == cert.issuer else asks).append(cert)
        if not arks:
            raise chainmod.ChainError(f"no self-signed ARK in {', '.join(map(str, paths))}")
        return cls(tuple(arks), tuple(asks))


def expected_report_data(nonce: str, tee_pubkey: Dict[str, str], additional_evidence: str) -> bytes:
    """SHA-384(JCS(runtime data as Trustee rebuilds it)) zero-padded to 64 bytes."""
    runtime = {"tee-pubkey": tee_pubkey, "nonce": nonce, "additional-evidence": additional_evidence}
    return hashlib.sha384(canonicalize(runtime)).digest() + bytes(16)


@dataclass(frozen=True)
class AuthenticReport:
    report: Report
    chain: chainmod.VerifiedChain


class SnpVerifier:
    def __init__(self, anchors: TrustAnchors, refs: ReferenceValues, allowed_vmpl: int = 0,
                 host_data: Optional[bytes] = None,
                 now: Optional[datetime.datetime] = None) -> None:
        self.anchors = anchors
        self.refs = refs
        self.allowed_vmpl = allowed_vmpl
        self.host_data = host_data if host_data is not None else refs.host_data
        self._now = now

    def authenticate(self, evidence: Any) -> AuthenticReport:
        """The report is genuine: signed by a VCEK that chains to a pinned ARK and that
        certifies this chip and TCB."""
        try:
            report, certs = evidence_from_json(evidence)
        except EvidenceError as e:
            raise AttestationFailure("evidence", str(e)) from e
        if not MIN_REPORT_VERSION <= report.version <= MAX_REPORT_VERSION:
            raise AttestationFailure("report_version", f"version {report.version} is not "
                                     f"{MIN_REPORT_VERSION}..{MAX_REPORT_VERSION}")
        product = report.product
        if product is None:
            raise AttestationFailure("product", f"unknown CPU family 0x{report.cpuid_fam_id:x} "
                                     f"model 0x{report.cpuid_mod_id:x}")
        if report.signing_key != SIGNING_KEY_VCEK:
            raise AttestationFailure("signing_key", f"report signed by key type "
                                     f"{report.signing_key}; only VCEK-signed reports are accepted")
        if report.mask_chip_key or not any(report.chip_id):
            raise AttestationFailure("chip_id", "CHIP_ID is masked; the VCEK cannot be bound")
        verified = self._verify_chain(certs)
        info = verified.vcek_info
        if info.product_name.split("-")[0] != product:
            raise AttestationFailure("vcek_product", f"VCEK productName {info.product_name!r} "
                                     f"does not match the report's CPU ({product})")
        hwid_len = 8 if report.turin_tcb_layout else 64
        if info.hwid is None or info.hwid != report.chip_id[:hwid_len]:
            raise AttestationFailure("vcek_hwid", "VCEK hwID does not equal the report's CHIP_ID")
        try:
            reported = report.tcb("reported_tcb")
        except ValueError as e:
            raise AttestationFailure("reported_tcb", str(e)) from e
        for component, value in reported.as_dict().items():
            if value is not None and info.spl.get(component) != value:
                raise AttestationFailure("vcek_tcb", f"VCEK {component} SPL "
                                         f"{info.spl.get(component)} != REPORTED_TCB {value}")
        if not signature_valid(report.encode(), verified.vcek.public_key()):
            raise AttestationFailure("signature", "report signature does not verify with the VCEK")
        return AuthenticReport(report, verified)

    def _verify_chain(self, certs: List[CertEntry]) -> chainmod.VerifiedChain:
        def load(entry: CertEntry) -> x509.Certificate:
            try:
                return x509.load_der_x509_certificate(entry.data)
            except ValueError as e:
                raise AttestationFailure("cert_chain", f"{entry.cert_type} is not DER X.509") from e

        vceks = [load(c) for c in certs if c.cert_type == "VCEK"]
        if len(vceks) != 1:
            raise AttestationFailure("cert_chain", f"evidence carries {len(vceks)} VCEKs, "
                                     "expected exactly one (no KDS access here)")
        pinned = {chainmod.der_of(a) for a in self.anchors.arks}
        for ark in (load(c) for c in certs if c.cert_type == "ARK"):
            if chainmod.der_of(ark) not in pinned:
                raise AttestationFailure("ark", "the ARK in the evidence is not a pinned ARK")
        asks = [load(c) for c in certs if c.cert_type == "ASK"] + list(self.anchors.asks)
        now = self._now or datetime.datetime.now(datetime.timezone.utc)
        try:
            return chainmod.verify_vcek_chain(vceks[0], asks, self.anchors.arks, now)
        except chainmod.ChainError as e:
            raise AttestationFailure("cert_chain", str(e)) from e
        except (ValueError, TypeError, x509.DuplicateExtension, UnsupportedAlgorithm) as e:
            # cryptography parses extensions and keys lazily: malformed ones surface here.
            raise AttestationFailure("cert_chain", f"malformed certificate: {e}") from e

    def appraise(self, report: Report, report_data: bytes) -> Dict[str, Any]:
        """Freshness and policy; returns the claims that go into the token."""
        if report.report_data != report_data:
            raise AttestationFailure("report_data", "REPORT_DATA is not SHA-384 of this session's "
                                     "runtime data (nonce and tee-pubkey)")
        if report.vmpl != self.allowed_vmpl:
            raise AttestationFailure("vmpl", f"VMPL {report.vmpl}, expected {self.allowed_vmpl}")
        refs = self.refs
        if report.debug_allowed and not refs.allow_debug:
            raise AttestationFailure("debug", f"guest policy 0x{report.policy:x} allows debugging "
                                     "(bit 19) and the reference values do not")
        if report.migrate_ma_allowed:
            raise AttestationFailure("policy", "guest policy allows a migration agent (bit 18)")
        if report.policy & ~POLICY_DEBUG != refs.guest_policy & ~POLICY_DEBUG:
            raise AttestationFailure("policy", f"guest policy 0x{report.policy:x}, expected "
                                     f"0x{refs.guest_policy:x}")
        matched = refs.match(report.measurement)
        if matched is None:
            raise AttestationFailure("measurement", f"launch digest {report.measurement.hex()} "
                                     "is not in the reference values")
        reported = report.tcb("reported_tcb")
        if not reported.at_least(refs.minimum_tcb):
            raise AttestationFailure("tcb", f"REPORTED_TCB {reported} is below the minimum "
                                     f"{refs.minimum_tcb}")
        if self.host_data is not None and report.host_data != self.host_data:
            raise AttestationFailure("host_data", f"HOST_DATA {report.host_data.hex()}, expected "
                                     f"{self.host_data.hex()}")
        return {"measurement": report.measurement.hex(), "debug_allowed": report.debug_allowed,
                "policy": hex(report.policy), "vmpl": report.vmpl,
                "reported_tcb": reported.as_dict(), "host_data": report.host_data.hex(),
                "chip_id": report.chip_id.hex(), "product": report.product,
                "reference": {"vcpus": matched.vcpus, "vcpu_type": matched.vcpu_type}}
