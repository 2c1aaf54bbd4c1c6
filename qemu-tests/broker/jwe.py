"""The TEE public key (JWK) and resource encryption as Trustee sends it.

Flattened JWE JSON {protected, encrypted_key, iv, ciphertext, tag}, alg ECDH-ES+A256KW
(Concat KDF with SHA-256, AES-256 key wrap), enc A256GCM, AAD = the `protected` string.
The ephemeral key `epk` sits in the protected header as in Trustee (jwcrypto would put it
in an unprotected per-recipient header, hence this construction from primitives).
"""

from __future__ import annotations

import base64
import json
import os
import re
import struct
from dataclasses import dataclass
from typing import Any, Dict

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash
from cryptography.hazmat.primitives.keywrap import aes_key_wrap

KEY_ALG = "ECDH-ES+A256KW"
CONTENT_ALG = "A256GCM"
CURVES = {"P-256": (ec.SECP256R1, 32), "P-521": (ec.SECP521R1, 66)}


class TeeKeyError(ValueError):
    """A tee-pubkey that is not an EC JWK the broker can encrypt to."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    # Strict: the base64 module would silently skip characters outside the alphabet.
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9_-]*", text) or len(text) % 4 == 1:
        raise ValueError("not unpadded base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class TeePubKey:
    jwk: Dict[str, str]  # exactly {kty, crv, alg, x, y}, as received
    public_key: ec.EllipticCurvePublicKey

    @classmethod
    def from_json(cls, value: Any) -> "TeePubKey":
        if not isinstance(value, dict):
            raise TeeKeyError("tee-pubkey must be a JSON object")
        expected = {"kty", "crv", "alg", "x", "y"}
        # Extra members would change the bytes hashed into report_data between client
        # and Trustee (serde drops them), so they are refused.
        if set(value) != expected:
            raise TeeKeyError(f"tee-pubkey must have exactly the members {sorted(expected)}, "
                              f"got {sorted(value)}")
        if value["kty"] != "EC" or value["alg"] != KEY_ALG:
            raise TeeKeyError(f"tee-pubkey must be kty EC with alg {KEY_ALG}")
        if value["crv"] not in CURVES:
            raise TeeKeyError(f"tee-pubkey curve {value['crv']!r} is not one of {sorted(CURVES)}")
        curve, size = CURVES[value["crv"]]
        try:
            x = b64url_decode(value["x"])
            y = b64url_decode(value["y"])
        except ValueError as e:
            raise TeeKeyError(f"tee-pubkey coordinates are not base64url: {e}") from e
        if len(x) != size or len(y) != size:
            raise TeeKeyError(f"tee-pubkey coordinates must be {size} bytes each for {value['crv']}")
        try:
            key = ec.EllipticCurvePublicNumbers(int.from_bytes(x, "big"), int.from_bytes(y, "big"),
                                                curve()).public_key()
        except ValueError as e:
            raise TeeKeyError("tee-pubkey is not a point on the curve") from e
        return cls(dict(value), key)


def concat_kdf(shared_secret: bytes, algorithm_id: str, key_bits: int, apu: bytes = b"",
               apv: bytes = b"") -> bytes:
    """RFC 7518 4.6.2: Concat KDF (SHA-256) with length-prefixed AlgorithmID, PartyUInfo,
    PartyVInfo and the key length in bits as SuppPubInfo."""
    alg = algorithm_id.encode("ascii")
    other_info = b"".join(struct.pack(">I", len(part)) + part for part in (alg, apu, apv))
    other_info += struct.pack(">I", key_bits)
    return ConcatKDFHash(algorithm=hashes.SHA256(), length=key_bits // 8,
                         otherinfo=other_info).derive(shared_secret)


def encrypt(plaintext: bytes, recipient: TeePubKey) -> Dict[str, str]:
    curve, size = CURVES[recipient.jwk["crv"]]
    ephemeral = ec.generate_private_key(curve())
    kek = concat_kdf(ephemeral.exchange(ec.ECDH(), recipient.public_key), KEY_ALG, 256)
    cek = os.urandom(32)
    numbers = ephemeral.public_key().public_numbers()
    header = {"alg": KEY_ALG, "enc": CONTENT_ALG,
              "epk": {"crv": recipient.jwk["crv"], "kty": "EC",
                      "x": b64url(numbers.x.to_bytes(size, "big")),
                      "y": b64url(numbers.y.to_bytes(size, "big"))}}
    protected = b64url(json.dumps(header, separators=(",", ":")).encode("utf-8"))
    iv = os.urandom(12)
    sealed = AESGCM(cek).encrypt(iv, plaintext, protected.encode("ascii"))
    return {"protected": protected, "encrypted_key": b64url(aes_key_wrap(kek, cek)),
            "iv": b64url(iv), "ciphertext": b64url(sealed[:-16]), "tag": b64url(sealed[-16:])}
