/* The engine's MPI layer: see mc_engine.h. */
#include "mc_engine.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mc_codec.h"

/* ---- MPI reduction ------------------------------------------------------ */

static int mpi_check(int code, const char *call, mc_err *e) {
  if (code == MPI_SUCCESS)
    return MC_OK;
  char s[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(code, s, &len);
  MC_RAISE(e, MC_EFAIL, "%s failed: %s", call, s);
}
#define MPI_CHECK(call) MC_CHECK(mpi_check((call), #call, e))

/* Values per MPI call (counts are ints). */
#define MC_MPI_CHUNK ((uint64_t)1 << 28)

static MPI_Datatype mpi_type(int type) {
  const MPI_Datatype t[] = {[MC_FT_U8] = MPI_UINT8_T,
                            [MC_FT_I32] = MPI_INT32_T,
                            [MC_FT_U64] = MPI_UINT64_T,
                            [MC_FT_I64] = MPI_INT64_T,
                            [MC_FT_F64] = MPI_DOUBLE};
  return t[type];
}

/* Reduces count values of type at in onto root's out (NULL elsewhere). */
static int reduce_values(const void *in, void *out, uint64_t count, int type, MPI_Op op, int root,
                         MPI_Comm comm, mc_err *e) {
  int rc = MC_OK;
  size_t size = mc_codec_type_size(type);
  for (uint64_t off = 0; off < count; off += MC_MPI_CHUNK) {
    int cnt = (int)(count - off < MC_MPI_CHUNK ? count - off : MC_MPI_CHUNK);
    MPI_CHECK(MPI_Reduce((const char *)in + off * size, out ? (char *)out + off * size : NULL, cnt,
                         mpi_type(type), op, root, comm));
  }
cleanup:
  return rc;
}

/* Reduces field f of every rank onto root's to (NULL elsewhere) by the MPI
 * operation of its rule; a range takes the least of its first values and
 * the greatest of its second. */
static int reduce_field(const mc_codec_field *f, mc_codec_field *to, int root, MPI_Comm comm,
                        mc_err *e) {
  int rc = MC_OK;
  void *out = !to ? NULL : to->rank ? to->own : &to->v;
  double *most = NULL;
  static const MPI_Op ops[] = {
      [MC_CB_SUM] = MPI_SUM, [MC_CB_OR] = MPI_BOR,    [MC_CB_MIN] = MPI_MIN,
      [MC_CB_MAX] = MPI_MAX, [MC_CB_RANGE] = MPI_MIN, [MC_CB_XSUM] = MPI_SUM};
  MC_CHECK(reduce_values(mc_codec_values(f), out, f->count, f->type, ops[f->rule], root, comm, e));
  if (f->rule == MC_CB_RANGE) {
    if (out && !(most = malloc(sizeof *most * (f->count + 1))))
      rc = mc_err_set(e, MC_EFAIL, "out of memory in the reduction");
    if ((rc = mc_engine_agree(rc, e, comm)))
      goto cleanup;
    MC_CHECK(reduce_values(mc_codec_values(f), most, f->count, f->type, MPI_MAX, root, comm, e));
    for (uint64_t i = 1; most && i < f->count; i += 2)
      ((double *)out)[i] = most[i];
  }
cleanup:
  free(most);
  return rc;
}

/* The sketch ranges every rank packs with: per store the union of all ranks'
 * counters (first index, length). */
static int union_ranges(const mc_stats *st, MPI_Comm comm, int64_t **ranges, mc_err *e) {
  int rc = MC_OK, K = mc_stats_nsketch(st);
  int64_t *lo = malloc(sizeof *lo * 2 * (size_t)K + 1),
          *hi = malloc(sizeof *hi * 2 * (size_t)K + 1);
  *ranges = malloc(sizeof **ranges * 4 * (size_t)K + 1);
  if (!lo || !hi || !*ranges)
    rc = mc_err_set(e, MC_EFAIL, "out of memory in the reduction");
  if ((rc = mc_engine_agree(rc, e, comm)))
    goto cleanup;
  mc_codec_extents(st, lo, hi);
  MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, lo, 2 * K, MPI_INT64_T, MPI_MIN, comm));
  MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, hi, 2 * K, MPI_INT64_T, MPI_MAX, comm));
  for (int k = 0; k < 2 * K; k++) {
    (*ranges)[2 * k] = hi[k] >= lo[k] ? lo[k] : 0;
    (*ranges)[2 * k + 1] = hi[k] >= lo[k] ? hi[k] - lo[k] + 1 : 0;
  }
