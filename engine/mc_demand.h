/* Model `demand` (docs/model.md): compute demand grows by itself, energy
 * follows, an optional power cap serves it. Its parameter and series tables,
 * default crossovers and kernel (engine/mc_demand.c); the engine reaches them
 * through mc_model_demand (mc_model.h), tests also directly.
 *
 * Pure: arrays in, arrays out; no allocation, I/O or MPI. Works on a block of
 * n <= MC_BLOCK samples in structure-of-arrays form. */
#ifndef MC_DEMAND_H
#define MC_DEMAND_H

#include "mc_model.h"

/* The parameters, in the order of the table (Sobol' dimension p + 1 each). */
enum mc_param_id {
  MC_P_T0,     /* training.compute */
  MC_P_GT,     /* training.growth */
  MC_P_GT_INF, /* training.growth_longrun */
  MC_P_HT,     /* training.growth_halflife */
  MC_P_I0,     /* inference.compute */
  MC_P_GI,     /* inference.growth */
  MC_P_GI_INF, /* inference.growth_longrun */
  MC_P_HI,     /* inference.growth_halflife */
  MC_P_E0,     /* hardware.efficiency */
  MC_P_GE,     /* hardware.efficiency_growth */
  MC_P_F,      /* hardware.power_factor */
  MC_P_UT,     /* training.utilization */
  MC_P_UI,     /* inference.utilization */
  MC_P_P0,     /* datacenter.pue */
  MC_P_DP,     /* datacenter.pue_trend */
  MC_P_W0,     /* power.capacity */
  MC_P_GW,     /* power.capacity_growth */
  MC_NPARAM
};

enum mc_series_id {
  MC_S_TRAINING_COMPUTE,
  MC_S_INFERENCE_COMPUTE,
  MC_S_TOTAL_COMPUTE,
  MC_S_INFERENCE_SHARE,
  MC_S_TRAINING_ENERGY,
  MC_S_INFERENCE_ENERGY,
  MC_S_TOTAL_ENERGY,
  MC_S_POWER,
  MC_S_POWER_SHORTFALL, /* only with a power cap */
  MC_NSERIES
};

/* Per-sample coefficients derived once per block from the inputs. Growth of
 * X in log space is ln X(t) = LN + S t + C (1 - exp(-K t)) with, for a finite
 * half-life and g != g_inf, S = ln g_inf, K = ln 2 / h, C = (ln g - ln g_inf)
 * / K, and otherwise S = ln g, C = K = 0. Q = exp(-K). */
enum mc_coef_id {
  MC_C_LNT0,
  MC_C_ST,
  MC_C_CT,
  MC_C_KT,
  MC_C_QT, /* training */
  MC_C_LNI0,
  MC_C_SI,
  MC_C_CI,
  MC_C_KI,
  MC_C_QI, /* inference */
  MC_C_FT,
  MC_C_FI,   /* f / uT, f / uI */
  MC_C_LNU,  /* ln uT - ln uI */
  MC_C_QT12, /* exp(-KT / 12): one scan step */
  MC_C_QI12, /* exp(-KI / 12) */
  MC_C_IGE,  /* 1 / gE */
  MC_NCOEF
};

/* Scratch doubles per sample that mc_demand_grid needs. */
#define MC_MODEL_WORK 5

/* Derives the growth coefficients: in[p][i] for every parameter (defaults
 * filled in), coef[c][i] out. A half-life of +inf gives k = 0 (no slowdown). */
void mc_demand_prepare(const double *const *in, int n, double *const *coef);

/* All series of docs/model.md at real time t (years since the base year) for n
 * samples: out[s][i]. power_shortfall is 0 without a cap. */
void mc_demand_eval(const mc_model *m, const double *const *in, const double *const *coef, int n,
                    double t, double *const *out);

/* All series at every grid year: grid[(s * ny + y) * stride + i]. Vectorized
 * over samples; powers of the annual multipliers by recurrence, unit
 * conversions by multiplication (each within a few ulp of the equations as
 * written; the crossing search in real time evaluates them directly). Without
 * a cap the power_shortfall rows are left as they were (that series does not
 * exist then). work holds MC_MODEL_WORK * n doubles. */
void mc_demand_grid(const mc_model *m, const double *const *in, const double *const *coef, int n,
                    double *grid, int stride, double *work);

/* One crossover (lhs, rhs series) for n samples, given the grid from
 * mc_demand_grid: year[i] = index of the first grid year with lhs >= rhs, or -1
 * (never); tau[i] = first real t in [0, ny-1] with lhs(t) >= rhs(t), scanned
 * at 1/12 yr and bisected to under 1e-3 yr (the upper end of the final
 * bracket), or +inf when censored.
 *
 * For the default pairs (inference vs training compute or energy) without a
 * cap or under the proportional policy, lhs/rhs depends on the growth terms
 * alone, ln(lhs/rhs) = +-(ln I - ln T + c); each year [a, a+1] whose upper
 * bound of that (each term is monotone in t) is below zero holds no scan
 * point with lhs >= rhs and is skipped. Other pairs scan every point. A grid
 * year with lhs >= rhs bounds the scan: if rounding hides the bracket up to
 * it, tau is that year. */
void mc_demand_crossover(const mc_model *m, const double *const *in, const double *const *coef,
                         int n, int lhs, int rhs, const double *grid, int stride, int *year,
                         double *tau);

/* Scan step and bisection count of the crossing-time search. */
#define MC_SCAN_PER_YEAR 12
#define MC_BISECT_STEPS  8

/* The parameter and series tables. */
extern const mc_param_info mc_demand_params[MC_NPARAM];
extern const mc_series_info mc_demand_series[MC_NSERIES];

#endif
