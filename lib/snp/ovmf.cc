#include "lib/snp/ovmf.h"

#include <algorithm>

#include "lib/core/byte_reader.h"
#include "lib/core/format.h"
#include "lib/snp/efi_guid.h"

namespace bp {

namespace {

constexpr EfiGuid kFooterTableGuid = efi_guid("96b582de-1fb2-45f7-baea-a366c55a082d");
constexpr EfiGuid kSevEsResetBlockGuid = efi_guid("00f771de-1a7e-4fcb-890e-68c77e2fb44e");
constexpr EfiGuid kSevHashTableGuid = efi_guid("7255371f-3a3b-4b04-927b-1da6efa8d454");
constexpr EfiGuid kSevMetadataGuid = efi_guid("dc886566-984a-4798-a75e-5585a7bf67cc");

constexpr uint64_t kPage = 4096;
constexpr uint64_t kFourGiB = 1ull << 32;
// The footer entry ends 32 bytes before the end of the image (the reset
// vector and its padding follow it).
constexpr size_t kFooterEnd = 32;
constexpr size_t kEntryHeader = 18;  // u16 length + GUID, after the data
constexpr size_t kMetadataHeader = 16;
constexpr size_t kMetadataItem = 12;

struct GuidEntry {
  EfiGuid guid;
  ByteView data;
};

// Walks the footer table backwards: each entry is data, u16 length (data
// included) and the GUID, and the footer entry's length covers the table.
Result<std::vector<GuidEntry>> parse_footer_table(ByteView image) {
  if (image.size() < kFooterEnd + kEntryHeader) {
    return Error(format("image of %zu bytes is too small for the OVMF footer table", image.size()));
  }
  const size_t footer = image.size() - kFooterEnd - kEntryHeader;
  ByteReader header(image.subview(footer, kEntryHeader));
  const uint16_t table_size = TRY(header.u16_le("footer table size"));
  ByteView footer_guid = TRY(header.bytes(16, "footer GUID"));
  if (footer_guid != view(kFooterTableGuid)) {
    return Error(
        format("no OVMF footer GUID table: expected GUID 96b582de-1fb2-45f7-baea-a366c55a082d at offset %#zx",
               footer + 2));
  }
  if (table_size < kEntryHeader || table_size > image.size() - kFooterEnd) {
    return Error(format("OVMF footer table size %u at offset %#zx is out of range (18..%zu)", table_size,
                        footer, image.size() - kFooterEnd));
  }
  const size_t table_start = image.size() - kFooterEnd - table_size;
  std::vector<GuidEntry> entries;
  size_t end = footer;  // the entries end where the footer entry begins
  while (end > table_start) {
    if (end - table_start < kEntryHeader) {
      return Error(
          format("truncated OVMF GUID table: %zu bytes left at offset %#zx, an entry needs at least 18",
                 end - table_start, table_start));
    }
    ByteReader entry_header(image.subview(end - kEntryHeader, kEntryHeader));
    const uint16_t length = TRY(entry_header.u16_le("entry length"));
    ByteView guid = TRY(entry_header.bytes(16, "entry GUID"));
    if (length < kEntryHeader || length > end - table_start) {
      return Error(format("OVMF GUID table entry ending at offset %#zx has length %u, expected 18..%zu", end,
                          length, end - table_start));
    }
    GuidEntry entry;
    std::copy(guid.begin(), guid.end(), entry.guid.begin());
    entry.data = image.subview(end - length, length - kEntryHeader);
    for (const GuidEntry &seen : entries) {
      if (seen.guid == entry.guid) {
        return Error(
            format("OVMF GUID table has a second entry with the same GUID at offset %#zx", end - length));
      }
    }
    entries.push_back(entry);
    end -= length;
  }
  return entries;
}

const GuidEntry *find(const std::vector<GuidEntry> &entries, const EfiGuid &guid) {
  for (const GuidEntry &e : entries) {
    if (e.guid == guid) return &e;
  }
  return nullptr;
}

Result<OvmfSectionType> section_type(uint32_t raw) {
  switch (raw) {
    case 1:
    case 2:
    case 3:
    case 4:
    case 0x10:
      return static_cast<OvmfSectionType>(raw);
    default:
      return Error(format("unknown OVMF SEV metadata section type %#x", raw));
  }
}

Result<std::vector<OvmfSection>> parse_metadata(ByteView image, ByteView pointer, uint64_t image_gpa) {
  ByteReader pointer_reader(pointer);
  const uint32_t offset_from_end = TRY_CONTEXT(pointer_reader.u32_le("offset"), "SEV metadata GUID entry");
  if (offset_from_end < kMetadataHeader || offset_from_end > image.size()) {
    return Error(format("SEV metadata offset %#x from the end of the image is out of range (16..%#zx)",
                        offset_from_end, image.size()));
  }
  const size_t start = image.size() - offset_from_end;
  ByteReader reader(image.subview(start));
  ByteView signature = TRY(reader.bytes(4, "signature"));
  if (signature != ByteView::of_string("ASEV")) {
    return Error(format("SEV metadata at offset %#zx does not start with \"ASEV\"", start));
  }
  const uint32_t size = TRY(reader.u32_le("size"));
  const uint32_t version = TRY(reader.u32_le("version"));
  const uint32_t count = TRY(reader.u32_le("number of sections"));
  if (version != 1)
    return Error(format("SEV metadata at offset %#zx has version %u, expected 1", start, version));
  const uint64_t needed = kMetadataHeader + uint64_t{count} * kMetadataItem;
  if (size < needed || size > image.size() - start) {
    return Error(
        format("SEV metadata at offset %#zx: size %u does not fit %u sections (needs %llu) within the %zu "
               "bytes to the end of the image",
               start, size, count, static_cast<unsigned long long>(needed), image.size() - start));
  }
  std::vector<OvmfSection> sections;
  for (uint32_t i = 0; i < count; ++i) {
    OvmfSection s;
    s.gpa = TRY(reader.u32_le("section gpa"));
    s.size = TRY(reader.u32_le("section size"));
    const uint32_t type = TRY(reader.u32_le("section type"));
    s.type = TRY_CONTEXT(section_type(type), format("SEV metadata section %u", i));
    if (s.size == 0 || s.gpa % kPage != 0 || s.size % kPage != 0) {
      return Error(format("SEV metadata section %u (gpa %#x, size %#x) is empty or not 4 KiB aligned", i,
                          s.gpa, s.size));
    }
    if (uint64_t{s.gpa} + s.size > kFourGiB) {
      return Error(
          format("SEV metadata section %u (gpa %#x, size %#x) extends beyond 4 GiB", i, s.gpa, s.size));
    }
    if (uint64_t{s.gpa} + s.size > image_gpa) {
      return Error(format("SEV metadata section %u (gpa %#x, size %#x) overlaps the firmware image at %#llx",
                          i, s.gpa, s.size, static_cast<unsigned long long>(image_gpa)));
    }
    sections.push_back(s);
  }
  std::vector<OvmfSection> sorted = sections;
  std::sort(sorted.begin(), sorted.end(),
            [](const OvmfSection &a, const OvmfSection &b) { return a.gpa < b.gpa; });
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (uint64_t{sorted[i - 1].gpa} + sorted[i - 1].size > sorted[i].gpa) {
      return Error(format("SEV metadata sections overlap: gpa %#x size %#x and gpa %#x size %#x",
                          sorted[i - 1].gpa, sorted[i - 1].size, sorted[i].gpa, sorted[i].size));
    }
  }
  return sections;
}

}  // namespace

