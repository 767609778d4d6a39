#include "mc_sample.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_vmath.h"

/* Catmull-Rom through the table nodes around u, exact near the ends. */
static inline double table_quantile(const mc_dist *d, const double *q, double u) {
  double x = u * MC_QTABLE_N;
  int k = (int)x;
  if (k < MC_QTABLE_END || k >= MC_QTABLE_N - MC_QTABLE_END)
    return mc_dist_quantile(d, u);
  double t = x - k, p0 = q[k - 1], p1 = q[k], p2 = q[k + 1], p3 = q[k + 2];
  return 0.5 * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t * t +
                (3 * (p1 - p2) + p3 - p0) * t * t * t);
}

/* A table for d, or NULL when interpolation would not hold 1e-9 of its scale. */
static double *build_table(const mc_dist *d) {
  double *q = malloc(sizeof(double) * (MC_QTABLE_N + 1));
  if (!q)
    return NULL;
  for (int k = 1; k < MC_QTABLE_N; k++)
    q[k] = mc_dist_quantile(d, (double)k / MC_QTABLE_N);
  q[0] = q[1];
  q[MC_QTABLE_N] = q[MC_QTABLE_N - 1];
  double scale = fabs(q[MC_QTABLE_N - 1] - q[1]) + fabs(q[MC_QTABLE_N / 2]);
  for (int k = MC_QTABLE_END; k < MC_QTABLE_N - MC_QTABLE_END; k += 7) {
    double u = (k + 0.5) / MC_QTABLE_N;
    if (!(fabs(table_quantile(d, q, u) - mc_dist_quantile(d, u)) <= 1e-9 * scale)) {
      free(q);
      return NULL;
    }
  }
  return q;
}

/* MC_SK_TNORMAL or MC_SK_TLOGNORMAL for a truncated normal or lognormal that
 * keeps at least 1% of the mass (so F(lo) + u (F(hi) - F(lo)) loses no
 * accuracy to cancellation), with F(lo) and the mass; else 0. */
static int truncated_normal_kind(const mc_dist *d, double *flo, double *mass) {
  int normal = !strcmp(d->type->name, "normal"), lognormal = !strcmp(d->type->name, "lognormal");
  if (!normal && !lognormal)
    return 0;
  double lo = d->lo, hi = d->hi;
  if (lognormal) {
    lo = lo > 0 ? log(lo) : -INFINITY;
    hi = isfinite(hi) ? log(hi) : hi;
  }
  double a = gsl_cdf_ugaussian_P((lo - d->p[0]) / d->p[1]);
  double b = gsl_cdf_ugaussian_P((hi - d->p[0]) / d->p[1]);
  if (!(b - a >= 0.01))
    return 0;
  *flo = a;
  *mass = b - a;
  return normal ? MC_SK_TNORMAL : MC_SK_TLOGNORMAL;
}

static int slow_inverse(const mc_dist *d) {
  const char *n = d->type->name;
  return !strcmp(n, "beta") || !strcmp(n, "pert") || !strcmp(n, "gamma");
}

/* The normal-score table: z_k = Phi^-1(k/N) and its slope per interval,
 * (1/N) / phi(z_k), for cubic Hermite interpolation (error below 1e-9 in z
 * inside the table's range, checked when built); exact in the end intervals. */
static double *build_ztable(void) {
  double *q = malloc(sizeof(double) * 2 * (MC_QTABLE_N + 1));
  if (!q)
    return NULL;
  for (int k = 1; k < MC_QTABLE_N; k++) {
    double z = gsl_cdf_ugaussian_Pinv((double)k / MC_QTABLE_N);
    q[2 * k] = z;
    q[2 * k + 1] = sqrt(2 * M_PI) * exp(0.5 * z * z) / MC_QTABLE_N;
  }
  q[0] = q[1] = q[2 * MC_QTABLE_N] = q[2 * MC_QTABLE_N + 1] = 0;
  for (int k = MC_QTABLE_END; k < MC_QTABLE_N - MC_QTABLE_END; k += 5) {
    double u = (k + 0.37) / MC_QTABLE_N;
    double t = u * MC_QTABLE_N - k, a = q[2 * k], ma = q[2 * k + 1], b = q[2 * k + 2],
           mb = q[2 * k + 3];
    double t2 = t * t, t3 = t2 * t;
    double v = (2 * t3 - 3 * t2 + 1) * a + (t3 - 2 * t2 + t) * ma + (-2 * t3 + 3 * t2) * b +
               (t3 - t2) * mb;
    if (!(fabs(v - gsl_cdf_ugaussian_Pinv(u)) <= 1e-9)) {
      free(q);
      return NULL;
    }
  }
  return q;
}

