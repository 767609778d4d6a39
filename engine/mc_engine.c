#include "mc_engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mc_model.h"
#include "mc_sample.h"
#include "mc_vmath.h"

/* ---- state ------------------------------------------------------------ */

static int nsketch(const mc_stats *st) { return MC_NSERIES * st->ny; }

int mc_stats_alloc(const mc_spec *spec, mc_stats **out, mc_err *e) {
  int rc = MC_OK;
  mc_stats *st = calloc(1, sizeof *st);
  if (!st)
    return mc_err_set(e, MC_EFAIL, "out of memory allocating the run state");
  st->ny = mc_spec_nyears(spec);
  st->ncross = spec->ncross;
  st->mbits = mc_sketch_mbits(spec->rel_acc);
  st->samples = spec->samples;
  st->nblocks = (spec->samples + MC_BLOCK - 1) / MC_BLOCK;
  st->ntau = (int64_t)(st->ny - 1) * MC_TAU_BINS_PER_YEAR + 1;
  int nsk = nsketch(st);
  st->done = calloc((st->nblocks + 7) / 8 + 1, 1);
  st->series = calloc(nsk, sizeof *st->series);
  st->sum1 = calloc(nsk, sizeof *st->sum1);
  st->sum2 = calloc(nsk, sizeof *st->sum2);
  st->shift = calloc(nsk, sizeof *st->shift);
  st->year_counts = calloc((size_t)st->ncross * st->ny + 1, sizeof *st->year_counts);
  st->never = calloc(st->ncross + 1, sizeof *st->never);
  st->tau_hist = calloc((size_t)st->ncross * st->ntau + 1, sizeof *st->tau_hist);
  if (!st->done || !st->series || !st->sum1 || !st->sum2 || !st->shift || !st->year_counts ||
      !st->never || !st->tau_hist)
    MC_FAIL(e, MC_EFAIL, "out of memory allocating the run state (%llu blocks)",
            (unsigned long long)st->nblocks);
  for (int k = 0; k < nsk; k++) {
    mc_sketch_init(&st->series[k], st->mbits);
    mc_xsum_init(&st->sum1[k]);
    mc_xsum_init(&st->sum2[k]);
  }
  for (int p = 0; p < MC_NPARAM; p++)
    mc_sketch_init(&st->param[p], st->mbits);

  /* Shift for the moments: the series at the parameters' medians, a value
   * every rank computes alike without sampling (keeps sums of squares free
   * of cancellation, and constant series exact). */
  {
    double inbuf[MC_NPARAM], coefbuf[MC_NCOEF], *in[MC_NPARAM], *coef[MC_NCOEF];
    double grid[MC_NSERIES * 512];
    for (int p = 0; p < MC_NPARAM; p++)
      in[p] = &inbuf[p];
    for (int c = 0; c < MC_NCOEF; c++)
      coef[c] = &coefbuf[c];
    for (int p = 0; p < MC_NPARAM; p++) {
      const mc_param_info *pi = &mc_params[p];
      if (spec->configured[p])
        inbuf[p] = mc_dist_quantile(&spec->dist[p], 0.5);
      else if (pi->dflt_kind == MC_DEF_ABSENT)
        inbuf[p] = NAN;
      else if (pi->dflt_kind != MC_DEF_FOLLOWS)
        inbuf[p] = pi->dflt;
    }
    for (int p = 0; p < MC_NPARAM; p++)
      if (!spec->configured[p] && mc_params[p].dflt_kind == MC_DEF_FOLLOWS)
        inbuf[p] = inbuf[mc_params[p].follows];
    if (st->ny <= 512) {
      mc_model m;
      mc_model_init(&m, spec);
      mc_model_prepare((const double *const *)in, 1, coef);
      double mwork[MC_MODEL_WORK];
      mc_model_grid(&m, (const double *const *)in, (const double *const *)coef, 1, grid, 1, mwork);
      for (int k = 0; k < nsk; k++)
        st->shift[k] = isfinite(grid[k]) ? grid[k] : 0.0;
    }
  }
  *out = st;
  return MC_OK;
cleanup:
  mc_stats_free(st);
  return rc;
}

