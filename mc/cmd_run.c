/* crossover run: runs a job, with checkpoints and parts (README.md, docs/outputs.md,
 * slurm/README.md). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "mc_engine.h"
#include "mc_h5.h"
#include "mc_job.h"
#include "mc_memory.h"
#include "outfile.h"
#include "progress.h"
#include "run.h"

static const char run_usage[] =
    "usage: crossover run JOB.yaml [-o OUT.h5] [--set KEY=VALUE]... [--samples N] [--seed S]\n"
    "                     [--part K/N] [--resume] [--force] [--checkpoint-interval SECONDS]\n"
    "                     [--progress-interval SECONDS] [--quiet]\n"
    "\n"
    "Runs the job: samples every parameter, projects every sample, and writes the\n"
    "crossover-year distribution and percentile bands to OUT.h5 (default:\n"
    "<scenario>.h5, or <scenario>.part-K-of-N.h5 for a part). Run it under\n"
    "mpiexec or srun for many ranks: the results are the same bits for any number.\n"
    "\n"
    "  -o, --output OUT.h5      results file; an existing one is refused without --force\n"
    "      --set KEY=VALUE      override one job value (repeatable), e.g.\n"
    "                           --set parameters.capex.growth=\"1.2 to 1.5\" or\n"
    "                           --set time.horizon_year=2050 (docs/writing-jobs.md)\n"
    "      --samples N          override sampling.samples\n"
    "      --seed S             override sampling.seed\n"
    "      --part K/N           run only the K-th of N disjoint slices of the samples, for\n"
    "                           `crossover merge`; inside a Slurm job array it defaults to\n"
    "                           the array task (SLURM_ARRAY_TASK_ID/_MIN/_COUNT)\n"
    "      --checkpoint-interval SECONDS\n"
    "                           write OUT.h5.checkpoint this often (default 600; 0: never)\n"
    "      --resume             continue from OUT.h5.checkpoint; the result equals an\n"
    "                           uninterrupted run bit for bit\n"
    "      --force              overwrite an existing OUT.h5 (or replace a link there), and\n"
    "                           start afresh over an existing OUT.h5.checkpoint\n"
    "      --progress-interval SECONDS\n"
    "                           seconds between progress lines when stderr is not a\n"
    "                           terminal (default 60)\n"
    "  -q, --quiet              no progress output\n"
    "\n"
    "The percentile sketches of a rank may hold CROSSOVER_MAX_SKETCH_MB MiB of counters\n"
    "(environment; default 4096; the default job needs about 80). Before anything is\n"
    "allocated, a pilot of a few blocks predicts what the job's sketches will need (as\n"
    "`crossover check` prints it); a job over the limit is refused with exit status 2\n"
    "and the numbers. Values that still spread further during the run (tails the pilot\n"
    "did not reach) end it with exit status 2 and the series and range at fault.\n"
    "\n"
    "SIGTERM, SIGINT or SIGUSR1 make every rank finish its block, write the checkpoint\n"
    "and exit with status 3. Under Open MPI's mpirun send SIGUSR1 to mpirun (it passes\n"
    "it on; SIGTERM to mpirun kills the ranks a second later and exits 1; see\n"
    "docs/cluster.md). A job with outputs: {samples: true} is never checkpointed\n"
    "(its per-sample output is not): a signal ends it with status 1 and nothing kept.\n"
    "A periodic checkpoint that cannot be written (a full disk) is warned about; the\n"
    "previous one is kept and the run carries on. Without --resume an existing\n"
    "OUT.h5.checkpoint is refused (continue it with --resume, or --force to discard it).\n"
    "Exit status: 0 done; 2 bad usage or job file (nothing written); 3 stopped by a\n"
    "signal (checkpoint written); 1 any other failure.\n"
    "\n"
    "Files are written as OUT.h5.tmp-PID (OUT.h5.checkpoint.tmp-PID), created anew (a\n"
    "file or link already at that name is refused, never followed), and renamed when\n"
    "complete, so OUT.h5 is never half-written; an OUT.h5 that appeared meanwhile is\n"
    "not replaced without --force (the result is then kept under its temporary name).\n"
    "Every name is checked before the run starts. A run killed while writing (SIGKILL)\n"
    "leaves its temporary file; the next run into the same OUT.h5 names it.\n";

static volatile sig_atomic_t stop_flag = 0;
static void on_signal(int sig) {
  (void)sig;
  stop_flag = 1;
}

/* Everything a run holds; rank 0 alone writes files. */
typedef struct run_state {
  mc_run_args a;
  MPI_Comm comm;
  int rank, size;
  mc_job job;
  int job_loaded;
  int part_k, part_n;
  char out[PATH_MAX], ckpt[PATH_MAX + 16];
  mc_stats *st, *result;
  mc_h5_samples *samples;
  mc_outfile res;             /* rank 0: the result's temporary (begun early with samples) */
  char samples_tmp[PATH_MAX]; /* every rank: where the per-sample output goes */
  int ckpt_owned;             /* OUT.checkpoint (ckpt_dev, ckpt_ino) is this run's to replace */
  dev_t ckpt_dev;
  ino_t ckpt_ino;
  uint64_t ckpt_samples; /* samples in the checkpoint on disk (0: none of this run) */
  double t0;
  int done;       /* keep_done: OUT already holds this job */
  mc_sampler smp; /* rank 0: built once, for the memory pilot and the run */
  int have_smp;
} run_state;

