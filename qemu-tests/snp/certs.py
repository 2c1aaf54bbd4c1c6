"""A per-run test ARK/ASK/VCEK chain with AMD's algorithms, names and extensions.

ARK: self-signed RSA-4096; ASK: RSA-4096 signed by the ARK; VCEK: EC P-384 signed by the
ASK; every certificate signature is RSASSA-PSS SHA-384 (MGF1-SHA-384, salt 48). The names
are AMD's on purpose: a verifier must pin the ARK by key, never trust a name.
"""

from __future__ import annotations

import datetime
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from snp import amd_x509 as amd
from snp import der
from snp.tcb import Tcb

RSA_BITS = 4096
CA_VALIDITY = datetime.timedelta(days=25 * 365)
VCEK_VALIDITY = datetime.timedelta(days=7 * 365)
CHIP_ID_SIZE = 64


@dataclass(frozen=True)
class Product:
    name: str               # KDS product name, in CNs: ARK-<name>, SEV-<name>
    vcek_product_name: str  # the VCEK productName extension
    ark_serial: int
    ask_serial: int
    cpuid_fam_id: int
    cpuid_mod_id: int
    cpuid_step: int


# Serial numbers as AMD's (reference/snp.md 2.1); productName as the real VCEKs in testdata.
PRODUCTS = {
    "Genoa": Product("Genoa", "Genoa", 0x20000, 0x20002, 0x19, 0x11, 0x01),
    "Milan": Product("Milan", "Milan-B0", 0x10000, 0x10001, 0x19, 0x01, 0x01),
}


def pss_sign(key: rsa.RSAPrivateKey, data: bytes) -> bytes:
    return key.sign(data, padding.PSS(mgf=padding.MGF1(hashes.SHA384()),
                                      salt_length=amd.PSS_SALT_LENGTH), hashes.SHA384())


def _extension(oid: str, value: bytes, critical: bool = False) -> bytes:
    parts = [der.oid(oid)] + ([der.boolean(True)] if critical else []) + [der.octet_string(value)]
    return der.sequence(*parts)


def _spki(public_key: object) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER,  # type: ignore[attr-defined]
                                   serialization.PublicFormat.SubjectPublicKeyInfo)


def _key_id(public_key: object) -> bytes:
    return x509.SubjectKeyIdentifier.from_public_key(public_key).digest  # type: ignore[arg-type]


def _crl_distribution_point(product: Product) -> bytes:
    # AMD points at KDS; a test chain has no CRL, so its URL is under .invalid.
    url = f"https://kds.invalid/vcek/v1/{product.name}/crl"
    uri = der.tlv(0x86, url.encode("ascii"))  # GeneralName uniformResourceIdentifier [6]
    full_name = der.tlv(0xA0, uri)            # DistributionPointName fullName [0]
    return der.sequence(der.sequence(der.tlv(0xA0, full_name)))


def build_certificate(*, serial: int, issuer: bytes, subject: bytes, public_key: object,
                      not_before: datetime.datetime, not_after: datetime.datetime,
                      extensions: List[bytes], signer: rsa.RSAPrivateKey,
                      explicit_trailer: bool) -> bytes:
    """Assembles and PSS-signs an X.509 v3 certificate; returns its DER."""
    algorithm = amd.pss_algorithm(explicit_trailer)
    tbs = der.sequence(
        der.explicit(0, der.integer(2)), der.integer(serial), algorithm, issuer,
        der.sequence(der.time(not_before), der.time(not_after)), subject, _spki(public_key),
        der.explicit(3, der.sequence(*extensions)))
    return der.sequence(tbs, algorithm, der.bit_string(pss_sign(signer, tbs)))


def _now() -> datetime.datetime:
    # A day of slack for clocks that lag (the guest's clock at boot, for instance).
    moment = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    return moment.replace(microsecond=0)


@dataclass
class CaChain:
    """The test ARK and ASK with their private keys."""

    product: Product
    ark_key: rsa.RSAPrivateKey
    ark_der: bytes
    ask_key: rsa.RSAPrivateKey
    ask_der: bytes

    @property
    def ark(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(self.ark_der)

    @property
    def ask(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(self.ask_der)

    def ask_ark_pem(self) -> bytes:
        """KDS cert_chain format: the ASK, then the ARK."""
        return b"".join(_pem(d) for d in (self.ask_der, self.ark_der))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "product").write_text(self.product.name + "\n")
        (directory / "ark.pem").write_bytes(_pem(self.ark_der))
        (directory / "ask.pem").write_bytes(_pem(self.ask_der))
        (directory / "ask_ark.pem").write_bytes(self.ask_ark_pem())
        _write_private_key(directory / "ark.key", self.ark_key)
        _write_private_key(directory / "ask.key", self.ask_key)

    @classmethod
    def load(cls, directory: Path) -> "CaChain":
        product = PRODUCTS[(directory / "product").read_text().strip()]
        ark_key = _read_private_key(directory / "ark.key")
        ask_key = _read_private_key(directory / "ask.key")
        ark = x509.load_pem_x509_certificate((directory / "ark.pem").read_bytes())
        ask = x509.load_pem_x509_certificate((directory / "ask.pem").read_bytes())
        if not isinstance(ark_key, rsa.RSAPrivateKey) or not isinstance(ask_key, rsa.RSAPrivateKey):
            raise ValueError(f"{directory}: ARK and ASK keys must be RSA")
        return cls(product, ark_key, ark.public_bytes(serialization.Encoding.DER), ask_key,
                   ask.public_bytes(serialization.Encoding.DER))

    @classmethod
    def exists_in(cls, directory: Path) -> bool:
        names = ("product", "ark.pem", "ask.pem", "ark.key", "ask.key")
        return all((directory / n).is_file() for n in names)


@dataclass
class Vcek:
    key: ec.EllipticCurvePrivateKey
    der: bytes
    chip_id: bytes
    tcb: Tcb

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(self.der)


def _pem(der_bytes: bytes) -> bytes:
    return x509.load_der_x509_certificate(der_bytes).public_bytes(serialization.Encoding.PEM)


def _write_private_key(path: Path, key: object) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM,  # type: ignore[attr-defined]
                            serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)


