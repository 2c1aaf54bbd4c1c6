// The OCI `linux.seccomp` object (runtime-spec v1.1 field names) -> a
// SeccompProfile. Strict: unknown fields, Docker's profile extensions (name,
// comment, includes, excludes, archMap) and what this guest does not support
// (profile.h) are errors that name the field's JSON path.
#pragma once

#include <string>

#include "lib/core/result.h"
#include "lib/json/json.h"
#include "lib/seccomp/profile.h"

namespace bp {

constexpr size_t kMaxSeccompProfileBytes = 1 << 20;

Result<SeccompProfile> parse_seccomp_profile(const Json &object);

// A file that holds just the object (the image's default profile).
Result<SeccompProfile> load_seccomp_profile(const std::string &path);

}  // namespace bp