void mc_stats_free(mc_stats *st) {
  if (!st)
    return;
  if (st->series)
    for (int k = 0; k < nsketch(st); k++)
      mc_sketch_free(&st->series[k]);
  for (int p = 0; p < MC_NPARAM; p++)
    mc_sketch_free(&st->param[p]);
  free(st->done);
  free(st->series);
  free(st->sum1);
  free(st->sum2);
  free(st->shift);
  free(st->year_counts);
  free(st->never);
  free(st->tau_hist);
  free(st);
}

uint64_t mc_stats_done_samples(const mc_stats *st) {
  uint64_t n = 0;
  for (uint64_t b = 0; b < st->nblocks; b++)
    if (mc_stats_block_done(st, b)) {
      uint64_t end = (b + 1) * MC_BLOCK < st->samples ? (b + 1) * MC_BLOCK : st->samples;
      n += end - b * MC_BLOCK;
    }
  return n;
}

int mc_stats_merge(mc_stats *dst, const mc_stats *src, mc_err *e) {
  if (dst->ny != src->ny || dst->ncross != src->ncross || dst->mbits != src->mbits ||
      dst->samples != src->samples || dst->ntau != src->ntau)
    return mc_err_set(e, MC_EINPUT,
                      "the states differ in shape (years, crossovers, accuracy "
                      "or sample count): they are not parts of one job");
  for (uint64_t i = 0; i < (dst->nblocks + 7) / 8; i++)
    if (dst->done[i] & src->done[i]) {
      uint64_t b = i * 8;
      while (!((dst->done[i] & src->done[i]) >> (b & 7) & 1))
        b++;
      return mc_err_set(e, MC_EINPUT,
                        "the parts overlap: both hold block %llu (samples %llu..%llu)",
                        (unsigned long long)b, (unsigned long long)(b * MC_BLOCK),
                        (unsigned long long)((b + 1) * MC_BLOCK - 1));
    }
  int rc = MC_OK;
  for (int k = 0; k < nsketch(dst); k++) {
    MC_CHECK(mc_sketch_merge(&dst->series[k], &src->series[k], e));
    mc_xsum_merge(&dst->sum1[k], &src->sum1[k]);
    mc_xsum_merge(&dst->sum2[k], &src->sum2[k]);
  }
  for (int p = 0; p < MC_NPARAM; p++)
    MC_CHECK(mc_sketch_merge(&dst->param[p], &src->param[p], e));
  for (size_t i = 0; i < (size_t)dst->ncross * dst->ny; i++)
    dst->year_counts[i] += src->year_counts[i];
  for (int c = 0; c < dst->ncross; c++)
    dst->never[c] += src->never[c];
  for (size_t i = 0; i < (size_t)dst->ncross * dst->ntau; i++)
    dst->tau_hist[i] += src->tau_hist[i];
  for (uint64_t i = 0; i < (dst->nblocks + 7) / 8; i++)
    dst->done[i] |= src->done[i];
cleanup:
  return rc;
}

/* ---- MPI reduction ------------------------------------------------------ */

