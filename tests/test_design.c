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
  for (int d = 2; d <= MC_SOBOL_MAXDIM; d++)
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
      cmocka_unit_test(test_sobol_net),
      cmocka_unit_test(test_sobol_scramble_nested),
      cmocka_unit_test(test_sobol_uniformity),
      cmocka_unit_test(test_split_and_mc),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
