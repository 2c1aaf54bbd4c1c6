// AES-XTS throughput as the image tool uses it: a 64 MiB buffer encrypted
// and decrypted in place in 512- and 4096-byte sectors, AES-128 and
// AES-256. Also the cost of one mbedtls AES block call, which bounds what
// mbedtls' XTS (one block per call) can reach. Prints MB/s (10^6 bytes/s),
// the best of several runs, one figure a line for bench/aes-xts.bench:
//   xts <key bits> <sector bytes> encrypt|decrypt <MB/s>
//   ecb-one-block 256 16 encrypt <MB/s>
// Not a test: nothing is asserted.
#include "lib/crypto/aes_xts.h"

#include <mbedtls/aes.h>
#include <mbedtls/aesni.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/crypto/random.h"

namespace {

constexpr size_t kBufferSize = size_t{64} << 20;
constexpr int kRuns = 3;

double now_seconds() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double mb_per_s(size_t bytes, double seconds) { return static_cast<double>(bytes) / seconds / 1e6; }

int fail(const char *what, const bp::Error &error) {
  (void)fprintf(stderr, "bench aes_xts: %s: %s\n", what, error.message().c_str());
  return 1;
}

// Best-of-kRuns seconds for one pass over the buffer.
template <typename Pass>
double best_of(Pass pass) {
  double best = 1e30;
  for (int run = 0; run < kRuns; ++run) {
    double start = now_seconds();
    if (!pass()) return -1;
    double elapsed = now_seconds() - start;
    if (elapsed < best) best = elapsed;
  }
  return best;
}

}  // namespace

int main() {
  auto random = bp::Random::create();
  if (!random.ok()) return fail("random", random.error());
  uint8_t *buffer = static_cast<uint8_t *>(aligned_alloc(4096, kBufferSize));
  if (buffer == nullptr) return 1;
  memset(buffer, 0x5a, kBufferSize);

  printf("# %zu MiB buffer, best of %d runs, in place; mbedtls AES-NI %s\n", kBufferSize >> 20, kRuns,
         mbedtls_aesni_has_support(MBEDTLS_AESNI_AES) ? "used" : "not available");

  for (size_t key_size : {size_t{32}, size_t{64}}) {
    auto key = random.value().secret(key_size);
    if (!key.ok()) return fail("key", key.error());
    auto xts = bp::AesXts::create(key.value().view());
    if (!xts.ok()) return fail("key setup", xts.error());
    for (size_t sector : {size_t{512}, size_t{4096}}) {
      bool ok = true;
      double enc = best_of([&] {
        ok = xts.value().encrypt_sectors(0, sector, buffer, buffer, kBufferSize).ok();
        return ok;
      });
      double dec = best_of([&] {
        ok = xts.value().decrypt_sectors(0, sector, buffer, buffer, kBufferSize).ok();
        return ok;
      });
      if (!ok) return 1;
      printf("xts %zu %zu encrypt %.1f\n", key_size * 4, sector, mb_per_s(kBufferSize, enc));
      printf("xts %zu %zu decrypt %.1f\n", key_size * 4, sector, mb_per_s(kBufferSize, dec));
    }
  }

  // The building block: mbedtls_aes_crypt_ecb on one 16-byte block per call.
  mbedtls_aes_context aes;
  mbedtls_aes_init(&aes);
  uint8_t key[32] = {1};
  mbedtls_aes_setkey_enc(&aes, key, 256);
  double ecb = best_of([&] {
    for (size_t off = 0; off < kBufferSize; off += 16) {
      mbedtls_aes_crypt_ecb(&aes, MBEDTLS_AES_ENCRYPT, buffer + off, buffer + off);
    }
    return true;
  });
  mbedtls_aes_free(&aes);
  printf("ecb-one-block 256 16 encrypt %.1f\n", mb_per_s(kBufferSize, ecb));
  free(buffer);
  return 0;
}
