// Random bytes from an AES-256 CTR_DRBG (NIST SP 800-90A, mbedtls) seeded
// and reseeded from getrandom(2). There is no global generator: the owner
// creates one and passes it to whatever needs randomness. Not thread-safe,
// and not to be used on both sides of a fork (both would produce the same
// bytes); bp-init's children exec right away.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/core/secret_bytes.h"

namespace bp {

class Random {
 public:
  // Blocks until the kernel's random pool is initialised (getrandom without
  // GRND_NONBLOCK): early in boot, waiting is right and weak keys are not.
  // The personalization string is mixed into the seed (SP 800-90A 8.7.1).
  static Result<Random> create(ByteView personalization = {});

  Random(Random &&) noexcept = default;
  Random &operator=(Random &&other) noexcept;
  Random(const Random &) = delete;
  Random &operator=(const Random &) = delete;
  ~Random();

  Status fill(uint8_t *out, size_t size);
  Result<Bytes> bytes(size_t size);
  Result<SecretBytes> secret(size_t size);

  // An mbedtls f_rng callback (its context argument is a Random *), for the
  // crypto code that hands randomness to mbedtls.
  static int generate(void *random, unsigned char *out, size_t size);

 private:
  explicit Random(SecretBytes state) : state_(std::move(state)) {}
  void release();

  // The DRBG state (key and counter) lives in locked pages that are zeroed
  // when released; its address stays fixed when Random moves.
  SecretBytes state_;
};

}  // namespace bp
