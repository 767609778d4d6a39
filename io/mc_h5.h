/* The results file (INTERFACE.md "The results file"), and the state group
 * that merge and --resume continue from (docs/results-format.md).
 *
 * Every HDF5 call is checked; a failure names the call and the file. */
#ifndef MC_H5_H
#define MC_H5_H

#include <mpi.h>

#include "mc_engine.h"
#include "mc_job.h"

/* Facts about a run stored beside the statistics. */
typedef struct mc_h5_meta {
  int part_k, part_n;       /* 1/1 for a whole run or a complete merge */
  int complete;             /* every block of the part is done */
  char created[32];         /* ISO 8601 UTC */
} mc_h5_meta;

/* Writes a complete results file at path (serial; call on one rank). The file
 * is created new (truncating any existing one): callers write to a temporary
 * name and rename. */
int mc_h5_write(const char *path, const mc_job *job, const mc_stats *st, const mc_h5_meta *meta,
                mc_err *e);

/* Reads a results file written by mc_h5_write back into a job (loaded from its
 * `config` text) and its full state. MC_EINPUT, naming the file and what is
 * wrong, for a file that is not ours, of a newer format, or damaged. */
int mc_h5_read(const char *path, mc_job *job, mc_stats **st, mc_h5_meta *meta, mc_err *e);

#endif
