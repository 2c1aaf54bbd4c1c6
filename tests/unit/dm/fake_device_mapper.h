// A fake device-mapper for unit tests on hosts without one: this header
// defines ioctl() for the test binary that includes it (once), answering the
// device-mapper commands (type 0xfd) from an in-memory device table the way
// the kernel does (linux/dm-ioctl.h layouts, from the kernel's own structs)
// and passing every other request to the real system call. The code under
// test runs unchanged: DmControl only sees a control fd that answers.
//
// Failure injection: fail_on(command, n) makes the Nth call of one
// command (counted from the fail_on() call) fail with fail_errno, as a kernel
// refusal would.
#pragma once

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include <linux/dm-ioctl.h>

#include "lib/dm/dm_node.h"
#include "lib/dm/dm_target.h"

namespace fake_dm {

struct Device {
  uint64_t dev = 0;
  std::vector<bp::DmTarget> live;
  std::vector<bp::DmTarget> inactive;
  bool has_inactive = false;
  uint32_t load_flags = 0;  // the flags DM_TABLE_LOAD carried (read-only, secure data)
};

struct Kernel {
  std::map<std::string, Device> devices;
  std::vector<std::string> calls;  // command names in order
  bool failing = false;
  unsigned fail_command = 0;     // DM_*_CMD number (DM_VERSION_CMD is 0)
  unsigned fail_occurrence = 1;  // which call of it fails (1 = the first)
  int fail_errno = EIO;
  unsigned fail_seen = 0;
  uint32_t next_minor = 0;

