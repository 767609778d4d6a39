/* The exact accumulator (engine/mc_xsum.h): exact sums, correct rounding,
 * canonical form independent of order and of how additions were split. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <float.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_xsum.h"

static double sum_of(const double *x, size_t n) {
  mc_xsum s;
  mc_xsum_init(&s);
  for (size_t i = 0; i < n; i++)
    mc_xsum_add(&s, x[i]);
  return mc_xsum_value(&s);
}

#define SUM(...)                                                                                   \
  sum_of((const double[]){__VA_ARGS__}, sizeof((const double[]){__VA_ARGS__}) / sizeof(double))

static void assert_same_double(double a, double b) {
  if (memcmp(&a, &b, sizeof a) != 0)
    fail_msg("%a != %a", a, b);
}

static void assert_canonical(const mc_xsum *x) {
  for (int i = 0; i < MC_XSUM_CHUNKS - 1; i++)
    assert_true(x->c[i] >= 0 && x->c[i] < (INT64_C(1) << 32));
}

static void test_known_sums(void **state) {
  (void)state;
  mc_xsum s;
  mc_xsum_init(&s);
  assert_same_double(mc_xsum_value(&s), 0.0);
  for (int i = 1; i <= 100000; i++)
    mc_xsum_add(&s, (double)i);
  assert_same_double(mc_xsum_value(&s), 5000050000.0);
  for (int i = 1; i <= 100000; i++)
    mc_xsum_add(&s, -(double)i);
  assert_same_double(mc_xsum_value(&s), 0.0);
  mc_xsum_normalize(&s);
  for (int i = 0; i < MC_XSUM_CHUNKS; i++)
    assert_int_equal(s.c[i], 0);

  assert_same_double(SUM(1e300, 1.0, -1e300), 1.0);
  assert_same_double(SUM(1.0, 1e300, -1e300), 1.0);
  assert_same_double(SUM(-1e300, 1.0, 1e300, -1.0), 0.0);
  assert_same_double(SUM(0.1, 0.2, -0.3), ldexp(1.0, -55)); /* exact: 0.1 + 0.2 - 0.3 in doubles */
  assert_same_double(SUM(DBL_MAX, DBL_MAX, -DBL_MAX), DBL_MAX);
  assert_same_double(SUM(-DBL_MAX, -DBL_MAX, DBL_MAX, 1.0), -DBL_MAX);
  assert_same_double(SUM(DBL_MAX, DBL_MAX), INFINITY); /* rounds past the largest double */
  assert_same_double(SUM(-DBL_MAX, -DBL_MAX), -INFINITY);
  assert_same_double(SUM(DBL_MAX, ldexp(1.0, 970)), INFINITY); /* tie, rounds to even: 2^1024 */
  assert_same_double(SUM(DBL_MAX, nextafter(ldexp(1.0, 970), 0.0)), DBL_MAX);
  assert_same_double(SUM(-2.5, 0.5), -2.0);
  assert_same_double(SUM(3.0, -5.0), -2.0);
}

/* Ties go to even; anything beyond the tie (however far down) rounds up. */
static void test_rounding(void **state) {
  (void)state;
  double u = ldexp(1.0, -53); /* half an ulp of 1 */
  assert_same_double(SUM(1.0, u), 1.0);
  assert_same_double(SUM(1.0, u, DBL_TRUE_MIN), 1.0 + 2 * u);
  assert_same_double(SUM(1.0, u, -DBL_TRUE_MIN), 1.0);
  assert_same_double(SUM(1.0, 3 * u), 1.0 + 4 * u);
  assert_same_double(SUM(-1.0, -u), -1.0);
  assert_same_double(SUM(-1.0, -3 * u), -1.0 - 4 * u);
  assert_same_double(SUM(1.0, -ldexp(1.0, -54)), 1.0); /* tie below 1: ulp is 2^-53 */
  assert_same_double(SUM(1.0, -ldexp(1.0, -54), -DBL_TRUE_MIN), 1.0 - ldexp(1.0, -53));
  assert_same_double(SUM(ldexp(1.0, 100), 1.0, ldexp(1.0, -500)), ldexp(1.0, 100));
}

static void test_subnormals(void **state) {
  (void)state;
  double t = DBL_TRUE_MIN;
  assert_same_double(SUM(t, t, t), 3 * t);
  assert_same_double(SUM(DBL_MIN, -t), nextafter(DBL_MIN, 0.0));
  assert_same_double(SUM(1.0, t, -1.0), t);
  assert_same_double(SUM(1e300, -t, -1e300), -t);
  assert_same_double(SUM(DBL_MIN / 2, DBL_MIN / 2), DBL_MIN);
  assert_same_double(SUM(-DBL_MIN, t), -nextafter(DBL_MIN, 0.0));
  mc_xsum s;
  mc_xsum_init(&s);
  for (int i = 0; i < 1 << 20; i++)
    mc_xsum_add(&s, t);
  assert_same_double(mc_xsum_value(&s), ldexp(1.0, 20 - 1074));
  assert_same_double(SUM(0.0, -0.0), 0.0);
}

