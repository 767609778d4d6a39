/* Reproducible sampling: a parameter's value for a sample depends only on the
 * seed, the global sample index, the parameter's name and the job. The
 * uniforms come from the job's design (mc_design.h) over the Philox streams of
 * mc_rng.h; inverse CDFs and the copula turn them into values. */
#ifndef MC_SAMPLE_H
#define MC_SAMPLE_H

#include <stdint.h>

#include "mc_copula.h"
#include "mc_design.h"
#include "mc_rng.h"
#include "mc_spec.h"

/* How a parameter's uniforms become values. */
enum mc_sample_kind {
  MC_SK_CONSTANT,   /* no draw */
  MC_SK_NORMAL,     /* untruncated normal: mean + sd z */
  MC_SK_LOGNORMAL,  /* untruncated lognormal: exp(mu + sigma z) */
  MC_SK_TNORMAL,    /* truncated normal holding >= 1% of the mass: mean + sd z(F(lo) + u m) */
  MC_SK_TLOGNORMAL, /* truncated lognormal likewise */
  MC_SK_TABLE,      /* inverse CDF by Catmull-Rom on a table, exact in the tails */
  MC_SK_GENERIC,    /* mc_dist_quantile for every value */
  MC_SK_REGIME,     /* one distribution per regime: mc_dist_quantile of the sample's regime's */
};

#define MC_QTABLE_N   16384
#define MC_QTABLE_END 64 /* intervals at each end left to the exact inverse */

/* Sampler state derived from a spec (the copula of its correlations). Owns
 * its tables: free with mc_sampler_free. */
typedef struct mc_sampler {
  const mc_spec *spec;
  mc_design design;             /* where the uniforms come from (sampling.method) */
  uint64_t stream[MC_MAXINPUT]; /* mc_rng_stream of each parameter's key, then "regime" */
  int kind[MC_MAXPARAM];
  double *table[MC_MAXPARAM]; /* MC_SK_TABLE: quantiles at k / MC_QTABLE_N */
  double *ztable;             /* normal scores Phi^-1 and slopes at k / MC_QTABLE_N (NULL: exact) */
  double tlo[MC_MAXPARAM], tmass[MC_MAXPARAM]; /* MC_SK_T*: F(lo) and F(hi) - F(lo) */
  int ncorr_par;                               /* parameters in the copula */
  int corr_par[MC_MAXPARAM];                   /* their ids */
  mc_copula copula;
  int nregime;              /* spec->nregime */
  double cum[MC_MAXREGIME]; /* cumulative regime weights (the last forced to 1) */
} mc_sampler;

/* u[i] = z[i] < 0 ? Phi(z[i]) : 1 - Q(z[i]) for n scores (u may be z): the
 * bits of gsl_cdf_ugaussian_P and _Q, with their rational approximations
 * worked a run of values at a time. */
void mc_sample_phi(const double *z, double *u, int n);

/* Builds the sampler; MC_EINPUT when the correlations are not positive
 * definite. A distribution whose inverse CDF is iterative (beta, pert,
 * gamma) gets a table of MC_QTABLE_N intervals, interpolated by
 * Catmull-Rom and checked at the midpoint of every seventh interval against
 * the exact inverse to 1e-9 of its scale (else it stays exact); the
 * MC_QTABLE_END intervals at each end, where the inverse is steepest, are
 * always exact. */
int mc_sampler_init(mc_sampler *s, const mc_spec *spec, mc_err *e);

/* Frees the tables. */
void mc_sampler_free(mc_sampler *s);

/* Fills out[p][i] for the samples first .. first+n-1 (n <= MC_BLOCK) with every
 * parameter's value from the uniforms of the job's design (mc_design.h),
 * defaults resolved (a followed parameter copies, an absent
 * one is NaN). A job with regimes draws each sample's regime first (stream
 * "regime", Sobol' dimension nparam + 1) into out[nparam] (0, 1, ... as
 * doubles); a parameter given per regime maps the sample's own uniform (or,
 * in the copula, the uniform of its correlated normal score) through its
 * regime's distribution. The rows out[p] must be distinct. Pure. */
void mc_sampler_block(const mc_sampler *s, uint64_t first, int n, double *const *out);

/* As mc_sampler_block with other streams for the inputs' uniforms and
 * Sobol' dimensions dim_offset + p + 1 (the sensitivity design's second
 * matrix, engine/mc_block.c: streams of "KEY#B", dim_offset = the number of
 * inputs, mc_spec_ninputs), and, when regime is not NULL, the regimes given
 * (n of them) instead of drawn (the sensitivity design's A with B's regime). */
void mc_sampler_block_streams(const mc_sampler *s, const uint64_t *stream, int dim_offset,
                              uint64_t first, int n, double *const *out, const double *regime);

#endif
