#include "mc_engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "mc_model.h"
#include "mc_sample.h"
#include "mc_vmath.h"

/* ---- state ------------------------------------------------------------ */

static int nsketch(const mc_stats *st) { return st->nser * st->ny; }
static int nsensx(const mc_stats *st) {
  return MC_SENS_BATCHES * st->nsens * MC_SENS_NSUM(st->sens_k);
}

int mc_stats_nsketch(const mc_stats *st) { return nsketch(st) + st->npar; }

mc_sketch *mc_stats_sketch(mc_stats *st, int k) {
  int ns = nsketch(st);
  if (k < ns)
    return &st->series[k];
  return &st->param[k - ns];
}

int mc_stats_nxsum(const mc_stats *st) { return 2 * nsketch(st) + nsensx(st); }

mc_xsum *mc_stats_xsum(mc_stats *st, int k) {
  int ns = nsketch(st);
  if (k < ns)
    return &st->sum1[k];
  if (k < 2 * ns)
    return &st->sum2[k - ns];
  return &st->sens[k - 2 * ns];
}

/* Every parameter at its median, defaults filled in as the sampler fills them,
 * into in[p][0]. */
static void median_inputs(const mc_spec *spec, double *const *in) {
  const mc_param_info *param = spec->model->param;
  for (int p = 0; p < spec->model->nparam; p++) {
    if (spec->configured[p])
      in[p][0] = mc_dist_quantile(&spec->dist[p], 0.5);
    else if (param[p].dflt_kind == MC_DEF_ABSENT)
      in[p][0] = NAN;
    else if (param[p].dflt_kind != MC_DEF_FOLLOWS)
      in[p][0] = param[p].dflt;
  }
  for (int p = 0; p < spec->model->nparam; p++)
    if (!spec->configured[p] && param[p].dflt_kind == MC_DEF_FOLLOWS)
      in[p][0] = in[param[p].follows][0];
}

/* The moments' shifts: the series at the parameters' medians, a value every
 * rank computes alike without sampling (keeps sums of squares free of
 * cancellation, and constant series exact); and the sensitivity targets'
 * shifts, ln of the series or the crossing time (the horizon when censored)
 * at the medians. Grids longer than 512 years keep shifts of 0. */
static int median_shifts(const mc_spec *spec, mc_stats *st, mc_err *e) {
  const mc_model_type *M = spec->model;
  if (st->ny > 512)
    return MC_OK;
  size_t nd = (size_t)M->nparam + M->ncoef + (size_t)M->nseries * st->ny + M->work(st->ny);
  double *buf = malloc(sizeof *buf * nd);
  uint8_t *cat = malloc((size_t)st->ny + 1);
  if (!buf || !cat) {
    free(buf);
    free(cat);
    return mc_err_set(e, MC_EFAIL, "out of memory allocating the run state");
  }
  double *in[MC_MAXPARAM], *coef[MC_MAXPARAM], *grid = buf + M->nparam + M->ncoef;
  for (int p = 0; p < M->nparam; p++)
    in[p] = buf + p;
  for (int c = 0; c < M->ncoef; c++)
    coef[c] = buf + M->nparam + c;
  median_inputs(spec, in);
  mc_model m;
  mc_model_init(&m, spec);
  mc_model_prepare(&m, (const double *const *)in, 1, coef);
  mc_model_grid(&m, (const double *const *)in, (const double *const *)coef, 1, grid, 1,
                grid + (size_t)M->nseries * st->ny, cat);
  for (int k = 0; k < nsketch(st); k++)
    st->shift[k] = mc_spec_has_series(spec, k / st->ny) && isfinite(grid[k]) ? grid[k] : 0.0;
  for (int t = 0; t < spec->nsens; t++) {
    const mc_sens_target *tg = &spec->sens[t];
    double v = 0;
    if (tg->kind == MC_SENS_SERIES) {
      v = log(grid[tg->id * st->ny + tg->year]);
    } else {
      int year;
      double tau;
      const mc_crossover_spec *x = &spec->cross[tg->id];
      mc_model_crossover(&m, (const double *const *)in, (const double *const *)coef, 1, x->lhs,
                         x->rhs, grid, 1, &year, &tau);
      v = isinf(tau) ? st->ny - 1 : tau;
    }
    st->sens_shift[t] = isfinite(v) ? v : 0.0;
  }
  free(buf);
  free(cat);
  return MC_OK;
}