static int mpi_check(int code, const char *call, mc_err *e) {
  if (code == MPI_SUCCESS)
    return MC_OK;
  char s[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(code, s, &len);
  return mc_err_set(e, MC_EFAIL, "%s failed: %s", call, s);
}
#define MPI_CHECK(call) MC_CHECK(mpi_check((call), #call, e))

/* The sketches of a state in one list: series then parameters. */
static mc_sketch *sketch_at(mc_stats *st, int k) {
  int nsk = nsketch(st);
  return k < nsk ? &st->series[k] : &st->param[k - nsk];
}

int mc_stats_reduce(const mc_stats *st_in, mc_stats *out, int root, MPI_Comm comm, mc_err *e) {
  mc_stats *st = (mc_stats *)st_in; /* only read; sketch_at is shared with out */
  int rc = MC_OK, rank;
  MPI_Comm_rank(comm, &rank);
  int nsk = nsketch(st) + MC_NPARAM;
  int64_t *lo = NULL, *hi = NULL;
  uint64_t *buf = NULL, *sum = NULL;
  int64_t *xb = NULL, *xr = NULL;
  lo = malloc(sizeof *lo * 2 * nsk);
  hi = malloc(sizeof *hi * 2 * nsk);
  if (!lo || !hi)
    MC_FAIL(e, MC_EFAIL, "out of memory in the reduction");
  for (int k = 0; k < nsk; k++) {
    const mc_sketch *s = sketch_at(st, k);
    const mc_store *stores[2] = {&s->pos, &s->neg};
    for (int j = 0; j < 2; j++) {
      lo[2 * k + j] = stores[j]->len ? stores[j]->lo : INT64_MAX;
      hi[2 * k + j] = stores[j]->len ? stores[j]->lo + stores[j]->len - 1 : INT64_MIN;
    }
  }
  MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, lo, 2 * nsk, MPI_INT64_T, MPI_MIN, comm));
  MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, hi, 2 * nsk, MPI_INT64_T, MPI_MAX, comm));

  /* One flat vector of every integer count, summed in one MPI_Reduce. */
  size_t len = 0;
  for (int k = 0; k < 2 * nsk; k++)
    if (hi[k] >= lo[k])
      len += (size_t)(hi[k] - lo[k] + 1);
  size_t fixed =
      (size_t)2 * nsk + (size_t)st->ncross * st->ny + st->ncross + (size_t)st->ncross * st->ntau;
  size_t total = len + fixed;
  buf = calloc(total, sizeof *buf);
  if (rank == root)
    sum = calloc(total, sizeof *sum);
  if (!buf || (rank == root && !sum))
    MC_FAIL(e, MC_EFAIL, "out of memory in the reduction");
  size_t at = 0;
  for (int k = 0; k < nsk; k++) {
    const mc_sketch *s = sketch_at(st, k);
    const mc_store *stores[2] = {&s->pos, &s->neg};
    for (int j = 0; j < 2; j++) {
      if (hi[2 * k + j] < lo[2 * k + j])
        continue;
      for (int64_t i = 0; i < stores[j]->len; i++)
        buf[at + (size_t)(stores[j]->lo - lo[2 * k + j] + i)] = stores[j]->counts[i];
      at += (size_t)(hi[2 * k + j] - lo[2 * k + j] + 1);
    }
  }
  for (int k = 0; k < nsk; k++) {
    buf[at++] = sketch_at(st, k)->zero;
    buf[at++] = sketch_at(st, k)->nonfinite;
  }
  memcpy(buf + at, st->year_counts, sizeof *buf * st->ncross * st->ny);
  at += (size_t)st->ncross * st->ny;
  memcpy(buf + at, st->never, sizeof *buf * st->ncross);
  at += st->ncross;
  memcpy(buf + at, st->tau_hist, sizeof *buf * st->ncross * st->ntau);
  at += (size_t)st->ncross * st->ntau;
  /* done bitmaps are OR-ed: after a resume every rank knows the resumed blocks */
  {
    uint64_t nbytes = (st->nblocks + 7) / 8;
    uint8_t *bits = rank == root ? calloc(nbytes + 1, 1) : NULL;
    if (rank == root && !bits)
      MC_FAIL(e, MC_EFAIL, "out of memory in the reduction");
    for (uint64_t off = 0; off < nbytes && rc == MC_OK; off += 1u << 30) {
      int cnt = (int)(nbytes - off < (1u << 30) ? nbytes - off : (1u << 30));
      rc = mpi_check(MPI_Reduce(st->done + off, bits ? bits + off : NULL, cnt, MPI_UINT8_T, MPI_BOR,
                                root, comm),
                     "MPI_Reduce", e);
    }
    if (bits && rc == MC_OK)
      for (uint64_t i = 0; i < nbytes; i++)
        out->done[i] |= bits[i];
    free(bits);
    if (rc != MC_OK)
      goto cleanup;
  }
  for (size_t off = 0; off < total; off += (size_t)1 << 28) {
    int cnt = (int)(total - off < ((size_t)1 << 28) ? total - off : ((size_t)1 << 28));
    MPI_CHECK(MPI_Reduce(buf + off, rank == root ? sum + off : NULL, cnt, MPI_UINT64_T, MPI_SUM,
                         root, comm));
  }

  /* Exact sums: canonical chunks summed as integers. */
  int nx = 2 * nsketch(st);
  size_t xlen = (size_t)nx * (MC_XSUM_CHUNKS + 3);
  xb = malloc(sizeof *xb * xlen);
  if (rank == root)
    xr = malloc(sizeof *xr * xlen);
  if (!xb || (rank == root && !xr))
    MC_FAIL(e, MC_EFAIL, "out of memory in the reduction");
  for (int k = 0; k < nx; k++) {
    mc_xsum x = k < nsketch(st) ? st->sum1[k] : st->sum2[k - nsketch(st)];
    mc_xsum_normalize(&x);
    int64_t *d = xb + (size_t)k * (MC_XSUM_CHUNKS + 3);
    memcpy(d, x.c, sizeof x.c);
    d[MC_XSUM_CHUNKS] = (int64_t)x.ninf_pos;
    d[MC_XSUM_CHUNKS + 1] = (int64_t)x.ninf_neg;
    d[MC_XSUM_CHUNKS + 2] = (int64_t)x.nnan;
  }
  MPI_CHECK(MPI_Reduce(xb, xr, (int)xlen, MPI_INT64_T, MPI_SUM, root, comm));

  if (rank == root) {
    at = 0;
    for (int k = 0; k < nsk; k++) {
      mc_sketch *s = sketch_at(out, k);
      mc_store *stores[2] = {&s->pos, &s->neg};
      for (int j = 0; j < 2; j++) {
        if (hi[2 * k + j] < lo[2 * k + j])
          continue;
        int64_t n = hi[2 * k + j] - lo[2 * k + j] + 1;
        MC_CHECK(mc_store_cover(stores[j], lo[2 * k + j], hi[2 * k + j], e));
        for (int64_t i = 0; i < n; i++)
          stores[j]->counts[lo[2 * k + j] - stores[j]->lo + i] += sum[at + (size_t)i];
        at += (size_t)n;
      }
    }
    for (int k = 0; k < nsk; k++) {
      sketch_at(out, k)->zero += sum[at++];
      sketch_at(out, k)->nonfinite += sum[at++];
    }
    for (size_t i = 0; i < (size_t)out->ncross * out->ny; i++)
      out->year_counts[i] += sum[at++];
    for (int c = 0; c < out->ncross; c++)
      out->never[c] += sum[at++];
    for (size_t i = 0; i < (size_t)out->ncross * out->ntau; i++)
      out->tau_hist[i] += sum[at++];
    for (int k = 0; k < nx; k++) {
      mc_xsum x;
      mc_xsum_init(&x);
      const int64_t *d = xr + (size_t)k * (MC_XSUM_CHUNKS + 3);
      memcpy(x.c, d, sizeof x.c);
      x.ninf_pos = (uint64_t)d[MC_XSUM_CHUNKS];
      x.ninf_neg = (uint64_t)d[MC_XSUM_CHUNKS + 1];
      x.nnan = (uint64_t)d[MC_XSUM_CHUNKS + 2];
      x.nadd = 1;
      mc_xsum_normalize(&x);
      mc_xsum *dst = k < nsketch(out) ? &out->sum1[k] : &out->sum2[k - nsketch(out)];
      mc_xsum_merge(dst, &x);
    }
  }