def _read_private_key(path: Path) -> object:
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def generate_ca_chain(product_name: str = "Genoa", rsa_bits: int = RSA_BITS) -> CaChain:
    product = PRODUCTS[product_name]
    start = _now()
    ark_key = rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)
    ask_key = rsa.generate_private_key(public_exponent=65537, key_size=rsa_bits)
    ark_name = amd.amd_name(f"ARK-{product.name}")
    ask_name = amd.amd_name(f"SEV-{product.name}")
    crl = _extension(amd.CRL_DISTRIBUTION_POINTS, _crl_distribution_point(product))

    # Extension order as in AMD's certificates.
    ark_der = build_certificate(
        serial=product.ark_serial, issuer=ark_name, subject=ark_name,
        public_key=ark_key.public_key(), not_before=start, not_after=start + CA_VALIDITY,
        extensions=[
            _extension(amd.KEY_USAGE, der.tlv(der.BIT_STRING, b"\x01\x06"), critical=True),
            _extension(amd.SUBJECT_KEY_IDENTIFIER, der.octet_string(_key_id(ark_key.public_key()))),
            _extension(amd.BASIC_CONSTRAINTS, der.sequence(der.boolean(True)), critical=True),
            crl,
        ],
        signer=ark_key, explicit_trailer=True)
    ask_der = build_certificate(
        serial=product.ask_serial, issuer=ark_name, subject=ask_name,
        public_key=ask_key.public_key(), not_before=start, not_after=start + CA_VALIDITY,
        extensions=[
            _extension(amd.SUBJECT_KEY_IDENTIFIER, der.octet_string(_key_id(ask_key.public_key()))),
            _extension(amd.AUTHORITY_KEY_IDENTIFIER,
                       der.sequence(der.tlv(0x80, _key_id(ark_key.public_key())))),
            _extension(amd.BASIC_CONSTRAINTS, der.sequence(der.boolean(True), der.integer(0)),
                       critical=True),
            _extension(amd.KEY_USAGE, der.tlv(der.BIT_STRING, b"\x02\x04"), critical=True),
            crl,
        ],
        signer=ark_key, explicit_trailer=True)
    return CaChain(product, ark_key, ark_der, ask_key, ask_der)


def generate_vcek(chain: CaChain, tcb: Tcb, chip_id: Optional[bytes] = None) -> Vcek:
    """A VCEK for this chip and TCB, carrying AMD's VCEK extensions."""
    if tcb.turin_layout:
        raise ValueError("Turin VCEKs (fmcSPL, 8-byte hwID) are not generated by this simulator")
    chip_id = secrets.token_bytes(CHIP_ID_SIZE) if chip_id is None else chip_id
    if len(chip_id) != CHIP_ID_SIZE:
        raise ValueError(f"chip_id is {len(chip_id)} bytes, expected {CHIP_ID_SIZE}")
    key = ec.generate_private_key(ec.SECP384R1())
    start = _now()
    # Extension order as in AMD's Milan and Genoa VCEKs: .3.3 and .3.8 come after spl_4..7.
    extensions = [
        _extension(amd.STRUCT_VERSION, der.integer(0)),
        _extension(amd.PRODUCT_NAME, der.ia5_string(chain.product.vcek_product_name)),
        _extension(amd.BL_SPL, der.integer(tcb.bootloader)),
        _extension(amd.TEE_SPL, der.integer(tcb.tee)),
        *[_extension(o, der.integer(0)) for o in (amd.SPL_4, amd.SPL_5, amd.SPL_6, amd.SPL_7)],
        _extension(amd.SNP_SPL, der.integer(tcb.snp)),
        _extension(amd.UCODE_SPL, der.integer(tcb.microcode)),
        _extension(amd.HW_ID, chip_id),  # raw bytes, no inner OCTET STRING (as AMD's)
    ]
    vcek_der = build_certificate(
        serial=0, issuer=amd.amd_name(f"SEV-{chain.product.name}"), subject=amd.amd_name("SEV-VCEK"),
        public_key=key.public_key(), not_before=start, not_after=start + VCEK_VALIDITY,
        extensions=extensions, signer=chain.ask_key, explicit_trailer=False)
    return Vcek(key, vcek_der, chip_id, tcb)
