/* Sampling designs (engine/mc_design.h): the LHS permutation is a bijection
 * and stratifies every parameter; Sobol' points match published ones; the
 * scramble keeps the net property and gives uniform, open-interval uniforms;
 * every design gives the same uniforms however the index range is split. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_demand.h"
#include "mc_design.h"
#include "mc_sample.h"
#include "mc_spec.h"

/* ---- LHS ------------------------------------------------------------------ */

static void test_lhs_bijection(void **state) {
  (void)state;
  static const uint64_t ns[] = {1, 2, 3, 5, 7, 1001, 4095, 4096, 4097, 12345, 65537};
  for (size_t t = 0; t < sizeof ns / sizeof ns[0]; t++) {
    uint64_t n = ns[t];
    mc_design d;
    mc_design_init(&d, MC_METHOD_LHS, 2030, n);
    assert_true((UINT64_C(1) << (2 * d.half_bits)) >= n);
    for (uint64_t key = 1; key <= 3; key++) {
      unsigned char *seen = calloc(n, 1);
      assert_non_null(seen);
      uint64_t fixed = 0;
      for (uint64_t i = 0; i < n; i++) {
        uint64_t p = mc_lhs_permute(&d, key * UINT64_C(0x9e3779b97f4a7c15), i);
        assert_true(p < n);
        assert_int_equal(seen[p], 0);
        seen[p] = 1;
        fixed += p == i;
      }
      /* a random permutation has one fixed point on average (Poisson(1)) */
      if (n > 1000)
        assert_true(fixed < 12);
      free(seen);
    }
  }
}

/* Every parameter's n strata are hit exactly once, for odd and even n, and
 * whatever the index range is split into. */
static void test_lhs_stratification(void **state) {
  (void)state;
  static const uint64_t ns[] = {1, 3, 1023, 10007, 16384};
  for (size_t t = 0; t < sizeof ns / sizeof ns[0]; t++) {
    uint64_t n = ns[t];
    mc_design d;
    mc_design_init(&d, MC_METHOD_LHS, 7, n);
    double *u = malloc(sizeof *u * n), *v = malloc(sizeof *v * n);
    unsigned char *hit = calloc(n, 1);
    assert_true(u && v && hit);
    for (int p = 0; p < MC_NPARAM; p++) {
      uint64_t stream = mc_rng_stream(mc_demand_params[p].key);
      mc_design_uniforms(&d, stream, p + 1, 0, (int)n, u);
      /* the same values in odd-sized pieces from arbitrary starting indices */
      for (uint64_t at = 0; at < n;) {
        int cnt = (int)((n - at) < 777 ? n - at : 777);
        mc_design_uniforms(&d, stream, p + 1, at, cnt, v + at);
        at += (uint64_t)cnt;
      }
      assert_memory_equal(u, v, sizeof *u * n);
      memset(hit, 0, n);
      for (uint64_t i = 0; i < n; i++) {
        assert_true(u[i] >= 0x1.0p-53 && u[i] <= 1 - 0x1.0p-53);
        uint64_t k = (uint64_t)floor(u[i] * (double)n);
        assert_true(k < n);
        assert_int_equal(hit[k], 0);
        hit[k] = 1;
      }
    }
    free(u);
    free(v);
    free(hit);
  }
}

/* Two parameters' permutations are unrelated: the rank correlation of their
 * strata is within 5 standard errors (1/sqrt(n-1)) of zero. */
static void test_lhs_independent_columns(void **state) {
  (void)state;
  uint64_t n = 20000;
  mc_design d;
  mc_design_init(&d, MC_METHOD_LHS, 11, n);
  double *a = malloc(sizeof *a * n), *b = malloc(sizeof *b * n);
  mc_design_uniforms(&d, mc_rng_stream("training.compute"), 1, 0, (int)n, a);
  mc_design_uniforms(&d, mc_rng_stream("training.growth"), 2, 0, (int)n, b);
  double sab = 0;
  for (uint64_t i = 0; i < n; i++)
    sab += (a[i] - 0.5) * (b[i] - 0.5);
  double r = sab / n * 12;
  assert_true(fabs(r) < 5 / sqrt((double)n - 1));
  free(a);
  free(b);
}

/* ---- Sobol' --------------------------------------------------------------- */

