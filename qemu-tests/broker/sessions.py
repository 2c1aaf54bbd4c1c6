"""KBS protocol sessions (cookie `kbs-session-id`), with per-session traffic counters."""

from __future__ import annotations

import base64
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Set

NONCE_SIZE = 32


@dataclass
class Session:
    session_id: str
    nonce: str
    expires: float
    token: Optional[str] = None
    tee_pubkey: Optional[Dict[str, str]] = None
    claims: Optional[Dict[str, Any]] = None
    connections: Set[int] = field(default_factory=set)
    requests: int = 0

    @property
    def attested(self) -> bool:
        return self.token is not None

    def counters(self) -> Dict[str, int]:
        return {"session_connections": len(self.connections), "session_requests": self.requests}


class SessionStore:
    def __init__(self, timeout_seconds: float = 300.0) -> None:
        self.timeout = timeout_seconds
        self._sessions: Dict[str, Session] = {}
        self._lock = threading.Lock()

    def create(self, conn_id: int) -> Session:
        # As Trustee: 32 random bytes, standard base64 with padding; simple-format UUID.
        nonce = base64.b64encode(secrets.token_bytes(NONCE_SIZE)).decode("ascii")
        session = Session(uuid.uuid4().hex, nonce, time.time() + self.timeout)
        self._touch(session, conn_id)
        with self._lock:
            self._expire_locked()
            self._sessions[session.session_id] = session
        return session

    def lookup(self, session_id: Optional[str], conn_id: int) -> Optional[Session]:
        """The live session for a cookie value, counting this request; None if unknown/expired."""
        if not session_id:
            return None
        with self._lock:
            self._expire_locked()
            session = self._sessions.get(session_id)
            if session is not None:
                self._touch(session, conn_id)
            return session

    def all(self) -> Dict[str, Session]:
        with self._lock:
            return dict(self._sessions)

    @staticmethod
    def _touch(session: Session, conn_id: int) -> None:
        session.connections.add(conn_id)
        session.requests += 1

    def _expire_locked(self) -> None:
        now = time.time()
        for sid in [s for s, v in self._sessions.items() if v.expires <= now]:
            del self._sessions[sid]
