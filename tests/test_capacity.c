/* Model `capacity` (engine/mc_capacity.c) against values computed by hand
 * and against a direct scalar transcription of docs/model.md ("Model
 * `capacity`: equations", "output series"); the crossing-time rule on
 * hand-made rows; the tables; the scratch bounds; and the AVX2 / AVX-512
 * clones against this file's copy of the kernel built without clones (same
 * bits). The agreement with the independent NumPy reference is
 * tests/capacity_ref_check.py. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "capacity_central.h"
#include "mc_capacity.h"

#define MC_MODEL_NO_CLONES
#define mc_capacity_grid      plain_grid
#define mc_capacity_crossover plain_crossover
#define mc_cap_param_table    plain_param_table
#define mc_cap_series_table   plain_series_table
#define mc_cap_binding_names  plain_binding_names
#define mc_model_capacity     plain_model_capacity
#include "../engine/mc_capacity.c"
#undef mc_capacity_grid
#undef mc_capacity_crossover
#undef mc_cap_param_table
#undef mc_cap_series_table
#undef mc_model_capacity
#undef mc_cap_binding_names

#define MAXN  128
#define MAXNY 16

/* ---- the direct transcription (pow, exp, log of libm; loops as written) */

static double growth_law(double x0, double g, double ginf, double h, double t) {
  double r = log(g), rinf = log(ginf);
  if (isfinite(h) && g != ginf) {
    double k = M_LN2 / h;
    return exp(log(x0) + rinf * t + (r - rinf) * (1 - exp(-k * t)) / k);
  }
  return exp(log(x0) + r * t);
}

static double weight(double a, double L) {
  if (a + 1 <= L)
    return 1;
  if (a < L)
    return L - a;
  return 0;
}

/* Every series of one sample (p[MC_CAP_NPARAM]) at t = 0 .. ny-1 into
 * out[s][t], the binding codes into code[t]. */
