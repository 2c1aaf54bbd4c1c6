// The VMMs whose initial vCPU state and page order sev-snp-measure models.
#pragma once

#include <string_view>

#include "lib/core/result.h"

namespace bp {

enum class VmmType { qemu, ec2, gce };

// "QEMU", "ec2", "gce" in any letter case.
Result<VmmType> parse_vmm_type(std::string_view name);
const char *vmm_type_name(VmmType type);

}  // namespace bp
