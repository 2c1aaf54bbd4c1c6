// Test helpers: the cryptsetup-made LUKS2 volume in tests/data/luks2 and ways
// to write modified copies of it to a file for read_luks2_headers.
#pragma once

#include <fcntl.h>

#include <string>

#include "lib/core/file_io.h"
#include "lib/core/temp_dir.h"
#include "lib/luks2/binary_header.h"
#include "tests/unit/test_support.h"

namespace luks2_test {

// luksFormat --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000
// --key-size 512 --sector-size 4096 --label bp-test: the first 290816 bytes
// (both header copies and keyslot 0's area).
constexpr const char *kFixture = "tests/data/luks2/cryptsetup-pbkdf2-xts512.img";
constexpr const char *kFixtureKeyFile = "tests/data/luks2/cryptsetup-pbkdf2-xts512.key";
constexpr const char *kFixtureUuid = "5d2e4c1a-8f3b-4e6d-9a7c-0b1d2e3f4a5b";
// cryptsetup luksDump --dump-volume-key
constexpr const char *kFixtureVolumeKey =
    "adcbc3c92cd3990b0b8eb52b619e6ab01d6b78afeb8e1dc9d502dcffac4331c4"
    "05d9d14faa7910f06256a4d4b21d0f89f2724e10a9a7503046c9031195cc0ff9";
constexpr size_t kHdrSize = 16384;

inline bp::Bytes fixture() { return ASSERT_OK(bp::read_file(kFixture, 1 << 20)); }

// Replaces the copy at offset with one built from header and json (fresh
// checksum).
inline void put_copy(bp::Bytes &image, uint64_t offset, const bp::Luks2BinaryHeader &header,
                     const std::string &json) {
  bp::Bytes copy = ASSERT_OK(bp::encode_luks2_header_copy(header, json));
  if (image.size() < offset + copy.size()) image.resize(offset + copy.size(), 0);
  std::copy(copy.begin(), copy.end(), image.begin() + static_cast<long>(offset));
}

inline bp::Luks2HeaderCopy parse_copy(const bp::Bytes &image, uint64_t offset) {
  return ASSERT_OK(bp::parse_luks2_header_copy(bp::ByteView(image).subview(offset, kHdrSize), offset));
}

// Rewrites both copies with new JSON metadata (as an attacker who can write
// the disk would: checksums are not secret).
inline void replace_json(bp::Bytes &image, const std::string &json) {
  bp::Luks2HeaderCopy primary = parse_copy(image, 0);
  bp::Luks2HeaderCopy secondary = parse_copy(image, kHdrSize);
  put_copy(image, 0, primary.header, json);
  put_copy(image, kHdrSize, secondary.header, json);
}

// Writes the image to a file in dir and opens it.
inline bp::UniqueFd image_fd(const bp::TempDir &dir, const bp::Bytes &image, const char *name = "image") {
  std::string path = dir.file(name);
  ASSERT_OK(bp::write_file_atomic(path, image));
  return ASSERT_OK(bp::open_file(path, O_RDONLY));
}

}  // namespace luks2_test