cleanup:
  free(lo);
  free(hi);
  return rc;
}

int mc_stats_reduce(const mc_stats *st, mc_stats *out, int root, MPI_Comm comm, mc_err *e) {
  int rc = MC_OK, rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  int64_t *ranges = NULL;
  mc_codec_image mine, sum;
  memset(&mine, 0, sizeof mine);
  memset(&sum, 0, sizeof sum);
  MC_CHECK(union_ranges(st, comm, &ranges, e));
  rc = mc_codec_pack(st, ranges, &mine, e);
  if (size == 1) {
    /* every rule of one rank's values is those values: the image as packed
     * (no second image, no copy through MPI) */
    if (rc == MC_OK)
      rc = mc_codec_unpack(&mine, out, MC_UNPACK_ADD, "", e);
    goto cleanup;
  }
  if (rc == MC_OK && rank == root)
    rc = mc_codec_like(&mine, &sum, e);
  if ((rc = mc_engine_agree(rc, e, comm)))
    goto cleanup;
  /* Every field but the facts of the job (equal on every rank: root's own
   * stand), with the MPI operation of its rule. */
  for (int i = 0; i < mine.nfield; i++) {
    const mc_codec_field *f = &mine.f[i];
    if (!mine.present[f->group] || f->kind == MC_FK_HASHED || f->rule == MC_CB_EQUAL)
      continue;
    MC_CHECK(reduce_field(f, rank == root ? &sum.f[i] : NULL, root, comm, e));
  }
  if (rank == root)
    rc = mc_codec_unpack(&sum, out, MC_UNPACK_ADD, "", e);
cleanup:
  mc_codec_free(&sum);
  mc_codec_free(&mine);
  free(ranges);
  return rc;
}

/* ---- agreement between ranks --------------------------------------------- */

/* Ends all ranks alike: the lowest failing rank's message reaches every rank. */
int mc_engine_agree(int rc, mc_err *e, MPI_Comm comm) {
  int rank, who = rc != MC_OK ? 0 : INT32_MAX, status = rc;
  MPI_Comm_rank(comm, &rank);
  if (rc != MC_OK)
    who = rank;
  MPI_Allreduce(MPI_IN_PLACE, &who, 1, MPI_INT, MPI_MIN, comm);
  if (who == INT32_MAX)
    return MC_OK;
  MPI_Bcast(&status, 1, MPI_INT, who, comm);
  char msg[sizeof e->msg], where[sizeof e->where];
  if (rank == who) {
    memcpy(msg, e->msg, sizeof msg);
    memcpy(where, e->where, sizeof where);
  }
  MPI_Bcast(msg, sizeof msg, MPI_CHAR, who, comm);
  MPI_Bcast(where, sizeof where, MPI_CHAR, who, comm);
  if (rank != who) {
    mc_err_clear(e);
    mc_err_set(e, status, "rank %d: %s", who, msg);
    memcpy(e->where, where, sizeof where);
  }
  return status;
}

/* ---- resuming from a checkpoint ----------------------------------------------- */