/* The unscrambled sequence in Gray-code order from index 1, 8 dimensions,
 * as published with Joe & Kuo's new-joe-kuo-6.21201 numbers (the values of
 * scipy.stats.qmc.Sobol(8, scramble=False) and of the Rust `sobol` crate's
 * test): point j of that order is natural-order point gray(j) = j ^ (j >> 1). */
static const double sobol_gray8[20][8] = {
    {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5},
    {0.75, 0.25, 0.25, 0.25, 0.75, 0.75, 0.25, 0.75},
    {0.25, 0.75, 0.75, 0.75, 0.25, 0.25, 0.75, 0.25},
    {0.375, 0.375, 0.625, 0.875, 0.375, 0.125, 0.375, 0.875},
    {0.875, 0.875, 0.125, 0.375, 0.875, 0.625, 0.875, 0.375},
    {0.625, 0.125, 0.875, 0.625, 0.625, 0.875, 0.125, 0.125},
    {0.125, 0.625, 0.375, 0.125, 0.125, 0.375, 0.625, 0.625},
    {0.1875, 0.3125, 0.9375, 0.4375, 0.5625, 0.3125, 0.4375, 0.9375},
    {0.6875, 0.8125, 0.4375, 0.9375, 0.0625, 0.8125, 0.9375, 0.4375},
    {0.9375, 0.0625, 0.6875, 0.1875, 0.3125, 0.5625, 0.1875, 0.1875},
    {0.4375, 0.5625, 0.1875, 0.6875, 0.8125, 0.0625, 0.6875, 0.6875},
    {0.3125, 0.1875, 0.3125, 0.5625, 0.9375, 0.4375, 0.0625, 0.0625},
    {0.8125, 0.6875, 0.8125, 0.0625, 0.4375, 0.9375, 0.5625, 0.5625},
    {0.5625, 0.4375, 0.0625, 0.8125, 0.1875, 0.6875, 0.3125, 0.8125},
    {0.0625, 0.9375, 0.5625, 0.3125, 0.6875, 0.1875, 0.8125, 0.3125},
    {0.09375, 0.46875, 0.46875, 0.65625, 0.28125, 0.96875, 0.53125, 0.84375},
    {0.59375, 0.96875, 0.96875, 0.15625, 0.78125, 0.46875, 0.03125, 0.34375},
    {0.84375, 0.21875, 0.21875, 0.90625, 0.53125, 0.21875, 0.78125, 0.09375},
    {0.34375, 0.71875, 0.71875, 0.40625, 0.03125, 0.71875, 0.28125, 0.59375},
    {0.46875, 0.09375, 0.84375, 0.28125, 0.15625, 0.84375, 0.90625, 0.21875},
};

/* Dimensions 9 and 10 of Gray-order points 3, 2 and 5 (published with
 * the same numbers). */
static const double sobol_gray_d9_10[3][3] = {{3, 0.25, 0.25}, {2, 0.75, 0.75}, {5, 0.375, 0.125}};

/* Joe & Kuo's initial direction numbers m_1..m_s of dimensions 2..34,
 * transcribed again from new-joe-kuo-6.21201 (independently of the table in
 * engine/mc_design.c): point 2^(k-1) of dimension d is m_k / 2^k. */
static const int jk_m[33][7] = {{1},
                                {1, 3},
                                {1, 3, 1},
                                {1, 1, 1},
                                {1, 1, 3, 3},
                                {1, 3, 5, 13},
                                {1, 1, 5, 5, 17},
                                {1, 1, 5, 5, 5},
                                {1, 1, 7, 11, 19},
                                {1, 1, 5, 1, 1},
                                {1, 1, 1, 3, 11},
                                {1, 3, 5, 5, 31},
                                {1, 3, 3, 9, 7, 49},
                                {1, 1, 1, 15, 21, 21},
                                {1, 3, 1, 13, 27, 49},
                                {1, 1, 1, 15, 7, 5},
                                {1, 3, 1, 15, 13, 25},
                                {1, 1, 5, 5, 19, 61},
                                {1, 3, 7, 11, 23, 15, 103},
                                {1, 3, 7, 13, 13, 15, 69},
                                {1, 1, 3, 13, 7, 35, 63},
                                {1, 3, 5, 9, 1, 25, 53},
                                {1, 3, 1, 13, 9, 35, 107},
                                {1, 3, 1, 5, 27, 61, 31},
                                {1, 1, 5, 11, 19, 41, 61},
                                {1, 3, 5, 3, 3, 13, 69},
                                {1, 1, 7, 13, 1, 19, 1},
                                {1, 3, 7, 5, 13, 19, 59},
                                {1, 1, 3, 9, 25, 29, 41},
                                {1, 3, 5, 13, 23, 1, 55},
                                {1, 3, 7, 3, 13, 59, 17},
                                {1, 3, 1, 3, 5, 53, 69},
                                {1, 1, 5, 5, 23, 33, 13}};

