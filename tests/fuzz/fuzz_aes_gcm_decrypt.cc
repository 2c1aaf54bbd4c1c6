// AES-GCM decryption of fuzzed messages, as JWE content arrives. Input: key
// size selector (1 byte: 16, 24 or 32 bytes), the key, IV length (1) + IV,
// AAD length (1) + AAD, tag length (1) + tag, ciphertext (rest). Whatever
// decrypts must encrypt back to the same ciphertext and tag; whatever does
// not must fail cleanly.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/crypto/aes_gcm.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bp::FuzzInput input(data, size);
  static constexpr size_t kKeySizes[] = {16, 24, 32};
  bp::ByteView key = input.bytes(kKeySizes[input.u8() % 3]);
  bp::ByteView iv = input.short_field();
  bp::ByteView aad = input.short_field();
  bp::ByteView tag = input.short_field();
  bp::ByteView ciphertext = input.rest();

  auto plaintext = bp::aes_gcm_decrypt(key, iv, aad, ciphertext, tag);
  if (!plaintext.ok()) return 0;
  FUZZ_CHECK(plaintext.value().size() == ciphertext.size() && tag.size() == bp::kAesGcmTagSize);
  auto sealed = bp::aes_gcm_encrypt(key, iv, aad, plaintext.value().view());
  FUZZ_CHECK(sealed.ok() && bp::ByteView(sealed.value().ciphertext) == ciphertext);
  FUZZ_CHECK(memcmp(sealed.value().tag.data(), tag.data(), tag.size()) == 0);
  return 0;
}
