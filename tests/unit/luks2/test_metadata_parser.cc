// The LUKS2 JSON allow-list, on cryptsetup's metadata and on the hostile
// variants of it that the Trail of Bits 2025 disclosure describes.
#include <string.h>

#include "lib/core/encoding.h"
#include "lib/luks2/header_reader.h"
#include "lib/luks2/metadata_parser.h"
#include "tests/unit/luks2/luks2_fixture.h"

namespace {

constexpr uint64_t kDeviceSize = size_t{20} * 1024 * 1024;  // the fixture volume's size

std::string fixture_json() {
  bp::Bytes image = luks2_test::fixture();
  return luks2_test::parse_copy(image, 0).json;
}

std::string replaced(std::string json, const std::string &from, const std::string &to) {
  size_t at = json.find(from);
  if (at == std::string::npos) fail_msg("fixture JSON has no '%s'", from.c_str());
  return json.replace(at, from.size(), to);
}

bp::Result<bp::Luks2Metadata> parse(const std::string &json) {
  return bp::parse_luks2_metadata(json, 16384, kDeviceSize);
}

void test_cryptsetup_metadata_accepted(void **) {
  bp::Luks2Metadata m = ASSERT_OK(parse(fixture_json()));
  assert_int_equal(m.keyslots.size(), 1);
  const bp::Luks2Keyslot &k = m.keyslots[0];
  assert_int_equal(k.id, 0);
  assert_int_equal(k.key_size, 64);
  assert_int_equal(k.area_offset, 32768);
  assert_int_equal(k.area_size, 258048);
  assert_int_equal(k.area_key_size, 64);
  assert_int_equal(k.iterations, 1000);
  assert_string_equal(bp::base64_encode(k.salt).c_str(), "RXhc60EL76OSxMX+y58C/dun8SQrfPlX7Rf6ryQ81Y4=");
  assert_false(k.priority.has_value());
  assert_int_equal(m.segment.offset, 16777216);
  assert_false(m.segment.size.has_value());
  assert_int_equal(m.segment.sector_size, 4096);
  assert_true(m.segment.integrity == bp::Luks2Integrity::none);
  assert_int_equal(m.digest.keyslots.size(), 1);
  assert_int_equal(m.digest.iterations, 1000);
  assert_string_equal(bp::base64_encode(m.digest.digest).c_str(),
                      "iQ3NrM1MT32XCxQ0NC9oLZX6n7z9f0c5wW3p+i/T2So=");
  assert_int_equal(m.config.json_size, 12288);
  assert_int_equal(m.config.keyslots_size, 16744448);
  assert_int_equal(m.volume_key_size(), 64);
}

void test_null_cipher_segment(void **) {
  std::string json = replaced(fixture_json(), "\"iv_tweak\":\"0\",\"encryption\":\"aes-xts-plain64\"",
                              "\"iv_tweak\":\"0\",\"encryption\":\"cipher_null-ecb\"");
  ASSERT_ERROR_CONTAINS(parse(json),
                        "$.segments.0.encryption is 'cipher_null-ecb', expected 'aes-xts-plain64'");
  json = replaced(fixture_json(), "\"encryption\":\"aes-xts-plain64\",\"sector_size\"",
                  "\"encryption\":\"aes-cbc-essiv:sha256\",\"sector_size\"");
  ASSERT_ERROR_CONTAINS(parse(json), "store data unencrypted");
}

void test_unencrypted_keyslot_area(void **) {
  std::string json = replaced(fixture_json(), "\"encryption\":\"aes-xts-plain64\",\"key_size\":64}",
                              "\"encryption\":\"cipher_null-ecb\",\"key_size\":64}");
  ASSERT_ERROR_CONTAINS(parse(json),
                        "$.keyslots.0.area.encryption is 'cipher_null-ecb', expected 'aes-xts-plain64'");
  json = replaced(fixture_json(), "\"encryption\":\"aes-xts-plain64\",\"key_size\":64}",
                  "\"encryption\":\"aes-xts-plain64\",\"key_size\":0}");
  ASSERT_ERROR_CONTAINS(parse(json), "keyslots.0.area.key_size 0 is not 32 or 64");
}

void test_keyslot_outside_keyslots_area(void **) {
  std::string json = replaced(fixture_json(), "\"offset\":\"32768\"", "\"offset\":\"4096\"");
  ASSERT_ERROR_CONTAINS(parse(json), "keyslots.0.area [4096, +258048) is outside the keyslots area");
  json = replaced(fixture_json(), "\"offset\":\"32768\"", "\"offset\":\"16773120\"");
  ASSERT_ERROR_CONTAINS(parse(json), "is outside the keyslots area");
  json = replaced(fixture_json(), "\"offset\":\"32768\"", "\"offset\":\"99999999999999999999\"");
  ASSERT_ERROR_CONTAINS(parse(json), "$.keyslots.0.area.offset: number '99999999999999999999' is too large");
}

void test_segment_overlapping_header(void **) {
  std::string json = replaced(fixture_json(), "\"offset\":\"16777216\"", "\"offset\":\"0\"");
  ASSERT_ERROR_CONTAINS(parse(json), "segments.0.offset 0 overlaps the header and keyslots area");
  json = replaced(fixture_json(), "\"offset\":\"16777216\"", "\"offset\":\"32768\"");
  ASSERT_ERROR_CONTAINS(parse(json), "segments.0.offset 32768 overlaps");
  json = replaced(fixture_json(), "\"size\":\"dynamic\"", "\"size\":\"1073741824\"");
  ASSERT_ERROR_CONTAINS(parse(json), "extends beyond the end of the 20971520-byte device");
}

void test_unknown_keys(void **) {
  const char *const cases[][3] = {
      {"{\"keyslots\":", "{\"extra\":1,\"keyslots\":", "$.extra"},
      {"\"type\":\"luks2\",", "\"type\":\"luks2\",\"x\":0,", "$.keyslots.0.x"},
      {"\"hash\":\"sha256\"},\"area\"", "\"hash\":\"sha256\",\"x\":0},\"area\"", "$.keyslots.0.af.x"},
      {"\"type\":\"raw\",", "\"type\":\"raw\",\"x\":0,", "$.keyslots.0.area.x"},
      {"\"iterations\":1000,\"salt\":\"RXhc", "\"iterations\":1000,\"x\":0,\"salt\":\"RXhc",
       "$.keyslots.0.kdf.x"},
      {"\"type\":\"crypt\",", "\"type\":\"crypt\",\"x\":0,", "$.segments.0.x"},
      {"\"type\":\"pbkdf2\",\"keyslots\"", "\"type\":\"pbkdf2\",\"x\":0,\"keyslots\"", "$.digests.0.x"},
      {"\"json_size\"", "\"x\":0,\"json_size\"", "$.config.x"},
  };
  for (const auto &c : cases) {
    std::string json = replaced(fixture_json(), c[0], c[1]);
    bp::Result<bp::Luks2Metadata> result = parse(json);
    if (result.ok()) fail_msg("accepted an unknown key %s", c[2]);
    if (result.error().message().find(c[2]) == std::string::npos ||
        result.error().message().find("unknown") == std::string::npos) {
      fail_msg("error for %s does not name it as unknown: %s", c[2], result.error().message().c_str());
    }
  }
}

void test_tokens_refused(void **) {
  std::string json = replaced(fixture_json(), "\"tokens\":{}",
                              "\"tokens\":{\"0\":{\"type\":\"constellation-state-disk\",\"keyslots\":[]}}");
  ASSERT_ERROR_CONTAINS(parse(json), "$.tokens: tokens are not allowed");
}

void test_argon2id_refused_clearly(void **) {
  bp::Bytes header = ASSERT_OK(bp::read_file("tests/data/luks2/cryptsetup-argon2id-header.img", 1 << 20));
  bp::Luks2HeaderCopy copy =
      ASSERT_OK(bp::parse_luks2_header_copy(bp::ByteView(header).subview(0, 16384), 0));
  ASSERT_ERROR_CONTAINS(parse(copy.json),
                        "$.keyslots.0.kdf.type is argon2id: only pbkdf2 keyslots are supported");
}

void test_other_allow_list_entries(void **) {
  const char *const cases[][3] = {
      {"\"type\":\"luks2\"", "\"type\":\"luks1\"", "$.keyslots.0.type is 'luks1'"},
      {"\"stripes\":4000", "\"stripes\":1", "stripes is 1, expected 4000"},
      {"\"type\":\"luks1\",\"stripes\":4000,\"hash\":\"sha256\"",
       "\"type\":\"luks1\",\"stripes\":4000,\"hash\":\"sha1\"", "$.keyslots.0.af.hash is 'sha1'"},
      {"\"hash\":\"sha256\",\"iterations\":1000,\"salt\":\"RX",
       "\"hash\":\"sha512\",\"iterations\":1000,\"salt\":\"RX", "$.keyslots.0.kdf.hash is 'sha512'"},
      {"\"iv_tweak\":\"0\"", "\"iv_tweak\":\"8\"", "$.segments.0.iv_tweak is '8'"},
      {"\"sector_size\":4096", "\"sector_size\":1024", "sector_size 1024 is not 512 or 4096"},
      {"\"sector_size\":4096", "\"sector_size\":4096,\"flags\":[\"backup-previous\"]",
       "segment flags are not supported"},
      {"\"sector_size\":4096",
       "\"sector_size\":4096,\"integrity\":{\"type\":\"aead\",\"journal_encryption\":\"none\",\"journal_"
       "integrity\":\"none\"}",
       "integrity.type is 'aead'"},
      {"\"segments\":[\"0\"]", "\"segments\":[]", "segments must be [\"0\"]"},
      {"\"keyslots\":[\"0\"]", "\"keyslots\":[]", "digests.0.keyslots does not list exactly the keyslots"},
      {"\"keyslots_size\":\"16744448\"",
       "\"keyslots_size\":\"16744448\",\"requirements\":{\"mandatory\":[\"online-reencrypt\"]}",
       "requirements is present"},
      {"\"keyslots_size\":\"16744448\"", "\"keyslots_size\":\"16744448\",\"flags\":[\"bogus\"]",
       "unknown flag 'bogus'"},
      {"\"json_size\":\"12288\"", "\"json_size\":\"4096\"", "config.json_size 4096 does not match"},
      {"{\"keyslots\":{\"0\":", "{\"keyslots\":{\"00\":", "the name must be a number"},
      {"\"key_size\":64,\"af\"", "\"key_size\":\"64\",\"af\"",
       "$.keyslots.0.key_size: expected an unsigned integer"},
      {"\"type\":\"pbkdf2\",\"keyslots\"", "\"type\":\"pbkdf2\",\"hash\":\"sha256\",\"keyslots\"",
       "duplicate"},
  };
  for (const auto &c : cases) {
    std::string json = replaced(fixture_json(), c[0], c[1]);
    bp::Result<bp::Luks2Metadata> result = parse(json);
    if (result.ok()) fail_msg("accepted: %s", c[1]);
    if (result.error().message().find(c[2]) == std::string::npos) {
      fail_msg("for %s: error '%s' lacks '%s'", c[1], result.error().message().c_str(), c[2]);
    }
  }
  ASSERT_ERROR_CONTAINS(parse("[]"), "expected an object");
  ASSERT_ERROR_CONTAINS(parse("{\"keyslots\":{}}"), "$.segments: missing");
  ASSERT_ERROR_CONTAINS(parse("{"), "JSON metadata");
}

void test_every_problem_reported(void **) {
  std::string json = replaced(fixture_json(), "\"iv_tweak\":\"0\",\"encryption\":\"aes-xts-plain64\"",
                              "\"iv_tweak\":\"0\",\"encryption\":\"cipher_null-ecb\"");
  json = replaced(json, "\"encryption\":\"aes-xts-plain64\",\"key_size\":64}",
                  "\"encryption\":\"cipher_null-ecb\",\"key_size\":64}");
  json = replaced(json, "\"tokens\":{}", "\"tokens\":{\"0\":{}}");
  bp::Luks2MetadataCheck check = bp::check_luks2_metadata(json, 16384, kDeviceSize);
  assert_false(check.metadata.has_value());
  assert_int_equal(check.problems.size(), 3);
}

void test_malicious_header_through_reader(void **) {
  // End to end: an attacker rewrites both copies with valid checksums.
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  bp::Bytes image = luks2_test::fixture();
  std::string json = replaced(fixture_json(), "\"iv_tweak\":\"0\",\"encryption\":\"aes-xts-plain64\"",
                              "\"iv_tweak\":\"0\",\"encryption\":\"cipher_null-ecb\"");
  luks2_test::replace_json(image, json);
  bp::UniqueFd fd = luks2_test::image_fd(dir, image);
  bp::Luks2HeaderRead read = ASSERT_OK(bp::read_luks2_headers(fd.get()));
  ASSERT_ERROR_CONTAINS(parse(read.header.json), "cipher_null-ecb");
}

}  // namespace

RUN_TESTS("luks2_metadata_parser", cmocka_unit_test(test_cryptsetup_metadata_accepted),
          cmocka_unit_test(test_null_cipher_segment), cmocka_unit_test(test_unencrypted_keyslot_area),
          cmocka_unit_test(test_keyslot_outside_keyslots_area),
          cmocka_unit_test(test_segment_overlapping_header), cmocka_unit_test(test_unknown_keys),
          cmocka_unit_test(test_tokens_refused), cmocka_unit_test(test_argon2id_refused_clearly),
          cmocka_unit_test(test_other_allow_list_entries), cmocka_unit_test(test_every_problem_reported),
          cmocka_unit_test(test_malicious_header_through_reader))
