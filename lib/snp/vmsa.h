// The initial VMSA (the vCPU register state page) that KVM measures for each
// vCPU of an SNP guest, as QEMU, EC2 and GCE set it up at reset
// (reference/snp.md section 4.5).
#pragma once

#include <stdint.h>

#include <array>

#include "lib/snp/vmm_type.h"

namespace bp {

using VmsaPage = std::array<uint8_t, 4096>;

// The bootstrap processor starts at the x86 reset vector; the APs at the EIP
// from OVMF's SEV-ES reset block.
constexpr uint32_t kBspResetEip = 0xFFFFFFF0;

// vcpu_signature (CPUID 1 EAX) lands in RDX for QEMU; EC2 and GCE put a fixed
// value there. sev_features is the VMSA's SEV_FEATURES (--guest-features).
VmsaPage build_vmsa(VmmType vmm, uint32_t eip, uint32_t vcpu_signature, uint64_t sev_features);

}  // namespace bp
