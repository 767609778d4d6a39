/* One run of a job, as `crossover run` does it, for the commands that run
 * jobs in-process (`run` itself, `sweep`). */
#ifndef MC_RUN_H
#define MC_RUN_H

#include <mpi.h>
#include <stdint.h>

#include "mc_error.h"

#define MC_RUN_MAX_SETS 64

/* What a run is asked to do: the command line of `crossover run`. Strings are
 * borrowed (the caller keeps them alive for the run). */
typedef struct mc_run_args {
  const char *job, *out, *samples, *seed, *part;
  const char *sets[MC_RUN_MAX_SETS]; /* --set KEY=VALUE, in order */
  int nsets;
  const char *scenario; /* when set: the scenario name, over the job's and the sets' */
  int resume, force, quiet;
  int keep_done; /* an existing OUT that records this very job is kept, the run skipped;
                    an existing checkpoint is continued (sweep --resume) */
  double ckpt_interval, prog_interval;
} mc_run_args;

/* Fills a with the defaults of `crossover run` (no job, no overrides). */
void mc_run_args_init(mc_run_args *a);

/* Takes one of the options run and sweep share (getopt_long's code c, with
 * its argument): --samples (n), --seed (s), --force (f), --quiet (q),
 * --checkpoint-interval (c), --progress-interval (i) and --set (S, at most
 * max_sets of them). 1 when taken, 0 when c is none of these, -1 for a bad
 * value (why says which). */
int mc_run_parse_shared(int c, char *arg, mc_run_args *a, int max_sets, char *why, size_t len);

/* Collective: loads the job with its overrides and checks, on rank 0, every
 * name the run will create, exactly as mc_run_job does first; nothing is run
 * or written. The status (MC_EINPUT for a bad job, value or output name) and
 * the message are the same on every rank. */
int mc_run_plan(const mc_run_args *a, MPI_Comm comm, mc_err *e);

/* Collective: runs the job (plan, engine, result file, checkpoints) and
 * prints progress and the closing line on stderr unless quiet. Sets *skipped
 * (may be NULL) when keep_done found the result already there. MPI must be
 * initialised; signals are caught by mc_run_catch_signals. Returns the exit
 * status (MC_ESIGNAL: stopped by a signal, checkpoint written). */
int mc_run_job(const mc_run_args *a, MPI_Comm comm, int *skipped, mc_err *e);

/* Makes SIGTERM, SIGINT and SIGUSR1 ask the running (or next) run to stop at
 * its next block with a checkpoint. */
void mc_run_catch_signals(void);

/* Whether a stop signal has arrived. */
int mc_run_stop_requested(void);

#endif
