"""The KBS protocol 0.4.0 endpoints, independent of the HTTP transport.

POST /kbs/v0/auth, POST /kbs/v0/attest, GET /kbs/v0/resource/<repo>/<type>/<tag>.
Errors are Trustee's ErrorInformation {"type": ".../errors/<Variant>", "detail": ...}:
404 for InvalidRequestPath/PluginNotFound, 403 for PolicyDeny, 401 for everything else.
Every decision is one JSON line in the decision log; resource bytes never are.
"""

from __future__ import annotations

import email.utils
import json
import re
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

from broker import jwe
from broker.resource_policy import ResourcePolicy
from broker.sessions import Session, SessionStore
from broker.token import TokenAuthority, TokenError
from broker.verifier import AttestationFailure, SnpVerifier, expected_report_data
from jsonlog import JsonLineLog

PROTOCOL_VERSION = "0.4.0"
PREFIX = "/kbs/v0/"
COOKIE = "kbs-session-id"
ERROR_TYPE_PREFIX = "https://github.com/confidential-containers/kbs/errors/"
MAX_BODY = 2 * 1024 * 1024  # Trustee's default payload_request_size
MAX_RESOURCE = 1024 * 1024
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass
class Request:
    method: str
    path: str  # without the query string
    headers: Dict[str, str]  # lower-case names
    body: bytes
    conn_id: int


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: Dict[str, str] = field(default_factory=dict)


class KbsError(Exception):
    STATUS = {"InvalidRequestPath": 404, "PluginNotFound": 404, "PolicyDeny": 403}

    def __init__(self, variant: str, detail: str) -> None:
        super().__init__(detail)
        self.variant = variant
        self.detail = detail

    @property
    def status(self) -> int:
        return self.STATUS.get(self.variant, 401)

    def response(self) -> Response:
        body = {"type": ERROR_TYPE_PREFIX + self.variant, "detail": self.detail}
        return Response(self.status, json.dumps(body).encode("utf-8"))


def _json_response(value: Any, session: Optional[Session] = None) -> Response:
    response = Response(200, json.dumps(value, separators=(",", ":")).encode("utf-8"))
    if session is not None:
        expires = email.utils.formatdate(session.expires, usegmt=True)
        response.headers["Set-Cookie"] = f"{COOKIE}={session.session_id}; Expires={expires}"
    return response


def _cookie(request: Request) -> Optional[str]:
    header = request.headers.get("cookie")
    if not header:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel else None


def _json_body(request: Request, what: str) -> Any:
    """The parsed body; ValueError (naming `what`) if it is not JSON."""
    try:
        return json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"{what} is not JSON: {e}") from e