static void direct(const double *p, int ny, double out[MC_CAP_NSERIES][MAXNY], int *code) {
  double A[MAXNY], E[MAXNY], Q[MAXNY], S[MAXNY], N[MAXNY], F[MAXNY], X[MAXNY];
  double S0 = p[MC_CP_HARDWARE_STOCK], Eb = p[MC_CP_HARDWARE_STOCK_EFFICIENCY];
  double Q0 = p[MC_CP_HARDWARE_PRICE_PERFORMANCE], L = p[MC_CP_HARDWARE_LIFETIME];
  double C0 = p[MC_CP_CAPEX_BASE];
  for (int ti = 0; ti < ny; ti++) {
    double t = ti;
    double Cd = growth_law(C0, p[MC_CP_CAPEX_GROWTH], p[MC_CP_CAPEX_GROWTH_LONGRUN],
                           p[MC_CP_CAPEX_GROWTH_HALFLIFE], t);
    double GDP = p[MC_CP_ECONOMY_GDP] * pow(p[MC_CP_ECONOMY_GDP_GROWTH], t);
    double Cm = p[MC_CP_CAPEX_MAX_GDP_SHARE] * GDP;
    Q[ti] = Q0 * pow(p[MC_CP_HARDWARE_PRICE_PERFORMANCE_GROWTH], t);
    E[ti] = p[MC_CP_HARDWARE_EFFICIENCY] * pow(p[MC_CP_HARDWARE_EFFICIENCY_GROWTH], t);
    double K =
        growth_law(p[MC_CP_SUPPLY_CHIPS], p[MC_CP_SUPPLY_CHIPS_GROWTH],
                   p[MC_CP_SUPPLY_CHIPS_GROWTH_LONGRUN], p[MC_CP_SUPPLY_CHIPS_GROWTH_HALFLIFE], t);
    double M = fmin(p[MC_CP_POWER_ADDITIONS] * pow(p[MC_CP_POWER_ADDITIONS_GROWTH], t),
                    p[MC_CP_POWER_ADDITIONS_MAX]);
    double P = 1 + (p[MC_CP_DATACENTER_PUE] - 1) * pow(p[MC_CP_DATACENTER_PUE_TREND], t);
    double sx = p[MC_CP_INFERENCE_SHARE_MAX], s0 = p[MC_CP_INFERENCE_SHARE];
    double sh = sx / (1 + (sx / s0 - 1) * exp(-p[MC_CP_INFERENCE_SHARE_RATE] * t));
    double uI =
        fmin(1, p[MC_CP_INFERENCE_UTILIZATION] * pow(p[MC_CP_INFERENCE_UTILIZATION_GROWTH], t));
    double pe = p[MC_CP_ENERGY_PRICE] * pow(p[MC_CP_ENERGY_PRICE_TREND], t);
    double V = p[MC_CP_ECONOMY_ELECTRICITY] * pow(p[MC_CP_ECONOMY_ELECTRICITY_GROWTH], t);
    double r0 = fmax(0, 1 - t / L);
    if (ti == 0) {
      S[0] = S0;
      N[0] = S0 / Eb;
      F[0] = N[0] * P / 1e9;
      X[0] = C0;
      A[0] = C0 * Q0;
      code[0] = MC_BIND_NONE;
    } else {
      double S_old = S0 * r0, N_old = S0 * r0 / Eb;
      for (int v = 1; v <= ti - 1; v++) {
        S_old += A[v] * weight(ti - v, L);
        N_old += A[v] * weight(ti - v, L) / E[v];
      }
      double a_capex = fmin(Cd, Cm) * Q[ti];
      double a_chips = K;
      double a_power = fmax(0, F[ti - 1] + M - N_old * P / 1e9) * 1e9 * E[ti] / P;
      A[ti] = fmin(fmin(a_capex, a_chips), a_power);
      S[ti] = S_old + A[ti];
      N[ti] = N_old + A[ti] / E[ti];
      F[ti] = fmax(F[ti - 1], N[ti] * P / 1e9);
      X[ti] = A[ti] / Q[ti];
      if (a_capex <= a_chips && a_capex <= a_power)
        code[ti] = Cd <= Cm ? MC_BIND_DEMAND : MC_BIND_CAPEX;
      else
        code[ti] = a_chips <= a_power ? MC_BIND_CHIPS : MC_BIND_POWER;
    }
    double Z = S0 * r0 / (Q0 * L);
    for (int v = 1; v <= ti; v++)
      Z += A[v] * weight(ti - v, L) / (Q[v] * L);
    double HI = sh * S[ti], HT = (1 - sh) * S[ti];
    double I = HI * uI * 31557600.0, T = HT * p[MC_CP_TRAINING_UTILIZATION] * 31557600.0;
    double PI = N[ti] * sh * p[MC_CP_INFERENCE_POWER_FACTOR] * P / 1e9;
    double PT = N[ti] * (1 - sh) * p[MC_CP_TRAINING_POWER_FACTOR] * P / 1e9;
    double EI = 8.766 * PI, ET = 8.766 * PT;
    out[MC_CS_TRAINING_COMPUTE][ti] = T;
    out[MC_CS_INFERENCE_COMPUTE][ti] = I;
    out[MC_CS_TOTAL_COMPUTE][ti] = T + I;
    out[MC_CS_INFERENCE_SHARE][ti] = I / (T + I);
    out[MC_CS_TRAINING_HARDWARE][ti] = HT;
    out[MC_CS_INFERENCE_HARDWARE][ti] = HI;
    out[MC_CS_HARDWARE_STOCK][ti] = S[ti];
    out[MC_CS_HARDWARE_ADDED][ti] = A[ti];
    out[MC_CS_TRAINING_ENERGY][ti] = ET;
    out[MC_CS_INFERENCE_ENERGY][ti] = EI;
    out[MC_CS_TOTAL_ENERGY][ti] = ET + EI;
    out[MC_CS_POWER][ti] = PT + PI;
    out[MC_CS_POWER_CAPACITY][ti] = F[ti];
    out[MC_CS_ELECTRICITY_SHARE][ti] = (ET + EI) / V;
    out[MC_CS_CAPEX][ti] = X[ti];
    out[MC_CS_CAPEX_GDP_SHARE][ti] = X[ti] / GDP;
    out[MC_CS_HARDWARE_COST][ti] = Z;
    out[MC_CS_ENERGY_COST][ti] = 1e6 * (EI + ET) * pe;
    out[MC_CS_TRAINING_SPEND][ti] = (1 - sh) * Z + 1e6 * ET * pe;
    out[MC_CS_INFERENCE_SPEND][ti] = sh * Z + 1e6 * EI * pe;
  }
}

/* ---- fixtures */

typedef struct block {
  int n, ny;
  double par[MC_CAP_NPARAM][MAXN];
  const double *in[MC_CAP_NPARAM];
  double grid[MC_CAP_NSERIES * MAXNY * MAXN];
  uint8_t bind[MAXNY * MAXN];
  double work[MC_CAPACITY_WORK_DOUBLES(MAXNY)];
} block;

