/* The model `capacity` kernel alone: nanoseconds per sample of
 * mc_capacity_grid and of one mc_capacity_crossover, on blocks of MC_BLOCK
 * samples drawn around the calibration's central values (base year 2025).
 * Usage: capacity_bench [HORIZON_YEAR (2040)] [BLOCKS (2000)] [REPEATS (7)] [BLOCK (MC_BLOCK)]
 * Prints the median over REPEATS runs. Single-threaded; it measures and
 * asserts nothing. The same grid is written again and again: with a block
 * small enough for its grid to stay in cache (BLOCK = 128: 330 kB at 16
 * years) the figure is the arithmetic alone, without the cost of writing the
 * grid out to memory that the engine's blocks of MC_BLOCK pay. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench_util.h"
#include "capacity_central.h"
#include "mc_capacity.h"
#include "mc_engine.h" /* MC_BLOCK */

int main(int argc, char **argv) {
  int horizon = argc > 1 ? atoi(argv[1]) : 2040;
  int blocks = argc > 2 ? atoi(argv[2]) : 2000;
  int repeats = argc > 3 ? atoi(argv[3]) : 7;
  int n = argc > 4 ? atoi(argv[4]) : MC_BLOCK;
  int ny = horizon - 2025 + 1;
  if (ny < 1 || ny > MC_MAXYEARS || blocks < 1 || repeats < 1 || repeats > 99 || n < 1 ||
      n > MC_BLOCK) {
    fprintf(stderr, "usage: capacity_bench [HORIZON_YEAR] [BLOCKS] [REPEATS] [BLOCK]\n");
    return 2;
  }
  enum { N = MC_BLOCK };
  static double par[MC_CAP_NPARAM][N];
  const double *in[MC_CAP_NPARAM];
  /* each parameter its central value times a factor in [0.8, 1.2], kept valid */
  uint64_t x = 88172645463325252u;
  for (int p = 0; p < MC_CAP_NPARAM; p++) {
    in[p] = par[p];
    const mc_param_info *q = &mc_cap_param_table[p];
    for (int i = 0; i < N; i++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      double v = capacity_central[p] * (0.8 + 0.4 * (double)(x >> 11) * 0x1p-53);
      v = v > q->hi ? q->hi : v;
      par[p][i] = v < q->lo ? q->lo : v;
    }
  }
  /* on a cache line, as the engine's block buffers are (engine/mc_block.c) */
  double *grid = aligned_alloc(64, ((size_t)MC_CAP_NSERIES * ny * n * sizeof *grid + 63) / 64 * 64);
  double *work = aligned_alloc(64, (MC_CAPACITY_WORK_DOUBLES(ny) * sizeof *work + 63) / 64 * 64);
  uint8_t *bind = malloc((size_t)ny * n);
  int *year = malloc(N * sizeof *year);
  double *tau = malloc(N * sizeof *tau);
  if (!grid || !work || !bind || !year || !tau)
    return 1;
  double tg[99], tc[99], sink = 0;
  for (int r = 0; r < repeats; r++) {
    double t0 = bench_now();
    for (int b = 0; b < blocks; b++)
      mc_capacity_grid(ny, in, n, grid, n, bind, n, work);
    double t1 = bench_now();
    const double *l = grid + (size_t)MC_CS_INFERENCE_COMPUTE * ny * n,
                 *rr = grid + (size_t)MC_CS_TRAINING_COMPUTE * ny * n;
    for (int b = 0; b < blocks; b++) {
      mc_capacity_crossover(ny, n, l, rr, n, year, tau);
      sink += tau[b % n];
    }
    double t2 = bench_now();
    tg[r] = (t1 - t0) / ((double)blocks * n) * 1e9;
    tc[r] = (t2 - t1) / ((double)blocks * n) * 1e9;
  }
  qsort(tg, repeats, sizeof tg[0], bench_cmp);
  qsort(tc, repeats, sizeof tc[0], bench_cmp);
  printf("model capacity, %d grid years, blocks of %d, %d blocks, median of %d runs\n", ny, n,
         blocks, repeats);
  printf("mc_capacity_grid       %8.1f ns/sample\n", tg[repeats / 2]);
  printf("mc_capacity_crossover  %8.1f ns/sample (one pair)\n", tc[repeats / 2]);
  if (sink == 12345.678)
    printf("\n");
  free(grid);
  free(work);
  free(bind);
  free(year);
  free(tau);
  return 0;
}
