#include "lib/snp/vmsa.h"

#include "lib/core/byte_order.h"

namespace bp {

namespace {

// VMSA offsets (AMD APM volume 2, table B-4; Linux struct sev_es_save_area).
enum Offset : size_t {
  kEs = 0x000,
  kCs = 0x010,
  kSs = 0x020,
  kDs = 0x030,
  kFs = 0x040,
  kGs = 0x050,
  kGdtr = 0x060,
  kLdtr = 0x070,
  kIdtr = 0x080,
  kTr = 0x090,
  kEfer = 0x0D0,
  kCr4 = 0x148,
  kCr0 = 0x158,
  kDr7 = 0x160,
  kDr6 = 0x168,
  kRflags = 0x170,
  kRip = 0x178,
  kGPat = 0x268,
  kRdx = 0x310,
  kSevFeatures = 0x3B0,
  kXcr0 = 0x3E8,
  kMxcsr = 0x408,
  kX87Fcw = 0x410,
};

// struct vmcb_seg: u16 selector, u16 attributes, u32 limit, u64 base.
void put_segment(VmsaPage &page, size_t offset, uint16_t selector, uint16_t attributes, uint32_t limit,
                 uint64_t base) {
  store_le16(page.data() + offset, selector);
  store_le16(page.data() + offset + 2, attributes);
  store_le32(page.data() + offset + 4, limit);
  store_le64(page.data() + offset + 8, base);
}

struct VmmDifferences {
  uint16_t cs_attributes;
  uint16_t ss_attributes;
  uint16_t tr_attributes;
  uint64_t rdx;
  uint64_t g_pat;
  bool kvm_fpu_defaults;  // MXCSR/FCW as KVM_SEV_INIT2 hosts set them
};

VmmDifferences differences(VmmType vmm, uint32_t eip, uint32_t vcpu_signature) {
  switch (vmm) {
    case VmmType::ec2:
      // EC2 marks the BSP's code segment not yet accessed.
      return {static_cast<uint16_t>(eip == kBspResetEip ? 0x9a : 0x9b),
              0x92,
              0x83,
              0x600,
              0x0007040600070406ull,
              false};
    case VmmType::gce:
      return {0x9b, 0x93, 0x8b, 0x600, 0x70106, false};
    case VmmType::qemu:
      break;
  }
  return {0x9b, 0x93, 0x8b, vcpu_signature, 0x0007040600070406ull, true};
}

}  // namespace

VmsaPage build_vmsa(VmmType vmm, uint32_t eip, uint32_t vcpu_signature, uint64_t sev_features) {
  const VmmDifferences d = differences(vmm, eip, vcpu_signature);
  VmsaPage page{};
  put_segment(page, kEs, 0, 0x93, 0xffff, 0);
  put_segment(page, kCs, 0xf000, d.cs_attributes, 0xffff, eip & 0xffff0000u);
  put_segment(page, kSs, 0, d.ss_attributes, 0xffff, 0);
  put_segment(page, kDs, 0, 0x93, 0xffff, 0);
  put_segment(page, kFs, 0, 0x93, 0xffff, 0);
  put_segment(page, kGs, 0, 0x93, 0xffff, 0);
  put_segment(page, kGdtr, 0, 0, 0xffff, 0);
  put_segment(page, kLdtr, 0, 0x82, 0xffff, 0);
  put_segment(page, kIdtr, 0, 0, 0xffff, 0);
  put_segment(page, kTr, 0, d.tr_attributes, 0xffff, 0);
  store_le64(page.data() + kEfer, 0x1000);  // SVME, set by KVM
  store_le64(page.data() + kCr4, 0x40);     // MCE, set by KVM
  store_le64(page.data() + kCr0, 0x10);
  store_le64(page.data() + kDr7, 0x400);
  store_le64(page.data() + kDr6, 0xffff0ff0);
  store_le64(page.data() + kRflags, 0x2);
  store_le64(page.data() + kRip, eip & 0xffffu);
  store_le64(page.data() + kGPat, d.g_pat);
  store_le64(page.data() + kRdx, d.rdx);
  store_le64(page.data() + kSevFeatures, sev_features);
  store_le64(page.data() + kXcr0, 0x1);
  if (d.kvm_fpu_defaults) {
    store_le32(page.data() + kMxcsr, 0x1f80);
    store_le16(page.data() + kX87Fcw, 0x037f);
  }
  return page;
}

}  // namespace bp
