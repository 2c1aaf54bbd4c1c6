#include "lib/snp/vmm_type.h"

#include <string>

#include "lib/core/strings.h"

namespace bp {

Result<VmmType> parse_vmm_type(std::string_view name) {
  std::string lower = to_lower(name);
  if (lower == "qemu") return VmmType::qemu;
  if (lower == "ec2") return VmmType::ec2;
  if (lower == "gce") return VmmType::gce;
  return Error("unknown VMM type '" + std::string(name) + "' (expected QEMU, ec2 or gce)");
}

const char *vmm_type_name(VmmType type) {
  switch (type) {
    case VmmType::qemu:
      return "QEMU";
    case VmmType::ec2:
      return "ec2";
    case VmmType::gce:
      return "gce";
  }
  return "?";
}

}  // namespace bp