cleanup:
  free(lo);
  free(hi);
  free(buf);
  free(sum);
  free(xb);
  free(xr);
  return rc;
}

/* ---- derived statistics ------------------------------------------------- */

double mc_stats_series_percentile(const mc_stats *st, int series, int y, double p) {
  return mc_sketch_quantile(&st->series[series * st->ny + y], p);
}

double mc_stats_series_mean(const mc_stats *st, int series, int y) {
  int k = series * st->ny + y;
  uint64_t n = mc_sketch_count(&st->series[k]);
  if (n == 0)
    return NAN;
  return st->shift[k] + mc_xsum_value(&st->sum1[k]) / (double)n;
}

double mc_stats_series_std(const mc_stats *st, int series, int y) {
  int k = series * st->ny + y;
  uint64_t n = mc_sketch_count(&st->series[k]);
  if (n == 0)
    return NAN;
  double m1 = mc_xsum_value(&st->sum1[k]) / (double)n;
  double m2 = mc_xsum_value(&st->sum2[k]) / (double)n;
  double var = m2 - m1 * m1;
  return var > 0 ? sqrt(var) : 0.0;
}

double mc_stats_param_percentile(const mc_stats *st, int param, double p) {
  return mc_sketch_quantile(&st->param[param], p);
}

double mc_stats_time_quantile(const mc_stats *st, int cross, double p) {
  const uint64_t *h = st->tau_hist + (size_t)cross * st->ntau;
  /* Censored samples (no crossing time) rank last, so n counts every sample;
   * a sample can cross between grid years without having a crossover year,
   * so the `never` count is not the censored count. */
  uint64_t n = mc_stats_done_samples(st);
  if (n == 0)
    return NAN;
  double kd = ceil(p * (double)n / 100.0);
  uint64_t k = kd < 1 ? 1 : (uint64_t)kd;
  if (k > n)
    k = n;
  uint64_t cum = 0;
  for (int64_t b = 0; b < st->ntau; b++) {
    cum += h[b];
    if (cum >= k) {
      double tau = b == 0 ? 0.0 : ((double)b - 0.5) / MC_TAU_BINS_PER_YEAR;
      return tau;
    }
  }
  return NAN; /* the k-th sample is censored */
}

