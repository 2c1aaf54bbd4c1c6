#!/usr/bin/python3
"""QEMU guestfwd helper: joins stdin/stdout to one TCP connection.

QEMU starts one forwarder per guest connection (guestfwd=...-cmd:), so each
guest connection to the broker address reaches the broker on the host's
loopback as its own TCP connection.
"""

import os
import selectors
import socket
import sys


def main() -> int:
    host, port = sys.argv[1], int(sys.argv[2])
    try:
        conn = socket.create_connection((host, port), timeout=10)
    except OSError:
        return 1  # the guest sees the connection close: the broker is down
    conn.setblocking(True)
    sel = selectors.DefaultSelector()
    sel.register(sys.stdin.fileno(), selectors.EVENT_READ, "in")
    sel.register(conn, selectors.EVENT_READ, "net")
    open_directions = 2
    while open_directions:
        for key, _ in sel.select():
            if key.data == "in":
                data = os.read(sys.stdin.fileno(), 65536)
                if not data:
                    sel.unregister(sys.stdin.fileno())
                    conn.shutdown(socket.SHUT_WR)
                    open_directions -= 1
                else:
                    conn.sendall(data)
            else:
                data = conn.recv(65536)
                if not data:
                    sel.unregister(conn)
                    open_directions -= 1
                    os.close(sys.stdout.fileno())
                else:
                    view = memoryview(data)
                    while view:
                        view = view[os.write(sys.stdout.fileno(), view):]
    return 0


if __name__ == "__main__":
    sys.exit(main())
