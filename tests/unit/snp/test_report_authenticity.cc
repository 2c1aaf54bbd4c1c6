// Report authenticity against real AMD data (the Genoa evidence, the Milan
// report and VCEK, AMD's pinned chains) and the synthetic Turin chain
// (VCEK with FMC and an 8-byte hwID, VLEK through a certificate table).
#include "lib/core/file_io.h"
#include "lib/json/json_parse.h"
#include "lib/snp/evidence_json.h"
#include "lib/snp/report_authenticity.h"
#include "tests/unit/test_support.h"

namespace {

using bp::snp::CheckList;
using bp::snp::CheckOutcome;
using bp::snp::EndorsementInput;
using bp::snp::Product;

// 2025-06-01T00:00:00Z: inside the validity of every real certificate here.
constexpr int64_t kNow = 1748736000;
// 2024-06-01T00:00:00Z: inside the synthetic VLEK's single year.
constexpr int64_t kSyntheticNow = 1717200000;

bp::Bytes read(const std::string &path) { return ASSERT_OK(bp::read_file(path, 1 << 20)); }

EndorsementInput der_input(const std::string &path, std::optional<bp::snp::CertKind> kind = std::nullopt) {
  return {path, kind, ASSERT_OK(bp::Certificate::parse_der(read(path)))};
}

std::vector<EndorsementInput> pem_inputs(const std::string &path) {
  bp::Bytes pem = read(path);
  std::vector<bp::Certificate> certs =
      ASSERT_OK(bp::Certificate::parse_pem(bp::ByteView(pem).as_string_view()));
  std::vector<EndorsementInput> out;
  out.reserve(certs.size());
  for (bp::Certificate &c : certs) out.push_back({path, std::nullopt, std::move(c)});
  return out;
}

struct Genoa {
  bp::snp::AttestationReport report;
  std::vector<EndorsementInput> certs;
};

Genoa genoa() {
  std::string text = ASSERT_OK(bp::read_text_file("tests/data/trustee/snp-evidence-genoa.json", 1 << 20));
  bp::snp::SnpEvidence e =
      ASSERT_OK(bp::snp::parse_snp_evidence_json(ASSERT_OK(bp::parse_json(text, 1 << 20, 16))));
  Genoa g{e.report, {}};
  for (const bp::snp::CertTableEntry &entry : e.certs.entries) {
    g.certs.push_back({"evidence", entry.kind(), ASSERT_OK(bp::Certificate::parse_der(entry.data))});
  }
  return g;
}

bp::snp::AttestationReport milan_report() {
  return ASSERT_OK(bp::snp::parse_report(read("tests/data/snp/milan-v2-debug.bin")));
}

bp::snp::AuthenticityOptions amd_options(std::optional<Product> product = std::nullopt, int64_t now = kNow) {
  bp::snp::AuthenticityOptions o;
  o.product = product;
  o.now = now;
  o.roots = bp::snp::amd_trusted_roots();
  return o;
}

// The synthetic test chain as the only trusted roots (for Turin).
struct SyntheticRoots {
  bp::Bytes ark = read("tests/data/snp/synthetic/ark.der");
  bp::Bytes ask = read("tests/data/snp/synthetic/ask.der");
  bp::Bytes asvk = read("tests/data/snp/synthetic/asvk.der");
  bp::snp::AuthenticityOptions options(int64_t now = kSyntheticNow) const {
    bp::snp::AuthenticityOptions o;
    o.now = now;
    o.roots = {{Product::turin, ark, ask, asvk}};
    return o;
  }
};

const char *outcome(const CheckList &checks, const char *name) {
  const bp::snp::Check *c = checks.find(name);
  if (!c) fail_msg("no check named %s", name);
  return bp::snp::check_outcome_name(c->outcome);
}

void expect(const CheckList &checks, const char *name, const char *result, const char *detail_part = "") {
  const bp::snp::Check *c = checks.find(name);
  if (!c) fail_msg("no check named %s", name);
  if (std::string(bp::snp::check_outcome_name(c->outcome)) != result) {
    fail_msg("check %s: %s (%s), expected %s", name, bp::snp::check_outcome_name(c->outcome),
             c->detail.c_str(), result);
  }
  if (c->detail.find(detail_part) == std::string::npos) {
    fail_msg("check %s: detail '%s' lacks '%s'", name, c->detail.c_str(), detail_part);
  }
}

void expect_all_pass(const CheckList &checks) {
  for (const bp::snp::Check &c : checks.checks()) {
    if (c.outcome != CheckOutcome::pass) {
      fail_msg("check %s: %s: %s", c.name.c_str(), bp::snp::check_outcome_name(c.outcome), c.detail.c_str());
    }
  }
  assert_true(checks.all_passed());
}

const char *const kAllChecks[] = {"product",  "signing_key", "vek",     "ark",      "ask",      "vek_chain",
                                  "validity", "vek_product", "vek_tcb", "vek_hwid", "signature"};

void test_genoa_evidence_is_genuine(void **) {
  Genoa g = genoa();
  CheckList checks;
  bp::snp::Authenticity a = bp::snp::check_authenticity(g.report, g.certs, amd_options(), checks);
  expect_all_pass(checks);
  assert_int_equal(checks.checks().size(), sizeof kAllChecks / sizeof kAllChecks[0]);
  for (size_t i = 0; i < checks.checks().size(); ++i) {
    assert_string_equal(checks.checks()[i].name.c_str(), kAllChecks[i]);
  }
  assert_int_equal(static_cast<int>(*a.product), static_cast<int>(Product::genoa));
  expect(checks, "product", "pass", "Genoa (CPUID family 0x19 model 0xa0");
  expect(checks, "ask", "pass", "built in");
  expect(checks, "vek_product", "pass", "'Genoa'");
  // The same with the product stated, and with AMD's Genoa ASK+ARK given.
  CheckList stated;
  std::vector<EndorsementInput> certs = std::move(g.certs);
  for (EndorsementInput &c : pem_inputs("tests/data/snp/ask_ark_genoa.pem")) certs.push_back(std::move(c));
  bp::snp::check_authenticity(g.report, certs, amd_options(Product::genoa), stated);
  expect_all_pass(stated);
  expect(stated, "ark", "pass", "1 given ARK(s) match");
  expect(stated, "ask", "pass", "tests/data/snp/ask_ark_genoa.pem");
}

void test_milan_report_is_genuine(void **) {
  std::vector<EndorsementInput> certs;
  certs.push_back(der_input("tests/data/snp/milan-v2-debug.vcek.der"));
  CheckList checks;
  bp::snp::check_authenticity(milan_report(), certs, amd_options(Product::milan), checks);
  expect_all_pass(checks);
  expect(checks, "product", "pass", "Milan (given; a version 2 report");
  expect(checks, "vek_product", "pass", "Milan-B0");
  expect(checks, "vek_tcb", "pass", "bootloader=2 tee=0 snp=5 microcode=68");

  // A version 2 report needs the product.
  CheckList unstated;
  bp::snp::check_authenticity(milan_report(), certs, amd_options(), unstated);
  expect(unstated, "product", "fail", "give --product");
  expect(unstated, "ark", "skip");
  expect(unstated, "vek_tcb", "skip");
  expect(unstated, "signature", "pass");
  assert_false(unstated.all_passed());
}

// Every byte the signature covers matters: flipping any of them makes the
// report unparseable (reserved bytes, version) or fails a check.
void test_every_signed_byte_matters(void **) {
  bp::Bytes raw = read("tests/data/snp/milan-v2-debug.bin");
  std::vector<EndorsementInput> certs;
  certs.push_back(der_input("tests/data/snp/milan-v2-debug.vcek.der"));
  bp::snp::AuthenticityOptions options = amd_options(Product::milan);
  size_t unparseable = 0;
  for (size_t i = 0; i < bp::snp::kSignedSize; ++i) {
    bp::Bytes flipped = raw;
    flipped[i] ^= 0x01;
    bp::Result<bp::snp::AttestationReport> report = bp::snp::parse_report(flipped);
    if (!report.ok()) {
      ++unparseable;
      continue;
    }
    CheckList checks;
    bp::snp::check_authenticity(report.value(), certs, options, checks);
    if (checks.all_passed()) fail_msg("flipping byte 0x%zx still verifies", i);
    if (std::string(outcome(checks, "signature")) == "pass") fail_msg("byte 0x%zx: signature passes", i);
  }
  // Version bytes 1-3 (the low byte turns 2 into 3, which parses), the
  // must-be-zero bits of key_info (0x49-0x4b), and the reserved ranges of a
  // v2 report: 0x4c-0x4f, 0x188-0x19f, 0x1eb, 0x1ef, 0x1f8-0x29f.
  assert_int_equal(unparseable, 3 + 3 + 4 + 24 + 1 + 1 + 0xa8);

  // A sample of the same over the Genoa evidence (version 3), re-encoded:
  // every ECDSA verification costs milliseconds under the sanitizers.
  Genoa g = genoa();
  bp::Bytes genoa_raw = ASSERT_OK(bp::snp::serialize_report(g.report));
  bp::snp::AuthenticityOptions genoa_options = amd_options();
  for (size_t i = 0; i < bp::snp::kSignedSize; i += 13) {
    bp::Bytes flipped = genoa_raw;
    flipped[i] ^= 0x80;
    bp::Result<bp::snp::AttestationReport> report = bp::snp::parse_report(flipped);
    if (!report.ok()) continue;
    CheckList checks;
    bp::snp::check_authenticity(report.value(), g.certs, genoa_options, checks);
    if (checks.all_passed()) fail_msg("Genoa: flipping byte 0x%zx still verifies", i);
  }
}

void test_wrong_product_chains(void **) {
  std::vector<EndorsementInput> milan_vcek;
  milan_vcek.push_back(der_input("tests/data/snp/milan-v2-debug.vcek.der"));
  // The Milan report declared as Genoa: the VCEK is not from the Genoa ASK.
  CheckList as_genoa;
  bp::snp::check_authenticity(milan_report(), milan_vcek, amd_options(Product::genoa), as_genoa);
  expect(as_genoa, "vek_chain", "fail", "SEV-Milan");
  expect(as_genoa, "vek_product", "fail", "'Milan-B0' is not Genoa");
  assert_false(as_genoa.all_passed());

  // Milan VCEK with the Genoa ASK and ARK given: the ARK is not Milan's pin.
  std::vector<EndorsementInput> with_genoa_chain;
  with_genoa_chain.push_back(der_input("tests/data/snp/milan-v2-debug.vcek.der"));
  for (EndorsementInput &c : pem_inputs("tests/data/snp/ask_ark_genoa.pem"))
    with_genoa_chain.push_back(std::move(c));
  CheckList genoa_chain;
  bp::snp::check_authenticity(milan_report(), with_genoa_chain, amd_options(Product::milan), genoa_chain);
  expect(genoa_chain, "ark", "fail", "does not have the key of the pinned Milan ARK");
  assert_false(genoa_chain.all_passed());

  // Only the Genoa ASK (no ARK): it is not signed by the Milan ARK.
  std::vector<EndorsementInput> with_genoa_ask;
  with_genoa_ask.push_back(der_input("tests/data/snp/milan-v2-debug.vcek.der"));
  with_genoa_ask.push_back(std::move(pem_inputs("tests/data/snp/ask_ark_genoa.pem")[0]));
  CheckList genoa_ask;
  bp::snp::check_authenticity(milan_report(), with_genoa_ask, amd_options(Product::milan), genoa_ask);
  expect(genoa_ask, "ask", "fail", "ARK-Milan");
  expect(genoa_ask, "vek_chain", "skip");

  // The Genoa evidence declared as Milan: the CPUID disagrees.
  Genoa g = genoa();
  CheckList genoa_as_milan;
  bp::snp::check_authenticity(g.report, g.certs, amd_options(Product::milan), genoa_as_milan);
  expect(genoa_as_milan, "product", "fail", "is Genoa, not Milan");

  // The Genoa report with the Milan VCEK: chip, TCB and signature all differ.
  CheckList swapped;
  bp::snp::check_authenticity(g.report, milan_vcek, amd_options(), swapped);
  expect(swapped, "vek_chain", "fail");
  expect(swapped, "vek_product", "fail");
  expect(swapped, "vek_tcb", "fail", "bootloader=2");
  expect(swapped, "vek_hwid", "fail");
  expect(swapped, "signature", "fail");
}

void test_validity_and_missing_certificates(void **) {
  std::vector<EndorsementInput> certs;
  certs.push_back(der_input("tests/data/snp/milan-v2-debug.vcek.der"));
  bp::Certificate vcek =
      ASSERT_OK(bp::Certificate::parse_der(read("tests/data/snp/milan-v2-debug.vcek.der")));
  CheckList early;
  bp::snp::check_authenticity(milan_report(), certs, amd_options(Product::milan, vcek.not_before() - 1),
                              early);
  expect(early, "validity", "fail", "not valid before");
  CheckList late;
  bp::snp::check_authenticity(milan_report(), certs, amd_options(Product::milan, vcek.not_after() + 1), late);
  expect(late, "validity", "fail", "expired");
  CheckList edge;
  bp::snp::check_authenticity(milan_report(), certs, amd_options(Product::milan, vcek.not_after()), edge);
  expect(edge, "validity", "pass");

  CheckList none;
  bp::snp::check_authenticity(milan_report(), {}, amd_options(Product::milan), none);
  expect(none, "vek", "fail", "does not fetch from AMD's KDS");
  expect(none, "signature", "skip");
  expect(none, "ask", "pass", "built in");

  std::vector<EndorsementInput> two;
  two.push_back(der_input("tests/data/snp/milan-v2-debug.vcek.der"));
  two.push_back(der_input("tests/data/snp/milan-v2-debug.vcek.der", bp::snp::CertKind::vcek));
  CheckList twice;
  bp::snp::check_authenticity(milan_report(), two, amd_options(Product::milan), twice);
  expect(twice, "vek", "fail", "2 VCEK certificates");

  // A report that says "not signed".
  bp::snp::AttestationReport unsigned_report = milan_report();
  unsigned_report.key_info = 7 << 2;
  CheckList unsigned_checks;
  bp::snp::check_authenticity(unsigned_report, certs, amd_options(Product::milan), unsigned_checks);
  expect(unsigned_checks, "signing_key", "fail", "not signed");
  expect(unsigned_checks, "vek", "skip");
}

void test_masked_chip_id(void **) {
  std::vector<EndorsementInput> certs;
  certs.push_back(der_input("tests/data/snp/milan-v2-debug.vcek.der"));
  bp::snp::AttestationReport r = milan_report();
  r.key_info |= 2;  // MASK_CHIP_KEY
  r.chip_id.fill(0);
  CheckList checks;
  bp::snp::check_authenticity(r, certs, amd_options(Product::milan), checks);
  expect(checks, "vek_hwid", "fail", "masked");
}

void test_turin_vcek(void **) {
  SyntheticRoots roots;
  bp::snp::AttestationReport r =
      ASSERT_OK(bp::snp::parse_report(read("tests/data/snp/synthetic/turin-v5-vcek.bin")));
  std::vector<EndorsementInput> certs;
  certs.push_back(der_input("tests/data/snp/synthetic/turin-vcek.der"));
  CheckList checks;
  bp::snp::check_authenticity(r, certs, roots.options(), checks);
  expect_all_pass(checks);
  expect(checks, "product", "pass", "Turin");
  expect(checks, "vek_tcb", "pass", "fmc=1 bootloader=1 tee=1 snp=4 microcode=82");
  expect(checks, "vek_hwid", "pass");

  // Another chip: only the first 8 bytes count on Turin.
  bp::snp::AttestationReport other = r;
  other.chip_id[7] ^= 1;
  CheckList other_chip;
  bp::snp::check_authenticity(other, certs, roots.options(), other_chip);
  expect(other_chip, "vek_hwid", "fail", "is not CHIP_ID");
  // Another FMC level: the SPLs no longer match.
  bp::snp::AttestationReport newer = r;
  newer.reported_tcb += 1;  // FMC is byte 0 on Turin
  CheckList newer_tcb;
  bp::snp::check_authenticity(newer, certs, roots.options(), newer_tcb);
  expect(newer_tcb, "vek_tcb", "fail", "fmc=2");

  // The synthetic chain is not AMD's: against the pinned roots it fails.
  CheckList pinned;
  std::vector<EndorsementInput> with_chain;
  with_chain.push_back(der_input("tests/data/snp/synthetic/turin-vcek.der"));
  for (EndorsementInput &c : pem_inputs("tests/data/snp/synthetic/ask_ark.pem"))
    with_chain.push_back(std::move(c));
  bp::snp::check_authenticity(r, with_chain, amd_options(std::nullopt, kSyntheticNow), pinned);
  expect(pinned, "ark", "fail", "pinned Turin ARK");
  CheckList pinned_no_ark;
  bp::snp::check_authenticity(r, certs, amd_options(std::nullopt, kSyntheticNow), pinned_no_ark);
  expect(pinned_no_ark, "ask", "pass", "built in");
  expect(pinned_no_ark, "vek_chain", "fail");
}

void test_turin_vlek(void **) {
  SyntheticRoots roots;
  bp::snp::AttestationReport r =
      ASSERT_OK(bp::snp::parse_report(read("tests/data/snp/synthetic/turin-v3-vlek.bin")));
  bp::snp::CertTable table =
      ASSERT_OK(bp::snp::parse_cert_table(read("tests/data/snp/synthetic/turin-vlek-certs.bin")));
  std::vector<EndorsementInput> certs;
  for (const bp::snp::CertTableEntry &e : table.entries) {
    certs.push_back({"table", e.kind(), ASSERT_OK(bp::Certificate::parse_der(e.data))});
  }
  CheckList checks;
  bp::snp::check_authenticity(r, certs, roots.options(), checks);
  expect_all_pass(checks);
  expect(checks, "signing_key", "pass", "VLEK");
  expect(checks, "ask", "pass", "ASVK CN=SEV-VLEK-Turin (table)");
  expect(checks, "vek_hwid", "pass", "CN=test-csp.invalid");

  // The VLEK expired at the end of 2024.
  CheckList expired;
  bp::snp::check_authenticity(r, certs, roots.options(1735689600 + 1), expired);
  expect(expired, "validity", "fail", "expired");

  // Only a VCEK given for a VLEK-signed report.
  std::vector<EndorsementInput> vcek_only;
  vcek_only.push_back(der_input("tests/data/snp/synthetic/turin-vcek.der"));
  CheckList wrong_key;
  bp::snp::check_authenticity(r, vcek_only, roots.options(), wrong_key);
  expect(wrong_key, "vek", "fail", "no VLEK certificate");
  // A VLEK certificate where the report names the VCEK.
  bp::snp::AttestationReport as_vcek = r;
  as_vcek.key_info = 0;
  CheckList vcek_report;
  bp::snp::check_authenticity(as_vcek, certs, roots.options(), vcek_report);
  expect(vcek_report, "vek", "fail", "no VCEK certificate");
}

}  // namespace

RUN_TESTS("report_authenticity", cmocka_unit_test(test_genoa_evidence_is_genuine),
          cmocka_unit_test(test_milan_report_is_genuine), cmocka_unit_test(test_every_signed_byte_matters),
          cmocka_unit_test(test_wrong_product_chains),
          cmocka_unit_test(test_validity_and_missing_certificates), cmocka_unit_test(test_masked_chip_id),
          cmocka_unit_test(test_turin_vcek), cmocka_unit_test(test_turin_vlek))