/* Central values of the calibration table for every sample. */
static void central(block *b, int n, int ny) {
  memset(b, 0, sizeof *b);
  b->n = n;
  b->ny = ny;
  for (int p = 0; p < MC_CAP_NPARAM; p++) {
    b->in[p] = b->par[p];
    for (int i = 0; i < n; i++)
      b->par[p][i] = capacity_central[p];
  }
}

static void run(block *b) {
  mc_capacity_grid(b->ny, b->in, b->n, b->grid, b->n, b->bind, b->n, b->work);
}

static double G(const block *b, int s, int y, int i) { return b->grid[(s * b->ny + y) * b->n + i]; }

static void sample_params(const block *b, int i, double *p) {
  for (int k = 0; k < MC_CAP_NPARAM; k++)
    p[k] = b->par[k][i];
}

/* Every series and code of every sample against the transcription. */
static void check_direct(const block *b, double rtol) {
  for (int i = 0; i < b->n; i++) {
    double p[MC_CAP_NPARAM], out[MC_CAP_NSERIES][MAXNY];
    int code[MAXNY];
    sample_params(b, i, p);
    direct(p, b->ny, out, code);
    for (int y = 0; y < b->ny; y++) {
      if (b->bind[y * b->n + i] != code[y])
        fail_msg("sample %d year %d: binding %d, transcription %d", i, y, b->bind[y * b->n + i],
                 code[y]);
      for (int s = 0; s < MC_CAP_NSERIES; s++) {
        double c = G(b, s, y, i), r = out[s][y];
        if (!(fabs(c - r) <= rtol * fabs(r)))
          fail_msg("sample %d year %d %s: kernel %.17g, transcription %.17g", i, y,
                   mc_cap_series_table[s].name, c, r);
      }
    }
  }
}

static void assert_rel(double got, double want, double rtol) {
  if (!(fabs(got - want) <= rtol * fabs(want)))
    fail_msg("got %.17g, want %.17g", got, want);
}

/* ---- (a) hand-computed cases */

/* Samples 0 and 1 (bench/reference_capacity.py, hand_case): P = 1, E = 1e9
 * FLOP/s per W in every year, L = 2 (w(0) = w(1) = 1, w(2) = 0; r0 = 1,
 * 1/2, 0, 0), S0 = 1e19 FLOP/s, so N = S / 1e9 W and N P / 1e9 = S / 1e18
 * GW; F(0) = 10 GW. Cd = 1e9 2^t $/yr, Cm = 0.01 * 3e11 = 3e9 $/yr,
 * Q = 1e10 2^t FLOP/s per $, K = 6e19 e^(1 - 2^-t) (growth law with g = 2,
 * g_inf = 1, h = 1: k = ln 2, C = 1).
 * Sample 0 (M = 1000 GW/yr: power never binds):
 *   t=1: S_old = 5e18; a_capex = 2e9 * 2e10 = 4e19 < K = 9.89e19: demand.
 *        S = 4.5e19, F = 45, X = 2e9, Z = (1e19 / 2 / 1e10 + 2e9) / 2 = 1.25e9
 *   t=2: S_old = A(1) = 4e19; a_capex = 3e9 * 4e10 = 1.2e20 < K = 1.270e20:
 *        capex. S = 1.6e20, F = 160, X = 3e9, Z = (4e9 / 2 + 3e9) / 2 ... =
 *        (2e9 + 3e9) / 2 = 2.5e9
 *   t=3: S_old = A(2) = 1.2e20; a_capex = 3e9 * 8e10 = 2.4e20 > K = 1.439e20:
 *        chips. S = 1.2e20 + K, F = S / 1e18, X = K / 8e10,
 *        Z = (3e9 + K / 8e10) / 2
 * Sample 1 (M = min(2 * 2^t, 3) = 3 GW/yr):
 *   t=1: a_power = (10 + 3 - 5) GW * 1e9 * 1e9 = 8e18: power. S = 1.3e19, F = 13
 *   t=2: S_old = 8e18, a_power = (13 + 3 - 8) 1e18 = 8e18: power. S = 1.6e19, F = 16
 *   t=3: S_old = 8e18, a_power = (16 + 3 - 8) 1e18 = 1.1e19: power. S = 1.9e19, F = 19
 * Sample 2: the calibration's central values with a fractional lifetime
 * (L = 1.5), utilization reaching its cap of 1 and a falling PUE overhead,
 * checked against the transcription only. */