  void reset() { *this = Kernel(); }
  void fail_on(unsigned command, unsigned occurrence, int err = EIO) {
    failing = true;
    fail_command = command;
    fail_occurrence = occurrence;
    fail_errno = err;
    fail_seen = 0;
  }
};

inline Kernel &kernel() {
  static Kernel state;
  return state;
}

inline const char *command_name(unsigned nr) {
  switch (nr) {
    case DM_VERSION_CMD:
      return "DM_VERSION";
    case DM_DEV_CREATE_CMD:
      return "DM_DEV_CREATE";
    case DM_DEV_REMOVE_CMD:
      return "DM_DEV_REMOVE";
    case DM_DEV_SUSPEND_CMD:
      return "DM_DEV_SUSPEND";
    case DM_TABLE_LOAD_CMD:
      return "DM_TABLE_LOAD";
    case DM_TABLE_STATUS_CMD:
      return "DM_TABLE_STATUS";
    case DM_LIST_DEVICES_CMD:
      return "DM_LIST_DEVICES";
    default:
      return "unknown";
  }
}

// Handles one command on the caller's buffer; returns 0 or -errno.
inline int handle(unsigned nr, struct dm_ioctl *io) {
  Kernel &k = kernel();
  k.calls.push_back(command_name(nr));
  if (k.failing && nr == k.fail_command && ++k.fail_seen == k.fail_occurrence) return -k.fail_errno;
  if (io->version[0] != DM_VERSION_MAJOR || io->data_size < sizeof(struct dm_ioctl)) return -EINVAL;
  uint8_t *base = reinterpret_cast<uint8_t *>(io);
  const uint32_t size = io->data_size;
  io->version[1] = 48;
  io->version[2] = 0;
  std::string name(io->name, strnlen(io->name, sizeof io->name));
  auto it = k.devices.find(name);
  // Commands with output write it from data_start = sizeof(struct dm_ioctl).
  auto no_output = [&] {
    io->data_size = static_cast<uint32_t>(offsetof(struct dm_ioctl, data));
    return 0;
  };
  switch (nr) {
    case DM_VERSION_CMD:
      return no_output();
    case DM_DEV_CREATE_CMD: {
      if (it != k.devices.end()) return -EBUSY;
      Device device;
      device.dev = bp::encode_kernel_dev(bp::DeviceNumber{253, k.next_minor++});
      io->dev = device.dev;
      io->flags |= DM_SUSPEND_FLAG;
      k.devices[name] = device;
      return no_output();
    }
    case DM_DEV_REMOVE_CMD:
      if (it == k.devices.end()) return -ENXIO;
      k.devices.erase(it);
      return no_output();
    case DM_TABLE_LOAD_CMD: {
      if (it == k.devices.end()) return -ENXIO;
      std::vector<bp::DmTarget> table;
      size_t at = io->data_start;
      for (uint32_t i = 0; i < io->target_count; ++i) {
        if (at + sizeof(struct dm_target_spec) >= size) return -EINVAL;
        const auto *spec = reinterpret_cast<const struct dm_target_spec *>(base + at);
        const char *params = reinterpret_cast<const char *>(base + at + sizeof *spec);
        size_t room = size - at - sizeof *spec;
        if (strnlen(params, room) == room) return -EINVAL;
        table.push_back(bp::DmTarget{
            spec->sector_start, spec->length,
            std::string(spec->target_type, strnlen(spec->target_type, DM_MAX_TYPE_NAME)), params});
        if (spec->next == 0) return -EINVAL;
        at += spec->next;
      }
      it->second.inactive = table;
      it->second.has_inactive = true;
      it->second.load_flags = io->flags;
      io->flags |= DM_INACTIVE_PRESENT_FLAG;
      return no_output();
    }
    case DM_DEV_SUSPEND_CMD:
      if (it == k.devices.end()) return -ENXIO;
      if (io->flags & DM_SUSPEND_FLAG) return no_output();
      if (it->second.has_inactive) {
        it->second.live = it->second.inactive;
        it->second.inactive.clear();
        it->second.has_inactive = false;
      }
      io->flags &= ~(DM_SUSPEND_FLAG | DM_INACTIVE_PRESENT_FLAG);
      io->flags |= DM_ACTIVE_PRESENT_FLAG;
      return no_output();
    case DM_TABLE_STATUS_CMD: {
      if (it == k.devices.end()) return -ENXIO;
      if (!(io->flags & DM_STATUS_TABLE_FLAG)) return -ENOTSUP;  // status lines are not faked
      size_t out = sizeof(struct dm_ioctl);
      io->data_start = static_cast<uint32_t>(out);
      io->target_count = 0;
      for (const bp::DmTarget &target : it->second.live) {
        size_t record = (sizeof(struct dm_target_spec) + target.params.size() + 1 + 7) & ~size_t{7};
        if (out + record > size) {
          io->flags |= DM_BUFFER_FULL_FLAG;
          return no_output();
        }
        auto *spec = reinterpret_cast<struct dm_target_spec *>(base + out);
        memset(spec, 0, record);
        spec->sector_start = target.start_sector;
        spec->length = target.length_sectors;
        memcpy(spec->target_type, target.type.data(), target.type.size());
        memcpy(base + out + sizeof *spec, target.params.data(), target.params.size());
        out += record;
        spec->next = static_cast<uint32_t>(out - io->data_start);
        io->target_count++;
      }
      io->data_size = static_cast<uint32_t>(out);
      return 0;
    }
    case DM_LIST_DEVICES_CMD: {
      size_t out = sizeof(struct dm_ioctl);
      io->data_start = static_cast<uint32_t>(out);
      size_t previous = 0;
      if (k.devices.empty()) {
        if (out + sizeof(struct dm_name_list) > size) return -EINVAL;
        memset(base + out, 0, sizeof(struct dm_name_list));
        io->data_size = static_cast<uint32_t>(out + sizeof(struct dm_name_list));
        return 0;
      }
      for (const auto &[device_name, device] : k.devices) {
        size_t record = (offsetof(struct dm_name_list, name) + device_name.size() + 1 + 7) & ~size_t{7};
        if (out + record > size) {
          io->flags |= DM_BUFFER_FULL_FLAG;
          return no_output();
        }
        auto *entry = reinterpret_cast<struct dm_name_list *>(base + out);
        memset(entry, 0, record);
        entry->dev = device.dev;
        memcpy(entry->name, device_name.data(), device_name.size());
        if (previous)
          reinterpret_cast<struct dm_name_list *>(base + previous)->next =
              static_cast<uint32_t>(out - previous);
        previous = out;
        out += record;
      }
      io->data_size = static_cast<uint32_t>(out);
      return 0;
    }
    default:
      return -ENOTTY;
  }
}

}  // namespace fake_dm

extern "C" int ioctl(int fd, unsigned long request, ...) noexcept {
  va_list args;
  va_start(args, request);
  void *arg = va_arg(args, void *);
  va_end(args);
  if (_IOC_TYPE(request) == DM_IOCTL) {
    int rc = fake_dm::handle(_IOC_NR(request), static_cast<struct dm_ioctl *>(arg));
    if (rc < 0) {
      errno = -rc;
      return -1;
    }
    return 0;
  }
  return static_cast<int>(syscall(SYS_ioctl, fd, request, arg));
}
