// A LUKS2 header copy from the host's disk: the 4096-byte binary header
// (parse_luks2_binary_header), the JSON area (parse_luks2_json_area) and
// the whole copy with its checksum (parse_luks2_header_copy), then the
// metadata JSON it holds (check_luks2_metadata). The input is one primary
// copy (hdr_size bytes). Random mutations would never carry a matching
// SHA-256, so the copy is parsed twice: as given, and with the checksum
// field recomputed over the mutated bytes, which lets mutations reach the
// JSON checks. An accepted binary header encodes back to its 4096 bytes.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/luks2/binary_header.h"
#include "lib/luks2/metadata_parser.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

constexpr size_t kChecksumAt = 0x1c0;  // struct luks2_hdr_disk: csum[64]
constexpr uint64_t kDeviceSize = uint64_t{64} << 20;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bp::ByteView input(data, size);
  auto header = bp::parse_luks2_binary_header(input.subview(0, bp::kLuks2BinaryHeaderSize), 0);
  if (header.ok()) {
    FUZZ_CHECK(bp::luks2_valid_header_size(header.value().hdr_size));
    FUZZ_CHECK(bp::luks2_valid_uuid(header.value().uuid));
    bp::Bytes encoded = bp::encode_luks2_binary_header(header.value());
    FUZZ_CHECK(bp::ByteView(encoded) == input.subview(0, bp::kLuks2BinaryHeaderSize));
  }
  if (size > bp::kLuks2BinaryHeaderSize) {
    auto json = bp::parse_luks2_json_area(input.subview(bp::kLuks2BinaryHeaderSize));
    if (json.ok()) FUZZ_CHECK(!json.value().empty() && json.value()[0] == '{');
  }
  (void)bp::parse_luks2_header_copy(input, 0);

  if (size < bp::kLuks2BinaryHeaderSize) return 0;
  bp::Bytes fixed(data, data + size);
  bp::Sha256Digest checksum =
      bp::luks2_header_checksum(bp::ByteView(fixed).subview(0, bp::kLuks2BinaryHeaderSize),
                                bp::ByteView(fixed).subview(bp::kLuks2BinaryHeaderSize));
  memcpy(fixed.data() + kChecksumAt, checksum.data(), checksum.size());
  auto copy = bp::parse_luks2_header_copy(fixed, 0);
  if (!copy.ok()) return 0;
  FUZZ_CHECK(copy.value().header.hdr_size <= size);
  bp::Luks2MetadataCheck check =
      bp::check_luks2_metadata(copy.value().json, copy.value().header.hdr_size, kDeviceSize);
  FUZZ_CHECK(check.metadata.has_value() == check.problems.empty());
  if (check.metadata) FUZZ_CHECK(!check.metadata->keyslots.empty() && check.metadata->volume_key_size() > 0);
  return 0;
}
