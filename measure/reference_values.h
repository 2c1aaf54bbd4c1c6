// `bp-measure reference-values`: what a verifier needs to accept exactly this
// image: the SNP launch digests for every vCPU count, vCPU type and VMM type
// it may boot with, the guest policy, the minimum TCB, HOST_DATA and the
// dm-verity root hash. The Buckypaper document (read by the test broker,
// qemu-tests/broker/refvalues.py) and Trustee's RVPS form (measure/README.md
// maps one onto the other).
#pragma once

#include <stdint.h>

#include <optional>
#include <string>
#include <vector>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/json/json.h"
#include "lib/snp/vmm_type.h"
#include "measure/command.h"
#include "measure/report_policy.h"

namespace bp::measure {

enum class ReferenceValuesFormat { buckypaper, trustee };

struct ReferenceValuesRequest {
  std::string ovmf;
  std::optional<std::string> kernel;
  std::optional<std::string> initrd;
  std::optional<std::string> append;
  std::vector<uint32_t> vcpus;
  std::vector<std::string> vcpu_types;
  std::vector<VmmType> vmm_types{VmmType::qemu};
  uint64_t guest_features = 0x1;
  uint64_t guest_policy = 0x30000;  // QEMU's default: SMT allowed, bit 17
  bool allow_debug = false;
  std::optional<Bytes> host_data;               // 32 bytes
  std::optional<std::string> verity_root_hash;  // lower-case hex
  MinimumTcb minimum_tcb;
  ReferenceValuesFormat format = ReferenceValuesFormat::buckypaper;
  std::optional<std::string> output;  // default: standard output
};

struct LaunchDigest {
  uint32_t vcpus;
  std::string vcpu_type;
  VmmType vmm;
  Bytes digest;  // 48 bytes
};

// Usage errors (exit status 2).
Result<ReferenceValuesRequest> parse_reference_values_request(const Arguments &args);
// Reads the firmware, kernel and initrd once and measures every combination
// (vCPU counts x vCPU types x VMM types, in that nesting order).
Result<std::vector<LaunchDigest>> compute_launch_digests(const ReferenceValuesRequest &request);
Result<Json> reference_values_json(const ReferenceValuesRequest &request,
                                   const std::vector<LaunchDigest> &digests);
// Trustee RVPS "sample" provenance message carrying the same values.
Result<Json> trustee_reference_values_json(const ReferenceValuesRequest &request,
                                           const std::vector<LaunchDigest> &digests);

}  // namespace bp::measure
