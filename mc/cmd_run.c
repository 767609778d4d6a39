/* crossover run (docs/writing-jobs.md, docs/results-format.md), plus checkpoints and parts
 * (slurm/README.md). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "mc_engine.h"
#include "mc_h5.h"
#include "mc_job.h"
#include "progress.h"

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
    "      --force              overwrite an existing OUT.h5\n"
    "      --progress-interval SECONDS\n"
    "                           seconds between progress lines when stderr is not a\n"
    "                           terminal (default 60)\n"
    "  -q, --quiet              no progress output\n"
    "\n"
    "The percentile sketches of a rank may hold CROSSOVER_MAX_SKETCH_MB MiB of counters\n"
    "(environment; default 4096, the default job needs about 12); values spread over\n"
    "far more octaves than that allows (an overflowing parameter) end the run with exit\n"
    "status 2 and the series and range at fault.\n"
    "\n"
    "SIGTERM, SIGINT or SIGUSR1 make every rank finish its block, write the checkpoint\n"
    "and exit with status 3. Exit status: 0 done; 2 bad usage or job file (nothing\n"
    "written); 3 stopped by a signal (checkpoint written); 1 any other failure.\n"
    "\n"
    "Files are written as OUT.h5.tmp-PID (OUT.h5.checkpoint.tmp-PID) and renamed when\n"
    "complete, so OUT.h5 is never half-written. A run killed while writing (SIGKILL)\n"
    "leaves its temporary file; the next run into the same OUT.h5 names it.\n";

static volatile sig_atomic_t stop_flag = 0;
static void on_signal(int sig) {
  (void)sig;
  stop_flag = 1;
}

typedef struct run_ctx {
  const char *ckpt;
  const mc_job *job;
  mc_h5_meta meta;
} run_ctx;

static int write_atomic(const char *final, const mc_job *job, const mc_stats *st,
                        const mc_h5_meta *meta, mc_err *e) {
  char tmp[PATH_MAX + 32];
  snprintf(tmp, sizeof tmp, "%s.tmp-%ld", final, (long)getpid());
  int rc = mc_h5_write(tmp, job, st, meta, e);
  if (rc == MC_OK && rename(tmp, final) != 0)
    rc = mc_err_set(e, MC_EFAIL, "cannot rename %s to %s: %s", tmp, final, strerror(errno));
  if (rc != MC_OK)
    unlink(tmp);
  return rc;
}

static int write_checkpoint(void *vctx, const mc_stats *reduced, mc_err *e) {
  run_ctx *ctx = vctx;
  if (!reduced)
    return MC_OK;
  return write_atomic(ctx->ckpt, ctx->job, reduced, &ctx->meta, e);
}

static int parse_u64(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  if (!s || !*s || *s == '-')
    return -1;
  double d = strtod(s, &end);
  if (*end || errno || !(d >= 0) || d > 1.8e19 || d != floor(d))
    return -1;
  unsigned long long v = strtoull(s, &end, 10);
  *out = (*end == '\0') ? (uint64_t)v : (uint64_t)d; /* 1e6 is accepted */
  return 0;
}

static int parse_part(const char *s, int *k, int *n) {
  char c;
  if (sscanf(s, "%d/%d%c", k, n, &c) != 2 || *n < 1 || *k < 1 || *k > *n)
    return -1;
  return 0;
}

/* Refuses up front (MC_EINPUT) an output whose directory cannot take a new
 * file, rather than after the run: creates and removes a probe file beside it. */
static int check_writable(const char *out, mc_err *e) {
  char probe[PATH_MAX + 48];
  snprintf(probe, sizeof probe, "%s.probe-%ld", out, (long)getpid());
  int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0)
    return mc_err_set(e, MC_EINPUT, "cannot write %s: %s; choose another -o", out, strerror(errno));
  close(fd);
  unlink(probe);
  return MC_OK;
}

static int file_exists(const char *p) {
  struct stat sb;
  return stat(p, &sb) == 0;
}

