#include "lib/dm/dm_ioctl_codec.h"

#include <stddef.h>
#include <string.h>

#include <linux/dm-ioctl.h>

#include "lib/core/format.h"

namespace bp {

// The layout this file writes by hand must be the kernel's (all fields native
// endian; x86_64 is little endian, as is every platform we build for).
static_assert(sizeof(struct dm_ioctl) == kDmIoctlHeaderSize, "struct dm_ioctl size");
static_assert(offsetof(struct dm_ioctl, data_size) == 12, "dm_ioctl.data_size");
static_assert(offsetof(struct dm_ioctl, data_start) == 16, "dm_ioctl.data_start");
static_assert(offsetof(struct dm_ioctl, target_count) == 20, "dm_ioctl.target_count");
static_assert(offsetof(struct dm_ioctl, open_count) == 24, "dm_ioctl.open_count");
static_assert(offsetof(struct dm_ioctl, flags) == 28, "dm_ioctl.flags");
static_assert(offsetof(struct dm_ioctl, event_nr) == 32, "dm_ioctl.event_nr");
static_assert(offsetof(struct dm_ioctl, dev) == 40, "dm_ioctl.dev");
static_assert(offsetof(struct dm_ioctl, name) == 48, "dm_ioctl.name");
static_assert(offsetof(struct dm_ioctl, uuid) == 176, "dm_ioctl.uuid");
static_assert(offsetof(struct dm_ioctl, data) == 305, "dm_ioctl.data");
static_assert(sizeof(struct dm_target_spec) == 40, "struct dm_target_spec size");
static_assert(offsetof(struct dm_target_spec, status) == 16, "dm_target_spec.status");
static_assert(offsetof(struct dm_target_spec, next) == 20, "dm_target_spec.next");
static_assert(offsetof(struct dm_target_spec, target_type) == 24, "dm_target_spec.target_type");
static_assert(offsetof(struct dm_name_list, next) == 8, "dm_name_list.next");
static_assert(offsetof(struct dm_name_list, name) == 12, "dm_name_list.name");
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "dm ioctl fields are native endian");

namespace {

constexpr size_t kSpecSize = sizeof(struct dm_target_spec);

size_t align8(size_t n) { return (n + 7) & ~size_t{7}; }

template <typename T>
void put(Bytes &buffer, size_t offset, T value) {
  memcpy(buffer.data() + offset, &value, sizeof value);
}

template <typename T>
T get(ByteView buffer, size_t offset) {
  T value;
  memcpy(&value, buffer.data() + offset, sizeof value);
  return value;
}

// A NUL-terminated string inside a fixed field; no terminator is an error.
Result<std::string> fixed_string(ByteView buffer, size_t offset, size_t size, const char *field) {
  const void *nul = memchr(buffer.data() + offset, 0, size);
  if (!nul) return Error(format("device-mapper reply: %s is not NUL-terminated", field));
  size_t length = static_cast<size_t>(static_cast<const uint8_t *>(nul) - (buffer.data() + offset));
  return std::string(reinterpret_cast<const char *>(buffer.data() + offset), length);
}

}  // namespace

Status check_dm_name(const std::string &name) {
  if (name.empty()) return Error("device-mapper name is empty");
  if (name.size() >= DM_NAME_LEN) {
    return Error(format("device-mapper name '%s' is longer than %d bytes", name.c_str(), DM_NAME_LEN - 1));
  }
  if (name == "control" || name == "." || name == "..") {
    return Error(format("device-mapper name '%s' is reserved", name.c_str()));
  }
  for (char c : name) {
    if (c <= ' ' || c > '~' || c == '/') {
      return Error(
          format("device-mapper name '%s' contains a character other than printable ASCII "
                 "without '/' and space",
                 name.c_str()));
    }
  }
  return {};
}

