/* The projection core (MODEL.md "Equations", "Output series", "Crossovers").
 *
 * Pure: arrays in, arrays out; no allocation, I/O or MPI. Works on a block of
 * n <= MC_BLOCK samples in structure-of-arrays form. */
#ifndef MC_MODEL_H
#define MC_MODEL_H

#include "mc_spec.h"

#define MC_SECONDS_PER_YEAR 31557600.0
#define MC_J_PER_TWH        3.6e15

/* Per-sample coefficients derived once per block from the inputs. */
enum mc_coef_id {
  MC_C_LNT0,
  MC_C_RT,
  MC_C_RTINF,
  MC_C_KT, /* training: ln T0, ln gT, ln gT_inf, ln 2 / hT */
  MC_C_LNI0,
  MC_C_RI,
  MC_C_RIINF,
  MC_C_KI, /* inference, likewise */
  MC_NCOEF
};

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

/* All series at every grid year: grid[(s * ny + y) * stride + i]. */
void mc_model_grid(const mc_model *m, const double *const *in, const double *const *coef, int n,
                   double *grid, int stride);

/* One crossover (lhs, rhs series) for n samples, given the grid from
 * mc_model_grid: year[i] = index of the first grid year with lhs >= rhs, or -1
 * (never); tau[i] = first real t in [0, ny-1] with lhs(t) >= rhs(t), scanned
 * at 1/12 yr and bisected to under 1e-3 yr (the upper end of the final
 * bracket), or +inf when censored. */
void mc_model_crossover(const mc_model *m, const double *const *in, const double *const *coef,
                        int n, int lhs, int rhs, const double *grid, int stride, int *year,
                        double *tau);

/* Scan step and bisection count of the crossing-time search. */
#define MC_SCAN_PER_YEAR 12
#define MC_BISECT_STEPS  8

#endif
