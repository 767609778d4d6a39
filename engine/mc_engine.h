/* The Monte Carlo engine: deals blocks of the global sample index space to MPI
 * ranks, samples each block, runs the projection core on it and folds the
 * results into an mc_stats, the complete mergeable state of a run.
 *
 * Reproducibility (MODEL.md "Statistics over samples"): block b always holds
 * the samples [b*MC_BLOCK, min((b+1)*MC_BLOCK, n)); every statistic is built
 * from per-block contributions combined exactly (integer counts, exact sums of
 * per-block partial sums), so the result is the same bits for any number of
 * ranks, parts or restarts. */
#ifndef MC_ENGINE_H
#define MC_ENGINE_H

#include <mpi.h>
#include <signal.h>
#include <stdint.h>

#include "mc_sketch.h"
#include "mc_spec.h"
#include "mc_xsum.h"

/* Bins per year of the crossing-time histogram (bin 0 holds exact zeros). */
#define MC_TAU_BINS_PER_YEAR 4096
/* Version of the state layout below, stored in results files. */
#define MC_ENGINE_FORMAT 2
/* Default limit of the sketches' counters per rank, in MiB (environment
 * CROSSOVER_MAX_SKETCH_MB overrides it). The default job needs about 12. */
#define MC_SKETCH_LIMIT_MB 4096

/* Sensitivity confidence intervals: batch b % MC_SENS_BATCHES. */
#define MC_SENS_BATCHES 32
/* Exact sums per target and batch for k analysed parameters, with f the
 * target minus its shift K: sum fA, sum fA^2, sum fB, sum fB^2, then per
 * parameter j: sum fB (fABj - fA) (Saltelli 2010), sum (fA - fABj)^2
 * (Jansen 1999). */
#define MC_SENS_NSUM(k) (4 + 2 * (k))

/* The complete state of a (partial) run. Owns all its arrays. */
typedef struct mc_stats {
  const mc_model_type *model; /* the job's model: its parameter and series counts */
  int npar, nser;             /* model->nparam, model->nseries */
  int ny;                     /* grid years */
  int ncross;                 /* crossovers */
  int mbits;                  /* sketch mantissa bits */
  uint64_t samples;           /* n of the job */
  uint64_t nblocks;           /* ceil(n / MC_BLOCK) */
  uint8_t *done;              /* bitmap over blocks: bit b of done[b/8] */

  mc_sketch *series; /* [nser * ny], index s*ny + y */
  mc_xsum *sum1;     /* [nser * ny] sums of (x - shift) over finite x */
  mc_xsum *sum2;     /* [nser * ny] sums of (x - shift)^2 */
  double *shift;     /* [nser * ny] the series at the parameters' medians */
  mc_sketch param[MC_MAXPARAM];

  /* Samples with a non-finite value (overflow to infinity, or NaN) in any
   * series and year, and per parameter the least and greatest input among
   * them (+inf and -inf while there are none): exact, so merged and reduced
   * with sums, minima and maxima in any order. */
  uint64_t fault_samples;
  double fault_lo[MC_MAXPARAM], fault_hi[MC_MAXPARAM];

  uint64_t *year_counts; /* [ncross * ny] */
  uint64_t *never;       /* [ncross] */
  int64_t ntau;          /* bins of each crossing-time histogram */
  uint64_t *tau_hist;    /* [ncross * ntau] */
  uint8_t *tau_hot;      /* byte counters of the block loop, carried into tau_hist (fold_tau) */

  int ncat;             /* the model's binding constraints (0: none) */
  uint64_t *cat_counts; /* [ncat * ny]: samples whose binding constraint in year y is c */

  /* sampling.stop_when: the run stopped after blocks [0, stop_blocks) had
   * every crossover probability's standard error below the target; 0 while
   * running, for a checkpoint, and for a run that went to the cap. */
  uint64_t stop_blocks;

  int nsens;                     /* sensitivity targets (spec->nsens) */
  int sens_k;                    /* analysed parameters */
  int sens_par[MC_MAXPARAM];     /* their ids (mc_spec_sens_params) */
  double sens_shift[MC_MAXSENS]; /* K per target: its value at the parameters' medians */
  mc_xsum *sens; /* [MC_SENS_BATCHES * nsens * MC_SENS_NSUM(sens_k)], (g * nsens + t) * nsum + q */
} mc_stats;

