// `bp-measure reference-values`: option forms and usage errors, digests equal
// to `bp-measure snp` for every combination, and both output documents.
#include "lib/core/encoding.h"
#include "lib/core/file_io.h"
#include "lib/core/temp_dir.h"
#include "lib/json/json_parse.h"
#include "lib/json/json_write.h"
#include "measure/reference_values.h"
#include "measure/snp_command.h"
#include "tests/unit/test_support.h"

namespace {

using bp::measure::Arguments;
using bp::measure::parse_reference_values_request;

const char kOvmf[] = "tests/data/snp/ovmf/ovmf_AmdSev_suffix.bin";

void test_options(void **) {
  bp::measure::ReferenceValuesRequest r = ASSERT_OK(parse_reference_values_request(
      Arguments{"--ovmf", kOvmf, "--vcpus", "1,4-6", "8", "--vcpu-type", "EPYC-v4,EPYC-Genoa", "--vcpus=2"}));
  assert_int_equal(r.vcpus.size(), 6);
  assert_int_equal(r.vcpus[0], 1);
  assert_int_equal(r.vcpus[3], 6);
  assert_int_equal(r.vcpus[5], 2);
  assert_int_equal(r.vcpu_types.size(), 2);
  assert_int_equal(r.vmm_types.size(), 1);
  assert_int_equal(r.guest_features, 1);
  assert_int_equal(r.guest_policy, 0x30000);
  assert_false(r.allow_debug);
  assert_int_equal(static_cast<int>(r.format),
                   static_cast<int>(bp::measure::ReferenceValuesFormat::buckypaper));

  r = ASSERT_OK(parse_reference_values_request(Arguments{"--ovmf",
                                                         kOvmf,
                                                         "--vcpus",
                                                         "1",
                                                         "--vcpu-type",
                                                         "EPYC-Milan",
                                                         "--vmm-type",
                                                         "qemu,EC2",
                                                         "gce",
                                                         "--guest-features",
                                                         "0x21",
                                                         "--policy",
                                                         "0xb0000",
                                                         "--allow-debug",
                                                         "--host-data",
                                                         std::string(64, 'A'),
                                                         "--verity-root-hash",
                                                         "ABcd",
                                                         "--min-tcb",
                                                         "bootloader=3,tee=0,snp=0x8,microcode=115,fmc=2",
                                                         "--format",
                                                         "trustee"}));
  assert_int_equal(r.vmm_types.size(), 3);
  assert_int_equal(r.guest_features, 0x21);
  assert_int_equal(r.guest_policy, 0xb0000);
  assert_true(r.allow_debug);
  assert_int_equal(r.host_data->size(), 32);
  assert_string_equal(r.verity_root_hash->c_str(), "abcd");
  assert_int_equal(r.minimum_tcb.bootloader, 3);
  assert_int_equal(r.minimum_tcb.snp, 8);
  assert_int_equal(r.minimum_tcb.microcode, 115);
  assert_int_equal(*r.minimum_tcb.fmc, 2);
}

void test_usage_errors(void **) {
  auto fails = [](Arguments extra, const char *message) {
    // In front: --vcpus and --vcpu-type take every value up to the next option.
    Arguments args = std::move(extra);
    for (std::string_view a : {"--ovmf", kOvmf, "--vcpus", "1", "--vcpu-type", "EPYC-v4"}) args.push_back(a);
    ASSERT_ERROR_CONTAINS(parse_reference_values_request(args), message);
  };
  ASSERT_ERROR_CONTAINS(parse_reference_values_request(Arguments{"--vcpus", "1", "--vcpu-type", "EPYC"}),
                        "--ovmf");
  ASSERT_ERROR_CONTAINS(parse_reference_values_request(Arguments{"--ovmf", "f", "--vcpu-type", "EPYC"}),
                        "--vcpus");
  ASSERT_ERROR_CONTAINS(parse_reference_values_request(Arguments{"--ovmf", "f", "--vcpus", "1"}),
                        "--vcpu-type");
  fails({"--vcpus", "0"}, "out of range");
  fails({"--vcpus", "4-2"}, "empty range");
  fails({"--vcpus", "x"}, "decimal");
  fails({"--vcpu-type", "EPYC-Nope"}, "--vcpu-type");
  fails({"--vmm-type", "xen"}, "--vmm-type");
  fails({"--policy", "0x10000"}, "bit 17 clear");
  fails({"--policy", "0x4030000"}, "above 25");
  fails({"--policy", "0xb0000"}, "add --allow-debug");
  fails({"--host-data", "00"}, "64 hexadecimal digits");
  fails({"--verity-root-hash", "abc"}, "even number");
  fails({"--min-tcb", "bootloader"}, "COMPONENT=N");
  fails({"--min-tcb", "bl=1"}, "unknown component 'bl'");
  fails({"--min-tcb", "snp=256"}, "does not fit");
  fails({"--format", "json"}, "invalid choice");
  fails({"--initrd", "i"}, "need --kernel");
  fails({"extra"}, "unrecognized arguments: extra");
}

std::string snp_digest(const Arguments &args) {
  bp::measure::SnpRequest r = ASSERT_OK(bp::measure::parse_snp_request(args));
  std::string line = ASSERT_OK(bp::measure::run_snp_request(r));
  return line.substr(0, line.size() - 1);
}

void test_digests_match_snp_command(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create("refvalues"));
  std::string kernel = dir.path() + "/kernel";
  std::string initrd = dir.path() + "/initrd";
  ASSERT_OK(bp::write_file_atomic(kernel, bp::ByteView::of_string("not really a kernel")));
  ASSERT_OK(bp::write_file_atomic(initrd, bp::ByteView::of_string("nor an initrd")));
  bp::measure::ReferenceValuesRequest r = ASSERT_OK(parse_reference_values_request(Arguments{
      "--ovmf", kOvmf, "--kernel", kernel, "--initrd", initrd, "--append", "console=ttyS0 bp.x=1", "--vcpus",
      "1,3", "--vcpu-type", "EPYC-v4,EPYC-Turin", "--vmm-type", "QEMU,ec2", "--guest-features", "0x21"}));
  std::vector<bp::measure::LaunchDigest> digests = ASSERT_OK(bp::measure::compute_launch_digests(r));
  assert_int_equal(digests.size(), 8);
  for (const bp::measure::LaunchDigest &d : digests) {
    std::string expected = snp_digest(
        Arguments{"--ovmf", kOvmf, "--kernel", kernel, "--initrd", initrd, "--append", "console=ttyS0 bp.x=1",
                  "--vcpus", std::to_string(d.vcpus), "--vcpu-type", d.vcpu_type, "--vmm-type",
                  bp::vmm_type_name(d.vmm), "--guest-features", "0x21"});
    assert_string_equal(bp::hex_encode(d.digest).c_str(), expected.c_str());
  }
  // The published vector (testdata README): empty kernel and initrd, empty
  // command line, EPYC-v4, one vCPU, features 0x21.
  std::string empty = dir.path() + "/empty";
  ASSERT_OK(bp::write_file_atomic(empty, bp::ByteView()));
  bp::measure::ReferenceValuesRequest v = ASSERT_OK(parse_reference_values_request(
      Arguments{"--ovmf", kOvmf, "--kernel", empty, "--initrd", empty, "--append", "", "--vcpus", "1",
                "--vcpu-type", "EPYC-v4", "--guest-features", "0x21"}));
  std::vector<bp::measure::LaunchDigest> one = ASSERT_OK(bp::measure::compute_launch_digests(v));
  assert_string_equal(
      bp::hex_encode(one[0].digest).c_str(),
      "329c8ce0972ae52343b64d34a434a86f245dfd74f5ed7aae15d22efc78fb9683632b9b50e4e1d7fa41179ef98a7ef198");
}

