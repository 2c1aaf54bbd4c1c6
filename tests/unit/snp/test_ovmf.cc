// OVMF footer table and SEV metadata parsing: the two real edk2 builds, and
// synthetic images that are malformed in every way the parser checks.
#include <stdlib.h>

#include "lib/core/byte_order.h"
#include "lib/core/byte_writer.h"
#include "lib/core/file_io.h"
#include "lib/snp/efi_guid.h"
#include "lib/snp/ovmf.h"
#include "tests/unit/test_support.h"

namespace {

constexpr bp::EfiGuid kFooter = bp::efi_guid("96b582de-1fb2-45f7-baea-a366c55a082d");
constexpr bp::EfiGuid kResetBlock = bp::efi_guid("00f771de-1a7e-4fcb-890e-68c77e2fb44e");
constexpr bp::EfiGuid kHashTable = bp::efi_guid("7255371f-3a3b-4b04-927b-1da6efa8d454");
constexpr bp::EfiGuid kMetadata = bp::efi_guid("dc886566-984a-4798-a75e-5585a7bf67cc");

bp::Bytes fixture(const char *name) {
  return ASSERT_OK(bp::read_file(std::string("tests/data/snp/ovmf/") + name, 1 << 20));
}

struct Entry {
  bp::EfiGuid guid;
  bp::Bytes data;
};

bp::Bytes u32s(std::initializer_list<uint32_t> values) {
  bp::ByteWriter w;
  for (uint32_t v : values) w.u32_le(v);
  return w.release();
}

// A 4 KiB image: the entries (the first right before the footer), the footer
// 32 bytes before the end, and metadata (if any) at offset 0x100.
bp::Bytes build_image(const std::vector<Entry> &entries, const bp::Bytes &metadata = {}) {
  bp::Bytes image(4096, 0xcc);
  std::copy(metadata.begin(), metadata.end(), image.begin() + 0x100);
  size_t end = 4096 - 32 - 18;
  for (const Entry &e : entries) {
    size_t length = e.data.size() + 18;
    size_t start = end - length;
    std::copy(e.data.begin(), e.data.end(), image.begin() + static_cast<long>(start));
    bp::store_le16(image.data() + end - 18, static_cast<uint16_t>(length));
    std::copy(e.guid.begin(), e.guid.end(), image.begin() + static_cast<long>(end - 16));
    end = start;
  }
  const size_t footer = 4096 - 32 - 18;
  bp::store_le16(image.data() + footer, static_cast<uint16_t>(footer + 18 - end));
  std::copy(kFooter.begin(), kFooter.end(), image.begin() + footer + 2);
  return image;
}

bp::Bytes metadata(std::initializer_list<std::array<uint32_t, 3>> sections, uint32_t version = 1) {
  bp::ByteWriter w;
  w.bytes(bp::ByteView::of_string("ASEV"));
  w.u32_le(static_cast<uint32_t>(16 + 12 * sections.size()));
  w.u32_le(version);
  w.u32_le(static_cast<uint32_t>(sections.size()));
  for (const auto &s : sections) {
    for (uint32_t v : s) w.u32_le(v);
  }
  return w.release();
}

std::vector<Entry> entries_with_metadata() {
  return {{kResetBlock, u32s({0x80b004})}, {kMetadata, u32s({4096 - 0x100})}};
}

void test_amdsev_fixture(void **) {
  bp::Bytes image = fixture("ovmf_AmdSev_suffix.bin");
  bp::OvmfInfo info = ASSERT_OK(bp::parse_ovmf(image));
  assert_int_equal(info.size, 4096);
  assert_int_equal(info.gpa, 0xFFFFF000u);
  assert_true(info.sev_es_reset_eip.has_value());
  assert_int_equal(*info.sev_es_reset_eip, 0x0080B004);
  assert_true(info.sev_hashes_table.has_value());
  assert_int_equal(info.sev_hashes_table->base, 0x00810C00);
  assert_int_equal(info.sev_hashes_table->size, 0x400);
  const uint32_t expected[][3] = {{0x800000, 0x9000, 1}, {0x80a000, 0x3000, 1}, {0x80d000, 0x1000, 2},
                                  {0x80e000, 0x1000, 3}, {0x80f000, 0x1000, 4}, {0x810000, 0x1000, 0x10},
                                  {0x811000, 0xf000, 1}};
  assert_int_equal(info.sections.size(), 7);
  for (size_t i = 0; i < 7; ++i) {
    assert_int_equal(info.sections[i].gpa, expected[i][0]);
    assert_int_equal(info.sections[i].size, expected[i][1]);
    assert_int_equal(static_cast<uint32_t>(info.sections[i].type), expected[i][2]);
  }
  assert_true(info.has_section(bp::OvmfSectionType::snp_kernel_hashes));
}

void test_ovmfx64_fixture(void **) {
  bp::OvmfInfo info = ASSERT_OK(bp::parse_ovmf(fixture("ovmf_OvmfX64_suffix.bin")));
  assert_false(info.sev_hashes_table.has_value());
  assert_int_equal(info.sections.size(), 6);
  assert_false(info.has_section(bp::OvmfSectionType::snp_kernel_hashes));
  assert_int_equal(info.sections.back().gpa, 0x810000);
  assert_int_equal(info.sections.back().size, 0x10000);
}

void test_synthetic_image_parses(void **) {
  std::vector<Entry> entries = entries_with_metadata();
  entries.push_back({kHashTable, u32s({0x810c00, 0x400})});
  bp::Bytes image = build_image(entries, metadata({{0x800000, 0x1000, 1}, {0x810000, 0x1000, 0x10}}));
  bp::OvmfInfo info = ASSERT_OK(bp::parse_ovmf(image));
  assert_int_equal(*info.sev_es_reset_eip, 0x80b004);
  assert_int_equal(info.sections.size(), 2);
  assert_int_equal(info.sev_hashes_table->base, 0x810c00);
}

void test_image_size_checked(void **) {
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(bp::Bytes()), "not a non-zero multiple of 4096");
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(bp::Bytes(4095)), "not a non-zero multiple of 4096");
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(bp::Bytes(4097)), "not a non-zero multiple of 4096");
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(bp::Bytes(bp::kOvmfMaxSize + 4096)),
                        "not a non-zero multiple of 4096");
}

