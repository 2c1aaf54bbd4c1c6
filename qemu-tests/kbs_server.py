"""kbs: a test key broker speaking Trustee's KBS protocol 0.4.0 for SNP guests.

Verifies SNP evidence completely (certificate chain to a pinned ARK, report signature, VCEK
binding, report_data = SHA-384 of the session's runtime data, reference values) and
releases resources as JWE to the guest's ephemeral key. Every decision is one JSON line in
the log. Written independently of the guest's C++ code, as the check of it.
"""

from __future__ import annotations

import argparse
import http.server
import json
import select
import signal
import socket
import ssl
import sys
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from broker import refvalues, tls
from broker.app import MAX_BODY, KbsApp, Request, Response
from broker.resource_policy import ResourcePolicy
from broker.sessions import SessionStore
from broker.token import TokenAuthority
from broker.verifier import SnpVerifier, TrustAnchors
from jsonlog import JsonLineLog

IDLE_TIMEOUT = 60.0


class _Connection:
    """What a handler needs from the server side of one connection."""

    def __init__(self, server: "KbsServer", conn_id: int) -> None:
        self.kbs = server
        self.conn_id = conn_id
        self.requests = 0


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the guest sends everything on one connection
    server_version = "buckypaper-test-kbs"
    sys_version = ""
    server: _Connection  # type: ignore[assignment]

    def setup(self) -> None:
        self.timeout = IDLE_TIMEOUT
        super().setup()

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._dispatch()

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch()

    def _dispatch(self) -> None:
        conn = self.server
        conn.requests += 1
        length_text = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding"):
            self._refuse(411, "chunked request bodies are not supported")
            return
        try:
            length = int(length_text) if length_text is not None else 0
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self._refuse(413, f"Content-Length {length_text} is not 0..{MAX_BODY}")
            return
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        path = self.path.split("?", 1)[0]
        response = conn.kbs.app.handle(Request(self.command, path, headers, body, conn.conn_id))
        self._send(response)

    def _refuse(self, status: int, reason: str) -> None:
        """Transport-level refusal; the body may not have been read, so the connection ends."""
        conn = self.server
        conn.kbs.app.log.write("request", decision="rejected", conn=conn.conn_id,
                               method=self.command, path=self.path, status=status, reason=reason)
        self._send(Response(status, json.dumps({"detail": reason}).encode()), close=True)

    def _send(self, response: Response, close: bool = False) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # decisions go to the JSON log instead


