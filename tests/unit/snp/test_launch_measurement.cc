// SNP launch digest: PAGE_INFO chaining, VMSA contents, the SEV hashes table,
// the two published digest vectors and the error cases.
#include "lib/core/byte_order.h"
#include "lib/core/file_io.h"
#include "lib/snp/launch_digest.h"
#include "lib/snp/launch_measurement.h"
#include "lib/snp/vcpu_types.h"
#include "tests/unit/test_support.h"

namespace {

bp::Bytes fixture(const char *name) {
  return ASSERT_OK(bp::read_file(std::string("tests/data/snp/ovmf/") + name, 1 << 20));
}

// Computed with Python's hashlib from the PAGE_INFO layout in snp.md 4.1.
void test_page_info_chain(void **) {
  bp::SnpLaunchDigest ld;
  ASSERT_OK(ld.update_normal_pages(0xFFFFF000, bp::Bytes(4096, 0)));
  ASSERT_BYTES_EQUAL(
      bp::view(ld.digest()),
      "46c510442a54cc32344cef32e14dc3d6312fc4a010780dd11fd33204df5550590356b069e6c6ca5bbfca71561f370399");
  ASSERT_OK(ld.update_empty_pages(bp::SnpPageType::zero, 0x800000, 0x1000));
  ASSERT_BYTES_EQUAL(
      bp::view(ld.digest()),
      "58bcd0444a7ed18b2f83cdbec58255f3e4e9439735fc13bcb00ad80b5c9ec9b21abecc3fa389c02781e68496e720bc70");
  ASSERT_ERROR_CONTAINS(ld.update_normal_pages(0x1000, bp::Bytes(100)), "not 4 KiB aligned");
  ASSERT_ERROR_CONTAINS(ld.update_empty_pages(bp::SnpPageType::zero, 0x800, 0x1000), "not 4 KiB aligned");
  ASSERT_ERROR_CONTAINS(ld.update_vmsa_page(bp::Bytes(10)), "4096 bytes");
}

uint64_t u64_at(const bp::VmsaPage &p, size_t offset) { return bp::load_le64(p.data() + offset); }
uint16_t u16_at(const bp::VmsaPage &p, size_t offset) { return bp::load_le16(p.data() + offset); }

void test_vmsa_qemu(void **) {
  bp::VmsaPage bsp = bp::build_vmsa(bp::VmmType::qemu, bp::kBspResetEip, 0xa00f11, 0x21);
  assert_int_equal(u16_at(bsp, 0x10), 0xf000);               // CS selector
  assert_int_equal(u16_at(bsp, 0x12), 0x9b);                 // CS attributes
  assert_int_equal(u64_at(bsp, 0x18), 0xffff0000);           // CS base
  assert_int_equal(u64_at(bsp, 0x178), 0xfff0);              // RIP
  assert_int_equal(u64_at(bsp, 0x310), 0xa00f11);            // RDX: vCPU signature
  assert_int_equal(u64_at(bsp, 0x3b0), 0x21);                // SEV_FEATURES
  assert_int_equal(u64_at(bsp, 0x268), 0x0007040600070406);  // G_PAT
  assert_int_equal(bp::load_le32(bsp.data() + 0x408), 0x1f80);
  assert_int_equal(u16_at(bsp, 0x410), 0x37f);
  assert_int_equal(u16_at(bsp, 0x22), 0x93);  // SS
  assert_int_equal(u16_at(bsp, 0x92), 0x8b);  // TR
  assert_int_equal(u16_at(bsp, 0x72), 0x82);  // LDTR
  assert_int_equal(u64_at(bsp, 0xd0), 0x1000);
  assert_int_equal(u64_at(bsp, 0x3e8), 1);
  bp::VmsaPage ap = bp::build_vmsa(bp::VmmType::qemu, 0x0080B004, 0xa00f11, 0x21);
  assert_int_equal(u64_at(ap, 0x18), 0x00800000);
  assert_int_equal(u64_at(ap, 0x178), 0xb004);
  // Nothing else differs between the BSP and an AP.
  size_t differences = 0;
  for (size_t i = 0; i < 4096; ++i) differences += bsp[i] != ap[i];
  assert_true(differences > 0 && differences <= 6);
}

void test_vmsa_ec2_and_gce(void **) {
  bp::VmsaPage ec2_bsp = bp::build_vmsa(bp::VmmType::ec2, bp::kBspResetEip, 0xa00f11, 1);
  bp::VmsaPage ec2_ap = bp::build_vmsa(bp::VmmType::ec2, 0x0080B004, 0xa00f11, 1);
  assert_int_equal(u16_at(ec2_bsp, 0x12), 0x9a);
  assert_int_equal(u16_at(ec2_ap, 0x12), 0x9b);
  assert_int_equal(u16_at(ec2_bsp, 0x22), 0x92);
  assert_int_equal(u16_at(ec2_bsp, 0x92), 0x83);
  assert_int_equal(u64_at(ec2_bsp, 0x310), 0x600);
  assert_int_equal(bp::load_le32(ec2_bsp.data() + 0x408), 0);
  assert_int_equal(u16_at(ec2_bsp, 0x410), 0);
  bp::VmsaPage gce = bp::build_vmsa(bp::VmmType::gce, bp::kBspResetEip, 0xa00f11, 1);
  assert_int_equal(u16_at(gce, 0x12), 0x9b);
  assert_int_equal(u64_at(gce, 0x268), 0x70106);
  assert_int_equal(u64_at(gce, 0x310), 0x600);
  assert_int_equal(bp::load_le32(gce.data() + 0x408), 0);
}

void test_sev_hash_table(void **) {
  bp::SevKernelHashes h =
      bp::sev_kernel_hashes(bp::sha256(bp::ByteView()), std::nullopt, std::optional<std::string_view>());
  ASSERT_BYTES_EQUAL(bp::view(h.cmdline), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  ASSERT_BYTES_EQUAL(bp::view(h.initrd), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  bp::SevKernelHashes same = bp::sev_kernel_hashes(h.kernel, std::nullopt, std::string_view(""));
  assert_memory_equal(same.cmdline.data(), h.cmdline.data(), 32);  // "" and no -append agree
  bp::Bytes table = bp::sev_hash_table(h);
  assert_int_equal(table.size(), 176);
  // 9438d606-4f22-4cc9-b479-a793d411fd21 in EFI byte order, then length 168.
  ASSERT_BYTES_EQUAL(bp::ByteView(table.data(), 18), "06d63894224fc94cb479a793d411fd21a800");
  ASSERT_BYTES_EQUAL(bp::ByteView(table.data() + 18, 18), "d82dd09720bd944caa78e7714d36ab2a3200");
  ASSERT_BYTES_EQUAL(bp::ByteView(table.data() + 168, 8), "0000000000000000");
  bp::Bytes page = ASSERT_OK(bp::sev_hashes_page(h, 0xc00));
  assert_int_equal(page.size(), 4096);
  assert_memory_equal(page.data() + 0xc00, table.data(), table.size());
  assert_true(bp::is_all_zero(bp::ByteView(page.data(), 0xc00)));
  ASSERT_ERROR_CONTAINS(bp::sev_hashes_page(h, 4000), "does not fit");
}

void test_vcpu_types(void **) {
  assert_int_equal(ASSERT_OK(bp::vcpu_type_signature("EPYC-v4")), 0x800f12);
  assert_int_equal(ASSERT_OK(bp::vcpu_type_signature("EPYC-Rome-v2")), 0x830f10);
  assert_int_equal(ASSERT_OK(bp::vcpu_type_signature("EPYC-Milan-v2")), 0xa00f11);
  assert_int_equal(ASSERT_OK(bp::vcpu_type_signature("EPYC-Genoa")), 0xa10f10);
  assert_int_equal(ASSERT_OK(bp::vcpu_type_signature("EPYC-Turin-v1")), 0xb00f00);
  ASSERT_ERROR_CONTAINS(bp::vcpu_type_signature("epyc-v4"), "unknown vCPU type 'epyc-v4'");
  assert_int_equal(bp::cpuid_signature(23, 1, 2), 0x800f12);
  assert_int_equal(bp::cpuid_signature(6, 0x55, 7), 0x50657);  // a family below 0xf
  assert_int_equal(ASSERT_OK(bp::parse_vmm_type("Qemu")), static_cast<int>(bp::VmmType::qemu));
  assert_int_equal(ASSERT_OK(bp::parse_vmm_type("EC2")), static_cast<int>(bp::VmmType::ec2));
  assert_int_equal(ASSERT_OK(bp::parse_vmm_type("gCe")), static_cast<int>(bp::VmmType::gce));
  ASSERT_ERROR_CONTAINS(bp::parse_vmm_type("kvm"), "unknown VMM type");
}

// The two vectors of the shared test data (QEMU, 1 vCPU, EPYC-v4, 0x21).
void test_published_vectors(void **) {
  bp::Bytes amdsev = fixture("ovmf_AmdSev_suffix.bin");
  bp::OvmfInfo info = ASSERT_OK(bp::parse_ovmf(amdsev));
  bp::SnpLaunchConfig config;
  config.vcpu_signature = 0x800f12;
  config.guest_features = 0x21;
  config.kernel_hashes =
      bp::sev_kernel_hashes(bp::sha256(bp::ByteView()), bp::sha256(bp::ByteView()), std::string_view(""));
  bp::SnpLaunchMeasurement m = ASSERT_OK(bp::snp_launch_measurement(amdsev, info, config));
  ASSERT_BYTES_EQUAL(bp::view(m.digest),
                     "329c8ce0972ae52343b64d34a434a86f245dfd74f5ed7aae15d22efc78fb9683632b9b50e4"
                     "e1d7fa41179ef98a7ef198");

  bp::Bytes x64 = fixture("ovmf_OvmfX64_suffix.bin");
  bp::OvmfInfo x64_info = ASSERT_OK(bp::parse_ovmf(x64));
  config.kernel_hashes.reset();
  m = ASSERT_OK(bp::snp_launch_measurement(x64, x64_info, config));
  ASSERT_BYTES_EQUAL(bp::view(m.digest),
                     "28797ae0afaba4005a81e629acebfb59e6687949d6be44007cd5506823b0dd66f146aaae26"
                     "ff291eed7b493d8a64c385");

  // Seeding with the firmware digest skips the firmware pages, same result.
  config.ovmf_hash = ASSERT_OK(bp::snp_ovmf_hash(x64, x64_info));
  bp::SnpLaunchMeasurement seeded = ASSERT_OK(bp::snp_launch_measurement(bp::ByteView(), x64_info, config));
  assert_memory_equal(seeded.digest.data(), m.digest.data(), 48);
}

void test_every_input_changes_the_digest(void **) {
  bp::Bytes amdsev = fixture("ovmf_AmdSev_suffix.bin");
  bp::OvmfInfo info = ASSERT_OK(bp::parse_ovmf(amdsev));
  bp::SnpLaunchConfig base;
  base.vcpu_signature = 0xa10f10;
  auto digest = [&](const bp::SnpLaunchConfig &c) {
    return bp::hex_encode(bp::view(ASSERT_OK(bp::snp_launch_measurement(amdsev, info, c)).digest));
  };
  std::vector<std::string> seen = {digest(base)};
  bp::SnpLaunchConfig c = base;
  c.vcpus = 2;
  seen.push_back(digest(c));
  c = base;
  c.guest_features = 0x21;
  seen.push_back(digest(c));
  c = base;
  c.vcpu_signature = 0xa00f11;
  seen.push_back(digest(c));
  c = base;
  c.vmm = bp::VmmType::ec2;
  seen.push_back(digest(c));
  c = base;
  c.vmm = bp::VmmType::gce;
  seen.push_back(digest(c));
  c = base;
  c.kernel_hashes = bp::sev_kernel_hashes(bp::sha256(bp::ByteView()), std::nullopt, std::nullopt);
  seen.push_back(digest(c));
  for (size_t i = 0; i < seen.size(); ++i) {
    for (size_t j = i + 1; j < seen.size(); ++j) assert_string_not_equal(seen[i].c_str(), seen[j].c_str());
  }
  // EC2 and GCE ignore the vCPU signature.
  c = base;
  c.vmm = bp::VmmType::ec2;
  bp::SnpLaunchConfig other = c;
  other.vcpu_signature = 0;
  assert_string_equal(digest(c).c_str(), digest(other).c_str());
}

void test_errors(void **) {
  bp::Bytes amdsev = fixture("ovmf_AmdSev_suffix.bin");
  bp::OvmfInfo info = ASSERT_OK(bp::parse_ovmf(amdsev));
  bp::SnpLaunchConfig config;
  config.vcpus = 0;
  ASSERT_ERROR_CONTAINS(bp::snp_launch_measurement(amdsev, info, config), "vCPU count 0 is out of range");
  config.vcpus = bp::kSnpMaxVcpus + 1;
  ASSERT_ERROR_CONTAINS(bp::snp_launch_measurement(amdsev, info, config), "out of range");
  config.vcpus = 1;

  bp::Bytes x64 = fixture("ovmf_OvmfX64_suffix.bin");
  bp::OvmfInfo x64_info = ASSERT_OK(bp::parse_ovmf(x64));
  config.kernel_hashes = bp::sev_kernel_hashes(bp::sha256(bp::ByteView()), std::nullopt, std::nullopt);
  ASSERT_ERROR_CONTAINS(bp::snp_launch_measurement(x64, x64_info, config), "no SNP_KERNEL_HASHES section");

  bp::OvmfInfo broken = info;
  broken.sev_hashes_table.reset();
  ASSERT_ERROR_CONTAINS(bp::snp_launch_measurement(amdsev, broken, config), "no SEV hash table GUID entry");
  broken = info;
  broken.sev_hashes_table->base = 0x811f80;  // outside the hashes section
  ASSERT_ERROR_CONTAINS(bp::snp_launch_measurement(amdsev, broken, config),
                        "does not hold the 176-byte table");
  broken = info;
  broken.sev_hashes_table->size = 100;
  ASSERT_ERROR_CONTAINS(bp::snp_launch_measurement(amdsev, broken, config), "does not hold");
  broken = info;
  broken.sev_es_reset_eip.reset();
  ASSERT_ERROR_CONTAINS(bp::snp_launch_measurement(amdsev, broken, config), "no SEV-ES reset block");
  ASSERT_ERROR_CONTAINS(bp::snp_launch_measurement(bp::Bytes(8192), info, config),
                        "does not match its parse");
}

}  // namespace

RUN_TESTS("snp/launch_measurement", cmocka_unit_test(test_page_info_chain), cmocka_unit_test(test_vmsa_qemu),
          cmocka_unit_test(test_vmsa_ec2_and_gce), cmocka_unit_test(test_sev_hash_table),
          cmocka_unit_test(test_vcpu_types), cmocka_unit_test(test_published_vectors),
          cmocka_unit_test(test_every_input_changes_the_digest), cmocka_unit_test(test_errors))