void mc_run_args_init(mc_run_args *a) {
  memset(a, 0, sizeof *a);
  a->ckpt_interval = 600;
  a->prog_interval = 60;
}

int mc_run_parse_shared(int c, char *arg, mc_run_args *a, int max_sets, char *why, size_t len) {
  char *end;
  switch (c) {
  case 'n':
    a->samples = arg;
    return 1;
  case 's':
    a->seed = arg;
    return 1;
  case 'f':
    a->force = 1;
    return 1;
  case 'q':
    a->quiet = 1;
    return 1;
  case 'c':
    a->ckpt_interval = strtod(arg, &end);
    if (end == arg || *end || !(a->ckpt_interval >= 0)) {
      snprintf(why, len, "--checkpoint-interval wants seconds >= 0, got '%s'", arg);
      return -1;
    }
    return 1;
  case 'i':
    a->prog_interval = strtod(arg, &end);
    if (end == arg || *end || !(a->prog_interval > 0)) {
      snprintf(why, len, "--progress-interval wants seconds > 0, got '%s'", arg);
      return -1;
    }
    return 1;
  case 'S':
    if (a->nsets == max_sets) {
      snprintf(why, len, "more than %d --set options", max_sets);
      return -1;
    }
    a->sets[a->nsets++] = arg;
    return 1;
  default:
    return 0;
  }
}

/* Parses argv into a; 0 to run, 1 after --help, -1 for a usage error (why). */
static int parse_args(int argc, char **argv, mc_run_args *a, char *why, size_t len) {
  static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                       {"samples", required_argument, 0, 'n'},
                                       {"seed", required_argument, 0, 's'},
                                       {"part", required_argument, 0, 'p'},
                                       {"resume", no_argument, 0, 'r'},
                                       {"force", no_argument, 0, 'f'},
                                       {"checkpoint-interval", required_argument, 0, 'c'},
                                       {"progress-interval", required_argument, 0, 'i'},
                                       {"quiet", no_argument, 0, 'q'},
                                       {"help", no_argument, 0, 'h'},
                                       {"set", required_argument, 0, 'S'},
                                       {0, 0, 0, 0}};
  mc_run_args_init(a);
  optind = 1;
  opterr = 0;
  for (int c; (c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1;) {
    int taken = mc_run_parse_shared(c, optarg, a, MC_RUN_MAX_SETS, why, len);
    if (taken < 0)
      return -1;
    if (taken)
      continue;
    switch (c) {
    case 'o':
      a->out = optarg;
      break;
    case 'p':
      a->part = optarg;
      break;
    case 'r':
      a->resume = 1;
      break;
    case 'h':
      return 1;
    default:
      snprintf(why, len, "unknown or incomplete option '%s'", argv[optind - 1]);
      return -1;
    }
  }
  if (optind != argc - 1) {
    snprintf(why, len, optind >= argc ? "missing JOB.yaml" : "one JOB.yaml expected");
    return -1;
  }
  a->job = argv[optind];
  return 0;
}

