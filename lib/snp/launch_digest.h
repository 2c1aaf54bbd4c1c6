// The SNP launch digest as the AMD secure processor accumulates it during
// SNP_LAUNCH_UPDATE: one PAGE_INFO per 4 KiB page, each hashed together with
// the digest so far (reference/snp.md section 4.1).
#pragma once

#include <stdint.h>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/crypto/sha.h"

namespace bp {

enum class SnpPageType : uint8_t {
  normal = 1,
  vmsa = 2,
  zero = 3,
  unmeasured = 4,
  secrets = 5,
  cpuid = 6,
};

constexpr uint64_t kSnpPageSize = 4096;
// VMSAs are measured at this fixed GPA, whatever vCPU they belong to.
constexpr uint64_t kSnpVmsaGpa = 0xFFFFFFFFF000ull;

class SnpLaunchDigest {
 public:
  // Starts from zero, or from a digest computed earlier (the OVMF hash).
  SnpLaunchDigest() : digest_{} {}
  explicit SnpLaunchDigest(const Sha384Digest &seed) : digest_(seed) {}

  // One PAGE_INFO: digest = SHA-384(digest || contents || 0x0070 || type ||
  // IMI 0 || VMPL3..1 permissions 0 || reserved 0 || gpa).
  void update(SnpPageType type, uint64_t gpa, const Sha384Digest &contents);

  // NORMAL pages with the SHA-384 of each 4 KiB of data; data.size() must be a
  // multiple of 4 KiB.
  Status update_normal_pages(uint64_t gpa, ByteView data);
  // ZERO or UNMEASURED pages over [gpa, gpa + size); contents are zero.
  Status update_empty_pages(SnpPageType type, uint64_t gpa, uint64_t size);
  void update_secrets_page(uint64_t gpa) { update(SnpPageType::secrets, gpa, Sha384Digest{}); }
  void update_cpuid_page(uint64_t gpa) { update(SnpPageType::cpuid, gpa, Sha384Digest{}); }
  Status update_vmsa_page(ByteView vmsa);

  const Sha384Digest &digest() const { return digest_; }

 private:
  Sha384Digest digest_;
};

}  // namespace bp
