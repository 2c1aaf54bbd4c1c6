// OCI mount entries -> MountSpec: the supported types, their destinations
// and options (flags become MS_* bits, filesystem options the data string).
// Anything else is an error naming the field under `path` ("mounts[3]").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/result.h"
#include "lib/oci/spec.h"

namespace bp {

// The one bind source a config may name: the VM's data volume.
constexpr char kDataVolumeSource[] = "/data";

Result<MountSpec> make_mount(const std::string &path, std::optional<std::string_view> type,
                             std::optional<std::string_view> source, std::string_view destination,
                             const std::vector<std::string> &options);

// A path inside the container: absolute, without ".", ".." or empty
// components, not "/" itself.
Status check_container_path(std::string_view path);

// The data bind mount is made before pivot_root, the others after it, so it
// must not lie under another mount's destination (that mount would hide it).
Status check_mount_order(const std::string &path, const std::vector<MountSpec> &mounts);  // path: "$.mounts"

}  // namespace bp