static int parse_u64(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  if (!s || !*s || *s == '-')
    return -1;
  double d = strtod(s, &end);
  if (*end || errno || !(d >= 0) || d > 1.8e19 || d != floor(d))
    return -1;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  *out = (*end == '\0' && errno == 0) ? (uint64_t)v : (uint64_t)d; /* 1e6 is accepted */
  return 0;
}

/* A positive decimal integer, whole string, without overflow. */
static int parse_count(const char *s, const char *stop, long long *out) {
  char *end;
  if (!s || *s < '0' || *s > '9')
    return -1;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno == ERANGE || end != stop || v < 1)
    return -1;
  *out = v;
  return 0;
}

/* "K/N", 1 <= K <= N, each a decimal integer that fits (no wrap-around). */
static int parse_part(const char *s, long long *k, long long *n) {
  const char *slash = s ? strchr(s, '/') : NULL;
  if (!slash || parse_count(s, slash, k) || parse_count(slash + 1, slash + strlen(slash), n))
    return -1;
  return *k <= *n ? 0 : -1;
}

/* The part this run is: --part, or the Slurm array task, or 1/1. */
static int choose_part(run_state *rs, mc_err *e) {
  long long k = 1, n = 1;
  const char *id = getenv("SLURM_ARRAY_TASK_ID"), *cnt = getenv("SLURM_ARRAY_TASK_COUNT");
  if (rs->a.part) {
    if (parse_part(rs->a.part, &k, &n))
      MC_RAISE(e, MC_EINPUT, "--part wants K/N with integers 1 <= K <= N, got '%s'", rs->a.part);
  } else if (id && cnt) {
    const char *mn = getenv("SLURM_ARRAY_TASK_MIN");
    char *end;
    long long vid = strtoll(id, &end, 10), vmin = mn ? strtoll(mn, NULL, 10) : 0;
    long long vcnt = strtoll(cnt, NULL, 10);
    k = vid - vmin + 1;
    n = vcnt;
    if (*end || k < 1 || k > n)
      MC_RAISE(e, MC_EINPUT,
               "the Slurm array task %s (min %s, count %s) does not map to a part; "
               "use a contiguous array (--array=0-N) or give --part K/N",
               id, mn ? mn : "0", cnt);
  }
  uint64_t nblocks = (rs->job.spec.samples + MC_BLOCK - 1) / MC_BLOCK;
  if ((uint64_t)n > nblocks || n > INT_MAX)
    MC_RAISE(e, MC_EINPUT,
             "--part %lld/%lld: the job has only %llu blocks of %d samples; use at most "
             "%llu parts or more samples",
             k, n, (unsigned long long)nblocks, MC_BLOCK,
             (unsigned long long)(nblocks < INT_MAX ? nblocks : INT_MAX));
  rs->part_k = (int)k;
  rs->part_n = (int)n;
  return MC_OK;
}

/* Loads the job and applies the command line's overrides and part. */
static int prepare_job(run_state *rs, mc_err *e) {
  int rc = mc_job_load_with(rs->a.job, rs->a.sets, rs->a.nsets, &rs->job, e);
  if (rc != MC_OK)
    return rc;
  rs->job_loaded = 1;
  mc_spec *s = &rs->job.spec;
  if (rs->a.samples) {
    uint64_t n;
    if (parse_u64(rs->a.samples, &n) || n < 1 || n > MC_JOB_MAX_SAMPLES)
      MC_RAISE(e, MC_EINPUT, "--samples wants an integer in [1, %llu], got '%s'",
               (unsigned long long)MC_JOB_MAX_SAMPLES, rs->a.samples);
    s->samples = n;
  }
  if (rs->a.seed) {
    uint64_t v;
    if (parse_u64(rs->a.seed, &v))
      MC_RAISE(e, MC_EINPUT, "--seed wants a non-negative integer, got '%s'", rs->a.seed);
    s->seed = v;
  }
  if (rs->a.scenario) {
    if (strlen(rs->a.scenario) >= sizeof s->scenario)
      MC_RAISE(e, MC_EINPUT,
               "the scenario name '%s' is longer than %zu characters; shorten the job's "
               "scenario: or the values",
               rs->a.scenario, sizeof s->scenario - 1);
    snprintf(s->scenario, sizeof s->scenario, "%s", rs->a.scenario);
  }
  if (rs->a.samples || rs->a.seed || rs->a.scenario)
    MC_CHECK(mc_job_to_yaml(&rs->job, e));
  MC_CHECK(choose_part(rs, e));
cleanup:
  return rc;
}