void test_no_footer_table(void **) {
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(bp::Bytes(4096, 0)), "no OVMF footer GUID table");
  bp::Bytes image = fixture("ovmf_AmdSev_suffix.bin");
  image[4096 - 32 - 1] ^= 1;  // last GUID byte
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(image), "no OVMF footer GUID table");
}

void test_footer_size_out_of_range(void **) {
  bp::Bytes image = build_image(entries_with_metadata());
  bp::store_le16(image.data() + 4096 - 50, 17);
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(image), "footer table size 17");
  bp::store_le16(image.data() + 4096 - 50, 4096 - 31);
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(image), "out of range");
}

void test_truncated_guid_table(void **) {
  bp::Bytes image = build_image(entries_with_metadata());
  // Claim 10 more bytes than the entries: an incomplete entry remains.
  uint16_t size = bp::load_le16(image.data() + 4096 - 50);
  bp::store_le16(image.data() + 4096 - 50, static_cast<uint16_t>(size + 10));
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(image), "truncated OVMF GUID table");
}

void test_bad_entry_lengths(void **) {
  bp::Bytes image = build_image(entries_with_metadata());
  const size_t first_entry_length = 4096 - 32 - 18 - 18;
  bp::store_le16(image.data() + first_entry_length, 5);
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(image), "has length 5");
  bp::store_le16(image.data() + first_entry_length, 2000);  // past the table start
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(image), "has length 2000");
}

void test_short_entry_data(void **) {
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(build_image({{kResetBlock, bp::Bytes(2)}})), "SEV-ES reset block");
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(build_image({{kHashTable, u32s({1})}})), "SEV hash table");
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(build_image({{kMetadata, bp::Bytes(3)}})), "SEV metadata GUID entry");
}

void test_duplicate_guid(void **) {
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(build_image({{kResetBlock, u32s({1})}, {kResetBlock, u32s({2})}})),
                        "second entry with the same GUID");
}

