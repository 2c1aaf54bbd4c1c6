// AMD's VCEK/VLEK extensions from real certificates (the Milan VCEK, the
// Genoa VCEK of the Trustee evidence) and the synthetic Turin VCEK and VLEK.
#include "lib/core/file_io.h"
#include "lib/json/json_parse.h"
#include "lib/snp/evidence_json.h"
#include "lib/snp/vek_extensions.h"
#include "tests/unit/test_support.h"

namespace {

bp::Certificate load(const char *path) {
  bp::Bytes der = ASSERT_OK(bp::read_file(path, 1 << 20));
  return ASSERT_OK(bp::Certificate::parse_der(der));
}

void test_milan_vcek(void **) {
  bp::snp::VekExtensions x =
      ASSERT_OK(bp::snp::parse_vek_extensions(load("tests/data/snp/milan-v2-debug.vcek.der")));
  assert_int_equal(x.struct_version, 0);
  assert_string_equal(x.product_name.c_str(), "Milan-B0");
  assert_string_equal(bp::snp::product_name_family(x.product_name).c_str(), "Milan");
  assert_int_equal(x.spl.bootloader, 2);
  assert_int_equal(x.spl.tee, 0);
  assert_int_equal(x.spl.snp, 5);
  assert_int_equal(x.spl.microcode, 68);
  assert_false(x.spl.fmc.has_value());
  assert_true(x.hwid.has_value());
  ASSERT_BYTES_EQUAL(
      *x.hwid,
      "3ac3fe21e13fb0990eb28a802e3fb6a29483a6b0753590c951bdd3b8e53786184ca39e359669a2b76a1936776b"
      "564ea464cdce40c05f63c9b610c5068b006b5d");
  assert_false(x.csp_id.has_value());
}

void test_genoa_vcek(void **) {
  std::string text = ASSERT_OK(bp::read_text_file("tests/data/trustee/snp-evidence-genoa.json", 1 << 20));
  bp::snp::SnpEvidence e =
      ASSERT_OK(bp::snp::parse_snp_evidence_json(ASSERT_OK(bp::parse_json(text, 1 << 20, 16))));
  bp::Certificate vcek = ASSERT_OK(bp::Certificate::parse_der(e.certs.entries[0].data));
  bp::snp::VekExtensions x = ASSERT_OK(bp::snp::parse_vek_extensions(vcek));
  assert_string_equal(x.product_name.c_str(), "Genoa");
  assert_string_equal(bp::snp::product_name_family(x.product_name).c_str(), "Genoa");
  assert_int_equal(x.spl.bootloader, 10);
  assert_int_equal(x.spl.snp, 23);
  assert_int_equal(x.spl.microcode, 25);
  assert_int_equal(x.hwid->size(), 64);
}

void test_turin_vcek_and_vlek(void **) {
  bp::snp::VekExtensions v =
      ASSERT_OK(bp::snp::parse_vek_extensions(load("tests/data/snp/synthetic/turin-vcek.der")));
  assert_int_equal(v.struct_version, 1);
  assert_string_equal(v.product_name.c_str(), "Turin");
  assert_true(v.spl.fmc.has_value());
  assert_int_equal(*v.spl.fmc, 1);
  assert_int_equal(v.spl.microcode, 82);
  ASSERT_BYTES_EQUAL(*v.hwid, "1e550a8ee5cf9f4d");
  bp::snp::VekExtensions l =
      ASSERT_OK(bp::snp::parse_vek_extensions(load("tests/data/snp/synthetic/turin-vlek.der")));
  assert_false(l.hwid.has_value());
  assert_string_equal(l.csp_id->c_str(), "CN=test-csp.invalid");
}

void test_certificates_without_them(void **) {
  // An ARK carries none of AMD's extensions.
  bp::Bytes pem = ASSERT_OK(bp::read_file("tests/data/snp/ask_ark_milan.pem", 1 << 20));
  std::vector<bp::Certificate> chain =
      ASSERT_OK(bp::Certificate::parse_pem(bp::ByteView(pem).as_string_view()));
  ASSERT_ERROR_CONTAINS(bp::snp::parse_vek_extensions(chain[1]), "AMD extensions of");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_vek_extensions(chain[1]), "1.3.6.1.4.1.3704.1.1");
}

}  // namespace

RUN_TESTS("vek_extensions", cmocka_unit_test(test_milan_vcek), cmocka_unit_test(test_genoa_vcek),
          cmocka_unit_test(test_turin_vcek_and_vlek), cmocka_unit_test(test_certificates_without_them))
