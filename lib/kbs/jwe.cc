#include "lib/kbs/jwe.h"

#include <mbedtls/platform_util.h>
#include <string.h>

#include <vector>

#include "lib/core/byte_order.h"
#include "lib/core/encoding.h"
#include "lib/core/format.h"
#include "lib/crypto/aes_gcm.h"
#include "lib/crypto/aes_key_wrap.h"
#include "lib/crypto/sha.h"
#include "lib/json/json_parse.h"
#include "lib/json/json_path.h"

namespace bp::kbs {

namespace {

constexpr const char *kKeyAlgorithm = "ECDH-ES+A256KW";
constexpr const char *kContentAlgorithm = "A256GCM";
constexpr size_t kMaxProtectedHeader = 8192;
constexpr size_t kWrappedKeySize = 40;  // a 256-bit key wrapped (RFC 3394)
constexpr size_t kIvSize = 12;
constexpr size_t kTagSize = 16;

void append_u32_be(Sha256 &hash, uint32_t v) {
  uint8_t b[4];
  store_be32(b, v);
  hash.update(ByteView(b, 4));
}

// The JOSE header: the members of protected, unprotected and header together.
struct Header {
  std::vector<JsonMember> members;

  const Json *find(const char *name) const {
    for (const JsonMember &m : members) {
      if (m.key == name) return &m.value;
    }
    return nullptr;
  }
};

Status add_members(Header &header, const Json &object) {
  std::vector<JsonMember> members = TRY(object.members());
  for (JsonMember &m : members) {
    if (header.find(m.key.c_str()) != nullptr) {
      return Error(format("JWE: header parameter %s appears twice", json_quoted(m.key).c_str()));
    }
    header.members.push_back(std::move(m));
  }
  return {};
}

Result<std::string> header_string(const Header &header, const char *name) {
  const Json *v = header.find(name);
  if (v == nullptr) return Error(format("JWE: the header has no \"%s\"", name));
  return v->as_string();
}

Result<Bytes> optional_b64url_param(const Header &header, const char *name) {
  const Json *v = header.find(name);
  if (v == nullptr) return Bytes();
  std::string text = TRY(v->as_string());
  return TRY_CONTEXT(base64url_decode(text), v->path());
}

Result<EcPublicKey> parse_epk(const Header &header, EcCurve curve) {
  const Json *epk = header.find("epk");
  if (epk == nullptr) return Error("JWE: the header has no \"epk\" (ephemeral public key)");
  if (!epk->is_object()) return Error(epk->path() + ": expected an object");
  std::string kty = TRY(epk->get_string("kty"));
  if (kty != "EC")
    return Error(format("%s.kty: %s, expected EC", epk->path().c_str(), json_quoted(kty).c_str()));
  std::string crv = TRY(epk->get_string("crv"));
  if (crv != ec_curve_name(curve)) {
    return Error(format("%s.crv: %s, expected %s (the curve of our key)", epk->path().c_str(),
                        json_quoted(crv).c_str(), ec_curve_name(curve)));
  }
  size_t size = ec_field_size(curve);
  Bytes x = TRY(epk->get_base64url("x", size));
  Bytes y = TRY(epk->get_base64url("y", size));
  return TRY_CONTEXT(EcPublicKey::from_coordinates(curve, x, y), epk->path());
}

}  // namespace

Result<SecretBytes> concat_kdf_sha256(ByteView shared_secret, std::string_view algorithm_id, ByteView apu,
                                      ByteView apv, size_t key_bits) {
  if (key_bits == 0 || key_bits % 8 != 0 || key_bits > size_t{256} * 8) {
    return Error(format("Concat KDF: unsupported key length %zu bits", key_bits));
  }
  size_t size = key_bits / 8;
  SecretBytes out = TRY(SecretBytes::allocate(size));
  for (uint32_t counter = 1, done = 0; done < size; ++counter) {
    Sha256 hash;
    // Empty fields (apu, apv) add only their length: a null data pointer
    // never reaches the hash.
    auto field = [&hash](ByteView v) {
      append_u32_be(hash, static_cast<uint32_t>(v.size()));
      if (!v.empty()) hash.update(v);
    };
    append_u32_be(hash, counter);
    hash.update(shared_secret);
    field(ByteView::of_string(algorithm_id));
    field(apu);
    field(apv);
    append_u32_be(hash, static_cast<uint32_t>(key_bits));
    Sha256Digest block = hash.finish();
    size_t n = size - done < block.size() ? size - done : block.size();
    memcpy(out.data() + done, block.data(), n);
    mbedtls_platform_zeroize(block.data(), block.size());
    done += static_cast<uint32_t>(n);
  }
  return out;
}

Result<SecretBytes> decrypt_jwe(const Json &jwe, const EcPrivateKey &key, Random &random) {
  if (!jwe.is_object()) return Error(jwe.path() + ": a JWE must be a JSON object");
  if (jwe.has("recipients")) return Error("JWE: the general JSON syntax (\"recipients\") is not supported");
  TRY(jwe.only_keys(
      {"protected", "unprotected", "header", "encrypted_key", "aad", "iv", "ciphertext", "tag"}));

  std::string protected_b64 = TRY(jwe.get_string("protected"));
  Bytes protected_raw = TRY(jwe.get_base64url("protected"));
  if (protected_raw.size() > kMaxProtectedHeader) return Error("JWE: the protected header is too large");
  std::string protected_text(protected_raw.begin(), protected_raw.end());
  Json protected_header =
      TRY_CONTEXT(parse_json(protected_text, kMaxProtectedHeader, 4), "JWE protected header");
  if (!protected_header.is_object()) return Error("JWE: the protected header is not a JSON object");

  Header header;
  TRY(add_members(header, protected_header));
  for (const char *name : {"unprotected", "header"}) {
    std::optional<Json> extra = TRY(jwe.optional_object(name));
    if (extra) TRY(add_members(header, *extra));
  }
  std::string alg = TRY(header_string(header, "alg"));
  if (alg != kKeyAlgorithm) {
    return Error(format("JWE: key management algorithm %s is not supported (expected %s)",
                        json_quoted(alg).c_str(), kKeyAlgorithm));
  }
  std::string enc = TRY(header_string(header, "enc"));
  if (enc != kContentAlgorithm) {
    return Error(format("JWE: content encryption %s is not supported (expected %s)", json_quoted(enc).c_str(),
                        kContentAlgorithm));
  }
  if (header.find("zip") != nullptr) return Error("JWE: compressed content (\"zip\") is not supported");
  if (header.find("crit") != nullptr)
    return Error("JWE: critical header extensions (\"crit\") are not supported");
  EcPublicKey epk = TRY(parse_epk(header, key.curve()));
  Bytes apu = TRY(optional_b64url_param(header, "apu"));
  Bytes apv = TRY(optional_b64url_param(header, "apv"));

  Bytes wrapped = TRY(jwe.get_base64url("encrypted_key", kWrappedKeySize));
  Bytes iv = TRY(jwe.get_base64url("iv", kIvSize));
  Bytes tag = TRY(jwe.get_base64url("tag", kTagSize));
  Bytes ciphertext = TRY(jwe.get_base64url("ciphertext"));
  std::string aad = protected_b64;
  std::optional<std::string> extra_aad = TRY(jwe.optional_string("aad"));
  if (extra_aad) {
    TRY_CONTEXT(base64url_decode(*extra_aad), "$.aad");
    aad += "." + *extra_aad;
  }

  SecretBytes shared = TRY_CONTEXT(key.ecdh(epk, random), "JWE key agreement");
  SecretBytes kek = TRY(concat_kdf_sha256(shared.view(), kKeyAlgorithm, apu, apv, 256));
  shared.wipe();
  Result<SecretBytes> cek = aes_key_unwrap(kek.view(), wrapped);
  if (!cek.ok()) {
    return Error(
        "JWE: the content key does not unwrap with our key (encrypted to another key, or corrupted)");
  }
  Result<SecretBytes> plaintext =
      aes_gcm_decrypt(cek.value().view(), iv, ByteView::of_string(aad), ciphertext, tag);
  if (!plaintext.ok()) return Error("JWE: A256GCM authentication failed (ciphertext, tag or header altered)");
  return plaintext;
}

}  // namespace bp::kbs
