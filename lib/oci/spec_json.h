// config.json -> RuntimeSpec. Strict: a field this guest does not know or
// does not support is an error naming its JSON path ("$.linux.resources:
// not supported: ..."), so a bundle never runs with part of its config
// silently ignored. What is supported is listed in spec.h.
#pragma once

#include <string>

#include "lib/core/result.h"
#include "lib/json/json.h"
#include "lib/oci/spec.h"

namespace bp {

constexpr size_t kMaxRuntimeSpecBytes = 4 << 20;

Result<RuntimeSpec> parse_runtime_spec(const Json &root);
Result<RuntimeSpec> load_runtime_spec(const std::string &config_path);

}  // namespace bp
