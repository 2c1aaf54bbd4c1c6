#include "lib/crypto/sha.h"

namespace bp {

// mbedtls 2.28's *_ret functions fail only on bad parameters, which these
// wrappers never pass, so their results are not checked.

Sha256Digest sha256(ByteView data) {
  Sha256Digest out;
  mbedtls_sha256_ret(data.data(), data.size(), out.data(), 0);
  return out;
}

Sha384Digest sha384(ByteView data) {
  Sha384Digest out;
  uint8_t full[64];
  mbedtls_sha512_ret(data.data(), data.size(), full, 1);
  std::copy(full, full + 48, out.begin());
  return out;
}

Sha512Digest sha512(ByteView data) {
  Sha512Digest out;
  mbedtls_sha512_ret(data.data(), data.size(), out.data(), 0);
  return out;
}

Sha256::Sha256() {
  mbedtls_sha256_init(&context_);
  mbedtls_sha256_starts_ret(&context_, 0);
}
Sha256::~Sha256() { mbedtls_sha256_free(&context_); }
void Sha256::update(ByteView data) { mbedtls_sha256_update_ret(&context_, data.data(), data.size()); }
Sha256Digest Sha256::finish() {
  Sha256Digest out;
  mbedtls_sha256_finish_ret(&context_, out.data());
  return out;
}

Sha384::Sha384() {
  mbedtls_sha512_init(&context_);
  mbedtls_sha512_starts_ret(&context_, 1);
}
Sha384::~Sha384() { mbedtls_sha512_free(&context_); }
void Sha384::update(ByteView data) { mbedtls_sha512_update_ret(&context_, data.data(), data.size()); }
Sha384Digest Sha384::finish() {
  uint8_t full[64];
  mbedtls_sha512_finish_ret(&context_, full);
  Sha384Digest out;
  std::copy(full, full + 48, out.begin());
  return out;
}

Sha512::Sha512() {
  mbedtls_sha512_init(&context_);
  mbedtls_sha512_starts_ret(&context_, 0);
}
Sha512::~Sha512() { mbedtls_sha512_free(&context_); }
void Sha512::update(ByteView data) { mbedtls_sha512_update_ret(&context_, data.data(), data.size()); }
Sha512Digest Sha512::finish() {
  Sha512Digest out;
  mbedtls_sha512_finish_ret(&context_, out.data());
  return out;
}

}  // namespace bp