static int resume_check(const mc_spec *spec, int part_k, int part_n, const mc_resume_from *from,
                        const mc_stats *st, mc_err *e) {
  const mc_stats *ck = from->state;
  if (from->digest != mc_spec_digest(spec))
    MC_RAISE(e, MC_EINPUT,
             "--resume: %s was written for a different job (the job file, --samples or --seed "
             "changed since); resume with the same job or start afresh without --resume",
             from->name);
  if (memcmp(ck->shift, st->shift, sizeof *st->shift * st->nser * st->ny) != 0 ||
      (st->nsens &&
       memcmp(ck->sens_shift, st->sens_shift, sizeof *st->sens_shift * (size_t)st->nsens) != 0))
    MC_RAISE(e, MC_EINPUT,
             "--resume: %s was written by another build of the engine (its moment shifts "
             "differ), so this one cannot continue it exactly; start afresh without --resume",
             from->name);
  if (from->part_k != part_k || from->part_n != part_n)
    MC_RAISE(e, MC_EINPUT, "--resume: %s is part %d/%d, this run is part %d/%d", from->name,
             from->part_k, from->part_n, part_k, part_n);
  return MC_OK;
}

int mc_engine_resume(const mc_spec *spec, int part_k, int part_n, mc_resume_from *from,
                     mc_stats **st, MPI_Comm comm, mc_err *e) {
  int rank, rc = MC_OK;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) {
    rc = resume_check(spec, part_k, part_n, from, *st, e);
    if (rc == MC_OK) {
      mc_stats_free(*st);
      *st = from->state;
    } else {
      mc_stats_free(from->state);
    }
    from->state = NULL;
  }
  if ((rc = mc_engine_agree(rc, e, comm)))
    return rc;
  uint64_t nbytes = ((*st)->nblocks + 7) / 8;
  for (uint64_t off = 0; off < nbytes; off += 1u << 30) {
    int cnt = (int)(nbytes - off < (1u << 30) ? nbytes - off : (1u << 30));
    MPI_Bcast((*st)->done + off, cnt, MPI_UINT8_T, 0, comm);
  }
  return MC_OK;
}

void mc_engine_part_blocks(uint64_t nblocks, int k, int n, uint64_t *first, uint64_t *last) {
  /* 128-bit products: exact for any block count */
  *first = (uint64_t)((unsigned __int128)nblocks * (unsigned)(k - 1) / (unsigned)n);
  *last = (uint64_t)((unsigned __int128)nblocks * (unsigned)k / (unsigned)n);
}

/* ---- the run ------------------------------------------------------------ */

/* Rounds of blocks between the ranks' agreements (stop, checkpoint, failure). */
#define MC_SYNC_ROUNDS 32

/* One mc_engine_run. */
typedef struct run {
  const mc_spec *spec;
  const mc_run_opts *opts;
  MPI_Comm comm;
  int rank, size;
  mc_stats *st;
  mc_sampler smp;
  mc_model model;
  mc_block_env env;
  mc_block_work w;
  uint64_t *todo, ntodo; /* the part's blocks not done yet, in order */
  uint64_t b0, b1;       /* the part's blocks */
  uint64_t part_samples, done_before;
  uint64_t done_end; /* 1 + the last block done before this run */
  double t0, last_ckpt, last_prog;
  long fault_block, mine; /* the test hook's block on this rank (-1: none); blocks taken */
  int lrc;                /* this rank's status since its last agreement */
} run;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Reports progress (rank 0, when asked for). */
static void report(const run *r, int event, uint64_t done, uint64_t total, double rate, double se) {
  if (r->rank != 0 || !r->opts->progress)
    return;
  mc_progress p = {event, done, total, rate, se, r->spec->stop_se};
  r->opts->progress(r->opts->progress_ctx, &p);
}

