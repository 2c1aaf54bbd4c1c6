#include "lib/snp/launch_digest.h"

#include <string.h>

#include "lib/core/byte_order.h"
#include "lib/core/format.h"

namespace bp {

namespace {
constexpr size_t kPageInfoSize = 0x70;
}

void SnpLaunchDigest::update(SnpPageType type, uint64_t gpa, const Sha384Digest &contents) {
  uint8_t page_info[kPageInfoSize] = {};
  memcpy(page_info, digest_.data(), 48);
  memcpy(page_info + 0x30, contents.data(), 48);
  store_le16(page_info + 0x60, kPageInfoSize);
  page_info[0x62] = static_cast<uint8_t>(type);
  // 0x63 IMI_PAGE, 0x64..0x66 VMPL3..VMPL1 permissions, 0x67 reserved: zero.
  store_le64(page_info + 0x68, gpa);
  digest_ = sha384(ByteView(page_info, sizeof page_info));
}

Status SnpLaunchDigest::update_normal_pages(uint64_t gpa, ByteView data) {
  if (gpa % kSnpPageSize != 0 || data.size() % kSnpPageSize != 0) {
    return Error(format("normal pages at gpa %#llx with %zu bytes are not 4 KiB aligned",
                        static_cast<unsigned long long>(gpa), data.size()));
  }
  for (size_t offset = 0; offset < data.size(); offset += kSnpPageSize) {
    update(SnpPageType::normal, gpa + offset, sha384(data.subview(offset, kSnpPageSize)));
  }
  return {};
}

Status SnpLaunchDigest::update_empty_pages(SnpPageType type, uint64_t gpa, uint64_t size) {
  if (gpa % kSnpPageSize != 0 || size % kSnpPageSize != 0) {
    return Error(format("pages at gpa %#llx with %llu bytes are not 4 KiB aligned",
                        static_cast<unsigned long long>(gpa), static_cast<unsigned long long>(size)));
  }
  for (uint64_t offset = 0; offset < size; offset += kSnpPageSize) update(type, gpa + offset, Sha384Digest{});
  return {};
}

Status SnpLaunchDigest::update_vmsa_page(ByteView vmsa) {
  if (vmsa.size() != kSnpPageSize) return Error(format("a VMSA page has 4096 bytes, got %zu", vmsa.size()));
  update(SnpPageType::vmsa, kSnpVmsaGpa, sha384(vmsa));
  return {};
}

}  // namespace bp