int mc_stats_alloc(const mc_spec *spec, mc_stats **out, mc_err *e) {
  int rc = MC_OK;
  mc_stats *st = calloc(1, sizeof *st);
  if (!st)
    return mc_err_set(e, MC_EFAIL, "out of memory allocating the run state");
  st->model = spec->model;
  st->npar = spec->model->nparam;
  st->nser = spec->model->nseries;
  st->ny = mc_spec_nyears(spec);
  st->ncross = spec->ncross;
  st->ncat = spec->model->ncat;
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
  st->tau_hot = calloc((size_t)st->ncross * st->ntau + 1, 1);
  st->cat_counts = calloc((size_t)st->ncat * st->ny + 1, sizeof *st->cat_counts);
  st->nsens = spec->nsens;
  st->sens_k = mc_spec_sens_params(spec, st->sens_par);
  st->sens = calloc((size_t)nsensx(st) + 1, sizeof *st->sens);
  if (!st->done || !st->series || !st->sum1 || !st->sum2 || !st->shift || !st->year_counts ||
      !st->never || !st->tau_hist || !st->tau_hot || !st->cat_counts || !st->sens)
    MC_FAIL(e, MC_EFAIL, "out of memory allocating the run state (%llu blocks)",
            (unsigned long long)st->nblocks);
  for (int k = 0; k < nsk; k++) {
    mc_sketch_init(&st->series[k], st->mbits);
    mc_xsum_init(&st->sum1[k]);
    mc_xsum_init(&st->sum2[k]);
  }
  for (int k = 0; k < nsensx(st); k++)
    mc_xsum_init(&st->sens[k]);
  for (int p = 0; p < st->npar; p++) {
    mc_sketch_init(&st->param[p], st->mbits);
    st->fault_lo[p] = INFINITY;
    st->fault_hi[p] = -INFINITY;
  }

  MC_CHECK(median_shifts(spec, st, e));
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
  free(st->sens);
  for (int p = 0; p < st->npar; p++)
    mc_sketch_free(&st->param[p]);
  free(st->done);
  free(st->series);
  free(st->sum1);
  free(st->sum2);
  free(st->shift);
  free(st->year_counts);
  free(st->never);
  free(st->tau_hist);
  free(st->tau_hot);
  free(st->cat_counts);
  free(st);
}

uint64_t mc_stats_batch_samples(const mc_stats *st, int nbatches, int g) {
  uint64_t n = 0;
  for (uint64_t b = (uint64_t)g; b < st->nblocks; b += (uint64_t)nbatches)
    if (mc_stats_block_done(st, b)) {
      uint64_t end = (b + 1) * MC_BLOCK < st->samples ? (b + 1) * MC_BLOCK : st->samples;
      n += end - b * MC_BLOCK;
    }
  return n;
}