bool OvmfInfo::has_section(OvmfSectionType type) const {
  return std::any_of(sections.begin(), sections.end(),
                     [type](const OvmfSection &s) { return s.type == type; });
}

Result<OvmfInfo> parse_ovmf(ByteView image) {
  if (image.empty() || image.size() % kPage != 0 || image.size() > kOvmfMaxSize) {
    return Error(format("OVMF image size %zu is not a non-zero multiple of 4096 of at most %llu bytes",
                        image.size(), static_cast<unsigned long long>(kOvmfMaxSize)));
  }
  OvmfInfo info;
  info.size = image.size();
  info.gpa = kFourGiB - image.size();
  std::vector<GuidEntry> entries = TRY(parse_footer_table(image));

  if (const GuidEntry *e = find(entries, kSevEsResetBlockGuid)) {
    ByteReader r(e->data);
    info.sev_es_reset_eip = TRY_CONTEXT(r.u32_le("reset EIP"), "SEV-ES reset block GUID entry");
  }
  if (const GuidEntry *e = find(entries, kSevHashTableGuid)) {
    ByteReader r(e->data);
    OvmfHashTableArea area;
    area.base = TRY_CONTEXT(r.u32_le("base"), "SEV hash table GUID entry");
    area.size = TRY_CONTEXT(r.u32_le("size"), "SEV hash table GUID entry");
    // Builds without kernel-hashes support (OvmfPkgX64) carry the entry
    // with base and size 0, which QEMU rejects as "no hashes table".
    if (area.base != 0 || area.size != 0) info.sev_hashes_table = area;
  }
  if (const GuidEntry *e = find(entries, kSevMetadataGuid)) {
    info.sections = TRY(parse_metadata(image, e->data, info.gpa));
  }
  return info;
}

}  // namespace bp
