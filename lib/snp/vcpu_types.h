// QEMU vCPU models and the CPUID signature (family/model/stepping) each puts
// in the VMSA's RDX, as sev-snp-measure's --vcpu-type knows them.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <string_view>

#include "lib/core/result.h"

namespace bp {

struct VcpuType {
  const char *name;
  uint32_t signature;
};

// CPUID Fn0000_0001_EAX from family, model and stepping (AMD pub. 25481).
constexpr uint32_t cpuid_signature(uint32_t family, uint32_t model, uint32_t stepping) {
  const uint32_t base_family = family > 0xf ? 0xf : family;
  const uint32_t extended_family = family > 0xf ? (family - 0xf) & 0xff : 0;
  return extended_family << 20 | ((model >> 4) & 0xf) << 16 | base_family << 8 | (model & 0xf) << 4 |
         (stepping & 0xf);
}

// Every known type, in the order `--help` lists them.
const VcpuType *vcpu_types_begin();
const VcpuType *vcpu_types_end();

// Exact, case-sensitive names as QEMU spells them ("EPYC-Milan-v2").
Result<uint32_t> vcpu_type_signature(std::string_view name);

}  // namespace bp
