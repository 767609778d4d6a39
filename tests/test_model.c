/* The projection core against closed forms (MODEL.md "Equations",
 * "Crossovers"). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "mc_model.h"

#define N  4
#define NY 16

typedef struct fixture {
  double inbuf[MC_NPARAM][N], coefbuf[MC_NCOEF][N];
  double *in[MC_NPARAM], *coef[MC_NCOEF];
  double grid[MC_NSERIES * NY * N];
  double work[MC_MODEL_WORK * N];
  mc_model m;
} fixture;

/* A sample with constant growth, no cap, unit factors. */
static void setup(fixture *f, int has_cap, int policy) {
  memset(f, 0, sizeof *f);
  for (int p = 0; p < MC_NPARAM; p++)
    f->in[p] = f->inbuf[p];
  for (int c = 0; c < MC_NCOEF; c++)
    f->coef[c] = f->coefbuf[c];
  for (int i = 0; i < N; i++) {
    f->inbuf[MC_P_T0][i] = 6e28;
    f->inbuf[MC_P_GT][i] = 2.5;
    f->inbuf[MC_P_GT_INF][i] = 2.5;
    f->inbuf[MC_P_HT][i] = INFINITY;
    f->inbuf[MC_P_I0][i] = 1.5e28;
    f->inbuf[MC_P_GI][i] = 4.0;
    f->inbuf[MC_P_GI_INF][i] = 4.0;
    f->inbuf[MC_P_HI][i] = INFINITY;
    f->inbuf[MC_P_E0][i] = 7.5e11;
    f->inbuf[MC_P_GE][i] = 1.3;
    f->inbuf[MC_P_F][i] = 0.7;
    f->inbuf[MC_P_UT][i] = 0.4;
    f->inbuf[MC_P_UI][i] = 0.12;
    f->inbuf[MC_P_P0][i] = 1.2;
    f->inbuf[MC_P_DP][i] = 0.97;
    f->inbuf[MC_P_W0][i] = has_cap ? 15 : NAN;
    f->inbuf[MC_P_GW][i] = has_cap ? 1.2 : NAN;
  }
  f->m.ny = NY;
  f->m.has_cap = has_cap;
  f->m.policy = policy;
}

static void run_grid(fixture *f) {
  mc_model_prepare((const double *const *)f->in, N, f->coef);
  mc_model_grid(&f->m, (const double *const *)f->in, (const double *const *)f->coef, N, f->grid, N,
                f->work);
}

static double G(fixture *f, int s, int y, int i) { return f->grid[(s * NY + y) * N + i]; }

static void test_constant_growth_crossing(void **state) {
  (void)state;
  fixture f;
  setup(&f, 0, 0);
  f.inbuf[MC_P_GI][1] = f.inbuf[MC_P_GI_INF][1] = 3.1;
  f.inbuf[MC_P_I0][2] = 1e27;
  run_grid(&f);
  int year[N];
  double tau[N];
  mc_model_crossover(&f.m, (const double *const *)f.in, (const double *const *)f.coef, N,
                     MC_S_INFERENCE_COMPUTE, MC_S_TRAINING_COMPUTE, f.grid, N, year, tau);
  for (int i = 0; i < 3; i++) {
    double T0 = f.inbuf[MC_P_T0][i], I0 = f.inbuf[MC_P_I0][i];
    double exact = log(T0 / I0) / log(f.inbuf[MC_P_GI][i] / f.inbuf[MC_P_GT][i]);
    assert_true(tau[i] >= exact);
    assert_true(tau[i] - exact <= 1e-3);
    assert_int_equal(year[i], (int)ceil(exact));
  }
}