static void test_nonfinite(void **state) {
  (void)state;
  assert_true(isnan(SUM(1.0, NAN)));
  assert_true(isnan(SUM(INFINITY, -INFINITY)));
  assert_true(isnan(SUM(INFINITY, NAN, 1.0)));
  assert_same_double(SUM(INFINITY, 1.0, -1e308), INFINITY);
  assert_same_double(SUM(-INFINITY, 1.0), -INFINITY);
  mc_xsum s;
  mc_xsum_init(&s);
  mc_xsum_add(&s, 2.0);
  mc_xsum_add(&s, INFINITY);
  mc_xsum_add(&s, -INFINITY);
  mc_xsum_add(&s, -INFINITY);
  mc_xsum_add(&s, NAN);
  assert_int_equal(s.ninf_pos, 1);
  assert_int_equal(s.ninf_neg, 2);
  assert_int_equal(s.nnan, 1);
  /* The finite part is kept apart. */
  mc_xsum_normalize(&s);
  s.ninf_pos = s.ninf_neg = s.nnan = 0;
  assert_same_double(mc_xsum_value(&s), 2.0);
}

/* n doubles of both signs over many binades: plain (exponents -80..80), and a
 * sprinkle over the whole range, subnormals included. */
static double *draw(size_t n, unsigned long seed, int full_range) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  double *x = malloc(n * sizeof *x);
  for (size_t i = 0; i < n; i++) {
    double m = gsl_rng_uniform_pos(r) * (gsl_rng_uniform(r) < 0.5 ? -1.0 : 1.0);
    int e = (int)gsl_rng_uniform_int(r, 161) - 80;
    if (full_range && i % 97 == 0)
      e = (int)gsl_rng_uniform_int(r, 2090) - 1090;
    x[i] = ldexp(m, e);
  }
  gsl_rng_free(r);
  return x;
}

static void test_order_independence(void **state) {
  (void)state;
  const size_t n = 100000;
  for (int full = 0; full < 2; full++) {
    double *x = draw(n, 11 + full, full);
    mc_xsum a, b;
    mc_xsum_init(&a);
    for (size_t i = 0; i < n; i++)
      mc_xsum_add(&a, x[i]);
    mc_xsum_normalize(&a);
    assert_canonical(&a);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 99);
    for (int rep = 0; rep < 3; rep++) {
      gsl_ran_shuffle(r, x, n, sizeof *x);
      mc_xsum_init(&b);
      for (size_t i = 0; i < n; i++)
        mc_xsum_add(&b, x[i]);
      assert_same_double(mc_xsum_value(&b), mc_xsum_value(&a)); /* before normalizing too */
      mc_xsum_normalize(&b);
      assert_memory_equal(a.c, b.c, sizeof a.c);
    }
    /* Reversed and sorted orders, the extremes for floating-point summation. */
    for (size_t i = 0; i < n / 2; i++) {
      double t = x[i];
      x[i] = x[n - 1 - i];
      x[n - 1 - i] = t;
    }
    mc_xsum_init(&b);
    for (size_t i = 0; i < n; i++)
      mc_xsum_add(&b, x[i]);
    mc_xsum_normalize(&b);
    assert_memory_equal(a.c, b.c, sizeof a.c);
    gsl_rng_free(r);
    free(x);
  }
}

static void test_merge(void **state) {
  (void)state;
  const size_t n = 100000;
  double *x = draw(n, 21, 1);
  mc_xsum whole, part[7];
  mc_xsum_init(&whole);
  for (size_t i = 0; i < n; i++)
    mc_xsum_add(&whole, x[i]);
  mc_xsum_add(&whole, INFINITY);
  for (int k = 0; k < 7; k++)
    mc_xsum_init(&part[k]);
  for (size_t i = 0; i < n; i++)
    mc_xsum_add(&part[(i * 7919) % 7], x[i]);
  mc_xsum_add(&part[3], INFINITY);
  const int orders[3][7] = {{0, 1, 2, 3, 4, 5, 6}, {6, 5, 4, 3, 2, 1, 0}, {3, 0, 6, 1, 5, 2, 4}};
  for (int o = 0; o < 3; o++) {
    mc_xsum acc;
    mc_xsum_init(&acc);
    for (int k = 0; k < 7; k++)
      mc_xsum_merge(&acc, &part[orders[o][k]]);
    mc_xsum w = whole;
    mc_xsum_normalize(&w);
    mc_xsum_normalize(&acc);
    assert_memory_equal(acc.c, w.c, sizeof w.c);
    assert_int_equal(acc.ninf_pos, 1);
    assert_same_double(mc_xsum_value(&acc), INFINITY);
  }
  /* A tree of merges, and a merge into an accumulator that kept adding. */
  mc_xsum l = part[0], rr = part[4];
  mc_xsum_merge(&l, &part[1]);
  mc_xsum_merge(&l, &part[2]);
  mc_xsum_merge(&rr, &part[5]);
  mc_xsum_merge(&rr, &part[6]);
  mc_xsum_merge(&rr, &part[3]);
  mc_xsum_merge(&l, &rr);
  mc_xsum_normalize(&whole);
  assert_memory_equal(l.c, whole.c, sizeof whole.c);
  free(x);
}

