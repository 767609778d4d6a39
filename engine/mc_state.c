/* The state of a run: see mc_state.h. */
#include "mc_state.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_codec.h"
#include "mc_model.h"

static int nsketch(const mc_stats *st) { return st->nser * st->ny; }
static int nsensx(const mc_stats *st) {
  return MC_SENS_BATCHES * st->nsens * MC_SENS_NSUM(st->sens_k);
}

int mc_stats_nsketch(const mc_stats *st) { return nsketch(st) + st->npar; }
const mc_sketch *mc_stats_sketch(const mc_stats *st, int k) { return &st->series[k]; }
int mc_stats_nxsum(const mc_stats *st) { return 2 * nsketch(st) + nsensx(st); }
const mc_xsum *mc_stats_xsum(const mc_stats *st, int k) { return &st->sum1[k]; }

int mc_stats_param_recorded(const mc_spec *spec, int p) {
  return spec->configured[p] || spec->model->param[p].dflt_kind == MC_DEF_FOLLOWS;
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
    MC_RAISE(e, MC_EFAIL, "out of memory allocating the run state");
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

/* The sizes of spec's state. */
static void state_shape(const mc_spec *spec, mc_stats *st) {
  st->model = spec->model;
  st->npar = spec->model->nparam;
  st->nser = spec->model->nseries;
  st->ny = mc_spec_nyears(spec);
  st->ncross = spec->ncross;
  st->ncat = spec->model->ncat;
  st->nregime = spec->nregime;
  st->nobs = spec->nobs;
  st->mbits = mc_sketch_mbits(spec->rel_acc);
  st->samples = spec->samples;
  st->nblocks = (spec->samples + MC_BLOCK - 1) / MC_BLOCK;
  st->digest = mc_spec_digest(spec);
  st->ntau = (int64_t)(st->ny - 1) * MC_TAU_BINS_PER_YEAR + 1;
  st->nsens = spec->nsens;
  st->sens_k = mc_spec_sens_params(spec, st->sens_par);
}

int mc_stats_alloc(const mc_spec *spec, mc_stats **out, mc_err *e) {
  int rc = MC_OK;
  mc_stats *st = calloc(1, sizeof *st);
  if (!st)
    MC_RAISE(e, MC_EFAIL, "out of memory allocating the run state");
  state_shape(spec, st);
  int nsk = nsketch(st), nx = mc_stats_nxsum(st);
  st->done = calloc((st->nblocks + 7) / 8 + 1, 1);
  st->series = calloc((size_t)mc_stats_nsketch(st), sizeof *st->series);
  st->sum1 = calloc((size_t)nx + 1, sizeof *st->sum1);
  st->shift = calloc((size_t)nsk + 1, sizeof *st->shift);
  st->year_counts = calloc((size_t)st->ncross * st->ny + 1, sizeof *st->year_counts);
  st->never = calloc(st->ncross + 1, sizeof *st->never);
  st->tau_hist = calloc((size_t)st->ncross * st->ntau + 1, sizeof *st->tau_hist);
  st->tau_hot = calloc((size_t)st->ncross * st->ntau + 1, 1);
  st->cat_counts = calloc((size_t)st->ncat * st->ny + 1, sizeof *st->cat_counts);
  st->regime_counts = calloc((size_t)st->nregime + 1, sizeof *st->regime_counts);
  st->regime_year_counts = calloc((size_t)st->ncross * st->nregime * st->ny + 1, sizeof(uint64_t));
  st->obs_counts = calloc((size_t)st->nobs + 1, sizeof *st->obs_counts);
  if (!st->done || !st->series || !st->sum1 || !st->shift || !st->year_counts || !st->never ||
      !st->tau_hist || !st->tau_hot || !st->cat_counts || !st->regime_counts ||
      !st->regime_year_counts || !st->obs_counts)
    MC_FAIL(e, MC_EFAIL, "out of memory allocating the run state (%llu blocks)",
            (unsigned long long)st->nblocks);
  st->param = st->series + nsk;
  st->sum2 = st->sum1 + nsk;
  st->sens = st->sum1 + 2 * nsk;
  for (int k = 0; k < mc_stats_nsketch(st); k++)
    mc_sketch_init(&st->series[k], st->mbits);
  for (int k = 0; k < nx; k++)
    mc_xsum_init(&st->sum1[k]);
  for (int p = 0; p < st->npar; p++) {
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
    for (int k = 0; k < mc_stats_nsketch(st); k++)
      mc_sketch_free(&st->series[k]);
  free(st->done);
  free(st->series);
  free(st->sum1);
  free(st->shift);
  free(st->year_counts);
  free(st->never);
  free(st->tau_hist);
  free(st->tau_hot);
  free(st->cat_counts);
  free(st->regime_counts);
  free(st->regime_year_counts);
  free(st->obs_counts);
  free(st);
}

/* Samples of the done blocks b with b % nbatches == g (every block for
 * nbatches 1). */
uint64_t mc_stats_batch_samples(const mc_stats *st, int nbatches, int g) {
  uint64_t n = 0;
  for (uint64_t b = (uint64_t)g; b < st->nblocks; b += (uint64_t)nbatches)
    if (mc_stats_block_done(st, b)) {
      uint64_t end = (b + 1) * MC_BLOCK < st->samples ? (b + 1) * MC_BLOCK : st->samples;
      n += end - b * MC_BLOCK;
    }
  return n;
}

uint64_t mc_stats_done_samples(const mc_stats *st) { return mc_stats_batch_samples(st, 1, 0); }

int mc_stats_complete(const mc_stats *st) {
  uint64_t end = st->stop_blocks ? st->stop_blocks : st->nblocks;
  for (uint64_t b = 0; b < end; b++)
    if (!mc_stats_block_done(st, b))
      return 0;
  return 1;
}

/* A byte per bin keeps the histogram, 8 times smaller, out of the way of the
 * sketches in the cache while the block loop counts. */
void mc_stats_fold(mc_stats *st) {
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
    MC_RAISE(e, MC_EINPUT,
             "the states differ in shape (model, years, crossovers, accuracy, sample "
             "count or sensitivity targets): they are not parts of one job");
  if (memcmp(dst->shift, src->shift, sizeof *dst->shift * (size_t)nsketch(dst)) != 0 ||
      (dst->nsens &&
       memcmp(dst->sens_shift, src->sens_shift, sizeof *dst->sens_shift * (size_t)dst->nsens) != 0))
    MC_RAISE(e, MC_EINPUT,
             "the states' moment shifts differ (written by different builds of the "
             "engine): their sums cannot be added; rerun the parts with one build");
  if (dst->stop_blocks || src->stop_blocks)
    MC_RAISE(e, MC_EINPUT,
             "a run stopped by sampling.stop_when (after %llu samples) is complete "
             "in itself: it is not a part to merge with others",
             (unsigned long long)((dst->stop_blocks ? dst : src)->stop_blocks * MC_BLOCK));
  for (uint64_t i = 0; i < (dst->nblocks + 7) / 8; i++)
    if (dst->done[i] & src->done[i]) {
      uint64_t b = i * 8;
      while (!((dst->done[i] & src->done[i]) >> (b & 7) & 1))
        b++;
      MC_RAISE(e, MC_EINPUT, "the parts overlap: both hold block %llu (samples %llu..%llu)",
               (unsigned long long)b, (unsigned long long)(b * MC_BLOCK),
               (unsigned long long)((b + 1) * MC_BLOCK - 1));
    }
  mc_codec_image img;
  int rc = mc_codec_pack(src, NULL, &img, e);
  if (rc == MC_OK)
    rc = mc_codec_unpack(&img, dst, MC_UNPACK_ADD, "", e);
  mc_codec_free(&img);
  return rc;
}

/* Every done sample counted once by each sketch of the job and each
 * crossover; at most once by each crossing-time histogram (a sample may cross
 * between grid years only: a finite crossing time, no crossover year) and by
 * each year's binding constraints (none in the base year). */
static int check_counts(const mc_stats *st, const mc_spec *spec, uint64_t n, const char *src,
                        mc_err *e) {
  int nser = nsketch(st);
  for (int k = 0; k < mc_stats_nsketch(st); k++) {
    int s = k < nser ? k / st->ny : -1, p = k < nser ? -1 : k - nser;
    if (s >= 0 ? !mc_spec_has_series(spec, s) : !mc_stats_param_recorded(spec, p))
      continue;
    const mc_sketch *sk = &st->series[k];
    if (mc_sketch_count(sk) + sk->nonfinite != n)
      MC_RAISE(e, MC_EINPUT,
               "%s: state counts %llu values of %s%s%d but %llu samples are done (damaged file?)",
               src, (unsigned long long)(mc_sketch_count(sk) + sk->nonfinite),
               s >= 0 ? st->model->series[s].name : st->model->param[p].key, s >= 0 ? " in " : "",
               s >= 0 ? spec->base_year + k % st->ny : 0, (unsigned long long)n);
  }
  for (int c = 0; c < st->ncross; c++) {
    uint64_t sum = st->never[c], hsum = 0;
    for (int y = 0; y < st->ny; y++)
      sum += st->year_counts[(size_t)c * st->ny + y];
    for (int64_t b = 0; b < st->ntau; b++)
      hsum += st->tau_hist[(size_t)c * st->ntau + b];
    if (sum != n || hsum > n)
      MC_RAISE(e, MC_EINPUT,
               "%s: crossover %s counts %llu samples (%llu crossing times) but %llu are "
               "done (damaged file?)",
               src, spec->cross[c].name, (unsigned long long)sum, (unsigned long long)hsum,
               (unsigned long long)n);
  }
  uint64_t rsum = 0;
  for (int r = 0; r < st->nregime; r++) {
    rsum += st->regime_counts[r];
    for (int c = 0; c < st->ncross; c++) {
      uint64_t crossed = 0;
      for (int y = 0; y < st->ny; y++)
        crossed += st->regime_year_counts[((size_t)c * st->nregime + r) * st->ny + y];
      if (crossed > st->regime_counts[r])
        MC_RAISE(e, MC_EINPUT,
                 "%s: state/regime_year_counts counts %llu crossings of %s in regime %s "
                 "but %llu samples were drawn in it (damaged file?)",
                 src, (unsigned long long)crossed, spec->cross[c].name, spec->regime_name[r],
                 (unsigned long long)st->regime_counts[r]);
    }
  }
  if (st->nregime && rsum != n)
    MC_RAISE(e, MC_EINPUT,
             "%s: state/regime_counts counts %llu samples but %llu are done (damaged "
             "file?)",
             src, (unsigned long long)rsum, (unsigned long long)n);
  for (int o = 0; o < st->nobs; o++)
    if (st->obs_counts[o] > n)
      MC_RAISE(e, MC_EINPUT,
               "%s: state/observation_counts counts %llu samples but %llu are done "
               "(damaged file?)",
               src, (unsigned long long)st->obs_counts[o], (unsigned long long)n);
  for (int y = 0; y < st->ny; y++) {
    uint64_t sum = 0;
    for (int c = 0; c < st->ncat; c++)
      sum += st->cat_counts[(size_t)c * st->ny + y];
    if (sum > (y ? n : 0))
      MC_RAISE(e, MC_EINPUT,
               "%s: state/constraint_counts counts %llu samples in %d but %llu are done "
               "(damaged file?)",
               src, (unsigned long long)sum, spec->base_year + y, (unsigned long long)(y ? n : 0));
  }
  return MC_OK;
}

/* fault_samples between the most non-finite values of one series and year
 * and the samples done; ranges +inf, -inf while there are none, else
 * ordered. */
static int check_faults(const mc_stats *st, uint64_t n, const char *src, mc_err *e) {
  uint64_t most = 0;
  for (int k = 0; k < nsketch(st); k++)
    if (st->series[k].nonfinite > most)
      most = st->series[k].nonfinite;
  if (st->fault_samples > n || st->fault_samples < most)
    MC_RAISE(e, MC_EINPUT,
             "%s: state attribute fault_samples (%llu) is not between the most "
             "non-finite values of one series and year (%llu) and the samples done "
             "(%llu) (damaged file?)",
             src, (unsigned long long)st->fault_samples, (unsigned long long)most,
             (unsigned long long)n);
  for (int p = 0; p < st->npar; p++) {
    double lo = st->fault_lo[p], hi = st->fault_hi[p];
    if (isnan(lo) || isnan(hi) || (lo > hi && !(lo == INFINITY && hi == -INFINITY)) ||
        (st->fault_samples == 0 && lo <= hi))
      MC_RAISE(e, MC_EINPUT, "%s: state/fault_range holds impossible values (damaged file?)", src);
  }
  return MC_OK;
}

int mc_stats_check(const mc_stats *st, const mc_spec *spec, const char *src, mc_err *e) {
  if (st->stop_blocks > st->nblocks)
    MC_RAISE(e, MC_EINPUT, "%s: state attribute stop_blocks is past the last block (damaged file?)",
             src);
  /* a stopped run holds exactly the blocks before its stop point */
  for (uint64_t b = 0; st->stop_blocks && b < st->nblocks; b++)
    if (mc_stats_block_done(st, b) != (b < st->stop_blocks))
      MC_RAISE(e, MC_EINPUT, "%s: a run stopped after %llu blocks %s block %llu (damaged file?)",
               src, (unsigned long long)st->stop_blocks, b < st->stop_blocks ? "lacks" : "holds",
               (unsigned long long)b);
  uint64_t n = mc_stats_done_samples(st);
  int rc = check_faults(st, n, src, e);
  return rc != MC_OK ? rc : check_counts(st, spec, n, src, e);
}
