// Formatting: the volume reads back as valid and opens with its key; each
// crash point leaves a state the reader classifies as designed; software
// sector encryption matches an independent AES-XTS (Python cryptography).
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "lib/crypto/sha.h"
#include "lib/luks2/data_cipher.h"
#include "lib/luks2/format.h"
#include "lib/luks2/keyslot.h"
#include "lib/luks2/volume.h"
#include "tests/unit/luks2/luks2_fixture.h"

namespace {

constexpr uint64_t kDeviceSize = size_t{32} * 1024 * 1024;

bp::UniqueFd blank_device(const bp::TempDir &dir) {
  std::string path = dir.file("disk");
  bp::UniqueFd fd = ASSERT_OK(bp::open_file(path, O_RDWR | O_CREAT | O_TRUNC, 0600));
  assert_int_equal(ftruncate(fd.get(), kDeviceSize), 0);
  return fd;
}

const bp::ByteView kKey = bp::ByteView::of_string("a high-entropy key from the broker");

void test_format_and_open(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  bp::UniqueFd fd = blank_device(dir);
  bp::Random random = ASSERT_OK(bp::Random::create());
  bp::Luks2NewVolume volume =
      ASSERT_OK(bp::Luks2NewVolume::prepare({}, kDeviceSize, kKey, random, "bp-data"));
  assert_int_equal(volume.volume_key().size(), 64);
  assert_true(bp::luks2_valid_uuid(volume.uuid()));
  assert_int_equal(volume.uuid()[14], '4');
  ASSERT_OK(volume.write_keyslot_area(fd.get()));
  ASSERT_OK(volume.write_headers(fd.get()));

  bp::Luks2Volume read = ASSERT_OK(bp::read_luks2_volume(fd.get()));
  assert_true(read.headers.state == bp::Luks2HeaderState::valid);
  assert_int_equal(read.headers.header.header.seqid, 1);
  assert_string_equal(read.headers.header.header.label.c_str(), "bp-data");
  assert_string_equal(read.headers.header.header.uuid.c_str(), volume.uuid().c_str());
  assert_int_equal(read.metadata.segment.sector_size, 4096);
  assert_int_equal(read.metadata.keyslots[0].iterations, 1000);
  bp::SecretBytes vk = ASSERT_OK(bp::luks2_unlock(fd.get(), read.metadata, kKey));
  assert_true(vk.view() == volume.volume_key().view());
  ASSERT_ERROR_CONTAINS(bp::luks2_unlock(fd.get(), read.metadata, bp::ByteView::of_string("other")),
                        "opens none");
}

void test_integrity_format(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  bp::UniqueFd fd = blank_device(dir);
  bp::Random random = ASSERT_OK(bp::Random::create());
  bp::Luks2FormatOptions options;
  options.integrity = bp::Luks2Integrity::hmac_sha256;
  bp::Luks2NewVolume volume = ASSERT_OK(bp::Luks2NewVolume::prepare(options, kDeviceSize, kKey, random));
  ASSERT_OK(volume.write_keyslot_area(fd.get()));
  ASSERT_OK(volume.write_headers(fd.get()));
  bp::Luks2Volume read = ASSERT_OK(bp::read_luks2_volume(fd.get()));
  assert_true(read.metadata.segment.integrity == bp::Luks2Integrity::hmac_sha256);
  assert_int_equal(read.metadata.volume_key_size(), 96);
  bp::SecretBytes vk = ASSERT_OK(bp::luks2_unlock(fd.get(), read.metadata, kKey));
  assert_int_equal(vk.size(), 96);
  ASSERT_ERROR_CONTAINS(bp::Luks2DataCipher::create(read.metadata.segment, vk.view()), "integrity");
}

void test_crash_points(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  bp::UniqueFd fd = blank_device(dir);
  bp::Random random = ASSERT_OK(bp::Random::create());
  bp::Luks2NewVolume volume = ASSERT_OK(bp::Luks2NewVolume::prepare({}, kDeviceSize, kKey, random));
  // Power lost after the keyslot area: still blank.
  ASSERT_OK(volume.write_keyslot_area(fd.get()));
  bp::Luks2VolumeCheck check = bp::check_luks2_volume(fd.get());
  assert_true(check.blank);
  // After both copies, lose the primary's binary header (the last write).
  ASSERT_OK(volume.write_headers(fd.get()));
  bp::Bytes zero(4096, 0);
  ASSERT_OK(bp::pwrite_all(fd.get(), zero, 0));
  bp::Luks2Volume partial = ASSERT_OK(bp::read_luks2_volume(fd.get()));
  assert_true(partial.headers.state == bp::Luks2HeaderState::secondary_only);
  // The key opens the secondary, so the primary is completed from it.
  ASSERT_OK(bp::luks2_unlock(fd.get(), partial.metadata, kKey));
  ASSERT_OK(bp::complete_luks2_primary(fd.get(), partial.headers.header, random));
  bp::Luks2Volume done = ASSERT_OK(bp::read_luks2_volume(fd.get()));
  assert_true(done.headers.state == bp::Luks2HeaderState::valid);
  assert_false(done.headers.secondary_stale);
  bp::SecretBytes vk = ASSERT_OK(bp::luks2_unlock(fd.get(), done.metadata, kKey));
  assert_true(vk.view() == volume.volume_key().view());
  ASSERT_ERROR_CONTAINS(bp::complete_luks2_primary(fd.get(), done.headers.header, random),
                        "needs the secondary");
}

void test_device_too_small(void **) {
  bp::Random random = ASSERT_OK(bp::Random::create());
  ASSERT_ERROR_CONTAINS(bp::Luks2NewVolume::prepare({}, size_t{16} * 1024 * 1024, kKey, random), "too small");
  ASSERT_ERROR_CONTAINS(bp::Luks2NewVolume::prepare({}, kDeviceSize, bp::ByteView(), random), "key is empty");
}

void test_data_cipher_matches_independent_xts(void **) {
  bp::Bytes key(64);
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i);
  bp::Bytes plain(8192);
  for (size_t i = 0; i < plain.size(); ++i) plain[i] = static_cast<uint8_t>(i * 7 + 3);

