/* The engine's own elementary functions (engine/mc_vmath.h): accuracy
 * against the C library over their ranges, special values, and the same bits
 * from a loop built for every x86-64 level (MC_CLONES) as from scalar calls. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "mc_vmath.h"

/* Distance in units in the last place of want (at its binade). */
static double ulps(double got, double want) {
  if (got == want)
    return 0;
  int e;
  frexp(want, &e);
  return fabs(got - want) / ldexp(1.0, e - 53);
}

static void test_log_accuracy(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 7);
  double worst = 0, at = 0;
  for (int i = 0; i < 2000000; i++) {
    double x;
    if (i % 4 == 0)
      x = 1.0 + (gsl_rng_uniform(r) - 0.5) * 1e-3; /* near 1, where ln x is small */
    else if (i % 4 == 1)
      x = exp((gsl_rng_uniform(r) - 0.5) * 20); /* the engine's usual range */
    else if (i % 4 == 2)
      x = ldexp(0.5 + 0.5 * gsl_rng_uniform(r), (int)(gsl_rng_uniform_int(r, 2046)) - 1022);
    else
      x = ldexp(gsl_rng_uniform_pos(r), -1030 - (int)gsl_rng_uniform_int(r, 40)); /* subnormal */
    double u = ulps(mc_log(x), log(x));
    if (u > worst)
      worst = u, at = x;
  }
  gsl_rng_free(r);
  print_message("mc_log: worst %.2f ulp (at %a)\n", worst, at);
  assert_true(worst <= 3.0);
  assert_true(mc_log(1.0) == 0.0);
  assert_true(mc_log(2.0) == log(2.0));
  assert_true(mc_log(0.0) == -HUGE_VAL && mc_log(-0.0) == -HUGE_VAL);
  assert_true(isnan(mc_log(-1.0)) && isnan(mc_log(NAN)) && isnan(mc_log(-HUGE_VAL)));
  assert_true(mc_log(HUGE_VAL) == HUGE_VAL);
  assert_true(fabs(mc_log(DBL_MAX) - log(DBL_MAX)) <= 1e-13);
  assert_true(fabs(mc_log(0x1p-1074) - log(0x1p-1074)) <= 1e-13);
}

static void test_exp_accuracy(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 8);
  double worst = 0;
  for (int i = 0; i < 2000000; i++) {
    double x = (gsl_rng_uniform(r) - 0.5) * (i % 2 ? 60 : 1416);
    double u = ulps(mc_exp(x), exp(x));
    worst = u > worst ? u : worst;
  }
  gsl_rng_free(r);
  print_message("mc_exp: worst %.2f ulp on [-708, 708]\n", worst);
  assert_true(worst <= 2.0);
  assert_true(mc_exp(0.0) == 1.0);
  assert_true(mc_exp(710.0) == HUGE_VAL && mc_exp(-710.0) == 0.0);
}

#define N 4096
MC_CLONES static void log_loop(const double *x, double *y, int n) {
  for (int i = 0; i < n; i++)
    y[i] = mc_log(x[i]);
}

/* The vectorized clone picked on this CPU gives the scalar calls' bits. */
static void test_log_clones_same_bits(void **state) {
  (void)state;
  static double x[N], y[N];
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 9);
  for (int i = 0; i < N; i++)
    x[i] = i % 97 == 0 ? 0.0 : exp((gsl_rng_uniform(r) - 0.5) * 100);
  x[5] = NAN, x[6] = -2.0, x[7] = HUGE_VAL, x[8] = 0x1p-1070;
  gsl_rng_free(r);
  log_loop(x, y, N);
  for (int i = 0; i < N; i++) {
    volatile double xi = x[i]; /* a scalar call, not the loop */
    double want = mc_log(xi);
    assert_memory_equal(&y[i], &want, sizeof want);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_log_accuracy),
      cmocka_unit_test(test_exp_accuracy),
      cmocka_unit_test(test_log_clones_same_bits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
