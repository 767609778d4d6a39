/* One block of samples: see mc_block.h. */
#include "mc_block.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mc_vmath.h"

int mc_block_work_alloc(mc_block_work *w, const mc_spec *spec, int ny, size_t sketch_limit,
                        mc_err *e) {
  const mc_model_type *M = spec->model;
  int ni = mc_spec_ninputs(spec), ncross = spec->ncross, nsens = spec->nsens;
  int xr = spec->nregime ? ni + 1 : 0; /* rows of inX and remap */
  size_t B = MC_BLOCK;
  size_t doubles = B * (ni + M->ncoef + ncross) + (size_t)MC_GRID_PITCH * M->nseries * ny +
                   (size_t)M->work(ny);
  if (nsens)
    doubles += B * (ni + xr + 3 * (size_t)nsens + 1);
  /* Aligned to a cache line: every row below starts on one (their lengths
   * are multiples of 64 bytes), so that no vector load or store of the
   * kernels straddles two lines. With malloc's 16-byte alignment each 64-byte
   * store of the grid was split: the capacity projection took 410 ns a
   * sample instead of 255 (Intel Xeon, AVX-512 clone). */
  size_t bytes = doubles * sizeof(double) + B * sizeof(int) + MC_GRID_PITCH * (size_t)ny;
  if (posix_memalign(&w->mem, 64, bytes))
    w->mem = NULL;
  if (!w->mem)
    MC_RAISE(e, MC_EFAIL, "out of memory allocating block buffers");
  double *p = w->mem;
  for (int i = 0; i < ni; i++, p += B)
    w->in[i] = p;
  for (int i = 0; i < M->ncoef; i++, p += B)
    w->coef[i] = p;
  w->grid = p;
  p += (size_t)MC_GRID_PITCH * M->nseries * ny;
  w->mwork = p;
  p += M->work(ny);
  for (int i = 0; i < ncross; i++, p += B)
    w->tau[i] = p;
  if (nsens) {
    for (int i = 0; i < ni; i++, p += B)
      w->inB[i] = p;
    for (int i = 0; i < xr - 1; i++, p += B)
      w->inX[i] = p;
    if (xr) {
      w->remap = p;
      p += B;
    }
    w->fA = p;
    w->fB = w->fA + B * nsens;
    w->fX = w->fB + B * nsens;
    w->stau = w->fX + B * nsens;
    p = w->stau + B;
    for (int i = 0; i < ni; i++) {
      char name[MC_NAMELEN + 8];
      snprintf(name, sizeof name, "%s#B", mc_spec_input_key(spec, i));
      w->streamB[i] = mc_rng_stream(name);
    }
  }
  w->year = (int *)p;
  w->cat = (uint8_t *)(w->year + B);
  w->sketch_limit = sketch_limit;
  return MC_OK;
}

void mc_block_work_free(mc_block_work *w) {
  free(w->mem);
  w->mem = NULL;
}

/* The sensitivity targets of n samples with inputs in, into f[t * MC_BLOCK +
 * i]: one model evaluation (w's coefficient, grid and work buffers). */
