// Exact dm-crypt and dm-verity table lines, and the values they refuse.
#include "lib/dm/crypt_table.h"
#include "lib/dm/verity_table.h"
#include "tests/unit/test_support.h"

namespace {

bp::CryptTableSpec data_disk() {
  bp::CryptTableSpec spec;
  spec.length_sectors = 2097152;
  spec.device = "/dev/vdb";
  spec.offset_sectors = 32768;
  spec.key_size = 64;
  spec.key_description = "buckypaper:data";
  spec.sector_size = 4096;
  return spec;
}

void test_crypt_4096(void **) {
  bp::DmTarget target = ASSERT_OK(bp::crypt_target(data_disk()));
  assert_int_equal(target.start_sector, 0);
  assert_int_equal(target.length_sectors, 2097152);
  assert_string_equal(target.type.c_str(), "crypt");
  assert_string_equal(target.params.c_str(),
                      "aes-xts-plain64 :64:logon:buckypaper:data 0 /dev/vdb 32768 1 sector_size:4096");
  assert_string_equal(bp::dm_target_line(target).c_str(),
                      "0 2097152 crypt aes-xts-plain64 :64:logon:buckypaper:data 0 /dev/vdb 32768 1 "
                      "sector_size:4096");
}

void test_crypt_512_no_options(void **) {
  bp::CryptTableSpec spec = data_disk();
  spec.sector_size = 512;
  spec.key_size = 32;
  spec.device = "7:3";
  spec.length_sectors = 1001;
  bp::DmTarget target = ASSERT_OK(bp::crypt_target(spec));
  assert_string_equal(target.params.c_str(), "aes-xts-plain64 :32:logon:buckypaper:data 0 7:3 32768");
}

void test_crypt_options_order(void **) {
  bp::CryptTableSpec spec = data_disk();
  spec.allow_discards = true;
  spec.no_read_workqueue = true;
  spec.no_write_workqueue = true;
  bp::DmTarget target = ASSERT_OK(bp::crypt_target(spec));
  assert_string_equal(target.params.c_str(),
                      "aes-xts-plain64 :64:logon:buckypaper:data 0 /dev/vdb 32768 4 allow_discards "
                      "no_read_workqueue no_write_workqueue sector_size:4096");
}

void test_crypt_integrity(void **) {
  bp::CryptTableSpec spec = data_disk();
  spec.key_size = 96;
  spec.integrity = bp::CryptIntegrity::hmac_sha256;
  spec.device = "253:0";
  spec.offset_sectors = 0;
  bp::DmTarget target = ASSERT_OK(bp::crypt_target(spec));
  assert_string_equal(target.params.c_str(),
                      "capi:authenc(hmac(sha256),xts(aes))-plain64 :96:logon:buckypaper:data 0 253:0 0 2 "
                      "sector_size:4096 integrity:32:aead");
  spec.key_size = 64;  // AES-128-XTS (32 bytes) plus the HMAC key
  target = ASSERT_OK(bp::crypt_target(spec));
  assert_true(target.params.find(":64:logon:") != std::string::npos);
  spec.key_size = 80;
  ASSERT_ERROR_CONTAINS(bp::crypt_target(spec), "plus a 32-byte HMAC key");
}

void test_crypt_rejects(void **) {
  bp::CryptTableSpec spec = data_disk();
  spec.key_size = 48;
  ASSERT_ERROR_CONTAINS(bp::crypt_target(spec), "32 or 64 bytes");
  spec = data_disk();
  spec.sector_size = 1024;
  ASSERT_ERROR_CONTAINS(bp::crypt_target(spec), "expected 512 or 4096");
  spec = data_disk();
  spec.length_sectors = 2097153;
  ASSERT_ERROR_CONTAINS(bp::crypt_target(spec), "positive multiple");
  spec = data_disk();
  spec.length_sectors = 0;
  ASSERT_ERROR_CONTAINS(bp::crypt_target(spec), "positive multiple");
  spec = data_disk();
  spec.offset_sectors = 32769;
  ASSERT_ERROR_CONTAINS(bp::crypt_target(spec), "data offset");
  spec = data_disk();
  spec.device = "/dev/vdb 0 extra";
  ASSERT_ERROR_CONTAINS(bp::crypt_target(spec), "not one token");
  spec = data_disk();
  spec.device = "";
  ASSERT_ERROR_CONTAINS(bp::crypt_target(spec), "empty");
  spec = data_disk();
  spec.key_description = "nocolon";
  ASSERT_ERROR_CONTAINS(bp::crypt_target(spec), "<service>:<name>");
  spec.key_description = ":x";
  ASSERT_ERROR_CONTAINS(bp::crypt_target(spec), "<service>:<name>");
  spec.key_description = "bp:";
  ASSERT_ERROR_CONTAINS(bp::crypt_target(spec), "<service>:<name>");
  spec.key_description = "bp:a b";
  ASSERT_ERROR_CONTAINS(bp::crypt_target(spec), "outside");
}

bp::VerityTableSpec root_verity() {
  bp::VerityTableSpec spec;
  spec.data_device = "/dev/sda1";
  spec.hash_device = "/dev/sda2";
  spec.data_blocks = 262144;
  spec.hash_start_block = 1;
  spec.root_digest = unhex("4392712ba01368efdf14b05c76f9e4df0d53664630b5d48632ed17a137f39076");
  spec.salt = unhex("1234000000000000000000000000000000000000000000000000000000000000");
  return spec;
}

void test_verity_kernel_doc_example(void **) {
  // The example of the kernel's verity.rst, with our mandatory option added.
  bp::DmTarget target = ASSERT_OK(bp::verity_target(root_verity()));
  assert_string_equal(
      bp::dm_target_line(target).c_str(),
      "0 2097152 verity 1 /dev/sda1 /dev/sda2 4096 4096 262144 1 sha256 "
      "4392712ba01368efdf14b05c76f9e4df0d53664630b5d48632ed17a137f39076 "
      "1234000000000000000000000000000000000000000000000000000000000000 1 restart_on_corruption");
}

void test_verity_panic_no_salt_shared_device(void **) {
  bp::VerityTableSpec spec = root_verity();
  spec.hash_device = spec.data_device;
  spec.hash_start_block = 262144;
  spec.salt.clear();
  spec.on_corruption = bp::VerityOnCorruption::panic;
  spec.data_block_size = 512;
  spec.hash_block_size = 1024;
  spec.data_blocks = 16;
  bp::DmTarget target = ASSERT_OK(bp::verity_target(spec));
  assert_int_equal(target.length_sectors, 16);
  assert_string_equal(
      target.params.c_str(),
      "1 /dev/sda1 /dev/sda1 512 1024 16 262144 sha256 "
      "4392712ba01368efdf14b05c76f9e4df0d53664630b5d48632ed17a137f39076 - 1 panic_on_corruption");
}

void test_verity_rejects(void **) {
  bp::VerityTableSpec spec = root_verity();
  spec.root_digest.pop_back();
  ASSERT_ERROR_CONTAINS(bp::verity_target(spec), "root digest is 31 bytes");
  spec = root_verity();
  spec.data_block_size = 8192;
  ASSERT_ERROR_CONTAINS(bp::verity_target(spec), "data block size 8192 is not a power of two");
  spec = root_verity();
  spec.hash_block_size = 3000;
  ASSERT_ERROR_CONTAINS(bp::verity_target(spec), "hash block size 3000 is not a power of two");
  spec = root_verity();
  spec.data_blocks = 0;
  ASSERT_ERROR_CONTAINS(bp::verity_target(spec), "no data blocks");
  spec = root_verity();
  spec.salt.assign(257, 1);
  ASSERT_ERROR_CONTAINS(bp::verity_target(spec), "salt of 257 bytes is longer than 256");
  spec = root_verity();
  spec.hash_device = "";
  ASSERT_ERROR_CONTAINS(bp::verity_target(spec), "hash device is empty");
}

}  // namespace

RUN_TESTS("dm_tables", cmocka_unit_test(test_crypt_4096), cmocka_unit_test(test_crypt_512_no_options),
          cmocka_unit_test(test_crypt_options_order), cmocka_unit_test(test_crypt_integrity),
          cmocka_unit_test(test_crypt_rejects), cmocka_unit_test(test_verity_kernel_doc_example),
          cmocka_unit_test(test_verity_panic_no_salt_shared_device), cmocka_unit_test(test_verity_rejects))
