// The expected SNP launch measurement of a QEMU (or EC2, GCE) guest booted
// from OVMF, optionally with kernel-hashes: the same result as virtee's
// sev-snp-measure --mode snp (reference/snp.md section 4.2).
#pragma once

#include <stdint.h>

#include <optional>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/crypto/sha.h"
#include "lib/snp/ovmf.h"
#include "lib/snp/sev_hashes.h"
#include "lib/snp/vmm_type.h"
#include "lib/snp/vmsa.h"

namespace bp {

constexpr uint32_t kSnpMaxVcpus = 4096;  // KVM's limit on x86

struct SnpLaunchConfig {
  uint32_t vcpus = 1;
  uint32_t vcpu_signature = 0;  // CPUID 1 EAX; only QEMU puts it in the VMSA
  uint64_t guest_features = 0x1;
  VmmType vmm = VmmType::qemu;
  // The digest after the firmware pages (snp_ovmf_hash); when set, the
  // firmware pages are not hashed again.
  std::optional<Sha384Digest> ovmf_hash;
  // With a kernel (kernel-hashes=on); requires a SNP_KERNEL_HASHES section.
  std::optional<SevKernelHashes> kernel_hashes;
};

struct SnpLaunchMeasurement {
  Sha384Digest digest;
  VmsaPage bsp_vmsa;
  VmsaPage ap_vmsa;  // the same for every AP
};

// The digest after measuring the firmware image as NORMAL pages (what
// sev-snp-measure --mode snp:ovmf-hash prints).
Result<Sha384Digest> snp_ovmf_hash(ByteView ovmf_image, const OvmfInfo &ovmf);

// ovmf_image is the whole -bios file; ovmf its parse.
Result<SnpLaunchMeasurement> snp_launch_measurement(ByteView ovmf_image, const OvmfInfo &ovmf,
                                                    const SnpLaunchConfig &config);

}  // namespace bp
