#include "lib/luks2/header_reader.h"

#include <string.h>

#include "lib/core/file_io.h"
#include "lib/core/format.h"

namespace bp {

namespace {

const uint8_t kSecondaryMagic[6] = {'S', 'K', 'U', 'L', 0xba, 0xbe};

std::string join(const std::vector<std::string> &problems) {
  std::string out;
  for (const std::string &p : problems) {
    if (!out.empty()) out += "; ";
    out += p;
  }
  return out;
}

Result<Bytes> read_at(int fd, uint64_t device_size, uint64_t offset, uint64_t size) {
  if (offset > device_size || size > device_size - offset) {
    return Error(format("%llu bytes at offset %llu lie beyond the end of the %llu-byte device",
                        static_cast<unsigned long long>(size), static_cast<unsigned long long>(offset),
                        static_cast<unsigned long long>(device_size)));
  }
  Bytes data(size);
  TRY(pread_exact(fd, data.data(), data.size(), static_cast<off_t>(offset)));
  return data;
}

// A whole copy at offset: binary header first (it gives the size), then the rest.
Result<Luks2HeaderCopy> read_copy(int fd, uint64_t device_size, uint64_t offset) {
  Bytes block = TRY(read_at(fd, device_size, offset, kLuks2BinaryHeaderSize));
  Luks2BinaryHeader header = TRY(parse_luks2_binary_header(block, offset));
  Bytes area = TRY(read_at(fd, device_size, offset, header.hdr_size));
  return parse_luks2_header_copy(area, offset);
}

}  // namespace

Result<Luks2HeaderRead> read_luks2_headers(int fd) {
  uint64_t device_size = TRY(file_size(fd));
  Bytes first =
      TRY_CONTEXT(read_at(fd, device_size, 0, kLuks2BinaryHeaderSize), "reading the primary header");
  std::vector<std::string> problems;
  Luks2HeaderRead out;

  if (is_all_zero(first)) {
    // No primary: blank, or our format interrupted before its commit.
    for (uint64_t offset : kLuks2SecondaryOffsets) {
      if (offset + kLuks2BinaryHeaderSize > device_size) break;
      Bytes block = TRY(read_at(fd, device_size, offset, kLuks2BinaryHeaderSize));
      if (memcmp(block.data(), kSecondaryMagic, sizeof kSecondaryMagic) != 0) continue;
      Result<Luks2HeaderCopy> secondary = read_copy(fd, device_size, offset);
      if (!secondary.ok()) {
        return Error(format("primary header is blank and the secondary header at offset %llu is invalid: %s",
                            static_cast<unsigned long long>(offset), secondary.error().message().c_str()));
      }
      out.state = Luks2HeaderState::secondary_only;
      out.header = secondary.release_value();
      return out;
    }
    out.state = Luks2HeaderState::blank;
    return out;
  }

  Result<Luks2HeaderCopy> primary = read_copy(fd, device_size, 0);
  if (!primary.ok()) problems.push_back("primary header: " + primary.error().message());

  // Where the secondary should be: after the primary if that parsed, else
  // wherever the secondary magic is.
  Result<Luks2HeaderCopy> secondary = Error("secondary header: not found at any LUKS2 secondary offset");
  if (primary.ok()) {
    secondary = read_copy(fd, device_size, primary.value().header.hdr_size);
    if (!secondary.ok()) secondary = secondary.release_error().with_context("secondary header");
  } else {
    for (uint64_t offset : kLuks2SecondaryOffsets) {
      if (offset + kLuks2BinaryHeaderSize > device_size) break;
      Bytes block = TRY(read_at(fd, device_size, offset, kLuks2BinaryHeaderSize));
      if (memcmp(block.data(), kSecondaryMagic, sizeof kSecondaryMagic) != 0) continue;
      secondary = read_copy(fd, device_size, offset);
      if (!secondary.ok()) secondary = secondary.release_error().with_context("secondary header");
      break;
    }
  }
  if (!secondary.ok()) problems.push_back(secondary.error().message());
  if (!problems.empty()) return Error(join(problems));

  const Luks2HeaderCopy &p = primary.value();
  const Luks2HeaderCopy &s = secondary.value();
  if (p.header.uuid != s.header.uuid) {
    problems.push_back(format("primary uuid %s differs from secondary uuid %s", p.header.uuid.c_str(),
                              s.header.uuid.c_str()));
  }
  if (p.header.hdr_size != s.header.hdr_size) problems.push_back("primary and secondary hdr_size differ");
  if (p.header.label != s.header.label || p.header.subsystem != s.header.subsystem) {
    problems.push_back("primary and secondary label or subsystem differ");
  }
  if (p.header.seqid < s.header.seqid) {
    problems.push_back(format("primary header has an older seqid (%llu) than the secondary (%llu)",
                              static_cast<unsigned long long>(p.header.seqid),
                              static_cast<unsigned long long>(s.header.seqid)));
  } else if (p.header.seqid == s.header.seqid && p.json != s.json) {
    problems.push_back(format("primary and secondary have the same seqid %llu but different JSON metadata",
                              static_cast<unsigned long long>(p.header.seqid)));
  }
  if (!problems.empty()) return Error(join(problems));
  out.state = Luks2HeaderState::valid;
  out.secondary_stale = p.header.seqid > s.header.seqid;
  out.header = primary.release_value();
  return out;
}

}  // namespace bp