int mc_cmd_run(int argc, char **argv) {
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
  enum { MAX_SETS = 64 };
  const char *sets[MAX_SETS];
  int nsets = 0;
  const char *out = NULL, *samples_s = NULL, *seed_s = NULL, *part_s = NULL;
  int resume = 0, force = 0, quiet = 0;
  double ckpt_interval = 600, prog_interval = 60;
  int c, usage_err = 0;
  char why[256] = "";
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
    char *end;
    switch (c) {
    case 'o':
      out = optarg;
      break;
    case 'n':
      samples_s = optarg;
      break;
    case 's':
      seed_s = optarg;
      break;
    case 'p':
      part_s = optarg;
      break;
    case 'r':
      resume = 1;
      break;
    case 'f':
      force = 1;
      break;
    case 'q':
      quiet = 1;
      break;
    case 'c':
      ckpt_interval = strtod(optarg, &end);
      if (*end || !(ckpt_interval >= 0)) {
        snprintf(why, sizeof why, "--checkpoint-interval wants seconds >= 0, got '%s'", optarg);
        usage_err = 1;
      }
      break;
    case 'i':
      prog_interval = strtod(optarg, &end);
      if (*end || !(prog_interval > 0)) {
        snprintf(why, sizeof why, "--progress-interval wants seconds > 0, got '%s'", optarg);
        usage_err = 1;
      }
      break;
    case 'h':
      fputs(run_usage, stdout);
      return 0;
    case 'S':
      if (nsets == MAX_SETS) {
        snprintf(why, sizeof why, "more than %d --set options", MAX_SETS);
        usage_err = 1;
      } else {
        sets[nsets++] = optarg;
      }
      break;
    default:
      snprintf(why, sizeof why, "unknown or incomplete option '%s'", argv[optind - 1]);
      usage_err = 1;
    }
  }
  if (!usage_err && optind != argc - 1) {
    snprintf(why, sizeof why, optind >= argc ? "missing JOB.yaml" : "one JOB.yaml expected");
    usage_err = 1;
  }

  MPI_Init(&argc, &argv);
  /* From here on a signal asks for a checkpoint; before the run starts it
   * simply stops the run after setup (nothing is lost: nothing was done). */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
  MPI_Comm comm = MPI_COMM_WORLD;
  MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
  int rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  mc_err err = {0}, *e = &err;
  int rc = MC_OK;
  mc_job job;
  int job_loaded = 0;
  mc_stats *st = NULL, *result = NULL, *resumed = NULL;
  mc_h5_samples *samples = NULL;
  char outbuf[PATH_MAX], ckpt[PATH_MAX + 16], tmp[PATH_MAX + 32];
  tmp[0] = '\0';
  int tmp_created = 0;
  memset(&job, 0, sizeof job);
  double t0 = MPI_Wtime();

  if (usage_err) {
    if (rank == 0)
      fprintf(stderr, "crossover run: %s\n%s", why, run_usage);
    MPI_Finalize();
    return MC_EINPUT;
  }
  const char *jobpath = argv[optind];

  rc = mc_job_load_with(jobpath, sets, nsets, &job, e);
  if (rc == MC_OK)
    job_loaded = 1;
  if (rc == MC_OK && samples_s) {
    uint64_t n;
    if (parse_u64(samples_s, &n) || n < 1 || n > MC_JOB_MAX_SAMPLES)
      rc = mc_err_set(e, MC_EINPUT, "--samples wants an integer in [1, %llu], got '%s'",
                      (unsigned long long)MC_JOB_MAX_SAMPLES, samples_s);
    else
      job.spec.samples = n;
  }
  if (rc == MC_OK && seed_s) {
    uint64_t s;
    if (parse_u64(seed_s, &s))
      rc = mc_err_set(e, MC_EINPUT, "--seed wants a non-negative integer, got '%s'", seed_s);
    else
      job.spec.seed = s;
  }
  int part_k = 1, part_n = 1;
  if (rc == MC_OK) {
    if (part_s) {
      if (parse_part(part_s, &part_k, &part_n))
        rc = mc_err_set(e, MC_EINPUT, "--part wants K/N with 1 <= K <= N, got '%s'", part_s);
    } else if (getenv("SLURM_ARRAY_TASK_ID") && getenv("SLURM_ARRAY_TASK_COUNT")) {
      long id = atol(getenv("SLURM_ARRAY_TASK_ID"));
      long mn = getenv("SLURM_ARRAY_TASK_MIN") ? atol(getenv("SLURM_ARRAY_TASK_MIN")) : 0;
      long cnt = atol(getenv("SLURM_ARRAY_TASK_COUNT"));
      part_k = (int)(id - mn + 1);
      part_n = (int)cnt;
      if (part_k < 1 || part_k > part_n)
        rc = mc_err_set(e, MC_EINPUT,
                        "the Slurm array task %ld (min %ld, count %ld) does not map to a part; "
                        "use a contiguous array (--array=0-N) or give --part K/N",
                        id, mn, cnt);
    }
  }
  if (rc == MC_OK && (samples_s || seed_s))
    rc = mc_job_to_yaml(&job, e);
  if (rc == MC_OK) {
    uint64_t nblocks = (job.spec.samples + MC_BLOCK - 1) / MC_BLOCK;
    if ((uint64_t)part_n > nblocks)
      rc = mc_err_set(e, MC_EINPUT,
                      "--part %d/%d: the job has only %llu blocks of %d samples; use at most %llu "
                      "parts or more samples",
                      part_k, part_n, (unsigned long long)nblocks, MC_BLOCK,
                      (unsigned long long)nblocks);
  }
  if (rc == MC_OK) {
    if (out)
      snprintf(outbuf, sizeof outbuf, "%s", out);
    else if (part_n > 1)
      snprintf(outbuf, sizeof outbuf, "%s.part-%d-of-%d.h5", job.spec.scenario, part_k, part_n);
    else
      snprintf(outbuf, sizeof outbuf, "%s.h5", job.spec.scenario);
    snprintf(ckpt, sizeof ckpt, "%s.checkpoint", outbuf);
    if (rank == 0 && file_exists(outbuf) && !force)
      rc = mc_err_set(e, MC_EINPUT,
                      "%s exists; pass --force to overwrite it or -o to choose another", outbuf);
    if (rc == MC_OK && rank == 0)
      rc = check_writable(outbuf, e);
    if (rc == MC_OK && rank == 0)
      mc_cli_note_stale_tmp("run", outbuf);
    if (rc == MC_OK && rank == 0 && resume && !file_exists(ckpt))
      rc = mc_err_set(e, MC_EINPUT,
                      "--resume: no checkpoint %s to continue from; run without --resume", ckpt);
    if (rc == MC_OK && resume && job.spec.samples_out)
      rc = mc_err_set(
          e, MC_EINPUT,
          "--resume: jobs with outputs: {samples: true} cannot be resumed (the per-sample "
          "data is not checkpointed); rerun without --resume");
  }
  if ((rc = mc_engine_agree(rc, e, comm)))
    goto cleanup;

  /* State: empty, or the checkpoint's on rank 0 and its done blocks everywhere. */
  rc = mc_stats_alloc(&job.spec, &st, e);
  if (rc == MC_OK && resume && rank == 0) {
    mc_job cjob;
    mc_h5_meta cmeta;
    rc = mc_h5_read(ckpt, &cjob, &resumed, &cmeta, e);
    if (rc == MC_OK) {
      if (mc_spec_digest(&cjob.spec) != mc_spec_digest(&job.spec))
        rc = mc_err_set(e, MC_EINPUT,
                        "--resume: %s was written for a different job (the job file, --samples or "
                        "--seed changed since); resume with the same job or start afresh without "
                        "--resume",
                        ckpt);
      else if (memcmp(resumed->shift, st->shift, sizeof *st->shift * st->nser * st->ny) != 0 ||
               (st->nsens && memcmp(resumed->sens_shift, st->sens_shift,
                                    sizeof *st->sens_shift * (size_t)st->nsens) != 0))
        rc = mc_err_set(e, MC_EINPUT,
                        "--resume: %s was written by another build of the engine (its moment "
                        "shifts differ), so this one cannot continue it exactly; start afresh "
                        "without --resume",
                        ckpt);
      else if (cmeta.part_k != part_k || cmeta.part_n != part_n)
        rc = mc_err_set(e, MC_EINPUT, "--resume: %s is part %d/%d, this run is part %d/%d", ckpt,
                        cmeta.part_k, cmeta.part_n, part_k, part_n);
      mc_job_free(&cjob);
    }
    if (rc == MC_OK) {
      mc_stats_free(st);
      st = resumed;
      resumed = NULL;
    }
  }
  if ((rc = mc_engine_agree(rc, e, comm)))
    goto cleanup;
  if (resume) {
    uint64_t nbytes = (st->nblocks + 7) / 8;
    for (uint64_t off = 0; off < nbytes; off += 1u << 30) {
      int cnt = (int)(nbytes - off < (1u << 30) ? nbytes - off : (1u << 30));
      MPI_Bcast(st->done + off, cnt, MPI_UINT8_T, 0, comm);
    }
    if (rank == 0 && !quiet)
      fprintf(stderr, "resuming from %s: %llu of %llu samples already done\n", ckpt,
              (unsigned long long)mc_stats_done_samples(st), (unsigned long long)job.spec.samples);
  }

  snprintf(tmp, sizeof tmp, "%s.tmp-%d", outbuf, 0);
  if (rank == 0)
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", outbuf, (long)getpid());
  MPI_Bcast(tmp, sizeof tmp, MPI_CHAR, 0, comm);
  if (job.spec.samples_out) {
    rc = mc_h5_samples_open(tmp, &job, comm, &samples, e);
    tmp_created = 1;
    if ((rc = mc_engine_agree(rc, e, comm)))
      goto cleanup;
  }

  run_ctx ctx = {ckpt, &job, {part_k, part_n, "", 0}};
  mc_run_opts ro = {0};
  ro.part_k = part_k;
  ro.part_n = part_n;
  ro.checkpoint_interval = ckpt_interval;
  ro.checkpoint = job.spec.samples_out ? NULL : write_checkpoint;
  ro.checkpoint_ctx = &ctx;
  ro.sink = samples ? mc_h5_samples_write : NULL;
  ro.sink_ctx = samples;
  ro.stop = &stop_flag;
  mc_progress_printer printer = {isatty(2)};
  ro.progress = quiet ? NULL : mc_progress_print;
  ro.progress_ctx = &printer;
  ro.progress_interval = printer.live ? 0.5 : prog_interval;
  const char *mb = getenv("CROSSOVER_MAX_SKETCH_MB");
  ro.sketch_limit_mb = mb && atol(mb) > 0 ? (size_t)atol(mb) : 0;
  ro.inject_fault = getenv("CROSSOVER_FAULT_RANK") && getenv("CROSSOVER_FAULT_BLOCK");
  ro.fault_rank = ro.inject_fault ? atoi(getenv("CROSSOVER_FAULT_RANK")) : 0;
  ro.fault_block = ro.inject_fault ? atol(getenv("CROSSOVER_FAULT_BLOCK")) : 0;
  if (rank == 0 && !quiet)
    fprintf(stderr, "crossover run: %s, %llu samples%s on %d rank%s -> %s\n", job.spec.scenario,
            (unsigned long long)job.spec.samples, part_n > 1 ? " (one part of them)" : "", size,
            size > 1 ? "s" : "", outbuf);
  rc = mc_engine_run(&job.spec, st, &ro, comm, &result, e);
  if (samples) {
    mc_err e2 = {0};
    int rc2 = mc_h5_samples_close(samples, &e2);
    samples = NULL;
    if (rc == MC_OK && rc2 != MC_OK) {
      rc = rc2;
      *e = e2;
    }
    rc = mc_engine_agree(rc, e, comm);
  }
  if (rc != MC_OK)
    goto cleanup;

  if (rank == 0) {
    mc_h5_meta meta = {part_k, part_n, "", job.spec.samples_out};
    rc = mc_h5_write(tmp, &job, result, &meta, e);
    tmp_created = 1;
    if (rc == MC_OK && rename(tmp, outbuf) != 0)
      rc = mc_err_set(e, MC_EFAIL, "cannot rename %s to %s: %s", tmp, outbuf, strerror(errno));
    if (rc == MC_OK) {
      tmp_created = 0;
      unlink(ckpt);
    }
  }
  rc = mc_engine_agree(rc, e, comm);
  if (rc == MC_OK) {
    /* Peak memory, the largest over ranks (collective). */
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long rss = ru.ru_maxrss, maxrss = 0;
    MPI_Reduce(&rss, &maxrss, 1, MPI_LONG, MPI_MAX, 0, comm);
    if (rank == 0 && !quiet) {
      double dt = MPI_Wtime() - t0;
      uint64_t n = mc_stats_done_samples(result);
      fprintf(stderr,
              "wrote %s: %llu samples in %.2f s (%.3g samples/s, %.3g per rank); peak memory "
              "per rank %.1f MiB\n",
              outbuf, (unsigned long long)n, dt, n / dt, n / dt / size, maxrss / 1024.0);
    }
  }

cleanup:
  if (samples) {
    mc_err e2 = {0};
    mc_h5_samples_close(samples, &e2);
  }
  if (rank == 0 && tmp[0] && (tmp_created || rc != MC_OK))
    unlink(tmp);
  if (rc != MC_OK && rank == 0) {
    fprintf(stderr, "crossover: %s\n", e->msg);
  }
  mc_stats_free(st);
  mc_stats_free(result);
  mc_stats_free(resumed);
  if (job_loaded)
    mc_job_free(&job);
  MPI_Finalize();
  return rc;
}
