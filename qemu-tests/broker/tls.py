"""The broker's TLS identity: a CA (whose certificate goes into the image) and a server
certificate, both ECDSA P-256, created once per directory and reused afterwards so that an
image built against the CA keeps working across broker restarts."""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
from pathlib import Path
from typing import List, Sequence

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEFAULT_SANS = ("10.0.2.100", "127.0.0.1", "localhost")
CA_FILE = "ca.pem"
CA_KEY_FILE = "ca.key"
CERT_FILE = "server.pem"
KEY_FILE = "server.key"


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)


def _alt_names(names: Sequence[str]) -> List[x509.GeneralName]:
    out: List[x509.GeneralName] = []
    for name in names:
        try:
            out.append(x509.IPAddress(ipaddress.ip_address(name)))
            # mbedtls 2.28 matches the expected host name only against dNSName entries,
            # so an address is listed as text too.
            out.append(x509.DNSName(name))
        except ValueError:
            out.append(x509.DNSName(name))
    return out


def _builder(subject: x509.Name, issuer: x509.Name, public_key: object,
             days: int) -> x509.CertificateBuilder:
    start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
            .public_key(public_key).serial_number(x509.random_serial_number())  # type: ignore[arg-type]
            .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=days)))


def _server_cert_covers(directory: Path, sans: Sequence[str]) -> bool:
    if not (directory / CERT_FILE).exists() or not (directory / KEY_FILE).exists():
        return False
    cert = x509.load_pem_x509_certificate((directory / CERT_FILE).read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return set(sans) <= set(names.get_values_for_type(x509.DNSName))


def ensure_tls_files(directory: Path, sans: Sequence[str] = DEFAULT_SANS) -> None:
    """Creates ca.pem/ca.key if missing, and server.pem/server.key if missing or lacking a name."""
    directory.mkdir(parents=True, exist_ok=True)
    ca_path, ca_key_path = directory / CA_FILE, directory / CA_KEY_FILE
    if not ca_path.exists():
        ca_key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Buckypaper test KBS CA")])
        ca = (_builder(name, name, ca_key.public_key(), 3650)
              .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
              .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                           key_encipherment=False, data_encipherment=False,
                                           key_agreement=False, key_cert_sign=True, crl_sign=True,
                                           encipher_only=False, decipher_only=False), critical=True)
              .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                             critical=False)
              .sign(ca_key, hashes.SHA256()))
        _write_key(ca_key_path, ca_key)
        ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        for stale in (directory / CERT_FILE, directory / KEY_FILE):
            if stale.exists():
                stale.unlink()
    if _server_cert_covers(directory, sans):
        return
    ca = x509.load_pem_x509_certificate(ca_path.read_bytes())
    ca_key = serialization.load_pem_private_key(ca_key_path.read_bytes(), password=None)
    if not isinstance(ca_key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{ca_key_path} is not an EC key")
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, sans[0])])
    cert = (_builder(subject, ca.subject, key.public_key(), 825)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False, crl_sign=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName(_alt_names(sans)), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    _write_key(directory / KEY_FILE, key)
    (directory / CERT_FILE).write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def server_context(directory: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2  # mbedtls 2.28 speaks TLS 1.2
    context.load_cert_chain(directory / CERT_FILE, directory / KEY_FILE)
    return context
