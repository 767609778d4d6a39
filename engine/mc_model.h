/* The projection core (MODEL.md "Equations", "Output series", "Crossovers").
 *
 * Pure: arrays in, arrays out; no allocation, I/O or MPI. Works on a block of
 * n <= MC_BLOCK samples in structure-of-arrays form. */
#ifndef MC_MODEL_H
#define MC_MODEL_H

#include "mc_spec.h"

#define MC_SECONDS_PER_YEAR 31557600.0
#define MC_J_PER_TWH        3.6e15

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

/* Scratch doubles per sample that mc_model_grid needs. */
#define MC_MODEL_WORK 5

typedef struct mc_model {
  int ny; /* grid years */
  int has_cap;
  int policy; /* enum mc_policy */
} mc_model;

void mc_model_init(mc_model *m, const mc_spec *spec);

/* Derives the growth coefficients: in[p][i] for every parameter (defaults
 * filled in), coef[c][i] out. A half-life of +inf gives k = 0 (no slowdown). */
void mc_model_prepare(const double *const *in, int n, double *const *coef);

/* All series of MODEL.md at real time t (years since the base year) for n
 * samples: out[s][i]. power_shortfall is 0 without a cap. */
void mc_model_eval(const mc_model *m, const double *const *in, const double *const *coef, int n,
                   double t, double *const *out);

/* All series at every grid year: grid[(s * ny + y) * stride + i]. Vectorized
 * over samples; powers of the annual multipliers by recurrence, unit
 * conversions by multiplication (each within a few ulp of the equations as
 * written; the crossing search in real time evaluates them directly). Without
 * a cap the power_shortfall rows are left as they were (that series does not
 * exist then). work holds MC_MODEL_WORK * n doubles. */
void mc_model_grid(const mc_model *m, const double *const *in, const double *const *coef, int n,
                   double *grid, int stride, double *work);

/* One crossover (lhs, rhs series) for n samples, given the grid from
 * mc_model_grid: year[i] = index of the first grid year with lhs >= rhs, or -1
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
void mc_model_crossover(const mc_model *m, const double *const *in, const double *const *coef,
                        int n, int lhs, int rhs, const double *grid, int stride, int *year,
                        double *tau);

/* Scan step and bisection count of the crossing-time search. */
#define MC_SCAN_PER_YEAR 12
#define MC_BISECT_STEPS  8

#endif