/* The table's interpolation for every u in x, into z; where u lies in an
 * end interval the table leaves to the exact inverse, z holds the nearest
 * inner interval's (replaced by the caller). In three passes over runs of
 * ZCHUNK: the interval k and offset t of each u (vectorized), the four table
 * values of each interval copied with two 16-byte loads (ztable_fetch; the
 * table, 256 kB, lies in the second-level cache), and the cubic (vectorized).
 * The same arithmetic as one loop: the same bits. */
#define ZCHUNK 256
typedef double zpair __attribute__((vector_size(16)));

/* The middle pass, one value at a time: GCC would vectorize it by taking
 * the intervals out of vector registers one by one, which costs more than
 * the copies (measured: an eighth more for the whole interpolation), and
 * AVX-512 gathers cost more again (2.5 times these copies). */
__attribute__((noinline, optimize("no-tree-vectorize"))) static void
ztable_fetch(const double *restrict q, const int32_t *restrict kk, int m, zpair *restrict lo,
             zpair *restrict hi) {
  for (int i = 0; i < m; i++) {
    memcpy(&lo[i], q + 2 * kk[i], sizeof lo[i]);
    memcpy(&hi[i], q + 2 * kk[i] + 2, sizeof hi[i]);
  }
}

MC_CLONES static void ztable_interp(const double *restrict q, const double *restrict x,
                                    double *restrict z, int n) {
  int32_t kk[ZCHUNK];
  double tt[ZCHUNK] MC_ALIGNED;
  zpair lo[ZCHUNK], hi[ZCHUNK]; /* (a, ma) and (b, mb) of each value's interval */
  for (int c = 0; c < n; c += ZCHUNK) {
    int m = n - c < ZCHUNK ? n - c : ZCHUNK;
    const double *restrict xc = x + c;
    for (int i = 0; i < m; i++) {
      double y = xc[i] * MC_QTABLE_N;
      int k = (int)y;
      int kc = k < MC_QTABLE_END ? MC_QTABLE_END : k;
      kc = kc > MC_QTABLE_N - MC_QTABLE_END - 1 ? MC_QTABLE_N - MC_QTABLE_END - 1 : kc;
      kk[i] = kc;
      tt[i] = y - k;
    }
    ztable_fetch(q, kk, m, lo, hi);
    double *restrict zc = z + c;
    for (int i = 0; i < m; i++) {
      double t = tt[i], a = lo[i][0], ma = lo[i][1], b = hi[i][0], mb = hi[i][1];
      double t2 = t * t, t3 = t2 * t;
      zc[i] = (2 * t3 - 3 * t2 + 1) * a + (t3 - 2 * t2 + t) * ma + (-2 * t3 + 3 * t2) * b +
              (t3 - t2) * mb;
    }
  }
}

/* Which runs of ZRUN uniforms in x hold one in an end interval of the table
 * (u N outside [MC_QTABLE_END, MC_QTABLE_N - MC_QTABLE_END), as (int)(u N)
 * says for u in [0, 1]): edge[r] for x[r ZRUN .. r ZRUN + ZRUN - 1]. The
 * runs' tests vectorize; about one run in four has such a u. */
