#include "lib/snp/launch_measurement.h"

#include "lib/core/format.h"
#include "lib/snp/launch_digest.h"

namespace bp {

namespace {

Status measure_kernel_hashes(SnpLaunchDigest &ld, const OvmfInfo &ovmf, const OvmfSection &section,
                             const std::optional<SevKernelHashes> &hashes) {
  if (!hashes) return ld.update_empty_pages(SnpPageType::zero, section.gpa, section.size);
  if (!ovmf.sev_hashes_table) {
    return Error("a kernel is given but the OVMF image has no SEV hash table GUID entry");
  }
  const OvmfHashTableArea &area = *ovmf.sev_hashes_table;
  if (section.size != kSnpPageSize) {
    return Error(format("SNP_KERNEL_HASHES section at gpa %#x has size %#x, expected one page", section.gpa,
                        section.size));
  }
  if (area.size < kSevHashTablePaddedSize || area.base < section.gpa ||
      uint64_t{area.base} + kSevHashTablePaddedSize > uint64_t{section.gpa} + section.size) {
    return Error(
        format("SEV hash table area (base %#x, size %#x) does not hold the %zu-byte table inside the "
               "SNP_KERNEL_HASHES section at gpa %#x",
               area.base, area.size, kSevHashTablePaddedSize, section.gpa));
  }
  Bytes page = TRY(sev_hashes_page(*hashes, area.base & 0xfff));
  return ld.update_normal_pages(section.gpa, page);
}

Status measure_section(SnpLaunchDigest &ld, const OvmfInfo &ovmf, const OvmfSection &section,
                       const SnpLaunchConfig &config) {
  switch (section.type) {
    case OvmfSectionType::snp_sec_mem:
      // GCE leaves the early-boot memory unmeasured.
      return ld.update_empty_pages(config.vmm == VmmType::gce ? SnpPageType::unmeasured : SnpPageType::zero,
                                   section.gpa, section.size);
    case OvmfSectionType::snp_secrets:
      ld.update_secrets_page(section.gpa);
      return {};
    case OvmfSectionType::cpuid:
      // EC2 inserts the CPUID page after all other sections.
      if (config.vmm != VmmType::ec2) ld.update_cpuid_page(section.gpa);
      return {};
    case OvmfSectionType::svsm_caa:
      return ld.update_empty_pages(SnpPageType::zero, section.gpa, section.size);
    case OvmfSectionType::snp_kernel_hashes:
      return measure_kernel_hashes(ld, ovmf, section, config.kernel_hashes);
  }
  return Error(format("unknown OVMF section type %#x", static_cast<unsigned>(section.type)));
}

}  // namespace

Result<Sha384Digest> snp_ovmf_hash(ByteView ovmf_image, const OvmfInfo &ovmf) {
  if (ovmf_image.size() != ovmf.size) return Error("the OVMF image does not match its parse");
  SnpLaunchDigest ld;
  TRY(ld.update_normal_pages(ovmf.gpa, ovmf_image));
  return ld.digest();
}

Result<SnpLaunchMeasurement> snp_launch_measurement(ByteView ovmf_image, const OvmfInfo &ovmf,
                                                    const SnpLaunchConfig &config) {
  if (config.vcpus == 0 || config.vcpus > kSnpMaxVcpus) {
    return Error(format("vCPU count %u is out of range (1..%u)", config.vcpus, kSnpMaxVcpus));
  }
  if (config.kernel_hashes && !ovmf.has_section(OvmfSectionType::snp_kernel_hashes)) {
    return Error(
        "a kernel is given but the OVMF metadata has no SNP_KERNEL_HASHES section (kernel-hashes needs an "
        "OvmfPkg/AmdSev build)");
  }
  if (!ovmf.sev_es_reset_eip) {
    return Error("the OVMF image has no SEV-ES reset block GUID entry: the APs' start address is unknown");
  }
  SnpLaunchDigest ld(config.ovmf_hash ? *config.ovmf_hash : TRY(snp_ovmf_hash(ovmf_image, ovmf)));
  for (const OvmfSection &section : ovmf.sections) TRY(measure_section(ld, ovmf, section, config));
  if (config.vmm == VmmType::ec2) {
    for (const OvmfSection &section : ovmf.sections) {
      if (section.type == OvmfSectionType::cpuid) ld.update_cpuid_page(section.gpa);
    }
  }

  SnpLaunchMeasurement m;
  m.bsp_vmsa = build_vmsa(config.vmm, kBspResetEip, config.vcpu_signature, config.guest_features);
  m.ap_vmsa = build_vmsa(config.vmm, *ovmf.sev_es_reset_eip, config.vcpu_signature, config.guest_features);
  // Every AP's VMSA is the same page, so its SHA-384 is computed once.
  const Sha384Digest bsp_hash = sha384(ByteView(m.bsp_vmsa.data(), m.bsp_vmsa.size()));
  const Sha384Digest ap_hash = sha384(ByteView(m.ap_vmsa.data(), m.ap_vmsa.size()));
  for (uint32_t i = 0; i < config.vcpus; ++i) {
    ld.update(SnpPageType::vmsa, kSnpVmsaGpa, i == 0 ? bsp_hash : ap_hash);
  }
  m.digest = ld.digest();
  return m;
}

}  // namespace bp
