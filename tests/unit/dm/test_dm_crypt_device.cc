// Integration test against the running kernel: a dm-crypt device over a loop
// device with a keyring logon key; what dm-crypt writes equals our software
// encryption. Needs root, device-mapper with dm-crypt and
// loop devices; skips with a message saying which is missing.
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/core/secret_bytes.h"
#include "lib/core/temp_dir.h"
#include "lib/dm/crypt_table.h"
#include "lib/dm/dm_control.h"
#include "lib/dm/dm_device.h"
#include "lib/keyring/logon_key.h"
#include "lib/luks2/data_cipher.h"
#include "tests/unit/dm/loop_device.h"
#include "tests/unit/test_support.h"

namespace {

constexpr size_t kDiskSize = size_t{8} * 1024 * 1024;
const char *kKeyHex =
    "2b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfe"
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

bool has_device(const bp::DmControl &control, const std::string &name) {
  std::vector<bp::DmListedDevice> devices = control.list_devices().release_value();
  for (const bp::DmListedDevice &d : devices) {
    if (d.name == name) return true;
  }
  return false;
}

struct Fixture {
  bp::TempDir dir;
  bp::DmControl control;
  dm_test::LoopDevice loop;
};

// Null (with a printed reason) when this machine cannot run the test.
std::unique_ptr<Fixture> set_up() {
  auto control = dm_test::dm_control_or_skip_reason();
  if (!control.ok()) return nullptr;
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create("bp-dm-test"));
  std::string file = dir.file("disk.img");
  ASSERT_OK(bp::write_file_atomic(file, bp::Bytes(kDiskSize, 0)));
  auto loop = dm_test::LoopDevice::attach(file);
  if (!loop.ok()) {
    (void)fprintf(stderr, "SKIP: no loop device (%s)\n", loop.error().message().c_str());
    return nullptr;
  }
  return std::unique_ptr<Fixture>(new Fixture{std::move(dir), control.release_value(), loop.release_value()});
}

void test_version(void **) {
  auto fixture = set_up();
  if (!fixture) SKIP_TEST();
  bp::DmVersion version = ASSERT_OK(fixture->control.version());
  assert_int_equal(version.major, 4);
}

void test_crypt_roundtrip_and_key_hygiene(void **) {
  auto fixture = set_up();
  if (!fixture) SKIP_TEST();
  std::string name = bp::format("bp-test-crypt-%d", getpid());
  bp::SecretBytes key = ASSERT_OK(bp::SecretBytes::copy_of(unhex(kKeyHex)));
  bp::LogonKey logon = ASSERT_OK(bp::LogonKey::add("bp-test:" + name, key));

  bp::CryptTableSpec crypt;
  crypt.length_sectors = kDiskSize / 512 - 2048;
  crypt.device = fixture->loop.path();
  crypt.offset_sectors = 2048;
  crypt.key_size = 64;
  crypt.key_description = logon.description();
  crypt.sector_size = 4096;
  bp::DmDeviceSpec spec;
  spec.name = name;
  spec.table.push_back(ASSERT_OK(bp::crypt_target(crypt)));
  spec.options.secure_data = true;
  spec.node_dir = fixture->dir.file("mapper");
  bp::DmDevice device = ASSERT_OK(bp::DmDevice::activate(fixture->control, spec));
  // dm-crypt holds its own copy: the keyring key can go right away.
  ASSERT_OK(logon.remove());

  bp::Bytes plain(size_t{64} * 1024);
  for (size_t i = 0; i < plain.size(); ++i) plain[i] = static_cast<uint8_t>(i * 7 + 3);
  {
    bp::UniqueFd fd = ASSERT_OK(bp::open_file(device.node_path(), O_RDWR));
    ASSERT_OK(bp::pwrite_all(fd.get(), plain, 4096));
    assert_int_equal(fsync(fd.get()), 0);
  }
  {
    // O_DIRECT: read through dm-crypt's decryption, not the page cache
    // (which needs a sector-aligned buffer).
    bp::UniqueFd fd = ASSERT_OK(bp::open_file(device.node_path(), O_RDONLY | O_DIRECT));
    void *aligned = nullptr;
    assert_int_equal(posix_memalign(&aligned, 4096, plain.size()), 0);
    std::unique_ptr<uint8_t, decltype(&free)> back(static_cast<uint8_t *>(aligned), &free);
    ASSERT_OK(bp::pread_exact(fd.get(), back.get(), plain.size(), 4096));
    assert_memory_equal(back.get(), plain.data(), plain.size());
  }
  {
    // The backing device holds ciphertext.
    bp::UniqueFd fd = ASSERT_OK(bp::open_file(fixture->loop.path(), O_RDONLY));
    bp::Bytes raw(plain.size());
    ASSERT_OK(bp::pread_exact(fd.get(), raw.data(), raw.size(), 2048 * 512 + 4096));
    assert_false(raw == plain);
    // ... exactly what our software encryption (the image pipeline's) makes.
    bp::Luks2Segment segment;
    segment.sector_size = 4096;
    bp::Luks2DataCipher cipher = ASSERT_OK(bp::Luks2DataCipher::create(segment, key.view()));
    bp::Bytes expected = plain;
    ASSERT_OK(cipher.encrypt(4096, expected.data(), expected.size()));
    assert_true(raw == expected);
  }

  std::vector<bp::DmTarget> table = ASSERT_OK(fixture->control.table(name));
  assert_int_equal(table.size(), 1);
  assert_string_equal(table[0].type.c_str(), "crypt");
  std::string line = bp::dm_target_line(table[0]);
  assert_true(line.find(":64:logon:bp-test:" + name) != std::string::npos);
  assert_true(line.find(std::string(kKeyHex).substr(0, 32)) == std::string::npos);
  assert_true(line.find(std::string(kKeyHex).substr(64, 32)) == std::string::npos);
  assert_true(line.find("sector_size:4096") != std::string::npos);
  assert_true(has_device(fixture->control, name));

  ASSERT_OK(device.remove());
  assert_false(has_device(fixture->control, name));
  struct stat st;
  assert_int_not_equal(stat((fixture->dir.file("mapper") + "/" + name).c_str(), &st), 0);
}

void test_half_built_device_is_removed(void **) {
  auto fixture = set_up();
  if (!fixture) SKIP_TEST();
  std::string name = bp::format("bp-test-broken-%d", getpid());
  bp::CryptTableSpec crypt;
  crypt.length_sectors = 8;
  crypt.device = fixture->loop.path();
  crypt.key_size = 64;
  crypt.key_description = "bp-test:no-such-key-" + name;  // not in any keyring: the load fails
  bp::DmDeviceSpec spec;
  spec.name = name;
  spec.table.push_back(ASSERT_OK(bp::crypt_target(crypt)));
  spec.node_dir = fixture->dir.file("mapper");
  ASSERT_ERROR_CONTAINS(bp::DmDevice::activate(fixture->control, spec), "DM_TABLE_LOAD");
  assert_false(has_device(fixture->control, name));
}

}  // namespace

RUN_TESTS("dm_crypt_device", cmocka_unit_test(test_version),
          cmocka_unit_test(test_crypt_roundtrip_and_key_hygiene),
          cmocka_unit_test(test_half_built_device_is_removed))