static void hand_block(block *b) {
  central(b, 3, 4);
  for (int i = 0; i < 2; i++) {
    b->par[MC_CP_CAPEX_BASE][i] = 1e9;
    b->par[MC_CP_CAPEX_GROWTH][i] = b->par[MC_CP_CAPEX_GROWTH_LONGRUN][i] = 2;
    b->par[MC_CP_CAPEX_GROWTH_HALFLIFE][i] = INFINITY;
    b->par[MC_CP_CAPEX_MAX_GDP_SHARE][i] = 0.01;
    b->par[MC_CP_ECONOMY_GDP][i] = 3e11;
    b->par[MC_CP_ECONOMY_GDP_GROWTH][i] = 1;
    b->par[MC_CP_ECONOMY_ELECTRICITY][i] = 1000;
    b->par[MC_CP_ECONOMY_ELECTRICITY_GROWTH][i] = 1;
    b->par[MC_CP_HARDWARE_STOCK][i] = 1e19;
    b->par[MC_CP_HARDWARE_STOCK_EFFICIENCY][i] = b->par[MC_CP_HARDWARE_EFFICIENCY][i] = 1e9;
    b->par[MC_CP_HARDWARE_EFFICIENCY_GROWTH][i] = 1;
    b->par[MC_CP_HARDWARE_PRICE_PERFORMANCE][i] = 1e10;
    b->par[MC_CP_HARDWARE_PRICE_PERFORMANCE_GROWTH][i] = 2;
    b->par[MC_CP_HARDWARE_LIFETIME][i] = 2;
    b->par[MC_CP_SUPPLY_CHIPS][i] = 6e19;
    b->par[MC_CP_SUPPLY_CHIPS_GROWTH][i] = 2;
    b->par[MC_CP_SUPPLY_CHIPS_GROWTH_LONGRUN][i] = 1;
    b->par[MC_CP_SUPPLY_CHIPS_GROWTH_HALFLIFE][i] = 1;
    b->par[MC_CP_DATACENTER_PUE][i] = 1;
    b->par[MC_CP_DATACENTER_PUE_TREND][i] = 1;
    b->par[MC_CP_INFERENCE_SHARE][i] = b->par[MC_CP_INFERENCE_SHARE_MAX][i] = 0.5;
    b->par[MC_CP_INFERENCE_SHARE_RATE][i] = 0;
    b->par[MC_CP_TRAINING_UTILIZATION][i] = 0.5;
    b->par[MC_CP_INFERENCE_UTILIZATION][i] = 0.25;
    b->par[MC_CP_INFERENCE_UTILIZATION_GROWTH][i] = 1;
    b->par[MC_CP_HARDWARE_POWER_FACTOR][i] = 1;
    b->par[MC_CP_TRAINING_POWER_FACTOR][i] = b->par[MC_CP_INFERENCE_POWER_FACTOR][i] = 1;
    b->par[MC_CP_ENERGY_PRICE][i] = 100;
    b->par[MC_CP_ENERGY_PRICE_TREND][i] = 1;
  }
  b->par[MC_CP_POWER_ADDITIONS][0] = 1000;
  b->par[MC_CP_POWER_ADDITIONS_GROWTH][0] = 1;
  b->par[MC_CP_POWER_ADDITIONS_MAX][0] = INFINITY;
  b->par[MC_CP_POWER_ADDITIONS][1] = 2;
  b->par[MC_CP_POWER_ADDITIONS_GROWTH][1] = 2;
  b->par[MC_CP_POWER_ADDITIONS_MAX][1] = 3;
  b->par[MC_CP_HARDWARE_LIFETIME][2] = 1.5;
  b->par[MC_CP_INFERENCE_UTILIZATION][2] = 0.85;
  b->par[MC_CP_INFERENCE_UTILIZATION_GROWTH][2] = 1.1;
  b->par[MC_CP_DATACENTER_PUE][2] = 1.4;
  b->par[MC_CP_DATACENTER_PUE_TREND][2] = 0.9;
  b->par[MC_CP_CAPEX_GROWTH_HALFLIFE][2] = 3;
  b->par[MC_CP_ENERGY_PRICE_TREND][2] = 1.02;
}