static int file_exists(const char *p) {
  struct stat sb;
  return lstat(p, &sb) == 0;
}

/* Rank 0, for keep_done: sets rs->done when OUT exists and records this very
 * job (the same resolved job, overrides included); MC_EINPUT when it holds
 * another one. */
static int keep_done(run_state *rs, mc_err *e) {
  if (!file_exists(rs->out))
    return MC_OK;
  mc_job old;
  mc_stats *st = NULL;
  mc_h5_meta meta;
  mc_err re = {0};
  if (mc_h5_read(rs->out, &old, &st, &meta, &re) != MC_OK)
    MC_RAISE(e, MC_EINPUT,
             "%s exists but cannot be read back (%s); remove it, or pass "
             "--force to run it again",
             rs->out, re.msg);
  int same = mc_spec_digest(&old.spec) == mc_spec_digest(&rs->job.spec) && meta.part_n == 1;
  mc_job_free(&old);
  mc_stats_free(st);
  if (!same)
    MC_RAISE(e, MC_EINPUT,
             "%s exists and records another job (the job file or options changed since "
             "it was written); remove it, or pass --force to replace it",
             rs->out);
  rs->done = 1;
  return MC_OK;
}

/* Rank 0: names the outputs and checks, before any work, every name the run
 * will create (OUT, its checkpoint and their temporaries) and the checkpoint
 * rules: --resume needs one; without it an existing one is refused. */
static int plan_outputs(run_state *rs, mc_err *e) {
  const mc_spec *s = &rs->job.spec;
  if (rs->a.out)
    snprintf(rs->out, sizeof rs->out, "%s", rs->a.out);
  else if (!s->scenario[0])
    MC_RAISE(e, MC_EINPUT,
             "%s: the scenario name is empty, so the output has no name; set scenario: "
             "or give -o",
             rs->a.job);
  else if (rs->part_n > 1)
    snprintf(rs->out, sizeof rs->out, "%s.part-%d-of-%d.h5", s->scenario, rs->part_k, rs->part_n);
  else
    snprintf(rs->out, sizeof rs->out, "%s.h5", s->scenario);
  snprintf(rs->ckpt, sizeof rs->ckpt, "%s.checkpoint", rs->out);
  if (rs->rank != 0)
    return MC_OK;
  if (rs->a.keep_done && !rs->a.force) {
    int rc = keep_done(rs, e);
    if (rc != MC_OK || rs->done)
      return rc;
    rs->a.resume = file_exists(rs->ckpt);
  }
  char tmp[64], ctmp[80];
  snprintf(tmp, sizeof tmp, ".tmp-%ld", (long)getpid());
  snprintf(ctmp, sizeof ctmp, ".checkpoint.tmp-%ld", (long)getpid());
  const char *const suffixes[] = {tmp, ".checkpoint", ctmp, NULL};
  int rc = mc_outfile_probe(rs->out, rs->a.force, suffixes, e);
  if (rc == MC_OK && !s->samples_out)
    rc = mc_outfile_probe_tmp(rs->ckpt, e);
  if (rc != MC_OK)
    return rc;
  mc_cli_note_stale_tmp("run", rs->out);
  if (rs->a.resume && !file_exists(rs->ckpt))
    MC_RAISE(e, MC_EINPUT, "--resume: no checkpoint %s to continue from; run without --resume",
             rs->ckpt);
  if (rs->a.resume && s->samples_out)
    MC_RAISE(e, MC_EINPUT,
             "--resume: jobs with outputs: {samples: true} cannot be resumed (the "
             "per-sample data is not checkpointed); rerun without --resume");
  if (!rs->a.resume && !rs->a.force && file_exists(rs->ckpt))
    MC_RAISE(e, MC_EINPUT,
             "%s exists (a checkpoint of an earlier run into %s); pass --resume to "
             "continue it, or --force to discard it and start afresh",
             rs->ckpt, rs->out);
  return MC_OK;
}

