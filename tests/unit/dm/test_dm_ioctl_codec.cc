// Layout of device-mapper ioctl buffers (linux/dm-ioctl.h) and rejection of
// malformed kernel replies.
#include <string.h>
#include <sys/sysmacros.h>

#include <linux/dm-ioctl.h>

#include "lib/core/byte_order.h"
#include "lib/dm/dm_ioctl_codec.h"
#include "lib/dm/dm_node.h"
#include "tests/unit/test_support.h"

namespace {

std::string string_at(const bp::Bytes &buffer, size_t offset) {
  return std::string(reinterpret_cast<const char *>(buffer.data() + offset));
}

void test_encode_header(void **) {
  bp::DmRequest request;
  request.name = "root";
  request.uuid = "CRYPT-LUKS2-abc-root";
  request.flags = DM_READONLY_FLAG;
  request.dev = 0x1234;
  bp::Bytes buffer = ASSERT_OK(bp::encode_dm_request(request, 1000));
  assert_int_equal(buffer.size(), 1000);  // already 8-aligned
  assert_int_equal(bp::load_le32(&buffer[0]), 4);
  assert_int_equal(bp::load_le32(&buffer[4]), 0);
  assert_int_equal(bp::load_le32(&buffer[8]), 0);
  assert_int_equal(bp::load_le32(&buffer[12]), 1000);  // data_size
  assert_int_equal(bp::load_le32(&buffer[16]), 312);   // data_start
  assert_int_equal(bp::load_le32(&buffer[20]), 0);     // target_count
  assert_int_equal(bp::load_le32(&buffer[28]), DM_READONLY_FLAG);
  assert_int_equal(bp::load_le64(&buffer[40]), 0x1234);
  assert_string_equal(string_at(buffer, 48).c_str(), "root");
  assert_string_equal(string_at(buffer, 176).c_str(), "CRYPT-LUKS2-abc-root");
  // A tiny requested size still yields the whole header, rounded to 8.
  bp::Bytes small = ASSERT_OK(bp::encode_dm_request(bp::DmRequest{}, 0));
  assert_int_equal(small.size(), 312);
  bp::Bytes odd = ASSERT_OK(bp::encode_dm_request(bp::DmRequest{}, 1001));
  assert_int_equal(odd.size(), 1008);
}

void test_encode_targets(void **) {
  bp::DmRequest request;
  request.name = "x";
  request.targets.push_back(bp::DmTarget{0, 100, "linear", "/dev/loop0 0"});  // 12 chars + NUL
  request.targets.push_back(bp::DmTarget{100, 50, "zero", ""});
  bp::Bytes buffer = ASSERT_OK(bp::encode_dm_request(request, 0));
  // 312 + align8(40 + 13) = 312 + 56, then align8(40 + 1) = 48.
  assert_int_equal(buffer.size(), 312 + 56 + 48);
  assert_int_equal(bp::load_le32(&buffer[12]), buffer.size());
  assert_int_equal(bp::load_le32(&buffer[20]), 2);
  size_t first = 312;
  assert_int_equal(bp::load_le64(&buffer[first]), 0);
  assert_int_equal(bp::load_le64(&buffer[first + 8]), 100);
  assert_int_equal(bp::load_le32(&buffer[first + 20]), 56);  // next: relative to this spec
  assert_string_equal(string_at(buffer, first + 24).c_str(), "linear");
  assert_string_equal(string_at(buffer, first + 40).c_str(), "/dev/loop0 0");
  assert_int_equal(buffer[first + 40 + 12], 0);
  size_t second = first + 56;
  assert_int_equal(second % 8, 0);
  assert_int_equal(bp::load_le64(&buffer[second]), 100);
  assert_int_equal(bp::load_le64(&buffer[second + 8]), 50);
  assert_string_equal(string_at(buffer, second + 24).c_str(), "zero");
  assert_int_equal(buffer[second + 40], 0);
}

void test_encode_rejects(void **) {
  bp::DmRequest request;
  request.name = std::string(128, 'a');
  ASSERT_ERROR_CONTAINS(bp::encode_dm_request(request, 0), "at most 127");
  request.name = "a";
  request.uuid = std::string(129, 'u');
  ASSERT_ERROR_CONTAINS(bp::encode_dm_request(request, 0), "at most 128");
  request.uuid.clear();
  request.targets.push_back(bp::DmTarget{0, 1, "a-very-long-target-type", ""});
  ASSERT_ERROR_CONTAINS(bp::encode_dm_request(request, 0), "target type");
  request.targets[0] = bp::DmTarget{0, 1, "linear", std::string("a\0b", 3)};
  ASSERT_ERROR_CONTAINS(bp::encode_dm_request(request, 0), "NUL byte");
}

void test_check_name(void **) {
  ASSERT_OK(bp::check_dm_name("bp-root_crypt.0"));
  ASSERT_ERROR_CONTAINS(bp::check_dm_name(""), "empty");
  ASSERT_ERROR_CONTAINS(bp::check_dm_name("control"), "reserved");
  ASSERT_ERROR_CONTAINS(bp::check_dm_name(".."), "reserved");
  ASSERT_ERROR_CONTAINS(bp::check_dm_name("a/b"), "character");
  ASSERT_ERROR_CONTAINS(bp::check_dm_name("a b"), "character");
  ASSERT_ERROR_CONTAINS(bp::check_dm_name("a\nb"), "character");
  ASSERT_ERROR_CONTAINS(bp::check_dm_name(std::string(128, 'n')), "longer than 127");
}

// A reply buffer as the kernel leaves it: header plus data_size bytes.
bp::Bytes reply_buffer(const bp::Bytes &data, uint32_t target_count, uint32_t flags, size_t capacity) {
  bp::Bytes buffer = bp::encode_dm_request(bp::DmRequest{}, capacity).release_value();
  bp::store_le32(&buffer[12], static_cast<uint32_t>(312 + data.size()));
  bp::store_le32(&buffer[20], target_count);
  bp::store_le32(&buffer[28], flags);
  if (!data.empty()) memcpy(&buffer[312], data.data(), data.size());
  return buffer;
}

// Status data: "next" counts from the first spec.
void append_status_spec(bp::Bytes &data, uint64_t start, uint64_t length, const char *type,
                        const char *params, bool last) {
  size_t at = data.size();
  size_t record = (40 + strlen(params) + 1 + 7) & ~size_t{7};
  data.resize(at + record, 0);
  bp::store_le64(&data[at], start);
  bp::store_le64(&data[at + 8], length);
  bp::store_le32(&data[at + 20], last ? 0 : static_cast<uint32_t>(at + record));
  memcpy(&data[at + 24], type, strlen(type));
  memcpy(&data[at + 40], params, strlen(params));
}

void test_decode_table_status(void **) {
  bp::Bytes data;
  append_status_spec(data, 0, 2048, "crypt", "aes-xts-plain64 :64:logon:bp:x 0 7:0 32768 1 sector_size:4096",
                     false);
  append_status_spec(data, 2048, 8, "error", "", true);
  bp::Bytes buffer = reply_buffer(data, 2, DM_ACTIVE_PRESENT_FLAG, 4096);
  bp::DmReply reply = ASSERT_OK(bp::decode_dm_reply(buffer));
  assert_int_equal(reply.version[0], 4);
  assert_int_equal(reply.target_count, 2);
  assert_int_equal(reply.data.size(), data.size());
  std::vector<bp::DmTarget> targets = ASSERT_OK(bp::decode_dm_targets(reply.data, reply.target_count));
  assert_int_equal(targets.size(), 2);
  assert_int_equal(targets[0].length_sectors, 2048);
  assert_string_equal(targets[0].type.c_str(), "crypt");
  assert_string_equal(targets[0].params.c_str(),
                      "aes-xts-plain64 :64:logon:bp:x 0 7:0 32768 1 sector_size:4096");
  assert_int_equal(targets[1].start_sector, 2048);
  assert_string_equal(targets[1].type.c_str(), "error");
  assert_string_equal(targets[1].params.c_str(), "");
}

void test_decode_rejects_bad_replies(void **) {
  ASSERT_ERROR_CONTAINS(bp::decode_dm_reply(bp::Bytes(311, 0)), "shorter than struct dm_ioctl");
  bp::Bytes buffer = reply_buffer(bp::Bytes(), 0, 0, 512);
  bp::store_le32(&buffer[12], 513);
  ASSERT_ERROR_CONTAINS(bp::decode_dm_reply(buffer), "data_size 513 exceeds");
  buffer = reply_buffer(bp::Bytes(), 0, 0, 512);
  bp::store_le32(&buffer[16], 100);
  ASSERT_ERROR_CONTAINS(bp::decode_dm_reply(buffer), "data_start 100");
  buffer = reply_buffer(bp::Bytes(), 0, 0, 512);
  bp::store_le32(&buffer[16], 600);  // beyond the buffer
  ASSERT_ERROR_CONTAINS(bp::decode_dm_reply(buffer), "data_start 600");
  buffer = reply_buffer(bp::Bytes(), 0, 0, 512);
  bp::store_le32(&buffer[12], 200);
  ASSERT_ERROR_CONTAINS(bp::decode_dm_reply(buffer), "data_size 200 is smaller than the header");
  // What the kernel returns for DM_DEV_CREATE: data_size 305 (offsetof data),
  // data_start as sent: a reply without data.
  buffer = reply_buffer(bp::Bytes(), 0, 0, 16384);
  bp::store_le32(&buffer[12], 305);
  bp::store_le64(&buffer[40], 0xfd00);
  bp::DmReply created = ASSERT_OK(bp::decode_dm_reply(buffer));
  assert_int_equal(created.data.size(), 0);
  assert_int_equal(created.dev, 0xfd00);
  buffer = reply_buffer(bp::Bytes(), 0, 0, 512);
  memset(&buffer[48], 'n', 128);
  ASSERT_ERROR_CONTAINS(bp::decode_dm_reply(buffer), "name is not NUL-terminated");
  buffer = reply_buffer(bp::Bytes(), 0, 0, 512);
  memset(&buffer[176], 'u', 129);
  ASSERT_ERROR_CONTAINS(bp::decode_dm_reply(buffer), "uuid is not NUL-terminated");
}

void test_decode_rejects_bad_targets(void **) {
  bp::Bytes data;
  append_status_spec(data, 0, 8, "linear", "7:0 0", false);
  append_status_spec(data, 8, 8, "linear", "7:0 8", true);
  // More targets claimed than present.
  ASSERT_ERROR_CONTAINS(bp::decode_dm_targets(data, 3), "next offset 0");
  // A spec cut off in the middle.
  ASSERT_ERROR_CONTAINS(bp::decode_dm_targets(bp::ByteView(data.data(), 30), 1), "does not fit");
  // Parameters without a terminator.
  bp::Bytes unterminated = data;
  memset(&unterminated[40], 'x', unterminated.size() - 40);
  ASSERT_ERROR_CONTAINS(bp::decode_dm_targets(unterminated, 1), "not NUL-terminated");
  // next pointing backwards (a loop) or into the first record.
  bp::Bytes looping = data;
  bp::store_le32(&looping[20], 0);
  ASSERT_ERROR_CONTAINS(bp::decode_dm_targets(looping, 2), "next offset 0");
  bp::Bytes unaligned = data;
  bp::store_le32(&unaligned[20], 49);
  ASSERT_ERROR_CONTAINS(bp::decode_dm_targets(unaligned, 2), "8-aligned");
  bp::Bytes beyond = data;
  bp::store_le32(&beyond[20], 4096);
  ASSERT_ERROR_CONTAINS(bp::decode_dm_targets(beyond, 2), "does not fit");
  // Target type filling its field without NUL.
  bp::Bytes type = data;
  memset(&type[24], 't', 16);
  ASSERT_ERROR_CONTAINS(bp::decode_dm_targets(type, 1), "target type is not NUL-terminated");
  // Every prefix that cuts the second target before its terminator is
  // rejected (ASan proves nothing is read past it).
  size_t second_params_end = 48 + 40 + strlen("7:0 8") + 1;
  for (size_t n = 0; n < second_params_end; ++n) {
    auto result = bp::decode_dm_targets(bp::ByteView(data.data(), n), 2);
    assert_false(result.ok());
  }
}

void append_name_entry(bp::Bytes &data, uint64_t dev, const char *name, bool last) {
  size_t at = data.size();
  size_t name_end = at + 12 + strlen(name) + 1;
  size_t record = ((name_end - at + 7) & ~size_t{7}) + 8;  // + event_nr, flags
  data.resize(at + record, 0);
  bp::store_le64(&data[at], dev);
  bp::store_le32(&data[at + 8], last ? 0 : static_cast<uint32_t>(record));
  memcpy(&data[at + 12], name, strlen(name));
}

void test_decode_device_list(void **) {
  std::vector<bp::DmListedDevice> none = ASSERT_OK(bp::decode_dm_device_list(bp::Bytes()));
  assert_int_equal(none.size(), 0);
  none = ASSERT_OK(bp::decode_dm_device_list(bp::Bytes(16, 0)));
  assert_int_equal(none.size(), 0);
  bp::Bytes data;
  append_name_entry(data, 0xfd00, "root", false);
  append_name_entry(data, 0xfd01, "a-much-longer-device-name", true);
  std::vector<bp::DmListedDevice> devices = ASSERT_OK(bp::decode_dm_device_list(data));
  assert_int_equal(devices.size(), 2);
  assert_string_equal(devices[0].name.c_str(), "root");
  assert_int_equal(devices[0].dev, 0xfd00);
  assert_string_equal(devices[1].name.c_str(), "a-much-longer-device-name");
  assert_int_equal(devices[1].dev, 0xfd01);

  bp::Bytes backwards = data;
  bp::store_le32(&backwards[8], 8);
  ASSERT_ERROR_CONTAINS(bp::decode_dm_device_list(backwards), "next 8");
  bp::Bytes beyond = data;
  bp::store_le32(&beyond[8], 4000);
  ASSERT_ERROR_CONTAINS(bp::decode_dm_device_list(beyond), "does not fit");
  // Every prefix that cuts a record before the end of its name is rejected
  // (the trailing event_nr/flags are not read).
  size_t second_name_end = 32 + 12 + strlen("a-much-longer-device-name") + 1;
  for (size_t n = 1; n < second_name_end; ++n) {
    auto result = bp::decode_dm_device_list(bp::ByteView(data.data(), n));
    assert_false(result.ok());
  }
}

void test_device_numbers(void **) {
  const bp::DeviceNumber cases[] = {{253, 0}, {253, 300}, {7, 3}, {4095, 1048575}, {4096, 256}, {259, 65536}};
  for (const bp::DeviceNumber &n : cases) {
    uint64_t encoded = bp::encode_kernel_dev(n);
    assert_int_equal(encoded, makedev(n.major, n.minor));
    bp::DeviceNumber back = bp::decode_kernel_dev(encoded);
    assert_int_equal(back.major, n.major);
    assert_int_equal(back.minor, n.minor);
  }
  assert_int_equal(bp::encode_kernel_dev({253, 300}), 0x10fd2c);
  assert_string_equal(bp::device_number_string({253, 7}).c_str(), "253:7");
}

}  // namespace

RUN_TESTS("dm_ioctl_codec", cmocka_unit_test(test_encode_header), cmocka_unit_test(test_encode_targets),
          cmocka_unit_test(test_encode_rejects), cmocka_unit_test(test_check_name),
          cmocka_unit_test(test_decode_table_status), cmocka_unit_test(test_decode_rejects_bad_replies),
          cmocka_unit_test(test_decode_rejects_bad_targets), cmocka_unit_test(test_decode_device_list),
          cmocka_unit_test(test_device_numbers))