/* Integer-valued doubles summed in exact 128-bit integers: the accumulator's
 * value is the correctly rounded sum, also when every term is scaled by a
 * power of two. */
static void test_correct_rounding(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 31);
  const int scales[] = {0, -600, 900, -1000};
  for (int trial = 0; trial < 2000; trial++) {
    int n = 1 + (int)gsl_rng_uniform_int(r, 50);
    double x[50];
    __int128 exact = 0;
    for (int i = 0; i < n; i++) {
      int64_t m =
          (int64_t)(((uint64_t)gsl_rng_get(r) << 21) ^ gsl_rng_get(r)) & ((INT64_C(1) << 53) - 1);
      int sh = (int)gsl_rng_uniform_int(r, 11);
      if (gsl_rng_uniform(r) < 0.5)
        m = -m;
      x[i] = ldexp((double)m, sh);
      exact += (__int128)m * ((__int128)1 << sh);
    }
    double want = (double)exact; /* correctly rounded by the compiler runtime */
    for (size_t s = 0; s < sizeof scales / sizeof scales[0]; s++) {
      mc_xsum acc;
      mc_xsum_init(&acc);
      for (int i = 0; i < n; i++)
        mc_xsum_add(&acc, ldexp(x[i], scales[s]));
      assert_same_double(mc_xsum_value(&acc), ldexp(want, scales[s]));
    }
  }
  gsl_rng_free(r);
}

/* Against Neumaier's compensated summation in long double. */
static void test_reference(void **state) {
  (void)state;
  const size_t n = 100000;
  double *x = draw(n, 41, 0);
  mc_xsum acc;
  mc_xsum_init(&acc);
  long double s = 0, c = 0, sabs = 0;
  for (size_t i = 0; i < n; i++) {
    mc_xsum_add(&acc, x[i]);
    long double t = s + x[i];
    c += fabsl(s) >= fabsl((long double)x[i]) ? (s - t) + x[i] : (x[i] - t) + s;
    s = t;
    sabs += fabsl((long double)x[i]);
  }
  long double ref = s + c;
  double v = mc_xsum_value(&acc);
  /* Correct rounding is within half an ulp; the reference within a few long
   * double epsilons of the sum plus n eps^2 of the magnitudes. */
  long double half_ulp = 0.5L * ((long double)nextafter(fabs(v), INFINITY) - fabs(v));
  long double ref_err = 4 * LDBL_EPSILON * fabsl(ref) + n * LDBL_EPSILON * LDBL_EPSILON * sabs;
  assert_true(fabsl(v - ref) <= half_ulp + ref_err);
  assert_true(fabsl(v - ref) < 1e-15L * sabs); /* and not vacuous */
  free(x);
}

/* The accumulator normalizes itself before carries could overflow. */
static void test_headroom(void **state) {
  (void)state;
  mc_xsum a;
  mc_xsum_init(&a);
  double big = ldexp((double)((INT64_C(1) << 53) - 1), 20); /* all-ones digits */
  for (int i = 0; i < 1000; i++)
    mc_xsum_add(&a, big);
  /* Pretend the limit is near: the next additions must normalize first. */
  a.nadd = (INT64_C(1) << 30);
  mc_xsum_add(&a, big);
  assert_true(a.nadd <= 1);
  for (int i = 0; i < MC_XSUM_CHUNKS - 1; i++)
    assert_true(a.c[i] >= -(INT64_C(1) << 33) && a.c[i] < (INT64_C(1) << 34));
  assert_same_double(mc_xsum_value(&a), 1001.0 * big);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_known_sums),         cmocka_unit_test(test_rounding),
      cmocka_unit_test(test_subnormals),         cmocka_unit_test(test_nonfinite),
      cmocka_unit_test(test_order_independence), cmocka_unit_test(test_merge),
      cmocka_unit_test(test_correct_rounding),   cmocka_unit_test(test_reference),
      cmocka_unit_test(test_headroom),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
