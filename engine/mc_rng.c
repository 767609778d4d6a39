/* Philox4x64-10 uniforms: see mc_rng.h. */
#include "mc_rng.h"

#include <Random123/philox.h>

#include "mc_vmath.h" /* MC_CLONES */

uint64_t mc_rng_stream(const char *name) {
  uint64_t h = 14695981039346656037ULL;
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
    h ^= *p;
    h *= 1099511628211ULL;
  }
  return h;
}

/* (x >> 12) + 0.5 is exact, so u lies in [2^-53, 1 - 2^-53]: never 0 or 1. */
static inline double to_unit(uint64_t x) { return ((double)(x >> 12) + 0.5) * 0x1.0p-52; }

double mc_rng_uniform(uint64_t seed, uint64_t stream, uint64_t index) {
  philox4x64_key_t k = {{seed, stream}};
  philox4x64_ctr_t c = {{index >> 2, 0, 0, 0}};
  philox4x64_ctr_t r = philox4x64(c, k);
  return to_unit(r.v[index & 3]);
}

/* The high and low words of a * b, from 32-bit halves, so that the loop below
 * vectorizes (the same bits as Random123's mulhilo64). */
static inline uint64_t mulhilo(uint64_t a, uint64_t b, uint64_t *hi) {
  const uint64_t m32 = 0xffffffffu;
  uint64_t a0 = a & m32, a1 = a >> 32, b0 = b & m32, b1 = b >> 32;
  uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  uint64_t mid = (p00 >> 32) + (p01 & m32) + (p10 & m32);
  *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  return a * b;
}

/* Philox4x64-10 (Random123's philox4x64, same bits: tests/test_sample.c) of
 * the m counters c0 .. c0+m-1 under the key (seed, stream): word l of
 * counter c0 + j into w[l][j]. The counters run in vector lanes. */
#define PHILOX_CHUNK 64
MC_CLONES static void philox_words_c(uint64_t seed, uint64_t stream, uint64_t c0, int m,
                                     uint64_t *restrict w0, uint64_t *restrict w1,
                                     uint64_t *restrict w2, uint64_t *restrict w3) {
  for (int j = 0; j < m; j++) {
    uint64_t x0 = c0 + (uint64_t)j, x1 = 0, x2 = 0, x3 = 0, k0 = seed, k1 = stream;
#pragma GCC unroll 10
    for (int r = 0; r < 10; r++) { /* unrolled, so that the counter loop vectorizes */
      uint64_t hi0, hi1;
      uint64_t lo0 = mulhilo(PHILOX_M4x64_0, x0, &hi0);
      uint64_t lo1 = mulhilo(PHILOX_M4x64_1, x2, &hi1);
      x0 = hi1 ^ x1 ^ k0;
      x1 = lo1;
      x2 = hi0 ^ x3 ^ k1;
      x3 = lo0;
      k0 += PHILOX_W64_0;
      k1 += PHILOX_W64_1;
    }
    w0[j] = x0, w1[j] = x1, w2[j] = x2, w3[j] = x3;
  }
}

#if defined(__x86_64__) && !defined(MC_MODEL_NO_CLONES)
#define MC_PHILOX_INTRINSICS 1
#include <immintrin.h>
/* The same rounds with the 32 x 32 -> 64-bit products as vpmuludq, which GCC
 * does not find in the C above (it emits the slow 64-bit vpmullq there):
 * 8 counters per AVX-512 vector, 4 per AVX2 one. Integer arithmetic, so the
 * bits are the C loop's (tests/test_sample.c checks every level). */
/* Vectors of counters the rounds work on at once. bench/hot_bench on the AMD
 * EPYC, ns per AVX-512 uniform: 2.19 with 4 ways, 2.37 with 1; 2.66 before,
 * with 1 way and the high word from four partial sums instead of two. */
