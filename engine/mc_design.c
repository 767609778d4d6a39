/* Sampling designs: see mc_design.h for the contract and the sources. */
#include "mc_design.h"

#include <Random123/philox.h>
#include <math.h>

#include "mc_design_joe_kuo.h"
#include "mc_rng.h"
#include "mc_spec.h"

/* ---- Sobol' direction numbers ------------------------------------------- */

/* Joe & Kuo, new-joe-kuo-6.21201, dimensions 2..MC_SOBOL_MAXDIM: mc_joe_kuo[d - 2]
 * (mc_design_joe_kuo.h, generated; its comment says from what) holds
 * dimension d's degree s, polynomial coefficients a and initial direction
 * numbers m_1..m_s. Dimension 1 has m_k = 1. */
_Static_assert(MC_JOE_KUO_NDIM == MC_SOBOL_MAXDIM, "regenerate mc_design_joe_kuo.h "
                                                   "(scripts/sobol_table.py --ndim)");
_Static_assert(2 * (MC_MAXPARAM + 1) <= MC_SOBOL_MAXDIM,
               "a sensitivity design needs dimensions 1..2 (nparam + 1) (matrices A and B, "
               "each with the regime)");

/* v[d][k] = m_{k+1} 2^(63-k): the direction numbers as 64-bit fractions
 * (512 KiB for 1024 dimensions, filled on first use). */
static uint64_t sobol_v[MC_SOBOL_MAXDIM][64];
static int sobol_ready;

/* Fills sobol_v once (the engine has no threads; the fill is deterministic,
 * so a repeated fill writes the same values). Joe & Kuo's recurrence:
 * v_k = v_{k-s} ^ (v_{k-s} >> s) ^ XOR_{j=1..s-1} a_j v_{k-j}. */
static void sobol_init(void) {
  if (sobol_ready)
    return;
  for (int k = 0; k < 64; k++)
    sobol_v[0][k] = UINT64_C(1) << (63 - k);
  for (int d = 1; d < MC_SOBOL_MAXDIM; d++) {
    int s = mc_joe_kuo[d - 1].s, a = mc_joe_kuo[d - 1].a;
    uint64_t *v = sobol_v[d];
    for (int k = 0; k < s; k++)
      v[k] = (uint64_t)mc_joe_kuo[d - 1].m[k] << (63 - k);
    for (int k = s; k < 64; k++) {
      uint64_t x = v[k - s] ^ (v[k - s] >> s);
      for (int j = 1; j < s; j++)
        if ((a >> (s - 1 - j)) & 1)
          x ^= v[k - j];
      v[k] = x;
    }
  }
  sobol_ready = 1;
}

uint64_t mc_sobol_point(int dim, uint64_t i) {
  sobol_init();
  const uint64_t *v = sobol_v[dim - 1];
  uint64_t x = 0;
  while (i) {
    int k = __builtin_ctzll(i);
    x ^= v[k];
    i &= i - 1;
  }
  return x;
}

static inline uint64_t reverse64(uint64_t x) {
  x = ((x >> 1) & UINT64_C(0x5555555555555555)) | ((x & UINT64_C(0x5555555555555555)) << 1);
  x = ((x >> 2) & UINT64_C(0x3333333333333333)) | ((x & UINT64_C(0x3333333333333333)) << 2);
  x = ((x >> 4) & UINT64_C(0x0f0f0f0f0f0f0f0f)) | ((x & UINT64_C(0x0f0f0f0f0f0f0f0f)) << 4);
  x = ((x >> 8) & UINT64_C(0x00ff00ff00ff00ff)) | ((x & UINT64_C(0x00ff00ff00ff00ff)) << 8);
  x = ((x >> 16) & UINT64_C(0x0000ffff0000ffff)) | ((x & UINT64_C(0x0000ffff0000ffff)) << 16);
  return (x >> 32) | (x << 32);
}

