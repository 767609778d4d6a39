/* The complete, mergeable state of a (partial) run: what the engine folds
 * each block of samples into, what the MPI reduction and `crossover merge`
 * add up, and what a results file's /state group holds so that merge and
 * --resume continue exactly (docs/results-format.md). Its layout, field by
 * field, is the codec's (mc_codec.h); the statistics read from it are
 * mc_stats.h's. No MPI, no I/O.
 *
 * Reproducibility (docs/model.md "Statistics over samples"): block b always
 * holds the samples [b*MC_BLOCK, min((b+1)*MC_BLOCK, n)); every part of the
 * state is built from per-block contributions combined exactly (integer
 * counts, exact sums of per-block partial sums, minima and maxima), so it is
 * the same bits for any number of ranks, parts or restarts. */
#ifndef MC_STATE_H
#define MC_STATE_H

#include <stdint.h>

#include "mc_sketch.h"
#include "mc_spec.h"
#include "mc_xsum.h"

/* Bins per year of the crossing-time histogram (bin 0 holds exact zeros). */
#define MC_TAU_BINS_PER_YEAR 4096
/* Version of the state layout (mc_codec.h), stored in results files. Fields
 * added since are optional and keep it. */
#define MC_ENGINE_FORMAT 2

/* Sensitivity confidence intervals: batch b % MC_SENS_BATCHES. */
#define MC_SENS_BATCHES 32
/* Exact sums per target and batch for k analysed parameters, with f the
 * target minus its shift K: sum fA, sum fA^2, sum fB, sum fB^2, then per
 * parameter j: sum fB (fABj - fA) (Saltelli 2010), sum (fA - fABj)^2
 * (Jansen 1999). */
#define MC_SENS_NSUM(k) (4 + 2 * (k))

/* The state of a run. Owns all its arrays (mc_stats_alloc, mc_stats_free). */
typedef struct mc_stats {
  const mc_model_type *model; /* the job's model: its parameter and series counts */
  int npar, nser;             /* model->nparam, model->nseries */
  int ny;                     /* grid years */
  int ncross;                 /* crossovers */
  int mbits;                  /* sketch mantissa bits */
  uint64_t samples;           /* n of the job */
  uint64_t nblocks;           /* ceil(n / MC_BLOCK) */
  uint64_t digest;            /* mc_spec_digest of the job */
  uint8_t *done;              /* bitmap over blocks: bit b of done[b/8] */

  /* Every sketch in one array: [nser * ny] series, index s*ny + y, then
   * [npar] parameters (param points there). */
  mc_sketch *series;
  mc_sketch *param;
  /* Every exact sum in one array: sum1 [nser * ny] sums of (x - shift) over
   * finite x, sum2 [nser * ny] sums of (x - shift)^2, then the sensitivity
   * sums sens (below). */
  mc_xsum *sum1, *sum2;
  double *shift; /* [nser * ny] the series at the parameters' medians */

  /* Samples with a non-finite value (overflow to infinity, or NaN) in any
   * series and year, and per parameter the least and greatest input among
   * them (+inf and -inf while there are none): exact, so merged and reduced
   * with sums, minima and maxima in any order. */
  uint64_t fault_samples;
  double fault_lo[MC_MAXPARAM], fault_hi[MC_MAXPARAM];

  uint64_t *year_counts; /* [ncross * ny] */
  uint64_t *never;       /* [ncross] */
  int64_t ntau;          /* bins of each crossing-time histogram */
  uint64_t *tau_hist;    /* [ncross * ntau]; with tau_hot the counts */
  uint8_t *tau_hot;      /* byte counters of the block loop, carried into tau_hist (fold) */

  int ncat;             /* the model's binding constraints (0: none) */
  uint64_t *cat_counts; /* [ncat * ny]: samples whose binding constraint in year y is c */

  /* Regimes (docs/model.md "Regimes"): samples drawn in each, and each
   * crossover's year counts within each ((c * nregime + r) * ny + y; the
   * samples of regime r that never cross are its count minus their sum). */
  int nregime;
  uint64_t *regime_counts;      /* [nregime] */
  uint64_t *regime_year_counts; /* [ncross * nregime * ny] */

  /* Observations: samples whose series value at the observed year is at or
   * below the observed value (a NaN counts nowhere). */
  int nobs;
  uint64_t *obs_counts; /* [nobs] */

  /* sampling.stop_when: the run stopped after blocks [0, stop_blocks) had
   * every crossover probability's standard error below the target; 0 while
   * running, for a checkpoint, and for a run that went to the cap. */
  uint64_t stop_blocks;

  int nsens;                     /* sensitivity targets (spec->nsens) */
  int sens_k;                    /* analysed parameters */
  int sens_par[MC_MAXINPUT];     /* their ids (mc_spec_sens_params) */
  double sens_shift[MC_MAXSENS]; /* K per target: its value at the parameters' medians */
  mc_xsum *sens; /* [MC_SENS_BATCHES * nsens * MC_SENS_NSUM(sens_k)], (g * nsens + t) * nsum + q */
} mc_stats;

/* Allocates an empty state for spec (moment shifts computed from the
 * parameters' medians). */
int mc_stats_alloc(const mc_spec *spec, mc_stats **out, mc_err *e);
void mc_stats_free(mc_stats *st);

/* Adds src into dst (through the codec: mc_state_pack, mc_state_unpack).
 * Refuses (MC_EINPUT) states of different shapes or moment shifts, a run
 * stopped by sampling.stop_when, and states that share a done block. */
int mc_stats_merge(mc_stats *dst, const mc_stats *src, mc_err *e);

/* Checks a state read from outside (a file named src) against its job:
 * every done sample counted once in each statistic, the faults, constraint
 * counts and stop point possible. MC_EINPUT ("... (damaged file?)") if not. */
int mc_stats_check(const mc_stats *st, const mc_spec *spec, const char *src, mc_err *e);

/* Carries the block loop's byte counters of the crossing-time histogram into
 * tau_hist (the totals do not change). */
void mc_stats_fold(mc_stats *st);

/* Samples covered by the done blocks. */
uint64_t mc_stats_done_samples(const mc_stats *st);

/* Samples covered by the done blocks b with b % nbatches == g. */
uint64_t mc_stats_batch_samples(const mc_stats *st, int nbatches, int g);

/* 1 when st holds every block its run covers: all blocks, or for a run
 * stopped by sampling.stop_when those before stop_blocks. */
int mc_stats_complete(const mc_stats *st);

static inline int mc_stats_block_done(const mc_stats *st, uint64_t b) {
  return (st->done[b >> 3] >> (b & 7)) & 1;
}

/* Every sketch of the state in one list (series, then parameters) and every
 * exact sum (sum1, sum2, sensitivity sums), for code that compares whole
 * states. */
int mc_stats_nsketch(const mc_stats *st);
const mc_sketch *mc_stats_sketch(const mc_stats *st, int k);
int mc_stats_nxsum(const mc_stats *st);
const mc_xsum *mc_stats_xsum(const mc_stats *st, int k);

/* 1 when parameter p of spec has a realized distribution worth recording
 * (configured, or following one that is): its sketch is filled, and it
 * appears under /parameters and /samples. */
int mc_stats_param_recorded(const mc_spec *spec, int p);

#endif