/* Rank 0 reads the checkpoint and checks it continues this very run; every
 * rank then learns its done blocks. Collective. */
static int load_checkpoint(run_state *rs, mc_err *e) {
  int rc = MC_OK;
  mc_resume_from from = {rs->ckpt, NULL, 0, 0, 0};
  if (rs->rank == 0) {
    mc_job cjob;
    mc_h5_meta cmeta;
    rc = mc_h5_read(rs->ckpt, &cjob, &from.state, &cmeta, e);
    if (rc == MC_OK) {
      from.digest = mc_spec_digest(&cjob.spec);
      from.part_k = cmeta.part_k;
      from.part_n = cmeta.part_n;
      mc_job_free(&cjob);
    }
  }
  if ((rc = mc_engine_agree(rc, e, rs->comm))) {
    mc_stats_free(from.state);
    return rc;
  }
  if ((rc = mc_engine_resume(&rs->job.spec, rs->part_k, rs->part_n, &from, &rs->st, rs->comm, e)))
    return rc;
  struct stat sb;
  if (rs->rank == 0 && lstat(rs->ckpt, &sb) == 0) {
    rs->ckpt_owned = 1; /* later checkpoints replace the one continued */
    rs->ckpt_dev = sb.st_dev;
    rs->ckpt_ino = sb.st_ino;
    rs->ckpt_samples = mc_stats_done_samples(rs->st);
  }
  if (rs->rank == 0 && !rs->a.quiet)
    fprintf(stderr, "resuming from %s: %llu of %llu samples already done\n", rs->ckpt,
            (unsigned long long)mc_stats_done_samples(rs->st),
            (unsigned long long)rs->job.spec.samples);
  return MC_OK;
}

/* Rank 0: writes the reduced state as OUT.checkpoint, replacing only the
 * checkpoint this run continued or wrote before (or any, with --force). */
static int checkpoint_publish(run_state *rs, const mc_stats *reduced, mc_err *e) {
  struct stat sb;
  int there = lstat(rs->ckpt, &sb) == 0;
  int replace = rs->a.force ||
                (there && rs->ckpt_owned && sb.st_dev == rs->ckpt_dev && sb.st_ino == rs->ckpt_ino);
  if (there && !replace)
    MC_RAISE(e, MC_EFAIL,
             "%s appeared during this run (another run with the same -o?); not "
             "replacing it",
             rs->ckpt);
  mc_outfile o;
  int rc = mc_outfile_begin(&o, rs->ckpt, e);
  if (rc != MC_OK)
    return rc;
  mc_h5_meta meta = {rs->part_k, rs->part_n, "", 0, 0};
  rc = mc_h5_write(o.io, &rs->job, reduced, &meta, e);
  mc_outfile_fix_message(&o, e);
  if (rc != MC_OK) {
    mc_outfile_discard(&o);
    return rc;
  }
  dev_t dev = o.dev;
  ino_t ino = o.ino;
  rc = mc_outfile_publish(&o, replace, e);
  if (rc == MC_OK) {
    rs->ckpt_owned = 1;
    rs->ckpt_dev = dev;
    rs->ckpt_ino = ino;
    rs->ckpt_samples = mc_stats_done_samples(reduced);
  }
  return rc;
}

