// The parts of an OVMF firmware image that the SNP launch digest depends on:
// the GUID table before the reset vector ("footer table") and the SEV
// metadata it points to (reference/snp.md section 4.3). The image is parsed
// as untrusted input: every offset and length is checked.
#pragma once

#include <stdint.h>

#include <optional>
#include <vector>

#include "lib/core/bytes.h"
#include "lib/core/result.h"

namespace bp {

// SEV metadata section types (OvmfPkg ResetVector, "SEV metadata").
enum class OvmfSectionType : uint32_t {
  snp_sec_mem = 1,
  snp_secrets = 2,
  cpuid = 3,
  svsm_caa = 4,
  snp_kernel_hashes = 0x10,
};

struct OvmfSection {
  uint32_t gpa;
  uint32_t size;
  OvmfSectionType type;
};

// Where OVMF expects QEMU's table of kernel/initrd/cmdline hashes.
struct OvmfHashTableArea {
  uint32_t base;
  uint32_t size;
};

struct OvmfInfo {
  uint64_t size = 0;                                  // of the whole image, a multiple of 4 KiB
  uint64_t gpa = 0;                                   // where QEMU loads it: 4 GiB - size
  std::optional<uint32_t> sev_es_reset_eip;           // the APs' first instruction
  std::optional<OvmfHashTableArea> sev_hashes_table;  // absent when base and size are 0
  std::vector<OvmfSection> sections;                  // in table order; empty without SEV metadata

  bool has_section(OvmfSectionType type) const;
};

constexpr uint64_t kOvmfMaxSize = 64ull << 20;

// Errors name the structure and offset that is wrong. Sections must be page
// aligned, lie below 4 GiB, and overlap neither each other nor the firmware.
Result<OvmfInfo> parse_ovmf(ByteView image);

}  // namespace bp
