/* The AVX2 and AVX-512 clones of the coefficients, the grid loop and the crossing-time search
 * (picked at run time where the CPU has them) and the baseline x86-64 build give the same bits. The
 * library's mc_demand_grid and mc_demand_crossover are compared with this file's copy of
 * engine/mc_demand.c built without clones. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "mc_demand.h"

#define MC_MODEL_NO_CLONES
#define MC_DEMAND_KERNEL_ONLY
#define mc_demand_prepare   plain_prepare
#define mc_demand_eval      plain_eval
#define mc_demand_grid      plain_grid
#define mc_demand_crossover plain_crossover
#include "../engine/mc_demand.c"
#undef mc_demand_prepare
#undef mc_demand_eval
#undef mc_demand_grid
#undef mc_demand_crossover

#define N  1000
#define NY 16

static void test_clones_same_bits(void **state) {
  (void)state;
  static double inbuf[MC_NPARAM][N], coefbuf[MC_NCOEF][N], g1[MC_NSERIES * NY * N],
      g2[MC_NSERIES * NY * N], work[MC_MODEL_WORK * N];
  double *in[MC_NPARAM], *coef[MC_NCOEF];
  for (int p = 0; p < MC_NPARAM; p++)
    in[p] = inbuf[p];
  for (int c = 0; c < MC_NCOEF; c++)
    coef[c] = coefbuf[c];
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  for (int i = 0; i < N; i++) {
    inbuf[MC_P_T0][i] = 1e28 * exp(2 * gsl_rng_uniform(r));
    inbuf[MC_P_GT][i] = 1.5 + 2 * gsl_rng_uniform(r);
    inbuf[MC_P_GT_INF][i] = 1.2 + 0.5 * gsl_rng_uniform(r);
    inbuf[MC_P_HT][i] = i % 3 ? 1 + 9 * gsl_rng_uniform(r) : INFINITY;
    inbuf[MC_P_I0][i] = 1e27 * exp(3 * gsl_rng_uniform(r));
    inbuf[MC_P_GI][i] = 2 + 4 * gsl_rng_uniform(r);
    inbuf[MC_P_GI_INF][i] = 1.2 + 0.5 * gsl_rng_uniform(r);
    inbuf[MC_P_HI][i] = 1 + 9 * gsl_rng_uniform(r);
    inbuf[MC_P_E0][i] = 5e11 + 6e11 * gsl_rng_uniform(r);
    inbuf[MC_P_GE][i] = 1.2 + 0.25 * gsl_rng_uniform(r);
    inbuf[MC_P_F][i] = 0.6 + 0.3 * gsl_rng_uniform(r);
    inbuf[MC_P_UT][i] = 0.25 + 0.3 * gsl_rng_uniform(r);
    inbuf[MC_P_UI][i] = 0.05 + 0.3 * gsl_rng_uniform(r);
    inbuf[MC_P_P0][i] = 1.05 + 0.5 * gsl_rng_uniform(r);
    inbuf[MC_P_DP][i] = 0.96 + 0.04 * gsl_rng_uniform(r);
    inbuf[MC_P_W0][i] = 10 + 20 * gsl_rng_uniform(r);
    inbuf[MC_P_GW][i] = 1.3 + 0.7 * gsl_rng_uniform(r);
  }
  gsl_rng_free(r);
  /* the coefficients: the library's clone against the plain build */
  static double coef2buf[MC_NCOEF][N];
  double *coef2[MC_NCOEF];
  for (int c = 0; c < MC_NCOEF; c++)
    coef2[c] = coef2buf[c];
  mc_demand_prepare((const double *const *)in, N, coef);
  plain_prepare((const double *const *)in, N, coef2);
  assert_memory_equal(coefbuf, coef2buf, sizeof coefbuf);
  for (int cap = 0; cap < 2; cap++)
    for (int policy = 0; policy < 3; policy++) {
      mc_model m = {.type = &mc_model_demand, .ny = NY, .has_cap = cap, .policy = policy};
      mc_demand_prepare((const double *const *)in, N, coef);
      mc_demand_grid(&m, (const double *const *)in, (const double *const *)coef, N, g1, N, work);
      plain_grid(&m, (const double *const *)in, (const double *const *)coef, N, g2, N, work);
      assert_memory_equal(g1, g2, sizeof g1);
      static const int pairs[][2] = {{MC_S_INFERENCE_COMPUTE, MC_S_TRAINING_COMPUTE},
                                     {MC_S_TRAINING_COMPUTE, MC_S_INFERENCE_COMPUTE},
                                     {MC_S_INFERENCE_ENERGY, MC_S_TRAINING_ENERGY},
                                     {MC_S_TRAINING_ENERGY, MC_S_INFERENCE_ENERGY},
                                     {MC_S_INFERENCE_SHARE, MC_S_POWER}};
      for (int p = 0; p < 5; p++) {
        static int y1[N], y2[N];
        static double t1[N], t2[N];
        mc_demand_crossover(&m, (const double *const *)in, (const double *const *)coef, N,
                            pairs[p][0], pairs[p][1], g1, N, y1, t1);
        plain_crossover(&m, (const double *const *)in, (const double *const *)coef, N, pairs[p][0],
                        pairs[p][1], g1, N, y2, t2);
        assert_memory_equal(y1, y2, sizeof y1);
        assert_memory_equal(t1, t2, sizeof t1);
      }
    }
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_clones_same_bits)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