static double frac64(uint64_t x) { return ldexp((double)(x >> 11), -53); }

static void test_sobol_known_points(void **state) {
  (void)state;
  for (int d = 1; d <= MC_SOBOL_MAXDIM; d++)
    assert_int_equal(mc_sobol_point(d, 0), 0);
  for (int j = 1; j <= 20; j++) {
    uint64_t i = (uint64_t)j ^ ((uint64_t)j >> 1);
    for (int d = 1; d <= 8; d++)
      assert_true(frac64(mc_sobol_point(d, i)) == sobol_gray8[j - 1][d - 1]);
  }
  for (int r = 0; r < 3; r++) {
    uint64_t j = (uint64_t)sobol_gray_d9_10[r][0], i = j ^ (j >> 1);
    assert_true(frac64(mc_sobol_point(9, i)) == sobol_gray_d9_10[r][1]);
    assert_true(frac64(mc_sobol_point(10, i)) == sobol_gray_d9_10[r][2]);
  }
  for (int d = 2; d <= 34; d++)
    for (int k = 1; k <= 7 && jk_m[d - 2][k - 1]; k++)
      assert_true(frac64(mc_sobol_point(d, UINT64_C(1) << (k - 1))) ==
                  ldexp(jk_m[d - 2][k - 1], -k));
  /* dimension 1 is van der Corput: the bit reversal of the index */
  for (uint64_t i = 0; i < 4096; i++) {
    uint64_t r = 0;
    for (int b = 0; b < 12; b++)
      r |= ((i >> b) & 1) << (63 - b);
    assert_true(mc_sobol_point(1, i) == r);
  }
}

/* The indices of the pinned points below: a small one, one past 2^40 and the
 * largest (the XOR of all 64 direction numbers of the dimension). */
static const uint64_t pin_index[3] = {12345, (UINT64_C(1) << 40) + 987654321, UINT64_MAX};

/* mc_sobol_point(d, pin_index[j]) for d = 1..34, as the code gave them when
 * the table held only these 34 dimensions (before its extension to
 * MC_SOBOL_MAXDIM): extending the table must not move them. */
