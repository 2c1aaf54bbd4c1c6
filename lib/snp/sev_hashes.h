// The SEV hashes table QEMU writes into guest memory for kernel-hashes=on:
// the SHA-256 of the command line, initrd and kernel, which OVMF checks
// before booting them (reference/snp.md section 4.4).
#pragma once

#include <stdint.h>

#include <optional>
#include <string_view>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/crypto/sha.h"

namespace bp {

struct SevKernelHashes {
  Sha256Digest cmdline;
  Sha256Digest initrd;
  Sha256Digest kernel;
};

// cmdline: SHA-256 of the bytes plus a terminating NUL (just a NUL without
// -append); initrd: SHA-256 of the file (of nothing without -initrd).
SevKernelHashes sev_kernel_hashes(const Sha256Digest &kernel, std::optional<Sha256Digest> initrd,
                                  std::optional<std::string_view> cmdline);

// The table (168 bytes) padded with zeros to a multiple of 16 (176 bytes).
constexpr size_t kSevHashTablePaddedSize = 176;
Bytes sev_hash_table(const SevKernelHashes &hashes);

// A zero page with the padded table at offset_in_page.
Result<Bytes> sev_hashes_page(const SevKernelHashes &hashes, uint32_t offset_in_page);

}  // namespace bp
