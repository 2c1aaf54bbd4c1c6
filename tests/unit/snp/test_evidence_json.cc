// The Trustee SNP evidence JSON against a real document: parse it, rebuild
// the 1184 report bytes, and write the same JSON back byte for byte.
#include "lib/core/file_io.h"
#include "lib/crypto/x509.h"
#include "lib/json/json_builder.h"
#include "lib/json/json_parse.h"
#include "lib/json/json_write.h"
#include "lib/snp/evidence_json.h"
#include "lib/snp/report_signature.h"
#include "tests/unit/snp/fake_report.h"
#include "tests/unit/test_support.h"

namespace {

const char kFixture[] = "tests/data/trustee/snp-evidence-genoa.json";
const char kMilanReport[] = "tests/data/snp/milan-v2-debug.bin";

std::string fixture_text() { return ASSERT_OK(bp::read_text_file(kFixture, 1 << 20)); }
bp::Json parse(const std::string &text) { return ASSERT_OK(bp::parse_json(text, 1 << 20, 16)); }

void test_genoa_fixture_round_trip(void **) {
  std::string text = fixture_text();
  bp::snp::SnpEvidence e = ASSERT_OK(bp::snp::parse_snp_evidence_json(parse(text)));
  assert_int_equal(e.report.version, 3);
  assert_int_equal(e.report.policy, 0x30000);
  assert_int_equal(e.report.cpuid_fam_id, 25);
  assert_int_equal(e.report.cpuid_mod_id, 160);
  assert_int_equal(e.report.current.major, 1);
  assert_int_equal(e.report.current.minor, 55);
  assert_int_equal(e.report.current.build, 40);
  // {"bootloader":10,"tee":0,"snp":23,"microcode":25} in the Milan/Genoa layout.
  assert_int_equal(e.report.reported_tcb, 0x191700000000000aull);
  bp::snp::TcbParts tcb =
      ASSERT_OK(bp::snp::decode_tcb(e.report.reported_tcb, bp::snp::TcbLayout::milan_genoa));
  assert_int_equal(tcb.bootloader, 10);
  assert_int_equal(tcb.snp, 23);
  assert_int_equal(tcb.microcode, 25);
  assert_int_equal(e.certs.entries.size(), 1);
  assert_int_equal(static_cast<int>(e.certs.entries[0].kind()), static_cast<int>(bp::snp::CertKind::vcek));
  assert_int_equal(e.certs.entries[0].data.size(), 1347);

  bp::Bytes raw = ASSERT_OK(bp::snp::serialize_report(e.report));
  assert_int_equal(raw.size(), 1184);
  bp::snp::AttestationReport reparsed = ASSERT_OK(bp::snp::parse_report(raw));
  // The rebuilt bytes carry AMD's signature: it verifies with the embedded VCEK.
  bp::Certificate vcek = ASSERT_OK(bp::Certificate::parse_der(e.certs.entries[0].data));
  assert_non_null(strstr(vcek.subject().c_str(), "CN=SEV-VCEK"));
  bp::EcPublicKey key = ASSERT_OK(vcek.ec_public_key());
  ASSERT_OK(bp::snp::verify_report_signature(reparsed, key));
  bp::snp::AttestationReport tampered = reparsed;
  tampered.report_data[0] ^= 1;
  assert_false(bp::snp::verify_report_signature(tampered, key).ok());
  bp::Json again = ASSERT_OK(bp::snp::snp_evidence_json(reparsed, e.certs));
  std::string written = ASSERT_OK(bp::json_compact(again));
  if (written != text) fail_msg("re-serialised evidence differs from the fixture");
}

void test_version_2_and_5_shapes(void **) {
  // Version 2: CPUID fields are null; the Milan report's chip ID tells the layout.
  bp::Bytes milan = ASSERT_OK(bp::read_file(kMilanReport, 4096));
  bp::snp::AttestationReport r2 = ASSERT_OK(bp::snp::parse_report(milan));
  std::string text = ASSERT_OK(bp::json_compact(ASSERT_OK(bp::snp::snp_evidence_json(r2, {}))));
  assert_non_null(
      strstr(text.c_str(),
             "\"reported_tcb\":{\"fmc\":null,\"bootloader\":2,\"tee\":0,\"snp\":5,\"microcode\":68},"
             "\"cpuid_fam_id\":null,\"cpuid_mod_id\":null,\"cpuid_step\":null,\"chip_id\":["));
  assert_non_null(strstr(text.c_str(), "\"cert_chain\":null}"));
  assert_null(strstr(text.c_str(), "mit_vector"));
  bp::snp::SnpEvidence back = ASSERT_OK(bp::snp::parse_snp_evidence_json(parse(text)));
  bp::Bytes raw = ASSERT_OK(bp::snp::serialize_report(back.report));
  assert_true(raw == milan);

  // Version 5 on Turin: FMC in the TCB objects, mitigation vectors after launch_tcb.
  bp::snp::AttestationReport r5;
  r5.version = 5;
  r5.signature_algo = 1;
  r5.policy = 0x30000;
  r5.cpuid_fam_id = 0x1a;
  r5.cpuid_mod_id = 0x02;
  r5.current_tcb = r5.reported_tcb = r5.committed_tcb = r5.launch_tcb = 0x5200000004010101;
  r5.launch_mit_vector = 3;
  r5.current_mit_vector = 7;
  bp::snp::CertTable certs;
  certs.entries.push_back({ASSERT_OK(bp::snp::Guid::parse("ecae0c0f-9502-43b1-afa2-0ae2e0d565b6")), {1, 2}});
  text = ASSERT_OK(bp::json_compact(ASSERT_OK(bp::snp::snp_evidence_json(r5, certs))));
  assert_non_null(strstr(text.c_str(),
                         "\"launch_tcb\":{\"fmc\":1,\"bootloader\":1,\"tee\":1,\"snp\":4,\"microcode\":82},"
                         "\"launch_mit_vector\":3,\"current_mit_vector\":7,\"signature\":"));
  assert_non_null(strstr(text.c_str(),
                         "\"cert_chain\":[{\"cert_type\":{\"OTHER\":\"ecae0c0f-9502-43b1-afa2-0ae2e0d565b6\"}"
                         ",\"data\":[1,2]}]"));
  back = ASSERT_OK(bp::snp::parse_snp_evidence_json(parse(text)));
  assert_int_equal(back.report.current_mit_vector, 7);
  assert_int_equal(back.report.launch_tcb, 0x5200000004010101);
  assert_true(back.certs.entries[0].guid == certs.entries[0].guid);
}

void test_unrepresentable_reports(void **) {
  bp::snp::AttestationReport r;
  r.version = 2;  // chip ID all zero: masked, layout unknown
  ASSERT_ERROR_CONTAINS(bp::snp::snp_evidence_json(r, {}), "masked chip ID");
  r.version = 3;
  r.cpuid_fam_id = 0x19;
  r.reported_tcb = 0x0000010000000000;  // a reserved byte of the Milan/Genoa layout
  ASSERT_ERROR_CONTAINS(bp::snp::snp_evidence_json(r, {}),
                        "reported_tcb: TCB version 0x0000010000000000 has reserved");
}

// Replaces the first occurrence of `from` in the fixture.
std::string mutate(const char *from, const char *to) {
  std::string text = fixture_text();
  size_t at = text.find(from);
  if (at == std::string::npos) fail_msg("'%s' not in the fixture", from);
  return text.replace(at, strlen(from), to);
}

void test_rejects_malformed(void **) {
  const struct {
    const char *from;
    const char *to;
    const char *error;
  } cases[] = {
      {"\"version\":3", "\"version\":6", "$.attestation_report.version: unsupported report version 6"},
      {"\"version\":3", "\"version\":\"3\"", "$.attestation_report.version: expected"},
      {"\"guest_svn\":0,", "", "$.attestation_report.guest_svn: missing"},
      {"\"guest_svn\":0,", "\"guest_svn\":0,\"extra\":1,", "$.attestation_report.extra"},
      {"\"family_id\":[0,", "\"family_id\":[", "$.attestation_report.family_id: expected 16 bytes, got 15"},
      {"\"family_id\":[0,", "\"family_id\":[256,",
       "$.attestation_report.family_id[0]: expected an integer 0..255"},
      {"\"vmpl\":0", "\"vmpl\":4294967296", "$.attestation_report.vmpl"},
      {"\"fmc\":null,", "", "$.attestation_report.current_tcb.fmc: missing"},
      {"\"bootloader\":10", "\"bootloader\":300", "$.attestation_report.current_tcb.bootloader"},
      {"\"cpuid_step\":2", "\"cpuid_step\":null", "$.attestation_report.cpuid_step"},
      // TCB objects must have the layout of the report's processor (found by
      // tests/fuzz: a Turin family with Genoa-shaped TCBs was accepted).
      {"\"cpuid_fam_id\":25", "\"cpuid_fam_id\":26",
       "$.attestation_report.current_tcb.fmc: null, but the report's processor uses the"},
      {"\"fmc\":null,", "\"fmc\":1,", "$.attestation_report.current_tcb.fmc: a number, but the report's"},
      {"\"key_info\":0", "\"key_info\":32", "key_info 0x00000020 has reserved bits set"},
      {"\"major\":1,", "", "$.attestation_report.current.major: missing"},
      {"\"cert_type\":\"VCEK\"", "\"cert_type\":\"XYZ\"",
       "$.cert_chain[0].cert_type: unknown certificate type"},
      {"\"cert_type\":\"VCEK\"", "\"cert_type\":{\"OTHER\":\"nope\"}",
       "$.cert_chain[0].cert_type.OTHER: GUID 'nope'"},
  };
  for (const auto &c : cases) {
    ASSERT_ERROR_CONTAINS(bp::snp::parse_snp_evidence_json(parse(mutate(c.from, c.to))), c.error);
  }
  ASSERT_ERROR_CONTAINS(bp::snp::parse_snp_evidence_json(parse("{\"attestation_report\":{}}")),
                        "version: missing");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_snp_evidence_json(parse("[]")), "expected an object");
}

}  // namespace

RUN_TESTS("snp/evidence_json", cmocka_unit_test(test_genoa_fixture_round_trip),
          cmocka_unit_test(test_version_2_and_5_shapes), cmocka_unit_test(test_unrepresentable_reports),
          cmocka_unit_test(test_rejects_malformed))