static const uint64_t sobol_pin34[34][3] = {
    {UINT64_C(0x9c0c000000000000), UINT64_C(0x8d167b5c00800000), UINT64_C(0xffffffffffffffff)},
    {UINT64_C(0x7044000000000000), UINT64_C(0x1462397480800000), UINT64_C(0x0000000000000001)},
    {UINT64_C(0xe4f4000000000000), UINT64_C(0xcc81162468800000), UINT64_C(0xb0ff0000ffffffff)},
    {UINT64_C(0x9004000000000000), UINT64_C(0xa588abbc8f800000), UINT64_C(0x8d000072ffff42f3)},
    {UINT64_C(0xa14c000000000000), UINT64_C(0x39faf12c07800000), UINT64_C(0x930000930000c305)},
    {UINT64_C(0x1dec000000000000), UINT64_C(0xbf91109ce0800000), UINT64_C(0x9000111111111111)},
    {UINT64_C(0xbdfc000000000000), UINT64_C(0xfc2524ec3e800000), UINT64_C(0x300011007070dddd)},
    {UINT64_C(0xb33c000000000000), UINT64_C(0x0d4d391c00800000), UINT64_C(0xc009f300006c2ef3)},
    {UINT64_C(0xbcfc000000000000), UINT64_C(0x0ce3a5dc00800000), UINT64_C(0xc02ef6cf0047ddf3)},
    {UINT64_C(0x5b54000000000000), UINT64_C(0x30f2aad400800000), UINT64_C(0xc0270fb5ade67dd9)},
    {UINT64_C(0x735c000000000000), UINT64_C(0xf395b67480800000), UINT64_C(0xc00b93a529143007)},
    {UINT64_C(0xcd34000000000000), UINT64_C(0x6cdc08c680800000), UINT64_C(0xc0037e9ce760cd0d)},
    {UINT64_C(0x602c000000000000), UINT64_C(0x63064aa480800000), UINT64_C(0x4010055100c41d0b)},
    {UINT64_C(0x5c04000000000000), UINT64_C(0xace84fd603800000), UINT64_C(0x833b00cf3cf3333b)},
    {UINT64_C(0xd94c000000000000), UINT64_C(0xcc54b71122800000), UINT64_C(0x8241008241009241)},
    {UINT64_C(0xcb14000000000000), UINT64_C(0x2628ea498f800000), UINT64_C(0x830330e81371e45f)},
    {UINT64_C(0xe55c000000000000), UINT64_C(0xaa5fa24401800000), UINT64_C(0x810910385855379d)},
    {UINT64_C(0x2214000000000000), UINT64_C(0xeebfa69164800000), UINT64_C(0x821451451451c21d)},
    {UINT64_C(0x325c000000000000), UINT64_C(0x87c8f66d8b800000), UINT64_C(0x824451601f00ee4f)},
    {UINT64_C(0xc8e4000000000000), UINT64_C(0x213486bb27800000), UINT64_C(0x4b026eddbb76ed1b)},
    {UINT64_C(0xc72c000000000000), UINT64_C(0x48ee0b9d5f800000), UINT64_C(0x3e1d0007e1c387ff)},
    {UINT64_C(0x6d24000000000000), UINT64_C(0x3e2e1cb8a9800000), UINT64_C(0xe6f71d02ab56adcb)},
    {UINT64_C(0xa17c000000000000), UINT64_C(0xae32aa96f8800000), UINT64_C(0x0ab1183227c183ff)},
    {UINT64_C(0x4514000000000000), UINT64_C(0x78f202f93d800000), UINT64_C(0x0c700003e14c999b)},
    {UINT64_C(0x5bc4000000000000), UINT64_C(0x48b531735c800000), UINT64_C(0x15043f5f8d5585b7)},
    {UINT64_C(0xc7ec000000000000), UINT64_C(0xf19234dd42800000), UINT64_C(0xcfbc870ea2c49f43)},
    {UINT64_C(0x240c000000000000), UINT64_C(0xff7e1cd494800000), UINT64_C(0x46df7b0ab00cc7eb)},
    {UINT64_C(0x5fcc000000000000), UINT64_C(0x3b472b953f800000), UINT64_C(0xa8bdb3f4342aef03)},
    {UINT64_C(0x82ec000000000000), UINT64_C(0x9cab23d3d2800000), UINT64_C(0x51c28705d1090055)},
    {UINT64_C(0x92e4000000000000), UINT64_C(0x117e7fb741800000), UINT64_C(0x2750d8959c2f00dd)},
    {UINT64_C(0x06bc000000000000), UINT64_C(0x3dad4bdd1d800000), UINT64_C(0xe642c3feabef0075)},
    {UINT64_C(0x4ae4000000000000), UINT64_C(0x1e14f3f536800000), UINT64_C(0x6ae6ff0dc261001d)},
    {UINT64_C(0x8124000000000000), UINT64_C(0xcbecabbbfb800000), UINT64_C(0x95b6cd926d0000d9)},
    {UINT64_C(0x7824000000000000), UINT64_C(0xa56c45b27b800000), UINT64_C(0x6dd5cd905f0000b9)},
};

/* FNV-1a over mc_sobol_point(d, 2^k), d = 1..34, k = 0..63 (every direction
 * number of those dimensions), of the same code. */
static const uint64_t sobol_fp34 = UINT64_C(0x1f4e83e263e7e6b7);

static void test_sobol_first34_unchanged(void **state) {
  (void)state;
  for (int d = 1; d <= 34; d++)
    for (int j = 0; j < 3; j++)
      assert_true(mc_sobol_point(d, pin_index[j]) == sobol_pin34[d - 1][j]);
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (int d = 1; d <= 34; d++)
    for (int k = 0; k < 64; k++) {
      h ^= mc_sobol_point(d, UINT64_C(1) << k);
      h *= UINT64_C(0x100000001b3);
    }
  assert_true(h == sobol_fp34);
}

/* Some dimensions beyond 34: their rows of new-joe-kuo-6.21201 (d, s, a,
 * m_1..m_s, transcribed from the text file itself): the first new one (35),
 * the first of each degree from 8 to 13, 37 and 2 * 37 (a 37-parameter
 * model's last A and B columns), 256, 257, 512, 777 and the last. */
