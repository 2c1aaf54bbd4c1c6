#!/usr/bin/python3
# Generates the small X.509 fixtures in this directory with Python's
# cryptography (an independent implementation). Run once; the outputs are
# committed, so keys are random per run and tests only check relations.
import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

NOT_BEFORE = datetime.datetime(2024, 1, 1)
NOT_AFTER = datetime.datetime(2034, 1, 1)


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def cert(subject, issuer, public_key, signing_key, algorithm, ca, extra=()):
    builder = (x509.CertificateBuilder().subject_name(name(subject)).issuer_name(name(issuer))
               .public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    for oid, value in extra:
        builder = builder.add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier(oid), value), critical=False)
    return builder.sign(signing_key, algorithm)


def write(path, certificate):
    with open(path, "wb") as f:
        f.write(certificate.public_bytes(serialization.Encoding.DER))


ca_key = ec.generate_private_key(ec.SECP256R1())
ca = cert("bp test EC CA", "bp test EC CA", ca_key.public_key(), ca_key, hashes.SHA256(), True)
leaf_key = ec.generate_private_key(ec.SECP384R1())
leaf = cert("bp test leaf", "bp test EC CA", leaf_key.public_key(), ca_key, hashes.SHA384(), False,
            [("1.3.6.1.4.1.55555.1", b"\x04\x03abc")])
sha1_leaf = cert("bp test sha1 leaf", "bp test EC CA", leaf_key.public_key(), ca_key, hashes.SHA1(), False)
rsa_small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
small_ca = cert("bp test RSA-1024 CA", "bp test RSA-1024 CA", rsa_small.public_key(), rsa_small, hashes.SHA256(), True)

write("ec-ca.der", ca)
write("ec-leaf.der", leaf)
write("ec-sha1-leaf.der", sha1_leaf)
write("rsa1024-ca.der", small_ca)
