// AES key unwrap (RFC 3394) of fuzzed wrapped keys under a fuzzed KEK, as
// a JWE's A*KW encrypted key arrives. Input: KEK size selector (1 byte:
// 16, 24 or 32 bytes), the KEK, the wrapped key (rest). Whatever unwraps
// must wrap back to the same bytes.
#include <stddef.h>
#include <stdint.h>

#include "lib/crypto/aes_key_wrap.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bp::FuzzInput input(data, size);
  static constexpr size_t kKekSizes[] = {16, 24, 32};
  bp::ByteView kek = input.bytes(kKekSizes[input.u8() % 3]);
  bp::ByteView wrapped = input.rest();

  auto key = bp::aes_key_unwrap(kek, wrapped);
  if (!key.ok()) return 0;
  FUZZ_CHECK(key.value().size() + 8 == wrapped.size());
  auto rewrapped = bp::aes_key_wrap(kek, key.value().view());
  FUZZ_CHECK(rewrapped.ok() && bp::ByteView(rewrapped.value()) == wrapped);
  return 0;
}
