// SHA-2 digests (FIPS 180-4), one-shot and incremental. SHA-256 runs on the
// x86 SHA extensions when the CPU has them and on mbedtls otherwise;
// SHA-384/512 run on mbedtls.
#pragma once

#include <mbedtls/sha512.h>
#include <stdint.h>

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

// The SHA-256 compression function over `count` whole 64-byte blocks.
using Sha256Compress = void (*)(uint32_t state[8], const uint8_t *blocks, size_t count);
// mbedtls's block function (portable).
void sha256_compress_mbedtls(uint32_t state[8], const uint8_t *blocks, size_t count);
// The SHA extensions when the CPU has them, otherwise mbedtls. Asks CPUID on
// each call: choose once per batch of hashes (a Sha256 copy keeps its choice).
Sha256Compress sha256_compress_best();

// Incremental SHA-256. Copyable: a copy taken after a common prefix (a salt)
// continues from there.
class Sha256 {
 public:
  explicit Sha256(Sha256Compress compress = sha256_compress_best());
  void update(ByteView data);
  Sha256Digest finish();  // once

  // The digests of (what this has hashed so far) || a and ... || b, for a and
  // b of the same length: the dm-verity case of many equal blocks after one
  // salt. On the SHA extensions the two run interleaved.
  void finish_pair(ByteView a, ByteView b, Sha256Digest *digest_a, Sha256Digest *digest_b) const;

 private:
  // Writes the padding blocks for the buffered bytes; returns their count.
  size_t padding(uint8_t tail[128]) const;
  Sha256Digest digest() const;

  Sha256Compress compress_;
  uint32_t state_[8];
  uint8_t buffer_[64];
  size_t buffered_ = 0;
  uint64_t length_ = 0;  // bytes hashed so far
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