static const struct {
  int d, s, a, m[13];
} sobol_row_new[] = {
    {35, 7, 56, {1, 1, 7, 7, 1, 61, 123}},
    {37, 7, 62, {1, 3, 3, 5, 3, 55, 33}},
    {38, 8, 14, {1, 3, 1, 15, 31, 13, 49, 245}},
    {54, 9, 8, {1, 3, 5, 5, 29, 17, 47, 173, 479}},
    {74, 9, 109, {1, 1, 5, 11, 17, 53, 117, 183, 491}},
    {102, 10, 4, {1, 3, 1, 15, 5, 5, 37, 227, 223, 459}},
    {162, 11, 2, {1, 3, 3, 15, 27, 49, 113, 123, 113, 67, 469}},
    {256, 11, 560, {1, 1, 1, 5, 19, 3, 53, 133, 97, 863, 983}},
    {257, 11, 565, {1, 3, 1, 13, 9, 41, 91, 105, 173, 97, 625}},
    {338, 12, 41, {1, 1, 7, 7, 3, 59, 121, 161, 285, 815, 1769, 3705}},
    {482, 13, 13, {1, 1, 1, 9, 21, 19, 39, 151, 395, 501, 1339, 959, 2725}},
    {512, 13, 224, {1, 1, 1, 1, 25, 9, 23, 225, 385, 629, 603, 3747, 4241}},
    {777, 13, 1928, {1, 1, 3, 1, 13, 9, 103, 201, 23, 951, 2029, 165, 2093}},
    {1024, 13, 3538, {1, 1, 5, 11, 11, 33, 37, 29, 263, 1019, 657, 1453, 7807}},
};

/* mc_sobol_point(d, pin_index[j]) for the dimensions of sobol_row_new,
 * computed from those rows by a separate Python implementation of Joe & Kuo's
 * recurrence (as in their sobol.cc: V_k = V_(k-s) ^ (V_(k-s) >> s) ^ XOR a_j
 * V_(k-j), 64 bits wide; x_i = XOR of V_k over the set bits of i), whose
 * direction numbers for all 1024 dimensions also equal those of
 * scipy.stats.qmc.Sobol(1024, scramble=False, bits=64). */
static const uint64_t sobol_pin_new[][3] = {
    {UINT64_C(0x6f3c000000000000), UINT64_C(0x942bc9d3df800000), UINT64_C(0x90030005000000d1)},
    {UINT64_C(0x3bb4000000000000), UINT64_C(0xd5e33e3e70800000), UINT64_C(0xf1010000000000c1)},
    {UINT64_C(0xee0c000000000000), UINT64_C(0xaba37ebca8800000), UINT64_C(0x179ccb007b7b7b7b)},
    {UINT64_C(0x86dc000000000000), UINT64_C(0x8f2504dc0e800000), UINT64_C(0x2c345d30068c01a3)},
    {UINT64_C(0xcc4c000000000000), UINT64_C(0x09c5441c88800000), UINT64_C(0xafcf6390db517377)},
    {UINT64_C(0xc234000000000000), UINT64_C(0x2fea9ba400800000), UINT64_C(0x73ab016b51f01e19)},
    {UINT64_C(0xe414000000000000), UINT64_C(0xbb1b481b3d800000), UINT64_C(0x9ccdb32f83f2d8db)},
    {UINT64_C(0xd184000000000000), UINT64_C(0x8184e22aff800000), UINT64_C(0x1ecddedbbb7f3995)},
    {UINT64_C(0xd784000000000000), UINT64_C(0x684ce2a067800000), UINT64_C(0xa220d0138512ebe1)},
    {UINT64_C(0xc30c000000000000), UINT64_C(0xb5e993fba1800000), UINT64_C(0x4ef58ffa4acfa1b5)},
    {UINT64_C(0x592c000000000000), UINT64_C(0x8a3dc25d00800000), UINT64_C(0x0067953b1e58f695)},
    {UINT64_C(0x770c000000000000), UINT64_C(0xf380ad7930800000), UINT64_C(0x88526cf71ddc32f9)},
    {UINT64_C(0x64dc000000000000), UINT64_C(0xa767af845e800000), UINT64_C(0xc8ff30cff1abf5ab)},
    {UINT64_C(0x7294000000000000), UINT64_C(0xf5d48a84e3800000), UINT64_C(0x0d4c29fba064375b)},
};

