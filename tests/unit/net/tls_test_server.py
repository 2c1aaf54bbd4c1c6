#!/usr/bin/python3
"""HTTPS server for the C++ TLS/HTTP client tests (OpenSSL via Python's ssl: an independent TLS stack).

Usage: tls_test_server.py DATA_DIR. Listens on 127.0.0.1 on two ephemeral ports, one with
server.pem (IP 127.0.0.1 + DNS localhost) and one with dns-only.pem, prints
"ready <port> <dns-only-port>" and serves until killed or stdin closes.

Paths: /hello (keep-alive, Content-Length), /chunked (chunked body), /close (Connection: close),
/slow (a byte every 200 ms: a slowloris server), /big (2 MiB body).
"""

import http.server
import socketserver
import ssl
import sys
import threading
import time
from pathlib import Path


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        if self.path == "/hello":
            self._send(200, b"hello")
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"chunked ", b"body"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        elif self.path == "/close":
            self.send_response(200)
            self.send_header("Content-Length", "3")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"bye")
            self.close_connection = True
        elif self.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.flush()
            try:
                for _ in range(100):
                    time.sleep(0.2)
                    self.wfile.write(b"x")
                    self.wfile.flush()
            except OSError:
                pass
        elif self.path == "/big":
            self._send(200, b"y" * (2 * 1024 * 1024))
        else:
            self._send(404, b"not found")

    def _send(self, status, body):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that abort a handshake on purpose are part of the tests


def serve(data, cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(data / cert, data / key)
    server = Server(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def main():
    data = Path(sys.argv[1])
    port = serve(data, "server.pem", "server.key")
    dns_port = serve(data, "dns-only.pem", "dns-only.key")
    print(f"ready {port} {dns_port}", flush=True)
    sys.stdin.read()  # the test closes our stdin (or kills us) when done


if __name__ == "__main__":
    main()