/* Allocates an empty state for spec. */
int mc_stats_alloc(const mc_spec *spec, mc_stats **out, mc_err *e);
void mc_stats_free(mc_stats *st);

/* Adds src into dst. Refuses (MC_EINPUT) states of different shapes and states
 * that share a done block. */
int mc_stats_merge(mc_stats *dst, const mc_stats *src, mc_err *e);

/* Collective over comm: on return root holds the sum over all ranks' states
 * (done bitmaps OR-ed); the other ranks' st is unchanged. */
int mc_stats_reduce(const mc_stats *st, mc_stats *root_out, int root, MPI_Comm comm, mc_err *e);

/* Samples covered by the done blocks. */
uint64_t mc_stats_done_samples(const mc_stats *st);

/* Samples covered by the done blocks b with b % nbatches == g. */
uint64_t mc_stats_batch_samples(const mc_stats *st, int nbatches, int g);

/* 1 when st holds every block its run covers: all blocks, or for a run
 * stopped by sampling.stop_when those before stop_blocks. */
int mc_stats_complete(const mc_stats *st);

/* Every sketch of the state in one list (series, parameters, batch
 * sketches) and every exact sum (sum1, sum2, sensitivity sums): for code
 * that moves whole states (reduction, files). */
int mc_stats_nsketch(const mc_stats *st);
mc_sketch *mc_stats_sketch(mc_stats *st, int k);
int mc_stats_nxsum(const mc_stats *st);
mc_xsum *mc_stats_xsum(mc_stats *st, int k);
static inline int mc_stats_block_done(const mc_stats *st, uint64_t b) {
  return (st->done[b >> 3] >> (b & 7)) & 1;
}

/* Derived statistics (MODEL.md). y is a grid-year index, p a percent. */
double mc_stats_series_percentile(const mc_stats *st, int series, int y, double p);
double mc_stats_series_mean(const mc_stats *st, int series, int y);
double mc_stats_series_std(const mc_stats *st, int series, int y); /* population (ddof 0) */
double mc_stats_param_percentile(const mc_stats *st, int param, double p);
/* Quantile p of the crossing time tau (years since the base year, censored
 * samples counted as +inf); NaN where it falls on a censored sample. */
double mc_stats_time_quantile(const mc_stats *st, int cross, double p);

/* The bound on the error of a reported crossing time (years): half a bin of
 * the crossing-time histogram plus the model's own search error. */
double mc_engine_time_accuracy(const mc_spec *spec);

/* Standard error of mc_stats_series_percentile for n independent samples:
 * half the spread between the order statistics sqrt(p (1 - p) n) ranks
 * either side, read from the series' sketch (a distribution-free estimate
 * of sqrt(p (1 - p) / n) / density). For lhs and sobol designs, whose errors
 * are smaller, it is an upper estimate. NaN for fewer than 2 values or p
 * outside (0, 100). */
double mc_stats_series_percentile_se(const mc_stats *st, int series, int y, double p);
/* The two above at np percents p[] at once (one pass over the sketch): the
 * same values as np single calls. */
void mc_stats_series_percentiles(const mc_stats *st, int series, int y, int np, const double *p,
                                 double *out);
void mc_stats_series_percentiles_se(const mc_stats *st, int series, int y, int np, const double *p,
                                    double *out);

/* The Monte Carlo standard error sqrt(p (1 - p) / n) of a probability
 * estimated from k of n samples. */
double mc_stats_probability_se(uint64_t k, uint64_t n);

/* The largest standard error of any crossover probability: of each year's
 * probability, each year's cumulative probability and the probability of no
 * crossover, over every crossover (the sampling.stop_when criterion). */
