"""Frames of the `sim` provider's virtio-serial channel (documented in qemu-tests/README.md).

request  (80 bytes): magic u32, version u32, request_id u32, vmpl u32, report_data[64]
response (24 bytes + payload): magic u32, version u32, request_id u32, status u32,
                               report_len u32, certs_len u32, report, cert table
All integers little-endian.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

MAGIC = 0x4D495342  # the bytes 'B','S','I','M'
VERSION = 1
REQUEST_SIZE = 80
RESPONSE_HEADER_SIZE = 24
MAX_REPORT_LEN = 1184
MAX_CERTS_LEN = 64 * 1024

_REQUEST = struct.Struct("<IIII64s")
_RESPONSE = struct.Struct("<IIIIII")


class FrameError(ValueError):
    """A frame that cannot be interpreted; resync tells whether framing is still intact."""

    def __init__(self, message: str, resync: bool, request_id: int = 0) -> None:
        super().__init__(message)
        self.resync = resync
        self.request_id = request_id


@dataclass(frozen=True)
class Request:
    request_id: int
    vmpl: int
    report_data: bytes

    def encode(self) -> bytes:
        return _REQUEST.pack(MAGIC, VERSION, self.request_id, self.vmpl, self.report_data)


@dataclass(frozen=True)
class Response:
    request_id: int
    status: int
    report: bytes = b""
    certs: bytes = b""

    def encode(self) -> bytes:
        if len(self.report) > MAX_REPORT_LEN or len(self.certs) > MAX_CERTS_LEN:
            raise ValueError("response payload exceeds the frame limits")
        return _RESPONSE.pack(MAGIC, VERSION, self.request_id, self.status, len(self.report),
                              len(self.certs)) + self.report + self.certs


def parse_request(frame: bytes) -> Request:
    """Raises FrameError; resync=True when the 80-byte framing can still be trusted."""
    if len(frame) != REQUEST_SIZE:
        raise FrameError(f"request is {len(frame)} bytes, expected {REQUEST_SIZE}", resync=False)
    magic, version, request_id, vmpl, report_data = _REQUEST.unpack(frame)
    if magic != MAGIC:
        raise FrameError(f"bad magic 0x{magic:08x}", resync=False)
    if version != VERSION:
        raise FrameError(f"unsupported version {version}", resync=True, request_id=request_id)
    return Request(request_id, vmpl, report_data)


@dataclass(frozen=True)
class ResponseHeader:
    request_id: int
    status: int
    report_len: int
    certs_len: int


def parse_response_header(header: bytes) -> ResponseHeader:
    if len(header) != RESPONSE_HEADER_SIZE:
        raise FrameError(f"response header is {len(header)} bytes", resync=False)
    magic, version, request_id, status, report_len, certs_len = _RESPONSE.unpack(header)
    if magic != MAGIC or version != VERSION:
        raise FrameError(f"bad response magic/version 0x{magic:08x}/{version}", resync=False)
    if report_len > MAX_REPORT_LEN or certs_len > MAX_CERTS_LEN:
        raise FrameError(f"response lengths {report_len}/{certs_len} exceed the limits", resync=False)
    return ResponseHeader(request_id, status, report_len, certs_len)


def recv_exact(sock: socket.socket, size: int) -> bytes:
    """Reads size bytes; fewer only at end of stream."""
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return bytes(data)


def exchange(sock: socket.socket, request: Request) -> Response:
    """Client side (what the guest does): one request, one response."""
    sock.sendall(request.encode())
    header = parse_response_header(recv_exact(sock, RESPONSE_HEADER_SIZE))
    payload = recv_exact(sock, header.report_len + header.certs_len)
    if len(payload) != header.report_len + header.certs_len:
        raise FrameError("response payload truncated", resync=False)
    return Response(header.request_id, header.status, payload[:header.report_len],
                    payload[header.report_len:])
