/* Vectorizable elementary functions with the same bits on every x86-64
 * (SSE2 or AVX2 clones alike): plain IEEE additions, multiplications and
 * bit operations only, no FMA (the engine builds with -ffp-contract=off), no
 * tables, no branches, so loops calling them vectorize.
 *
 * mc_exp: Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2, a degree-13
 * Taylor polynomial (truncation < 4e-18 relative), and 2^n from the exponent
 * bits; within 2 ulp of exp(x) on [-708, 709], 0 below, +inf above (the
 * last 0.78 of the double range is given up for a branch-free reduction). */
#ifndef MC_VMATH_H
#define MC_VMATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Hot loops are also built for AVX2 and chosen at run time. The clones give
 * the same bits: the same IEEE operations on wider vectors, no FMA
 * (-ffp-contract=off); tests/test_model_isa.c checks it. */
#if defined(MC_MODEL_NO_CLONES) || !defined(__x86_64__)
#define MC_CLONES
#else
#define MC_CLONES __attribute__((target_clones("avx2", "default")))
#endif

static inline double mc_exp(double x) {
  const double log2e = 0x1.71547652b82fep0;
  const double ln2_hi = 0x1.62e42fee00000p-1, ln2_lo = 0x1.a39ef35793c76p-33;
  const double magic = 0x1.8p52;
  double xc = x < -708.0 ? -708.0 : x;
  xc = xc > 709.0 ? 709.0 : xc;
  double t = xc * log2e + magic;
  double n = t - magic;
  double r = (xc - n * ln2_hi) - n * ln2_lo;
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  uint64_t bits;
  memcpy(&bits, &t, sizeof bits);
  bits = (bits + 1023) << 52;
  double s;
  memcpy(&s, &bits, sizeof s);
  double y = p * s;
  y = x > 709.0 ? HUGE_VAL : y;
  y = x < -708.0 ? 0.0 : y;
  return y;
}

#endif
