// The KBS resource response: a flattened JWE (ECDH-ES+A256KW, A256GCM)
// decrypted with the TEE key (decrypt_jwe), after parse_json with the KBS
// client's limits. The key is fixed (make-seeds.py encrypts the seeds to
// it with jwcrypto), so mutations of valid messages reach every step: the
// header checks, the ECDH with a fuzzed "epk", the key unwrap and the GCM
// tag check.
#include <stddef.h>
#include <stdint.h>

#include "lib/core/encoding.h"
#include "lib/crypto/ec.h"
#include "lib/crypto/random.h"
#include "lib/json/json_parse.h"
#include "lib/kbs/jwe.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

// A P-256 scalar (RFC 6979 appendix A.2.5's key), also in make-seeds.py.
constexpr char kPrivateKey[] = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";

struct Keys {
  bp::EcPrivateKey key;
  bp::Random random;
};

// Made once: key and DRBG set-up would otherwise dominate each run.
Keys &keys() {
  static Keys *keys = [] {
    auto key = bp::EcPrivateKey::from_scalar(bp::EcCurve::p256, bp::hex_decode(kPrivateKey).value());
    auto random = bp::Random::create();
    FUZZ_CHECK(key.ok() && random.ok());
    return new Keys{key.release_value(), random.release_value()};
  }();
  return *keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto jwe = bp::parse_json(bp::as_text(data, size), size_t{64} * 1024, 32);
  if (!jwe.ok()) return 0;
  auto plaintext = bp::kbs::decrypt_jwe(jwe.value(), keys().key, keys().random);
  if (plaintext.ok()) FUZZ_CHECK(plaintext.value().size() <= size);
  return 0;
}