/* The engine's checkpoint callback (collective; reduced is NULL off rank 0).
 * A periodic checkpoint that fails is a warning: the previous one stays and
 * the next interval tries again. At a stop (a signal) the exit status tells
 * the truth: 3 only when a checkpoint holds the run. */
static int on_checkpoint(void *vctx, const mc_stats *reduced, int *written, mc_err *e) {
  run_state *rs = vctx;
  *written = 0;
  int stopping = stop_flag ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &stopping, 1, MPI_INT, MPI_MAX, rs->comm);
  if (!reduced)
    return MC_OK;
  unsigned long long done = mc_stats_done_samples(reduced), n = rs->job.spec.samples;
  if (rs->job.spec.samples_out)
    MC_RAISE(e, MC_EFAIL,
             "stopped by a signal at %llu of %llu samples; no checkpoint was written: a "
             "job with outputs: {samples: true} is not checkpointed (its per-sample "
             "output cannot be), so nothing of this run is kept; run it again",
             done, n);
  mc_err ce = {0};
  if (checkpoint_publish(rs, reduced, &ce) == MC_OK) {
    *written = 1;
    return MC_OK;
  }
  if (stopping && rs->ckpt_samples)
    MC_RAISE(e, MC_ESIGNAL,
             "stopped by a signal at %llu of %llu samples, but the checkpoint could not "
             "be updated: %s. %s still holds the %llu samples of the previous one: run "
             "again with --resume to continue from there",
             done, n, ce.msg, rs->ckpt, (unsigned long long)rs->ckpt_samples);
  if (stopping)
    MC_RAISE(e, MC_EFAIL,
             "stopped by a signal at %llu of %llu samples, but no checkpoint could be "
             "written: %s; nothing of this run is kept",
             done, n, ce.msg);
  if (rs->ckpt_samples)
    fprintf(stderr,
            "crossover run: warning: the checkpoint at %llu samples was not written: %s; %s "
            "still holds the previous one (%llu samples); the run carries on and tries again "
            "in %g s\n",
            done, ce.msg, rs->ckpt, (unsigned long long)rs->ckpt_samples, rs->a.ckpt_interval);
  else
    fprintf(stderr,
            "crossover run: warning: the checkpoint at %llu samples was not written: %s; there "
            "is no checkpoint yet; the run carries on and tries again in %g s\n",
            done, ce.msg, rs->a.ckpt_interval);
  return MC_OK;
}

/* Runs the engine over the part, with per-sample output when the job asks;
 * rs->result (rank 0) holds the reduced state. Collective. */