class KbsServer:
    """TCP (optionally TLS) front end; start()/stop() and set_down() for in-process use."""

    def __init__(self, app: KbsApp, host: str = "127.0.0.1", port: int = 0,
                 ssl_context: Optional[ssl.SSLContext] = None) -> None:
        self.app = app
        self.host = host
        self._requested_port = port
        self.port = 0
        self.ssl_context = ssl_context
        self._lock = threading.Lock()
        # Held by the accept thread around select(): a socket being polled stays alive (and
        # listening) in the kernel even after close(), so replacing it waits for this lock.
        self._accept_lock = threading.Lock()
        self._listener: Optional[socket.socket] = None
        self._listening = False
        self._up_timer: Optional[threading.Timer] = None
        self._stopping = threading.Event()
        self._next_conn = 1
        self._open: Dict[int, socket.socket] = {}
        self._threads: List[threading.Thread] = []

    @property
    def scheme(self) -> str:
        return "https" if self.ssl_context else "http"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def start(self, down_for: float = 0.0) -> None:
        with self._lock:
            self._listener = self._bind(self._requested_port)
            self.port = self._listener.getsockname()[1]
        if down_for > 0:
            self._schedule_up(down_for)
        else:
            self._go_up()
        thread = threading.Thread(target=self._accept_loop, name="kbs-accept", daemon=True)
        thread.start()
        self._threads.append(thread)

    def set_down(self, seconds: float) -> None:
        """Refuse connections (and drop open ones) for `seconds`, as a crashed broker."""
        with self._lock:
            self._listening = False
            old = self._listener
            if old is not None:
                self._shutdown(old)  # stops listening now and wakes select()
        with self._accept_lock, self._lock:
            if old is not None:
                old.close()
            # Bound but not listening: the port stays ours and connections are refused.
            self._listener = self._bind(self.port)
            for conn in self._open.values():
                self._shutdown(conn)
        self._schedule_up(seconds)

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            if self._up_timer is not None:
                self._up_timer.cancel()
            if self._listener is not None:
                self._shutdown(self._listener)
                self._listener.close()
            for conn in self._open.values():
                self._shutdown(conn)
        for thread in list(self._threads):
            thread.join(timeout=5)

    def _bind(self, port: int) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, port))
        return sock

    def _schedule_up(self, seconds: float) -> None:
        self.app.log.write("down", until=round(time.time() + seconds, 3))
        with self._lock:
            if self._up_timer is not None:
                self._up_timer.cancel()
            self._up_timer = threading.Timer(seconds, self._go_up)
            self._up_timer.daemon = True
            self._up_timer.start()

    def _go_up(self) -> None:
        with self._lock:
            if self._stopping.is_set() or self._listener is None:
                return
            self._listener.listen(16)
            self._listening = True
        self.app.log.write("up", url=self.url)

    @staticmethod
    def _shutdown(conn: socket.socket) -> None:
        try:
            conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            with self._accept_lock:
                with self._lock:
                    listener = self._listener if self._listening else None
                if listener is None:
                    accepted = None
                else:
                    try:
                        ready, _, _ = select.select([listener], [], [], 0.2)
                        accepted = listener.accept() if ready else None
                    except (OSError, ValueError):
                        accepted = None  # shut down or closed under us
            if accepted is None:
                if listener is None:
                    self._stopping.wait(0.05)
                continue
            conn, peer = accepted
            with self._lock:
                conn_id = self._next_conn
                self._next_conn += 1
                self._open[conn_id] = conn
            thread = threading.Thread(target=self._serve, args=(conn, peer, conn_id),
                                      name=f"kbs-conn-{conn_id}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, raw: socket.socket, peer: Tuple[str, int], conn_id: int) -> None:
        log = self.app.log
        log.write("connection", conn=conn_id, peer=f"{peer[0]}:{peer[1]}", tls=bool(self.ssl_context))
        state = _Connection(self, conn_id)
        conn: socket.socket = raw
        try:
            if self.ssl_context is not None:
                raw.settimeout(IDLE_TIMEOUT)
                conn = self.ssl_context.wrap_socket(raw, server_side=True)  # detaches raw
                with self._lock:
                    self._open[conn_id] = conn
            _Handler(conn, peer, state)  # type: ignore[arg-type]
        except (OSError, ssl.SSLError) as e:
            log.write("connection_error", conn=conn_id, error=str(e))
        finally:
            with self._lock:
                del self._open[conn_id]
            try:
                conn.close()
            except OSError:
                pass
            log.write("connection_closed", conn=conn_id, requests=state.requests)


def build_app(*, reference_values: Path, trust: List[Path], resources: Path,
              resource_policy: Optional[Path], log: JsonLineLog, allowed_vmpl: int = 0,
              host_data: Optional[bytes] = None, session_timeout: float = 300.0,
              token_lifetime: int = 300) -> KbsApp:
    refs = refvalues.load(reference_values)
    verifier = SnpVerifier(TrustAnchors.load(trust), refs, allowed_vmpl, host_data)
    policy = ResourcePolicy.load(resource_policy) if resource_policy else ResourcePolicy.allow_all()
    return KbsApp(verifier, resources, policy, TokenAuthority(token_lifetime),
                  SessionStore(session_timeout), log)


def _listen_address(text: str) -> Tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError("expected HOST:PORT (PORT 0 picks a free one)")
    return host or "127.0.0.1", int(port)


def _host_data(text: str) -> bytes:
    value = bytes.fromhex(text)
    if len(value) != 32:
        raise argparse.ArgumentTypeError("HOST_DATA is 32 bytes (64 hex digits)")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kbs", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--listen", type=_listen_address, default=("127.0.0.1", 8080),
                   metavar="HOST:PORT", help="address to serve (default 127.0.0.1:8080)")
    p.add_argument("--reference-values", type=Path, required=True,
                   help="reference-values.json as bp-measure writes it")
    p.add_argument("--trust", type=Path, action="append", required=True, metavar="PEM",
                   help="pinned chain: ASK then ARK as KDS serves it (repeatable); every "
                        "self-signed certificate in these files is a pinned ARK")
    p.add_argument("--resources", type=Path, required=True,
                   help="directory of resources, one file per <repo>/<type>/<tag>")
    p.add_argument("--resource-policy", type=Path,
                   help="per-resource rules (JSON); default: attested guests get everything")
    tls_group = p.add_mutually_exclusive_group(required=True)
    tls_group.add_argument("--tls-dir", type=Path,
                           help="TLS identity (ca.pem goes into the image); created if missing")
    tls_group.add_argument("--insecure-http", action="store_true", help="plain HTTP, no TLS")
    p.add_argument("--tls-san", action="append", default=[], metavar="NAME",
                   help=f"extra server certificate name (always: {', '.join(tls.DEFAULT_SANS)})")
    p.add_argument("--log", type=Path, help="decision log, JSON lines (default: stderr)")
    p.add_argument("--down-until", type=float, default=0.0, metavar="SECONDS",
                   help="refuse connections for SECONDS after start (broker-down scenario)")
    p.add_argument("--vmpl", type=int, default=0, help="the VMPL a report must have (default 0)")
    p.add_argument("--host-data", type=_host_data,
                   help="required HOST_DATA (64 hex digits); overrides the reference values")
    p.add_argument("--session-timeout", type=float, default=300.0, metavar="SECONDS")
    p.add_argument("--token-lifetime", type=int, default=300, metavar="SECONDS")
    p.add_argument("--port-file", type=Path, help="write the port here once bound")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    log = JsonLineLog(args.log, program="kbs")
    try:
        app = build_app(reference_values=args.reference_values, trust=args.trust,
                        resources=args.resources, resource_policy=args.resource_policy, log=log,
                        allowed_vmpl=args.vmpl, host_data=args.host_data,
                        session_timeout=args.session_timeout, token_lifetime=args.token_lifetime)
    except (OSError, ValueError) as e:
        print(f"kbs: {e}", file=sys.stderr)
        return 2
    context = None
    if args.tls_dir:
        tls.ensure_tls_files(args.tls_dir, tuple(tls.DEFAULT_SANS) + tuple(args.tls_san))
        context = tls.server_context(args.tls_dir)
    host, port = args.listen
    server = KbsServer(app, host, port, context)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    server.start(down_for=args.down_until)
    if args.port_file:
        args.port_file.write_text(f"{server.port}\n")
    ca_note = f"; CA {args.tls_dir / tls.CA_FILE}" if args.tls_dir else ""
    print(f"kbs: serving {server.url}{ca_note}", file=sys.stderr, flush=True)
    done.wait()
    server.stop()
    log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