  bp::Luks2Segment segment;
  segment.sector_size = 4096;
  bp::Luks2DataCipher cipher = ASSERT_OK(bp::Luks2DataCipher::create(segment, key));
  bp::Bytes data = plain;
  ASSERT_OK(cipher.encrypt(8192, data.data(), data.size()));
  // Python cryptography, AES-XTS with tweak LE64(offset / 512): 16, then 24.
  ASSERT_BYTES_EQUAL(bp::ByteView(data.data(), 32),
                     "1144a3dd8f6068ad90adb765b6bd25b7072ac842759fcf58e2bbeba0c7cfa8a8");
  ASSERT_BYTES_EQUAL(bp::view(bp::sha256(data)),
                     "34cd0beca5617de8fb5d3fab0c56039921dd1cab1ab59f97add24c09ca95d5f7");
  ASSERT_OK(cipher.decrypt(8192, data.data(), data.size()));
  assert_true(data == plain);

  segment.sector_size = 512;
  bp::Luks2DataCipher small = ASSERT_OK(bp::Luks2DataCipher::create(segment, key));
  data = plain;
  ASSERT_OK(small.encrypt(size_t{512} * 5, data.data(), data.size()));
  ASSERT_BYTES_EQUAL(bp::view(bp::sha256(data)),
                     "57218a49688ff05a5a5970be3ba1ffcd1a5593c2ffdefcfcbff8981303f1dffe");

  ASSERT_ERROR_CONTAINS(cipher.encrypt(512, data.data(), 4096), "whole 4096-byte sectors");
  ASSERT_ERROR_CONTAINS(cipher.encrypt(0, data.data(), 100), "whole 4096-byte sectors");
}

}  // namespace

RUN_TESTS("luks2_format", cmocka_unit_test(test_format_and_open), cmocka_unit_test(test_integrity_format),
          cmocka_unit_test(test_crash_points), cmocka_unit_test(test_device_too_small),
          cmocka_unit_test(test_data_cipher_matches_independent_xts))
