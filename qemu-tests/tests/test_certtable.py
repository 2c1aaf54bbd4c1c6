"""The auxblob certificate table: round trip and malformed tables."""

from __future__ import annotations

import struct
import uuid

import pytest

from snp import certtable
from snp.certtable import CertTableError

VCEK_GUID = bytes.fromhex("63da758de6644564adc5f4b93be8accd")  # RFC 4122 byte order


def _entry(guid: bytes, offset: int, length: int) -> bytes:
    return struct.pack("<16sII", guid, offset, length)


def test_round_trip_and_exact_layout() -> None:
    table = certtable.build([("VCEK", b"vcek-der"), ("ASK", b"ask"), ("ARK", b"ark-der!")])
    header = 4 * 24
    assert table[:24] == _entry(VCEK_GUID, header, 8)
    assert table[24:40] == uuid.UUID("4ab7b379-bbac-4fe4-a02f-05aef327c782").bytes
    assert table[72:96] == bytes(24)
    assert table[header:] == b"vcek-derask" + b"ark-der!"
    entries = certtable.parse(table)
    assert [(e.name, e.data) for e in entries] == [("VCEK", b"vcek-der"), ("ASK", b"ask"),
                                                  ("ARK", b"ark-der!")]
    assert certtable.find(entries, "ASK") == b"ask"
    # A page-sized, zero-filled buffer as the kernel hands it out parses the same.
    assert certtable.parse(table + bytes(4096 - len(table))) == entries


def test_empty_tables() -> None:
    assert certtable.parse(b"") == []
    assert certtable.parse(bytes(24)) == []
    assert certtable.parse(bytes(4096)) == []
    assert certtable.build([]) == bytes(24)


def test_unknown_guid_is_kept_with_its_uuid() -> None:
    other = "ecae0c0f-9502-43b1-afa2-0ae2e0d565b6"
    entries = certtable.parse(certtable.build([(other, b"\x08\0\0\0\x12\x0f\xa1\0")]))
    assert entries[0].name == other


@pytest.mark.parametrize("buf, message", [
    (_entry(VCEK_GUID, 48, 4), "truncated"),                              # no terminator
    (_entry(VCEK_GUID, 48, 4) + bytes(23), "truncated"),
    (_entry(VCEK_GUID, 10, 4) + bytes(24) + b"abcd", "into the table header"),
    (_entry(VCEK_GUID, 48, 5) + bytes(24) + b"abcd", "past the end"),
    (_entry(VCEK_GUID, 0xFFFFFFFF, 0xFFFFFFFF) + bytes(24), "past the end"),
    (_entry(VCEK_GUID, 48, 0) + bytes(24) + b"abcd", "zero length"),
    (_entry(bytes(16), 48, 4) + bytes(24) + b"abcd", "zero GUID"),
    (_entry(VCEK_GUID, 72, 2) + _entry(VCEK_GUID, 74, 2) + bytes(24) + b"abcd", "twice"),
    (_entry(VCEK_GUID, 72, 3) + _entry(VCEK_GUID[::-1], 74, 2) + bytes(24) + b"abcd",
     "overlaps"),
    (bytes(64 * 1024 + 1), "limit"),
])
def test_malformed_tables_are_refused(buf: bytes, message: str) -> None:
    with pytest.raises(CertTableError, match=message):
        certtable.parse(buf)


def test_build_refuses_empty_and_oversized_certificates() -> None:
    with pytest.raises(CertTableError, match="empty"):
        certtable.build([("VCEK", b"")])
    with pytest.raises(CertTableError, match="limit"):
        certtable.build([("VCEK", bytes(64 * 1024))])
