"""The extended-report certificate table (GHCB cert_table, configfs-tsm auxblob).

Layout: 24-byte entries {guid[16] (RFC 4122 byte order), u32 offset, u32 length}, LE,
terminated by an all-zero entry; offsets count from the start of the table; the
certificates (DER) follow the entries. An empty buffer means no certificates.
"""

from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

ENTRY_SIZE = 24
MAX_TABLE_SIZE = 64 * 1024

GUIDS: Dict[str, uuid.UUID] = {
    "VCEK": uuid.UUID("63da758d-e664-4564-adc5-f4b93be8accd"),
    "VLEK": uuid.UUID("a8074bc2-a25a-483e-aae6-39c045a0b8a1"),
    "ASK": uuid.UUID("4ab7b379-bbac-4fe4-a02f-05aef327c782"),
    "ARK": uuid.UUID("c0b406a4-a803-4952-9743-3fb6014cd0ae"),
    "CRL": uuid.UUID("92f81bc3-5811-4d3d-97ff-d19f88dc67ea"),
}
_NAMES = {guid: name for name, guid in GUIDS.items()}
_ENTRY = struct.Struct("<16sII")


class CertTableError(ValueError):
    """A certificate table that is truncated, out of bounds or inconsistent."""


@dataclass(frozen=True)
class CertTableEntry:
    guid: uuid.UUID
    data: bytes

    @property
    def name(self) -> str:
        """ARK, ASK, VCEK, VLEK, CRL, or the GUID for anything else."""
        return _NAMES.get(self.guid, str(self.guid))


def build(entries: Sequence[Tuple[str, bytes]]) -> bytes:
    """entries: (name from GUIDS or a GUID string, DER bytes), in table order."""
    header_size = (len(entries) + 1) * ENTRY_SIZE
    header = bytearray()
    body = bytearray()
    for name, data in entries:
        guid = GUIDS[name] if name in GUIDS else uuid.UUID(name)
        if not data:
            raise CertTableError(f"certificate {name} is empty")
        header += _ENTRY.pack(guid.bytes, header_size + len(body), len(data))
        body += data
    header += bytes(ENTRY_SIZE)
    table = bytes(header + body)
    if len(table) > MAX_TABLE_SIZE:
        raise CertTableError(f"certificate table is {len(table)} bytes, limit {MAX_TABLE_SIZE}")
    return table


def parse(buf: bytes) -> List[CertTableEntry]:
    """Parses untrusted table bytes; trailing zero padding (a page-sized buffer) is fine."""
    if len(buf) > MAX_TABLE_SIZE:
        raise CertTableError(f"certificate table is {len(buf)} bytes, limit {MAX_TABLE_SIZE}")
    if not buf:
        return []
    raw_entries: List[Tuple[uuid.UUID, int, int]] = []
    pos = 0
    while True:
        if pos + ENTRY_SIZE > len(buf):
            raise CertTableError(f"certificate table entry at offset {pos} is truncated "
                                 f"(no all-zero terminator within {len(buf)} bytes)")
        guid_bytes, offset, length = _ENTRY.unpack_from(buf, pos)
        pos += ENTRY_SIZE
        if guid_bytes == bytes(16) and offset == 0 and length == 0:
            break
        if guid_bytes == bytes(16):
            raise CertTableError(f"entry {len(raw_entries)} has a zero GUID but offset/length set")
        raw_entries.append((uuid.UUID(bytes=guid_bytes), offset, length))
    header_end = pos
    seen = set()
    spans: List[Tuple[int, int]] = []
    entries = []
    for i, (guid, offset, length) in enumerate(raw_entries):
        if guid in seen:
            raise CertTableError(f"entry {i}: GUID {guid} appears twice")
        seen.add(guid)
        if length == 0:
            raise CertTableError(f"entry {i} ({guid}): zero length")
        if offset < header_end:
            raise CertTableError(f"entry {i} ({guid}): offset {offset} points into the table "
                                 f"header (ends at {header_end})")
        if offset + length > len(buf):
            raise CertTableError(f"entry {i} ({guid}): data {offset}+{length} runs past the end "
                                 f"of the {len(buf)}-byte buffer")
        for start, end in spans:
            if offset < end and start < offset + length:
                raise CertTableError(f"entry {i} ({guid}): data overlaps another entry")
        spans.append((offset, offset + length))
        entries.append(CertTableEntry(guid, bytes(buf[offset:offset + length])))
    return entries


def find(entries: Sequence[CertTableEntry], name: str) -> bytes:
    for entry in entries:
        if entry.guid == GUIDS[name]:
            return entry.data
    raise KeyError(name)