/* FNV-1a over mc_sobol_point(d, 2^k), d = 1..1024, k = 0..63: all direction
 * numbers, computed by the same Python implementation from the whole text
 * file (so a change anywhere in the table shows). */
static const uint64_t sobol_fp1024 = UINT64_C(0xdb0f2c44b958f34d);

static void test_sobol_new_dims_pinned(void **state) {
  (void)state;
  assert_true(MC_SOBOL_MAXDIM >= 1024);
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (int d = 1; d <= 1024; d++)
    for (int k = 0; k < 64; k++) {
      h ^= mc_sobol_point(d, UINT64_C(1) << k);
      h *= UINT64_C(0x100000001b3);
    }
  assert_true(h == sobol_fp1024);
  for (size_t r = 0; r < sizeof sobol_row_new / sizeof sobol_row_new[0]; r++) {
    int d = sobol_row_new[r].d;
    assert_true(d <= MC_SOBOL_MAXDIM);
    /* point 2^(k-1) is the direction number m_k / 2^k for k <= s */
    for (int k = 1; k <= sobol_row_new[r].s; k++)
      assert_true(mc_sobol_point(d, UINT64_C(1) << (k - 1)) == (uint64_t)sobol_row_new[r].m[k - 1]
                                                                   << (64 - k));
    for (int j = 0; j < 3; j++)
      assert_true(mc_sobol_point(d, pin_index[j]) == sobol_pin_new[r][j]);
  }
}

/* Every dimension is a (0, 1)-sequence: for each m <= 10 its first 2^m
 * points, unscrambled, fall one in each interval [k 2^-m, (k+1) 2^-m). */
static void test_sobol_1d_all_dims(void **state) {
  (void)state;
  unsigned char hit[1 << 10];
  for (int d = 1; d <= MC_SOBOL_MAXDIM; d++)
    for (int m = 0; m <= 10; m++) {
      memset(hit, 0, sizeof hit);
      for (uint64_t i = 0; i < (UINT64_C(1) << m); i++) {
        uint64_t k = m ? mc_sobol_point(d, i) >> (64 - m) : 0;
        assert_int_equal(hit[k], 0);
        hit[k] = 1;
      }
    }
}

/* No two dimensions are alike: the first 1024 points of any two differ
 * already in their first 10 binary digits (the digits are those of the
 * direction numbers v_0..v_9, compared here sorted). */
static int cmp_rows10(const void *a, const void *b) { return memcmp(a, b, 10 * sizeof(uint64_t)); }

static void test_sobol_distinct_dims(void **state) {
  (void)state;
  uint64_t(*row)[10] = malloc(sizeof *row * MC_SOBOL_MAXDIM);
  assert_non_null(row);
  for (int d = 1; d <= MC_SOBOL_MAXDIM; d++)
    for (int k = 0; k < 10; k++)
      row[d - 1][k] = mc_sobol_point(d, UINT64_C(1) << k) >> 54;
  qsort(row, MC_SOBOL_MAXDIM, sizeof *row, cmp_rows10);
  for (int d = 1; d < MC_SOBOL_MAXDIM; d++)
    assert_true(memcmp(row[d - 1], row[d], sizeof *row) != 0);
  free(row);
}

/* The degree of dimension d's primitive polynomial, from the number of
 * primitive polynomials of each degree s, phi(2^s - 1) / s (Joe & Kuo list
 * them all, by degree); dimension 1 (van der Corput) counts as degree 1. */
static int sobol_degree(int d) {
  static const int count[] = {1, 1, 2, 2, 6, 6, 18, 16, 48, 60, 176, 144, 630};
  int s = 0, last = 1;
  while (d > last)
    last += count[s++];
  return s ? s : 1;
}

/* The t of the first n = 2^m points as a 2-D net: the smallest t such that
 * every elementary box [i 2^-a, (i+1) 2^-a) x [j 2^-b, (j+1) 2^-b) with
 * a + b = m - t holds exactly 2^t points. cnt has room for n counts. */
static int net_t(const uint64_t *x, const uint64_t *y, int m, unsigned *cnt) {
  uint64_t n = UINT64_C(1) << m;
  for (int t = 0; t < m; t++) {
    int q = m - t, ok = 1;
    for (int a = 0; a <= q && ok; a++) {
      int b = q - a;
      memset(cnt, 0, sizeof *cnt << q);
      for (uint64_t i = 0; i < n; i++) {
        uint64_t kx = a ? x[i] >> (64 - a) : 0, ky = b ? y[i] >> (64 - b) : 0;
        cnt[(kx << b) | ky]++;
      }
      for (uint64_t k = 0; k < (UINT64_C(1) << q) && ok; k++)
        ok = cnt[k] == (1u << t);
    }
    if (ok)
      return t;
  }
  return m;
}

