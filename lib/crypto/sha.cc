#include "lib/crypto/sha.h"

#include <mbedtls/sha256.h>
#include <string.h>

#include <algorithm>

#include "lib/core/byte_order.h"
#include "lib/crypto/sha256_ni.h"

namespace bp {

namespace {

// FIPS 180-4 section 5.3.3.
const uint32_t kSha256Initial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

}  // namespace

// mbedtls 2.28's functions fail only on bad parameters, which these wrappers
// never pass, so their results are not checked.

void sha256_compress_mbedtls(uint32_t state[8], const uint8_t *blocks, size_t count) {
  mbedtls_sha256_context context;
  mbedtls_sha256_init(&context);
  memcpy(context.state, state, sizeof context.state);
  for (size_t i = 0; i < count; ++i) mbedtls_internal_sha256_process(&context, blocks + 64 * i);
  memcpy(state, context.state, sizeof context.state);
  mbedtls_sha256_free(&context);
}

Sha256Compress sha256_compress_best() {
  return sha256_ni_supported() ? sha256_ni_compress : sha256_compress_mbedtls;
}

Sha256Digest sha256(ByteView data) {
  Sha256 hash;
  hash.update(data);
  return hash.finish();
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

Sha256::Sha256(Sha256Compress compress) : compress_(compress) {
  memcpy(state_, kSha256Initial, sizeof state_);
}

void Sha256::update(ByteView data) {
  if (data.empty()) return;  // its pointer may be null: memcpy must not see it
  const uint8_t *p = data.data();
  size_t left = data.size();
  length_ += left;
  if (buffered_ > 0) {
    size_t take = std::min(left, sizeof buffer_ - buffered_);
    memcpy(buffer_ + buffered_, p, take);
    buffered_ += take;
    p += take;
    left -= take;
    if (buffered_ < sizeof buffer_) return;
    compress_(state_, buffer_, 1);
    buffered_ = 0;
  }
  if (left >= 64) {
    compress_(state_, p, left / 64);
    p += left / 64 * 64;
    left %= 64;
  }
  if (left > 0) {
    memcpy(buffer_, p, left);
    buffered_ = left;
  }
}

// FIPS 180-4 section 5.1.1: 0x80, zeros, then the bit length (big-endian)
// in the last 8 bytes of the final block.
size_t Sha256::padding(uint8_t tail[128]) const {
  memset(tail, 0, 128);
  memcpy(tail, buffer_, buffered_);
  tail[buffered_] = 0x80;
  const size_t tail_size = buffered_ + 1 + 8 <= 64 ? 64 : 128;
  store_be64(tail + tail_size - 8, length_ * 8);
  return tail_size / 64;
}

Sha256Digest Sha256::digest() const {
  Sha256Digest out;
  for (size_t i = 0; i < 8; ++i) store_be32(out.data() + 4 * i, state_[i]);
  return out;
}

Sha256Digest Sha256::finish() {
  uint8_t tail[128];
  compress_(state_, tail, padding(tail));
  return digest();
}

void Sha256::finish_pair(ByteView a, ByteView b, Sha256Digest *digest_a, Sha256Digest *digest_b) const {
  Sha256 ha = *this;
  Sha256 hb = *this;
  if (compress_ != sha256_ni_compress || a.size() != b.size() || buffered_ + a.size() < 64) {
    ha.update(a);
    hb.update(b);
    *digest_a = ha.finish();
    *digest_b = hb.finish();
    return;
  }
  // Same length, same prefix: both pass through the same block boundaries.
  size_t done = 0;
  if (buffered_ > 0) {
    done = 64 - buffered_;
    memcpy(ha.buffer_ + buffered_, a.data(), done);
    memcpy(hb.buffer_ + buffered_, b.data(), done);
    sha256_ni_compress_x2(ha.state_, ha.buffer_, hb.state_, hb.buffer_, 1);
  }
  const size_t blocks = (a.size() - done) / 64;
  sha256_ni_compress_x2(ha.state_, a.data() + done, hb.state_, b.data() + done, blocks);
  done += blocks * 64;
  ha.buffered_ = hb.buffered_ = a.size() - done;
  memcpy(ha.buffer_, a.data() + done, ha.buffered_);
  memcpy(hb.buffer_, b.data() + done, hb.buffered_);
  ha.length_ = hb.length_ = length_ + a.size();
  uint8_t tail_a[128], tail_b[128];
  const size_t tail_blocks = ha.padding(tail_a);
  hb.padding(tail_b);
  sha256_ni_compress_x2(ha.state_, tail_a, hb.state_, tail_b, tail_blocks);
  *digest_a = ha.digest();
  *digest_b = hb.digest();
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
