/* The projection core against closed forms (docs/model.md "Equations",
 * "Crossovers"). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "mc_demand.h"

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
  f->m.type = &mc_model_demand;
  f->m.ny = NY;
  f->m.has_cap = has_cap;
  f->m.policy = policy;
}

static void run_grid(fixture *f) {
  mc_demand_prepare((const double *const *)f->in, N, f->coef);
  mc_demand_grid(&f->m, (const double *const *)f->in, (const double *const *)f->coef, N, f->grid, N,
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
  mc_demand_crossover(&f.m, (const double *const *)f.in, (const double *const *)f.coef, N,
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
  mc_demand_crossover(&f.m, (const double *const *)f.in, (const double *const *)f.coef, N,
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
  mc_demand_crossover(&f.m, (const double *const *)f.in, (const double *const *)f.coef, N,
                      MC_S_INFERENCE_COMPUTE, MC_S_TRAINING_COMPUTE, f.grid, N, year, tau);
  assert_int_equal(year[0], -1);
  assert_true(tau[0] > 0 && tau[0] < 1);
}

/* The crossing-time search for the default pairs as it was written before it
 * was vectorized (one sample at a time, branches), kept as the reference that
 * mc_model_crossover must match bit for bit. fallbacks counts the samples
 * whose first year not screened out holds no scan point with a crossing. */
typedef struct ref_pair {
  double A, B, CI, CT, sg, SI, ST;
} ref_pair;

static long ref_fallbacks;

static double ref_value(const ref_pair *g, double t, double eI, double eT) {
  return g->sg * (g->A + g->B * t - g->CI * eI + g->CT * eT);
}

static double ref_max(double a, double b) { return a > b ? a : b; }
static double ref_min(double a, double b) { return a < b ? a : b; }

static double ref_upper(const ref_pair *g, double a, double b, double eIa, double eIb, double eTa,
                        double eTb) {
  double sIa = g->SI * a, sIb = g->SI * b, sTa = g->ST * a, sTb = g->ST * b;
  double cIa = -g->CI * eIa, cIb = -g->CI * eIb, cTa = g->CT * eTa, cTb = g->CT * eTb;
  if (g->sg > 0)
    return g->A + ref_max(sIa, sIb) - ref_min(sTa, sTb) + ref_max(cIa, cIb) + ref_max(cTa, cTb);
  return -(g->A + ref_min(sIa, sIb) - ref_max(sTa, sTb) + ref_min(cIa, cIb) + ref_min(cTa, cTb));
}

static double ref_search(const ref_pair *g, double QI, double QT, double qI, double qT, int last) {
  const double margin = 1e-9;
  const double h = 1.0 / MC_SCAN_PER_YEAR;
  double eIa = 1.0, eTa = 1.0;
  int years = (last + MC_SCAN_PER_YEAR - 1) / MC_SCAN_PER_YEAR, screened = 0;
  for (int a = 0; a < years; a++) {
    double eIb = eIa * QI, eTb = eTa * QT;
    if (ref_upper(g, a, a + 1, eIa, eIb, eTa, eTb) < -margin) {
      eIa = eIb;
      eTa = eTb;
      continue;
    }
    ref_fallbacks += !screened++;
    double eIlo = eIa, eTlo = eTa;
    int jmax = (a + 1) * MC_SCAN_PER_YEAR < last ? (a + 1) * MC_SCAN_PER_YEAR : last;
    for (int j = a * MC_SCAN_PER_YEAR + 1; j <= jmax; j++) {
      double t = (double)j * h;
      double eI = eIlo * qI, eT = eTlo * qT;
      if (ref_value(g, t, eI, eT) < 0) {
        eIlo = eI;
        eTlo = eT;
        continue;
      }
      ref_fallbacks -= screened == 1;
      double lo = (double)(j - 1) * h, hi = t;
      double rI = qI, rT = qT;
      for (int b = 0; b < MC_BISECT_STEPS; b++) {
        rI = sqrt(rI);
        rT = sqrt(rT);
        double mid = 0.5 * (lo + hi);
        double eIm = eIlo * rI, eTm = eTlo * rT;
        if (ref_value(g, mid, eIm, eTm) >= 0) {
          hi = mid;
        } else {
          lo = mid;
          eIlo = eIm;
          eTlo = eTm;
        }
      }
      return hi;
    }
    eIa = eIb;
    eTa = eTb;
  }
  return INFINITY;
}