#define ZRUN 32
MC_CLONES static void ztable_edges(const double *restrict x, int n, uint8_t *restrict edge) {
  for (int r = 0; r * ZRUN < n; r++) {
    const double *xr = x + r * ZRUN;
    int m = n - r * ZRUN < ZRUN ? n - r * ZRUN : ZRUN;
    uint64_t e = 0;
    for (int i = 0; i < m; i++) {
      double y = xr[i] * MC_QTABLE_N;
      e |= (uint64_t)(y < MC_QTABLE_END) | (uint64_t)(y >= MC_QTABLE_N - MC_QTABLE_END);
    }
    edge[r] = e != 0;
  }
}

/* Normal scores of n uniforms, in place, MC_BLOCK at a time. */
static void normal_scores(const mc_sampler *s, double *x, int n) {
  const double *q = s->ztable;
  if (!q) {
    for (int i = 0; i < n; i++)
      x[i] = gsl_cdf_ugaussian_Pinv(x[i]);
    return;
  }
  double z[MC_BLOCK] MC_ALIGNED;
  uint8_t edge[MC_BLOCK / ZRUN];
  for (int at = 0; at < n; at += MC_BLOCK) {
    double *xb = x + at;
    int nb = n - at < MC_BLOCK ? n - at : MC_BLOCK;
    ztable_interp(q, xb, z, nb);
    ztable_edges(xb, nb, edge);
    for (int r = 0; r * ZRUN < nb; r++) {
      if (!edge[r])
        continue;
      int end = nb < (r + 1) * ZRUN ? nb : (r + 1) * ZRUN;
      for (int i = r * ZRUN; i < end; i++) {
        int k = (int)(xb[i] * MC_QTABLE_N);
        if (k < MC_QTABLE_END || k >= MC_QTABLE_N - MC_QTABLE_END)
          z[i] = gsl_cdf_ugaussian_Pinv(xb[i]);
      }
    }
    memcpy(xb, z, sizeof(double) * (size_t)nb);
  }
}

void mc_sampler_free(mc_sampler *s) {
  free(s->ztable);
  s->ztable = NULL;
  for (int p = 0; p < MC_MAXPARAM; p++) {
    free(s->table[p]);
    s->table[p] = NULL;
  }
}

int mc_sampler_init(mc_sampler *s, const mc_spec *spec, mc_err *e) {
  memset(s, 0, sizeof *s);
  s->spec = spec;
  mc_design_init(&s->design, spec->method, spec->seed, spec->samples);
  s->ztable = build_ztable();
  const mc_param_info *param = spec->model->param;
  s->nregime = spec->nregime;
  if (s->nregime) {
    /* the regime: one more input, with its own stream (docs/model.md "Regimes") */
    s->stream[spec->model->nparam] = mc_rng_stream("regime");
    double c = 0;
    for (int r = 0; r < s->nregime; r++)
      s->cum[r] = c += spec->regime_weight[r];
    s->cum[s->nregime - 1] = 1.0;
  }
  for (int p = 0; p < spec->model->nparam; p++) {
    s->stream[p] = mc_rng_stream(param[p].key);
    const mc_dist *d = &spec->dist[p];
    int untrunc = d->lo == -INFINITY && d->hi == INFINITY;
    if (spec->per_regime[p])
      s->kind[p] = MC_SK_REGIME;
    else if (!spec->configured[p] || mc_dist_is_constant(d))
      s->kind[p] = MC_SK_CONSTANT;
    else if (untrunc && !strcmp(d->type->name, "normal"))
      s->kind[p] = MC_SK_NORMAL;
    else if (untrunc && !strcmp(d->type->name, "lognormal"))
      s->kind[p] = MC_SK_LOGNORMAL;
    else if (truncated_normal_kind(d, &s->tlo[p], &s->tmass[p]))
      s->kind[p] = truncated_normal_kind(d, &s->tlo[p], &s->tmass[p]);
    else if (slow_inverse(d) && (s->table[p] = build_table(d)))
      s->kind[p] = MC_SK_TABLE;
    else
      s->kind[p] = MC_SK_GENERIC;
  }
  if (spec->ncorr == 0)
    return MC_OK;
  int slot[MC_MAXPARAM];
  for (int p = 0; p < spec->model->nparam; p++)
    slot[p] = -1;
  for (int c = 0; c < spec->ncorr; c++) {
    int ab[2] = {spec->corr[c].a, spec->corr[c].b};
    for (int j = 0; j < 2; j++)
      if (slot[ab[j]] < 0) {
        slot[ab[j]] = s->ncorr_par;
        s->corr_par[s->ncorr_par++] = ab[j];
      }
  }
  int d = s->ncorr_par;
  double rho[MC_COPULA_MAXDIM * MC_COPULA_MAXDIM];
  const char *names[MC_COPULA_MAXDIM];
  for (int i = 0; i < d; i++) {
    names[i] = param[s->corr_par[i]].key;
    for (int j = 0; j < d; j++)
      rho[i * d + j] = i == j ? 1.0 : 0.0;
  }
  for (int c = 0; c < spec->ncorr; c++) {
    int i = slot[spec->corr[c].a], j = slot[spec->corr[c].b];
    rho[i * d + j] = rho[j * d + i] = spec->corr[c].rho;
  }
  return mc_copula_init(d, rho, names, &s->copula, e);
}