static void test_hand_cases(void **state) {
  (void)state;
  static block b;
  hand_block(&b);
  run(&b);
  const double tol = 1e-12, K3 = 6e19 * exp(0.875);
  /* the four constraints, each binding in some year */
  static const int codes[2][4] = {{MC_BIND_NONE, MC_BIND_DEMAND, MC_BIND_CAPEX, MC_BIND_CHIPS},
                                  {MC_BIND_NONE, MC_BIND_POWER, MC_BIND_POWER, MC_BIND_POWER}};
  static const double added[2][3] = {{4e19, 1.2e20, 0}, {8e18, 8e18, 1.1e19}};
  static const double stock[2][4] = {{1e19, 4.5e19, 1.6e20, 0}, {1e19, 1.3e19, 1.6e19, 1.9e19}};
  static const double fac[2][4] = {{10, 45, 160, 0}, {10, 13, 16, 19}};
  for (int i = 0; i < 2; i++)
    for (int y = 0; y < 4; y++) {
      assert_int_equal(b.bind[y * 3 + i], codes[i][y]);
      double a = y == 0 ? 1e9 * 1e10 : (i == 0 && y == 3 ? K3 : added[i][y - 1]);
      assert_rel(G(&b, MC_CS_HARDWARE_ADDED, y, i), a, tol);
      assert_rel(G(&b, MC_CS_HARDWARE_STOCK, y, i), i == 0 && y == 3 ? 1.2e20 + K3 : stock[i][y],
                 tol);
      assert_rel(G(&b, MC_CS_POWER_CAPACITY, y, i), i == 0 && y == 3 ? 120 + K3 / 1e18 : fac[i][y],
                 tol);
    }
  static const double capex0[3] = {1e9, 2e9, 3e9}, cost0[3] = {5e8, 1.25e9, 2.5e9};
  for (int y = 0; y < 3; y++) {
    assert_rel(G(&b, MC_CS_CAPEX, y, 0), capex0[y], tol);
    assert_rel(G(&b, MC_CS_HARDWARE_COST, y, 0), cost0[y], tol);
  }
  assert_rel(G(&b, MC_CS_CAPEX, 3, 0), K3 / 8e10, tol);
  assert_rel(G(&b, MC_CS_HARDWARE_COST, 3, 0), (3e9 + K3 / 8e10) / 2, tol);
  assert_rel(G(&b, MC_CS_CAPEX_GDP_SHARE, 2, 0), 0.01, tol);
  /* sample 1: s = 0.5, uT = 0.5, uI = 0.25, f = 1, P = 1, 100 $/MWh, V = 1000 TWh */
  for (int y = 0; y < 4; y++) {
    double S = stock[1][y], GW = S / 1e18;
    assert_rel(G(&b, MC_CS_INFERENCE_HARDWARE, y, 1), S / 2, tol);
    assert_rel(G(&b, MC_CS_TRAINING_HARDWARE, y, 1), S / 2, tol);
    assert_rel(G(&b, MC_CS_TRAINING_COMPUTE, y, 1), S / 2 * 0.5 * 31557600, tol);
    assert_rel(G(&b, MC_CS_INFERENCE_COMPUTE, y, 1), S / 2 * 0.25 * 31557600, tol);
    assert_rel(G(&b, MC_CS_INFERENCE_SHARE, y, 1), 1.0 / 3, tol);
    assert_rel(G(&b, MC_CS_POWER, y, 1), GW, tol);
    assert_rel(G(&b, MC_CS_INFERENCE_ENERGY, y, 1), 8.766 * GW / 2, tol);
    assert_rel(G(&b, MC_CS_TOTAL_ENERGY, y, 1), 8.766 * GW, tol);
    assert_rel(G(&b, MC_CS_ELECTRICITY_SHARE, y, 1), 8.766 * GW / 1000, tol);
    assert_rel(G(&b, MC_CS_ENERGY_COST, y, 1), 1e6 * 8.766 * GW * 100, tol);
  }
  check_direct(&b, tol);
}

