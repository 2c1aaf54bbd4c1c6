#include "lib/crypto/sha256_ni.h"

#include <cpuid.h>
#include <immintrin.h>

#include <atomic>

#define BP_SHA_NI __attribute__((target("sha,ssse3,sse4.1")))

namespace bp {

namespace {

// FIPS 180-4 section 4.2.2.
alignas(16) const uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// Register layout (Intel SDM, SHA256RNDS2): the eight working variables live
// in two registers, "ABEF" (A in bits 127:96, then B, E, F in bits 31:0) and
// "CDGH". Each SHA256RNDS2 runs two rounds with W+K from the low 64 bits of
// its third operand and returns the new ABEF; the old ABEF becomes CDGH.
struct Lane {
  __m128i abef;
  __m128i cdgh;
};

// Memory order A B C D | E F G H to ABEF / CDGH. Dword lists below are
// lowest first.
BP_SHA_NI inline Lane load_state(const uint32_t state[8]) {
  __m128i abcd = _mm_loadu_si128(reinterpret_cast<const __m128i *>(state));
  __m128i efgh = _mm_loadu_si128(reinterpret_cast<const __m128i *>(state + 4));
  __m128i badc = _mm_shuffle_epi32(abcd, 0xB1);  // dwords B A D C
  __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);  // dwords H G F E
  return {_mm_alignr_epi8(badc, hgfe, 8), _mm_blend_epi16(hgfe, badc, 0xF0)};
}

BP_SHA_NI inline void store_state(uint32_t state[8], Lane lane) {
  __m128i feba = _mm_shuffle_epi32(lane.abef, 0x1B);  // dwords A B E F
  __m128i dchg = _mm_shuffle_epi32(lane.cdgh, 0xB1);  // dwords G H C D
  _mm_storeu_si128(reinterpret_cast<__m128i *>(state), _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i *>(state + 4), _mm_alignr_epi8(dchg, feba, 8));
}

// Message words are big-endian: swap the bytes of each dword.
BP_SHA_NI inline void load_message(const uint8_t *block, __m128i w[4]) {
  const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
  for (size_t i = 0; i < 4; ++i) {
    w[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i *>(block + 16 * i)), byte_swap);
  }
}

// w[i % 4] holds message words 4i .. 4i+3. For group g >= 4:
// W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time: MSG1
// adds s0 to the words of group g-4, the aligned vector supplies t-7 (from
// groups g-2 and g-1), MSG2 adds s1 (including the words it produces).
BP_SHA_NI inline void schedule(__m128i w[4], int g) {
  const __m128i partial = _mm_add_epi32(_mm_sha256msg1_epu32(w[g % 4], w[(g + 1) % 4]),
                                        _mm_alignr_epi8(w[(g + 3) % 4], w[(g + 2) % 4], 4));
  w[g % 4] = _mm_sha256msg2_epu32(partial, w[(g + 3) % 4]);
}

// Rounds 4g .. 4g+3. After the two calls abef holds ABEF again and cdgh the
// previous ABEF, i.e. CDGH.
BP_SHA_NI inline void four_rounds(Lane &s, __m128i w, int g) {
  __m128i wk = _mm_add_epi32(
      w, _mm_load_si128(reinterpret_cast<const __m128i *>(kRoundConstants + 4 * static_cast<size_t>(g))));
  s.cdgh = _mm_sha256rnds2_epu32(s.cdgh, s.abef, wk);
  s.abef = _mm_sha256rnds2_epu32(s.abef, s.cdgh, _mm_shuffle_epi32(wk, 0x0E));
}

BP_SHA_NI inline void add_state(Lane &s, const Lane &saved) {
  s.abef = _mm_add_epi32(s.abef, saved.abef);
  s.cdgh = _mm_add_epi32(s.cdgh, saved.cdgh);
}

bool cpu_has_sha_ni() {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
  const bool ssse3 = (ecx & bit_SSSE3) != 0;
  const bool sse41 = (ecx & bit_SSE4_1) != 0;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
  return ssse3 && sse41 && (ebx & bit_SHA) != 0;
}

}  // namespace

// CPUID traps to the hypervisor in a VM (microseconds), and every HMAC of a
// PBKDF2 iteration makes a new hash object: ask the CPU once. The atomic is
// constant-initialized (no guard variable, which musl's runtime lacks).
bool sha256_ni_supported() {
  static std::atomic<int> known{0};  // 0 not asked yet, 1 no, 2 yes
  int value = known.load(std::memory_order_relaxed);
  if (value == 0) {
    value = cpu_has_sha_ni() ? 2 : 1;
    known.store(value, std::memory_order_relaxed);
  }
  return value == 2;
}

BP_SHA_NI void sha256_ni_compress(uint32_t state[8], const uint8_t *blocks, size_t count) {
  Lane s = load_state(state);
  for (size_t b = 0; b < count; ++b, blocks += 64) {
    const Lane saved = s;
    __m128i w[4];
    load_message(blocks, w);
#pragma GCC unroll 16
    for (int g = 0; g < 16; ++g) {
      if (g >= 4) schedule(w, g);
      four_rounds(s, w[g % 4], g);
    }
    add_state(s, saved);
  }
  store_state(state, s);
}

// The same rounds on two independent messages, interleaved: SHA256RNDS2's
// latency rather than its throughput limits a single message.
BP_SHA_NI void sha256_ni_compress_x2(uint32_t state_a[8], const uint8_t *a, uint32_t state_b[8],
                                     const uint8_t *b, size_t count) {
  Lane sa = load_state(state_a);
  Lane sb = load_state(state_b);
  for (size_t n = 0; n < count; ++n, a += 64, b += 64) {
    const Lane saved_a = sa;
    const Lane saved_b = sb;
    __m128i wa[4], wb[4];
    load_message(a, wa);
    load_message(b, wb);
#pragma GCC unroll 16
    for (int g = 0; g < 16; ++g) {
      if (g >= 4) {
        schedule(wa, g);
        schedule(wb, g);
      }
      four_rounds(sa, wa[g % 4], g);
      four_rounds(sb, wb[g % 4], g);
    }
    add_state(sa, saved_a);
    add_state(sb, saved_b);
  }
  store_state(state_a, sa);
  store_state(state_b, sb);
}

}  // namespace bp
