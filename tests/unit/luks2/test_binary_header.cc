// LUKS2 binary headers and the choice between the two copies, on a header
// cryptsetup wrote and on hostile modifications of it.
#include <string.h>

#include "lib/core/byte_order.h"
#include "lib/luks2/header_reader.h"
#include "tests/unit/luks2/luks2_fixture.h"

using luks2_test::kHdrSize;

namespace {

void test_parse_cryptsetup_header(void **) {
  bp::Bytes image = luks2_test::fixture();
  bp::Luks2HeaderCopy primary = luks2_test::parse_copy(image, 0);
  assert_true(primary.header.copy == bp::Luks2Copy::primary);
  assert_int_equal(primary.header.hdr_size, 16384);
  assert_int_equal(primary.header.seqid, 3);
  assert_string_equal(primary.header.uuid.c_str(), luks2_test::kFixtureUuid);
  assert_string_equal(primary.header.label.c_str(), "bp-test");
  assert_string_equal(primary.header.subsystem.c_str(), "");
  assert_int_equal(primary.header.hdr_offset, 0);
  assert_true(primary.json.rfind("{\"keyslots\":{\"0\":{\"type\":\"luks2\"", 0) == 0);
  bp::Luks2HeaderCopy secondary = luks2_test::parse_copy(image, kHdrSize);
  assert_true(secondary.header.copy == bp::Luks2Copy::secondary);
  assert_int_equal(secondary.header.hdr_offset, 16384);
  assert_true(secondary.json == primary.json);
  // Each copy has its own salt.
  assert_memory_not_equal(primary.header.salt.data(), secondary.header.salt.data(), 64);
}

void test_encode_reproduces_cryptsetup_bytes(void **) {
  // Re-encoding the parsed copies (checksum recomputed) gives cryptsetup's
  // bytes: the checksum construction and the field layout are right.
  bp::Bytes image = luks2_test::fixture();
  for (uint64_t offset : {uint64_t{0}, uint64_t{kHdrSize}}) {
    bp::Luks2HeaderCopy copy = luks2_test::parse_copy(image, offset);
    bp::Bytes encoded = ASSERT_OK(bp::encode_luks2_header_copy(copy.header, copy.json));
    assert_int_equal(encoded.size(), kHdrSize);
    assert_memory_equal(encoded.data(), image.data() + offset, kHdrSize);
  }
}

void test_read_valid(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  bp::UniqueFd fd = luks2_test::image_fd(dir, luks2_test::fixture());
  bp::Luks2HeaderRead read = ASSERT_OK(bp::read_luks2_headers(fd.get()));
  assert_true(read.state == bp::Luks2HeaderState::valid);
  assert_false(read.secondary_stale);
  assert_true(read.header.header.copy == bp::Luks2Copy::primary);
}

void test_read_blank_and_secondary_only(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  bp::Bytes blank(1 << 20, 0);
  bp::UniqueFd fd = luks2_test::image_fd(dir, blank, "blank");
  bp::Luks2HeaderRead read = ASSERT_OK(bp::read_luks2_headers(fd.get()));
  assert_true(read.state == bp::Luks2HeaderState::blank);

  // Leftovers of a format interrupted before its first binary header: still blank.
  blank[4096] = '{';
  blank[kHdrSize + 4096] = '{';
  blank[40000] = 0x55;
  fd = luks2_test::image_fd(dir, blank, "leftovers");
  read = ASSERT_OK(bp::read_luks2_headers(fd.get()));
  assert_true(read.state == bp::Luks2HeaderState::blank);

  bp::Bytes image = luks2_test::fixture();
  memset(image.data(), 0, 4096);  // the primary binary header was never written
  fd = luks2_test::image_fd(dir, image, "secondary-only");
  read = ASSERT_OK(bp::read_luks2_headers(fd.get()));
  assert_true(read.state == bp::Luks2HeaderState::secondary_only);
  assert_true(read.header.header.copy == bp::Luks2Copy::secondary);

  // ... but a damaged secondary then is an error, not blank.
  image[kHdrSize + 5000] ^= 1;
  fd = luks2_test::image_fd(dir, image, "secondary-bad");
  ASSERT_ERROR_CONTAINS(bp::read_luks2_headers(fd.get()), "secondary header checksum mismatch");
}

void test_mismatched_checksum(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  bp::Bytes image = luks2_test::fixture();
  image[4096 + 10] ^= 0x20;  // one JSON byte of the primary
  bp::UniqueFd fd = luks2_test::image_fd(dir, image);
  ASSERT_ERROR_CONTAINS(bp::read_luks2_headers(fd.get()), "primary header: primary header checksum mismatch");
  image = luks2_test::fixture();
  image[kHdrSize + 0x10 + 7] ^= 1;  // secondary seqid
  fd = luks2_test::image_fd(dir, image, "b");
  ASSERT_ERROR_CONTAINS(bp::read_luks2_headers(fd.get()), "secondary header checksum mismatch");
  // Both: every reason is reported.
  image[4096 + 10] ^= 0x20;
  fd = luks2_test::image_fd(dir, image, "c");
  bp::Result<bp::Luks2HeaderRead> both = bp::read_luks2_headers(fd.get());
  assert_false(both.ok());
  assert_non_null(strstr(both.error().message().c_str(), "primary header checksum mismatch"));
  assert_non_null(strstr(both.error().message().c_str(), "secondary header checksum mismatch"));
}

void test_older_seqid_in_primary(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  bp::Bytes image = luks2_test::fixture();
  bp::Luks2HeaderCopy primary = luks2_test::parse_copy(image, 0);
  primary.header.seqid -= 1;
  luks2_test::put_copy(image, 0, primary.header, primary.json);
  bp::UniqueFd fd = luks2_test::image_fd(dir, image);
  ASSERT_ERROR_CONTAINS(bp::read_luks2_headers(fd.get()), "primary header has an older seqid (2)");

  // A newer primary wins; the secondary is reported stale.
  primary.header.seqid += 2;
  luks2_test::put_copy(image, 0, primary.header, primary.json);
  fd = luks2_test::image_fd(dir, image, "newer");
  bp::Luks2HeaderRead read = ASSERT_OK(bp::read_luks2_headers(fd.get()));
  assert_true(read.state == bp::Luks2HeaderState::valid);
  assert_true(read.secondary_stale);
  assert_int_equal(read.header.header.seqid, 4);
}

void test_same_seqid_different_json(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  bp::Bytes image = luks2_test::fixture();
  bp::Luks2HeaderCopy secondary = luks2_test::parse_copy(image, kHdrSize);
  std::string json = secondary.json;
  json.replace(json.find("\"tokens\":{}"), 11, "\"tokens\":{ }");
  luks2_test::put_copy(image, kHdrSize, secondary.header, json);
  bp::UniqueFd fd = luks2_test::image_fd(dir, image);
  ASSERT_ERROR_CONTAINS(bp::read_luks2_headers(fd.get()), "same seqid 3 but different JSON");
}

void test_json_padding_not_zero(void **) {
  bp::Bytes image = luks2_test::fixture();
  bp::Luks2HeaderCopy primary = luks2_test::parse_copy(image, 0);
  bp::Bytes copy = ASSERT_OK(bp::encode_luks2_header_copy(primary.header, primary.json));
  copy[4096 + primary.json.size() + 100] = 'x';  // after the NUL, with a valid checksum
  bp::Luks2BinaryHeader h = primary.header;
  h.checksum =
      bp::luks2_header_checksum(bp::ByteView(copy).subview(0, 4096), bp::ByteView(copy).subview(4096));
  bp::Bytes block = bp::encode_luks2_binary_header(h);
  std::copy(block.begin(), block.end(), copy.begin());
  ASSERT_ERROR_CONTAINS(bp::parse_luks2_header_copy(copy, 0), "padding after the text");
  ASSERT_ERROR_CONTAINS(bp::parse_luks2_json_area(unhex("7b7d00000001")),
                        "padding after the text (offset 2)");
}

void test_oversized_json(void **) {
  // JSON text that fills the whole area leaves no terminator.
  std::string json = "{\"keyslots\":\"" + std::string(16384 - 4096 - 15, 'a') + "\"}";
  assert_int_equal(json.size(), 16384 - 4096);
  ASSERT_ERROR_CONTAINS(bp::encode_luks2_json_area(json, 16384 - 4096), "does not fit");
  bp::Bytes area(json.begin(), json.end());
  ASSERT_ERROR_CONTAINS(bp::parse_luks2_json_area(area), "without a terminating NUL");
  // And through a whole copy with a valid checksum.
  bp::Bytes image = luks2_test::fixture();
  bp::Luks2HeaderCopy primary = luks2_test::parse_copy(image, 0);
  bp::Bytes copy = bp::encode_luks2_binary_header(primary.header);
  copy.insert(copy.end(), area.begin(), area.end());
  bp::Luks2BinaryHeader h = primary.header;
  h.checksum = bp::luks2_header_checksum(bp::ByteView(copy).subview(0, 4096), area);
  bp::Bytes block = bp::encode_luks2_binary_header(h);
  std::copy(block.begin(), block.end(), copy.begin());
  ASSERT_ERROR_CONTAINS(bp::parse_luks2_header_copy(copy, 0), "without a terminating NUL");
  ASSERT_ERROR_CONTAINS(bp::parse_luks2_json_area(unhex("5b5d00")), "does not start with '{'");
}

void test_binary_field_checks(void **) {
  bp::Bytes image = luks2_test::fixture();
  bp::ByteView primary(image.data(), 4096);
  ASSERT_OK(bp::parse_luks2_binary_header(primary, 0));
  ASSERT_ERROR_CONTAINS(bp::parse_luks2_binary_header(primary, 512),
                        "hdr_offset 0 does not match its position 512");

  auto mutate = [&](auto change) {
    bp::Bytes block(image.begin(), image.begin() + 4096);
    change(block.data());
    return bp::parse_luks2_binary_header(block, 0);
  };
  ASSERT_ERROR_CONTAINS(mutate([](uint8_t *b) { b[0] = 'X'; }), "no LUKS2 magic");
  ASSERT_ERROR_CONTAINS(mutate([](uint8_t *b) { bp::store_be16(b + 6, 1); }), "version 1, expected 2");
  ASSERT_ERROR_CONTAINS(mutate([](uint8_t *b) { bp::store_be64(b + 8, 8192); }), "hdr_size 8192");
  ASSERT_ERROR_CONTAINS(mutate([](uint8_t *b) { bp::store_be64(b + 8, 24576); }), "hdr_size 24576");
  ASSERT_ERROR_CONTAINS(mutate([](uint8_t *b) { bp::store_be64(b + 8, 8u << 20); }), "not a power of two");
  ASSERT_ERROR_CONTAINS(mutate([](uint8_t *b) { memcpy(b + 0x48, "sha1\0\0", 6); }), "checksum_alg 'sha1'");
  ASSERT_ERROR_CONTAINS(mutate([](uint8_t *b) { memset(b + 0x18, 'L', 48); }), "label is not NUL-terminated");
  ASSERT_ERROR_CONTAINS(mutate([](uint8_t *b) { b[0x18] = '\n'; }), "label contains a control character");
  ASSERT_ERROR_CONTAINS(mutate([](uint8_t *b) { b[0x18 + 47] = 1; }), "non-zero bytes after its terminator");
  ASSERT_ERROR_CONTAINS(mutate([](uint8_t *b) { b[0xa8 + 8] = 'x'; }), "not a canonical UUID");
  ASSERT_ERROR_CONTAINS(mutate([](uint8_t *b) { b[0x110] = 1; }), "padding at 0x108");
  ASSERT_ERROR_CONTAINS(mutate([](uint8_t *b) { b[0x1c0 + 40] = 1; }), "beyond the 32 bytes");
  ASSERT_ERROR_CONTAINS(mutate([](uint8_t *b) { b[4000] = 1; }), "padding at 0x200");
  ASSERT_ERROR_CONTAINS(bp::parse_luks2_binary_header(bp::ByteView(image.data(), 4095), 0), "4095 bytes");
}

void test_hdr_offset_and_secondary_position(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  bp::Bytes image = luks2_test::fixture();
  // A primary whose hdr_offset field lies (checksum recomputed).
  bp::Luks2HeaderCopy primary = luks2_test::parse_copy(image, 0);
  primary.header.hdr_offset = 16384;
  luks2_test::put_copy(image, 0, primary.header, primary.json);
  bp::UniqueFd fd = luks2_test::image_fd(dir, image);
  ASSERT_ERROR_CONTAINS(bp::read_luks2_headers(fd.get()), "hdr_offset 16384 does not match its position 0");

  // A secondary at 32 KiB while hdr_size says 16 KiB.
  image = luks2_test::fixture();
  bp::Luks2HeaderCopy secondary = luks2_test::parse_copy(image, kHdrSize);
  memset(image.data(), 0, 2 * kHdrSize);
  secondary.header.hdr_offset = 32768;
  luks2_test::put_copy(image, 32768, secondary.header, secondary.json);
  fd = luks2_test::image_fd(dir, image, "moved");
  ASSERT_ERROR_CONTAINS(bp::read_luks2_headers(fd.get()), "secondary header at offset 32768, expected 16384");
  // A secondary magic where the primary belongs.
  bp::Bytes swapped = luks2_test::fixture();
  memcpy(swapped.data(), "SKUL", 4);
  ASSERT_ERROR_CONTAINS(bp::parse_luks2_binary_header(bp::ByteView(swapped.data(), 4096), 0),
                        "secondary header at offset 0, expected 16384");
}

void test_truncated_device(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  bp::Bytes image = luks2_test::fixture();
  for (size_t size : {size_t{0}, size_t{100}, size_t{4096}, size_t{10000}, size_t{16384}, size_t{20000}}) {
    bp::Bytes cut(image.begin(), image.begin() + static_cast<long>(size));
    bp::UniqueFd fd = luks2_test::image_fd(dir, cut, "cut");
    assert_false(bp::read_luks2_headers(fd.get()).ok());
  }
}

void test_random_corruption_never_crashes(void **) {
  // Flip bytes all over both binary headers and the JSON text: every result
  // is an error (the checksum covers everything), and ASan sees no bad access.
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  bp::Bytes original = luks2_test::fixture();
  uint32_t state = 12345;
  for (int i = 0; i < 200; ++i) {
    bp::Bytes image = original;
    state = state * 1103515245 + 12345;
    size_t at = (state >> 8) % (2 * kHdrSize);
    if ((at % kHdrSize) >= 4096 + 1500 && (at % kHdrSize) < kHdrSize) at -= 2000;  // stay in text or header
    image[at] ^= static_cast<uint8_t>(1 + (state & 0x7f));
    bp::UniqueFd fd = luks2_test::image_fd(dir, image, "fuzz");
    assert_false(bp::read_luks2_headers(fd.get()).ok());
  }
}

}  // namespace

RUN_TESTS("luks2_binary_header", cmocka_unit_test(test_parse_cryptsetup_header),
          cmocka_unit_test(test_encode_reproduces_cryptsetup_bytes), cmocka_unit_test(test_read_valid),
          cmocka_unit_test(test_read_blank_and_secondary_only), cmocka_unit_test(test_mismatched_checksum),
          cmocka_unit_test(test_older_seqid_in_primary), cmocka_unit_test(test_same_seqid_different_json),
          cmocka_unit_test(test_json_padding_not_zero), cmocka_unit_test(test_oversized_json),
          cmocka_unit_test(test_binary_field_checks),
          cmocka_unit_test(test_hdr_offset_and_secondary_position), cmocka_unit_test(test_truncated_device),
          cmocka_unit_test(test_random_corruption_never_crashes))
