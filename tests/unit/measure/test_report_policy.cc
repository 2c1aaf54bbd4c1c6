// The report policy: its JSON forms (policy document, reference values) with
// strict errors, and each check against the real Milan and Genoa reports.
#include "lib/core/file_io.h"
#include "lib/json/json_parse.h"
#include "lib/snp/evidence_json.h"
#include "measure/report_policy.h"
#include "tests/unit/test_support.h"

namespace {

using bp::measure::ReportPolicy;
using bp::snp::CheckList;
using bp::snp::TcbLayout;

const char kGenoaMeasurement[] =
    "6a6519d757e68c2e939c9dbbbc1828498e8de35d2766dd05f1a2cca5059d0cf4ae62a36d75c837974dd50b315506e73e";

bp::Result<ReportPolicy> parse(const std::string &text) {
  bp::Json doc = TRY(bp::parse_json(text, 1 << 20, 16));
  return bp::measure::parse_report_policy(doc);
}

bp::snp::AttestationReport milan() {
  return ASSERT_OK(
      bp::snp::parse_report(ASSERT_OK(bp::read_file("tests/data/snp/milan-v2-debug.bin", 4096))));
}

bp::snp::AttestationReport genoa() {
  std::string text = ASSERT_OK(bp::read_text_file("tests/data/trustee/snp-evidence-genoa.json", 1 << 20));
  return ASSERT_OK(bp::snp::parse_snp_evidence_json(ASSERT_OK(bp::parse_json(text, 1 << 20, 16)))).report;
}

void expect(const CheckList &checks, const char *name, bp::snp::CheckOutcome outcome, const char *part = "") {
  const bp::snp::Check *c = checks.find(name);
  if (!c) fail_msg("no check %s", name);
  if (c->outcome != outcome) {
    fail_msg("check %s: %s (%s)", name, bp::snp::check_outcome_name(c->outcome), c->detail.c_str());
  }
  if (c->detail.find(part) == std::string::npos)
    fail_msg("check %s: '%s' lacks '%s'", name, c->detail.c_str(), part);
}

constexpr auto kPass = bp::snp::CheckOutcome::pass;
constexpr auto kFail = bp::snp::CheckOutcome::fail;
constexpr auto kSkip = bp::snp::CheckOutcome::skip;

void test_default_policy(void **) {
  ReportPolicy policy;
  CheckList m;
  bp::measure::evaluate_report_policy(policy, milan(), TcbLayout::milan_genoa, m);
  expect(m, "debug", kFail, "0xb0000 allows debugging (bit 19)");
  expect(m, "migration_agent", kPass);
  assert_int_equal(m.checks().size(), 2);  // nothing workload-specific
  CheckList g;
  bp::measure::evaluate_report_policy(policy, genoa(), TcbLayout::milan_genoa, g);
  assert_true(g.all_passed());
  assert_int_equal(g.checks().size(), 2);

  // A migration agent is refused unless the policy allows it.
  bp::snp::AttestationReport with_ma = genoa();
  with_ma.policy |= 1 << 18;
  CheckList ma;
  bp::measure::evaluate_report_policy(policy, with_ma, TcbLayout::milan_genoa, ma);
  expect(ma, "migration_agent", kFail, "bit 18");
  policy.allow_migration_agent = true;
  CheckList ma_allowed;
  bp::measure::evaluate_report_policy(policy, with_ma, TcbLayout::milan_genoa, ma_allowed);
  expect(ma_allowed, "migration_agent", kPass, "which the policy permits");
}

void test_full_policy(void **) {
  ReportPolicy p = ASSERT_OK(parse(R"({"version": 1, "allow_debug": true, "allow_smt": true,
      "measurements": ["b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01"],
      "minimum_tcb": {"bootloader": 2, "snp": 5, "microcode": 68}, "vmpls": [0, 1],
      "host_data": "0000000000000000000000000000000000000000000000000000000000000000",
      "report_data": "0102030405", "guest_policy": "0x30000"})"));
  assert_true(p.allow_debug);
  assert_int_equal(p.measurements.size(), 1);
  assert_int_equal(p.report_data->size(), 64);
  CheckList m;
  bp::measure::evaluate_report_policy(p, milan(), TcbLayout::milan_genoa, m);
  for (const bp::snp::Check &c : m.checks()) {
    if (c.outcome != kPass) fail_msg("%s: %s", c.name.c_str(), c.detail.c_str());
  }
  expect(m, "debug", kPass, "which the policy permits");
  expect(m, "guest_policy", kPass, "0xb0000 matches 0x30000 (bit 19 aside)");
  assert_null(m.find("smt"));  // allow_smt true checks nothing
  expect(m, "measurement", kPass);
  expect(m, "minimum_tcb", kPass, "bootloader=2 tee=0 snp=5 microcode=68");
  expect(m, "vmpl", kPass);
  expect(m, "host_data", kPass);
  expect(m, "report_data", kPass);

  // The Genoa report fails every workload-specific item of that policy.
  CheckList g;
  bp::measure::evaluate_report_policy(p, genoa(), TcbLayout::milan_genoa, g);
  expect(g, "measurement", kFail, "not among the 1 allowed");
  expect(g, "report_data", kFail, "expected 0102030405");
  expect(g, "minimum_tcb", kFail, "microcode 25 < 68");
  // No product, no TCB split.
  CheckList unknown;
  bp::measure::evaluate_report_policy(p, genoa(), std::nullopt, unknown);
  expect(unknown, "minimum_tcb", kSkip);
}

void test_each_check_fails(void **) {
  ReportPolicy p = ASSERT_OK(parse(R"({"version": 1, "allow_smt": false,
      "minimum_tcb": {"bootloader": 11, "microcode": 26, "tee": 0, "snp": 0},
      "vmpls": [1, 2], "host_data": "11111111111111111111111111111111111111111111111111111111111111ff",
      "guest_policy": 196609})"));
  CheckList g;
  bp::measure::evaluate_report_policy(p, genoa(), TcbLayout::milan_genoa, g);
  expect(g, "smt", kFail, "SMT is enabled");
  expect(g, "minimum_tcb", kFail, "bootloader 10 < 11, microcode 25 < 26");
  expect(g, "vmpl", kFail, "VMPL 0, allowed: 1, 2");
  expect(g, "host_data", kFail, "expected 1111");
  expect(g, "guest_policy", kFail, "0x30000, expected 0x30001");
  bp::snp::AttestationReport no_smt = genoa();
  no_smt.platform_info &= ~1ull;
  CheckList n;
  bp::measure::evaluate_report_policy(p, no_smt, TcbLayout::milan_genoa, n);
  expect(n, "smt", kPass, "SMT is disabled");
  // An FMC minimum cannot hold for a Milan/Genoa TCB.
  ReportPolicy fmc = ASSERT_OK(parse(R"({"version": 1, "minimum_tcb": {"fmc": 1}})"));
  CheckList f;
  bp::measure::evaluate_report_policy(fmc, genoa(), TcbLayout::milan_genoa, f);
  expect(f, "minimum_tcb", kFail, "has none");
}

void test_reference_values_document(void **) {
  std::string doc =
      std::string(R"({"version": 1, "snp": {"measurements": [{"vcpus": 1, "vcpu_type": "EPYC-v4",
      "vmm_type": "QEMU", "guest_features": "0x1", "launch_digest": ")") +
      kGenoaMeasurement + R"("}], "guest_policy": "0x30000", "allow_debug": false,
      "minimum_tcb": {"bootloader": 0, "tee": 0, "snp": 0, "microcode": 0}, "future": 1},
      "verity_root_hash": "ab", "added_later": true})";
  ReportPolicy p = ASSERT_OK(parse(doc));
  assert_false(p.allow_debug);
  assert_int_equal(p.measurements.size(), 1);
  assert_int_equal(*p.guest_policy, 0x30000);
  assert_int_equal(p.vmpls.size(), 1);
  assert_false(p.host_data.has_value());
  CheckList g;
  bp::measure::evaluate_report_policy(p, genoa(), TcbLayout::milan_genoa, g);
  for (const bp::snp::Check &c : g.checks()) {
    if (c.outcome != kPass) fail_msg("%s: %s", c.name.c_str(), c.detail.c_str());
  }
  CheckList m;
  bp::measure::evaluate_report_policy(p, milan(), TcbLayout::milan_genoa, m);
  expect(m, "debug", kFail);
  expect(m, "measurement", kFail);
  ASSERT_ERROR_CONTAINS(parse(R"({"version": 1, "snp": {"measurements": [], "guest_policy": "0x30000",
      "allow_debug": false, "minimum_tcb": {}}})"),
                        "measurements: empty");
  ASSERT_ERROR_CONTAINS(parse(R"({"version": 1, "snp": {"measurements": [{"launch_digest": "abc"}]}})"),
                        "launch_digest: expected 96 hexadecimal digits");
}

