#include "lib/crypto/random.h"

#include <errno.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <sys/random.h>

#include <new>

#include "lib/crypto/mbedtls_glue.h"

namespace bp {

namespace {

// mbedtls entropy callback over getrandom(2): no file descriptor to
// /dev/urandom to open (or to find missing in an early-boot mount namespace).
int getrandom_entropy(void *, unsigned char *out, size_t size) {
  while (size > 0) {
    ssize_t n = getrandom(out, size, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
    }
    out += n;
    size -= static_cast<size_t>(n);
  }
  return 0;
}

mbedtls_ctr_drbg_context *drbg(SecretBytes &state) {
  return reinterpret_cast<mbedtls_ctr_drbg_context *>(state.data());
}

}  // namespace

Result<Random> Random::create(ByteView personalization) {
  SecretBytes state = TRY(SecretBytes::allocate(sizeof(mbedtls_ctr_drbg_context)));
  auto *context = new (state.data()) mbedtls_ctr_drbg_context;
  mbedtls_ctr_drbg_init(context);
  Random random(std::move(state));
  int rc = mbedtls_ctr_drbg_seed(context, getrandom_entropy, nullptr, personalization.data(),
                                 personalization.size());
  if (rc != 0) return mbedtls_error("random: seeding CTR_DRBG from getrandom", rc);
  return random;
}

Random &Random::operator=(Random &&other) noexcept {
  if (this != &other) {
    release();
    state_ = std::move(other.state_);
  }
  return *this;
}

Random::~Random() { release(); }

void Random::release() {
  if (state_.empty()) return;
  mbedtls_ctr_drbg_free(drbg(state_));
  state_.wipe();
}

Status Random::fill(uint8_t *out, size_t size) {
  if (state_.empty()) return Error("random: generator was moved from");
  while (size > 0) {
    size_t chunk = size < MBEDTLS_CTR_DRBG_MAX_REQUEST ? size : MBEDTLS_CTR_DRBG_MAX_REQUEST;
    int rc = mbedtls_ctr_drbg_random(drbg(state_), out, chunk);
    if (rc != 0) return mbedtls_error("random: CTR_DRBG", rc);
    out += chunk;
    size -= chunk;
  }
  return {};
}

Result<Bytes> Random::bytes(size_t size) {
  Bytes out(size);
  TRY(fill(out.data(), out.size()));
  return out;
}

Result<SecretBytes> Random::secret(size_t size) {
  SecretBytes out = TRY(SecretBytes::allocate(size));
  TRY(fill(out.data(), out.size()));
  return out;
}

int Random::generate(void *random, unsigned char *out, size_t size) {
  Status status = static_cast<Random *>(random)->fill(out, size);
  return status.ok() ? 0 : MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
}

}  // namespace bp