Result<Bytes> encode_dm_request(const DmRequest &request, size_t buffer_size) {
  if (request.name.size() >= DM_NAME_LEN) {
    return Error(
        format("device-mapper name is %zu bytes, at most %d allowed", request.name.size(), DM_NAME_LEN - 1));
  }
  if (request.uuid.size() >= DM_UUID_LEN) {
    return Error(
        format("device-mapper uuid is %zu bytes, at most %d allowed", request.uuid.size(), DM_UUID_LEN - 1));
  }
  size_t needed = kDmIoctlHeaderSize;
  for (const DmTarget &target : request.targets) {
    if (target.type.empty() || target.type.size() >= DM_MAX_TYPE_NAME) {
      return Error(format("device-mapper target type '%s' must be 1 to %d bytes", target.type.c_str(),
                          DM_MAX_TYPE_NAME - 1));
    }
    if (target.params.find('\0') != std::string::npos) {
      return Error("device-mapper target parameters contain a NUL byte");
    }
    needed += align8(kSpecSize + target.params.size() + 1);
  }
  size_t total = align8(needed > buffer_size ? needed : buffer_size);
  if (total > UINT32_MAX) return Error("device-mapper request larger than 4 GiB");

  Bytes buffer(total, 0);
  put<uint32_t>(buffer, offsetof(struct dm_ioctl, version), kDmVersionMajor);
  put<uint32_t>(buffer, offsetof(struct dm_ioctl, version) + 4, kDmVersionMinor);
  put<uint32_t>(buffer, offsetof(struct dm_ioctl, version) + 8, 0);
  put<uint32_t>(buffer, offsetof(struct dm_ioctl, data_size), static_cast<uint32_t>(total));
  put<uint32_t>(buffer, offsetof(struct dm_ioctl, data_start), static_cast<uint32_t>(kDmIoctlHeaderSize));
  put<uint32_t>(buffer, offsetof(struct dm_ioctl, target_count),
                static_cast<uint32_t>(request.targets.size()));
  put<uint32_t>(buffer, offsetof(struct dm_ioctl, flags), request.flags);
  put<uint64_t>(buffer, offsetof(struct dm_ioctl, dev), request.dev);
  memcpy(buffer.data() + offsetof(struct dm_ioctl, name), request.name.data(), request.name.size());
  memcpy(buffer.data() + offsetof(struct dm_ioctl, uuid), request.uuid.data(), request.uuid.size());

  size_t offset = kDmIoctlHeaderSize;
  for (const DmTarget &target : request.targets) {
    size_t record = align8(kSpecSize + target.params.size() + 1);
    put<uint64_t>(buffer, offset + offsetof(struct dm_target_spec, sector_start), target.start_sector);
    put<uint64_t>(buffer, offset + offsetof(struct dm_target_spec, length), target.length_sectors);
    // The kernel reads "next" as the distance from this spec to the next one.
    put<uint32_t>(buffer, offset + offsetof(struct dm_target_spec, next), static_cast<uint32_t>(record));
    memcpy(buffer.data() + offset + offsetof(struct dm_target_spec, target_type), target.type.data(),
           target.type.size());
    memcpy(buffer.data() + offset + kSpecSize, target.params.data(), target.params.size());
    offset += record;
  }
  return buffer;
}

Result<DmReply> decode_dm_reply(ByteView buffer) {
  if (buffer.size() < kDmIoctlHeaderSize) {
    return Error(format("device-mapper reply of %zu bytes is shorter than struct dm_ioctl (%zu)",
                        buffer.size(), kDmIoctlHeaderSize));
  }
  DmReply reply;
  for (int i = 0; i < 3; ++i) {
    reply.version[i] = get<uint32_t>(buffer, offsetof(struct dm_ioctl, version) + 4 * static_cast<size_t>(i));
  }
  uint32_t data_size = get<uint32_t>(buffer, offsetof(struct dm_ioctl, data_size));
  uint32_t data_start = get<uint32_t>(buffer, offsetof(struct dm_ioctl, data_start));
  reply.target_count = get<uint32_t>(buffer, offsetof(struct dm_ioctl, target_count));
  reply.open_count = get<int32_t>(buffer, offsetof(struct dm_ioctl, open_count));
  reply.flags = get<uint32_t>(buffer, offsetof(struct dm_ioctl, flags));
  reply.event_nr = get<uint32_t>(buffer, offsetof(struct dm_ioctl, event_nr));
  reply.dev = get<uint64_t>(buffer, offsetof(struct dm_ioctl, dev));
  if (data_size > buffer.size()) {
    return Error(
        format("device-mapper reply: data_size %u exceeds the %zu-byte buffer", data_size, buffer.size()));
  }
  // Commands without output leave data_start as sent and set data_size to
  // offsetof(struct dm_ioctl, data) (305): no data.
  if (data_size < offsetof(struct dm_ioctl, data)) {
    return Error(format("device-mapper reply: data_size %u is smaller than the header", data_size));
  }
  if (data_start < kDmIoctlHeaderSize || data_start > buffer.size()) {
    return Error(format("device-mapper reply: data_start %u outside [%zu, %zu]", data_start,
                        kDmIoctlHeaderSize, buffer.size()));
  }
  reply.name = TRY(fixed_string(buffer, offsetof(struct dm_ioctl, name), DM_NAME_LEN, "name"));
  reply.uuid = TRY(fixed_string(buffer, offsetof(struct dm_ioctl, uuid), DM_UUID_LEN, "uuid"));
  if (data_size > data_start) reply.data = buffer.subview(data_start, data_size - data_start).to_bytes();
  return reply;
}