/* 16 years of random samples over wide ranges against the transcription. */
static void test_random_against_transcription(void **state) {
  (void)state;
  static block b;
  central(&b, MAXN, MAXNY);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 7);
  for (int i = 0; i < MAXN; i++) {
    double u[MC_CAP_NPARAM];
    for (int p = 0; p < MC_CAP_NPARAM; p++)
      u[p] = gsl_rng_uniform(r);
    b.par[MC_CP_CAPEX_BASE][i] = 3e11 + 5e11 * u[0];
    b.par[MC_CP_CAPEX_GROWTH][i] = 1.2 + 0.8 * u[1];
    b.par[MC_CP_CAPEX_GROWTH_LONGRUN][i] = 0.95 + 0.35 * u[2];
    b.par[MC_CP_CAPEX_GROWTH_HALFLIFE][i] = i % 4 ? 1 + 9 * u[3] : INFINITY;
    b.par[MC_CP_CAPEX_MAX_GDP_SHARE][i] = 0.002 + 0.03 * u[4];
    b.par[MC_CP_HARDWARE_LIFETIME][i] = i % 5 ? 1 + 6 * u[15] : 1;
    b.par[MC_CP_SUPPLY_CHIPS][i] = 0.8e22 + 1e22 * u[16];
    b.par[MC_CP_SUPPLY_CHIPS_GROWTH][i] = 1.3 + u[17];
    b.par[MC_CP_SUPPLY_CHIPS_GROWTH_LONGRUN][i] = 1 + 0.5 * u[18];
    b.par[MC_CP_SUPPLY_CHIPS_GROWTH_HALFLIFE][i] = i % 3 ? 1 + 8 * u[19] : INFINITY;
    b.par[MC_CP_POWER_ADDITIONS][i] = 1 + 40 * u[20];
    b.par[MC_CP_POWER_ADDITIONS_GROWTH][i] = 1 + 0.4 * u[21];
    b.par[MC_CP_POWER_ADDITIONS_MAX][i] = i % 2 ? 5 + 150 * u[22] : INFINITY;
    b.par[MC_CP_DATACENTER_PUE][i] = 1 + 0.5 * u[23];
    b.par[MC_CP_DATACENTER_PUE_TREND][i] = 0.9 + 0.1 * u[24];
    b.par[MC_CP_INFERENCE_SHARE][i] = 0.05 + 0.9 * u[25];
    b.par[MC_CP_INFERENCE_SHARE_MAX][i] = 0.1 + 0.9 * u[26];
    b.par[MC_CP_INFERENCE_SHARE_RATE][i] = u[27];
    b.par[MC_CP_INFERENCE_UTILIZATION][i] = 0.05 + 0.9 * u[29];
    b.par[MC_CP_INFERENCE_UTILIZATION_GROWTH][i] = 0.95 + 0.2 * u[30];
    b.par[MC_CP_TRAINING_POWER_FACTOR][i] = 0.5 + 0.5 * u[32];
    b.par[MC_CP_INFERENCE_POWER_FACTOR][i] = 0.5 + 0.5 * u[33];
    b.par[MC_CP_ENERGY_PRICE_TREND][i] = 0.97 + 0.06 * u[35];
  }
  gsl_rng_free(r);
  run(&b);
  check_direct(&b, 1e-12);
  int seen[MC_NBIND] = {0};
  for (int y = 1; y < MAXNY; y++)
    for (int i = 0; i < MAXN; i++)
      seen[b.bind[y * MAXN + i]]++;
  for (int k = 0; k < MC_NBIND; k++)
    assert_true(seen[k] > 0);
}

/* L = 1 and a chip ceiling of almost nothing: the base stock retires at
 * once, so from t = 1 the stock is the year's additions, K(t). */
static void test_stock_retires(void **state) {
  (void)state;
  static block b;
  central(&b, 2, 6);
  for (int i = 0; i < 2; i++) {
    b.par[MC_CP_HARDWARE_LIFETIME][i] = 1;
    b.par[MC_CP_SUPPLY_CHIPS][i] = 1e-300;
    b.par[MC_CP_SUPPLY_CHIPS_GROWTH][i] = b.par[MC_CP_SUPPLY_CHIPS_GROWTH_LONGRUN][i] = 1;
  }
  run(&b);
  for (int y = 1; y < 6; y++)
    for (int i = 0; i < 2; i++) {
      assert_rel(G(&b, MC_CS_HARDWARE_STOCK, y, i), 1e-300, 1e-12);
      assert_int_equal(b.bind[y * 2 + i], MC_BIND_CHIPS);
      /* the facility stays as built */
      assert_true(G(&b, MC_CS_POWER_CAPACITY, y, i) == G(&b, MC_CS_POWER_CAPACITY, 0, i));
    }
}

/* ---- (b) the crossing rule on hand-made rows */