/* ---- Phi of normal scores, as GSL computes it ----------------------------------
 *
 * gsl_cdf_ugaussian_P and _Q evaluate W. J. Cody's rational approximations
 * (Math. Comp. 23, 1969): for |x| below 0.66291 one in x^2, 0.5 +- x R(x^2);
 * up to sqrt 32 one in |x| times exp(-xf^2 / 2) exp(-del) with
 * xf = floor(16 x) / 16 and del = (x - xf)(x + xf) / 2 (libm's exp). Called one
 * value at a time, each evaluation waits on its own chain of multiplies. Here
 * the rationals of a run of values are worked in vector lanes, with Cody's
 * coefficients and GSL's operations in GSL's order (no fma: -ffp-contract=off),
 * so the same bits; then the exps of the lanes that need them (the first from
 * a table: xf takes 182 values); the rare rest (|x| below 2^-53 or from
 * sqrt 32, NaN) is left to GSL itself.
 * tests/test_sample.c checks the bits against GSL. */
#define PHI_EPS   0x1.0p-53 /* GSL_DBL_EPSILON / 2: P is 0.5 below it */
#define PHI_SMALL 0.66291
#define PHI_RUN   256
static const double phi_a[5] = {2.2352520354606839287, 161.02823106855587881,
                                1067.6894854603709582, 18154.981253343561249,
                                0.065682337918207449113};
static const double phi_b[4] = {47.20258190468824187, 976.09855173777669322,
                                10260.932208618978205, 45507.789335026729956};
static const double phi_c[9] = {0.39894151208813466764, 8.8831497943883759412,
                                93.506656132177855979,  597.27027639480026226,
                                2494.5375852903726711,  6848.1904505362823326,
                                11602.651437647350124,  9842.7148383839780218,
                                1.0765576773720192317e-8};
static const double phi_d[8] = {22.266688044328115691, 235.38790178262499861,
                                1519.377599407554805,  6485.558298266760755,
                                18615.571640885098091, 34900.952721145977266,
                                38912.003286093271411, 19685.429676859990727};

/* exp(-xf^2 / 2) for xf = k / 16 (k = floor(16 x), |x| < sqrt 32, so
 * -91 <= k <= 90): the first of the middle range's exps, of which there are
 * only these, from libm as GSL has it, at index k + PHI_K0. */
#define PHI_K0 91
static double phi_e1[2 * PHI_K0];
static int phi_e1_ready; /* a race here writes the same values */

static void phi_init(void) {
  for (int k = -PHI_K0; k < PHI_K0; k++) {
    double xf = (double)k / 16.0;
    phi_e1[k + PHI_K0] = exp(-0.5 * xf * xf);
  }
  phi_e1_ready = 1;
}

/* For each x: in r the result where |x| < 0.66291 (z < 0 ? P : 1 - Q), else
 * the rational of the middle range; floor(16 x) there (else 0) and the
 * second exp's argument; and the range (0 inner, 1 middle, 2 left to GSL).
 * Branch-free, so it vectorizes. */