@dataclass
class KbsApp:
    verifier: SnpVerifier
    resources: Path
    policy: ResourcePolicy
    tokens: TokenAuthority
    sessions: SessionStore
    log: JsonLineLog

    def handle(self, request: Request) -> Response:
        try:
            if not request.path.startswith(PREFIX):
                raise KbsError("InvalidRequestPath", f"Request path {request.path} is invalid")
            plugin, _, rest = request.path[len(PREFIX):].partition("/")
            if plugin == "auth" and request.method == "POST" and not rest:
                return self._auth(request)
            if plugin == "attest" and request.method == "POST" and not rest:
                return self._attest(request)
            if plugin == "resource" and request.method == "GET":
                return self._resource(request, rest)
            raise KbsError("PluginNotFound", f"Plugin {plugin} not found")
        except KbsError as e:
            if e.variant in ("InvalidRequestPath", "PluginNotFound"):
                self.log.write("request", decision="rejected", conn=request.conn_id,
                               method=request.method, path=request.path, status=e.status,
                               reason=e.variant)
            return e.response()
        except Exception as e:  # noqa: BLE001 - a broker bug must show, not kill the connection
            self.log.write("internal_error", conn=request.conn_id, method=request.method,
                           path=request.path, status=500, error=f"{type(e).__name__}: {e}")
            body = {"type": ERROR_TYPE_PREFIX + "InternalError", "detail": "internal error"}
            return Response(500, json.dumps(body).encode("utf-8"))

    # POST /kbs/v0/auth

    def _auth(self, request: Request) -> Response:
        try:
            try:
                body = _json_body(request, "Request")
            except ValueError as e:
                raise KbsError("AttestationError", f"Attestation error: {e}") from e
            if not isinstance(body, dict):
                raise KbsError("AttestationError", "Attestation error: Request is not an object")
            if body.get("version") != PROTOCOL_VERSION:
                raise KbsError("AttestationError", "Attestation error: KBS Client Protocol Version "
                               f"Mismatch: expect ={PROTOCOL_VERSION} while the request is "
                               f"{body.get('version')}")
            if body.get("tee") != "snp":
                raise KbsError("AttestationError", f"Attestation error: tee {body.get('tee')!r} "
                               "is not supported by this broker (snp only)")
        except KbsError as e:
            self.log.write("auth", decision="rejected", conn=request.conn_id, status=e.status,
                           reason=e.detail)
            raise
        session = self.sessions.create(request.conn_id)
        self.log.write("auth", decision="challenge", conn=request.conn_id,
                       session=session.session_id, **session.counters())
        return _json_response({"nonce": session.nonce, "extra-params": ""}, session)

    # POST /kbs/v0/attest

    def _attest(self, request: Request) -> Response:
        session = self.sessions.lookup(_cookie(request), request.conn_id)
        if session is None:
            self._log_attest(request, None, "rejected", 401, "session", "no live session for the "
                             "kbs-session-id cookie")
            raise KbsError("AttestationError", "Attestation error: session not found or expired "
                           "(POST /kbs/v0/auth first)")
        if session.attested:
            self._log_attest(request, session, "accepted", 200, "already_attested",
                             "session already attested: returning its token")
            return _json_response({"token": session.token}, session)
        try:
            tee_pubkey, evidence, additional = self._parse_attestation(request, session)
            authentic = self.verifier.authenticate(evidence)
            claims = self.verifier.appraise(
                authentic.report,
                expected_report_data(session.nonce, tee_pubkey.jwk, additional))
        except AttestationFailure as e:
            self._log_attest(request, session, "rejected", 401, e.check, e.detail)
            raise KbsError("AttestationError", f"Attestation error: verify TEE evidence failed: "
                           f"{e}") from e
        session.tee_pubkey = tee_pubkey.jwk
        session.claims = claims
        session.token = self.tokens.issue(session.session_id, tee_pubkey.jwk, claims)
        self._log_attest(request, session, "accepted", 200, "ok", "evidence verified",
                         claims=claims)
        return _json_response({"token": session.token}, session)

    @staticmethod
    def _parse_attestation(request: Request,
                           session: Session) -> Tuple[jwe.TeePubKey, Any, str]:
        try:
            body = _json_body(request, "Attestation")
        except ValueError as e:
            raise AttestationFailure("request", str(e)) from e

        def member(obj: Any, key: str, kind: type, where: str) -> Any:
            if not isinstance(obj, dict) or not isinstance(obj.get(key), kind):
                raise AttestationFailure("request", f"{where}.{key} must be a {kind.__name__}")
            return obj[key]

        if isinstance(body, dict) and body.get("init-data") is not None:
            raise AttestationFailure("init_data", "init-data is not supported; bind the "
                                     "configuration through HOST_DATA")
        runtime = member(body, "runtime-data", dict, "Attestation")
        nonce = member(runtime, "nonce", str, "runtime-data")
        if nonce != session.nonce:
            raise AttestationFailure("nonce", "runtime-data.nonce is not the nonce of this session")
        try:
            tee_pubkey = jwe.TeePubKey.from_json(runtime.get("tee-pubkey"))
        except jwe.TeeKeyError as e:
            raise AttestationFailure("tee_pubkey", str(e)) from e
        evidence = member(body, "tee-evidence", dict, "Attestation")
        additional = member(evidence, "additional_evidence", str, "tee-evidence")
        if additional:
            raise AttestationFailure("additional_evidence", "device evidence is not supported; "
                                     "additional_evidence must be \"\"")
        return tee_pubkey, member(evidence, "primary_evidence", dict, "tee-evidence"), additional

    def _log_attest(self, request: Request, session: Optional[Session], decision: str, status: int,
                    check: str, detail: str, **extra: Any) -> None:
        fields: Dict[str, Any] = {"decision": decision, "conn": request.conn_id, "status": status,
                                  "check": check, "reason": detail}
        if session is not None:
            fields.update(session=session.session_id, **session.counters())
        fields.update(extra)
        self.log.write("attest", **fields)

    # GET /kbs/v0/resource/<repo>/<type>/<tag>

    def _resource(self, request: Request, rest: str) -> Response:
        parts = rest.split("/")
        if len(parts) != 3 or not all(_SEGMENT.fullmatch(p) for p in parts):
            raise KbsError("InvalidRequestPath", f"Request path resource/{rest} is invalid: "
                           "expected resource/<repository>/<type>/<tag>")
        name = "/".join(parts)
        log = {"conn": request.conn_id, "resource": name}
        session = self.sessions.lookup(_cookie(request), request.conn_id)
        if session is not None:
            log.update(session=session.session_id, **session.counters())
        try:
            claims, source = self._token_claims(request, session)
        except KbsError as e:
            self.log.write("resource", decision="unauthorized", status=e.status, reason=e.detail,
                           **log)
            raise
        snp = claims.get("snp", {})
        log.update(token_source=source, token_session=claims.get("session"),
                   measurement=snp.get("measurement"))
        decision = self.policy.decide(name, snp)
        if not decision.allowed:
            self.log.write("resource", decision="denied", status=403, reason=decision.reason, **log)
            raise KbsError("PolicyDeny", "Access denied by policy")
        path = self.resources.joinpath(*parts)
        if not path.is_file():
            self.log.write("resource", decision="not_found", status=404,
                           reason="no such resource", **log)
            raise KbsError("InvalidRequestPath", f"Request path resource/{name} is invalid: "
                           "no such resource")
        data = path.read_bytes()
        try:
            if len(data) > MAX_RESOURCE:
                raise KbsError("PluginInternalError", "Plugin internal error: resource larger "
                               f"than {MAX_RESOURCE} bytes")
            try:
                recipient = jwe.TeePubKey.from_json(claims.get("tee-pubkey"))
            except jwe.TeeKeyError as e:
                raise KbsError("JweError", f"JWE failed: {e}") from e
        except KbsError as e:
            self.log.write("resource", decision="error", status=e.status, reason=e.detail, **log)
            raise
        body = jwe.encrypt(data, recipient)
        self.log.write("resource", decision="released", status=200, reason=decision.reason, **log)
        return _json_response(body)

    def _token_claims(self, request: Request,
                      session: Optional[Session]) -> Tuple[Dict[str, Any], str]:
        """As Trustee: the session's token first, else an Authorization: Bearer token."""
        if session is not None and session.token is not None:
            token, source = session.token, "session"
        else:
            auth = request.headers.get("authorization", "")
            scheme, _, value = auth.partition(" ")
            if scheme.lower() != "bearer" or not value.strip():
                raise KbsError("TokenNotFound", "Attestation Token not found")
            token, source = value.strip(), "bearer"
        try:
            return self.tokens.verify(token), source
        except TokenError as e:
            raise KbsError("TokenVerifierError", f"Token Verifier error: {e}") from e
