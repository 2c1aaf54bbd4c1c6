// The certificate table a host attaches to an extended report (GHCB spec
// 56421 "cert_table"; configfs-tsm auxblob): 24-byte entries
// { guid[16]; u32 offset; u32 length } (little-endian), ended by an all-zero
// entry, followed by the data the entries point at. Offsets count from the
// start of the table. GUIDs are stored in RFC 4122 byte order, as printed.
// The table comes from the untrusted host, so parsing is strict.
#pragma once

#include <stdint.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/bytes.h"
#include "lib/core/result.h"

namespace bp::snp {

constexpr size_t kCertTableEntrySize = 24;
constexpr size_t kCertTableMaxEntries = 32;
constexpr size_t kCertTableMaxSize = size_t{64} * 1024;

struct Guid {
  std::array<uint8_t, 16> bytes{};

  // "63da758d-e664-4564-adc5-f4b93be8accd" (lower case).
  std::string to_string() const;
  static Result<Guid> parse(std::string_view text);
  bool operator==(const Guid &other) const { return bytes == other.bytes; }
  bool operator!=(const Guid &other) const { return !(*this == other); }
};

enum class CertKind { vcek, vlek, ask, ark, crl, other };

// The GUID of a known kind (not for CertKind::other).
Guid cert_kind_guid(CertKind kind);
CertKind cert_kind_of(const Guid &guid);
// "VCEK", "VLEK", "ASK", "ARK", "CRL", or "OTHER".
const char *cert_kind_name(CertKind kind);

struct CertTableEntry {
  Guid guid;
  Bytes data;  // usually a DER certificate (or a CRL)

  CertKind kind() const { return cert_kind_of(guid); }
};

struct CertTable {
  std::vector<CertTableEntry> entries;

  bool empty() const { return entries.empty(); }
  // The first entry of that kind, or nullptr.
  const CertTableEntry *find(CertKind kind) const;
};

// An empty buffer, or one that starts with the terminator (a zero-filled
// buffer from /dev/sev-guest when the host has no certificates), is an empty
// table. Rejects: a missing terminator, more than kCertTableMaxEntries entries
// or kCertTableMaxSize bytes, an entry pointing into the table itself or past
// the end, empty or overlapping entries, and duplicate GUIDs. Bytes after the
// last entry's data (padding) are allowed.
Result<CertTable> parse_cert_table(ByteView bytes);

// Entries in order, data packed after the terminator. The same limits apply.
Result<Bytes> build_cert_table(const CertTable &table);

}  // namespace bp::snp