/* Sampler, buffers and the list of blocks to do; the samples of the part. */
static int run_setup(run *r, mc_err *e) {
  int rc = MC_OK;
  const mc_run_opts *o = r->opts;
  mc_stats *st = r->st;
  if (r->spec->stop_se > 0 && o->part_n > 1)
    rc = mc_err_set(e, MC_EINPUT,
                    "sampling.stop_when: where a run stops depends on the samples in order, "
                    "which part %d/%d alone cannot see; run the whole job (without --part), or "
                    "drop stop_when and give sampling.samples",
                    o->part_k, o->part_n);
  if (rc == MC_OK && o->sampler)
    r->smp = *o->sampler; /* read-only tables, freed by the caller */
  else if (rc == MC_OK)
    rc = mc_sampler_init(&r->smp, r->spec, e);
  size_t limit_mb = o->sketch_limit_mb ? o->sketch_limit_mb : MC_SKETCH_LIMIT_MB;
  if (rc == MC_OK)
    rc = mc_block_work_alloc(&r->w, r->spec, st->ny, limit_mb << 20, e);
  mc_engine_part_blocks(st->nblocks, o->part_k, o->part_n, &r->b0, &r->b1);
  if (rc == MC_OK && !(r->todo = malloc(sizeof *r->todo * (r->b1 - r->b0 + 1))))
    rc = mc_err_set(e, MC_EFAIL, "out of memory listing %llu blocks",
                    (unsigned long long)(r->b1 - r->b0));
  for (uint64_t b = r->b0; rc == MC_OK && b < r->b1; b++) {
    uint64_t end = (b + 1) * MC_BLOCK < st->samples ? (b + 1) * MC_BLOCK : st->samples;
    r->part_samples += end - b * MC_BLOCK;
    if (mc_stats_block_done(st, b))
      r->done_before += end - b * MC_BLOCK;
    else
      r->todo[r->ntodo++] = b;
  }
  for (uint64_t b = 0; b < st->nblocks; b++)
    if (mc_stats_block_done(st, b))
      r->done_end = b + 1;
  r->env = (mc_block_env){r->spec, &r->smp, &r->model, o->sink, o->sink_ctx, o->phase_time};
  r->fault_block = o->inject_fault && o->fault_rank == r->rank ? o->fault_block : -1;
  r->t0 = r->last_ckpt = r->last_prog = now_s();
  return mc_engine_agree(rc, e, r->comm);
}

/* Collective: reduces the state onto rank 0 and hands it to the checkpoint
 * callback. */
static int checkpoint_now(const run *r, int *written, mc_err *e) {
  int rc = MC_OK;
  *written = 0;
  mc_stats *red = NULL;
  if (r->rank == 0)
    rc = mc_stats_alloc(r->spec, &red, e);
  if (mc_engine_agree(rc, e, r->comm))
    return e->status;
  rc = mc_stats_reduce(r->st, red, 0, r->comm, e);
  if (rc == MC_OK && r->opts->checkpoint)
    rc = r->opts->checkpoint(r->opts->checkpoint_ctx, red, written, e);
  mc_stats_free(red);
  return mc_engine_agree(rc, e, r->comm);
}

/* Collective, every MC_SYNC_ROUNDS rounds of blocks and after the last of a
 * stage, when blocks of the list are done: the ranks agree on flags [0]
 * stop requested, [1] checkpoint due, [2] progress due, [3] a rank failed
 * (it then processed no more blocks, and its message ends every rank). */