/* 2-D projections are nets with the t of Sobol' points: for every pair of
 * consecutive dimensions, and the pairs (p + 1, 37 + p + 1) of a
 * 37-parameter sensitivity design's A and B columns, the first 2^m points
 * (m <= 12) form a (t, m, 2)-net with t at most Sobol's bound e1 + e2 - 2
 * (e the polynomials' degrees; Sobol' 1967, Niederreiter 1988) and at most 9,
 * the most any of these pairs reaches with Joe & Kuo's numbers (measured; some
 * pairs share their first digits, so small m can reach t = m - 1). At m = 12
 * every elementary box of area 2^-3 thus holds exactly 512 of the 4096
 * points; two identical dimensions would give t = m. */
static void test_sobol_2d_nets(void **state) {
  (void)state;
  const int M = 12;
  const uint64_t n = UINT64_C(1) << M;
  uint64_t *x = malloc(sizeof *x * n), *y = malloc(sizeof *y * n);
  unsigned *cnt = malloc(sizeof *cnt * n);
  assert_true(x && y && cnt);
  const int npair = (MC_SOBOL_MAXDIM - 1) + 37;
  for (int r = 0; r < npair; r++) {
    int d1 = r < MC_SOBOL_MAXDIM - 1 ? r + 1 : r - (MC_SOBOL_MAXDIM - 1) + 1;
    int d2 = r < MC_SOBOL_MAXDIM - 1 ? d1 + 1 : 37 + d1;
    for (uint64_t i = 0; i < n; i++) {
      x[i] = mc_sobol_point(d1, i);
      y[i] = mc_sobol_point(d2, i);
    }
    int bound = sobol_degree(d1) + sobol_degree(d2) - 2;
    for (int m = 1; m <= M; m++) {
      int t = net_t(x, y, m, cnt);
      assert_true(t <= bound);
      assert_true(t <= 9);
    }
  }
  free(x);
  free(y);
  free(cnt);
}

/* The first 2^m points, unscrambled and scrambled, put exactly one point in
 * each of the 2^m strata of every dimension, and dimensions 1 and 2 form a
 * (0, m, 2)-net: one point in every elementary box of area 2^-m. */
static void test_sobol_net(void **state) {
  (void)state;
  const int m = 12;
  const uint64_t n = UINT64_C(1) << m;
  unsigned char *hit = malloc(n);
  uint64_t *x1 = malloc(sizeof *x1 * n), *x2 = malloc(sizeof *x2 * n);
  for (int scr = 0; scr < 2; scr++) {
    for (int d = 1; d <= MC_SOBOL_MAXDIM; d++) {
      uint64_t key = mc_sobol_key(2030, mc_rng_stream("x") + (uint64_t)d);
      memset(hit, 0, n);
      for (uint64_t i = 0; i < n; i++) {
        uint64_t x = mc_sobol_point(d, i);
        if (scr)
          x = mc_sobol_scramble(x, key);
        uint64_t k = x >> (64 - m);
        assert_int_equal(hit[k], 0);
        hit[k] = 1;
        if (d == 1)
          x1[i] = x;
        if (d == 2)
          x2[i] = x;
      }
    }
    for (int a = 0; a <= m; a++) {
      memset(hit, 0, n);
      for (uint64_t i = 0; i < n; i++) {
        uint64_t ka = a ? x1[i] >> (64 - a) : 0, kb = a < m ? x2[i] >> (64 - (m - a)) : 0;
        uint64_t box = (ka << (m - a)) | kb;
        assert_int_equal(hit[box], 0);
        hit[box] = 1;
      }
    }
  }
  free(hit);
  free(x1);
  free(x2);
}

/* The scramble is a bijection that is nested: flipping input digit k (bit
 * 63-k) never changes the output digits before it. */
static void test_sobol_scramble_nested(void **state) {
  (void)state;
  uint64_t key = mc_sobol_key(1, 2);
  uint64_t x = UINT64_C(0x0123456789abcdef);
  for (int k = 0; k < 64; k++) {
    uint64_t y0 = mc_sobol_scramble(x, key),
             y1 = mc_sobol_scramble(x ^ (UINT64_C(1) << (63 - k)), key);
    assert_true(y0 != y1);
    if (k > 0)
      assert_true((y0 >> (64 - k)) == (y1 >> (64 - k)));
  }
}

