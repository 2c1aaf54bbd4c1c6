// bp-measure snp argument parsing: sev-snp-measure's option forms, defaults
// and usage errors.
#include "measure/options.h"
#include "measure/snp_command.h"
#include "tests/unit/test_support.h"

namespace {

using bp::measure::Arguments;

void test_defaults_and_forms(void **) {
  bp::measure::SnpRequest r = ASSERT_OK(bp::measure::parse_snp_request(
      Arguments{"--ovmf", "fw.bin", "--vcpus=4", "--vcpu-type", "EPYC-Milan"}));
  assert_string_equal(r.ovmf.c_str(), "fw.bin");
  assert_int_equal(r.config.vcpus, 4);
  assert_int_equal(r.config.vcpu_signature, 0xa00f11);
  assert_int_equal(r.config.guest_features, 0x1);  // sev-snp-measure's default
  assert_int_equal(static_cast<int>(r.config.vmm), static_cast<int>(bp::VmmType::qemu));
  assert_false(r.base64);
  assert_false(r.kernel.has_value());
  assert_false(r.dump_vmsa_dir.has_value());

  // The last repeat wins; --ovmf-hash is an alias of --snp-ovmf-hash.
  std::string seed(96, 'a');
  r = ASSERT_OK(bp::measure::parse_snp_request(
      Arguments{"--ovmf", "a", "--ovmf=b", "--vcpus", "1", "--vcpu-sig", "0x800f12", "--guest-features=33",
                "--vmm-type", "EC2", "--ovmf-hash", seed, "--dump-vmsa", "--output-format", "base64"}));
  assert_string_equal(r.ovmf.c_str(), "b");
  assert_int_equal(r.config.guest_features, 33);
  assert_int_equal(static_cast<int>(r.config.vmm), static_cast<int>(bp::VmmType::ec2));
  assert_true(r.config.ovmf_hash.has_value());
  assert_int_equal((*r.config.ovmf_hash)[0], 0xaa);
  assert_string_equal(r.dump_vmsa_dir->c_str(), ".");
  assert_true(r.base64);

  r = ASSERT_OK(bp::measure::parse_snp_request(
      Arguments{"--ovmf", "a", "--vcpus", "1", "--vcpu-type", "EPYC", "--dump-vmsa", "out", "-v"}));
  assert_string_equal(r.dump_vmsa_dir->c_str(), "out");
  assert_true(r.verbose);

  r = ASSERT_OK(bp::measure::parse_snp_request(Arguments{"--mode", "snp:ovmf-hash", "--ovmf", "a"}));
  assert_true(r.ovmf_hash_only);
}

void test_kernel_options(void **) {
  bp::measure::SnpRequest r = ASSERT_OK(bp::measure::parse_snp_request(
      Arguments{"--ovmf", "a", "--vcpus", "1", "--vcpu-type", "EPYC", "--kernel", "k", "--append", ""}));
  assert_string_equal(r.kernel->c_str(), "k");
  assert_string_equal(r.append->c_str(), "");
  ASSERT_ERROR_CONTAINS(bp::measure::parse_snp_request(
                            Arguments{"--ovmf", "a", "--vcpus", "1", "--vcpu-type", "EPYC", "--append", "x"}),
                        "--kernel required when using --append");
  // An empty --kernel means no kernel, as in sev-snp-measure.
  r = ASSERT_OK(bp::measure::parse_snp_request(
      Arguments{"--ovmf", "a", "--vcpus", "1", "--vcpu-type", "EPYC", "--kernel", "", "--initrd", "i"}));
  assert_false(r.kernel.has_value());
  assert_false(r.initrd.has_value());
}

void test_usage_errors(void **) {
  auto parse = [](const Arguments &a) { return bp::measure::parse_snp_request(a); };
  ASSERT_ERROR_CONTAINS(parse({"--vcpus", "1"}), "required: --ovmf");
  ASSERT_ERROR_CONTAINS(parse({"--ovmf", "a", "--vcpus"}), "expected one argument");
  ASSERT_ERROR_CONTAINS(parse({"--ovmf", "a", "--vcpus", "x1", "--vcpu-type", "EPYC"}), "invalid value 'x1'");
  ASSERT_ERROR_CONTAINS(parse({"--ovmf", "a", "--vcpus", "5000", "--vcpu-type", "EPYC"}), "out of range");
  ASSERT_ERROR_CONTAINS(parse({"--ovmf", "a", "--vcpus", "1"}), "missing --vcpu-type");
  ASSERT_ERROR_CONTAINS(parse({"--ovmf", "a", "--vcpus", "1", "--vcpu-sig", "0x1ffffffff"}), "32 bits");
  ASSERT_ERROR_CONTAINS(parse({"--ovmf", "a", "--vcpus", "1", "--vcpu-family", "25"}),
                        "requires --vcpu-model");
  ASSERT_ERROR_CONTAINS(
      parse({"--ovmf", "a", "--vcpus", "1", "--vcpu-type", "EPYC", "--guest-features", "0xzz"}),
      "invalid value");
  ASSERT_ERROR_CONTAINS(parse({"--ovmf", "a", "--vcpus", "1", "--vcpu-type", "EPYC", "-v=1"}),
                        "unrecognized");
  ASSERT_ERROR_CONTAINS(parse({"--ovmf", "a", "--vcpus", "1", "--vcpu-type", "EPYC", "--verbose=1"}),
                        "ignored explicit argument");
  ASSERT_ERROR_CONTAINS(parse({"--ovmf", "a", "--vcpus", "1", "--vcpu-type", "EPYC", "extra"}),
                        "unrecognized arguments: extra");
  ASSERT_ERROR_CONTAINS(parse({"--ovmf", "a", "--vcpus", "1", "--vcpu-type", "EPYC", "--snp-ovmf-hash",
                               std::string(96, '0'), "--ovmf-hash", std::string(96, '1')}),
                        "disagree");
}

void test_integer_forms(void **) {
  using bp::measure::parse_integer_option;
  assert_int_equal(ASSERT_OK(parse_integer_option("--x", "0x21")), 0x21);
  assert_int_equal(ASSERT_OK(parse_integer_option("--x", "0X21")), 0x21);
  assert_int_equal(ASSERT_OK(parse_integer_option("--x", "33")), 33);
  assert_int_equal(ASSERT_OK(parse_integer_option("--x", "0")), 0);
  assert_int_equal(ASSERT_OK(parse_integer_option("--x", "0b101")), 5);
  assert_int_equal(ASSERT_OK(parse_integer_option("--x", "0o17")), 15);
  ASSERT_ERROR_CONTAINS(parse_integer_option("--x", "010"), "leading zeros");
  ASSERT_ERROR_CONTAINS(parse_integer_option("--x", "0x"), "invalid value");
  ASSERT_ERROR_CONTAINS(parse_integer_option("--x", "-1"), "invalid value");
  ASSERT_ERROR_CONTAINS(parse_integer_option("--x", "0x1ffffffffffffffff"), "invalid value");
  ASSERT_ERROR_CONTAINS(bp::measure::parse_decimal_option("--x", ""), "invalid value");
}

}  // namespace

RUN_TESTS("measure/snp_options", cmocka_unit_test(test_defaults_and_forms),
          cmocka_unit_test(test_kernel_options), cmocka_unit_test(test_usage_errors),
          cmocka_unit_test(test_integer_forms))