void mc_engine_part_blocks(uint64_t nblocks, int k, int n, uint64_t *first, uint64_t *last) {
  /* 128-bit products: exact for any block count */
  *first = (uint64_t)((unsigned __int128)nblocks * (unsigned)(k - 1) / (unsigned)n);
  *last = (uint64_t)((unsigned __int128)nblocks * (unsigned)k / (unsigned)n);
}

/* ---- the run ------------------------------------------------------------ */

/* Buffers for one block, allocated once per run (nothing is allocated in the
 * block loop but sketch growth). */
typedef struct workspace {
  double *in[MC_NPARAM];
  double *coef[MC_NCOEF];
  double *grid;
  double *scratch;
  double *mwork;
  double *tau[MC_MAXCROSS];
  int *year;
  void *mem;
} workspace;

static int workspace_alloc(workspace *w, int ny, int ncross, mc_err *e) {
  size_t B = MC_BLOCK;
  size_t doubles =
      B * (MC_NPARAM + MC_NCOEF + (size_t)MC_NSERIES * ny + MC_NPARAM + MC_MODEL_WORK + ncross);
  w->mem = malloc(doubles * sizeof(double) + B * sizeof(int));
  if (!w->mem)
    return mc_err_set(e, MC_EFAIL, "out of memory allocating block buffers");
  double *p = w->mem;
  for (int i = 0; i < MC_NPARAM; i++, p += B)
    w->in[i] = p;
  for (int i = 0; i < MC_NCOEF; i++, p += B)
    w->coef[i] = p;
  w->grid = p;
  p += B * MC_NSERIES * ny;
  w->scratch = p;
  p += B * MC_NPARAM;
  w->mwork = p;
  p += B * MC_MODEL_WORK;
  for (int i = 0; i < ncross; i++, p += B)
    w->tau[i] = p;
  w->year = (int *)p;
  return MC_OK;
}