/* The reference mc_model_crossover for a default pair (sign sg, energy or
 * compute). */
static void ref_crossover(int ny, const double *const *c, int n, int lhs, int rhs, double sg,
                          int energy, const double *grid, int stride, int *year, double *tau) {
  for (int i = 0; i < n; i++) {
    year[i] = -1;
    for (int y = ny - 1; y >= 0; y--)
      if (grid[((size_t)lhs * ny + y) * stride + i] >= grid[((size_t)rhs * ny + y) * stride + i])
        year[i] = y;
    int yc = year[i];
    if (yc == 0) {
      tau[i] = 0;
      continue;
    }
    int last = (yc > 0 ? yc : ny - 1) * MC_SCAN_PER_YEAR;
    double CI = c[MC_C_CI][i], CT = c[MC_C_CT][i], SI = c[MC_C_SI][i], ST = c[MC_C_ST][i];
    ref_pair g = {c[MC_C_LNI0][i] - c[MC_C_LNT0][i] + (energy ? c[MC_C_LNU][i] : 0.0) + CI - CT,
                  SI - ST,
                  CI,
                  CT,
                  sg,
                  SI,
                  ST};
    double t = ref_search(&g, c[MC_C_QI][i], c[MC_C_QT][i], c[MC_C_QI12][i], c[MC_C_QT12][i], last);
    tau[i] = (isinf(t) && yc > 0) ? (double)yc : t;
  }
}

#define NR  1000
#define NYL 150

/* Random samples that reach every branch of the search: crossing at the
 * base year, never, between grid years, crossing then uncrossing within a
 * year, loose bounds (strong decay on both sides), decaying and constant
 * growth, extreme half-lives. */
