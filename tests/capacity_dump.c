/* Runs the model `capacity` kernel on parameters read from stdin and writes
 * its grid, binding codes and default crossovers to stdout, for
 * tests/capacity_ref_check.py, which compares them with the NumPy reference
 * bench/reference_capacity.py.
 *
 * Usage: capacity_dump [BLOCK]: the samples go through mc_capacity_grid in
 * blocks of BLOCK (default: all at once), with a row stride larger than the
 * block, so the caller can check that neither changes a bit.
 *
 * stdin (native byte order): int32 n, int32 ny, then MC_CAP_NPARAM * n
 * doubles, parameter p of sample i at p * n + i, every default filled in.
 * stdout: the grid as doubles, series s, year y, sample i at
 * (s * ny + y) * n + i; the binding codes as bytes at y * n + i; then for
 * each default crossover (hardware, spend, energy, compute) n int32 years
 * and n double crossing times. Exit status 0, or 1 with a message. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "mc_capacity.h"

static const int pairs[4][2] = {
    {MC_CS_INFERENCE_HARDWARE, MC_CS_TRAINING_HARDWARE},
    {MC_CS_INFERENCE_SPEND, MC_CS_TRAINING_SPEND},
    {MC_CS_INFERENCE_ENERGY, MC_CS_TRAINING_ENERGY},
    {MC_CS_INFERENCE_COMPUTE, MC_CS_TRAINING_COMPUTE},
};

static int fail(const char *msg) {
  fprintf(stderr, "capacity_dump: %s\n", msg);
  return 1;
}

int main(int argc, char **argv) {
  int32_t hdr[2];
  if (fread(hdr, sizeof hdr[0], 2, stdin) != 2)
    return fail("cannot read n and ny");
  int n = hdr[0], ny = hdr[1];
  if (n < 1 || ny < 1 || ny > MC_MAXYEARS)
    return fail("bad n or ny");
  int block = argc > 1 ? atoi(argv[1]) : n;
  if (block < 1 || block > n)
    block = n;
  int stride = block + 5; /* a stride other than the block size */
  size_t np = (size_t)MC_CAP_NPARAM * n, ng = (size_t)MC_CAP_NSERIES * ny * n;
  double *par = malloc(np * sizeof *par), *grid = malloc(ng * sizeof *grid);
  uint8_t *bind = malloc((size_t)ny * n);
  double *bgrid = malloc((size_t)MC_CAP_NSERIES * ny * stride * sizeof *bgrid);
  uint8_t *bbind = malloc((size_t)ny * (stride + 3));
  double *work = malloc(MC_CAPACITY_WORK_DOUBLES(ny) * sizeof *work);
  int *byear = malloc((size_t)block * sizeof *byear);
  double *tauc[4];
  int32_t *yearc[4];
  int ok = par && grid && bind && bgrid && bbind && work && byear;
  for (int c = 0; c < 4; c++) {
    tauc[c] = malloc((size_t)n * sizeof *tauc[c]);
    yearc[c] = malloc((size_t)n * sizeof *yearc[c]);
    ok = ok && tauc[c] && yearc[c];
  }
  const char *err = !ok ? "out of memory" : NULL;
  if (!err && fread(par, sizeof *par, np, stdin) != np)
    err = "cannot read the parameters";
  for (int i0 = 0; !err && i0 < n; i0 += block) {
    int m = n - i0 < block ? n - i0 : block;
    const double *in[MC_CAP_NPARAM];
    for (int p = 0; p < MC_CAP_NPARAM; p++)
      in[p] = par + (size_t)p * n + i0;
    mc_capacity_grid(ny, in, m, bgrid, stride, bbind, stride + 3, work);
    for (int s = 0; s < MC_CAP_NSERIES; s++)
      for (int y = 0; y < ny; y++)
        for (int i = 0; i < m; i++)
          grid[((size_t)s * ny + y) * n + i0 + i] = bgrid[((size_t)s * ny + y) * stride + i];
    for (int y = 0; y < ny; y++)
      for (int i = 0; i < m; i++)
        bind[(size_t)y * n + i0 + i] = bbind[(size_t)y * (stride + 3) + i];
    for (int c = 0; c < 4; c++) {
      const double *l = bgrid + (size_t)pairs[c][0] * ny * stride;
      const double *r = bgrid + (size_t)pairs[c][1] * ny * stride;
      mc_capacity_crossover(ny, m, l, r, stride, byear, tauc[c] + i0);
      for (int i = 0; i < m; i++)
        yearc[c][i0 + i] = byear[i];
    }
  }
  if (!err) {
    ok = fwrite(grid, sizeof *grid, ng, stdout) == ng &&
         fwrite(bind, 1, (size_t)ny * n, stdout) == (size_t)ny * n;
    for (int c = 0; c < 4 && ok; c++)
      ok = fwrite(yearc[c], sizeof *yearc[c], n, stdout) == (size_t)n &&
           fwrite(tauc[c], sizeof *tauc[c], n, stdout) == (size_t)n;
    if (!ok || fflush(stdout) != 0)
      err = "cannot write the results";
  }
  for (int c = 0; c < 4; c++) {
    free(tauc[c]);
    free(yearc[c]);
  }
  free(par);
  free(grid);
  free(bind);
  free(bgrid);
  free(bbind);
  free(work);
  free(byear);
  return err ? fail(err) : 0;
}