MC_CLONES static void phi_rationals(const double *restrict z, int n, double *restrict r,
                                    int32_t *restrict k16, double *restrict e2,
                                    uint8_t *restrict range) {
  const double sqrt32 = 4.0 * M_SQRT2;
  for (int i = 0; i < n; i++) {
    double x = z[i], a = fabs(x);
    /* the steps written out: GCC vectorizes no loop with an inner one */
    double xs = x * x, sn = phi_a[4] * xs, sd = xs;
    sn = (sn + phi_a[0]) * xs, sd = (sd + phi_b[0]) * xs;
    sn = (sn + phi_a[1]) * xs, sd = (sd + phi_b[1]) * xs;
    sn = (sn + phi_a[2]) * xs, sd = (sd + phi_b[2]) * xs;
    double small = x * (sn + phi_a[3]) / (sd + phi_b[3]);
    double mn = phi_c[8] * a, md = a;
    mn = (mn + phi_c[0]) * a, md = (md + phi_d[0]) * a;
    mn = (mn + phi_c[1]) * a, md = (md + phi_d[1]) * a;
    mn = (mn + phi_c[2]) * a, md = (md + phi_d[2]) * a;
    mn = (mn + phi_c[3]) * a, md = (md + phi_d[3]) * a;
    mn = (mn + phi_c[4]) * a, md = (md + phi_d[4]) * a;
    mn = (mn + phi_c[5]) * a, md = (md + phi_d[5]) * a;
    mn = (mn + phi_c[6]) * a, md = (md + phi_d[6]) * a;
    double mid = (mn + phi_c[7]) / (md + phi_d[7]);
    double f16 = floor(x * 16.0), xf = f16 / 16.0;
    double del = (x - xf) * (x + xf);
    del *= 0.5;
    e2[i] = -1.0 * del;
    int inner = (a >= PHI_EPS) & (a < PHI_SMALL), middle = (a >= PHI_SMALL) & (a < sqrt32);
    k16[i] = middle ? (int32_t)f16 : 0;
    /* P(x) = 0.5 + small for x < 0; 1 - Q(x) = 1 - (0.5 - small) for x >= 0 */
    double in = x < 0 ? 0.5 + small : 1.0 - (0.5 - small);
    r[i] = inner ? in : mid;
    range[i] = (uint8_t)(inner ? 0 : middle ? 1 : 2);
  }
}

void mc_sample_phi(const double *z, double *u, int n) {
  double r[PHI_RUN], e2[PHI_RUN];
  int32_t k16[PHI_RUN];
  uint8_t range[PHI_RUN];
  if (!phi_e1_ready)
    phi_init();
  for (int c = 0; c < n; c += PHI_RUN) {
    int m = n - c < PHI_RUN ? n - c : PHI_RUN;
    const double *zc = z + c;
    double *uc = u + c;
    phi_rationals(zc, m, r, k16, e2, range);
    /* the middle range's values listed first, so that their loop has no
     * branch on the ranges, which the values mix at random */
    int mid[PHI_RUN], nmid = 0, rare = 0;
    for (int i = 0; i < m; i++) {
      mid[nmid] = i;
      nmid += range[i] == 1;
      rare |= range[i] == 2;
    }
    for (int j = 0; j < nmid; j++) {
      int i = mid[j];
      /* P(x) for x < 0, Q(x) for x > 0 */
      double g = phi_e1[k16[i] + PHI_K0] * exp(e2[i]) * r[i], q = 1.0 - g;
      r[i] = zc[i] < 0 ? g : q;
    }
    for (int i = 0; rare && i < m; i++)
      if (range[i] == 2)
        r[i] = zc[i] < 0 ? gsl_cdf_ugaussian_P(zc[i]) : 1.0 - gsl_cdf_ugaussian_Q(zc[i]);
    memcpy(uc, r, sizeof(double) * (size_t)m); /* u may be z: read in full by now */
  }
}

/* mu + sd z clamped to [lo, hi] for every score z in x, in place; exp of
 * mu + sd z (then clamped) when lognormal. */
