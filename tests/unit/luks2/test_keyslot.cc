// Opening keyslots of a volume cryptsetup made gives cryptsetup's volume key;
// sealing and opening round-trips.
#include "lib/luks2/header_reader.h"
#include "lib/luks2/keyslot.h"
#include "lib/luks2/metadata_parser.h"
#include "tests/unit/luks2/luks2_fixture.h"

namespace {

struct Opened {
  bp::TempDir dir;
  bp::UniqueFd fd;
  bp::Luks2Metadata metadata;
};

Opened open_fixture(const bp::Bytes &image) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  bp::UniqueFd fd = luks2_test::image_fd(dir, image);
  bp::Luks2HeaderRead read = ASSERT_OK(bp::read_luks2_headers(fd.get()));
  bp::Luks2Metadata m =
      ASSERT_OK(bp::parse_luks2_metadata(read.header.json, 16384, size_t{20} * 1024 * 1024));
  return Opened{std::move(dir), std::move(fd), std::move(m)};
}

void test_unlock_cryptsetup_volume(void **) {
  Opened v = open_fixture(luks2_test::fixture());
  bp::Bytes passphrase = ASSERT_OK(bp::read_file(luks2_test::kFixtureKeyFile, 1024));
  bp::SecretBytes vk = ASSERT_OK(bp::luks2_unlock(v.fd.get(), v.metadata, passphrase));
  ASSERT_BYTES_EQUAL(vk.view(), luks2_test::kFixtureVolumeKey);
  assert_true(ASSERT_OK(bp::luks2_digest_matches(v.metadata.digest, vk.view())));
  bp::Bytes digest = ASSERT_OK(bp::luks2_compute_digest(v.metadata.digest, vk.view()));
  assert_true(bp::ByteView(digest) == bp::ByteView(v.metadata.digest.digest));
}

void test_wrong_key_or_damaged_area(void **) {
  Opened v = open_fixture(luks2_test::fixture());
  ASSERT_ERROR_CONTAINS(bp::luks2_unlock(v.fd.get(), v.metadata, bp::ByteView::of_string("wrong key")),
                        "the key opens none of the 1 usable keyslots");
  bp::Bytes passphrase = ASSERT_OK(bp::read_file(luks2_test::kFixtureKeyFile, 1024));
  bp::Bytes image = luks2_test::fixture();
  image[32768 + 100000] ^= 1;  // one bit of AF material
  Opened damaged = open_fixture(image);
  ASSERT_ERROR_CONTAINS(bp::luks2_unlock(damaged.fd.get(), damaged.metadata, passphrase), "opens none");
  // A priority-0 ("ignore") keyslot is not tried.
  v.metadata.keyslots[0].priority = 0;
  ASSERT_ERROR_CONTAINS(bp::luks2_unlock(v.fd.get(), v.metadata, passphrase),
                        "none of the 0 usable keyslots");
}

void test_seal_and_open(void **) {
  bp::Random random = ASSERT_OK(bp::Random::create());
  bp::Luks2Keyslot slot;
  slot.key_size = 96;
  slot.area_key_size = 64;
  slot.iterations = 1000;
  slot.salt = ASSERT_OK(random.bytes(32));
  bp::SecretBytes vk = ASSERT_OK(random.secret(96));
  bp::Bytes area =
      ASSERT_OK(bp::luks2_seal_keyslot(slot, vk.view(), bp::ByteView::of_string("pass"), random));
  assert_int_equal(area.size(), 384000);
  bp::SecretBytes back = ASSERT_OK(bp::luks2_keyslot_candidate(slot, area, bp::ByteView::of_string("pass")));
  assert_true(back.view() == vk.view());
  bp::SecretBytes wrong = ASSERT_OK(bp::luks2_keyslot_candidate(slot, area, bp::ByteView::of_string("Pass")));
  assert_false(wrong.view() == vk.view());
  ASSERT_ERROR_CONTAINS(bp::luks2_keyslot_candidate(slot, bp::ByteView(area.data(), 1000), bp::ByteView()),
                        "need 384000");
  ASSERT_ERROR_CONTAINS(bp::luks2_seal_keyslot(slot, bp::ByteView(area.data(), 64), bp::ByteView(), random),
                        "holds a 96-byte key");
}

}  // namespace

RUN_TESTS("luks2_keyslot", cmocka_unit_test(test_unlock_cryptsetup_volume),
          cmocka_unit_test(test_wrong_key_or_damaged_area), cmocka_unit_test(test_seal_and_open))
