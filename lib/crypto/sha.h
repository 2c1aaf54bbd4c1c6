// SHA-2 digests (FIPS 180-4) over mbedtls, one-shot and incremental.
#pragma once

#include <mbedtls/sha256.h>
#include <mbedtls/sha512.h>

#include <array>

#include "lib/core/bytes.h"

namespace bp {

using Sha256Digest = std::array<uint8_t, 32>;
using Sha384Digest = std::array<uint8_t, 48>;
using Sha512Digest = std::array<uint8_t, 64>;

Sha256Digest sha256(ByteView data);
Sha384Digest sha384(ByteView data);
Sha512Digest sha512(ByteView data);

inline ByteView view(const Sha256Digest &d) { return ByteView(d.data(), d.size()); }
inline ByteView view(const Sha384Digest &d) { return ByteView(d.data(), d.size()); }
inline ByteView view(const Sha512Digest &d) { return ByteView(d.data(), d.size()); }

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256 &) = delete;
  Sha256 &operator=(const Sha256 &) = delete;
  void update(ByteView data);
  Sha256Digest finish();

 private:
  mbedtls_sha256_context context_;
};

// SHA-384 and SHA-512 share one implementation in mbedtls.
class Sha384 {
 public:
  Sha384();
  ~Sha384();
  Sha384(const Sha384 &) = delete;
  Sha384 &operator=(const Sha384 &) = delete;
  void update(ByteView data);
  Sha384Digest finish();

 private:
  mbedtls_sha512_context context_;
};

class Sha512 {
 public:
  Sha512();
  ~Sha512();
  Sha512(const Sha512 &) = delete;
  Sha512 &operator=(const Sha512 &) = delete;
  void update(ByteView data);
  Sha512Digest finish();

 private:
  mbedtls_sha512_context context_;
};

}  // namespace bp