void test_metadata_offset_and_header(void **) {
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(build_image({{kMetadata, u32s({4097})}})), "out of range");
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(build_image({{kMetadata, u32s({8})}})), "out of range");
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(build_image(entries_with_metadata(), bp::Bytes(16, 0))),
                        "does not start with \"ASEV\"");
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(build_image(entries_with_metadata(), metadata({}, 2))), "version 2");
  bp::Bytes meta = metadata({{0x800000, 0x1000, 1}});
  bp::store_le32(meta.data() + 12, 1000);  // 1000 sections
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(build_image(entries_with_metadata(), meta)),
                        "does not fit 1000 sections");
  bp::store_le32(meta.data() + 12, 1);
  bp::store_le32(meta.data() + 4, 8);  // header size smaller than the header
  ASSERT_ERROR_CONTAINS(bp::parse_ovmf(build_image(entries_with_metadata(), meta)), "size 8 does not fit");
}

void test_bad_sections(void **) {
  auto parse = [](std::initializer_list<std::array<uint32_t, 3>> sections) {
    return bp::parse_ovmf(build_image(entries_with_metadata(), metadata(sections)));
  };
  ASSERT_ERROR_CONTAINS(parse({{0x800000, 0x1000, 7}}), "unknown OVMF SEV metadata section type 0x7");
  ASSERT_ERROR_CONTAINS(parse({{0x800800, 0x1000, 1}}), "not 4 KiB aligned");
  ASSERT_ERROR_CONTAINS(parse({{0x800000, 0x1800, 1}}), "not 4 KiB aligned");
  ASSERT_ERROR_CONTAINS(parse({{0x800000, 0, 1}}), "is empty");
  ASSERT_ERROR_CONTAINS(parse({{0xFFFFE000, 0x3000, 1}}), "beyond 4 GiB");
  ASSERT_ERROR_CONTAINS(parse({{0xFFFFF000, 0x1000, 1}}), "overlaps the firmware");
  ASSERT_ERROR_CONTAINS(parse({{0x800000, 0x2000, 1}, {0x801000, 0x1000, 2}}), "sections overlap");
  ASSERT_OK(parse({{0x801000, 0x1000, 2}, {0x800000, 0x1000, 1}}));  // any order, adjacent
}

// Every single-byte corruption of the footer table and metadata area of the
// real image parses or fails cleanly (this runs under ASan and UBSan).
void test_corruptions_never_crash(void **) {
  const bp::Bytes original = fixture("ovmf_AmdSev_suffix.bin");
  const uint8_t values[] = {0x00, 0x01, 0x7f, 0x80, 0xff};
  size_t failures = 0;
  for (size_t offset = 0xa00; offset < 4096; ++offset) {
    for (uint8_t v : values) {
      bp::Bytes image = original;
      image[offset] = v;
      if (!bp::parse_ovmf(image).ok()) ++failures;
    }
  }
  assert_true(failures > 0);
  srand(99);
  for (int i = 0; i < 3000; ++i) {
    bp::Bytes image = original;
    for (int j = 0; j < 4; ++j)
      image[0xa00 + static_cast<size_t>(rand()) % 0x600] = static_cast<uint8_t>(rand());
    (void)bp::parse_ovmf(image);
  }
}

}  // namespace

RUN_TESTS("snp/ovmf", cmocka_unit_test(test_amdsev_fixture), cmocka_unit_test(test_ovmfx64_fixture),
          cmocka_unit_test(test_synthetic_image_parses), cmocka_unit_test(test_image_size_checked),
          cmocka_unit_test(test_no_footer_table), cmocka_unit_test(test_footer_size_out_of_range),
          cmocka_unit_test(test_truncated_guid_table), cmocka_unit_test(test_bad_entry_lengths),
          cmocka_unit_test(test_short_entry_data), cmocka_unit_test(test_duplicate_guid),
          cmocka_unit_test(test_metadata_offset_and_header), cmocka_unit_test(test_bad_sections),
          cmocka_unit_test(test_corruptions_never_crash))
