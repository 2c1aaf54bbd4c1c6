"""A small DER encoder and a strict DER reader (single-byte tags only).

cryptography 38 cannot sign certificates with RSASSA-PSS, so the test chain is assembled
here byte by byte; the reader checks what the verifier needs (PSS parameters, the
certificate's two AlgorithmIdentifiers, INTEGER-valued extensions).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import List, Tuple

# Universal tags.
BOOLEAN = 0x01
INTEGER = 0x02
BIT_STRING = 0x03
OCTET_STRING = 0x04
NULL = 0x05
OBJECT_IDENTIFIER = 0x06
UTF8_STRING = 0x0C
PRINTABLE_STRING = 0x13
IA5_STRING = 0x16
UTC_TIME = 0x17
GENERALIZED_TIME = 0x18
SEQUENCE = 0x30
SET = 0x31


class DerError(ValueError):
    """Malformed or unexpected DER."""


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def tlv(tag: int, content: bytes) -> bytes:
    if not 0 <= tag <= 0xFF or tag & 0x1F == 0x1F:
        raise DerError(f"tag 0x{tag:x} is not a single-byte tag")
    return bytes([tag]) + _length(len(content)) + content


def sequence(*items: bytes) -> bytes:
    return tlv(SEQUENCE, b"".join(items))


def set_of(*items: bytes) -> bytes:
    # DER orders SET OF elements by their encodings.
    return tlv(SET, b"".join(sorted(items)))


def integer(value: int) -> bytes:
    length = max(1, (value.bit_length() + 8) // 8)  # room for the sign bit
    return tlv(INTEGER, value.to_bytes(length, "big", signed=True))


def boolean(value: bool) -> bytes:
    return tlv(BOOLEAN, b"\xff" if value else b"\x00")


def null() -> bytes:
    return tlv(NULL, b"")


def octet_string(data: bytes) -> bytes:
    return tlv(OCTET_STRING, data)


def bit_string(data: bytes) -> bytes:
    return tlv(BIT_STRING, b"\x00" + data)


def utf8_string(text: str) -> bytes:
    return tlv(UTF8_STRING, text.encode("utf-8"))


def printable_string(text: str) -> bytes:
    return tlv(PRINTABLE_STRING, text.encode("ascii"))


def ia5_string(text: str) -> bytes:
    return tlv(IA5_STRING, text.encode("ascii"))


def oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    if len(arcs) < 2 or arcs[0] > 2 or (arcs[0] < 2 and arcs[1] >= 40):
        raise DerError(f"invalid OID {dotted}")
    out = bytearray()
    for arc in [arcs[0] * 40 + arcs[1]] + arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out += bytes(reversed(chunk))
    return tlv(OBJECT_IDENTIFIER, bytes(out))


def explicit(number: int, content: bytes) -> bytes:
    """[number] EXPLICIT: a constructed context-specific wrapper."""
    return tlv(0xA0 | number, content)


def time(moment: datetime.datetime) -> bytes:
    """RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050."""
    moment = moment.astimezone(datetime.timezone.utc)
    if moment.year < 2050:
        return tlv(UTC_TIME, moment.strftime("%y%m%d%H%M%SZ").encode())
    return tlv(GENERALIZED_TIME, moment.strftime("%Y%m%d%H%M%SZ").encode())


@dataclass(frozen=True)
class Element:
    tag: int
    content: bytes
    encoded: bytes  # the whole TLV


def read(data: bytes, pos: int = 0) -> Tuple[Element, int]:
    """Reads one TLV at pos; returns it and the position after it."""
    if pos + 2 > len(data):
        raise DerError(f"truncated TLV header at offset {pos}")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise DerError(f"multi-byte tag at offset {pos} is not supported")
    first = data[pos + 1]
    head = pos + 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4:
            raise DerError(f"unsupported length form 0x{first:02x} at offset {pos}")
        if head + count > len(data):
            raise DerError(f"truncated length at offset {pos}")
        length = int.from_bytes(data[head : head + count], "big")
        if length < 0x80 or data[head] == 0:
            raise DerError(f"non-minimal length at offset {pos}")
        head += count
    end = head + length
    if end > len(data):
        raise DerError(f"TLV at offset {pos} runs past the end ({end} > {len(data)})")
    return Element(tag, data[head:end], data[pos:end]), end


def read_single(data: bytes, tag: int) -> Element:
    """Exactly one TLV with the given tag and nothing after it."""
    element, end = read(data, 0)
    if end != len(data):
        raise DerError(f"{len(data) - end} trailing bytes after the TLV")
    if element.tag != tag:
        raise DerError(f"expected tag 0x{tag:02x}, found 0x{element.tag:02x}")
    return element


def children(content: bytes) -> List[Element]:
    out = []
    pos = 0
    while pos < len(content):
        element, pos = read(content, pos)
        out.append(element)
    return out


def decode_integer(element: Element) -> int:
    if element.tag != INTEGER:
        raise DerError(f"expected INTEGER, found tag 0x{element.tag:02x}")
    c = element.content
    if not c:
        raise DerError("empty INTEGER")
    if len(c) > 1 and ((c[0] == 0 and c[1] < 0x80) or (c[0] == 0xFF and c[1] >= 0x80)):
        raise DerError("non-minimal INTEGER")
    return int.from_bytes(c, "big", signed=True)


def decode_oid(element: Element) -> str:
    if element.tag != OBJECT_IDENTIFIER or not element.content:
        raise DerError("expected a non-empty OBJECT IDENTIFIER")
    arcs: List[int] = []
    value = 0
    for i, byte in enumerate(element.content):
        if value == 0 and byte == 0x80:
            raise DerError("non-minimal OID arc")
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
        elif i == len(element.content) - 1:
            raise DerError("truncated OID arc")
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(str(a) for a in head + arcs[1:])
