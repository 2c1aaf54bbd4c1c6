// `bp-measure report` inputs are untrusted: truncated and mutated reports,
// evidence JSON, certificates and certificate tables end in an error that
// names the input (under ASan: never a crash). Also the `show` JSON.
#include <random>

#include "lib/core/file_io.h"
#include "lib/json/json_write.h"
#include "measure/report_fields_json.h"
#include "measure/report_input.h"
#include "tests/unit/test_support.h"

namespace {

using bp::measure::parse_certificate_input;
using bp::measure::parse_report_input;

bp::Bytes read(const char *path) { return ASSERT_OK(bp::read_file(path, 1 << 20)); }

bp::Bytes prefix(const bp::Bytes &b, size_t n) {
  return bp::Bytes(b.begin(), b.begin() + static_cast<long>(n));
}

void test_reports_by_content(void **) {
  bp::measure::ReportInput bin =
      ASSERT_OK(parse_report_input(read("tests/data/snp/milan-v2-debug.bin"), "m"));
  assert_int_equal(static_cast<int>(bin.format), static_cast<int>(bp::measure::ReportFormat::binary));
  assert_int_equal(bin.report.version, 2);
  assert_true(bin.certs.certificates.empty());
  bp::measure::ReportInput json =
      ASSERT_OK(parse_report_input(read("tests/data/trustee/snp-evidence-genoa.json"), "g"));
  assert_int_equal(static_cast<int>(json.format), static_cast<int>(bp::measure::ReportFormat::evidence_json));
  assert_int_equal(json.report.version, 3);
  assert_int_equal(json.certs.certificates.size(), 1);
  assert_string_equal(json.certs.certificates[0].source.c_str(), "g: cert_chain entry VCEK");
  assert_int_equal(static_cast<int>(*json.certs.certificates[0].kind),
                   static_cast<int>(bp::snp::CertKind::vcek));
  // Leading whitespace still means JSON.
  bp::Bytes spaced = bp::Bytes{' ', '\n'};
  bp::Bytes genoa = read("tests/data/trustee/snp-evidence-genoa.json");
  spaced.insert(spaced.end(), genoa.begin(), genoa.end());
  ASSERT_OK(parse_report_input(spaced, "g"));
}

void test_truncated_reports(void **) {
  bp::Bytes raw = read("tests/data/snp/milan-v2-debug.bin");
  for (size_t n = 0; n < raw.size(); ++n) {
    ASSERT_ERROR_CONTAINS(parse_report_input(prefix(raw, n), "r.bin"), "r.bin: ");
  }
  bp::Bytes longer = raw;
  longer.push_back(0);
  ASSERT_ERROR_CONTAINS(parse_report_input(longer, "r.bin"), "1185 bytes: neither an attestation report");
  bp::Bytes reserved = raw;
  reserved[0x4c] = 1;
  ASSERT_ERROR_CONTAINS(parse_report_input(reserved, "r.bin"), "r.bin: attestation report: reserved field");
}

void test_truncated_and_mutated_evidence(void **) {
  bp::Bytes json = read("tests/data/trustee/snp-evidence-genoa.json");
  for (size_t n = 0; n < json.size(); ++n) {
    bp::Result<bp::measure::ReportInput> r = parse_report_input(prefix(json, n), "e.json");
    if (r.ok()) fail_msg("a %zu-byte prefix parsed", n);
    if (r.error().message().find("e.json") == std::string::npos) fail_msg("%s", r.error().message().c_str());
  }
  std::string text(json.begin(), json.end());
  auto replaced = [&](const std::string &from, const std::string &to) {
    std::string t = text;
    size_t at = t.find(from);
    if (at == std::string::npos) fail_msg("fixture lacks %s", from.c_str());
    t.replace(at, from.size(), to);
    return bp::Bytes(t.begin(), t.end());
  };
  ASSERT_ERROR_CONTAINS(parse_report_input(replaced("\"version\":3", "\"version\":\"3\""), "e"), "version");
  ASSERT_ERROR_CONTAINS(parse_report_input(replaced("\"version\":3", "\"version\":9"), "e"), "version");
  ASSERT_ERROR_CONTAINS(parse_report_input(replaced("\"vmpl\":0", "\"vmpl\":0,\"extra\":1"), "e"), "extra");
  ASSERT_ERROR_CONTAINS(parse_report_input(replaced("\"cert_type\":\"VCEK\"", "\"cert_type\":\"XYZ\""), "e"),
                        "cert_type");
  // A certificate entry whose bytes are no certificate.
  ASSERT_ERROR_CONTAINS(parse_report_input(replaced("\"data\":[48,130", "\"data\":[49,130"), "e"),
                        "e: cert_chain entry VCEK");
  ASSERT_ERROR_CONTAINS(parse_report_input(replaced("\"data\":[48,130", "\"data\":[300,130"), "e"), "data");
  // Random single-byte mutations: parsed or refused, never a crash.
  std::mt19937 rng(20251126);
  size_t refused = 0;
  for (int i = 0; i < 3000; ++i) {
    bp::Bytes m = json;
    m[rng() % m.size()] = static_cast<uint8_t>(rng());
    if (!parse_report_input(m, "e").ok()) ++refused;
  }
  assert_true(refused > 1500);
}

void test_certificate_files(void **) {
  bp::measure::CertificateSet der =
      ASSERT_OK(parse_certificate_input(read("tests/data/snp/milan-v2-debug.vcek.der"), "v.der"));
  assert_int_equal(der.certificates.size(), 1);
  assert_false(der.certificates[0].kind.has_value());
  bp::measure::CertificateSet pem =
      ASSERT_OK(parse_certificate_input(read("tests/data/snp/ask_ark_milan.pem"), "c.pem"));
  assert_int_equal(pem.certificates.size(), 2);
  assert_string_equal(pem.certificates[1].source.c_str(), "c.pem #2");
  bp::measure::CertificateSet table =
      ASSERT_OK(parse_certificate_input(read("tests/data/snp/synthetic/turin-vlek-certs.bin"), "t.bin"));
  assert_int_equal(table.certificates.size(), 3);
  assert_string_equal(table.certificates[0].source.c_str(), "t.bin entry VLEK");
  assert_int_equal(static_cast<int>(*table.certificates[1].kind), static_cast<int>(bp::snp::CertKind::ask));

  ASSERT_ERROR_CONTAINS(parse_certificate_input(bp::Bytes(), "empty"), "empty: empty file");
  ASSERT_ERROR_CONTAINS(parse_certificate_input(bp::Bytes(24, 0), "zeros"),
                        "zeros: the certificate table is empty");
  ASSERT_ERROR_CONTAINS(parse_certificate_input(bp::Bytes{'h', 'i'}, "text"), "text: certificate table");
}

void test_truncated_certificates(void **) {
  bp::Bytes vcek = read("tests/data/snp/milan-v2-debug.vcek.der");
  for (size_t n = 1; n < vcek.size(); ++n) {
    ASSERT_ERROR_CONTAINS(parse_certificate_input(prefix(vcek, n), "v.der"), "v.der");
  }
  bp::Bytes trailing = vcek;
  trailing.push_back(0);
  ASSERT_ERROR_CONTAINS(parse_certificate_input(trailing, "v.der"), "v.der");
  bp::Bytes pem = read("tests/data/snp/ask_ark_milan.pem");
  for (size_t n = 1; n < pem.size() - 30; n += 7) {
    bp::Result<bp::measure::CertificateSet> r = parse_certificate_input(prefix(pem, n), "c.pem");
    // A prefix holding the whole first block is a valid one-certificate file.
    if (r.ok()) {
      assert_int_equal(r.value().certificates.size(), 1);
    } else if (r.error().message().find("c.pem") == std::string::npos) {
      fail_msg("%s", r.error().message().c_str());
    }
  }
}

void test_malformed_cert_tables(void **) {
  bp::Bytes table = read("tests/data/snp/synthetic/turin-vlek-certs.bin");
  for (size_t n = 1; n < table.size(); ++n) {
    bp::Result<bp::measure::CertificateSet> r = parse_certificate_input(prefix(table, n), "t.bin");
    if (r.ok()) fail_msg("a %zu-byte prefix of the table parsed", n);
  }
  auto with_u32 = [&](size_t at, uint32_t v) {
    bp::Bytes t = table;
    for (int i = 0; i < 4; ++i) t[at + i] = static_cast<uint8_t>(v >> (8 * i));
    return t;
  };
  ASSERT_ERROR_CONTAINS(parse_certificate_input(with_u32(16, 8), "t"), "points into the table");
  ASSERT_ERROR_CONTAINS(parse_certificate_input(with_u32(20, 0xfffffff0), "t"), "past the end");
  ASSERT_ERROR_CONTAINS(parse_certificate_input(with_u32(24 + 16, 96), "t"), "overlaps entry 0");
  ASSERT_ERROR_CONTAINS(parse_certificate_input(with_u32(20, 0), "t"), "empty");
  // An entry that is not a certificate.
  bp::Bytes garbage = table;
  garbage[96] = 0x31;
  ASSERT_ERROR_CONTAINS(parse_certificate_input(garbage, "t"), "t entry VLEK");
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    bp::Bytes m = table;
    size_t at = rng() % (i % 2 ? 96 : m.size());
    m[at] = static_cast<uint8_t>(rng());
    (void)parse_certificate_input(m, "t");
  }
}

