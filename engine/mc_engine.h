/* The Monte Carlo engine's MPI layer: deals blocks of the global sample
 * index space to MPI ranks, processes each (mc_block.h) into the rank's
 * state (mc_state.h) and reduces the states onto rank 0 field by field
 * (mc_codec.h). Statistics are read from the result with mc_stats.h.
 *
 * The engine prints nothing and reads no environment: progress goes to a
 * callback, limits and test hooks come in mc_run_opts. */
#ifndef MC_ENGINE_H
#define MC_ENGINE_H

#include <mpi.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "mc_block.h"
#include "mc_state.h"
#include "mc_stats.h"

/* Default limit of the sketches' counters per rank, in MiB
 * (mc_run_opts.sketch_limit_mb). The default job needs about 80 on rank 0 (its
 * state and the reduced result; crossover check predicts it). */
#define MC_SKETCH_LIMIT_MB 4096

/* Collective over comm: root's root_out (allocated for the same job, and
 * empty or holding what it should add to) receives the sum over all ranks'
 * states, done bitmaps or-ed; the other ranks pass NULL, and every rank's st
 * is unchanged. */
int mc_stats_reduce(const mc_stats *st, mc_stats *root_out, int root, MPI_Comm comm, mc_err *e);

/* Blocks [*first, *last) of part k of n (1 <= k <= n). */
void mc_engine_part_blocks(uint64_t nblocks, int k, int n, uint64_t *first, uint64_t *last);

/* Called collectively at checkpoints with the state reduced onto rank 0 (NULL
 * on other ranks). Sets *written (rank 0) to 1 when the checkpoint was kept,
 * 0 when it returns MC_OK without one (a failed write it only warned about):
 * MC_PROGRESS_CHECKPOINT is reported only for a kept one. */
typedef int (*mc_checkpoint_fn)(void *ctx, const mc_stats *reduced, int *written, mc_err *e);

/* What a run reports while it goes (mc_run_opts.progress). */
enum mc_progress_event {
  MC_PROGRESS_RUNNING,    /* done of total samples, at rate samples/s since the start */
  MC_PROGRESS_FINISHED,   /* the last of them: done == total */
  MC_PROGRESS_CHECKPOINT, /* a checkpoint holding done of total samples was written (not
                             reported for one the callback could not write) */
  MC_PROGRESS_STOP_CHECK, /* sampling.stop_when checked after done samples: se against target */
};

typedef struct mc_progress {
  int event; /* enum mc_progress_event */
  uint64_t done, total;
  double rate;       /* RUNNING, FINISHED */
  double se, target; /* STOP_CHECK: the largest standard error, and the target */
} mc_progress;

/* Receives progress on rank 0. */
typedef void (*mc_progress_fn)(void *ctx, const mc_progress *p);

typedef struct mc_run_opts {
  int part_k, part_n;          /* 1/1 for the whole job */
  double checkpoint_interval;  /* seconds; <= 0: none */
  mc_checkpoint_fn checkpoint; /* may be NULL */
  void *checkpoint_ctx;
  mc_sample_sink sink; /* may be NULL */
  void *sink_ctx;
  volatile sig_atomic_t *stop; /* set by a signal handler; may be NULL */
  mc_progress_fn progress;     /* NULL: no progress reported */
  void *progress_ctx;
  double progress_interval;  /* seconds between MC_PROGRESS_RUNNING reports */
  double *phase_time;        /* NULL, or MC_NPHASES seconds this rank spent, added to */
  size_t sketch_limit_mb;    /* counters the sketches may hold per rank; 0: MC_SKETCH_LIMIT_MB */
  const mc_sampler *sampler; /* NULL, or a sampler of this spec already built (for the memory
                                pilot, mc_memory_predict) to use instead of building one; the
                                caller keeps and frees it */
  /* A test hook (tests/hostile/faults.sh): with inject_fault set, rank
   * fault_rank fails instead of processing the fault_block-th block (from 0)
   * it takes in this run, as an I/O or memory failure would. */
  int inject_fault, fault_rank;
  long fault_block;
} mc_run_opts;

/* Collective: processes every block of the part not yet done in st (st may
 * come from a checkpoint on rank 0; the other ranks pass an empty state with
 * the same done bitmap), then reduces onto rank 0, into *result (allocated;
 * NULL on other ranks); on one rank st's contents move into *result, leaving
 * st empty (free it as ever). Returns MC_ESIGNAL after a checkpoint when *stop was
 * raised on any rank. Any rank's failure ends all ranks with its message. */
int mc_engine_run(const mc_spec *spec, mc_stats *st, const mc_run_opts *opts, MPI_Comm comm,
                  mc_stats **result, mc_err *e);

/* A checkpoint to continue (mc_engine_resume). */
typedef struct mc_resume_from {
  const char *name;   /* the checkpoint, for messages */
  mc_stats *state;    /* rank 0: its state as read (taken over); NULL on the others */
  uint64_t digest;    /* mc_spec_digest of the job it was written for */
  int part_k, part_n; /* the part of the job it holds (1/1: all of it) */
} mc_resume_from;

/* Collective: continues a run of spec, part part_k/part_n, from a checkpoint.
 * Rank 0 checks that from continues exactly this run: the same job (digest),
 * the same engine build (the moment shifts of *st, fresh from mc_stats_alloc),
 * the same part; then replaces its *st by from->state. Every rank then
 * receives the bitmap of blocks done, so that mc_engine_run skips them.
 * from->state is consumed on rank 0 whatever the outcome. MC_EINPUT on every
 * rank when the checkpoint is of another run. */
int mc_engine_resume(const mc_spec *spec, int part_k, int part_n, mc_resume_from *from,
                     mc_stats **st, MPI_Comm comm, mc_err *e);

/* Collective: returns MC_OK when rc is MC_OK on every rank; otherwise the
 * status of the lowest failing rank, whose message every rank's e then holds
 * (prefixed "rank R: " on the others). Call before any collective that
 * follows work which can fail on one rank only. */
int mc_engine_agree(int rc, mc_err *e, MPI_Comm comm);

#endif