void test_malformed_policies(void **) {
  ASSERT_ERROR_CONTAINS(parse("[]"), "expected a JSON object");
  ASSERT_ERROR_CONTAINS(parse("{}"), "$.version");
  ASSERT_ERROR_CONTAINS(parse(R"({"version": 2})"), "expected 1");
  ASSERT_ERROR_CONTAINS(parse(R"({"version": 1, "allow_debgu": true})"), "allow_debgu");
  ASSERT_ERROR_CONTAINS(parse(R"({"version": 1, "allow_debug": "yes"})"), "$.allow_debug");
  ASSERT_ERROR_CONTAINS(parse(R"({"version": 1, "measurements": []})"), "empty");
  ASSERT_ERROR_CONTAINS(parse(R"({"version": 1, "measurements": ["xyz"]})"), "$.measurements[0]");
  ASSERT_ERROR_CONTAINS(parse(R"({"version": 1, "minimum_tcb": {"bootloader": 256}})"), "bootloader");
  ASSERT_ERROR_CONTAINS(parse(R"({"version": 1, "minimum_tcb": {"boot": 1}})"), "boot");
  ASSERT_ERROR_CONTAINS(parse(R"({"version": 1, "vmpls": [4]})"), "$.vmpls[0]");
  ASSERT_ERROR_CONTAINS(parse(R"({"version": 1, "vmpls": []})"), "empty");
  ASSERT_ERROR_CONTAINS(parse(R"({"version": 1, "host_data": "00"})"), "expected 64 hexadecimal digits");
  ASSERT_ERROR_CONTAINS(parse(R"({"version": 1, "report_data": ""})"), "$.report_data");
  ASSERT_ERROR_CONTAINS(
      parse(std::string(R"({"version": 1, "report_data": ")") + std::string(130, 'a') + "\"}"),
      "$.report_data");
  ASSERT_ERROR_CONTAINS(parse(R"({"version": 1, "guest_policy": "030000"})"), "guest_policy");
  ASSERT_ERROR_CONTAINS(bp::measure::load_report_policy("tests/data/no-such-policy.json"),
                        "no-such-policy.json");
}

}  // namespace

RUN_TESTS("report_policy", cmocka_unit_test(test_default_policy), cmocka_unit_test(test_full_policy),
          cmocka_unit_test(test_each_check_fails), cmocka_unit_test(test_reference_values_document),
          cmocka_unit_test(test_malformed_policies))
