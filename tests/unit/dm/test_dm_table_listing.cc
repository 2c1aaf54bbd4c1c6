// `bp-disk dm table`: the kernel's replies to DM_LIST_DEVICES and
// DM_TABLE_STATUS (built here as byte buffers with the kernel's structs)
// decoded and printed in dmsetup's format, and the same through DmControl
// against the fake device-mapper.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "lib/core/file_io.h"
#include "lib/core/temp_dir.h"
#include "lib/dm/dm_device.h"
#include "lib/dm/dm_ioctl_codec.h"
#include "lib/dm/dm_table_listing.h"
#include "tests/unit/dm/fake_device_mapper.h"
#include "tests/unit/test_support.h"

namespace {

constexpr const char *kCryptParams =
    "aes-xts-plain64 :64:logon:buckypaper:bp-data 0 253:0 32768 1 sector_size:4096";

// A reply buffer as the kernel leaves it: header, then data from byte 312.
bp::Bytes reply(const bp::Bytes &data, uint32_t target_count) {
  bp::Bytes buffer(sizeof(struct dm_ioctl) + data.size() + 64, 0);
  auto *io = reinterpret_cast<struct dm_ioctl *>(buffer.data());
  io->version[0] = 4;
  io->version[1] = 48;
  io->data_start = sizeof(struct dm_ioctl);
  io->data_size = static_cast<uint32_t>(sizeof(struct dm_ioctl) + data.size());
  io->target_count = target_count;
  memcpy(buffer.data() + sizeof(struct dm_ioctl), data.data(), data.size());
  return buffer;
}

void add_spec(bp::Bytes &data, uint64_t start, uint64_t length, const char *type, const char *params) {
  size_t at = data.size();
  size_t record = (sizeof(struct dm_target_spec) + strlen(params) + 1 + 7) & ~size_t{7};
  data.resize(at + record, 0);
  auto *spec = reinterpret_cast<struct dm_target_spec *>(data.data() + at);
  spec->sector_start = start;
  spec->length = length;
  spec->next = static_cast<uint32_t>(at + record);  // from the first spec
  snprintf(spec->target_type, sizeof spec->target_type, "%s", type);
  memcpy(data.data() + at + sizeof *spec, params, strlen(params));
}

void add_name(bp::Bytes &data, uint64_t dev, const char *name, bool last) {
  size_t at = data.size();
  size_t record = (offsetof(struct dm_name_list, name) + strlen(name) + 1 + 7) & ~size_t{7};
  data.resize(at + record, 0);
  auto *entry = reinterpret_cast<struct dm_name_list *>(data.data() + at);
  entry->dev = dev;
  entry->next = last ? 0 : static_cast<uint32_t>(record);
  memcpy(data.data() + at + offsetof(struct dm_name_list, name), name, strlen(name));
}

void test_replies_to_dmsetup_text(void **) {
  bp::Bytes names;
  add_name(names, 0xfd01, "bp-root-crypt", false);
  add_name(names, 0xfd02, "bp-root", true);
  bp::DmReply list = ASSERT_OK(bp::decode_dm_reply(reply(names, 0)));
  std::vector<bp::DmListedDevice> devices = ASSERT_OK(bp::decode_dm_device_list(list.data));
  assert_int_equal(devices.size(), 2);

  bp::Bytes crypt;
  add_spec(crypt, 0, 32768, "crypt", kCryptParams);
  bp::Bytes verity;
  add_spec(verity, 0, 2048, "verity", "1 253:1 253:1 4096 4096 256 258 sha256 00ff 0011");
  add_spec(verity, 2048, 8, "error", "");
  bp::DmReply crypt_reply = ASSERT_OK(bp::decode_dm_reply(reply(crypt, 1)));
  bp::DmReply verity_reply = ASSERT_OK(bp::decode_dm_reply(reply(verity, 2)));
  std::vector<bp::DmTableListing> tables;
  tables.push_back({devices[0].name, ASSERT_OK(bp::decode_dm_targets(crypt_reply.data, 1))});
  tables.push_back({devices[1].name, ASSERT_OK(bp::decode_dm_targets(verity_reply.data, 2))});
  tables.push_back({"bp-empty", {}});
  assert_string_equal(
      bp::format_dm_table_listing(tables).c_str(),
      "bp-root-crypt: 0 32768 crypt aes-xts-plain64 :64:logon:buckypaper:bp-data 0 253:0 32768 1 "
      "sector_size:4096\n"
      "bp-root: 0 2048 verity 1 253:1 253:1 4096 4096 256 258 sha256 00ff 0011\n"
      "bp-root: 2048 8 error \n"
      "bp-empty: \n");
  assert_string_equal(bp::format_dm_table_listing({}).c_str(), "");
}

bp::DmDeviceSpec spec(const char *name, const char *type, const char *params) {
  bp::DmDeviceSpec s;
  s.name = name;
  s.node_dir = "";
  s.table.push_back(bp::DmTarget{0, 32768, type, params});
  return s;
}

void test_read_tables_through_control(void **) {
  fake_dm::kernel().reset();
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  ASSERT_OK(bp::write_file_atomic(dir.file("control"), bp::Bytes(), 0600));
  bp::DmControl control = ASSERT_OK(bp::DmControl::open(dir.file("control")));

  std::vector<bp::DmTableListing> none = ASSERT_OK(bp::read_dm_tables(control));
  assert_int_equal(none.size(), 0);

  bp::DmDevice data = ASSERT_OK(bp::DmDevice::activate(control, spec("bp-data", "crypt", kCryptParams)));
  bp::DmDevice linear = ASSERT_OK(bp::DmDevice::activate(control, spec("a-linear", "linear", "7:0 0")));
  // A device created without a table yet.
  ASSERT_OK(control.create("bp-half", ""));
  std::vector<bp::DmTableListing> all = ASSERT_OK(bp::read_dm_tables(control));
  assert_string_equal(bp::format_dm_table_listing(all).c_str(),
                      "a-linear: 0 32768 linear 7:0 0\n"
                      "bp-data: 0 32768 crypt aes-xts-plain64 :64:logon:buckypaper:bp-data 0 253:0 32768 1 "
                      "sector_size:4096\n"
                      "bp-half: \n");
  std::vector<bp::DmTableListing> one = ASSERT_OK(bp::read_dm_tables(control, "bp-data"));
  assert_int_equal(one.size(), 1);
  assert_string_equal(one[0].targets.at(0).type.c_str(), "crypt");

  ASSERT_ERROR_CONTAINS(bp::read_dm_tables(control, "missing"), "DM_TABLE_STATUS of 'missing'");
  ASSERT_ERROR_CONTAINS(bp::read_dm_tables(control, "a/b"), "contains a character");
  // Many devices: the list outgrows the first buffer and is asked again, larger.
  for (int i = 0; i < 400; ++i) {
    std::string name = "bp-many-device-with-a-long-name-" + std::to_string(i);
    ASSERT_OK(control.create(name, ""));
  }
  std::vector<bp::DmTableListing> many = ASSERT_OK(bp::read_dm_tables(control));
  assert_int_equal(many.size(), 403);
  fake_dm::kernel().fail_on(DM_TABLE_STATUS_CMD, 2, EPERM);
  ASSERT_ERROR_CONTAINS(bp::read_dm_tables(control), "Operation not permitted");
  fake_dm::kernel().reset();
}

}  // namespace

RUN_TESTS("dm/table_listing", cmocka_unit_test(test_replies_to_dmsetup_text),
          cmocka_unit_test(test_read_tables_through_control))