double mc_stats_max_probability_se(const uint64_t *year_counts, const uint64_t *never, int ncross,
                                   int ny, uint64_t n);

/* Sobol' indices of sensitivity target t over the st->sens_k analysed
 * parameters: first[j] (Saltelli 2010, with the target shifted by its value
 * at the medians), total[j] (Jansen 1999), and 95% confidence intervals
 * first_ci[2j], first_ci[2j+1] (likewise total_ci) from the
 * MC_SENS_BATCHES batch estimates (mean +- t(0.975, G-1) sd / sqrt(G), G
 * non-empty batches). NaN where undefined (no samples, zero variance,
 * non-finite targets; CIs with fewer than 2 batches). */
void mc_stats_sensitivity(const mc_stats *st, int t, double *first, double *total, double *first_ci,
                          double *total_ci);

/* Blocks [*first, *last) of part k of n (1 <= k <= n). */
void mc_engine_part_blocks(uint64_t nblocks, int k, int n, uint64_t *first, uint64_t *last);

/* Receives each processed block's per-sample values (for `outputs: {samples:
 * true}`): in[p][i] inputs, tau[c][i] crossing times as fractional years (NaN
 * when censored). Called on the rank that computed the block. */
typedef int (*mc_sample_sink)(void *ctx, uint64_t first, int n, const double *const *in,
                              const double *const *tau, mc_err *e);

/* Called collectively at checkpoints with the state reduced onto rank 0 (NULL
 * on other ranks). */
typedef int (*mc_checkpoint_fn)(void *ctx, const mc_stats *reduced, mc_err *e);

typedef struct mc_run_opts {
  int part_k, part_n;          /* 1/1 for the whole job */
  double checkpoint_interval;  /* seconds; <= 0: none */
  mc_checkpoint_fn checkpoint; /* may be NULL */
  void *checkpoint_ctx;
  mc_sample_sink sink; /* may be NULL */
  void *sink_ctx;
  volatile sig_atomic_t *stop; /* set by a signal handler; may be NULL */
  int progress;                /* 0 none, 1 plain lines, 2 live terminal line */
  double progress_interval;    /* seconds between plain lines */
  double *phase_time;          /* NULL, or MC_NPHASES seconds this rank spent, added to */
} mc_run_opts;

/* Where a rank's time goes (mc_run_opts.phase_time; bench/mc_bench). */
enum mc_phase {
  MC_PH_SAMPLE,  /* designs, random numbers, inverse CDFs, copula */
  MC_PH_PROJECT, /* coefficients and every series at every grid year */
  MC_PH_CROSS,   /* crossover years and crossing times, their counts */
  MC_PH_SKETCH,  /* sketches of series and parameters, block moments */
  MC_PH_OTHER,   /* sensitivity, per-sample output, checks */
  MC_PH_REDUCE,  /* the reduction onto rank 0 (and agreement between ranks) */
  MC_NPHASES
};

/* Collective: processes every block of the part not yet done in st (st may
 * come from a checkpoint on rank 0; the other ranks pass an empty state with
 * the same done bitmap), then reduces onto rank 0, into *result (allocated;
 * NULL on other ranks). Returns MC_ESIGNAL after a checkpoint when *stop was
 * raised on any rank. Any rank's failure ends all ranks with its message. */
int mc_engine_run(const mc_spec *spec, mc_stats *st, const mc_run_opts *opts, MPI_Comm comm,
                  mc_stats **result, mc_err *e);

/* A block's partial sums of (x - K) and (x - K)^2 over its finite values,
 * added in a fixed order (so the same bits wherever the block is computed). */
void mc_engine_block_moments(const double *x, int n, double K, double *s1, double *s2);

/* Collective: returns MC_OK when rc is MC_OK on every rank; otherwise the
 * status of the lowest failing rank, whose message every rank's e then holds
 * (prefixed "rank R: " on the others). Call before any collective that
 * follows work which can fail on one rank only. */
int mc_engine_agree(int rc, mc_err *e, MPI_Comm comm);

#endif