static void random_inputs(gsl_rng *r, double *const *in) {
  for (int i = 0; i < NR; i++) {
    double u = gsl_rng_uniform(r);
    int kind = (int)(13 * gsl_rng_uniform(r));
    in[MC_P_T0][i] = 6e28 * exp(2 * (u - 0.5));
    in[MC_P_I0][i] = in[MC_P_T0][i] * exp(-4 * gsl_rng_uniform(r) + 0.3);
    in[MC_P_GT][i] = 1.5 + 2.5 * gsl_rng_uniform(r);
    in[MC_P_GT_INF][i] = kind == 0 ? in[MC_P_GT][i] : 1.1 + 0.6 * gsl_rng_uniform(r);
    in[MC_P_HT][i] = kind == 1 ? INFINITY : 0.5 + 6 * gsl_rng_uniform(r);
    in[MC_P_GI][i] = 1.5 + 5 * gsl_rng_uniform(r);
    in[MC_P_GI_INF][i] = kind == 2 ? in[MC_P_GI][i] : 1.05 + 0.8 * gsl_rng_uniform(r);
    in[MC_P_HI][i] = kind == 3 ? INFINITY : 0.5 + 6 * gsl_rng_uniform(r);
    if (kind == 4) { /* a fast start that slows hard: up, then down within a year */
      in[MC_P_I0][i] = in[MC_P_T0][i] * (0.9 + 0.099 * gsl_rng_uniform(r));
      in[MC_P_GI][i] = 5 + 20 * gsl_rng_uniform(r);
      in[MC_P_GI_INF][i] = 1.01;
      in[MC_P_HI][i] = 0.05 + 0.3 * gsl_rng_uniform(r);
      in[MC_P_GT][i] = in[MC_P_GT_INF][i] = 1.5 + gsl_rng_uniform(r);
      in[MC_P_HT][i] = INFINITY;
    } else if (kind == 5) { /* both slow hard: terms that cancel, a loose bound */
      in[MC_P_GI][i] = 10 + 30 * gsl_rng_uniform(r);
      in[MC_P_GT][i] = in[MC_P_GI][i] * (0.9 + 0.2 * gsl_rng_uniform(r));
      in[MC_P_HI][i] = 0.2 + 2 * gsl_rng_uniform(r);
      in[MC_P_HT][i] = in[MC_P_HI][i] * (0.9 + 0.2 * gsl_rng_uniform(r));
      in[MC_P_GI_INF][i] = 1.2 + 0.2 * gsl_rng_uniform(r);
      in[MC_P_GT_INF][i] = in[MC_P_GI_INF][i] * (0.99 + 0.02 * gsl_rng_uniform(r));
    } else if (kind == 6) { /* extreme half-lives */
      in[MC_P_HI][i] = gsl_rng_uniform(r) < 0.5 ? 1e-3 : 1e6;
      in[MC_P_HT][i] = gsl_rng_uniform(r) < 0.5 ? 1e-3 : 1e6;
    } else if (kind == 8) { /* a long negative stretch, then a crossing (often after years 64) */
      in[MC_P_I0][i] = in[MC_P_T0][i] * exp(-0.5 - 20 * gsl_rng_uniform(r));
      in[MC_P_GI][i] = in[MC_P_GI_INF][i] = in[MC_P_GT][i] * exp(0.02 + 0.2 * gsl_rng_uniform(r));
      in[MC_P_HI][i] = gsl_rng_uniform(r) < 0.5 ? INFINITY : 1e6;
      in[MC_P_HT][i] = INFINITY;
      in[MC_P_GT_INF][i] = in[MC_P_GT][i];
    } else if (kind == 9) { /* a hump whose top touches zero, to within 1e-6 .. 1e-12 */
      double gi = 2 + 2 * gsl_rng_uniform(r), hi = 0.3 + 0.7 * gsl_rng_uniform(r);
      double k = M_LN2 / hi, c = (log(gi) - log(1.2)) / k, d = log(1.3) - log(1.2);
      double top = c - d / k - d * log(c * k / d) / k, e = pow(10, -6 - 6 * gsl_rng_uniform(r));
      in[MC_P_GI][i] = gi;
      in[MC_P_GI_INF][i] = 1.2;
      in[MC_P_HI][i] = hi;
      in[MC_P_GT][i] = in[MC_P_GT_INF][i] = 1.3;
      in[MC_P_HT][i] = INFINITY;
      in[MC_P_I0][i] = in[MC_P_T0][i] * exp(-top + e * (2 * gsl_rng_uniform(r) - 1));
    } else if (kind == 10) { /* level pairs just below zero, near the bounds' margins */
      in[MC_P_I0][i] = in[MC_P_T0][i] * exp(-3e-9 * gsl_rng_uniform(r));
      in[MC_P_GI][i] = in[MC_P_GI_INF][i] = in[MC_P_GT][i] * (1 + 1e-12 * gsl_rng_uniform(r));
      in[MC_P_GT_INF][i] = in[MC_P_GT][i];
      in[MC_P_HI][i] = in[MC_P_HT][i] = INFINITY;
    } else if (kind == 11) { /* a zero half-life: K infinite, C K NaN */
      in[MC_P_HI][i] = 0;
    } else if (kind == 12) { /* NaN growth (the reference finds a crossing at once) */
      in[MC_P_GI_INF][i] = NAN;
    }
    in[MC_P_E0][i] = 5e11 + 6e11 * gsl_rng_uniform(r);
    in[MC_P_GE][i] = 1.2 + 0.25 * gsl_rng_uniform(r);
    in[MC_P_F][i] = 0.6 + 0.3 * gsl_rng_uniform(r);
    in[MC_P_UT][i] = 0.25 + 0.3 * gsl_rng_uniform(r);
    in[MC_P_UI][i] = 0.05 + 0.3 * gsl_rng_uniform(r);
    in[MC_P_P0][i] = 1.05 + 0.5 * gsl_rng_uniform(r);
    in[MC_P_DP][i] = 0.96 + 0.04 * gsl_rng_uniform(r);
    in[MC_P_W0][i] = 10 + 20 * gsl_rng_uniform(r);
    in[MC_P_GW][i] = 1.3 + 0.7 * gsl_rng_uniform(r);
  }
}