#define PHILOX_WAYS 4
#define PHILOX_LANES(V, W, P, SET1, ADD, AND, XOR, SRLI, SLLI, MUL, STOREU, IOTA)                  \
  static inline __attribute__((target(P), always_inline))                                          \
  V philox_mulhi_##W(V a, uint64_t k, V *lo) {                                                     \
    const V m32 = SET1(0xffffffffLL), bl = SET1((long long)(k & 0xffffffffu)),                     \
            bh = SET1((long long)(k >> 32));                                                       \
    V ah = SRLI(a, 32);                                                                            \
    V p00 = MUL(a, bl), p01 = MUL(a, bh), p10 = MUL(ah, bl), p11 = MUL(ah, bh);                    \
    /* a b = p11 2^64 + (p01 + p10) 2^32 + p00; neither sum below can wrap */                      \
    V t = ADD(p10, SRLI(p00, 32)), u = ADD(p01, AND(t, m32));                                      \
    *lo = ADD(SLLI(u, 32), AND(p00, m32));                                                         \
    return ADD(ADD(p11, SRLI(t, 32)), SRLI(u, 32));                                                \
  }                                                                                                \
  __attribute__((target(P))) static void philox_words_##W(                                         \
      uint64_t seed, uint64_t stream, uint64_t c0, int m, uint64_t *w0, uint64_t *w1,              \
      uint64_t *w2, uint64_t *w3) {                                                                \
    /* PHILOX_WAYS vectors of counters at a time: the rounds of one vector                         \
     * are a chain of dependent operations, and independent chains beside                          \
     * it fill the gaps */                                                                         \
    const int L = (int)(sizeof(V) / 8), U = PHILOX_WAYS;                                           \
    for (int j = 0; j + U * L <= m; j += U * L) {                                                  \
      V x0[PHILOX_WAYS], x1[PHILOX_WAYS], x2[PHILOX_WAYS], x3[PHILOX_WAYS];                        \
      for (int v = 0; v < U; v++) {                                                                \
        x0[v] = ADD(SET1((long long)(c0 + (uint64_t)(j + v * L))), IOTA);                          \
        x1[v] = x2[v] = x3[v] = SET1(0);                                                           \
      }                                                                                            \
      uint64_t k0 = seed, k1 = stream;                                                             \
      for (int r = 0; r < 10; r++) {                                                               \
        for (int v = 0; v < U; v++) {                                                              \
          V lo0, lo1;                                                                              \
          V hi0 = philox_mulhi_##W(x0[v], PHILOX_M4x64_0, &lo0);                                   \
          V hi1 = philox_mulhi_##W(x2[v], PHILOX_M4x64_1, &lo1);                                   \
          x0[v] = XOR(XOR(hi1, x1[v]), SET1((long long)k0));                                       \
          x1[v] = lo1;                                                                             \
          x2[v] = XOR(XOR(hi0, x3[v]), SET1((long long)k1));                                       \
          x3[v] = lo0;                                                                             \
        }                                                                                          \
        k0 += PHILOX_W64_0;                                                                        \
        k1 += PHILOX_W64_1;                                                                        \
      }                                                                                            \
      for (int v = 0; v < U; v++) {                                                                \
        STOREU((void *)(w0 + j + v * L), x0[v]);                                                   \
        STOREU((void *)(w1 + j + v * L), x1[v]);                                                   \
        STOREU((void *)(w2 + j + v * L), x2[v]);                                                   \
        STOREU((void *)(w3 + j + v * L), x3[v]);                                                   \
      }                                                                                            \
    }                                                                                              \
    int done = m - m % (U * L);                                                                    \
    philox_words_c(seed, stream, c0 + (uint64_t)done, m - done, w0 + done, w1 + done, w2 + done,   \
                   w3 + done);                                                                     \
  }

PHILOX_LANES(__m512i, avx512, "avx512f", _mm512_set1_epi64, _mm512_add_epi64, _mm512_and_si512,
             _mm512_xor_si512, _mm512_srli_epi64, _mm512_slli_epi64, _mm512_mul_epu32,
             _mm512_storeu_si512, _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0))
PHILOX_LANES(__m256i, avx2, "avx2", _mm256_set1_epi64x, _mm256_add_epi64, _mm256_and_si256,
             _mm256_xor_si256, _mm256_srli_epi64, _mm256_slli_epi64, _mm256_mul_epu32,
             _mm256_storeu_si256, _mm256_set_epi64x(3, 2, 1, 0))
#endif

/* The instruction sets philox_words can use here: 0 the C loop, 1 AVX2,
 * 2 AVX-512. */
static int philox_isa_max(void) {
#ifdef MC_PHILOX_INTRINSICS
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") ? 2 : __builtin_cpu_supports("avx2") ? 1 : 0;
#else
  return 0;
#endif
}

static void philox_words(int isa, uint64_t seed, uint64_t stream, uint64_t c0, int m, uint64_t *w0,
                         uint64_t *w1, uint64_t *w2, uint64_t *w3) {
#ifdef MC_PHILOX_INTRINSICS
  if (isa == 2) {
    philox_words_avx512(seed, stream, c0, m, w0, w1, w2, w3);
    return;
  }
  if (isa == 1) {
    philox_words_avx2(seed, stream, c0, m, w0, w1, w2, w3);
    return;
  }
#endif
  (void)isa;
  philox_words_c(seed, stream, c0, m, w0, w1, w2, w3);
}

MC_CLONES static void words_to_units(const uint64_t *restrict w0, const uint64_t *restrict w1,
                                     const uint64_t *restrict w2, const uint64_t *restrict w3,
                                     int m, double *restrict u) {
  for (int j = 0; j < m; j++) {
    u[4 * j] = to_unit(w0[j]);
    u[4 * j + 1] = to_unit(w1[j]);
    u[4 * j + 2] = to_unit(w2[j]);
    u[4 * j + 3] = to_unit(w3[j]);
  }
}

int mc_rng_isa_max(void) {
  static int isa = -1; /* a race here writes the same value */
  if (isa < 0)
    isa = philox_isa_max();
  return isa;
}

void mc_rng_uniforms_isa(int isa, uint64_t seed, uint64_t stream, uint64_t first, int n,
                         double *u) {
  if (isa > mc_rng_isa_max())
    isa = mc_rng_isa_max();
  int i = 0;
  /* a leading partial counter, whole counters in chunks, a trailing partial one */
  while (i < n && ((first + (uint64_t)i) & 3)) {
    u[i] = mc_rng_uniform(seed, stream, first + (uint64_t)i);
    i++;
  }
  uint64_t w0[PHILOX_CHUNK], w1[PHILOX_CHUNK], w2[PHILOX_CHUNK], w3[PHILOX_CHUNK];
  while (n - i >= 4) {
    int m = (n - i) / 4 < PHILOX_CHUNK ? (n - i) / 4 : PHILOX_CHUNK;
    philox_words(isa, seed, stream, (first + (uint64_t)i) >> 2, m, w0, w1, w2, w3);
    words_to_units(w0, w1, w2, w3, m, u + i);
    i += 4 * m;
  }
  for (; i < n; i++)
    u[i] = mc_rng_uniform(seed, stream, first + (uint64_t)i);
}

void mc_rng_uniforms(uint64_t seed, uint64_t stream, uint64_t first, int n, double *u) {
  mc_rng_uniforms_isa(mc_rng_isa_max(), seed, stream, first, n, u);
}