uint64_t mc_sobol_scramble(uint64_t x, uint64_t key) {
  /* After bit reversal the first binary digit of the fraction is bit 0.
   * Adding, multiplying by an odd number and x ^= x * (even) each leave bit j
   * a function of bits 0..j only (carries move upwards), so every digit is
   * permuted as a function of the digits before it: a nested scramble. The
   * operations are those of Burley's hash (2020) in N. Vegdahl's revised
   * order ("Building a better LK hash", 2021), with 64-bit constants. */
  x = reverse64(x);
  x ^= x * UINT64_C(0x3d20adea54a1c8b6);
  x += key;
  x *= ((key >> 32) | (key << 32)) | 1;
  x ^= x * UINT64_C(0x05526c56a7e31f9a);
  x ^= x * UINT64_C(0x53a22864d0f3b59c);
  return reverse64(x);
}

/* A 64-bit word from Philox at a counter that the mc uniforms never use
 * (their counters are {index / 4, 0, 0, 0}). */
static uint64_t derived_key(uint64_t seed, uint64_t stream, uint64_t tag) {
  philox4x64_key_t k = {{seed, stream}};
  philox4x64_ctr_t c = {{0, tag, 0, 0}};
  return philox4x64(c, k).v[0];
}

uint64_t mc_sobol_key(uint64_t seed, uint64_t stream) {
  return derived_key(seed, stream, UINT64_C(0x534f424f4c)); /* "SOBOL" */
}

/* ---- LHS ------------------------------------------------------------------ */

/* Stafford's variant 13 of the splitmix64 finalizer: a bijection with full
 * avalanche, the Feistel round function. */
static inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

uint64_t mc_lhs_key(const mc_design *d, uint64_t stream) {
  return derived_key(d->seed, stream, UINT64_C(0x4c4853)); /* "LHS" */
}

uint64_t mc_lhs_permute(const mc_design *d, uint64_t key, uint64_t i) {
  int h = d->half_bits;
  if (h == 0)
    return 0;
  uint64_t mask = (UINT64_C(1) << h) - 1, x = i;
  do {
    uint64_t L = x >> h, R = x & mask;
    for (int r = 0; r < MC_LHS_ROUNDS; r++) {
      uint64_t f = mix64(R ^ (key + (uint64_t)(r + 1) * UINT64_C(0x9e3779b97f4a7c15))) & mask;
      uint64_t t = L ^ f;
      L = R;
      R = t;
    }
    x = (L << h) | R;
  } while (x >= d->n);
  return x;
}

/* ---- the dispatch --------------------------------------------------------- */

void mc_design_init(mc_design *d, int method, uint64_t seed, uint64_t n) {
  d->method = method;
  d->seed = seed;
  d->n = n;
  int h = 0;
  /* smallest h with 4^h >= n */
  while (h < 32 && (UINT64_C(1) << (2 * h)) < n)
    h++;
  d->half_bits = n <= 1 ? 0 : h;
  if (method == MC_METHOD_SOBOL)
    sobol_init();
}

#define U_MIN 0x1.0p-53
#define U_MAX (1.0 - 0x1.0p-53)

void mc_design_uniforms(const mc_design *d, uint64_t stream, int dim, uint64_t first, int count,
                        double *u) {
  if (d->method == MC_METHOD_LHS) {
    mc_rng_uniforms(d->seed, stream, first, count, u);
    uint64_t key = mc_lhs_key(d, stream);
    double n = (double)d->n;
    for (int j = 0; j < count; j++) {
      double v = ((double)mc_lhs_permute(d, key, first + (uint64_t)j) + u[j]) / n;
      u[j] = v < U_MIN ? U_MIN : v > U_MAX ? U_MAX : v;
    }
  } else if (d->method == MC_METHOD_SOBOL) {
    uint64_t key = mc_sobol_key(d->seed, stream);
    for (int j = 0; j < count; j++) {
      uint64_t x = mc_sobol_scramble(mc_sobol_point(dim, first + (uint64_t)j), key);
      u[j] = ((double)(x >> 12) + 0.5) * 0x1.0p-52; /* as mc: in [2^-53, 1 - 2^-53] */
    }
  } else {
    mc_rng_uniforms(d->seed, stream, first, count, u);
  }
}
