// Layout checks of LUKS2 metadata against the device and itself.
#include "lib/luks2/metadata_layout.h"
#include "tests/unit/test_support.h"

namespace {

constexpr uint64_t kDevice = size_t{64} * 1024 * 1024;

bp::Luks2Metadata planned() {
  bp::Luks2Metadata m = ASSERT_OK(bp::plan_luks2_layout(bp::Luks2FormatOptions{}, kDevice));
  m.keyslots[0].salt.assign(32, 1);
  m.digest.salt.assign(32, 2);
  m.digest.digest.assign(32, 3);
  return m;
}

std::string problems_of(const bp::Luks2Metadata &m, uint64_t hdr_size = 16384, uint64_t device = kDevice) {
  std::vector<std::string> problems;
  bp::check_luks2_layout(m, hdr_size, device, problems);
  std::string out;
  for (const std::string &p : problems) out += p + "\n";
  return out;
}

#define ASSERT_PROBLEM(m, text)                                                                           \
  do {                                                                                                    \
    std::string found_ = problems_of(m);                                                                  \
    if (found_.find(text) == std::string::npos) fail_msg("wanted '%s' among:\n%s", text, found_.c_str()); \
  } while (0)

void test_plan_is_cryptsetup_default(void **) {
  bp::Luks2Metadata m = planned();
  assert_int_equal(m.keyslots.size(), 1);
  assert_int_equal(m.keyslots[0].key_size, 64);
  assert_int_equal(m.keyslots[0].area_offset, 32768);
  assert_int_equal(m.keyslots[0].area_size, 258048);
  assert_int_equal(m.keyslots[0].area_key_size, 64);
  assert_int_equal(m.segment.offset, 16777216);
  assert_int_equal(m.segment.sector_size, 4096);
  assert_false(m.segment.size.has_value());
  assert_int_equal(m.config.json_size, 12288);
  assert_int_equal(m.config.keyslots_size, 16744448);
  assert_string_equal(problems_of(m).c_str(), "");
  assert_int_equal(bp::luks2_segment_length(m.segment, kDevice + 1000), kDevice - 16777216);

  bp::Luks2FormatOptions integrity;
  integrity.integrity = bp::Luks2Integrity::hmac_sha256;
  bp::Luks2Metadata mi = ASSERT_OK(bp::plan_luks2_layout(integrity, kDevice));
  assert_int_equal(mi.keyslots[0].key_size, 96);
  assert_int_equal(mi.keyslots[0].area_size, 385024);

  ASSERT_ERROR_CONTAINS(bp::plan_luks2_layout(bp::Luks2FormatOptions{}, size_t{16} * 1024 * 1024),
                        "too small");
  bp::Luks2FormatOptions bad;
  bad.sector_size = 1024;
  ASSERT_ERROR_CONTAINS(bp::plan_luks2_layout(bad, kDevice), "expected 512 or 4096");
}

void test_keyslot_outside_keyslots_area(void **) {
  bp::Luks2Metadata m = planned();
  m.keyslots[0].area_offset = 4096;  // inside the primary header's JSON area
  ASSERT_PROBLEM(m, "keyslots.0.area [4096, +258048) is outside the keyslots area [32768, 16777216)");
  m.keyslots[0].area_offset = 16777216 - 4096;  // runs into the data
  ASSERT_PROBLEM(m, "is outside the keyslots area");
  m.keyslots[0].area_offset = UINT64_MAX - 4095;
  ASSERT_PROBLEM(m, "is outside the keyslots area");
  m = planned();
  m.keyslots[0].area_size = 4096;
  ASSERT_PROBLEM(m, "smaller than the 256000 bytes of AF material");
  m.keyslots[0].area_offset = 32769;
  ASSERT_PROBLEM(m, "not 4096-aligned");
}

void test_keyslots_overlap(void **) {
  bp::Luks2Metadata m = planned();
  bp::Luks2Keyslot second = m.keyslots[0];
  second.id = 1;
  second.area_offset = 32768 + 131072;
  m.keyslots.push_back(second);
  m.digest.keyslots = {0, 1};
  ASSERT_PROBLEM(m, "keyslots.1.area overlaps keyslots.0.area");
  m.keyslots[1].area_offset = 32768 + 258048;
  assert_string_equal(problems_of(m).c_str(), "");
  m.digest.keyslots = {0};
  ASSERT_PROBLEM(m, "digests.0.keyslots does not list exactly the keyslots");
  m.digest.keyslots = {0, 1};
  m.keyslots[1].id = 0;
  ASSERT_PROBLEM(m, "keyslot 0 appears twice");
}

void test_segment_overlapping_header(void **) {
  bp::Luks2Metadata m = planned();
  m.segment.offset = 0;
  ASSERT_PROBLEM(m, "segments.0.offset 0 overlaps the header and keyslots area (which end at 16777216)");
  m.segment.offset = 16384;
  ASSERT_PROBLEM(m, "overlaps the header");
  m = planned();
  m.segment.offset = 16777216 + 512;
  ASSERT_PROBLEM(m, "not a multiple of the sector size");
  m = planned();
  m.segment.offset = kDevice;
  ASSERT_PROBLEM(m, "beyond the end of the 67108864-byte device");
  m = planned();
  m.segment.size = kDevice;
  ASSERT_PROBLEM(m, "extends beyond the end");
  m.segment.size = 4096 * 3 + 1;
  ASSERT_PROBLEM(m, "not a positive multiple");
  m = planned();
  m.segment.sector_size = 2048;
  ASSERT_PROBLEM(m, "sector_size 2048 is not 512 or 4096");
  m = planned();
  assert_true(problems_of(m, 16384, 16777216 + 100).find("no whole sector") != std::string::npos);
}

void test_key_sizes_and_config(void **) {
  bp::Luks2Metadata m = planned();
  m.keyslots[0].key_size = 96;  // an HMAC key without integrity
  ASSERT_PROBLEM(m, "keyslots.0.key_size 96 is not 32 or 64");
  m.segment.integrity = bp::Luks2Integrity::hmac_sha256;
  m.keyslots[0].area_size = 385024;
  assert_string_equal(problems_of(m).c_str(), "");
  m.keyslots[0].key_size = 48;
  ASSERT_PROBLEM(m, "is not 64 or 96");
  m = planned();
  m.keyslots[0].area_key_size = 16;
  ASSERT_PROBLEM(m, "area.key_size 16");
  m = planned();
  m.keyslots[0].iterations = 999;
  ASSERT_PROBLEM(m, "kdf.iterations 999");
  m = planned();
  m.digest.iterations = 0;
  ASSERT_PROBLEM(m, "digests.0.iterations 0");
  m = planned();
  m.config.json_size = 12289;
  ASSERT_PROBLEM(m, "config.json_size 12289 does not match");
  m = planned();
  m.config.keyslots_size = 1000;
  ASSERT_PROBLEM(m, "config.keyslots_size 1000");
  m.keyslots.clear();
  m.digest.keyslots.clear();
  ASSERT_PROBLEM(m, "no keyslot");
}

}  // namespace

RUN_TESTS("luks2_metadata_layout", cmocka_unit_test(test_plan_is_cryptsetup_default),
          cmocka_unit_test(test_keyslot_outside_keyslots_area), cmocka_unit_test(test_keyslots_overlap),
          cmocka_unit_test(test_segment_overlapping_header), cmocka_unit_test(test_key_sizes_and_config))