/* Which parameters have a realized distribution worth recording. */
static int param_recorded(const mc_spec *spec, int p) {
  return spec->configured[p] || mc_params[p].dflt_kind == MC_DEF_FOLLOWS;
}

MC_CLONES void mc_engine_block_moments(const double *x, int n, double K, double *s1, double *s2) {
  /* Eight interleaved partial sums, combined in a fixed order: the same
   * bits on every rank, and a loop that vectorizes. */
  double a[8] = {0}, b[8] = {0};
  int i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; l++) {
      double v = x[i + l];
      double d = (v - v == 0) ? v - K : 0.0; /* 0 for NaN and +-inf */
      a[l] += d;
      b[l] += d * d;
    }
  for (; i < n; i++) {
    double v = x[i];
    double d = (v - v == 0) ? v - K : 0.0;
    a[0] += d;
    b[0] += d * d;
  }
  *s1 = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
  *s2 = ((b[0] + b[1]) + (b[2] + b[3])) + ((b[4] + b[5]) + (b[6] + b[7]));
}

static int process_block(const mc_spec *spec, const mc_sampler *smp, const mc_model *m,
                         mc_stats *st, workspace *w, uint64_t b, const mc_run_opts *opts,
                         mc_err *e) {
  int rc = MC_OK;
  uint64_t first = b * MC_BLOCK;
  int n = (int)((first + MC_BLOCK <= st->samples) ? MC_BLOCK : st->samples - first);
  int ny = st->ny;
  mc_sampler_block(smp, first, n, w->in, w->scratch);
  for (int p = 0; p < MC_NPARAM; p++)
    if (param_recorded(spec, p))
      MC_CHECK(mc_sketch_add(&st->param[p], w->in[p], n, e));
  mc_model_prepare((const double *const *)w->in, n, w->coef);
  mc_model_grid(m, (const double *const *)w->in, (const double *const *)w->coef, n, w->grid,
                MC_BLOCK, w->mwork);
  for (int s = 0; s < MC_NSERIES; s++) {
    if (!mc_spec_has_series(spec, s))
      continue;
    for (int y = 0; y < ny; y++) {
      int k = s * ny + y;
      const double *x = w->grid + (size_t)k * MC_BLOCK;
      MC_CHECK(mc_sketch_add(&st->series[k], x, n, e));
      double s1, s2;
      mc_engine_block_moments(x, n, st->shift[k], &s1, &s2);
      mc_xsum_add(&st->sum1[k], s1);
      mc_xsum_add(&st->sum2[k], s2);
    }
  }
  for (int c = 0; c < spec->ncross; c++) {
    double *tau = w->tau[c];
    mc_model_crossover(m, (const double *const *)w->in, (const double *const *)w->coef, n,
                       spec->cross[c].lhs, spec->cross[c].rhs, w->grid, MC_BLOCK, w->year, tau);
    uint64_t *yc = st->year_counts + (size_t)c * ny;
    uint64_t *h = st->tau_hist + (size_t)c * st->ntau;
    for (int i = 0; i < n; i++) {
      if (w->year[i] < 0)
        st->never[c]++;
      else
        yc[w->year[i]]++;
      if (isinf(tau[i])) {
        tau[i] = NAN;
        continue;
      }
      int64_t bin = tau[i] <= 0 ? 0 : (int64_t)ceil(tau[i] * MC_TAU_BINS_PER_YEAR);
      if (bin < 1 && tau[i] > 0)
        bin = 1;
      if (bin >= st->ntau)
        bin = st->ntau - 1;
      h[bin]++;
      tau[i] += spec->base_year;
    }
  }
  if (opts && opts->sink)
    MC_CHECK(opts->sink(opts->sink_ctx, first, n, (const double *const *)w->in,
                        (const double *const *)w->tau, e));
  st->done[b >> 3] |= (uint8_t)(1u << (b & 7));
cleanup:
  return rc;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void fmt_duration(double s, char *buf, size_t len) {
  if (!isfinite(s) || s < 0) {
    snprintf(buf, len, "?");
  } else if (s < 120) {
    snprintf(buf, len, "%.0fs", s);
  } else if (s < 7200) {
    snprintf(buf, len, "%.0fm%02.0fs", floor(s / 60), fmod(s, 60));
  } else {
    snprintf(buf, len, "%.0fh%02.0fm", floor(s / 3600), floor(fmod(s, 3600) / 60));
  }
}

static void progress_line(const mc_run_opts *o, uint64_t done, uint64_t total, double rate,
                          int final) {
  char eta[32];
  fmt_duration(rate > 0 ? (double)(total - done) / rate : NAN, eta, sizeof eta);
  double pct = total ? 100.0 * (double)done / (double)total : 100.0;
  if (o->progress == 2)
    fprintf(stderr, "\r  %12llu / %llu samples  %5.1f%%  %.3g samples/s  ETA %s   %s",
            (unsigned long long)done, (unsigned long long)total, pct, rate, eta, final ? "\n" : "");
  else
    fprintf(stderr, "progress: %llu / %llu samples (%.1f%%), %.3g samples/s, ETA %s\n",
            (unsigned long long)done, (unsigned long long)total, pct, rate, eta);
  fflush(stderr);
}

/* Rounds of blocks between the ranks' agreements (stop, checkpoint, failure). */
#define MC_SYNC_ROUNDS 8

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
  char msg[sizeof e->msg];
  if (rank == who)
    memcpy(msg, e->msg, sizeof msg);
  MPI_Bcast(msg, sizeof msg, MPI_CHAR, who, comm);
  if (rank != who) {
    mc_err_clear(e);
    mc_err_set(e, status, "rank %d: %s", who, msg);
  }
  return status;
}

