/* Vectorizable elementary functions with the same bits on every x86-64
 * (baseline, AVX2 or AVX-512 clones alike): IEEE additions, multiplications,
 * fused multiply-adds (fma, correctly rounded, so one rounding wherever it
 * runs: an instruction in the x86-64-v3 and v4 clones, libm's exact software
 * fma in the baseline build) and bit operations only, no tables, no branches,
 * so loops calling them vectorize. The engine builds with -ffp-contract=off:
 * the compiler fuses nothing of its own, so every clone does the same
 * operations.
 *
 * mc_exp: Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2, a degree-13
 * Taylor polynomial by Horner's rule in fused steps (truncation < 4e-18
 * relative), and 2^n from the exponent bits; within 2 ulp of exp(x) on
 * [-708, 709], 0 below, +inf above (the last 0.78 of the double range is
 * given up for a branch-free reduction).
 *
 * mc_log: x = 2^k m with m in [sqrt(1/2), sqrt(2)) from the bits (subnormals
 * scaled by 2^54 first), then ln m = 2 atanh(s) with s = (m - 1) / (m + 1),
 * |s| <= 0.172, summed as the series 2 s (1 + s^2/3 + s^4/5 + ...) to the
 * s^22 term in fused steps (truncation < 1e-18 relative), and k ln2 in two
 * parts; within 3 ulp of log(x) (tests/test_vmath.c), -inf at 0, NaN below 0
 * and for NaN, +inf at +inf. */
#ifndef MC_VMATH_H
#define MC_VMATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Hot loops are also built for x86-64-v3 (AVX2 and FMA) and v4 (AVX-512)
 * and chosen at run time. The clones give the same bits: the same IEEE
 * operations on wider vectors, fma where the source says so and nowhere else
 * (-ffp-contract=off); tests/test_model_isa.c checks it. The baseline clone,
 * for CPUs older than 2013 without FMA, pays for libm's software fma.
 * Give every cloned function a name unique in the program, static or not:
 * clang (the fuzzing build) emits the resolver of a static clone as a global
 * symbol NAME.resolver, so two files' static clones of one name do not link. */
#if defined(MC_MODEL_NO_CLONES) || !defined(__x86_64__)
#define MC_CLONES
#else
#define MC_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif

/* Buffers that vector loops read or write start on a cache line, so that no
 * 64-byte load or store straddles two (a split store costs about twice as
 * much on current Intel cores); heap buffers come from posix_memalign(64). */
#define MC_ALIGNED __attribute__((aligned(64)))

static inline __attribute__((always_inline)) double mc_exp(double x) {
  const double log2e = 0x1.71547652b82fep0;
  const double ln2_hi = 0x1.62e42fee00000p-1, ln2_lo = 0x1.a39ef35793c76p-33;
  const double magic = 0x1.8p52;
  double xc = x < -708.0 ? -708.0 : x;
  xc = xc > 709.0 ? 709.0 : xc;
  double t = xc * log2e + magic;
  double n = t - magic;
  double r = (xc - n * ln2_hi) - n * ln2_lo;
  double p = 1.0 / 6227020800.0;
  p = fma(p, r, 1.0 / 479001600.0);
  p = fma(p, r, 1.0 / 39916800.0);
  p = fma(p, r, 1.0 / 3628800.0);
  p = fma(p, r, 1.0 / 362880.0);
  p = fma(p, r, 1.0 / 40320.0);
  p = fma(p, r, 1.0 / 5040.0);
  p = fma(p, r, 1.0 / 720.0);
  p = fma(p, r, 1.0 / 120.0);
  p = fma(p, r, 1.0 / 24.0);
  p = fma(p, r, 1.0 / 6.0);
  p = fma(p, r, 0.5);
  p = fma(p, r, 1.0);
  p = fma(p, r, 1.0);
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

static inline __attribute__((always_inline)) double mc_log(double x) {
  const double ln2_hi = 0x1.62e42fee00000p-1, ln2_lo = 0x1.a39ef35793c76p-33;
  /* bits of sqrt(1/2), and what lifts a mantissa of sqrt(2) or more into the
   * next binade */
  const uint64_t off = UINT64_C(0x3fe6a09e667f3bcd), lift = UINT64_C(0x3ff0000000000000) - off;
  int sub = x < 0x1p-1022;
  double xs = sub ? x * 0x1p54 : x;
  uint64_t b;
  memcpy(&b, &xs, sizeof b);
  uint64_t u = b + lift;
  uint64_t kb = (u >> 52) | UINT64_C(0x4330000000000000); /* 2^52 + biased k, exactly */
  uint64_t mb = (u & UINT64_C(0x000fffffffffffff)) + off;
  double kd, m;
  memcpy(&kd, &kb, sizeof kd);
  memcpy(&m, &mb, sizeof m);
  double k = (kd - 0x1p52) - (sub ? 1023.0 + 54.0 : 1023.0);
  double f = m - 1.0, s = f / (m + 1.0), z = s * s;
  double p = 1.0 / 23;
  p = fma(p, z, 1.0 / 21);
  p = fma(p, z, 1.0 / 19);
  p = fma(p, z, 1.0 / 17);
  p = fma(p, z, 1.0 / 15);
  p = fma(p, z, 1.0 / 13);
  p = fma(p, z, 1.0 / 11);
  p = fma(p, z, 1.0 / 9);
  p = fma(p, z, 1.0 / 7);
  p = fma(p, z, 1.0 / 5);
  p = fma(p, z, 1.0 / 3);
  /* ln m = 2 s + 2 s z p, the small part added last */
  double y = k * ln2_hi + (2.0 * s + (k * ln2_lo + 2.0 * s * z * p));
  y = x > 0 ? y : (x == 0 ? -HUGE_VAL : NAN);
  y = x == HUGE_VAL ? HUGE_VAL : y;
  return y;
}

#endif