static int run_sync(run *r, uint64_t blocks, mc_err *e) {
  const mc_run_opts *o = r->opts;
  int rc = MC_OK, flags[4] = {o->stop && *o->stop ? 1 : 0, 0, 0, r->lrc != MC_OK};
  if (r->rank == 0) {
    double t = now_s();
    if (o->checkpoint && o->checkpoint_interval > 0 && t - r->last_ckpt >= o->checkpoint_interval)
      flags[1] = 1;
    if (o->progress && t - r->last_prog >= o->progress_interval)
      flags[2] = 1;
  }
  MPI_Allreduce(MPI_IN_PLACE, flags, 4, MPI_INT, MPI_MAX, r->comm);
  if (flags[3])
    return mc_engine_agree(r->lrc, e, r->comm);
  uint64_t left = r->part_samples - r->done_before, approx = blocks * MC_BLOCK;
  uint64_t done_now = r->done_before + (approx < left ? approx : left);
  if (flags[0] || flags[1]) {
    int written;
    if ((rc = checkpoint_now(r, &written, e)))
      return rc;
    r->last_ckpt = now_s();
    if (written)
      report(r, MC_PROGRESS_CHECKPOINT, done_now, r->part_samples, 0, 0);
    if (flags[0])
      MC_RAISE(e, MC_ESIGNAL,
               "stopped by a signal at %llu of %llu samples; the checkpoint holds "
               "them: run again with --resume to continue",
               (unsigned long long)done_now, (unsigned long long)r->part_samples);
  }
  if (flags[2] && r->rank == 0) {
    double t = now_s();
    report(r, MC_PROGRESS_RUNNING, done_now, r->part_samples,
           (double)(done_now - r->done_before) / (t - r->t0), 0);
    r->last_prog = t;
  }
  return MC_OK;
}

/* Collective: processes the blocks todo[j0..j1) round-robin. */
static int run_blocks(run *r, uint64_t j0, uint64_t j1, mc_err *e) {
  int rc = MC_OK;
  uint64_t size = (uint64_t)r->size, rounds = (j1 - j0 + size - 1) / size;
  for (uint64_t q = 0; q < rounds; q++) {
    uint64_t j = j0 + q * size + (uint64_t)r->rank;
    if (j < j1 && r->lrc == MC_OK && r->mine++ == r->fault_block)
      r->lrc = mc_err_set(e, MC_EFAIL,
                          "a fault injected at block %llu (CROSSOVER_FAULT_RANK=%d, "
                          "CROSSOVER_FAULT_BLOCK=%ld: a test hook)",
                          (unsigned long long)r->todo[j], r->rank, r->fault_block);
    else if (j < j1 && r->lrc == MC_OK)
      r->lrc = mc_block_process(&r->env, r->st, &r->w, r->todo[j], e);
    if ((q + 1) % MC_SYNC_ROUNDS != 0 && q + 1 != rounds)
      continue;
    uint64_t blocks = j0 + (q + 1) * size;
    if ((rc = run_sync(r, blocks < j1 ? blocks : j1, e)))
      return rc;
  }
  return MC_OK;
}

/* Collective: sampling.stop_when after the blocks [0, stage_end): *stop when
 * every crossover probability's standard error is below the target. */
static int stop_check(run *r, uint64_t stage_end, int *stop, mc_err *e) {
  mc_stats *st = r->st;
  size_t nc = (size_t)st->ncross * st->ny + st->ncross;
  uint64_t *cnt = calloc(nc + 1, sizeof *cnt);
  int rc = cnt ? MC_OK : mc_err_set(e, MC_EFAIL, "out of memory checking sampling.stop_when");
  if ((rc = mc_engine_agree(rc, e, r->comm))) {
    free(cnt);
    return rc;
  }
  memcpy(cnt, st->year_counts, sizeof *cnt * st->ncross * st->ny);
  memcpy(cnt + (size_t)st->ncross * st->ny, st->never, sizeof *cnt * st->ncross);
  int mrc = MPI_Allreduce(MPI_IN_PLACE, cnt, (int)nc, MPI_UINT64_T, MPI_SUM, r->comm);
  double worst = mc_stats_max_probability_se(cnt, cnt + (size_t)st->ncross * st->ny, st->ncross,
                                             st->ny, stage_end * MC_BLOCK);
  free(cnt);
  if ((rc = mc_engine_agree(mpi_check(mrc, "MPI_Allreduce", e), e, r->comm)))
    return rc;
  report(r, MC_PROGRESS_STOP_CHECK, stage_end * MC_BLOCK, r->part_samples, 0, worst);
  *stop = worst < r->spec->stop_se;
  return MC_OK;
}

