/* Projection models: the table of models a job may name (`model:`) and the
 * generic entry points the engine calls on a block of samples.
 *
 * A model is an mc_model_type (engine/mc_spec.h): its parameter table, series
 * table, default crossovers, binding constraints and kernel in one file
 * (engine/mc_demand.c, engine/mc_capacity.c). The kernel is pure: arrays in,
 * arrays out, no allocation, I/O or MPI; it works on a block of n <= MC_BLOCK
 * samples in structure-of-arrays form:
 *   in[p][i]      the value of parameter p (the model's table order) for
 *                 sample i, every default filled in (mc_sampler_block);
 *   coef[c][i]    per-sample coefficients that prepare derives from in;
 *   grid[(s * ny + y) * stride + i]  series s at grid year y;
 *   cat[y * stride + i]  the binding constraint of year y >= 1 (an index
 *                 into the model's cat table; models with ncat = 0 leave it);
 *   year[i], tau[i]  a crossover's first grid year with lhs >= rhs (-1 when
 *                 none) and its crossing time in years since the base year
 *                 (+inf when censored). */
#ifndef MC_MODEL_H
#define MC_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "mc_spec.h"

#define MC_SECONDS_PER_YEAR 31557600.0
#define MC_J_PER_TWH        3.6e15

/* A model bound to one job: what its kernel needs of the spec. Plain data. */
struct mc_model {
  const mc_model_type *type;
  int ny;      /* grid years */
  int has_cap; /* model demand: a power cap is configured */
  int policy;  /* model demand: enum mc_policy */
};

void mc_model_init(mc_model *m, const mc_spec *spec);

/* The kernel's entry points (see the file comment). prepare fills
 * type->ncoef rows of coef; grid needs type->work(ny) doubles of work. */
static inline void mc_model_prepare(const mc_model *m, const double *const *in, int n,
                                    double *const *coef) {
  m->type->prepare(m, in, n, coef);
}
static inline void mc_model_grid(const mc_model *m, const double *const *in,
                                 const double *const *coef, int n, double *grid, int stride,
                                 double *work, uint8_t *cat) {
  m->type->grid(m, in, coef, n, grid, stride, work, cat);
}
static inline void mc_model_crossover(const mc_model *m, const double *const *in,
                                      const double *const *coef, int n, int lhs, int rhs,
                                      const double *grid, int stride, int *year, double *tau) {
  m->type->crossover(m, in, coef, n, lhs, rhs, grid, stride, year, tau);
}

/* The models, in the order `crossover --help` lists them. */
extern const mc_model_type mc_model_demand, mc_model_capacity;
extern const mc_model_type *const mc_models[];
#define MC_NMODELS 2

/* The model of a name, or NULL. */
const mc_model_type *mc_model_find(const char *name);

/* The valid model names, comma separated, into buf. */
void mc_model_list(char *buf, size_t len);

#endif
