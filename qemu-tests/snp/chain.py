"""Verification of an ARK -> ASK -> VCEK chain and of the VCEK's AMD extensions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from snp import amd_x509 as amd
from snp import der


class ChainError(ValueError):
    """A certificate or chain that must not be trusted."""


@dataclass(frozen=True)
class VcekInfo:
    struct_version: int
    product_name: str
    spl: Dict[str, int] = field(default_factory=dict)  # bootloader, tee, snp, microcode[, fmc]
    hwid: Optional[bytes] = None
    csp_id: Optional[str] = None


def der_of(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def load_pem_certificates(path: Path) -> List[x509.Certificate]:
    data = path.read_bytes()
    marker = b"-----BEGIN CERTIFICATE-----"
    chunks = [marker + c for c in data.split(marker)[1:]]
    if not chunks:
        raise ChainError(f"{path}: no PEM certificate")
    return [x509.load_pem_x509_certificate(c) for c in chunks]


def _check_pss_parameters(params: der.Element, where: str) -> None:
    """Accepts exactly SHA-384, MGF1-SHA-384, salt 48, trailer 1 (explicit or default)."""
    if params.tag != der.SEQUENCE:
        raise ChainError(f"{where}: RSASSA-PSS parameters are not a SEQUENCE")
    seen: Dict[int, der.Element] = {}
    for item in der.children(params.content):
        number = item.tag - 0xA0
        if not 0 <= number <= 3 or number in seen or (seen and number < max(seen)):
            raise ChainError(f"{where}: unexpected RSASSA-PSS parameter tag 0x{item.tag:02x}")
        inner = der.children(item.content)
        if len(inner) != 1:
            raise ChainError(f"{where}: RSASSA-PSS parameter [{number}] is not one element")
        seen[number] = inner[0]
    sha384 = der.sequence(der.oid(amd.SHA384), der.null())
    sha384_no_null = der.sequence(der.oid(amd.SHA384))
    if 0 not in seen or seen[0].encoded not in (sha384, sha384_no_null):
        raise ChainError(f"{where}: RSASSA-PSS hash is not SHA-384")
    mgf = [der.sequence(der.oid(amd.MGF1), h) for h in (sha384, sha384_no_null)]
    if 1 not in seen or seen[1].encoded not in mgf:
        raise ChainError(f"{where}: RSASSA-PSS mask generation is not MGF1-SHA-384")
    if 2 not in seen or der.decode_integer(seen[2]) != amd.PSS_SALT_LENGTH:
        raise ChainError(f"{where}: RSASSA-PSS salt length is not {amd.PSS_SALT_LENGTH}")
    if 3 in seen and der.decode_integer(seen[3]) != 1:
        raise ChainError(f"{where}: RSASSA-PSS trailer field is not 1")


def _signature_algorithms(cert: x509.Certificate) -> Tuple[der.Element, der.Element]:
    """The outer signatureAlgorithm and the TBS signature field."""
    outer = der.children(der.read_single(der_of(cert), der.SEQUENCE).content)
    if len(outer) != 3 or outer[0].tag != der.SEQUENCE:
        raise ChainError("certificate is not SEQUENCE {tbs, algorithm, signature}")
    tbs = der.children(outer[0].content)
    index = 2 if tbs and tbs[0].tag == 0xA0 else 1
    if len(tbs) <= index:
        raise ChainError("TBSCertificate is truncated")
    return outer[1], tbs[index]


def check_pss_signature(cert: x509.Certificate, issuer_key: object, where: str) -> None:
    """cert is signed by issuer_key with RSASSA-PSS SHA-384/MGF1-SHA-384/salt 48."""
    try:
        outer, inner = _signature_algorithms(cert)
        if outer.encoded != inner.encoded:
            raise ChainError(f"{where}: signatureAlgorithm differs from the TBS signature field")
        parts = der.children(outer.content)
        if len(parts) != 2 or der.decode_oid(parts[0]) != amd.RSASSA_PSS:
            raise ChainError(f"{where}: signature algorithm is not RSASSA-PSS with parameters")
        _check_pss_parameters(parts[1], where)
    except der.DerError as e:
        raise ChainError(f"{where}: malformed signature algorithm: {e}") from e
    if not isinstance(issuer_key, rsa.RSAPublicKey):
        raise ChainError(f"{where}: issuer key is not RSA")
    try:
        issuer_key.verify(cert.signature, cert.tbs_certificate_bytes,
                          padding.PSS(mgf=padding.MGF1(hashes.SHA384()),
                                      salt_length=amd.PSS_SALT_LENGTH), hashes.SHA384())
    except InvalidSignature as e:
        raise ChainError(f"{where}: RSASSA-PSS signature does not verify") from e


def check_validity(cert: x509.Certificate, now: datetime.datetime, where: str) -> None:
    naive_now = now.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    if not cert.not_valid_before <= naive_now <= cert.not_valid_after:
        raise ChainError(f"{where}: not valid at {naive_now.isoformat()}Z (valid "
                         f"{cert.not_valid_before.isoformat()}Z..{cert.not_valid_after.isoformat()}Z)")


def _check_ca(cert: x509.Certificate, where: str) -> None:
    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound as e:
        raise ChainError(f"{where}: lacks basicConstraints or keyUsage") from e
    if not constraints.ca or not usage.key_cert_sign:
        raise ChainError(f"{where}: is not a CA certificate allowed to sign certificates")
    if not isinstance(cert.public_key(), rsa.RSAPublicKey):
        raise ChainError(f"{where}: key is not RSA")


def parse_vcek_extensions(cert: x509.Certificate) -> VcekInfo:
    raw: Dict[str, bytes] = {}
    for ext in cert.extensions:
        if isinstance(ext.value, x509.UnrecognizedExtension):
            raw[ext.oid.dotted_string] = ext.value.value

    def integer(oid: str) -> int:
        try:
            value = der.decode_integer(der.read_single(raw[oid], der.INTEGER))
        except der.DerError as e:
            raise ChainError(f"VCEK extension {oid} is not a DER INTEGER: {e}") from e
        if not 0 <= value <= 0xFF:
            raise ChainError(f"VCEK extension {oid}={value} is not a byte")
        return value

    for required in (amd.STRUCT_VERSION, amd.PRODUCT_NAME):
        if required not in raw:
            raise ChainError(f"VCEK lacks extension {required}")
    try:
        name = der.read_single(raw[amd.PRODUCT_NAME], der.IA5_STRING).content.decode("ascii")
    except (der.DerError, UnicodeDecodeError) as e:
        raise ChainError(f"VCEK productName is not an IA5String: {e}") from e
    spl = {comp: integer(oid) for comp, oid in amd.SPL_EXTENSIONS.items() if oid in raw}
    csp = None
    if amd.CSP_ID in raw:
        try:
            csp = der.read_single(raw[amd.CSP_ID], der.IA5_STRING).content.decode("ascii")
        except (der.DerError, UnicodeDecodeError) as e:
            raise ChainError(f"VLEK csp_id is not an IA5String: {e}") from e
    return VcekInfo(integer(amd.STRUCT_VERSION), name, spl, raw.get(amd.HW_ID), csp)


@dataclass(frozen=True)
class VerifiedChain:
    ark: x509.Certificate
    ask: x509.Certificate
    vcek: x509.Certificate
    vcek_info: VcekInfo


def verify_vcek_chain(vcek: x509.Certificate, ask_candidates: Sequence[x509.Certificate],
                      pinned_arks: Sequence[x509.Certificate],
                      now: Optional[datetime.datetime] = None) -> VerifiedChain:
    """Finds ASK and pinned ARK that certify the VCEK; raises ChainError otherwise.

    An ARK is trusted only when its DER equals a pinned certificate, whatever its name.
    """
    now = now or datetime.datetime.now(datetime.timezone.utc)
    if not pinned_arks:
        raise ChainError("no pinned ARK")
    vcek_key = vcek.public_key()
    if not isinstance(vcek_key, ec.EllipticCurvePublicKey) or not isinstance(vcek_key.curve,
                                                                             ec.SECP384R1):
        raise ChainError("VCEK key is not EC P-384")
    check_validity(vcek, now, "VCEK")
    info = parse_vcek_extensions(vcek)

    failures: List[str] = []
    for ask in ask_candidates:
        if ask.subject != vcek.issuer:
            failures.append(f"ASK {ask.subject.rfc4514_string()} is not the VCEK's issuer")
            continue
        try:
            _check_ca(ask, "ASK")
            check_pss_signature(vcek, ask.public_key(), "VCEK")
            check_validity(ask, now, "ASK")
        except ChainError as e:
            failures.append(str(e))
            continue
        for ark in pinned_arks:
            if ark.subject != ask.issuer:
                failures.append(f"pinned ARK {ark.subject.rfc4514_string()} did not issue the ASK")
                continue
            try:
                _check_ca(ark, "ARK")
                check_pss_signature(ask, ark.public_key(), "ASK")
                check_pss_signature(ark, ark.public_key(), "ARK")
                check_validity(ark, now, "ARK")
            except ChainError as e:
                failures.append(str(e))
                continue
            return VerifiedChain(ark, ask, vcek, info)
    detail = "; ".join(dict.fromkeys(failures)) or "no ASK candidate"
    raise ChainError(f"VCEK does not chain to a pinned ARK: {detail}")