Result<std::vector<DmTarget>> decode_dm_targets(ByteView data, uint32_t target_count) {
  std::vector<DmTarget> targets;
  size_t offset = 0;
  for (uint32_t i = 0; i < target_count; ++i) {
    if (offset > data.size() || data.size() - offset < kSpecSize) {
      return Error(format("device-mapper table: target %u at offset %zu does not fit in %zu bytes", i, offset,
                          data.size()));
    }
    DmTarget target;
    target.start_sector = get<uint64_t>(data, offset + offsetof(struct dm_target_spec, sector_start));
    target.length_sectors = get<uint64_t>(data, offset + offsetof(struct dm_target_spec, length));
    uint32_t next = get<uint32_t>(data, offset + offsetof(struct dm_target_spec, next));
    target.type = TRY_CONTEXT(fixed_string(data, offset + offsetof(struct dm_target_spec, target_type),
                                           DM_MAX_TYPE_NAME, "target type"),
                              format("target %u", i));
    size_t params_at = offset + kSpecSize;
    const void *nul = memchr(data.data() + params_at, 0, data.size() - params_at);
    if (!nul) return Error(format("device-mapper table: parameters of target %u are not NUL-terminated", i));
    size_t params_end = static_cast<size_t>(static_cast<const uint8_t *>(nul) - data.data());
    target.params.assign(reinterpret_cast<const char *>(data.data() + params_at), params_end - params_at);
    targets.push_back(std::move(target));
    if (i + 1 < target_count) {
      // Status output counts "next" from the first spec; it must move forward
      // past this record, so a hostile or corrupt reply cannot loop.
      if (next <= params_end || next % 8 != 0) {
        return Error(
            format("device-mapper table: target %u has next offset %u, expected an 8-aligned "
                   "offset after %zu",
                   i, next, params_end));
      }
      offset = next;
    }
  }
  return targets;
}

Result<std::vector<DmListedDevice>> decode_dm_device_list(ByteView data) {
  std::vector<DmListedDevice> devices;
  // An empty list is no data at all, or a first record with dev 0.
  if (data.empty()) return devices;
  size_t offset = 0;
  for (;;) {
    size_t name_at = offset + offsetof(struct dm_name_list, name);
    if (offset > data.size() || data.size() - offset <= offsetof(struct dm_name_list, name)) {
      return Error(format("device-mapper device list: record at offset %zu does not fit in %zu bytes", offset,
                          data.size()));
    }
    uint64_t dev = get<uint64_t>(data, offset + offsetof(struct dm_name_list, dev));
    uint32_t next = get<uint32_t>(data, offset + offsetof(struct dm_name_list, next));
    if (dev == 0 && offset == 0) return devices;
    const void *nul = memchr(data.data() + name_at, 0, data.size() - name_at);
    if (!nul)
      return Error(format("device-mapper device list: name at offset %zu is not NUL-terminated", name_at));
    size_t name_end = static_cast<size_t>(static_cast<const uint8_t *>(nul) - data.data());
    devices.push_back(DmListedDevice{
        std::string(reinterpret_cast<const char *>(data.data() + name_at), name_end - name_at), dev});
    if (next == 0) return devices;
    if (offset + next <= name_end || next % 8 != 0) {
      return Error(
          format("device-mapper device list: record at offset %zu has next %u, expected an 8-aligned "
                 "distance past its name",
                 offset, next));
    }
    offset += next;
  }
}

}  // namespace bp
