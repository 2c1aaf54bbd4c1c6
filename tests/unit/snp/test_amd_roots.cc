// The compiled-in AMD chains and the product table: the ARKs are the ones
// whose fingerprints reference/snp.md pins, every ASK and ASVK verifies under
// its product's ARK and none under another's.
#include "lib/crypto/x509.h"
#include "lib/snp/amd_roots.h"
#include "lib/snp/product.h"
#include "tests/unit/test_support.h"

namespace {

using bp::snp::Product;

const Product kProducts[] = {Product::milan, Product::genoa, Product::turin};

bp::Certificate parse(bp::ByteView der) { return ASSERT_OK(bp::Certificate::parse_der(der)); }

std::string cn_of(const bp::Certificate &c) { return c.subject().substr(c.subject().rfind("CN=") + 3); }

void test_ark_fingerprints(void **) {
  // SHA-256 of the ARK DER (snp.md 2.1; also `openssl x509 -fingerprint -sha256`).
  ASSERT_BYTES_EQUAL(bp::view(bp::sha256(bp::snp::amd_root_certificates(Product::milan).ark)),
                     "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd");
  ASSERT_BYTES_EQUAL(bp::view(bp::sha256(bp::snp::amd_root_certificates(Product::genoa).ark)),
                     "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1");
  ASSERT_BYTES_EQUAL(bp::view(bp::sha256(bp::snp::amd_root_certificates(Product::turin).ark)),
                     "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a");
}

void test_chains_verify_per_product(void **) {
  for (Product p : kProducts) {
    const bp::snp::AmdRootCertificates &roots = bp::snp::amd_root_certificates(p);
    assert_int_equal(static_cast<int>(roots.product), static_cast<int>(p));
    bp::Certificate ark = parse(roots.ark);
    bp::Certificate ask = parse(roots.ask);
    bp::Certificate asvk = parse(roots.asvk);
    std::string name = bp::snp::product_name(p);
    assert_string_equal(cn_of(ark).c_str(), ("ARK-" + name).c_str());
    assert_string_equal(cn_of(ask).c_str(), ("SEV-" + name).c_str());
    assert_string_equal(cn_of(asvk).c_str(), ("SEV-VLEK-" + name).c_str());
    ASSERT_OK(ark.verify_signed_by(ark));
    ASSERT_OK(ask.verify_signed_by(ark));
    ASSERT_OK(asvk.verify_signed_by(ark));
    assert_true(ark.is_ca() && ask.is_ca() && asvk.is_ca());
    for (Product other : kProducts) {
      if (other == p) continue;
      bp::Certificate other_ark = parse(bp::snp::amd_root_certificates(other).ark);
      assert_false(ask.verify_signed_by(other_ark).ok());
      assert_false(asvk.verify_signed_by(other_ark).ok());
    }
  }
}

void test_products(void **) {
  assert_string_equal(bp::snp::product_name(Product::genoa), "Genoa");
  assert_int_equal(static_cast<int>(ASSERT_OK(bp::snp::parse_product("milan"))),
                   static_cast<int>(Product::milan));
  assert_int_equal(static_cast<int>(ASSERT_OK(bp::snp::parse_product("TURIN"))),
                   static_cast<int>(Product::turin));
  ASSERT_ERROR_CONTAINS(bp::snp::parse_product("venice"), "expected milan, genoa or turin");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_product(""), "expected");
  struct Case {
    uint8_t family, model;
    int product;  // -1: none
  } cases[] = {
      {0x19, 0x00, 0},  {0x19, 0x01, 0},  {0x19, 0x0f, 0}, {0x19, 0x10, 1},  {0x19, 0x11, 1},
      {0x19, 0x1f, 1},  {0x19, 0xa0, 1},  {0x19, 0xaf, 1}, {0x19, 0x20, -1}, {0x19, 0xb0, -1},
      {0x1a, 0x00, 2},  {0x1a, 0x02, 2},  {0x1a, 0x11, 2}, {0x1a, 0x12, -1}, {0x1a, 0x50, -1},
      {0x17, 0x31, -1}, {0x00, 0x00, -1},
  };
  for (const Case &c : cases) {
    std::optional<Product> p = bp::snp::product_from_cpuid(c.family, c.model);
    if (c.product < 0) {
      if (p) fail_msg("family 0x%x model 0x%x: expected no product", c.family, c.model);
    } else if (!p || static_cast<int>(*p) != c.product) {
      fail_msg("family 0x%x model 0x%x: wrong product", c.family, c.model);
    }
  }
  assert_int_equal(static_cast<int>(bp::snp::product_tcb_layout(Product::turin)),
                   static_cast<int>(bp::snp::TcbLayout::turin));
  assert_int_equal(static_cast<int>(bp::snp::product_tcb_layout(Product::genoa)),
                   static_cast<int>(bp::snp::TcbLayout::milan_genoa));
}

}  // namespace

RUN_TESTS("amd_roots", cmocka_unit_test(test_ark_fingerprints),
          cmocka_unit_test(test_chains_verify_per_product), cmocka_unit_test(test_products))
