"""Attestation tokens: JWTs signed ES256 with a key generated for each broker run.

The guest treats the token as an opaque bearer token; the broker accepts it back either
through the session cookie or an `Authorization: Bearer` header.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any, Dict

from jwcrypto import jwk, jws

ISSUER = "buckypaper-test-kbs"


class TokenError(ValueError):
    """A token that is malformed, not ours, or expired."""


class TokenAuthority:
    def __init__(self, lifetime_seconds: int = 300) -> None:
        self._key = jwk.JWK.generate(kty="EC", crv="P-256")
        self.lifetime = lifetime_seconds

    def issue(self, session_id: str, tee_pubkey: Dict[str, str], claims: Dict[str, Any]) -> str:
        now = int(time.time())
        payload = {"iss": ISSUER, "iat": now, "exp": now + self.lifetime, "jti": uuid.uuid4().hex,
                   "session": session_id, "tee-pubkey": tee_pubkey, "snp": claims}
        token = jws.JWS(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
        token.add_signature(self._key, alg="ES256",
                            protected=json.dumps({"alg": "ES256", "typ": "JWT"}))
        return str(token.serialize(compact=True))

    def verify(self, token: str) -> Dict[str, Any]:
        parsed = jws.JWS()
        parsed.allowed_algs = ["ES256"]
        try:
            parsed.deserialize(token)
            parsed.verify(self._key)
            claims = json.loads(parsed.payload)
        except (jws.InvalidJWSObject, jws.InvalidJWSSignature, jws.InvalidJWSOperation,
                ValueError) as e:
            raise TokenError(f"token signature or format invalid: {type(e).__name__}") from e
        if not isinstance(claims, dict) or claims.get("iss") != ISSUER:
            raise TokenError("token was not issued by this broker")
        exp = claims.get("exp")
        if not isinstance(exp, int) or exp <= time.time():
            raise TokenError("token expired")
        return claims