static void test_crossing_rule(void **state) {
  (void)state;
  enum { NS = 10, NYC = 3, STRIDE = 12 };
  /* per sample: lhs and rhs at years 0, 1, 2 */
  static const double rows[NS][2][NYC] = {
      {{3, 1, 1}, {2, 2, 2}},        /* base year: tau 0 */
      {{1, 4, 8}, {2, 2, 2}},        /* between 0 and 1: d = -ln 2, ln 2: 0.5 */
      {{1, 2, 4}, {2, 2, 2}},        /* exact touch at 1: tau 1 */
      {{1, 1, 1}, {2, 2, 2}},        /* never: +inf */
      {{1, 1, 2}, {2, 2, 2}},        /* touch at the last year */
      {{0, 2, 2}, {1, 1, 1}},        /* lhs 0 before: ln = -inf, tau = 1 */
      {{1, INFINITY, 1}, {2, 2, 2}}, /* lhs infinite at 1: tau = 0 */
      {{NAN, 3, 3}, {1, 1, 1}},      /* NaN compares false; fraction NaN: tau = 1 */
      {{1, 1, 16}, {4, 4, 4}},       /* d = -ln 4, 2 ln 2: 1 + 1/2 */
      {{0, 0, 0}, {0, 0, 0}},        /* 0 >= 0 at the base year: tau 0 */
  };
  double lhs[NYC * STRIDE], rhs[NYC * STRIDE];
  for (int i = 0; i < NS; i++)
    for (int y = 0; y < NYC; y++) {
      lhs[y * STRIDE + i] = rows[i][0][y];
      rhs[y * STRIDE + i] = rows[i][1][y];
    }
  int year[NS];
  double tau[NS];
  mc_capacity_crossover(NYC, NS, lhs, rhs, STRIDE, year, tau);
  static const int want_year[NS] = {0, 1, 1, -1, 2, 1, 1, 1, 2, 0};
  static const double want_tau[NS] = {0, 0.5, 1, INFINITY, 2, 1, 0, 1, 1.5, 0};
  for (int i = 0; i < NS; i++) {
    assert_int_equal(year[i], want_year[i]);
    if (isinf(want_tau[i]))
      assert_true(isinf(tau[i]) && tau[i] > 0);
    else if (fabs(tau[i] - want_tau[i]) > 1e-15)
      fail_msg("sample %d: tau %.17g, want %.17g", i, tau[i], want_tau[i]);
  }
  /* A pair of geometric series crossing inside a year: exact on the
   * log-linear interpolation, lhs = 2^t, rhs = 5 (tau = log2 5). */
  double l[6], r[6];
  for (int y = 0; y < 6; y++)
    l[y] = ldexp(1, y), r[y] = 5;
  mc_capacity_crossover(6, 1, l, r, 1, year, tau);
  assert_int_equal(year[0], 3);
  assert_true(fabs(tau[0] - log2(5)) < 1e-14);
}

/* ---- tables, scratch bounds, clones */

static void test_tables(void **state) {
  (void)state;
  static const char *const keys[MC_CAP_NPARAM] = {
      "capex.base",
      "capex.growth",
      "capex.growth_longrun",
      "capex.growth_halflife",
      "capex.max_gdp_share",
      "economy.gdp",
      "economy.gdp_growth",
      "economy.electricity",
      "economy.electricity_growth",
      "hardware.stock",
      "hardware.stock_efficiency",
      "hardware.efficiency",
      "hardware.efficiency_growth",
      "hardware.price_performance",
      "hardware.price_performance_growth",
      "hardware.lifetime",
      "supply.chips",
      "supply.chips_growth",
      "supply.chips_growth_longrun",
      "supply.chips_growth_halflife",
      "power.additions",
      "power.additions_growth",
      "power.additions_max",
      "datacenter.pue",
      "datacenter.pue_trend",
      "inference.share",
      "inference.share_max",
      "inference.share_rate",
      "training.utilization",
      "inference.utilization",
      "inference.utilization_growth",
      "hardware.power_factor",
      "training.power_factor",
      "inference.power_factor",
      "energy.price",
      "energy.price_trend",
  };
  int required = 0;
  for (int p = 0; p < MC_CAP_NPARAM; p++) {
    const mc_param_info *q = &mc_cap_param_table[p];
    assert_non_null(q->key);
    assert_string_equal(q->key, keys[p]);
    assert_non_null(q->symbol);
    assert_non_null(q->unit);
    assert_non_null(q->meaning);
    assert_true(q->lo < q->hi);
    required += q->dflt_kind == MC_DEF_REQUIRED;
    if (q->dflt_kind == MC_DEF_FOLLOWS)
      assert_true(q->follows >= 0 && q->follows < MC_CAP_NPARAM && q->follows != p);
    else
      assert_int_equal(q->follows, -1);
    if (q->dflt_kind == MC_DEF_VALUE || q->dflt_kind == MC_DEF_INFINITE) {
      /* a default lies in the valid range */
      double d = q->dflt;
      assert_true(q->lo_open ? d > q->lo : d >= q->lo);
      assert_true(q->hi_open ? d < q->hi : d <= q->hi);
    }
  }
  assert_int_equal(required, 22);
  static const char *const series[MC_CAP_NSERIES] = {
      "training_compute",  "inference_compute",  "total_compute",  "inference_share",
      "training_hardware", "inference_hardware", "hardware_stock", "hardware_added",
      "training_energy",   "inference_energy",   "total_energy",   "power",
      "power_capacity",    "electricity_share",  "capex",          "capex_gdp_share",
      "hardware_cost",     "energy_cost",        "training_spend", "inference_spend",
  };
  for (int s = 0; s < MC_CAP_NSERIES; s++) {
    assert_string_equal(mc_cap_series_table[s].name, series[s]);
    assert_non_null(mc_cap_series_table[s].unit);
    assert_non_null(mc_cap_series_table[s].meaning);
  }
  assert_string_equal(mc_cap_binding_names[MC_BIND_DEMAND], "demand");
  assert_string_equal(mc_cap_binding_names[MC_BIND_CAPEX], "capex");
  assert_string_equal(mc_cap_binding_names[MC_BIND_CHIPS], "chips");
  assert_string_equal(mc_cap_binding_names[MC_BIND_POWER], "power");
}