int mc_stats_complete(const mc_stats *st) {
  uint64_t end = st->stop_blocks ? st->stop_blocks : st->nblocks;
  for (uint64_t b = 0; b < end; b++)
    if (!mc_stats_block_done(st, b))
      return 0;
  return 1;
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

/* Carries the block loop's byte counters of the crossing-time histogram into
 * it (a byte per bin keeps the histogram, 8 times smaller, out of the way of
 * the sketches in the cache). Every reader of tau_hist goes through a reduce
 * or a merge, which fold first. */
static void fold_tau(mc_stats *st) {
  size_t n = (size_t)st->ncross * st->ntau;
  for (size_t i = 0; i < n; i++) {
    st->tau_hist[i] += st->tau_hot[i];
    st->tau_hot[i] = 0;
  }
}

int mc_stats_merge(mc_stats *dst, const mc_stats *src, mc_err *e) {
  if (dst->model != src->model || dst->ny != src->ny || dst->ncross != src->ncross ||
      dst->mbits != src->mbits || dst->samples != src->samples || dst->ntau != src->ntau ||
      dst->nsens != src->nsens || dst->sens_k != src->sens_k)
    return mc_err_set(e, MC_EINPUT,
                      "the states differ in shape (model, years, crossovers, accuracy, sample "
                      "count or sensitivity targets): they are not parts of one job");
  if (memcmp(dst->shift, src->shift, sizeof *dst->shift * (size_t)nsketch(dst)) != 0 ||
      (dst->nsens &&
       memcmp(dst->sens_shift, src->sens_shift, sizeof *dst->sens_shift * (size_t)dst->nsens) != 0))
    return mc_err_set(e, MC_EINPUT,
                      "the states' moment shifts differ (written by different builds of the "
                      "engine): their sums cannot be added; rerun the parts with one build");
  if (dst->stop_blocks || src->stop_blocks)
    return mc_err_set(e, MC_EINPUT,
                      "a run stopped by sampling.stop_when (after %llu samples) is complete "
                      "in itself: it is not a part to merge with others",
                      (unsigned long long)((dst->stop_blocks ? dst : src)->stop_blocks * MC_BLOCK));
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
  fold_tau(dst);
  fold_tau((mc_stats *)src); /* only moves counts within src */
  for (int k = 0; k < nsketch(dst); k++) {
    MC_CHECK(mc_sketch_merge(&dst->series[k], &src->series[k], e));
    mc_xsum_merge(&dst->sum1[k], &src->sum1[k]);
    mc_xsum_merge(&dst->sum2[k], &src->sum2[k]);
  }
  for (int p = 0; p < dst->npar; p++)
    MC_CHECK(mc_sketch_merge(&dst->param[p], &src->param[p], e));
  for (int k = 0; k < nsensx(dst); k++)
    mc_xsum_merge(&dst->sens[k], &src->sens[k]);
  for (size_t i = 0; i < (size_t)dst->ncross * dst->ny; i++)
    dst->year_counts[i] += src->year_counts[i];
  for (int c = 0; c < dst->ncross; c++)
    dst->never[c] += src->never[c];
  for (size_t i = 0; i < (size_t)dst->ncross * dst->ntau; i++)
    dst->tau_hist[i] += src->tau_hist[i];
  for (size_t i = 0; i < (size_t)dst->ncat * dst->ny; i++)
    dst->cat_counts[i] += src->cat_counts[i];
  for (uint64_t i = 0; i < (dst->nblocks + 7) / 8; i++)
    dst->done[i] |= src->done[i];
  dst->fault_samples += src->fault_samples;
  for (int p = 0; p < dst->npar; p++) {
    dst->fault_lo[p] = fmin(dst->fault_lo[p], src->fault_lo[p]);
    dst->fault_hi[p] = fmax(dst->fault_hi[p], src->fault_hi[p]);
  }
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

/* The sketches of a state in one list: series, parameters, batches. */
static mc_sketch *sketch_at(mc_stats *st, int k) { return mc_stats_sketch(st, k); }

int mc_stats_reduce(const mc_stats *st_in, mc_stats *out, int root, MPI_Comm comm, mc_err *e) {
  mc_stats *st = (mc_stats *)st_in; /* only read; sketch_at is shared with out */
  fold_tau(st);                     /* moves counts within st */
  int rc = MC_OK, rank;
  MPI_Comm_rank(comm, &rank);
  int nsk = mc_stats_nsketch(st);
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
  size_t fixed = (size_t)2 * nsk + (size_t)st->ncross * st->ny + st->ncross +
                 (size_t)st->ncross * st->ntau + (size_t)st->ncat * st->ny;
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
        buf[at + (size_t)(stores[j]->lo - lo[2 * k + j] + i)] = mc_store_get(stores[j], i);
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
  memcpy(buf + at, st->cat_counts, sizeof *buf * st->ncat * st->ny);
  at += (size_t)st->ncat * st->ny;
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
  int nx = mc_stats_nxsum(st);
  size_t xlen = (size_t)nx * MC_XSUM_PACKED;
  xb = malloc(sizeof *xb * xlen);
  if (rank == root)
    xr = malloc(sizeof *xr * xlen);
  if (!xb || (rank == root && !xr))
    MC_FAIL(e, MC_EFAIL, "out of memory in the reduction");
  for (int k = 0; k < nx; k++) {
    mc_xsum_pack(mc_stats_xsum(st, k), xb + (size_t)k * MC_XSUM_PACKED);
  }
  for (size_t off = 0; off < xlen; off += (size_t)1 << 28) {
    int cnt = (int)(xlen - off < ((size_t)1 << 28) ? xlen - off : ((size_t)1 << 28));
    MPI_CHECK(MPI_Reduce(xb + off, rank == root ? xr + off : NULL, cnt, MPI_INT64_T, MPI_SUM, root,
                         comm));
  }
  uint64_t fault_n = 0;
  double fault_lo[MC_MAXPARAM], fault_hi[MC_MAXPARAM];
  MPI_CHECK(MPI_Reduce(&st->fault_samples, &fault_n, 1, MPI_UINT64_T, MPI_SUM, root, comm));
  MPI_CHECK(MPI_Reduce(st->fault_lo, fault_lo, st->npar, MPI_DOUBLE, MPI_MIN, root, comm));
  MPI_CHECK(MPI_Reduce(st->fault_hi, fault_hi, st->npar, MPI_DOUBLE, MPI_MAX, root, comm));

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
    for (size_t i = 0; i < (size_t)out->ncat * out->ny; i++)
      out->cat_counts[i] += sum[at++];
    for (int k = 0; k < nx; k++) {
      mc_xsum x;
      mc_xsum_unpack(xr + (size_t)k * MC_XSUM_PACKED, &x);
      mc_xsum_merge(mc_stats_xsum(out, k), &x);
    }
    out->fault_samples += fault_n;
    for (int p = 0; p < out->npar; p++) {
      out->fault_lo[p] = fmin(out->fault_lo[p], fault_lo[p]);
      out->fault_hi[p] = fmax(out->fault_hi[p], fault_hi[p]);
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

void mc_stats_series_percentiles(const mc_stats *st, int series, int y, int np, const double *p,
                                 double *out) {
  mc_sketch_quantiles(&st->series[series * st->ny + y], np, p, out, 0);
}

void mc_stats_series_percentiles_se(const mc_stats *st, int series, int y, int np, const double *p,
                                    double *out) {
  enum { MAXQ = 128 };
  for (; np > MAXQ; np -= MAXQ, p += MAXQ, out += MAXQ)
    mc_stats_series_percentiles_se(st, series, y, MAXQ, p, out);
  const mc_sketch *s = &st->series[series * st->ny + y];
  uint64_t n = mc_sketch_count(s);
  double at[2 * MAXQ], q[2 * MAXQ], d[MAXQ], lo[MAXQ], hi[MAXQ];
  for (int i = 0; i < np; i++) {
    /* The order statistics d = sqrt(u (1 - u) / n) of a rank either side of
     * the percentile's, read from the sketch with the CDF interpolated inside
     * buckets: (Q(u + d) - Q(u - d)) / 2 estimates d / f(Q(u)), the standard
     * error of the sample percentile of n independent draws. Near the ends
     * the span is cut to the data and rescaled. All reads in one pass. */
    double u = p[i] / 100.0, edge = 0.5 / (double)n;
    d[i] = sqrt(u * (1.0 - u) / (double)n);
    lo[i] = u - d[i] < edge ? edge : u - d[i];
    hi[i] = u + d[i] > 1.0 - edge ? 1.0 - edge : u + d[i];
    int ok = n >= 2 && p[i] > 0.0 && p[i] < 100.0 && hi[i] > lo[i];
    at[2 * i] = ok ? 100.0 * lo[i] : NAN;
    at[2 * i + 1] = ok ? 100.0 * hi[i] : NAN;
  }
  mc_sketch_quantiles(s, 2 * np, at, q, 1);
  for (int i = 0; i < np; i++)
    out[i] = isnan(at[2 * i]) ? NAN : (q[2 * i + 1] - q[2 * i]) * d[i] / (hi[i] - lo[i]);
}

double mc_stats_series_percentile_se(const mc_stats *st, int series, int y, double p) {
  double se;
  mc_stats_series_percentiles_se(st, series, y, 1, &p, &se);
  return se;
}

double mc_engine_time_accuracy(const mc_spec *spec) {
  return 0.5 / MC_TAU_BINS_PER_YEAR + spec->model->tau_error;
}

double mc_stats_probability_se(uint64_t k, uint64_t n) {
  if (n == 0)
    return NAN;
  double p = (double)k / (double)n;
  return sqrt(p * (1 - p) / (double)n);
}

double mc_stats_max_probability_se(const uint64_t *year_counts, const uint64_t *never, int ncross,
                                   int ny, uint64_t n) {
  double worst = 0;
  for (int c = 0; c < ncross; c++) {
    uint64_t cum = 0;
    for (int y = 0; y < ny; y++) {
      uint64_t k = year_counts[(size_t)c * ny + y];
      cum += k;
      double a = mc_stats_probability_se(k, n), b = mc_stats_probability_se(cum, n);
      worst = a > worst ? a : worst;
      worst = b > worst ? b : worst;
    }
    double v = mc_stats_probability_se(never[c], n);
    worst = v > worst ? v : worst;
  }
  return n ? worst : INFINITY;
}

/* Indices from the sums S of one target (see MC_SENS_NSUM) over N samples. */
static void sens_estimate(const double *S, int k, double N, double *first, double *total) {
  double mean = (S[0] + S[2]) / (2 * N), var = (S[1] + S[3]) / (2 * N) - mean * mean;
  for (int j = 0; j < k; j++) {
    first[j] = N > 0 && var > 0 ? S[4 + 2 * j] / N / var : NAN;
    total[j] = N > 0 && var > 0 ? S[5 + 2 * j] / (2 * N) / var : NAN;
  }
}

void mc_stats_sensitivity(const mc_stats *st, int t, double *first, double *total, double *first_ci,
                          double *total_ci) {
  int k = st->sens_k, nsum = MC_SENS_NSUM(k);
  double S[MC_SENS_NSUM(MC_MAXPARAM)], bf[MC_SENS_BATCHES][MC_MAXPARAM],
      bt[MC_SENS_BATCHES][MC_MAXPARAM];
  int G = 0;
  for (int q = 0; q < nsum; q++) {
    mc_xsum x;
    mc_xsum_init(&x);
    for (int g = 0; g < MC_SENS_BATCHES; g++)
      mc_xsum_merge(&x, &st->sens[((size_t)g * st->nsens + t) * nsum + q]);
    S[q] = mc_xsum_value(&x);
  }
  sens_estimate(S, k, (double)mc_stats_done_samples(st), first, total);
  for (int g = 0; g < MC_SENS_BATCHES; g++) {
    uint64_t ng = mc_stats_batch_samples(st, MC_SENS_BATCHES, g);
    if (ng == 0)
      continue;
    for (int q = 0; q < nsum; q++)
      S[q] = mc_xsum_value(&st->sens[((size_t)g * st->nsens + t) * nsum + q]);
    sens_estimate(S, k, (double)ng, bf[G], bt[G]);
    G++;
  }
  double tq = G >= 2 ? gsl_cdf_tdist_Pinv(0.975, G - 1) : NAN;
  for (int j = 0; j < k; j++) {
    double est[2] = {first[j], total[j]}, *ci[2] = {first_ci, total_ci};
    for (int w = 0; w < 2; w++) {
      double mean = 0, ss = 0;
      for (int g = 0; g < G; g++)
        mean += w ? bt[g][j] : bf[g][j];
      mean /= G;
      for (int g = 0; g < G; g++) {
        double d = (w ? bt[g][j] : bf[g][j]) - mean;
        ss += d * d;
      }
      double half = G >= 2 ? tq * sqrt(ss / (G - 1) / G) : NAN;
      ci[w][2 * j] = est[w] - half;
      ci[w][2 * j + 1] = est[w] + half;
    }
  }
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
  double *in[MC_MAXPARAM];
  double *coef[MC_MAXPARAM];
  double *grid;
  double *scratch;
  double *mwork;
  double *tau[MC_MAXCROSS];
  int *year;
  uint8_t *cat; /* [ny * MC_BLOCK] binding constraints */
  /* sensitivity: B's inputs, the targets of A, B and the current A_B^(j)
   * ([t * MC_BLOCK + i]), a crossing-time buffer; B's streams */
  double *inB[MC_MAXPARAM];
  double *fA, *fB, *fX, *stau;
  uint64_t streamB[MC_MAXPARAM];
  size_t sketch_limit; /* bytes of sketch counters a rank may hold (memory guard) */
  void *mem;
} workspace;

static int workspace_alloc(workspace *w, const mc_spec *spec, int ny, mc_err *e) {
  const mc_model_type *M = spec->model;
  int np = M->nparam, ncross = spec->ncross, nsens = spec->nsens;
  size_t B = MC_BLOCK;
  size_t doubles =
      B * (np + M->ncoef + (size_t)M->nseries * ny + np + ncross) + (size_t)M->work(ny);
  if (nsens)
    doubles += B * (np + 3 * (size_t)nsens + 1);
  w->mem = malloc(doubles * sizeof(double) + B * sizeof(int) + B * (size_t)ny);
  if (!w->mem)
    return mc_err_set(e, MC_EFAIL, "out of memory allocating block buffers");
  double *p = w->mem;
  for (int i = 0; i < np; i++, p += B)
    w->in[i] = p;
  for (int i = 0; i < M->ncoef; i++, p += B)
    w->coef[i] = p;
  w->grid = p;
  p += B * M->nseries * ny;
  w->scratch = p;
  p += B * np;
  w->mwork = p;
  p += M->work(ny);
  for (int i = 0; i < ncross; i++, p += B)
    w->tau[i] = p;
  if (nsens) {
    for (int i = 0; i < np; i++, p += B)
      w->inB[i] = p;
    w->fA = p;
    w->fB = w->fA + B * nsens;
    w->fX = w->fB + B * nsens;
    w->stau = w->fX + B * nsens;
    p = w->stau + B;
    for (int i = 0; i < np; i++) {
      char name[MC_NAMELEN + 8];
      snprintf(name, sizeof name, "%s#B", M->param[i].key);
      w->streamB[i] = mc_rng_stream(name);
    }
  }
  w->year = (int *)p;
  w->cat = (uint8_t *)(w->year + B);
  return MC_OK;
}

/* The sensitivity targets of n samples with inputs in, into f[t * MC_BLOCK +
 * i]: one model evaluation (w's coefficient, grid and work buffers). */
static void sens_targets(const mc_spec *spec, const mc_stats *st, const mc_model *m,
                         const double *const *in, workspace *w, int n, double *f) {
  mc_model_prepare(m, in, n, w->coef);
  mc_model_grid(m, in, (const double *const *)w->coef, n, w->grid, MC_BLOCK, w->mwork, w->cat);
  for (int t = 0; t < spec->nsens; t++) {
    const mc_sens_target *tg = &spec->sens[t];
    double *ft = f + (size_t)t * MC_BLOCK;
    if (tg->kind == MC_SENS_SERIES) {
      const double *x = w->grid + (size_t)(tg->id * st->ny + tg->year) * MC_BLOCK;
      for (int i = 0; i < n; i++)
        ft[i] = log(x[i]);
    } else {
      const mc_crossover_spec *c = &spec->cross[tg->id];
      mc_model_crossover(m, in, (const double *const *)w->coef, n, c->lhs, c->rhs, w->grid,
                         MC_BLOCK, w->year, w->stau);
      for (int i = 0; i < n; i++)
        ft[i] = isinf(w->stau[i]) ? st->ny - 1 : w->stau[i];
    }
  }
}

/* The sensitivity design for block b (A's targets already in w->fA): B, and
 * A_B^(j) for each analysed parameter j (A with B's column j, and with B's
 * values of any unconfigured parameter that follows j), whose per-block sums,
 * added in sample order, go to the exact accumulators of the block's batch. */
static void sens_block(const mc_spec *spec, const mc_sampler *smp, const mc_model *m, mc_stats *st,
                       workspace *w, uint64_t b, int n) {
  int T = st->nsens, k = st->sens_k, nsum = MC_SENS_NSUM(k);
  mc_xsum *acc = st->sens + (size_t)(b % MC_SENS_BATCHES) * T * nsum;
  mc_sampler_block_streams(smp, w->streamB, st->npar, b * MC_BLOCK, n, w->inB, w->scratch);
  sens_targets(spec, st, m, (const double *const *)w->inB, w, n, w->fB);
  for (int t = 0; t < T; t++) {
    const double *fa = w->fA + (size_t)t * MC_BLOCK, *fb = w->fB + (size_t)t * MC_BLOCK;
    double K = st->sens_shift[t], s[4] = {0, 0, 0, 0};
    for (int i = 0; i < n; i++) {
      double a = fa[i] - K, c = fb[i] - K;
      s[0] += a;
      s[1] += a * a;
      s[2] += c;
      s[3] += c * c;
    }
    for (int q = 0; q < 4; q++)
      mc_xsum_add(&acc[(size_t)t * nsum + q], s[q]);
  }
  for (int j = 0; j < k; j++) {
    int pj = st->sens_par[j];
    const double *in[MC_MAXPARAM];
    const mc_param_info *param = spec->model->param;
    for (int p = 0; p < st->npar; p++) {
      int from_b = p == pj || (!spec->configured[p] && param[p].dflt_kind == MC_DEF_FOLLOWS &&
                               param[p].follows == pj);
      in[p] = from_b ? w->inB[p] : w->in[p];
    }
    sens_targets(spec, st, m, in, w, n, w->fX);
    for (int t = 0; t < T; t++) {
      const double *fa = w->fA + (size_t)t * MC_BLOCK, *fb = w->fB + (size_t)t * MC_BLOCK,
                   *fx = w->fX + (size_t)t * MC_BLOCK;
      double K = st->sens_shift[t], s1 = 0, s2 = 0;
      for (int i = 0; i < n; i++) {
        double d = fx[i] - fa[i];
        s1 += (fb[i] - K) * d;
        s2 += d * d;
      }
      mc_xsum_add(&acc[(size_t)t * nsum + 4 + 2 * j], s1);
      mc_xsum_add(&acc[(size_t)t * nsum + 5 + 2 * j], s2);
    }
  }
}

/* Which parameters have a realized distribution worth recording. */
static int param_recorded(const mc_spec *spec, int p) {
  return spec->configured[p] || spec->model->param[p].dflt_kind == MC_DEF_FOLLOWS;
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

/* Finds the block's samples with a non-finite value in some series and year
 * (only called for a block that has one) and widens the parameters' ranges
 * over them. */
static void record_faults(const mc_spec *spec, mc_stats *st, const workspace *w, int n) {
  for (int i = 0; i < n; i++) {
    int bad = 0;
    for (int s = 0; s < st->nser && !bad; s++) {
      if (!mc_spec_has_series(spec, s))
        continue;
      for (int y = 0; y < st->ny && !bad; y++)
        bad = !isfinite(w->grid[(size_t)(s * st->ny + y) * MC_BLOCK + i]);
    }
    if (!bad)
      continue;
    st->fault_samples++;
    for (int p = 0; p < st->npar; p++) {
      double v = w->in[p][i];
      if (v < st->fault_lo[p])
        st->fault_lo[p] = v;
      if (v > st->fault_hi[p])
        st->fault_hi[p] = v;
    }
  }
}

/* Counts crossover c of n samples: crossover years (year[i], -1 for never)
 * and crossing times (tau[i] in years since the base year, +inf when
 * censored) into the histogram's bins, then turns tau into calendar years
 * (NaN when censored). Without branches on the outcomes, which the samples
 * mix at random: a censored time (or a NaN) adds 0 to bin ntau - 1, and the
 * year counts go to four interleaved tallies (so that runs of one year do
 * not wait on each other's increments) with never in the last column. */
MC_CLONES static void crossing_bins(const double *restrict tau, int n, int ntau,
                                    int32_t *restrict bin) {
  for (int i = 0; i < n; i++) {
    double t = tau[i];
    double b = ceil(t * MC_TAU_BINS_PER_YEAR);
    b = t > 0 && b < 1 ? 1 : b;
    b = t <= 0 ? 0 : b;
    b = b < ntau - 1 ? b : ntau - 1; /* also +inf and NaN */
    bin[i] = (int32_t)b;
  }
}

static void count_crossings(mc_stats *st, int c, const int *year, double *tau, int n,
                            int base_year) {
  int ny = st->ny;
  uint64_t *h = st->tau_hist + (size_t)c * st->ntau;
  uint8_t *hot = st->tau_hot + (size_t)c * st->ntau;
  int32_t bin[MC_BLOCK];
  crossing_bins(tau, n, (int)st->ntau, bin);
  uint32_t tally[4][MC_MAXYEARS + 1];
  for (int r = 0; r < 4; r++)
    memset(tally[r], 0, sizeof(uint32_t) * (size_t)(ny + 1));
  for (int i = 0; i < n; i++) {
    int y = year[i] < 0 ? ny : year[i];
    tally[i & 3][y]++;
    uint8_t inc = isfinite(tau[i]);
    uint8_t v = (uint8_t)(hot[bin[i]] + inc);
    hot[bin[i]] = v;
    if (__builtin_expect(inc & (v == 0), 0))
      h[bin[i]] += 256;
    tau[i] = inc ? tau[i] + base_year : NAN;
  }
  uint64_t *yc = st->year_counts + (size_t)c * ny;
  for (int y = 0; y < ny; y++)
    yc[y] += (uint64_t)tally[0][y] + tally[1][y] + tally[2][y] + tally[3][y];
  st->never[c] += (uint64_t)tally[0][ny] + tally[1][ny] + tally[2][ny] + tally[3][ny];
}

/* Adds the time since *t to phase ph (when timing) and restarts *t. */
static void phase_mark(const mc_run_opts *opts, int ph, struct timespec *t) {
  if (!opts || !opts->phase_time)
    return;
  struct timespec u;
  clock_gettime(CLOCK_MONOTONIC, &u);
  opts->phase_time[ph] += (double)(u.tv_sec - t->tv_sec) + 1e-9 * (double)(u.tv_nsec - t->tv_nsec);
  *t = u;
}

/* The memory guard: values spread over a huge range (a parameter that makes
 * a series overflow, say) need a counter for every 2^-mbits of each octave
 * they span. Past the limit the run ends with a message naming the widest
 * band, rather than being killed by the kernel. */
static int check_sketch_memory(const mc_spec *spec, const mc_stats *st, const workspace *w,
                               mc_err *e) {
  if (mc_sketch_memory() <= w->sketch_limit)
    return MC_OK;
  int widest = 0;
  for (int k = 1; k < st->nser * st->ny; k++)
    if (st->series[k].pos.len + st->series[k].neg.len >
        st->series[widest].pos.len + st->series[widest].neg.len)
      widest = k;
  const mc_sketch *s = &st->series[widest];
  const mc_store *b = s->pos.len >= s->neg.len ? &s->pos : &s->neg;
  double lo = mc_sketch_bucket_value(s, b->lo), hi = mc_sketch_bucket_value(s, b->lo + b->len - 1);
  return mc_err_set(e, MC_EINPUT,
                    "the percentile sketches need more than %zu MiB on this rank "
                    "(CROSSOVER_MAX_SKETCH_MB): the values of %s in %d span "
                    "%.3g to %.3g (%.0f octaves, %d counters each). Check the parameters for "
                    "values that make a series overflow (crossover check shows their ranges), "
                    "shorten the grid, raise outputs.relative_accuracy, or raise "
                    "CROSSOVER_MAX_SKETCH_MB",
                    w->sketch_limit >> 20, spec->model->series[widest / st->ny].name,
                    spec->base_year + widest % st->ny, lo, hi, log2(hi) - log2(lo), 1 << st->mbits);
}

/* Counts each year's binding constraints of n samples (years after the base
 * year; a code outside the model's table counts nowhere). */
static void count_categories(mc_stats *st, const uint8_t *cat, int n) {
  for (int y = 1; y < st->ny; y++) {
    const uint8_t *c = cat + (size_t)y * MC_BLOCK;
    uint32_t tally[MC_MAXCAT] = {0};
    for (int i = 0; i < n; i++)
      for (int k = 0; k < st->ncat; k++)
        tally[k] += c[i] == k;
    for (int k = 0; k < st->ncat; k++)
      st->cat_counts[(size_t)k * st->ny + y] += tally[k];
  }
}

static int process_block(const mc_spec *spec, const mc_sampler *smp, const mc_model *m,
                         mc_stats *st, workspace *w, uint64_t b, const mc_run_opts *opts,
                         mc_err *e) {
  int rc = MC_OK;
  uint64_t first = b * MC_BLOCK;
  int n = (int)((first + MC_BLOCK <= st->samples) ? MC_BLOCK : st->samples - first);
  int ny = st->ny;
  struct timespec clk = {0, 0};
  if (opts && opts->phase_time)
    clock_gettime(CLOCK_MONOTONIC, &clk);
  mc_sampler_block(smp, first, n, w->in, w->scratch);
  phase_mark(opts, MC_PH_SAMPLE, &clk);
  for (int p = 0; p < st->npar; p++)
    if (param_recorded(spec, p))
      MC_CHECK(mc_sketch_add(&st->param[p], w->in[p], n, e));
  phase_mark(opts, MC_PH_SKETCH, &clk);
  mc_model_prepare(m, (const double *const *)w->in, n, w->coef);
  mc_model_grid(m, (const double *const *)w->in, (const double *const *)w->coef, n, w->grid,
                MC_BLOCK, w->mwork, w->cat);
  if (st->ncat)
    count_categories(st, w->cat, n);
  phase_mark(opts, MC_PH_PROJECT, &clk);
  uint64_t nonfinite_before = 0, nonfinite_after = 0;
  for (int k = 0; k < st->nser * ny; k++)
    nonfinite_before += st->series[k].nonfinite;
  for (int s = 0; s < st->nser; s++) {
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
  for (int k = 0; k < st->nser * ny; k++)
    nonfinite_after += st->series[k].nonfinite;
  MC_CHECK(check_sketch_memory(spec, st, w, e));
  phase_mark(opts, MC_PH_SKETCH, &clk);
  if (nonfinite_after != nonfinite_before)
    record_faults(spec, st, w, n);
  for (int t = 0; t < spec->nsens; t++)
    if (spec->sens[t].kind == MC_SENS_SERIES) {
      const double *x = w->grid + (size_t)(spec->sens[t].id * ny + spec->sens[t].year) * MC_BLOCK;
      for (int i = 0; i < n; i++)
        w->fA[(size_t)t * MC_BLOCK + i] = log(x[i]);
    }
  phase_mark(opts, MC_PH_OTHER, &clk);
  for (int c = 0; c < spec->ncross; c++) {
    double *tau = w->tau[c];
    mc_model_crossover(m, (const double *const *)w->in, (const double *const *)w->coef, n,
                       spec->cross[c].lhs, spec->cross[c].rhs, w->grid, MC_BLOCK, w->year, tau);
    for (int t = 0; t < spec->nsens; t++)
      if (spec->sens[t].kind == MC_SENS_CROSSOVER && spec->sens[t].id == c)
        for (int i = 0; i < n; i++)
          w->fA[(size_t)t * MC_BLOCK + i] = isinf(tau[i]) ? ny - 1 : tau[i];
    count_crossings(st, c, w->year, tau, n, spec->base_year);
  }
  phase_mark(opts, MC_PH_CROSS, &clk);
  if (opts && opts->sink)
    MC_CHECK(opts->sink(opts->sink_ctx, first, n, (const double *const *)w->in,
                        (const double *const *)w->tau, e));
  if (spec->nsens)
    sens_block(spec, smp, m, st, w, b, n);
  st->done[b >> 3] |= (uint8_t)(1u << (b & 7));
  phase_mark(opts, MC_PH_OTHER, &clk);
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
#define MC_SYNC_ROUNDS 32

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

  if (spec->stop_se > 0 && opts->part_n > 1) {
    rc = mc_err_set(e, MC_EINPUT,
                    "sampling.stop_when: where a run stops depends on the samples in order, "
                    "which part %d/%d alone cannot see; run the whole job (without --part), or "
                    "drop stop_when and give sampling.samples",
                    opts->part_k, opts->part_n);
    return mc_engine_agree(rc, e, comm);
  }
  rc = mc_sampler_init(&smp, spec, e);
  if (rc == MC_OK)
    rc = workspace_alloc(&w, spec, st->ny, e);
  w.sketch_limit = (size_t)MC_SKETCH_LIMIT_MB << 20;
  if (getenv("CROSSOVER_MAX_SKETCH_MB") && atol(getenv("CROSSOVER_MAX_SKETCH_MB")) > 0)
    w.sketch_limit = (size_t)atol(getenv("CROSSOVER_MAX_SKETCH_MB")) << 20;
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
  /* With sampling.stop_when the blocks go in stages ending after
   * MC_STOP_FIRST_BLOCKS * 2^j blocks; after each stage every rank sees the
   * same crossover counts of the same prefix of blocks, so all take the same
   * decision, for any rank count. No block past a stage's end is started
   * before its check, so a checkpoint holding such a block (a resumed run)
   * shows that check failed already: it is not repeated. */
  int staged = spec->stop_se > 0;
  uint64_t done_end = 0; /* 1 + the last block done before this run */
  for (uint64_t b = 0; b < st->nblocks; b++)
    if (mc_stats_block_done(st, b))
      done_end = b + 1;
  uint64_t stage_end = b1, stopped = 0;
  if (staged && stage_end > MC_STOP_FIRST_BLOCKS)
    stage_end = MC_STOP_FIRST_BLOCKS;
  double t0 = now_s(), last_ckpt = t0, last_prog = t0;
  int lrc = MC_OK;
  uint64_t j0 = 0;
  /* A test hook (tests/hostile/faults.sh): CROSSOVER_FAULT_RANK=R with
   * CROSSOVER_FAULT_BLOCK=N makes rank R fail instead of processing the N-th
   * block (from 0) it takes in this run, as an I/O or memory failure would. */
  long fault_block = -1, mine = 0;
  if (getenv("CROSSOVER_FAULT_RANK") && getenv("CROSSOVER_FAULT_BLOCK") &&
      atol(getenv("CROSSOVER_FAULT_RANK")) == rank)
    fault_block = atol(getenv("CROSSOVER_FAULT_BLOCK"));
  for (;;) {
    uint64_t j1 = j0;
    while (j1 < ntodo && todo[j1] < stage_end)
      j1++;
    uint64_t rounds = (j1 - j0 + (uint64_t)size - 1) / (uint64_t)size;
    /* Ranks agree every MC_SYNC_ROUNDS rounds of blocks, and after the last,
     * on flags: [0] stop requested, [1] checkpoint due, [2] progress due, [3]
     * a rank failed (it then processes no more blocks, and its message ends
     * every rank). */
    for (uint64_t r = 0; r < rounds; r++) {
      uint64_t j = j0 + r * (uint64_t)size + (uint64_t)rank;
      if (j < j1 && lrc == MC_OK && mine++ == fault_block)
        lrc = mc_err_set(e, MC_EFAIL,
                         "a fault injected at block %llu (CROSSOVER_FAULT_RANK=%d, "
                         "CROSSOVER_FAULT_BLOCK=%ld: a test hook)",
                         (unsigned long long)todo[j], rank, fault_block);
      else if (j < j1 && lrc == MC_OK)
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
        uint64_t blocks = j0 + (r + 1) * (uint64_t)size;
        if (blocks > j1)
          blocks = j1;
        uint64_t approx = blocks * MC_BLOCK;
        done_now = done_before +
                   (approx < part_samples - done_before ? approx : part_samples - done_before);
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
                          "stopped by a signal at %llu of %llu samples; the checkpoint holds "
                          "them: run again with --resume to continue",
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
    j0 = j1;
    if (!staged || stage_end >= b1)
      break;
    if (done_end <= stage_end) {
      size_t nc = (size_t)st->ncross * st->ny + st->ncross;
      uint64_t *cnt = calloc(nc + 1, sizeof *cnt);
      lrc = cnt ? MC_OK : mc_err_set(e, MC_EFAIL, "out of memory checking sampling.stop_when");
      if ((rc = mc_engine_agree(lrc, e, comm))) {
        free(cnt);
        goto cleanup;
      }
      memcpy(cnt, st->year_counts, sizeof *cnt * st->ncross * st->ny);
      memcpy(cnt + (size_t)st->ncross * st->ny, st->never, sizeof *cnt * st->ncross);
      int mrc = MPI_Allreduce(MPI_IN_PLACE, cnt, (int)nc, MPI_UINT64_T, MPI_SUM, comm);
      double worst = mc_stats_max_probability_se(cnt, cnt + (size_t)st->ncross * st->ny, st->ncross,
                                                 st->ny, stage_end * MC_BLOCK);
      free(cnt);
      if ((rc = mc_engine_agree(mpi_check(mrc, "MPI_Allreduce", e), e, comm)))
        goto cleanup;
      if (rank == 0 && opts->progress > 0)
        fprintf(stderr,
                "%sstop_when: after %llu samples the largest standard error is %.3g (%s %g)\n",
                opts->progress == 2 ? "\n" : "", (unsigned long long)(stage_end * MC_BLOCK), worst,
                worst < spec->stop_se ? "below the target" : "target", spec->stop_se);
      if (worst < spec->stop_se) {
        stopped = stage_end;
        break;
      }
    }
    stage_end = 2 * stage_end < b1 ? 2 * stage_end : b1;
  }
  if (rank == 0 && opts->progress) {
    double t = now_s();
    uint64_t end = stopped ? stopped * MC_BLOCK : part_samples;
    progress_line(opts, end, stopped ? end : part_samples,
                  t > t0 ? (double)(end - done_before) / (t - t0) : 0, 1);
  }
  {
    mc_stats *red = NULL;
    int lrc = MC_OK;
    if (rank == 0)
      lrc = mc_stats_alloc(spec, &red, e);
    if ((rc = mc_engine_agree(lrc, e, comm)))
      goto cleanup;
    struct timespec clk;
    clock_gettime(CLOCK_MONOTONIC, &clk);
    lrc = mc_stats_reduce(st, red, 0, comm, e);
    phase_mark(opts, MC_PH_REDUCE, &clk);
    if ((rc = mc_engine_agree(lrc, e, comm))) {
      mc_stats_free(red);
      goto cleanup;
    }
    if (red)
      red->stop_blocks = stopped;
    *result = red;
  }
cleanup:
  mc_sampler_free(&smp);
  free(todo);
  free(w.mem);
  return rc;
}
