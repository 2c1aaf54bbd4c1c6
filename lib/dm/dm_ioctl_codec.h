// Encoding of device-mapper ioctl buffers (linux/dm-ioctl.h) and bounds-checked
// decoding of what the kernel writes back. Pure functions over bytes, so the
// layout is unit-tested without a kernel; DmControl does the ioctls.
//
// A buffer is a struct dm_ioctl (312 bytes) followed, from data_start, by
// command-specific data: dm_target_spec records for DM_TABLE_LOAD (each
// "next" relative to that spec) and DM_TABLE_STATUS (each "next" relative to
// the first spec), or dm_name_list records for DM_LIST_DEVICES.
#pragma once

#include <stdint.h>

#include <string>
#include <vector>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/dm/dm_target.h"

namespace bp {

// Interface version we send: the kernel accepts any minor not newer than its
// own and writes its version back.
constexpr uint32_t kDmVersionMajor = 4;
constexpr uint32_t kDmVersionMinor = 0;
constexpr size_t kDmIoctlHeaderSize = 312;

struct DmRequest {
  std::string name;  // may be empty (DM_VERSION, DM_LIST_DEVICES)
  std::string uuid;
  uint32_t flags = 0;
  uint64_t dev = 0;
  std::vector<DmTarget> targets;  // DM_TABLE_LOAD only
};

struct DmReply {
  uint32_t version[3] = {0, 0, 0};
  uint32_t flags = 0;
  uint64_t dev = 0;
  int32_t open_count = 0;
  uint32_t target_count = 0;
  uint32_t event_nr = 0;
  std::string name;
  std::string uuid;
  Bytes data;  // [data_start, data_size) of the returned buffer
};

struct DmListedDevice {
  std::string name;
  uint64_t dev = 0;
};

// Checks a device name as the kernel would (non-empty, shorter than 128
// bytes, no '/', not "control", "." or "..") plus printable ASCII only, so a
// name is always safe in paths and logs.
Status check_dm_name(const std::string &name);

// Builds the request buffer; its size is what the request needs or
// buffer_size, whichever is larger, rounded up to 8 (the rest is room for the
// kernel's answer).
Result<Bytes> encode_dm_request(const DmRequest &request, size_t buffer_size);

// Parses the header the kernel wrote back into a buffer of this size.
Result<DmReply> decode_dm_reply(ByteView buffer);

// DM_TABLE_STATUS data: target_count specs, "next" relative to the data start.
Result<std::vector<DmTarget>> decode_dm_targets(ByteView data, uint32_t target_count);

// DM_LIST_DEVICES data: dm_name_list records, "next" relative to the record.
Result<std::vector<DmListedDevice>> decode_dm_device_list(ByteView data);

}  // namespace bp
