// The resources bp-init fetched from the broker at boot for the workload
// (config "use": "workload-secret"), handed to bp-agent in a file so the
// agent serves them without another round trip to the broker. Disk keys are
// never in it.
//
// bp-init writes the file (mode 0600, on the /run tmpfs, which the workload's
// mount namespace does not contain) before it starts the agent; the agent
// reads it at every start, so a restarted agent still has the resources.
//
// Format (all integers little-endian):
//   "BPAGRES1"                 8 bytes of magic
//   u32 count                  at most kMaxBootResources
//   count times:
//     u16 path length, path    "<repository>/<type>/<tag>" (resource_path.h)
//     u32 data length, data    the resource's plaintext, at most kMaxBootResourceSize
// and nothing after the last record. Paths are unique.
#pragma once

#include <string>
#include <vector>

#include "lib/agent/resource_path.h"
#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/core/secret_bytes.h"

namespace bp {

constexpr size_t kMaxBootResources = 256;
constexpr size_t kMaxBootResourceSize = 1024 * 1024;
constexpr size_t kMaxBootResourcesFile = 16 * 1024 * 1024;

struct BootResource {
  ResourcePath path;
  SecretBytes data;
};

// The file contents, in locked memory (they are secrets).
Result<SecretBytes> serialize_boot_resources(const std::vector<BootResource> &resources);
Result<std::vector<BootResource>> parse_boot_resources(ByteView contents);

// Reads a regular file straight into locked memory and parses it.
Result<std::vector<BootResource>> read_boot_resources(const std::string &path);
// The same from an open file (bp-init hands a sealed memfd over as a descriptor);
// `name` is for messages.
Result<std::vector<BootResource>> read_boot_resources_from(int fd, const std::string &name);
// Writes the file atomically with mode 0600.
Status write_boot_resources(const std::string &path, const std::vector<BootResource> &resources);

}  // namespace bp