static void sens_targets(const mc_spec *spec, const mc_stats *st, const mc_model *m,
                         const double *const *in, mc_block_work *w, int n, double *f) {
  mc_model_prepare(m, in, n, w->coef);
  mc_model_grid(m, in, (const double *const *)w->coef, n, w->grid, MC_GRID_PITCH, w->mwork,
                w->cat);
  for (int t = 0; t < spec->nsens; t++) {
    const mc_sens_target *tg = &spec->sens[t];
    double *ft = f + (size_t)t * MC_BLOCK;
    if (tg->kind == MC_SENS_SERIES) {
      const double *x = w->grid + (size_t)(tg->id * st->ny + tg->year) * MC_GRID_PITCH;
      for (int i = 0; i < n; i++)
        ft[i] = log(x[i]);
    } else {
      const mc_crossover_spec *c = &spec->cross[tg->id];
      mc_model_crossover(m, in, (const double *const *)w->coef, n, c->lhs, c->rhs, w->grid,
                         MC_GRID_PITCH, w->year, w->stau);
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
                       mc_block_work *w, uint64_t b, int n) {
  int T = st->nsens, k = st->sens_k, nsum = MC_SENS_NSUM(k);
  mc_xsum *acc = st->sens + (size_t)(b % MC_SENS_BATCHES) * T * nsum;
  int np = st->npar;
  mc_sampler_block_streams(smp, w->streamB, mc_spec_ninputs(spec), b * MC_BLOCK, n, w->inB,
                           NULL);
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
    const double *in[MC_MAXINPUT];
    const mc_param_info *param = spec->model->param;
    if (pj == np) {
      /* the regime: A's uniforms, B's regimes (every parameter given per
       * regime maps its uniform through B's regime's distribution) */
      mc_sampler_block_streams(smp, smp->stream, 0, b * MC_BLOCK, n, w->inX, w->inB[np]);
      for (int p = 0; p <= np; p++)
        in[p] = w->inX[p];
    } else {
      const double *bj = w->inB[pj];
      if (spec->per_regime[pj]) {
        /* B's uniform of the parameter, in A's regime */
        for (int i = 0; i < n; i++) {
          int ra = (int)w->in[np][i], rb = (int)w->inB[np][i];
          double u = mc_dist_cdf(mc_spec_regime_dist(spec, pj, rb), w->inB[pj][i]);
          u = fmin(fmax(u, 0x1.0p-60), 1.0 - 0x1.0p-53);
          w->remap[i] =
              ra == rb ? w->inB[pj][i] : mc_dist_quantile(mc_spec_regime_dist(spec, pj, ra), u);
        }
        bj = w->remap;
      }
      for (int p = 0; p < mc_spec_ninputs(spec); p++) {
        int from_b = p == pj || (p < np && !spec->configured[p] &&
                                 param[p].dflt_kind == MC_DEF_FOLLOWS && param[p].follows == pj);
        in[p] = from_b ? bj : w->in[p];
      }
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

typedef double mc_v4d __attribute__((vector_size(32)));
typedef int64_t mc_v4i __attribute__((vector_size(32)));

MC_CLONES void mc_engine_block_moments(const double *x, int n, double K, double *s1, double *s2) {
  /* Eight interleaved partial sums (lane l takes x[i] with i % 8 == l, in
   * order), combined in a fixed order: the same bits on every rank. The
   * lanes are two vectors of four per sum, so that they stay in registers
   * (as an array GCC kept them in memory, each add waiting on a store). */
  mc_v4d a0 = {0}, a1 = {0}, b0 = {0}, b1 = {0}, k = {K, K, K, K};
  const int64_t em = 0x7ff0000000000000;
  const mc_v4i ex = {em, em, em, em};
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    mc_v4d v0, v1;
    memcpy(&v0, x + i, sizeof v0);
    memcpy(&v1, x + i + 4, sizeof v1);
    /* v - K, and 0 for NaN and +-inf (whose exponent bits are all set: the
     * test in integer lanes leaves the floating-point adders to the sums) */
    mc_v4i m0 = ((mc_v4i)v0 & ex) != ex, m1 = ((mc_v4i)v1 & ex) != ex;
    mc_v4d d0 = (mc_v4d)((mc_v4i)(v0 - k) & m0), d1 = (mc_v4d)((mc_v4i)(v1 - k) & m1);
    a0 += d0;
    a1 += d1;
    b0 += d0 * d0;
    b1 += d1 * d1;
  }
  double a[8] = {a0[0], a0[1], a0[2], a0[3], a1[0], a1[1], a1[2], a1[3]};
  double b[8] = {b0[0], b0[1], b0[2], b0[3], b1[0], b1[1], b1[2], b1[3]};
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
static void record_faults(const mc_spec *spec, mc_stats *st, const mc_block_work *w, int n) {
  for (int i = 0; i < n; i++) {
    int bad = 0;
    for (int s = 0; s < st->nser && !bad; s++) {
      if (!mc_spec_has_series(spec, s))
        continue;
      for (int y = 0; y < st->ny && !bad; y++)
        bad = !isfinite(w->grid[(size_t)(s * st->ny + y) * MC_GRID_PITCH + i]);
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
  int32_t bin[MC_BLOCK] MC_ALIGNED;
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
static void phase_mark(const mc_block_env *env, int ph, struct timespec *t) {
  if (!env->phase_time)
    return;
  struct timespec u;
  clock_gettime(CLOCK_MONOTONIC, &u);
  env->phase_time[ph] += (double)(u.tv_sec - t->tv_sec) + 1e-9 * (double)(u.tv_nsec - t->tv_nsec);
  *t = u;
}

/* The memory guard: values spread over a huge range (a parameter that makes
 * a series overflow, say) need a counter for every 2^-mbits of each octave
 * they span. Past the limit the run ends with a message naming the widest
 * band, rather than being killed by the kernel. */
static int check_sketch_memory(const mc_spec *spec, const mc_stats *st, const mc_block_work *w,
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
  MC_RAISE(e, MC_EINPUT,
           "the percentile sketches need more than %zu MiB on this rank "
           "(CROSSOVER_MAX_SKETCH_MB): the values of %s in %d span "
           "%.3g to %.3g (%.0f octaves, %d counters each). Check the parameters for "
           "values that make a series overflow (crossover check shows their ranges), "
           "shorten the grid, raise outputs.relative_accuracy, or raise "
           "CROSSOVER_MAX_SKETCH_MB",
           w->sketch_limit >> 20, spec->model->series[widest / st->ny].name,
           spec->base_year + widest % st->ny, lo, hi, log2(hi) - log2(lo), 1 << st->mbits);
}

/* The samples among n whose code c[i] is k: a pass of byte compares that
 * vectorizes. */
MC_CLONES static uint32_t count_code(const uint8_t *restrict c, int n, uint8_t k) {
  uint32_t t = 0;
  for (int i = 0; i < n; i++)
    t += c[i] == k;
  return t;
}

/* Counts each year's binding constraints of n samples (years after the base
 * year; a code outside the model's table counts nowhere). */
static void count_categories(mc_stats *st, const uint8_t *cat, int n) {
  for (int y = 1; y < st->ny; y++) {
    const uint8_t *c = cat + (size_t)y * MC_GRID_PITCH;
    for (int k = 0; k < st->ncat; k++)
      st->cat_counts[(size_t)k * st->ny + y] += count_code(c, n, (uint8_t)k);
  }
}

/* Counts the block's samples in each regime (regime[i] as a double 0, 1, ...)
 * and, per crossover, their crossover years within their regime. */
static void count_regimes(mc_stats *st, const double *regime, int c, const int *year, int n) {
  int R = st->nregime, ny = st->ny;
  uint32_t t[MC_MAXREGIME * (MC_MAXYEARS + 1)];
  memset(t, 0, sizeof(uint32_t) * (size_t)R * (size_t)(ny + 1));
  for (int i = 0; i < n; i++)
    t[(int)regime[i] * (ny + 1) + (year[i] < 0 ? ny : year[i])]++;
  for (int r = 0; r < R; r++) {
    uint64_t *yc = st->regime_year_counts + ((size_t)c * R + r) * ny;
    for (int y = 0; y < ny; y++)
      yc[y] += t[r * (ny + 1) + y];
    if (c == 0)
      for (int y = 0; y <= ny; y++)
        st->regime_counts[r] += t[r * (ny + 1) + y];
  }
}

/* Counts the samples at or below each observed value (docs/model.md
 * "Observations"). */
static void count_observations(const mc_spec *spec, mc_stats *st, const double *grid, int n) {
  for (int o = 0; o < spec->nobs; o++) {
    const mc_observation *ob = &spec->obs[o];
    const double *x = grid + (size_t)(ob->series * st->ny + ob->year) * MC_GRID_PITCH;
    double v = ob->value;
    uint64_t k = 0;
    for (int i = 0; i < n; i++)
      k += x[i] <= v;
    st->obs_counts[o] += k;
  }
}

int mc_block_process(const mc_block_env *env, mc_stats *st, mc_block_work *w, uint64_t b,
                     mc_err *e) {
  int rc = MC_OK;
  const mc_spec *spec = env->spec;
  const mc_model *m = env->model;
  uint64_t first = b * MC_BLOCK;
  int n = (int)((first + MC_BLOCK <= st->samples) ? MC_BLOCK : st->samples - first);
  int ny = st->ny;
  struct timespec clk = {0, 0};
  if (env->phase_time)
    clock_gettime(CLOCK_MONOTONIC, &clk);
  mc_sampler_block(env->smp, first, n, w->in);
  phase_mark(env, MC_PH_SAMPLE, &clk);
  for (int p = 0; p < st->npar; p++)
    if (mc_stats_param_recorded(spec, p))
      MC_CHECK(mc_sketch_add(&st->param[p], w->in[p], n, e));
  phase_mark(env, MC_PH_SKETCH, &clk);
  mc_model_prepare(m, (const double *const *)w->in, n, w->coef);
  mc_model_grid(m, (const double *const *)w->in, (const double *const *)w->coef, n, w->grid,
                MC_GRID_PITCH, w->mwork, w->cat);
  if (st->ncat)
    count_categories(st, w->cat, n);
  if (st->nobs)
    count_observations(spec, st, w->grid, n);
  phase_mark(env, MC_PH_PROJECT, &clk);
  uint64_t nonfinite_before = 0, nonfinite_after = 0;
  for (int k = 0; k < st->nser * ny; k++)
    nonfinite_before += st->series[k].nonfinite;
  for (int s = 0; s < st->nser; s++) {
    if (!mc_spec_has_series(spec, s))
      continue;
    for (int y = 0; y < ny; y++) {
      int k = s * ny + y;
      const double *x = w->grid + (size_t)k * MC_GRID_PITCH;
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
  phase_mark(env, MC_PH_SKETCH, &clk);
  if (nonfinite_after != nonfinite_before)
    record_faults(spec, st, w, n);
  for (int t = 0; t < spec->nsens; t++)
    if (spec->sens[t].kind == MC_SENS_SERIES) {
      const double *x =
          w->grid + (size_t)(spec->sens[t].id * ny + spec->sens[t].year) * MC_GRID_PITCH;
      for (int i = 0; i < n; i++)
        w->fA[(size_t)t * MC_BLOCK + i] = log(x[i]);
    }
  phase_mark(env, MC_PH_OTHER, &clk);
  for (int c = 0; c < spec->ncross; c++) {
    double *tau = w->tau[c];
    mc_model_crossover(m, (const double *const *)w->in, (const double *const *)w->coef, n,
                       spec->cross[c].lhs, spec->cross[c].rhs, w->grid, MC_GRID_PITCH, w->year,
                       tau);
    for (int t = 0; t < spec->nsens; t++)
      if (spec->sens[t].kind == MC_SENS_CROSSOVER && spec->sens[t].id == c)
        for (int i = 0; i < n; i++)
          w->fA[(size_t)t * MC_BLOCK + i] = isinf(tau[i]) ? ny - 1 : tau[i];
    if (st->nregime)
      count_regimes(st, w->in[st->npar], c, w->year, n);
    count_crossings(st, c, w->year, tau, n, spec->base_year);
  }
  phase_mark(env, MC_PH_CROSS, &clk);
  if (env->sink)
    MC_CHECK(env->sink(env->sink_ctx, first, n, (const double *const *)w->in,
                       (const double *const *)w->tau, e));
  if (spec->nsens)
    sens_block(spec, env->smp, m, st, w, b, n);
  st->done[b >> 3] |= (uint8_t)(1u << (b & 7));
  phase_mark(env, MC_PH_OTHER, &clk);
cleanup:
  return rc;
}