MC_CLONES static void scaled_scores(double *restrict x, int n, double mu, double sd, double lo,
                                    double hi, int lognormal) {
  if (!lognormal)
    for (int i = 0; i < n; i++) {
      double v = mu + sd * x[i];
      x[i] = v < lo ? lo : (v > hi ? hi : v);
    }
  else
    for (int i = 0; i < n; i++) {
      double v = mc_exp(mu + sd * x[i]);
      x[i] = v < lo ? lo : (v > hi ? hi : v);
    }
}

/* A truncated normal or lognormal parameter p (MC_SK_TNORMAL, MC_SK_TLOGNORMAL)
 * from uniforms x (n of them), in place: mu + sd z(F(lo) + u m) clamped to
 * [lo, hi], exp of it for the lognormal. */
static void truncated_values(const mc_sampler *s, int p, double *x, int n) {
  const mc_dist *d = &s->spec->dist[p];
  double a = s->tlo[p], m = s->tmass[p];
  for (int i = 0; i < n; i++)
    x[i] = a + x[i] * m;
  normal_scores(s, x, n);
  scaled_scores(x, n, d->p[0], d->p[1], d->lo, d->hi, s->kind[p] == MC_SK_TLOGNORMAL);
}

/* Values from normal scores z (n of them) for parameter p, in place. */
MC_CLONES static void from_scores(const mc_sampler *s, int p, double *z, int n) {
  const mc_dist *d = &s->spec->dist[p];
  double a = d->p[0], b = d->p[1];
  if (s->kind[p] == MC_SK_NORMAL) {
    for (int i = 0; i < n; i++)
      z[i] = a + b * z[i];
  } else if (s->kind[p] == MC_SK_LOGNORMAL) {
    for (int i = 0; i < n; i++)
      z[i] = mc_exp(a + b * z[i]);
  } else {
    mc_sample_phi(z, z, n);
    for (int i = 0; i < n; i++) {
      double v = z[i];
      /* keep u inside (0, 1): fmin(fmax(v, 2^-60), 1 - 2^-53) for v not NaN, and
       * 2^-60 for NaN as fmax gives, without the calls */
      v = v > 0x1.0p-60 ? v : 0x1.0p-60;
      z[i] = v < 1.0 - 0x1.0p-53 ? v : 1.0 - 0x1.0p-53;
    }
    if (s->kind[p] == MC_SK_TNORMAL || s->kind[p] == MC_SK_TLOGNORMAL) {
      truncated_values(s, p, z, n);
    } else {
      for (int i = 0; i < n; i++)
        z[i] = s->kind[p] == MC_SK_TABLE ? table_quantile(d, s->table[p], z[i])
                                         : mc_dist_quantile(d, z[i]);
    }
  }
}

/* The regimes of n samples from their uniforms u, in place (as doubles 0, 1,
 * ...): the first r with u < cum[r]. */
static void regimes_of(const mc_sampler *s, double *u, int n) {
  for (int i = 0; i < n; i++) {
    int r = 0;
    for (int k = 0; k < s->nregime - 1; k++)
      r += u[i] >= s->cum[k];
    u[i] = r;
  }
}

/* A per-regime parameter p from uniforms x (n of them), in place: the
 * quantile of each sample's regime's distribution. */
static void regime_values(const mc_sampler *s, int p, const double *regime, double *x, int n) {
  const mc_dist *d[MC_MAXREGIME];
  for (int r = 0; r < s->nregime; r++)
    d[r] = mc_spec_regime_dist(s->spec, p, r);
  for (int i = 0; i < n; i++)
    x[i] = mc_dist_quantile(d[(int)regime[i]], x[i]);
}

/* A per-regime parameter in the copula, from its correlated normal scores z:
 * the sample's uniform Phi(z) through its regime's distribution. */
static void regime_from_scores(const mc_sampler *s, int p, const double *regime, double *z, int n) {
  mc_sample_phi(z, z, n);
  for (int i = 0; i < n; i++)
    z[i] = fmin(fmax(z[i], 0x1.0p-60), 1.0 - 0x1.0p-53);
  regime_values(s, p, regime, z, n);
}

