#!/usr/bin/python3
"""Independent reference computations for the C++ KBS client tests (Python: jwcrypto,
cryptography, hashlib). Each command prints one line on stdout.

  jwe-jwcrypto JWK PLAINTEXT_HEX   flattened JWE made by jwcrypto (epk in the unprotected header)
  jwe-trustee  JWK PLAINTEXT_HEX   flattened JWE shaped like Trustee's (epk in the protected
                                   header), built from cryptography's primitives
  concat-kdf   Z_HEX ALG APU_HEX APV_HEX BITS   Concat KDF (SHA-256) output, hex
  report-data  NONCE JWK           SHA-384 of the RFC 8785 form of
                                   {"additional-evidence":"","nonce":N,"tee-pubkey":JWK}, then 16 zero bytes, hex

JWK is the public key as JSON text. For report-data the members are all ASCII strings, where
RFC 8785 output equals json.dumps with sorted keys, no whitespace and ensure_ascii=False.
"""

import base64
import hashlib
import json
import os
import struct
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash
from cryptography.hazmat.primitives.keywrap import aes_key_wrap
from jwcrypto import jwe, jwk


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def concat_kdf(z, alg, apu, apv, bits):
    other = b"".join(struct.pack(">I", len(p)) + p for p in (alg.encode(), apu, apv)) + struct.pack(">I", bits)
    return ConcatKDFHash(algorithm=hashes.SHA256(), length=bits // 8, otherinfo=other).derive(z)


def jwe_jwcrypto(key_json, plaintext):
    token = jwe.JWE(plaintext, protected={"alg": "ECDH-ES+A256KW", "enc": "A256GCM"})
    token.add_recipient(jwk.JWK(**json.loads(key_json)))
    return token.serialize(compact=False)


def jwe_trustee(key_json, plaintext):
    key = json.loads(key_json)
    peer = ec.EllipticCurvePublicNumbers(int.from_bytes(b64url_decode(key["x"]), "big"),
                                         int.from_bytes(b64url_decode(key["y"]), "big"),
                                         ec.SECP256R1()).public_key()
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    kek = concat_kdf(ephemeral.exchange(ec.ECDH(), peer), "ECDH-ES+A256KW", b"", b"", 256)
    cek = os.urandom(32)
    n = ephemeral.public_key().public_numbers()
    header = {"alg": "ECDH-ES+A256KW", "enc": "A256GCM",
              "epk": {"crv": "P-256", "kty": "EC", "x": b64url(n.x.to_bytes(32, "big")),
                      "y": b64url(n.y.to_bytes(32, "big"))}}
    protected = b64url(json.dumps(header, separators=(",", ":")).encode())
    iv = os.urandom(12)
    sealed = AESGCM(cek).encrypt(iv, plaintext, protected.encode("ascii"))
    return json.dumps({"protected": protected, "encrypted_key": b64url(aes_key_wrap(kek, cek)), "iv": b64url(iv),
                       "ciphertext": b64url(sealed[:-16]), "tag": b64url(sealed[-16:])})


def report_data(nonce, key_json):
    runtime = {"additional-evidence": "", "nonce": nonce, "tee-pubkey": json.loads(key_json)}
    text = json.dumps(runtime, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (hashlib.sha384(text.encode("utf-8")).digest() + bytes(16)).hex()


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "jwe-jwcrypto":
        print(jwe_jwcrypto(args[0], bytes.fromhex(args[1])))
    elif cmd == "jwe-trustee":
        print(jwe_trustee(args[0], bytes.fromhex(args[1])))
    elif cmd == "concat-kdf":
        print(concat_kdf(bytes.fromhex(args[0]), args[1], bytes.fromhex(args[2]), bytes.fromhex(args[3]),
                         int(args[4])).hex())
    elif cmd == "report-data":
        print(report_data(args[0], args[1]))
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main()