static int run_engine(run_state *rs, mc_err *e) {
  int rc = MC_OK;
  const mc_spec *s = &rs->job.spec;
  if (s->samples_out) {
    /* The per-sample file is the result's temporary: rank 0 creates it
     * exclusively, then every rank opens it (MPI-IO). */
    int lrc = MC_OK;
    if (rs->rank == 0) {
      lrc = mc_outfile_begin(&rs->res, rs->out, e);
      snprintf(rs->samples_tmp, sizeof rs->samples_tmp, "%s", rs->res.tmp);
    }
    if ((rc = mc_engine_agree(lrc, e, rs->comm)))
      return rc;
    MPI_Bcast(rs->samples_tmp, sizeof rs->samples_tmp, MPI_CHAR, 0, rs->comm);
    rc = mc_h5_samples_open(rs->samples_tmp, &rs->job, rs->comm, &rs->samples, e);
    if ((rc = mc_engine_agree(rc, e, rs->comm)))
      return rc;
    if (rs->rank == 0 && !rs->a.quiet)
      fprintf(stderr, "note: outputs: {samples: true}: no checkpoints are written (per-sample "
                      "output is not checkpointed)\n");
  }
  mc_run_opts ro = {0};
  ro.part_k = rs->part_k;
  ro.part_n = rs->part_n;
  ro.checkpoint_interval = s->samples_out ? 0 : rs->a.ckpt_interval;
  ro.checkpoint = on_checkpoint;
  ro.checkpoint_ctx = rs;
  ro.sink = rs->samples ? mc_h5_samples_write : NULL;
  ro.sink_ctx = rs->samples;
  ro.stop = &stop_flag;
  mc_progress_printer printer = {isatty(2)};
  ro.progress = rs->a.quiet ? NULL : mc_progress_print;
  ro.progress_ctx = &printer;
  ro.progress_interval = printer.live ? 0.5 : rs->a.prog_interval;
  ro.sketch_limit_mb = mc_cli_sketch_limit_mb();
  ro.sampler = rs->have_smp ? &rs->smp : NULL;
  ro.inject_fault = getenv("CROSSOVER_FAULT_RANK") && getenv("CROSSOVER_FAULT_BLOCK");
  ro.fault_rank = ro.inject_fault ? atoi(getenv("CROSSOVER_FAULT_RANK")) : 0;
  ro.fault_block = ro.inject_fault ? atol(getenv("CROSSOVER_FAULT_BLOCK")) : 0;
  if (rs->rank == 0 && !rs->a.quiet)
    fprintf(stderr, "crossover run: %s, %llu samples%s on %d rank%s -> %s\n", s->scenario,
            (unsigned long long)s->samples, rs->part_n > 1 ? " (one part of them)" : "", rs->size,
            rs->size > 1 ? "s" : "", rs->out);
  rc = mc_engine_run(s, rs->st, &ro, rs->comm, &rs->result, e);
  if (rs->samples) {
    mc_err e2 = {0};
    int rc2 = mc_h5_samples_close(rs->samples, &e2);
    rs->samples = NULL;
    if (rc == MC_OK && rc2 != MC_OK) {
      rc = rc2;
      *e = e2;
    }
    rc = mc_engine_agree(rc, e, rs->comm);
  }
  return rc;
}

/* Rank 0: writes the result and publishes it; then removes the checkpoint
 * this run continued or wrote (any, with --force). */
static int write_result(run_state *rs, mc_err *e) {
  int rc = MC_OK;
  mc_h5_meta meta = {rs->part_k, rs->part_n, "", rs->job.spec.samples_out, 0};
  if (!rs->job.spec.samples_out)
    MC_CHECK(mc_outfile_begin(&rs->res, rs->out, e));
  rc = mc_h5_write(rs->res.io, &rs->job, rs->result, &meta, e);
  mc_outfile_fix_message(&rs->res, e);
  if (rc != MC_OK)
    goto cleanup;
  MC_CHECK(mc_outfile_publish(&rs->res, rs->a.force, e));
  struct stat sb;
  if (lstat(rs->ckpt, &sb) == 0 &&
      (rs->a.force || (rs->ckpt_owned && sb.st_dev == rs->ckpt_dev && sb.st_ino == rs->ckpt_ino)))
    unlink(rs->ckpt);
cleanup:
  return rc;
}

/* The closing line: time, rate and the largest peak memory of any rank. */
static void say_done(const run_state *rs) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  long rss = ru.ru_maxrss, maxrss = 0;
  MPI_Reduce(&rss, &maxrss, 1, MPI_LONG, MPI_MAX, 0, rs->comm);
  if (rs->rank != 0 || rs->a.quiet)
    return;
  double dt = MPI_Wtime() - rs->t0;
  uint64_t n = mc_stats_done_samples(rs->result);
  fprintf(stderr,
          "wrote %s: %llu samples in %.2f s (%.3g samples/s, %.3g per rank); peak memory per "
          "rank %.1f MiB\n",
          rs->out, (unsigned long long)n, dt, n / dt, n / dt / rs->size, maxrss / 1024.0);
}

static void catch_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
}

/* Collective: the job loaded and every output name checked; rs->done and
 * rs->a.resume (which keep_done may set on rank 0) agreed by all ranks. */
static int plan(run_state *rs, mc_err *e) {
  int rc = prepare_job(rs, e);
  if (rc == MC_OK)
    rc = plan_outputs(rs, e);
  if ((rc = mc_engine_agree(rc, e, rs->comm)))
    return rc;
  int flags[2] = {rs->done, rs->a.resume};
  MPI_Bcast(flags, 2, MPI_INT, 0, rs->comm);
  rs->done = flags[0];
  rs->a.resume = flags[1];
  return MC_OK;
}

