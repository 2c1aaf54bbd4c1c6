#include "lib/snp/cert_table.h"

#include <string.h>

#include "lib/core/byte_reader.h"
#include "lib/core/byte_writer.h"
#include "lib/core/encoding.h"
#include "lib/core/format.h"

namespace bp::snp {

namespace {

struct KnownGuid {
  CertKind kind;
  const char *name;
  const char *guid;
};

// snp.md 2.4 (go-sev-guest abi.go, virtee CertType). The ASK GUID also
// carries the ASVK.
const KnownGuid kKnown[] = {
    {CertKind::vcek, "VCEK", "63da758d-e664-4564-adc5-f4b93be8accd"},
    {CertKind::vlek, "VLEK", "a8074bc2-a25a-483e-aae6-39c045a0b8a1"},
    {CertKind::ask, "ASK", "4ab7b379-bbac-4fe4-a02f-05aef327c782"},
    {CertKind::ark, "ARK", "c0b406a4-a803-4952-9743-3fb6014cd0ae"},
    {CertKind::crl, "CRL", "92f81bc3-5811-4d3d-97ff-d19f88dc67ea"},
};

// Hyphens follow the 8-4-4-4-12 grouping.
bool hyphen_at(size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

Guid known_guid(const char *text) {
  Result<Guid> guid = Guid::parse(text);
  // The table above is constant and covered by tests; a bad entry is a bug.
  if (!guid.ok()) __builtin_trap();
  return guid.release_value();
}

struct Span {
  size_t offset;
  size_t length;
};

}  // namespace

std::string Guid::to_string() const {
  std::string hex = hex_encode(ByteView(bytes.data(), bytes.size()));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

Result<Guid> Guid::parse(std::string_view text) {
  if (text.size() != 36)
    return Error(format("GUID '%.40s': expected 36 characters", std::string(text).c_str()));
  std::string digits;
  for (size_t i = 0; i < text.size(); ++i) {
    if (hyphen_at(i)) {
      if (text[i] != '-')
        return Error(format("GUID '%s': expected '-' at %zu", std::string(text).c_str(), i));
    } else {
      digits.push_back(text[i]);
    }
  }
  Bytes raw = TRY_CONTEXT(hex_decode(digits), format("GUID '%s'", std::string(text).c_str()));
  Guid guid;
  memcpy(guid.bytes.data(), raw.data(), guid.bytes.size());
  return guid;
}

Guid cert_kind_guid(CertKind kind) {
  for (const KnownGuid &k : kKnown) {
    if (k.kind == kind) return known_guid(k.guid);
  }
  return Guid{};
}

CertKind cert_kind_of(const Guid &guid) {
  for (const KnownGuid &k : kKnown) {
    if (known_guid(k.guid) == guid) return k.kind;
  }
  return CertKind::other;
}

const char *cert_kind_name(CertKind kind) {
  for (const KnownGuid &k : kKnown) {
    if (k.kind == kind) return k.name;
  }
  return "OTHER";
}

const CertTableEntry *CertTable::find(CertKind kind) const {
  for (const CertTableEntry &e : entries) {
    if (e.kind() == kind) return &e;
  }
  return nullptr;
}

Result<CertTable> parse_cert_table(ByteView bytes) {
  CertTable table;
  if (bytes.empty()) return table;
  if (bytes.size() > kCertTableMaxSize) {
    return Error(
        format("certificate table: %zu bytes, more than the limit of %zu", bytes.size(), kCertTableMaxSize));
  }
  ByteReader reader(bytes);
  struct Raw {
    Guid guid;
    Span span;
  };
  std::vector<Raw> raw;
  for (;;) {
    size_t index = raw.size();
    ByteView guid_bytes =
        TRY_CONTEXT(reader.bytes(16, "entry GUID"),
                    format("certificate table entry %zu (no terminating zero entry?)", index));
    uint32_t offset =
        TRY_CONTEXT(reader.u32_le("entry offset"), format("certificate table entry %zu", index));
    uint32_t length =
        TRY_CONTEXT(reader.u32_le("entry length"), format("certificate table entry %zu", index));
    Guid guid;
    memcpy(guid.bytes.data(), guid_bytes.data(), 16);
    if (is_all_zero(guid_bytes)) {
      if (offset != 0 || length != 0) {
        return Error(
            format("certificate table entry %zu: zero GUID with offset %u length %u", index, offset, length));
      }
      break;
    }
    if (index == kCertTableMaxEntries) {
      return Error(format("certificate table: more than %zu entries", kCertTableMaxEntries));
    }
    raw.push_back({guid, {offset, length}});
  }
  size_t header_end = reader.offset();
  for (size_t i = 0; i < raw.size(); ++i) {
    const Raw &e = raw[i];
    std::string where = format("certificate table entry %zu (%s)", i, e.guid.to_string().c_str());
    if (e.span.length == 0) return Error(where + ": empty");
    if (e.span.offset < header_end) {
      return Error(format("%s: offset %zu points into the table (which ends at %zu)", where.c_str(),
                          e.span.offset, header_end));
    }
    if (e.span.offset > bytes.size() || e.span.length > bytes.size() - e.span.offset) {
      return Error(format("%s: offset %zu length %zu is past the end (%zu bytes)", where.c_str(),
                          e.span.offset, e.span.length, bytes.size()));
    }
    for (size_t j = 0; j < i; ++j) {
      const Span &o = raw[j].span;
      if (raw[j].guid == e.guid) return Error(format("%s: duplicate of entry %zu", where.c_str(), j));
      if (e.span.offset < o.offset + o.length && o.offset < e.span.offset + e.span.length) {
        return Error(format("%s: overlaps entry %zu", where.c_str(), j));
      }
    }
  }
  for (const Raw &e : raw) {
    table.entries.push_back({e.guid, bytes.subview(e.span.offset, e.span.length).to_bytes()});
  }
  return table;
}

Result<Bytes> build_cert_table(const CertTable &table) {
  if (table.entries.size() > kCertTableMaxEntries) {
    return Error(
        format("certificate table: %zu entries, more than %zu", table.entries.size(), kCertTableMaxEntries));
  }
  size_t total = (table.entries.size() + 1) * kCertTableEntrySize;
  for (const CertTableEntry &e : table.entries) {
    if (e.data.empty()) return Error("certificate table: empty entry " + e.guid.to_string());
    if (e.guid == Guid{}) return Error("certificate table: an entry has the all-zero GUID");
    total += e.data.size();
    if (total > kCertTableMaxSize) {
      return Error(format("certificate table: more than the limit of %zu bytes", kCertTableMaxSize));
    }
  }
  for (size_t i = 0; i < table.entries.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (table.entries[i].guid == table.entries[j].guid) {
        return Error("certificate table: duplicate entry " + table.entries[i].guid.to_string());
      }
    }
  }
  ByteWriter w;
  size_t offset = (table.entries.size() + 1) * kCertTableEntrySize;
  for (const CertTableEntry &e : table.entries) {
    w.bytes(ByteView(e.guid.bytes.data(), e.guid.bytes.size()));
    w.u32_le(static_cast<uint32_t>(offset));
    w.u32_le(static_cast<uint32_t>(e.data.size()));
    offset += e.data.size();
  }
  w.zeros(kCertTableEntrySize);
  for (const CertTableEntry &e : table.entries) w.bytes(e.data);
  return w.release();
}

}  // namespace bp::snp