static void test_growth_decay(void **state) {
  (void)state;
  fixture f;
  setup(&f, 0, 0);
  double h = 4, g = 3.0, ginf = 1.4, T0 = 6e28;
  f.inbuf[MC_P_GT][0] = g;
  f.inbuf[MC_P_GT_INF][0] = ginf;
  f.inbuf[MC_P_HT][0] = h;
  run_grid(&f);
  /* ln X(t) = ln x0 + r_inf t + (r - r_inf)(1 - 2^(-t/h)) h / ln 2 */
  double r = log(g), rinf = log(ginf), k = M_LN2 / h;
  double expect[3] = {T0, T0 * exp(rinf * h + (r - rinf) * 0.5 / k),
                      T0 * exp(rinf * 2 * h + (r - rinf) * 0.75 / k)};
  for (int j = 0; j < 3; j++) {
    double v = G(&f, MC_S_TRAINING_COMPUTE, (int)(j * h), 0);
    assert_true(fabs(v / expect[j] - 1) < 1e-12);
  }
  /* the annual multiplier approaches g_inf from above */
  double late = G(&f, MC_S_TRAINING_COMPUTE, 15, 0) / G(&f, MC_S_TRAINING_COMPUTE, 14, 0);
  assert_true(fabs(late / ginf - 1) < 0.1);
  assert_true(late > ginf);
  /* an infinite half-life keeps constant growth */
  double v15 = G(&f, MC_S_TRAINING_COMPUTE, 15, 1);
  assert_true(fabs(v15 / (T0 * pow(2.5, 15)) - 1) < 1e-12);
}

static void test_energy_and_power(void **state) {
  (void)state;
  fixture f;
  setup(&f, 0, 0);
  run_grid(&f);
  for (int y = 0; y < NY; y += 5) {
    double T = 6e28 * pow(2.5, y), I = 1.5e28 * pow(4.0, y);
    double E = 7.5e11 * pow(1.3, y), P = 1 + 0.2 * pow(0.97, y);
    double ET = T * 0.7 * P / (0.4 * E), EI = I * 0.7 * P / (0.12 * E);
    assert_true(fabs(G(&f, MC_S_TRAINING_ENERGY, y, 0) / (ET / 3.6e15) - 1) < 1e-12);
    assert_true(fabs(G(&f, MC_S_INFERENCE_ENERGY, y, 0) / (EI / 3.6e15) - 1) < 1e-12);
    assert_true(fabs(G(&f, MC_S_POWER, y, 0) / ((ET + EI) / 31557600.0 / 1e9) - 1) < 1e-12);
    assert_true(fabs(G(&f, MC_S_INFERENCE_SHARE, y, 0) - I / (T + I)) < 1e-12);
    assert_true(G(&f, MC_S_POWER_SHORTFALL, y, 0) == 0);
  }
}

/* Hand-worked cap: demand D = 2 W at year 0. */
static void cap_case(int policy, double *Ts, double *Is, double *ETs, double *EIs, double *D,
                     double *W) {
  fixture f;
  setup(&f, 1, policy);
  f.inbuf[MC_P_P0][0] = 1.0;
  f.inbuf[MC_P_F][0] = 1.0;
  f.inbuf[MC_P_UT][0] = 1.0;
  f.inbuf[MC_P_UI][0] = 1.0;
  f.inbuf[MC_P_E0][0] = 1.0;
  double S = 31557600.0;
  /* ET = 3e18 J, EI = 1e18 J: D = 4e18 / S / 1e9 GW */
  f.inbuf[MC_P_T0][0] = 3e18;
  f.inbuf[MC_P_I0][0] = 1e18;
  *D = 4e18 / S / 1e9;
  *W = *D / 2;
  f.inbuf[MC_P_W0][0] = *W;
  run_grid(&f);
  *Ts = G(&f, MC_S_TRAINING_COMPUTE, 0, 0);
  *Is = G(&f, MC_S_INFERENCE_COMPUTE, 0, 0);
  *ETs = G(&f, MC_S_TRAINING_ENERGY, 0, 0) * 3.6e15;
  *EIs = G(&f, MC_S_INFERENCE_ENERGY, 0, 0) * 3.6e15;
  assert_true(fabs(G(&f, MC_S_POWER_SHORTFALL, 0, 0) - (*D - *W)) < 1e-12 * *D);
  assert_true(fabs(G(&f, MC_S_POWER, 0, 0) - *W) < 1e-12 * *W);
}