static int checkpoint_now(const mc_spec *spec, const mc_stats *st, const mc_run_opts *opts,
                          MPI_Comm comm, mc_err *e) {
  int rank, rc = MC_OK;
  MPI_Comm_rank(comm, &rank);
  mc_stats *red = NULL;
  if (rank == 0)
    rc = mc_stats_alloc(spec, &red, e);
  if (mc_engine_agree(rc, e, comm))
    return e->status;
  rc = mc_stats_reduce(st, red, 0, comm, e);
  if (rc == MC_OK && opts->checkpoint)
    rc = opts->checkpoint(opts->checkpoint_ctx, red, e);
  mc_stats_free(red);
  return mc_engine_agree(rc, e, comm);
}

int mc_engine_run(const mc_spec *spec, mc_stats *st, const mc_run_opts *opts, MPI_Comm comm,
                  mc_stats **result, mc_err *e) {
  int rc = MC_OK, rank, size;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  *result = NULL;
  workspace w = {0};
  uint64_t *todo = NULL;
  mc_sampler smp = {0};
  mc_model m;
  mc_model_init(&m, spec);

  rc = mc_sampler_init(&smp, spec, e);
  if (rc == MC_OK)
    rc = workspace_alloc(&w, st->ny, spec->ncross, e);
  uint64_t b0, b1;
  mc_engine_part_blocks(st->nblocks, opts->part_k, opts->part_n, &b0, &b1);
  uint64_t ntodo = 0;
  if (rc == MC_OK) {
    todo = malloc(sizeof *todo * (b1 - b0 + 1));
    if (!todo)
      rc = mc_err_set(e, MC_EFAIL, "out of memory listing %llu blocks",
                      (unsigned long long)(b1 - b0));
    else
      for (uint64_t b = b0; b < b1; b++)
        if (!mc_stats_block_done(st, b))
          todo[ntodo++] = b;
  }
  if ((rc = mc_engine_agree(rc, e, comm)))
    goto cleanup;

  uint64_t part_samples = 0, done_before = 0;
  for (uint64_t b = b0; b < b1; b++) {
    uint64_t end = (b + 1) * MC_BLOCK < st->samples ? (b + 1) * MC_BLOCK : st->samples;
    part_samples += end - b * MC_BLOCK;
    if (mc_stats_block_done(st, b))
      done_before += end - b * MC_BLOCK;
  }
  uint64_t rounds = (ntodo + (uint64_t)size - 1) / (uint64_t)size;
  double t0 = now_s(), last_ckpt = t0, last_prog = t0;
  /* Ranks agree every MC_SYNC_ROUNDS rounds of blocks, and after the last, on
   * flags: [0] stop requested, [1] checkpoint due, [2] progress due, [3] a rank
   * failed (it then processes no more blocks, and its message ends every rank). */
  int lrc = MC_OK;
  for (uint64_t r = 0; r < rounds; r++) {
    uint64_t j = r * (uint64_t)size + (uint64_t)rank;
    if (j < ntodo && lrc == MC_OK)
      lrc = process_block(spec, &smp, &m, st, &w, todo[j], opts, e);
    if ((r + 1) % MC_SYNC_ROUNDS != 0 && r + 1 != rounds)
      continue;
    int flags[4] = {opts->stop && *opts->stop ? 1 : 0, 0, 0, lrc != MC_OK};
    if (rank == 0) {
      double t = now_s();
      if (opts->checkpoint && opts->checkpoint_interval > 0 &&
          t - last_ckpt >= opts->checkpoint_interval)
        flags[1] = 1;
      double every = opts->progress == 2 ? 0.5 : opts->progress_interval;
      if (opts->progress && t - last_prog >= every)
        flags[2] = 1;
    }
    MPI_Allreduce(MPI_IN_PLACE, flags, 4, MPI_INT, MPI_MAX, comm);
    if (flags[3]) {
      rc = mc_engine_agree(lrc, e, comm);
      goto cleanup;
    }
    uint64_t done_now = done_before;
    {
      uint64_t blocks = (r + 1) * (uint64_t)size;
      if (blocks > ntodo)
        blocks = ntodo;
      uint64_t approx = blocks * MC_BLOCK;
      done_now =
          done_before + (approx < part_samples - done_before ? approx : part_samples - done_before);
    }
    if (flags[0] || flags[1]) {
      if ((rc = checkpoint_now(spec, st, opts, comm, e)))
        goto cleanup;
      last_ckpt = now_s();
      if (rank == 0 && opts->progress)
        fprintf(stderr, "%scheckpoint written at %llu / %llu samples\n",
                opts->progress == 2 ? "\n" : "", (unsigned long long)done_now,
                (unsigned long long)part_samples);
      if (flags[0]) {
        rc = mc_err_set(e, MC_ESIGNAL,
                        "stopped by a signal at %llu of %llu samples; the checkpoint holds them: "
                        "run again with --resume to continue",
                        (unsigned long long)done_now, (unsigned long long)part_samples);
        goto cleanup;
      }
    }
    if (flags[2] && rank == 0) {
      double t = now_s();
      progress_line(opts, done_now, part_samples, (double)(done_now - done_before) / (t - t0), 0);
      last_prog = t;
    }
  }
  if (rank == 0 && opts->progress) {
    double t = now_s();
    progress_line(opts, part_samples, part_samples,
                  t > t0 ? (double)(part_samples - done_before) / (t - t0) : 0, 1);
  }
  {
    mc_stats *red = NULL;
    int lrc = MC_OK;
    if (rank == 0)
      lrc = mc_stats_alloc(spec, &red, e);
    if ((rc = mc_engine_agree(lrc, e, comm)))
      goto cleanup;
    lrc = mc_stats_reduce(st, red, 0, comm, e);
    if ((rc = mc_engine_agree(lrc, e, comm))) {
      mc_stats_free(red);
      goto cleanup;
    }
    *result = red;
  }
cleanup:
  mc_sampler_free(&smp);
  free(todo);
  free(w.mem);
  return rc;
}
