"""A KBS client for the tests, written from the protocol description (not from broker/):
one HTTP/1.1 connection, the session cookie, an ephemeral P-256 key, and jwcrypto to
decrypt what the broker releases."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional

from cryptography.hazmat.primitives.asymmetric import ec
from jwcrypto import jwe, jwk


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Reply:
    status: int
    body: bytes
    headers: Dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


class TeeKey:
    """The guest's ephemeral key and its JWK as the guest sends it."""

    def __init__(self) -> None:
        self.private = ec.generate_private_key(ec.SECP256R1())
        numbers = self.private.public_key().public_numbers()
        self.jwk = {"kty": "EC", "crv": "P-256", "alg": "ECDH-ES+A256KW",
                    "x": _b64url(numbers.x.to_bytes(32, "big")),
                    "y": _b64url(numbers.y.to_bytes(32, "big"))}

    def report_data(self, nonce: str) -> bytes:
        # RFC 8785 form of {"additional-evidence":"", "nonce", "tee-pubkey"} written out by
        # hand: keys sorted, no spaces, and the values need no escaping.
        canonical = ('{"additional-evidence":"","nonce":"%s","tee-pubkey":{"alg":"%s","crv":"%s",'
                     '"kty":"%s","x":"%s","y":"%s"}}' % (nonce, self.jwk["alg"], self.jwk["crv"],
                                                        self.jwk["kty"], self.jwk["x"],
                                                        self.jwk["y"]))
        return hashlib.sha384(canonical.encode()).digest() + bytes(16)

    def decrypt(self, flattened: Dict[str, Any]) -> bytes:
        token = jwe.JWE()
        token.deserialize(json.dumps(flattened), key=jwk.JWK.from_pyca(self.private))
        return bytes(token.payload)


class KbsClient:
    def __init__(self, host: str, port: int, ca_file: Optional[Path]) -> None:
        if ca_file is not None:
            context = ssl.create_default_context(cafile=str(ca_file))
            self.conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, port, context=context, timeout=30)
        else:
            self.conn = http.client.HTTPConnection(host, port, timeout=30)
        self.cookie: Optional[str] = None

    def close(self) -> None:
        self.conn.close()

    def request(self, method: str, path: str, body: Any = None,
                headers: Optional[Dict[str, str]] = None) -> Reply:
        send = dict(headers or {})
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            send["Content-Type"] = "application/json"
        if self.cookie:
            send["Cookie"] = f"kbs-session-id={self.cookie}"
        self.conn.request(method, path, body=data, headers=send)
        response = self.conn.getresponse()
        reply = Reply(response.status, response.read(), {k.lower(): v for k, v in response.getheaders()})
        set_cookie = reply.headers.get("set-cookie", "")
        if set_cookie.startswith("kbs-session-id="):
            self.cookie = set_cookie.split(";")[0].split("=", 1)[1]
        return reply

    def auth(self, version: str = "0.4.0") -> Reply:
        return self.request("POST", "/kbs/v0/auth", {
            "version": version, "tee": "snp",
            "extra-params": {"supported-hash-algorithms": ["sha256", "sha384", "sha512", "sm3"]}})

    def attest(self, nonce: str, tee_key: TeeKey, evidence: Any) -> Reply:
        return self.request("POST", "/kbs/v0/attest", {
            "runtime-data": {"nonce": nonce, "tee-pubkey": tee_key.jwk},
            "tee-evidence": {"primary_evidence": evidence, "additional_evidence": ""}})

    def resource(self, name: str, bearer: Optional[str] = None) -> Reply:
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else None
        return self.request("GET", f"/kbs/v0/resource/{name}", headers=headers)
