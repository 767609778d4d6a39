/* Two hot loops of the block, alone, through their public entries:
 *   - the Philox4x64-10 uniforms (mc_rng_uniforms_isa) at each instruction
 *     set this machine has, ns per uniform;
 *   - mc_sketch_add on blocks of MC_BLOCK lognormal values, ns per value, for
 *     STORES sketches (the default job has 356: 20 series x 16 years and 36
 *     parameters) at 2^9 counters per octave (relative accuracy 0.001), and
 *     for 8 sketches, whose counters stay in the first-level cache.
 * Usage: hot_bench [STORES (356)] [REPEATS (15)]
 * Prints medians over REPEATS runs (and the least). Single-threaded; it
 * measures and asserts nothing. To compare two builds, build this file
 * against each one's libraries and alternate them (bench/README.md). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench_util.h"
#include "mc_engine.h" /* MC_BLOCK */
#include "mc_rng.h"
#include "mc_sketch.h"

/* median and least of t[0 .. r-1] (sorts t) */
static void report(const char *what, double *t, int r, const char *unit) {
  qsort(t, (size_t)r, sizeof *t, bench_cmp);
  printf("  %-34s %8.3f %s (least %.3f)\n", what, t[r / 2], unit, t[0]);
}

static double rng_run(int isa, double *u) {
  enum { BLOCKS = 4000 };
  double t0 = bench_now(), sink = 0;
  for (int b = 0; b < BLOCKS; b++) {
    mc_rng_uniforms_isa(isa, 2030, 0x9e3779b97f4a7c15u + (uint64_t)(b % 37), (uint64_t)b * MC_BLOCK,
                        MC_BLOCK, u);
    sink += u[b % MC_BLOCK];
  }
  double t = (bench_now() - t0) / ((double)BLOCKS * MC_BLOCK) * 1e9;
  return sink > 0 ? t : -t; /* sink keeps the calls */
}

static double sketch_run(mc_sketch *s, double *const *x, int stores, int blocks) {
  mc_err e;
  double t0 = bench_now();
  for (int b = 0; b < blocks; b++)
    for (int k = 0; k < stores; k++)
      if (mc_sketch_add(&s[k], x[k] + (size_t)(b & 7) * MC_BLOCK, MC_BLOCK, &e) != MC_OK) {
        fprintf(stderr, "hot_bench: %s\n", e.msg);
        exit(1);
      }
  return (bench_now() - t0) / ((double)blocks * stores * MC_BLOCK) * 1e9;
}

int main(int argc, char **argv) {
  int stores = argc > 1 ? atoi(argv[1]) : 356;
  int repeats = argc > 2 ? atoi(argv[2]) : 15;
  if (stores < 8 || stores > 4096 || repeats < 1 || repeats > 99) {
    fprintf(stderr, "usage: hot_bench [STORES (8 .. 4096)] [REPEATS (1 .. 99)]\n");
    return 2;
  }
  double t[99];
  double *u = malloc(sizeof(double) * MC_BLOCK);
  if (!u)
    return 1;
  printf("Philox4x64-10 uniforms, blocks of %d\n", MC_BLOCK);
  static const char *isa_name[] = {"C", "AVX2", "AVX-512"};
  for (int isa = 0; isa <= mc_rng_isa_max(); isa++) {
    for (int r = 0; r < repeats; r++)
      t[r] = fabs(rng_run(isa, u));
    report(isa_name[isa], t, repeats, "ns/uniform");
  }
  /* eight blocks of lognormal values per store, the spread growing with the
   * store's number (sigma 0.05 .. 0.65: about the default job's spreads, whose
   * 1024 values fall in 700 distinct buckets on average) */
  double **x = malloc(sizeof *x * (size_t)stores);
  mc_sketch *s = malloc(sizeof *s * (size_t)stores);
  if (!x || !s)
    return 1;
  uint64_t g = 88172645463325252u;
  for (int k = 0; k < stores; k++) {
    x[k] = malloc(sizeof(double) * 8 * MC_BLOCK);
    if (!x[k])
      return 1;
    double sigma = 0.05 + 0.6 * k / (stores - 1), mu = 20.0 * k / stores;
    for (int i = 0; i < 8 * MC_BLOCK; i++) {
      double v[2];
      for (int j = 0; j < 2; j++) {
        g ^= g << 13, g ^= g >> 7, g ^= g << 17;
        v[j] = ((double)(g >> 11) + 0.5) * 0x1p-53;
      }
      x[k][i] = exp(mu + sigma * sqrt(-2 * log(v[0])) * cos(2 * M_PI * v[1]));
    }
  }
  int mbits = mc_sketch_mbits(0.001);
  printf("mc_sketch_add, blocks of %d values, 2^%d counters per octave\n", MC_BLOCK, mbits);
  int counts[2] = {stores, 8};
  for (int c = 0; c < (stores == 8 ? 1 : 2); c++) {
    int ns = counts[c], blocks = (int)(4e7 / ((double)ns * MC_BLOCK)) + 1;
    for (int k = 0; k < ns; k++) {
      mc_sketch_init(&s[k], mbits);
      sketch_run(&s[k], &x[k], 1, 8); /* the stores grown to their range */
    }
    for (int r = 0; r < repeats; r++)
      t[r] = sketch_run(s, x, ns, blocks);
    char what[64];
    snprintf(what, sizeof what, "%d sketches", ns);
    report(what, t, repeats, "ns/value");
    for (int k = 0; k < ns; k++)
      mc_sketch_free(&s[k]);
  }
  return 0;
}
