// Robustness under ASan/UBSan: thousands of mutated LUKS2 metadata texts and
// device-mapper replies are parsed; every one either parses or fails with an
// error, none crashes or reads out of bounds. Deterministic (fixed seed).
#include <string.h>

#include "lib/dm/dm_ioctl_codec.h"
#include "lib/luks2/metadata_parser.h"
#include "tests/unit/luks2/luks2_fixture.h"

namespace {

struct Lcg {
  uint64_t state;
  uint32_t next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state >> 33);
  }
};

void test_mutated_metadata(void **) {
  bp::Bytes image = luks2_test::fixture();
  const std::string original = luks2_test::parse_copy(image, 0).json;
  const char kAlphabet[] = "{}[]\":,0123456789-abcdefxyz \\";
  Lcg rng{42};
  size_t accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string json = original;
    int edits = 1 + static_cast<int>(rng.next() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng.next() % json.size();
      switch (rng.next() % 3) {
        case 0:
          json[at] = kAlphabet[rng.next() % (sizeof kAlphabet - 1)];
          break;
        case 1:
          json.erase(at, 1 + rng.next() % 8);
          break;
        default:
          json.insert(at, 1, kAlphabet[rng.next() % (sizeof kAlphabet - 1)]);
      }
      if (json.empty()) json = "{";
    }
    bp::Luks2MetadataCheck check = bp::check_luks2_metadata(json, 16384, uint64_t{20} << 20);
    assert_true(check.metadata.has_value() == check.problems.empty());
    if (check.metadata) ++accepted;
  }
  // Some edits are harmless (a digit in a salt's padding-free base64 is
  // still valid base64, ...); most are refused.
  assert_true(accepted < 3000);
}

void test_random_dm_replies(void **) {
  Lcg rng{7};
  for (int i = 0; i < 3000; ++i) {
    bp::Bytes data(rng.next() % 300);
    for (uint8_t &b : data) b = static_cast<uint8_t>(rng.next() % 4 == 0 ? rng.next() : 0);
    // Make some records look plausible: small "next" offsets.
    if (data.size() >= 24) data[20] = static_cast<uint8_t>((rng.next() % 16) * 8);
    (void)bp::decode_dm_targets(data, rng.next() % 4);
    (void)bp::decode_dm_device_list(data);
    bp::Bytes reply = data;
    reply.resize(312 + data.size());
    (void)bp::decode_dm_reply(reply);
  }
}

}  // namespace

RUN_TESTS("luks2_hostile_inputs", cmocka_unit_test(test_mutated_metadata),
          cmocka_unit_test(test_random_dm_replies))
