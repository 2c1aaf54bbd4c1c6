// Our JSON metadata text is byte-for-byte what cryptsetup writes for the same
// values.
#include "lib/core/encoding.h"
#include "lib/luks2/metadata_writer.h"
#include "tests/unit/luks2/luks2_fixture.h"

namespace {

bp::Bytes b64(const char *text) { return ASSERT_OK(bp::base64_decode(text)); }

void test_matches_cryptsetup(void **) {
  bp::Luks2Metadata m;
  bp::Luks2Keyslot slot;
  slot.id = 0;
  slot.key_size = 64;
  slot.area_offset = 32768;
  slot.area_size = 258048;
  slot.area_key_size = 64;
  slot.iterations = 1000;
  slot.salt = b64("RXhc60EL76OSxMX+y58C/dun8SQrfPlX7Rf6ryQ81Y4=");
  m.keyslots.push_back(slot);
  m.segment.offset = 16777216;
  m.segment.sector_size = 4096;
  m.digest.keyslots = {0};
  m.digest.iterations = 1000;
  m.digest.salt = b64("8/SEcBn7UGNOsh01M6HvYA9MABJxuBIQICcaEKN0bd0=");
  m.digest.digest = b64("iQ3NrM1MT32XCxQ0NC9oLZX6n7z9f0c5wW3p+i/T2So=");
  m.config.json_size = 12288;
  m.config.keyslots_size = 16744448;
  bp::Bytes image = luks2_test::fixture();
  bp::Luks2HeaderCopy primary = luks2_test::parse_copy(image, 0);
  assert_string_equal(bp::encode_luks2_metadata_json(m).c_str(), primary.json.c_str());
}

void test_integrity_and_fixed_size(void **) {
  bp::Luks2Metadata m;
  bp::Luks2Keyslot slot;
  slot.key_size = 96;
  slot.area_offset = 32768;
  slot.area_size = 385024;
  slot.area_key_size = 64;
  slot.iterations = 1000;
  slot.salt = bp::Bytes(32, 0);
  slot.priority = 2;
  m.keyslots.push_back(slot);
  m.segment.offset = 16777216;
  m.segment.size = 1048576;
  m.segment.sector_size = 4096;
  m.segment.integrity = bp::Luks2Integrity::hmac_sha256;
  m.digest.keyslots = {0};
  m.digest.iterations = 1000;
  m.digest.salt = bp::Bytes(32, 0);
  m.digest.digest = bp::Bytes(32, 0);
  m.config.json_size = 12288;
  m.config.keyslots_size = 16744448;
  std::string json = bp::encode_luks2_metadata_json(m);
  assert_non_null(strstr(json.c_str(), "\"priority\":2}"));
  assert_non_null(strstr(json.c_str(), "\"size\":\"1048576\""));
  assert_non_null(
      strstr(json.c_str(),
             "\"sector_size\":4096,\"integrity\":{\"type\":\"hmac(sha256)\",\"journal_encryption\":"
             "\"none\",\"journal_integrity\":\"none\"}}"));
}

}  // namespace

RUN_TESTS("luks2_metadata_writer", cmocka_unit_test(test_matches_cryptsetup),
          cmocka_unit_test(test_integrity_and_fixed_size))
