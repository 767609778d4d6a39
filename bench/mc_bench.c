/* Per-phase cost of the engine on one core: sampling, projection (grid),
 * crossovers, sketch and moment updates, reduction and write, in nanoseconds
 * per sample, plus peak RSS. Usage: mc_bench JOB.yaml [SAMPLES] [REPEATS]
 * Prints the median over REPEATS runs of each phase. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "mc_engine.h"
#include "mc_h5.h"
#include "mc_job.h"
#include "mc_model.h"
#include "mc_sample.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

enum { PH_SAMPLE, PH_GRID, PH_CROSS, PH_SKETCH, PH_REDUCE, PH_WRITE, PH_TOTAL, NPH };
static const char *names[NPH] = {"sampling",           "projection", "crossovers", "sketch+moments",
                                 "reduction (1 rank)", "write",      "total"};

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: mc_bench JOB.yaml [SAMPLES] [REPEATS]\n");
    return 2;
  }
  MPI_Init(&argc, &argv);
  uint64_t n = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000;
  int reps = argc > 3 ? atoi(argv[3]) : 5;
  mc_err e = {0};
  mc_job job;
  if (mc_job_load(argv[1], &job, &e)) {
    fprintf(stderr, "%s\n", e.msg);
    return 2;
  }
  job.spec.samples = n;
  mc_spec *spec = &job.spec;
  mc_sampler smp;
  if (mc_sampler_init(&smp, spec, &e)) {
    fprintf(stderr, "%s\n", e.msg);
    return 2;
  }
  mc_model m;
  mc_model_init(&m, spec);
  int ny = mc_spec_nyears(spec);
  double *mem = malloc(sizeof(double) * MC_BLOCK *
                       (2 * MC_NPARAM + MC_NCOEF + MC_MODEL_WORK + MC_NSERIES * ny + spec->ncross));
  double *in[MC_NPARAM], *coef[MC_NCOEF], *tau[MC_MAXCROSS];
  double *p = mem;
  for (int i = 0; i < MC_NPARAM; i++, p += MC_BLOCK)
    in[i] = p;
  for (int i = 0; i < MC_NCOEF; i++, p += MC_BLOCK)
    coef[i] = p;
  double *grid = p;
  p += (size_t)MC_BLOCK * MC_NSERIES * ny;
  double *scratch = p;
  p += (size_t)MC_BLOCK * MC_NPARAM;
  double *mwork = p;
  p += (size_t)MC_BLOCK * MC_MODEL_WORK;
  for (int c = 0; c < spec->ncross; c++, p += MC_BLOCK)
    tau[c] = p;
  int year[MC_BLOCK];
  double(*t)[NPH] = calloc(reps, sizeof *t);
  char tmpl[] = "/tmp/mc_bench_XXXXXX";
  int fd = mkstemp(tmpl);
  close(fd);
  for (int r = 0; r < reps; r++) {
    mc_stats *st;
    mc_stats_alloc(spec, &st, &e);
    double t0 = now();
    for (uint64_t b = 0; b < st->nblocks; b++) {
      uint64_t first = b * MC_BLOCK;
      int bn = (int)(first + MC_BLOCK <= n ? MC_BLOCK : n - first);
      double a = now();
      mc_sampler_block(&smp, first, bn, in, scratch);
      double bt = now();
      mc_model_prepare((const double *const *)in, bn, coef);
      mc_model_grid(&m, (const double *const *)in, (const double *const *)coef, bn, grid, MC_BLOCK,
                    mwork);
      double c = now();
      for (int x = 0; x < spec->ncross; x++)
        mc_model_crossover(&m, (const double *const *)in, (const double *const *)coef, bn,
                           spec->cross[x].lhs, spec->cross[x].rhs, grid, MC_BLOCK, year, tau[x]);
      double d = now();
      for (int s = 0; s < MC_NSERIES; s++) {
        if (!mc_spec_has_series(spec, s))
          continue;
        for (int y = 0; y < ny; y++) {
          int k = s * ny + y;
          const double *xv = grid + (size_t)k * MC_BLOCK;
          mc_sketch_add(&st->series[k], xv, bn, &e);
          double s1, s2;
          mc_engine_block_moments(xv, bn, st->shift[k], &s1, &s2);
          mc_xsum_add(&st->sum1[k], s1);
          mc_xsum_add(&st->sum2[k], s2);
        }
      }
      for (int q = 0; q < MC_NPARAM; q++)
        if (spec->configured[q])
          mc_sketch_add(&st->param[q], in[q], bn, &e);
      st->done[b >> 3] |= (uint8_t)(1u << (b & 7));
      double f = now();
      t[r][PH_SAMPLE] += bt - a;
      t[r][PH_GRID] += c - bt;
      t[r][PH_CROSS] += d - c;
      t[r][PH_SKETCH] += f - d;
    }
    double a = now();
    mc_stats *red;
    mc_stats_alloc(spec, &red, &e);
    mc_stats_reduce(st, red, 0, MPI_COMM_WORLD, &e);
    double bt = now();
    mc_h5_meta meta = {1, 1, "", 0};
    if (mc_h5_write(tmpl, &job, red, &meta, &e))
      fprintf(stderr, "%s\n", e.msg);
    double c = now();
    t[r][PH_REDUCE] = bt - a;
    t[r][PH_WRITE] = c - bt;
    t[r][PH_TOTAL] = c - t0;
    mc_stats_free(st);
    mc_stats_free(red);
  }
  unlink(tmpl);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("mc_bench: %s, %llu samples, median of %d runs, one core\n", spec->scenario,
         (unsigned long long)n, reps);
  printf("  %-20s %12s %14s\n", "phase", "ns/sample", "samples/s");
  for (int ph = 0; ph < NPH; ph++) {
    double v[64];
    for (int r = 0; r < reps; r++)
      v[r] = t[r][ph];
    qsort(v, reps, sizeof v[0], cmp);
    double med = v[reps / 2];
    printf("  %-20s %12.1f %14.4g\n", names[ph], 1e9 * med / n, n / med);
  }
  printf("  peak RSS %.1f MiB\n", ru.ru_maxrss / 1024.0);
  mc_sampler_free(&smp);
  mc_job_free(&job);
  free(t);
  free(mem);
  MPI_Finalize();
  return 0;
}
