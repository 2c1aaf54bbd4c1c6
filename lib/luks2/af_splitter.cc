#include "lib/luks2/af_splitter.h"

#include <string.h>

#include "lib/core/byte_order.h"
#include "lib/core/format.h"
#include "lib/crypto/sha.h"

namespace bp {

namespace {

// Each 32-byte block j of buf becomes SHA-256(BE32(j) || block), truncated
// for a final partial block.
void diffuse(uint8_t *buf, size_t size) {
  for (size_t j = 0; j * 32 < size; ++j) {
    size_t length = size - j * 32 < 32 ? size - j * 32 : 32;
    uint8_t index[4];
    store_be32(index, static_cast<uint32_t>(j));
    Sha256 hash;
    hash.update(ByteView(index, sizeof index));
    hash.update(ByteView(buf + j * 32, length));
    Sha256Digest digest = hash.finish();
    memcpy(buf + j * 32, digest.data(), length);
    explicit_bzero(digest.data(), digest.size());
  }
}

void xor_into(uint8_t *out, const uint8_t *in, size_t size) {
  for (size_t i = 0; i < size; ++i) out[i] ^= in[i];
}

Status check_shape(size_t key_size, uint32_t stripes) {
  if (key_size == 0 || key_size > 1024) return Error(format("AF key size %zu outside 1..1024", key_size));
  if (stripes < 1 || stripes > 100000) return Error(format("AF stripe count %u outside 1..100000", stripes));
  return {};
}

}  // namespace

Result<SecretBytes> af_split(ByteView key, uint32_t stripes, ByteView random) {
  TRY(check_shape(key.size(), stripes));
  size_t n = key.size();
  if (random.size() != (stripes - 1) * n) {
    return Error(format("AF split needs %zu random bytes, got %zu", (stripes - 1) * n, random.size()));
  }
  SecretBytes material = TRY(SecretBytes::allocate(stripes * n));
  SecretBytes chain = TRY(SecretBytes::allocate(n));
  if (!random.empty()) memcpy(material.data(), random.data(), random.size());
  for (uint32_t i = 0; i + 1 < stripes; ++i) {
    xor_into(chain.data(), material.data() + i * n, n);
    diffuse(chain.data(), n);
  }
  uint8_t *last = material.data() + (stripes - 1) * n;
  memcpy(last, key.data(), n);
  xor_into(last, chain.data(), n);
  return material;
}

Result<SecretBytes> af_merge(ByteView material, size_t key_size, uint32_t stripes) {
  TRY(check_shape(key_size, stripes));
  if (material.size() != stripes * key_size) {
    return Error(
        format("AF material is %zu bytes, expected %u stripes of %zu", material.size(), stripes, key_size));
  }
  SecretBytes key = TRY(SecretBytes::allocate(key_size));
  for (uint32_t i = 0; i + 1 < stripes; ++i) {
    xor_into(key.data(), material.data() + i * key_size, key_size);
    diffuse(key.data(), key_size);
  }
  xor_into(key.data(), material.data() + (stripes - 1) * key_size, key_size);
  return key;
}

}  // namespace bp