/* The kernel writes nothing outside n of each stride, nor past its scratch. */
static void test_bounds(void **state) {
  (void)state;
  enum { N = 5, NY = 7, STRIDE = 9, BSTRIDE = 11 };
  static block b;
  central(&b, N, NY);
  static double grid[MC_CAP_NSERIES * NY * STRIDE], work[MC_CAPACITY_WORK_DOUBLES(NY) + 8];
  static uint8_t bind[NY * BSTRIDE];
  for (size_t k = 0; k < sizeof grid / sizeof grid[0]; k++)
    grid[k] = -7.0;
  for (size_t k = 0; k < sizeof work / sizeof work[0]; k++)
    work[k] = -7.0;
  memset(bind, 0x5A, sizeof bind);
  mc_capacity_grid(NY, b.in, N, grid, STRIDE, bind, BSTRIDE, work);
  for (int r = 0; r < MC_CAP_NSERIES * NY; r++)
    for (int i = 0; i < STRIDE; i++)
      assert_true((grid[r * STRIDE + i] == -7.0) == (i >= N));
  for (int y = 0; y < NY; y++)
    for (int i = 0; i < BSTRIDE; i++)
      assert_true((bind[y * BSTRIDE + i] == 0x5A) == (i >= N));
  for (int k = 0; k < 8; k++)
    assert_true(work[MC_CAPACITY_WORK_DOUBLES(NY) + k] == -7.0);
  for (int i = 0; i < N; i++)
    assert_int_equal(bind[i], MC_BIND_NONE);
}

/* The AVX2 and AVX-512 clones (picked at run time where the CPU has them)
 * give the bits of the baseline build of this file's copy. */
static void test_clones_same_bits(void **state) {
  (void)state;
  enum { N = 1000, NY = 16 };
  static double par[MC_CAP_NPARAM][N], g1[MC_CAP_NSERIES * NY * N], g2[MC_CAP_NSERIES * NY * N];
  static double work[MC_CAPACITY_WORK_DOUBLES(NY)];
  static uint8_t b1[NY * N], b2[NY * N];
  static block c;
  central(&c, 1, NY);
  const double *in[MC_CAP_NPARAM];
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  for (int p = 0; p < MC_CAP_NPARAM; p++) {
    in[p] = par[p];
    /* the central value times a factor in [0.7, 1.3], kept valid */
    for (int i = 0; i < N; i++) {
      double v = c.par[p][0] * (0.7 + 0.6 * gsl_rng_uniform(r));
      const mc_param_info *q = &mc_cap_param_table[p];
      v = v > q->hi ? q->hi : v;
      v = v < q->lo ? q->lo : v;
      par[p][i] = v;
    }
  }
  for (int i = 0; i < N; i += 3)
    par[MC_CP_CAPEX_GROWTH_HALFLIFE][i] = INFINITY;
  gsl_rng_free(r);
  mc_capacity_grid(NY, in, N, g1, N, b1, N, work);
  plain_grid(NY, in, N, g2, N, b2, N, work);
  assert_memory_equal(g1, g2, sizeof g1);
  assert_memory_equal(b1, b2, sizeof b1);
  int y1[N], y2[N];
  static double t1[N], t2[N];
  const double *l = g1 + (size_t)MC_CS_INFERENCE_COMPUTE * NY * N,
               *rr = g1 + (size_t)MC_CS_TRAINING_COMPUTE * NY * N;
  mc_capacity_crossover(NY, N, l, rr, N, y1, t1);
  plain_crossover(NY, N, l, rr, N, y2, t2);
  assert_memory_equal(y1, y2, sizeof y1);
  assert_memory_equal(t1, t2, sizeof t1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hand_cases),       cmocka_unit_test(test_random_against_transcription),
      cmocka_unit_test(test_stock_retires),    cmocka_unit_test(test_crossing_rule),
      cmocka_unit_test(test_tables),           cmocka_unit_test(test_bounds),
      cmocka_unit_test(test_clones_same_bits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
