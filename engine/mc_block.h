/* One block of samples through the projection: sample its inputs, project
 * every series at every grid year, find the crossovers, and fold it all into
 * an mc_stats (sketches, exact sums, counts, sensitivity sums). The engine's
 * run loop (mc_engine.h) deals the blocks; this is the work of each, pure of
 * MPI and I/O: a block's contribution is the same bits wherever and whenever
 * it is computed. */
#ifndef MC_BLOCK_H
#define MC_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "mc_model.h"
#include "mc_sample.h"
#include "mc_state.h"

/* Receives each processed block's per-sample values (for `outputs: {samples:
 * true}`): in[p][i] inputs, tau[c][i] crossing times as fractional years (NaN
 * when censored). Called on the rank that computed the block. */
typedef int (*mc_sample_sink)(void *ctx, uint64_t first, int n, const double *const *in,
                              const double *const *tau, mc_err *e);

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

/* The doubles between a grid row and the next (and the bytes between rows of
 * the binding constraints): a block's samples and one cache line more, so
 * that the rows of one sample (a series' years, a year's series) do not lie
 * a multiple of 4 kB apart, where they would share the sets of the
 * first-level cache and evict each other. */
#define MC_GRID_PITCH (MC_BLOCK + 8)

/* Buffers for one block, allocated once per run (nothing is allocated in the
 * block loop but sketch growth). */
typedef struct mc_block_work {
  double *in[MC_MAXINPUT]; /* the parameters, then (with regimes) each sample's regime */
  double *coef[MC_MAXPARAM];
  double *grid;
  double *mwork;
  double *tau[MC_MAXCROSS];
  int *year;
  uint8_t *cat; /* [ny * MC_GRID_PITCH] binding constraints */
  /* sensitivity: B's inputs, the targets of A, B and the current A_B^(j)
   * ([t * MC_BLOCK + i]), a crossing-time buffer; B's streams */
  double *inB[MC_MAXINPUT];
  double *inX[MC_MAXINPUT]; /* with regimes: A's inputs in B's regimes */
  double *remap; /* with regimes: a parameter given per regime, B's uniform in A's regime */
  double *fA, *fB, *fX, *stau;
  uint64_t streamB[MC_MAXINPUT];
  size_t sketch_limit; /* bytes of sketch counters a rank may hold (memory guard) */
  void *mem;
} mc_block_work;

/* Allocates the buffers of spec's blocks (ny grid years); the sketches may
 * hold sketch_limit bytes of counters on this process before a block
 * refuses to go on (MC_EINPUT naming the widest band). */
int mc_block_work_alloc(mc_block_work *w, const mc_spec *spec, int ny, size_t sketch_limit,
                        mc_err *e);
void mc_block_work_free(mc_block_work *w);

/* What every block of a run shares. */
typedef struct mc_block_env {
  const mc_spec *spec;
  const mc_sampler *smp;
  const mc_model *model;
  mc_sample_sink sink; /* may be NULL */
  void *sink_ctx;
  double *phase_time; /* NULL, or MC_NPHASES seconds added to */
} mc_block_env;

/* Processes block b (not yet done in st) into st and marks it done. */
int mc_block_process(const mc_block_env *env, mc_stats *st, mc_block_work *w, uint64_t b,
                     mc_err *e);

/* A block's partial sums of (x - K) and (x - K)^2 over its finite values,
 * added in a fixed order (so the same bits wherever the block is computed). */
void mc_engine_block_moments(const double *x, int n, double K, double *s1, double *s2);

#endif
