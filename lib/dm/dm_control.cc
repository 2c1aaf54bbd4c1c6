#include "lib/dm/dm_control.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/dm-ioctl.h>

#include "lib/core/file_io.h"
#include "lib/core/format.h"

namespace bp {

namespace {

// Room for a handful of table lines; grown on DM_BUFFER_FULL_FLAG.
constexpr size_t kInitialBuffer = size_t{16} * 1024;
constexpr size_t kMaxBuffer = size_t{16} * 1024 * 1024;

}  // namespace

Result<DmControl> DmControl::open(const std::string &path) {
  UniqueFd fd = TRY_CONTEXT(open_file(path, O_RDWR), "device-mapper control");
  return DmControl(std::move(fd));
}

Result<DmControl> DmControl::duplicate() const {
  int fd = fcntl(fd_.get(), F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return Error::from_errno("device-mapper control: dup", errno);
  return DmControl(UniqueFd(fd));
}

Result<DmReply> DmControl::call(unsigned long command, const char *command_name,
                                const DmRequest &request) const {
  size_t size = kInitialBuffer;
  for (;;) {
    Bytes buffer = TRY(encode_dm_request(request, size));
    int rc;
    do {
      rc = ioctl(fd_.get(), command, buffer.data());
    } while (rc < 0 && errno == EINTR);
    int err = errno;
    // The request may carry target parameters: do not leave them in freed heap.
    auto wipe = [&buffer] { explicit_bzero(buffer.data(), buffer.size()); };
    if (rc < 0) {
      wipe();
      std::string what = request.name.empty()
                             ? format("device-mapper %s", command_name)
                             : format("device-mapper %s of '%s'", command_name, request.name.c_str());
      return Error::from_errno(what, err);
    }
    Result<DmReply> reply = decode_dm_reply(buffer);
    wipe();
    if (!reply.ok()) return reply.release_error().with_context(command_name);
    if (!(reply.value().flags & DM_BUFFER_FULL_FLAG)) return reply;
    if (buffer.size() >= kMaxBuffer) {
      return Error(format("device-mapper %s: reply does not fit in %zu bytes", command_name, kMaxBuffer));
    }
    size = buffer.size() * 2;
  }
}

Result<DmVersion> DmControl::version() const {
  DmReply reply = TRY(call(DM_VERSION, "DM_VERSION", DmRequest{}));
  if (reply.version[0] != kDmVersionMajor) {
    return Error(format("device-mapper interface version %u.%u.%u, expected major %u", reply.version[0],
                        reply.version[1], reply.version[2], kDmVersionMajor));
  }
  return DmVersion{reply.version[0], reply.version[1], reply.version[2]};
}

Result<uint64_t> DmControl::create(const std::string &name, const std::string &uuid) const {
  TRY(check_dm_name(name));
  DmRequest request;
  request.name = name;
  request.uuid = uuid;
  DmReply reply = TRY(call(DM_DEV_CREATE, "DM_DEV_CREATE", request));
  if (reply.dev == 0)
    return Error(format("device-mapper DM_DEV_CREATE of '%s' returned no device", name.c_str()));
  return reply.dev;
}

Status DmControl::load_table(const std::string &name, const std::vector<DmTarget> &table,
                             const DmTableOptions &options) const {
  if (table.empty()) return Error(format("device-mapper table for '%s' has no targets", name.c_str()));
  DmRequest request;
  request.name = name;
  request.targets = table;
  if (options.read_only) request.flags |= DM_READONLY_FLAG;
  if (options.secure_data) request.flags |= DM_SECURE_DATA_FLAG;
  TRY(call(DM_TABLE_LOAD, "DM_TABLE_LOAD", request));
  return {};
}

Status DmControl::resume(const std::string &name) const {
  DmRequest request;
  request.name = name;
  DmReply reply = TRY(call(DM_DEV_SUSPEND, "DM_DEV_SUSPEND (resume)", request));
  if (reply.flags & DM_SUSPEND_FLAG) {
    return Error(format("device-mapper resume of '%s': device is still suspended", name.c_str()));
  }
  return {};
}

Status DmControl::remove(const std::string &name, bool deferred) const {
  DmRequest request;
  request.name = name;
  if (deferred) request.flags |= DM_DEFERRED_REMOVE;
  TRY(call(DM_DEV_REMOVE, "DM_DEV_REMOVE", request));
  return {};
}

Result<std::vector<DmTarget>> DmControl::table_status(const std::string &name, uint32_t flags) const {
  DmRequest request;
  request.name = name;
  request.flags = flags;
  DmReply reply = TRY(call(DM_TABLE_STATUS, "DM_TABLE_STATUS", request));
  return TRY_CONTEXT(decode_dm_targets(reply.data, reply.target_count), name);
}

Result<std::vector<DmTarget>> DmControl::table(const std::string &name) const {
  return table_status(name, DM_STATUS_TABLE_FLAG);
}

Result<std::vector<DmTarget>> DmControl::status(const std::string &name) const {
  return table_status(name, 0);
}

Result<std::vector<DmListedDevice>> DmControl::list_devices() const {
  DmReply reply = TRY(call(DM_LIST_DEVICES, "DM_LIST_DEVICES", DmRequest{}));
  return decode_dm_device_list(reply.data);
}

}  // namespace bp