/* Scrambled uniforms are inside (0, 1), uniform within their strata (the
 * digits below the net's resolution are random: chi-square of the offsets in
 * 16 bins, at the 1e-6 level), and a parameter's column is unrelated to the
 * others' and to its column in the second matrix B (dimension MC_NPARAM + p +
 * 1, another scramble). */
static void test_sobol_uniformity(void **state) {
  (void)state;
  const int n = 1 << 14;
  double *u = malloc(sizeof *u * n), *w = malloc(sizeof *w * n);
  double crit = gsl_cdf_chisq_Qinv(1e-6, 15);
  for (uint64_t seed = 1; seed <= 3; seed++) {
    mc_design d;
    mc_design_init(&d, MC_METHOD_SOBOL, seed, (uint64_t)n);
    for (int p = 0; p < MC_NPARAM; p++) {
      uint64_t stream = mc_rng_stream(mc_demand_params[p].key);
      mc_design_uniforms(&d, stream, p + 1, 0, n, u);
      int bins[16] = {0};
      double mean = 0;
      for (int i = 0; i < n; i++) {
        assert_true(u[i] >= 0x1.0p-53 && u[i] <= 1 - 0x1.0p-53);
        double off = u[i] * n - floor(u[i] * n);
        bins[(int)(off * 16)]++;
        mean += u[i];
      }
      double chi = 0, e = n / 16.0;
      for (int b = 0; b < 16; b++)
        chi += (bins[b] - e) * (bins[b] - e) / e;
      assert_true(chi < crit);
      /* a net's mean is within 1/n of 1/2 */
      assert_true(fabs(mean / n - 0.5) < 1.0 / n);
      /* B's column of the same parameter, and the next parameter's column:
       * uncorrelated (a net's correlations are far below 1/sqrt(n); 5 s.e.) */
      int others[2] = {MC_NPARAM + p + 1, (p + 1) % MC_NPARAM + 1};
      for (int j = 0; j < 2; j++) {
        mc_design_uniforms(&d, stream ^ (uint64_t)j * 77, others[j], 0, n, w);
        double r = 0;
        for (int i = 0; i < n; i++)
          r += (u[i] - 0.5) * (w[i] - 0.5);
        assert_true(fabs(r / n * 12) < 5 / sqrt((double)n));
      }
    }
  }
  free(u);
  free(w);
}

/* Any index range split gives the same uniforms (ranks and parts), and mc is
 * exactly the Philox stream. */
static void test_split_and_mc(void **state) {
  (void)state;
  const int n = 5000;
  double *u = malloc(sizeof *u * n), *v = malloc(sizeof *v * n);
  for (int method = MC_METHOD_MC; method <= MC_METHOD_SOBOL; method++) {
    mc_design d;
    mc_design_init(&d, method, 99, 1u << 20);
    uint64_t stream = mc_rng_stream("hardware.efficiency");
    uint64_t first = (UINT64_C(1) << 19) + 12345;
    mc_design_uniforms(&d, stream, 9, first, n, u);
    for (int at = 0; at < n; at += 333)
      mc_design_uniforms(&d, stream, 9, first + (uint64_t)at, at + 333 <= n ? 333 : n - at, v + at);
    assert_memory_equal(u, v, sizeof *u * n);
    if (method == MC_METHOD_MC) {
      mc_rng_uniforms(99, stream, first, n, v);
      assert_memory_equal(u, v, sizeof *u * n);
    }
  }
  free(u);
  free(v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lhs_bijection),
      cmocka_unit_test(test_lhs_stratification),
      cmocka_unit_test(test_lhs_independent_columns),
      cmocka_unit_test(test_sobol_known_points),
      cmocka_unit_test(test_sobol_first34_unchanged),
      cmocka_unit_test(test_sobol_new_dims_pinned),
      cmocka_unit_test(test_sobol_1d_all_dims),
      cmocka_unit_test(test_sobol_distinct_dims),
      cmocka_unit_test(test_sobol_2d_nets),
      cmocka_unit_test(test_sobol_net),
      cmocka_unit_test(test_sobol_scramble_nested),
      cmocka_unit_test(test_sobol_uniformity),
      cmocka_unit_test(test_split_and_mc),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
