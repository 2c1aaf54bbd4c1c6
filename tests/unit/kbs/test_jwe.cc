// JWE decryption (ECDH-ES+A256KW, A256GCM): Concat KDF against RFC 7518's
// example, JWEs made by independent implementations (jwcrypto, and a
// Trustee-shaped one from Python's cryptography) for a fresh key, and clear
// errors for wrong algorithms, truncated fields, tampering and other keys.
#include <memory>

#include "lib/core/encoding.h"
#include "lib/crypto/random.h"
#include "lib/json/json_builder.h"
#include "lib/json/json_parse.h"
#include "lib/json/json_write.h"
#include "lib/kbs/jwe.h"
#include "lib/kbs/tee_key.h"
#include "tests/unit/run_program.h"
#include "tests/unit/test_support.h"

namespace {

struct Keys {
  bp::Random random;
  bp::kbs::TeeKey key;
  std::string jwk_text;
};

std::unique_ptr<Keys> make_keys() {
  bp::Random random = ASSERT_OK(bp::Random::create());
  bp::kbs::TeeKey key = ASSERT_OK(bp::kbs::TeeKey::generate(random));
  std::string jwk = ASSERT_OK(bp::json_compact(ASSERT_OK(key.public_jwk())));
  return std::unique_ptr<Keys>(new Keys{std::move(random), std::move(key), jwk});
}

std::string python_jwe(const char *kind, const std::string &jwk, const char *plaintext_hex) {
  return ASSERT_OK(bp::testing::run_program(
      {"/usr/bin/python3", "tests/unit/kbs/jose_reference.py", kind, jwk, plaintext_hex}));
}

bp::Json parse(const std::string &text) { return ASSERT_OK(bp::parse_json(text, 1 << 20, 8)); }

void test_concat_kdf_rfc7518(void **) {
  // RFC 7518 appendix C: Z, "A128GCM", PartyUInfo "Alice", PartyVInfo "Bob", 128 bits.
  bp::Bytes z = unhex("9e56d91d817135d372834283bf84269cfb316ea3da806a48f6daa7798cfe90c4");
  bp::SecretBytes k = ASSERT_OK(bp::kbs::concat_kdf_sha256(z, "A128GCM", bp::ByteView::of_string("Alice"),
                                                           bp::ByteView::of_string("Bob"), 128));
  assert_string_equal(bp::base64url_encode(k.view()).c_str(), "VqqN6vgjbSBcIijNcacQGg");
  // Longer than one SHA-256 block, against Python's ConcatKDFHash.
  k = ASSERT_OK(bp::kbs::concat_kdf_sha256(z, "ECDH-ES+A256KW", {}, {}, 384));
  std::string expected =
      ASSERT_OK(bp::testing::run_program({"/usr/bin/python3", "tests/unit/kbs/jose_reference.py",
                                          "concat-kdf", bp::hex_encode(z), "ECDH-ES+A256KW", "", "", "384"}));
  assert_string_equal(bp::hex_encode(k.view()).c_str(), expected.c_str());
  ASSERT_ERROR_CONTAINS(bp::kbs::concat_kdf_sha256(z, "x", {}, {}, 0), "unsupported key length");
}

void test_independent_jwes_decrypt(void **) {
  auto k = make_keys();
  for (const char *kind : {"jwe-jwcrypto", "jwe-trustee"}) {
    std::string text = python_jwe(kind, k->jwk_text, "00112233445566778899aabbccddeeff0123456789abcdef");
    bp::SecretBytes plain = ASSERT_OK(bp::kbs::decrypt_jwe(parse(text), k->key.private_key(), k->random));
    ASSERT_BYTES_EQUAL(plain.view(), "00112233445566778899aabbccddeeff0123456789abcdef");
  }
  // An empty resource is still a valid JWE.
  std::string text = python_jwe("jwe-trustee", k->jwk_text, "");
  bp::SecretBytes plain = ASSERT_OK(bp::kbs::decrypt_jwe(parse(text), k->key.private_key(), k->random));
  assert_int_equal(plain.size(), 0);
}

void test_jwe_for_another_key(void **) {
  auto mine = make_keys();
  auto other = make_keys();
  for (const char *kind : {"jwe-jwcrypto", "jwe-trustee"}) {
    std::string text = python_jwe(kind, other->jwk_text, "01020304");
    ASSERT_ERROR_CONTAINS(bp::kbs::decrypt_jwe(parse(text), mine->key.private_key(), mine->random),
                          "does not unwrap with our key");
  }
}

// Rebuilds a Trustee-shaped JWE with one member changed.
std::string with_member(const std::string &text, const char *key, const std::string &value) {
  bp::Json jwe = parse(text);
  bp::JsonObjectBuilder b;
  for (const bp::JsonMember &m : ASSERT_OK(jwe.members())) {
    if (m.key == key) continue;
    b.add_value(m.key.c_str(), m.value);
  }
  if (!value.empty()) b.add_value(key, parse(value));
  return ASSERT_OK(bp::json_compact(ASSERT_OK(b.build())));
}

std::string protected_with(const std::string &header_json) {
  return "\"" + bp::base64url_encode(bp::ByteView::of_string(header_json)) + "\"";
}

void test_rejections(void **) {
  auto k = make_keys();
  std::string good = python_jwe("jwe-trustee", k->jwk_text, "cafe");
  bp::Json jwe = parse(good);
  std::string header_text;
  {
    bp::Bytes raw = ASSERT_OK(jwe.get_base64url("protected"));
    header_text.assign(raw.begin(), raw.end());
  }
  auto decrypt = [&](const std::string &text) {
    return bp::kbs::decrypt_jwe(parse(text), k->key.private_key(), k->random);
  };
  auto replace = [&](const std::string &from, const std::string &to) {
    std::string h = header_text;
    size_t at = h.find(from);
    if (at == std::string::npos) fail_msg("%s not in %s", from.c_str(), h.c_str());
    return with_member(good, "protected", protected_with(h.replace(at, from.size(), to)));
  };
  ASSERT_ERROR_CONTAINS(decrypt(replace("\"ECDH-ES+A256KW\"", "\"RSA-OAEP-256\"")),
                        "key management algorithm 'RSA-OAEP-256' is not supported");
  ASSERT_ERROR_CONTAINS(decrypt(replace("\"A256GCM\"", "\"A128CBC-HS256\"")),
                        "content encryption 'A128CBC-HS256' is not supported");
  ASSERT_ERROR_CONTAINS(decrypt(replace("\"crv\":\"P-256\"", "\"crv\":\"P-521\"")), "expected P-256");
  ASSERT_ERROR_CONTAINS(
      decrypt(replace("\"alg\":\"ECDH-ES+A256KW\",", "\"alg\":\"ECDH-ES+A256KW\",\"zip\":\"DEF\",")),
      "\"zip\"");
  ASSERT_ERROR_CONTAINS(
      decrypt(replace("\"alg\":\"ECDH-ES+A256KW\",", "\"crit\":[\"x\"],\"alg\":\"ECDH-ES+A256KW\",")),
      "\"crit\"");
  ASSERT_ERROR_CONTAINS(decrypt(replace("\"alg\":\"ECDH-ES+A256KW\",", "")), "the header has no \"alg\"");
  // A malformed ephemeral key.
  ASSERT_ERROR_CONTAINS(decrypt(replace("\"x\":\"", "\"x\":\"A")), "$.epk.x");
  // A header parameter in both the protected and the unprotected header.
  ASSERT_ERROR_CONTAINS(decrypt(with_member(good, "unprotected", "{\"alg\":\"ECDH-ES+A256KW\"}")),
                        "header parameter 'alg' appears twice");
  // Truncated or resized fields.
  std::string ek = ASSERT_OK(jwe.get_string("encrypted_key"));
  ASSERT_ERROR_CONTAINS(decrypt(with_member(good, "encrypted_key", "\"" + ek.substr(0, 40) + "\"")),
                        "$.encrypted_key: expected 40 bytes, got 30");
  ASSERT_ERROR_CONTAINS(decrypt(with_member(good, "iv", "\"AAAA\"")), "$.iv: expected 12 bytes, got 3");
  ASSERT_ERROR_CONTAINS(decrypt(with_member(good, "tag", "\"AAAAAAAAAAAAAAAAAAAAAA\"")),
                        "authentication failed");
  ASSERT_ERROR_CONTAINS(decrypt(with_member(good, "tag", "\"AAAA\"")), "$.tag: expected 16 bytes");
  ASSERT_ERROR_CONTAINS(decrypt(with_member(good, "ciphertext", "\"Zm9v\"")), "authentication failed");
  ASSERT_ERROR_CONTAINS(decrypt(with_member(good, "ciphertext", "\"#!\"")), "$.ciphertext");
  ASSERT_ERROR_CONTAINS(decrypt(with_member(good, "ciphertext", "")), "$.ciphertext: missing");
  ASSERT_ERROR_CONTAINS(decrypt(with_member(good, "protected", "")), "$.protected: missing");
  ASSERT_ERROR_CONTAINS(decrypt(with_member(good, "protected", "\"e30\"")), "the header has no \"alg\"");
  ASSERT_ERROR_CONTAINS(decrypt(with_member(good, "protected", "\"bm90IGpzb24\"")), "JWE protected header");
  // Extra AAD changes what GCM authenticates.
  ASSERT_ERROR_CONTAINS(decrypt(with_member(good, "aad", "\"YWFk\"")), "authentication failed");
  ASSERT_ERROR_CONTAINS(decrypt(with_member(good, "recipients", "[]")), "general JSON syntax");
  ASSERT_ERROR_CONTAINS(decrypt(with_member(good, "extra", "1")), "$.extra");
  ASSERT_ERROR_CONTAINS(decrypt("[1]"), "must be a JSON object");
  // The untouched one still decrypts.
  bp::SecretBytes plain = ASSERT_OK(decrypt(good));
  ASSERT_BYTES_EQUAL(plain.view(), "cafe");
}

}  // namespace

RUN_TESTS("kbs/jwe", cmocka_unit_test(test_concat_kdf_rfc7518),
          cmocka_unit_test(test_independent_jwes_decrypt), cmocka_unit_test(test_jwe_for_another_key),
          cmocka_unit_test(test_rejections))
