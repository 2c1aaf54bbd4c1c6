// Linux capability names as OCI configs spell them ("CAP_CHOWN"), up to the
// last capability of Linux 6.12 (CAP_CHECKPOINT_RESTORE).
#pragma once

#include <string_view>

#include "lib/core/result.h"

namespace bp {

constexpr int kLastCapability = 40;

Result<int> capability_number(std::string_view name);
const char *capability_name(int number);  // nullptr if out of range

}  // namespace bp
