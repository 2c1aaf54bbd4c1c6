// POSIX resource limit names as OCI configs spell them ("RLIMIT_NOFILE").
#pragma once

#include <string_view>

#include "lib/core/result.h"

namespace bp {

Result<int> rlimit_resource(std::string_view name);
const char *rlimit_name(int resource);  // nullptr if unknown

}  // namespace bp