static void test_cap_policies(void **state) {
  (void)state;
  double Ts, Is, ETs, EIs, D, W;
  /* proportional: both halved */
  cap_case(MC_POLICY_PROPORTIONAL, &Ts, &Is, &ETs, &EIs, &D, &W);
  assert_true(fabs(Ts / 1.5e18 - 1) < 1e-12 && fabs(Is / 0.5e18 - 1) < 1e-12);
  /* inference first: A = 2e18 J; inference gets all of its 1e18, training 1e18 */
  cap_case(MC_POLICY_INFERENCE_FIRST, &Ts, &Is, &ETs, &EIs, &D, &W);
  assert_true(fabs(Is / 1e18 - 1) < 1e-12 && fabs(Ts / 1e18 - 1) < 1e-12);
  /* training first: training gets 2e18 of its 3e18, inference nothing */
  cap_case(MC_POLICY_TRAINING_FIRST, &Ts, &Is, &ETs, &EIs, &D, &W);
  assert_true(fabs(Ts / 2e18 - 1) < 1e-12);
  assert_true(Is == 0 && EIs == 0);
}

static void test_cap_not_binding(void **state) {
  (void)state;
  fixture a, b;
  setup(&a, 0, 0);
  setup(&b, 1, MC_POLICY_TRAINING_FIRST);
  for (int i = 0; i < N; i++) {
    b.inbuf[MC_P_W0][i] = 1e6;
    b.inbuf[MC_P_GW][i] = 2.0;
  }
  run_grid(&a);
  run_grid(&b);
  for (int s = 0; s < MC_NSERIES; s++)
    for (int y = 0; y < NY; y++)
      assert_true(G(&a, s, y, 0) == G(&b, s, y, 0));
}

static void test_base_year_and_never(void **state) {
  (void)state;
  fixture f;
  setup(&f, 0, 0);
  f.inbuf[MC_P_I0][0] = 7e28;                          /* already above training */
  f.inbuf[MC_P_GI][1] = f.inbuf[MC_P_GI_INF][1] = 2.0; /* slower: never */
  run_grid(&f);
  int year[N];
  double tau[N];
  mc_model_crossover(&f.m, (const double *const *)f.in, (const double *const *)f.coef, N,
                     MC_S_INFERENCE_COMPUTE, MC_S_TRAINING_COMPUTE, f.grid, N, year, tau);
  assert_int_equal(year[0], 0);
  assert_true(tau[0] == 0);
  assert_int_equal(year[1], -1);
  assert_true(isinf(tau[1]));
}

/* A crossing between grid years that reverses before the next one: the grid
 * misses it, the 1/12-yr scan finds it. */
static void test_crossing_between_grid_years(void **state) {
  (void)state;
  fixture f;
  setup(&f, 0, 0);
  /* inference grows fast then slows hard (half-life 0.1 yr) to well below
   * training's growth: ln(I/T) peaks inside year 0..1 */
  f.inbuf[MC_P_I0][0] = 5.99e28;
  f.inbuf[MC_P_GI][0] = 10.0;
  f.inbuf[MC_P_GI_INF][0] = 1.01;
  f.inbuf[MC_P_HI][0] = 0.1;
  run_grid(&f);
  int year[N];
  double tau[N];
  mc_model_crossover(&f.m, (const double *const *)f.in, (const double *const *)f.coef, N,
                     MC_S_INFERENCE_COMPUTE, MC_S_TRAINING_COMPUTE, f.grid, N, year, tau);
  assert_int_equal(year[0], -1);
  assert_true(tau[0] > 0 && tau[0] < 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_constant_growth_crossing),
      cmocka_unit_test(test_growth_decay),
      cmocka_unit_test(test_energy_and_power),
      cmocka_unit_test(test_cap_policies),
      cmocka_unit_test(test_cap_not_binding),
      cmocka_unit_test(test_base_year_and_never),
      cmocka_unit_test(test_crossing_between_grid_years),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
