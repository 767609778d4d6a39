/* The results file and the state group that merge and --resume continue from
 * (docs/results-format.md). Written by io/mc_h5_write.c (results) and
 * io/mc_h5_state.c (/state), read back by io/mc_h5_read.c; the per-sample
 * output is io/mc_h5_samples.c.
 *
 * Every HDF5 call is checked; a failure names the call and the file. */
#ifndef MC_H5_H
#define MC_H5_H

#include <mpi.h>

#include "mc_engine.h"
#include "mc_job.h"

/* Facts about a run stored beside the statistics. */
typedef struct mc_h5_meta {
  int part_k, part_n; /* 1/1 for a whole run or a complete merge */
  char created[32];   /* ISO 8601 UTC; filled by mc_h5_write when empty */
  int append;         /* 1: add to an existing file (holding /samples) */
  int results_only;   /* 1: no /state (crossover export); outputs_checksum on the root */
} mc_h5_meta;

/* Writes a complete results file at path (serial; call on one rank). The file
 * is created new (truncating any existing one) unless meta->append: callers
 * write to a temporary name and rename. The statistics are over the samples
 * of st's done blocks. */
int mc_h5_write(const char *path, const mc_job *job, const mc_stats *st, const mc_h5_meta *meta,
                mc_err *e);

/* The root attribute that marks a results-only file (meta->results_only). */
#define MC_H5_RESULTS_ONLY "results_only"

/* Reads a results file written by mc_h5_write back into a job (loaded from its
 * `config` text) and its full state. MC_EINPUT, naming the file and what is
 * wrong, for a file that is not ours, of a newer format, or damaged (its
 * checksums, docs/results-format.md). The file is first read in a forked child
 * process, bounded in time (CROSSOVER_PROBE_SECONDS, default 10 plus 1 per 10
 * MB) and memory, so that a damaged file on which the HDF5 library crashes,
 * loops or over-allocates is refused instead (CROSSOVER_NO_PROBE=1 in the
 * environment skips that). */
int mc_h5_read(const char *path, mc_job *job, mc_stats **st, mc_h5_meta *meta, mc_err *e);

/* Adds (or replaces) a string attribute of the root group of an existing file. */
int mc_h5_annotate(const char *path, const char *name, const char *value, mc_err *e);

/* Per-sample output (`outputs: {samples: true}`), written in parallel. */
typedef struct mc_h5_samples mc_h5_samples;

/* Collective: creates path (truncating) with the MPI-IO driver and its
 * /samples datasets of n values each. */
int mc_h5_samples_open(const char *path, const mc_job *job, MPI_Comm comm, mc_h5_samples **out,
                       mc_err *e);

/* Independent: writes samples first..first+n-1 (an mc_sample_sink). */
int mc_h5_samples_write(void *h, uint64_t first, int n, const double *const *in,
                        const double *const *tau, mc_err *e);

/* Collective: closes the file. */
int mc_h5_samples_close(mc_h5_samples *h, mc_err *e);

#endif
