/* Per-phase cost of the engine: the real engine loop (mc_engine_run, timing
 * each phase of every block it processes: mc_run_opts.phase_time), then the
 * write of the results file, in nanoseconds per sample per core, plus peak RSS.
 * Usage: [mpiexec -n R] mc_bench JOB.yaml [SAMPLES] [REPEATS]
 * Prints the median over REPEATS runs of each phase (rank 0's figures; with R
 * ranks each processes SAMPLES / R). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "mc_engine.h"
#include "mc_h5.h"
#include "mc_job.h"

enum { PH_WRITE = MC_NPHASES, PH_TOTAL, NPH };
static const char *names[NPH] = {"sampling", "projection", "crossovers", "sketches+moments",
                                 "other",    "reduction",  "write",      "total"};

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: [mpiexec -n R] mc_bench JOB.yaml [SAMPLES] [REPEATS]\n");
    return 2;
  }
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  uint64_t n = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000;
  int reps = argc > 3 ? atoi(argv[3]) : 5;
  if (reps < 1 || reps > 64)
    reps = 5;
  mc_err e = {0};
  mc_job job;
  if (mc_job_load(argv[1], &job, &e)) {
    fprintf(stderr, "%s\n", e.msg);
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
  job.spec.samples = n;
  double(*t)[NPH] = calloc(reps, sizeof *t);
  char tmpl[] = "/tmp/mc_bench_XXXXXX";
  if (rank == 0) {
    int fd = mkstemp(tmpl);
    close(fd);
  }
  for (int r = 0; r < reps; r++) {
    mc_stats *st = NULL, *res = NULL;
    if (mc_stats_alloc(&job.spec, &st, &e)) {
      fprintf(stderr, "%s\n", e.msg);
      MPI_Abort(MPI_COMM_WORLD, 2);
    }
    mc_run_opts opts = {.part_k = 1, .part_n = 1, .phase_time = t[r]};
    MPI_Barrier(MPI_COMM_WORLD);
    double t0 = bench_now();
    if (mc_engine_run(&job.spec, st, &opts, MPI_COMM_WORLD, &res, &e)) {
      fprintf(stderr, "%s\n", e.msg);
      MPI_Abort(MPI_COMM_WORLD, 2);
    }
    double t1 = bench_now();
    if (rank == 0) {
      mc_h5_meta meta = {1, size, "", 0, 0};
      if (mc_h5_write(tmpl, &job, res, &meta, &e))
        fprintf(stderr, "%s\n", e.msg);
    }
    double t2 = bench_now();
    t[r][PH_WRITE] = t2 - t1;
    t[r][PH_TOTAL] = t2 - t0;
    mc_stats_free(st);
    mc_stats_free(res);
  }
  if (rank == 0)
    unlink(tmpl);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  if (rank == 0) {
    double per_rank = (double)n / size;
    printf("mc_bench: %s, %llu samples on %d rank(s), median of %d runs (rank 0)\n",
           job.spec.scenario, (unsigned long long)n, size, reps);
    printf("  %-18s %16s %16s\n", "phase", "ns/sample/core", "samples/s/core");
    for (int ph = 0; ph < NPH; ph++) {
      double v[64];
      for (int r = 0; r < reps; r++)
        v[r] = t[r][ph];
      qsort(v, reps, sizeof v[0], bench_cmp);
      double med = v[reps / 2];
      printf("  %-18s %16.1f %16.4g\n", names[ph], 1e9 * med / per_rank,
             med > 0 ? per_rank / med : INFINITY);
    }
    printf("  peak RSS %.1f MiB (rank 0)\n", ru.ru_maxrss / 1024.0);
  }
  mc_job_free(&job);
  free(t);
  MPI_Finalize();
  return 0;
}