void test_documents(void **) {
  bp::measure::ReferenceValuesRequest r = ASSERT_OK(parse_reference_values_request(Arguments{
      "--ovmf", kOvmf, "--vcpus", "1,2", "--vcpu-type", "EPYC-v4", "--vmm-type", "QEMU,gce", "--host-data",
      std::string(64, 'b'), "--verity-root-hash", "00ff", "--min-tcb", "snp=8,microcode=200"}));
  std::vector<bp::measure::LaunchDigest> digests = ASSERT_OK(bp::measure::compute_launch_digests(r));
  std::string doc = ASSERT_OK(bp::json_compact(ASSERT_OK(bp::measure::reference_values_json(r, digests))));
  std::string first = bp::hex_encode(digests[0].digest);
  std::string expected_start =
      "{\"version\":1,\"snp\":{\"measurements\":[{\"vcpus\":1,\"vcpu_type\":\"EPYC-v4\","
      "\"vmm_type\":\"QEMU\",\"guest_features\":\"0x1\",\"launch_digest\":\"" +
      first + "\"},{\"vcpus\":1,\"vcpu_type\":\"EPYC-v4\",\"vmm_type\":\"gce\"";
  assert_int_equal(doc.compare(0, expected_start.size(), expected_start), 0);
  std::string expected_end = "],\"guest_policy\":\"0x30000\",\"allow_debug\":false,\"host_data\":\"" +
                             std::string(64, 'b') +
                             "\",\"minimum_tcb\":{\"bootloader\":0,\"tee\":0,\"snp\":8,\"microcode\":200}},"
                             "\"verity_root_hash\":\"00ff\"}";
  assert_true(doc.size() > expected_end.size());
  assert_string_equal(doc.substr(doc.size() - expected_end.size()).c_str(), expected_end.c_str());

  // Trustee: an RVPS sample message whose payload holds the same digests
  // (each once) and the TCB minimums as lists of acceptable values.
  bp::Json message = ASSERT_OK(bp::measure::trustee_reference_values_json(r, digests));
  assert_string_equal(ASSERT_OK(message.get_string("version")).c_str(), "0.1.0");
  assert_string_equal(ASSERT_OK(message.get_string("type")).c_str(), "sample");
  bp::Bytes payload = ASSERT_OK(message.get_base64("payload"));
  bp::Json sample = ASSERT_OK(bp::parse_json(bp::ByteView(payload).as_string_view(), 1 << 20, 8));
  std::vector<std::string> launch = ASSERT_OK(sample.get_strings("snp_launch_measurement"));
  assert_int_equal(launch.size(), 4);  // QEMU and GCE give different VMSAs
  assert_string_equal(launch[0].c_str(), first.c_str());
  assert_int_equal(ASSERT_OK(sample.array("snp_snp_svn").elements()).size(), 256 - 8);
  assert_int_equal(ASSERT_OK(sample.array("snp_snp_svn").at(0).as_u64()), 8);
  assert_int_equal(ASSERT_OK(sample.array("snp_microcode").elements()).size(), 56);
  assert_int_equal(ASSERT_OK(sample.array("snp_bootloader").elements()).size(), 256);
  assert_int_equal(ASSERT_OK(sample.get_u64("snp_guest_abi_major")), 0);
  assert_true(ASSERT_OK(sample.get_bool("snp_smt_allowed")));
  assert_false(ASSERT_OK(sample.get_bool("snp_single_socket")));
}

}  // namespace

RUN_TESTS("reference_values", cmocka_unit_test(test_options), cmocka_unit_test(test_usage_errors),
          cmocka_unit_test(test_digests_match_snp_command), cmocka_unit_test(test_documents))