void test_show_json(void **) {
  bp::measure::ReportInput milan =
      ASSERT_OK(parse_report_input(read("tests/data/snp/milan-v2-debug.bin"), "m"));
  std::string m =
      ASSERT_OK(bp::json_compact(ASSERT_OK(bp::measure::report_fields_json(milan.report, std::nullopt))));
  // v2: no CPUID; the layout comes from the chip ID's shape.
  assert_non_null(strstr(m.c_str(), "\"version\":2,"));
  assert_non_null(strstr(m.c_str(), "\"debug_allowed\":true"));
  assert_non_null(strstr(m.c_str(), "\"raw\":\"0xb0000\""));
  assert_non_null(strstr(m.c_str(),
                         "\"reported_tcb\":{\"raw\":\"0x4405000000000002\",\"layout\":\"Milan/Genoa\","
                         "\"bootloader\":2,\"tee\":0,\"snp\":5,\"microcode\":68}"));
  assert_non_null(strstr(m.c_str(), "\"cpuid_fam_id\":null"));
  assert_non_null(strstr(m.c_str(), "\"signing_key\":\"VCEK\""));
  assert_non_null(strstr(m.c_str(), "\"report_data\":\"0102030405000000"));
  assert_non_null(strstr(m.c_str(), "\"current_version\":{\"major\":1,\"minor\":49,\"build\":3}"));
  assert_non_null(strstr(m.c_str(), "\"launch_mit_vector\":null"));

  bp::measure::ReportInput turin =
      ASSERT_OK(parse_report_input(read("tests/data/snp/synthetic/turin-v5-vcek.bin"), "t"));
  std::string t = ASSERT_OK(
      bp::json_compact(ASSERT_OK(bp::measure::report_fields_json(turin.report, bp::snp::Product::turin))));
  assert_non_null(strstr(t.c_str(),
                         "\"reported_tcb\":{\"raw\":\"0x5200000004010101\",\"layout\":\"Turin\","
                         "\"fmc\":1,\"bootloader\":1,\"tee\":1,\"snp\":4,\"microcode\":82}"));
  assert_non_null(strstr(t.c_str(), "\"cpuid_fam_id\":26,\"cpuid_mod_id\":2,\"cpuid_step\":1"));
  assert_non_null(strstr(t.c_str(), "\"launch_mit_vector\":\"0x3\""));
  assert_non_null(strstr(t.c_str(), "\"smt_enabled\":true,\"tsme_enabled\":false,\"ecc_enabled\":true"));

  bp::measure::CertificateSet certs =
      ASSERT_OK(parse_certificate_input(read("tests/data/snp/synthetic/turin-vlek-certs.bin"), "t.bin"));
  std::string c = ASSERT_OK(bp::json_compact(ASSERT_OK(bp::measure::certificates_json(certs))));
  assert_non_null(strstr(c.c_str(), "\"source\":\"t.bin entry VLEK\",\"kind\":\"VLEK\""));
  assert_non_null(strstr(c.c_str(), "\"csp_id\":\"CN=test-csp.invalid\""));
  assert_non_null(strstr(c.c_str(), "\"fmc_spl\":1"));
  assert_non_null(strstr(c.c_str(), "\"not_after\":\"2025-01-01T00:00:00Z\""));
  assert_non_null(strstr(c.c_str(), "\"key\":\"RSA 2048 bits\""));
}

}  // namespace

RUN_TESTS("report_input", cmocka_unit_test(test_reports_by_content), cmocka_unit_test(test_truncated_reports),
          cmocka_unit_test(test_truncated_and_mutated_evidence), cmocka_unit_test(test_certificate_files),
          cmocka_unit_test(test_truncated_certificates), cmocka_unit_test(test_malformed_cert_tables),
          cmocka_unit_test(test_show_json))