/* Collective: the blocks of the part in stages. With sampling.stop_when the
 * stages end after MC_STOP_FIRST_BLOCKS * 2^j blocks; after each, every rank
 * sees the same crossover counts of the same prefix of blocks, so all take
 * the same decision, for any rank count. No block past a stage's end is
 * started before its check, so a checkpoint holding such a block (a resumed
 * run) shows that check failed already: it is not repeated. *stopped: the
 * stop point, or 0. */
static int run_stages(run *r, uint64_t *stopped, mc_err *e) {
  int rc = MC_OK, staged = r->spec->stop_se > 0;
  uint64_t stage_end = r->b1, j0 = 0;
  if (staged && stage_end > MC_STOP_FIRST_BLOCKS)
    stage_end = MC_STOP_FIRST_BLOCKS;
  *stopped = 0;
  for (;;) {
    uint64_t j1 = j0;
    while (j1 < r->ntodo && r->todo[j1] < stage_end)
      j1++;
    if ((rc = run_blocks(r, j0, j1, e)))
      return rc;
    j0 = j1;
    if (!staged || stage_end >= r->b1)
      return MC_OK;
    if (r->done_end <= stage_end) {
      int stop = 0;
      if ((rc = stop_check(r, stage_end, &stop, e)))
        return rc;
      if (stop) {
        *stopped = stage_end;
        return MC_OK;
      }
    }
    stage_end = 2 * stage_end < r->b1 ? 2 * stage_end : r->b1;
  }
}

/* Collective: the final reduction onto rank 0. */
static int run_reduce(run *r, uint64_t stopped, mc_stats **result, mc_err *e) {
  mc_stats *red = NULL;
  int rc = MC_OK;
  if (r->rank == 0)
    rc = mc_stats_alloc(r->spec, &red, e);
  if ((rc = mc_engine_agree(rc, e, r->comm)))
    return rc;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (r->size == 1) {
    /* One rank: the result is its state, which moves there whole (no image
     * packed and unpacked, no second copy of the counters to fault in),
     * leaving st empty; the crossing-time histograms' byte counters are
     * folded in, as the image would have them. */
    mc_stats empty = *red;
    *red = *r->st;
    *r->st = empty;
    mc_stats_fold(red);
  } else {
    rc = mc_stats_reduce(r->st, red, 0, r->comm, e);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if (r->opts->phase_time)
    r->opts->phase_time[MC_PH_REDUCE] +=
        (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
  if ((rc = mc_engine_agree(rc, e, r->comm))) {
    mc_stats_free(red);
    return rc;
  }
  if (red)
    red->stop_blocks = stopped;
  *result = red;
  return MC_OK;
}

int mc_engine_run(const mc_spec *spec, mc_stats *st, const mc_run_opts *opts, MPI_Comm comm,
                  mc_stats **result, mc_err *e) {
  int rc = MC_OK;
  run r;
  memset(&r, 0, sizeof r);
  r.spec = spec;
  r.opts = opts;
  r.comm = comm;
  r.st = st;
  MPI_Comm_rank(comm, &r.rank);
  MPI_Comm_size(comm, &r.size);
  *result = NULL;
  mc_model_init(&r.model, spec);
  uint64_t stopped = 0;
  MC_CHECK(run_setup(&r, e));
  MC_CHECK(run_stages(&r, &stopped, e));
  double t = now_s();
  uint64_t end = stopped ? stopped * MC_BLOCK : r.part_samples;
  report(&r, MC_PROGRESS_FINISHED, end, end,
         t > r.t0 ? (double)(end - r.done_before) / (t - r.t0) : 0, 0);
  MC_CHECK(run_reduce(&r, stopped, result, e));
cleanup:
  if (!opts->sampler)
    mc_sampler_free(&r.smp);
  free(r.todo);
  mc_block_work_free(&r.w);
  return rc;
}
