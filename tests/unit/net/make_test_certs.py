#!/usr/bin/python3
"""Writes the TLS test identities under tests/data/tls/ (run once; the output is checked in).

ca.pem                 test CA (ECDSA P-256; its key is not kept)
server.pem/server.key  signed by the CA, subjectAltName IP 127.0.0.1 and DNS localhost
dns-only.pem/.key      signed by the CA, subjectAltName DNS example.test only
other-ca.pem           an unrelated CA (a client trusting only it must refuse the server)
Validity: 2020..2120, so the files do not expire under the tests. Test keys only.
"""

import datetime
import ipaddress
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

START = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
END = datetime.datetime(2120, 1, 1, tzinfo=datetime.timezone.utc)


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def write_key(path, key):
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))


def make_ca(cn):
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(name(cn)).issuer_name(name(cn))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(START).not_valid_after(END)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def make_server(ca_key, ca_cert, cn, alt_names):
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(name(cn)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(START).not_valid_after(END)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return key, cert


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/data/tls")
    out.mkdir(parents=True, exist_ok=True)
    pem = serialization.Encoding.PEM
    ca_key, ca = make_ca("Buckypaper unit-test CA")
    (out / "ca.pem").write_bytes(ca.public_bytes(pem))
    key, cert = make_server(ca_key, ca, "unit-test server",
                            [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")])
    write_key(out / "server.key", key)
    (out / "server.pem").write_bytes(cert.public_bytes(pem))
    key, cert = make_server(ca_key, ca, "example.test", [x509.DNSName("example.test")])
    write_key(out / "dns-only.key", key)
    (out / "dns-only.pem").write_bytes(cert.public_bytes(pem))
    _, other = make_ca("Unrelated CA")
    (out / "other-ca.pem").write_bytes(other.public_bytes(pem))


if __name__ == "__main__":
    main()