MC_CLONES static void mc_sampler_block_streams_impl(const mc_sampler *s, const uint64_t *stream,
                                                    int dim_offset, uint64_t first, int n,
                                                    double *const *out,
                                                    const double *regime_in) {
  const mc_spec *spec = s->spec;
  int np = spec->model->nparam;
  const double *regime = NULL;
  if (s->nregime) {
    /* the regime comes first: the per-regime parameters need it */
    if (regime_in) {
      if (regime_in != out[np])
        memcpy(out[np], regime_in, sizeof(double) * (size_t)n);
    } else {
      mc_design_uniforms(&s->design, stream[np], dim_offset + np + 1, first, n, out[np]);
      regimes_of(s, out[np], n);
    }
    regime = out[np];
  }
  int in_copula[MC_MAXPARAM] = {0};
  for (int j = 0; j < s->ncorr_par; j++)
    in_copula[s->corr_par[j]] = 1;
  for (int p = 0; p < np; p++) {
    if (!spec->configured[p])
      continue;
    double *x = out[p];
    const mc_dist *d = &spec->dist[p];
    if (s->kind[p] == MC_SK_CONSTANT && !in_copula[p]) {
      double v = mc_dist_quantile(d, 0.5);
      for (int i = 0; i < n; i++)
        x[i] = v;
      continue;
    }
    mc_design_uniforms(&s->design, stream[p], dim_offset + p + 1, first, n, x);
    if (s->kind[p] == MC_SK_REGIME && !in_copula[p]) {
      regime_values(s, p, regime, x, n);
    } else if (in_copula[p] || s->kind[p] == MC_SK_NORMAL || s->kind[p] == MC_SK_LOGNORMAL) {
      normal_scores(s, x, n);
      if (!in_copula[p])
        from_scores(s, p, x, n);
    } else if (s->kind[p] == MC_SK_TNORMAL || s->kind[p] == MC_SK_TLOGNORMAL) {
      truncated_values(s, p, x, n);
    } else if (s->kind[p] == MC_SK_TABLE) {
      for (int i = 0; i < n; i++)
        x[i] = table_quantile(d, s->table[p], x[i]);
    } else {
      for (int i = 0; i < n; i++)
        x[i] = mc_dist_quantile(d, x[i]);
    }
  }
  if (s->ncorr_par > 0) {
    /* the scores in place: each parameter's row is its own */
    double *z[MC_COPULA_MAXDIM];
    for (int j = 0; j < s->ncorr_par; j++)
      z[j] = out[s->corr_par[j]];
    mc_copula_apply(&s->copula, z, n);
    for (int j = 0; j < s->ncorr_par; j++) {
      if (s->kind[s->corr_par[j]] == MC_SK_REGIME)
        regime_from_scores(s, s->corr_par[j], regime, z[j], n);
      else
        from_scores(s, s->corr_par[j], z[j], n);
    }
  }
  for (int p = 0; p < np; p++) {
    if (spec->configured[p])
      continue;
    const mc_param_info *pi = &spec->model->param[p];
    if (pi->dflt_kind == MC_DEF_FOLLOWS) {
      memcpy(out[p], out[pi->follows], (size_t)n * sizeof(double));
    } else {
      double v = pi->dflt_kind == MC_DEF_ABSENT ? NAN : pi->dflt;
      for (int i = 0; i < n; i++)
        out[p][i] = v;
    }
  }
}

/* The exported entry: a plain function calling the cloned one (clang
 * multiversions only functions it sees defined before their first use). */
void mc_sampler_block_streams(const mc_sampler *s, const uint64_t *stream, int dim_offset,
                              uint64_t first, int n, double *const *out, const double *regime) {
  mc_sampler_block_streams_impl(s, stream, dim_offset, first, n, out, regime);
}

void mc_sampler_block(const mc_sampler *s, uint64_t first, int n, double *const *out) {
  mc_sampler_block_streams(s, s->stream, 0, first, n, out, NULL);
}
