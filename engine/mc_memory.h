/* How much memory a job's state will take on a rank, predicted before any of
 * it is allocated (crossover check prints it; crossover run refuses a job
 * whose prediction exceeds the limit before it starts).
 *
 * Most of the state has a size fixed by the job's shape: counts per grid
 * year and crossover, the crossing-time histograms, exact sums. The
 * percentile sketches are not: a sketch holds a counter for every 2^-m of
 * each octave between the smallest and largest magnitude it has seen
 * (mc_sketch.h), so its size is the dynamic range of the values times 2^m.
 * No documented bound limits that range (a series may run from 1e-300 to
 * 1e300 before it overflows), so the range is measured: a pilot runs a few
 * blocks of the job spread over its sample index space through the real
 * model, with sketches of one counter per octave (at most 2047 a store),
 * and each sketch's octaves are scaled to the job's 2^m counters per octave.
 * Where the pilot saw every block the octave ranges are exact and the
 * prediction is an upper bound; otherwise each range is widened by a margin
 * (more samples reach further into the tails) and the run's own guard
 * (mc_block_work.sketch_limit) still stands behind it. No MPI, no I/O. */
#ifndef MC_MEMORY_H
#define MC_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "mc_sample.h"
#include "mc_spec.h"

/* Blocks the pilot runs at most (fewer on a long grid). */
#define MC_MEMORY_PILOT_BLOCKS 8

typedef struct mc_memory_estimate {
  size_t sketch_bytes;    /* counters of every sketch of one state (series, parameters) */
  size_t peak_bytes;      /* rank 0's peak: its own state's and the reduced result's
                             counters, and the result packed for the file */
  size_t fixed_bytes;     /* the rest of one state: counts, histograms, exact sums */
  int nsketch;            /* sketches in the state */
  int mbits;              /* counters per octave: 2^mbits */
  uint64_t pilot_samples; /* samples the pilot ran */
  int exact;              /* 1: the pilot saw every sample (the octave ranges are exact) */
  int widest_series;      /* the series of the widest sketch (-1: a parameter's) */
  int widest_year;        /* its grid-year index */
  double widest_octaves;  /* octaves that sketch spans (both signs) */
} mc_memory_estimate;

/* Fills *out for spec. Allocates and frees a pilot state and block buffers of
 * one block (ny * nseries * MC_BLOCK doubles); MC_EFAIL if they cannot be
 * allocated. sketch_bytes covers the sketches of one state as the block loop
 * grows them (what mc_sketch_memory counts for it, and what the run's own
 * guard watches); at the end rank 0 also holds the reduced result (exactly
 * the values' range, at most half of that) and packs it for the file (a
 * little less again), so its peak is at most twice sketch_bytes. smp is a
 * sampler of spec to draw the pilot's samples with (the run's own, which
 * mc_run_opts.sampler can hand on), or NULL to build one here: for a job
 * with tabled distributions (pert, beta, gamma) that construction is most of
 * the pilot's cost. */
int mc_memory_predict(const mc_spec *spec, const mc_sampler *smp, mc_memory_estimate *out,
                      mc_err *e);

/* MC_OK when m's peak fits in limit_mb MiB; otherwise MC_EINPUT with a
 * message giving the prediction, what it comes from and the ways out. */
int mc_memory_check(const mc_spec *spec, const mc_memory_estimate *m, size_t limit_mb, mc_err *e);

#endif