static void run_state_init(run_state *rs, const mc_run_args *a, MPI_Comm comm) {
  memset(rs, 0, sizeof *rs);
  rs->res.fd = -1;
  rs->a = *a;
  rs->comm = comm;
  MPI_Comm_rank(comm, &rs->rank);
  MPI_Comm_size(comm, &rs->size);
  rs->t0 = MPI_Wtime();
}

static void run_state_free(run_state *rs) {
  if (rs->samples) {
    mc_err e2 = {0};
    mc_h5_samples_close(rs->samples, &e2);
  }
  if (rs->rank == 0)
    mc_outfile_discard(&rs->res);
  mc_stats_free(rs->st);
  mc_stats_free(rs->result);
  if (rs->have_smp)
    mc_sampler_free(&rs->smp);
  if (rs->job_loaded)
    mc_job_free(&rs->job);
}

int mc_run_plan(const mc_run_args *a, MPI_Comm comm, mc_err *e) {
  run_state rs;
  run_state_init(&rs, a, comm);
  int rc = plan(&rs, e);
  run_state_free(&rs);
  return rc;
}

int mc_run_job(const mc_run_args *a, MPI_Comm comm, int *skipped, mc_err *e) {
  run_state rs;
  run_state_init(&rs, a, comm);
  int rc = plan(&rs, e);
  if (skipped)
    *skipped = rc == MC_OK && rs.done;
  if (rc != MC_OK || rs.done)
    goto cleanup;
  /* The sketches' memory, predicted before anything is allocated: rank 0
   * runs the pilot, with the sampler its run then uses, and every rank ends
   * with its verdict. */
  if (rs.rank == 0) {
    mc_memory_estimate m;
    rc = mc_sampler_init(&rs.smp, &rs.job.spec, e);
    rs.have_smp = rc == MC_OK;
    if (rc == MC_OK)
      rc = mc_memory_predict(&rs.job.spec, &rs.smp, &m, e);
    if (rc == MC_OK)
      rc = mc_memory_check(&rs.job.spec, &m, mc_cli_sketch_limit_mb(), e);
  }
  if ((rc = mc_engine_agree(rc, e, rs.comm)))
    goto cleanup;
  rc = mc_stats_alloc(&rs.job.spec, &rs.st, e);
  if ((rc = mc_engine_agree(rc, e, rs.comm)))
    goto cleanup;
  if (rs.a.resume && (rc = load_checkpoint(&rs, e)))
    goto cleanup;
  if ((rc = run_engine(&rs, e)))
    goto cleanup;
  if (rs.rank == 0)
    rc = write_result(&rs, e);
  if ((rc = mc_engine_agree(rc, e, rs.comm)) == MC_OK)
    say_done(&rs);

cleanup:
  run_state_free(&rs);
  return rc;
}

void mc_run_catch_signals(void) { catch_signals(); }

int mc_run_stop_requested(void) { return stop_flag != 0; }

int mc_cmd_run(int argc, char **argv) {
  mc_run_args a;
  char why[256] = "";
  int parsed = parse_args(argc, argv, &a, why, sizeof why);
  if (parsed == 1) {
    fputs(run_usage, stdout);
    return 0;
  }
  MPI_Init(&argc, &argv);
  /* From here on a signal asks for a checkpoint; before the run starts it
   * simply stops the run after setup (nothing is lost: nothing was done). */
  catch_signals();
  MPI_Comm comm = MPI_COMM_WORLD;
  MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
  int rank;
  MPI_Comm_rank(comm, &rank);
  if (parsed < 0) {
    if (rank == 0)
      fprintf(stderr, "crossover run: %s\n%s", why, run_usage);
    MPI_Finalize();
    return MC_EINPUT;
  }
  mc_err err = {0};
  int rc = mc_run_job(&a, comm, NULL, &err);
  if (rc != MC_OK && rank == 0)
    fprintf(stderr, "crossover: %s%s\n", err.msg, err.where);
  MPI_Finalize();
  return rc;
}