/* The vectorized search against the reference: the same bits of year and
 * tau for every default pair, both orientations, with and without a
 * proportional cap, for block lengths around the chunk size. */
static void test_crossover_matches_reference(void **state) {
  (void)state;
  static double inbuf[MC_NPARAM][NR], coefbuf[MC_NCOEF][NR], grid[MC_NSERIES * NYL * NR],
      work[MC_MODEL_WORK * NR], tau[NR], rtau[NR];
  static int year[NR], ryear[NR];
  double *in[MC_NPARAM], *coef[MC_NCOEF];
  for (int p = 0; p < MC_NPARAM; p++)
    in[p] = inbuf[p];
  for (int c = 0; c < MC_NCOEF; c++)
    coef[c] = coefbuf[c];
  static const int pairs[4][2] = {{MC_S_INFERENCE_COMPUTE, MC_S_TRAINING_COMPUTE},
                                  {MC_S_TRAINING_COMPUTE, MC_S_INFERENCE_COMPUTE},
                                  {MC_S_INFERENCE_ENERGY, MC_S_TRAINING_ENERGY},
                                  {MC_S_TRAINING_ENERGY, MC_S_INFERENCE_ENERGY}};
  static const int lengths[] = {NR, 1, 255, 256, 257, 600};
  long seen[4] = {0}; /* crossing at year 0, by a grid year, never, between grid years */
  long late = 0;      /* crossing after the first 64-year window */
  ref_fallbacks = 0;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  for (int set = 0; set < 24; set++) {
    random_inputs(r, in);
    /* every fourth set over a long horizon: several 64-year windows */
    int ny = set % 4 == 3 ? NYL : NY;
    for (int cap = 0; cap < 2; cap++) {
      mc_model m = {
          .type = &mc_model_demand, .ny = ny, .has_cap = cap, .policy = MC_POLICY_PROPORTIONAL};
      mc_demand_prepare((const double *const *)in, NR, coef);
      mc_demand_grid(&m, (const double *const *)in, (const double *const *)coef, NR, grid, NR,
                     work);
      for (int p = 0; p < 4; p++) {
        int lhs = pairs[p][0], rhs = pairs[p][1];
        int n = lengths[(set + p) % 6];
        ref_crossover(ny, (const double *const *)coef, n, lhs, rhs, p % 2 ? -1.0 : 1.0, p >= 2,
                      grid, NR, ryear, rtau);
        mc_demand_crossover(&m, (const double *const *)in, (const double *const *)coef, n, lhs, rhs,
                            grid, NR, year, tau);
        assert_memory_equal(year, ryear, n * sizeof *year);
        assert_memory_equal(tau, rtau, n * sizeof *tau);
        for (int i = 0; i < n; i++)
          seen[ryear[i] == 0 ? 0 : ryear[i] > 0 ? 1 : isinf(rtau[i]) ? 2 : 3]++;
        for (int i = 0; i < n; i++)
          late += rtau[i] > 64 && isfinite(rtau[i]);
      }
    }
  }
  gsl_rng_free(r);
  for (int k = 0; k < 4; k++)
    assert_true(seen[k] > 0);
  assert_true(ref_fallbacks > 0);
  assert_true(late > 0);
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
      cmocka_unit_test(test_crossover_matches_reference),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
