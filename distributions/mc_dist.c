/* Distributions by inverse CDF (see mc_dist.h).
 *
 * Canonical parameters p[] per type:
 *   constant    p = {value}
 *   uniform     p = {min, max}
 *   loguniform  p = {min, max, ln min, ln max}
 *   normal      p = {mean, sd, S(lo), S(hi)}
 *   lognormal   p = {mu, sigma, S(lo), S(hi)}    (mu = ln median, sigma = ln gsd)
 *   triangular  p = {min, mode, max, (mode - min) / (max - min)}
 *   pert        p = {min, mode, max, lambda}
 *   beta        p = {alpha, beta, min, max}
 *   gamma       p = {shape, scale, S(lo), S(hi)}
 *   weibull     p = {shape, scale, S(lo), S(hi)}
 *   discrete    p unused; vals[] ascending, cum[] cumulative weights
 * S = 1 - F is the survival function of the untruncated distribution: for a
 * truncated distribution p[2], p[3] hold S(lo), S(hi), so that truncation to an
 * upper tail keeps full relative precision (F(lo) would round to 1). Unused
 * entries are 0.
 *
 * GSL supplies the CDFs. Its gsl_cdf_gamma_Pinv and gsl_cdf_beta_Pinv call the
 * GSL error handler (abort by default) when their iteration does not converge,
 * which happens for shapes below 1 and for tail probabilities, so gamma, pert and
 * beta are inverted here by a bracketed Halley iteration on GSL's CDFs (about
 * four CDF evaluations a quantile, 1-3 us). */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* lgamma_r */
#endif
#include "mc_dist.h"
#include "mc_dist_inv.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

/* Order of mc_dist_types. */
enum {
  T_CONSTANT,
  T_UNIFORM,
  T_LOGUNIFORM,
  T_NORMAL,
  T_LOGNORMAL,
  T_TRIANGULAR,
  T_PERT,
  T_BETA,
  T_GAMMA,
  T_WEIBULL,
  T_DISCRETE,
  T_COUNT
};

#define TYPE(i) (&mc_dist_types[(i)])

static int type_id(const mc_dist_type *t) { return (int)(t - mc_dist_types); }

/* Ternaries rather than fmin/fmax: they compile to minsd/maxsd, not calls. */
static inline double clamp(double x, double lo, double hi) {
  x = x < lo ? lo : x;
  return x > hi ? hi : x;
}

/* Positive results stay positive and finite: a lower end 0 is never attained. */
static inline double clamp_pos(double x) { return clamp(x, DBL_TRUE_MIN, DBL_MAX); }

/* ---- The types ---------------------------------------------------------- */

static double constant_q(const mc_dist *d, double u) {
  (void)u;
  return d->p[0];
}
static double constant_cdf(const mc_dist *d, double x) { return x < d->p[0] ? 0.0 : 1.0; }
static void constant_support(const mc_dist *d, double *lo, double *hi) { *lo = *hi = d->p[0]; }

static double uniform_q(const mc_dist *d, double u) {
  return clamp(d->p[0] + u * (d->p[1] - d->p[0]), d->p[0], d->p[1]);
}
static double uniform_cdf(const mc_dist *d, double x) {
  return gsl_cdf_flat_P(x, d->p[0], d->p[1]);
}
static void minmax_support(const mc_dist *d, double *lo, double *hi) {
  *lo = d->p[0];
  *hi = d->p[1];
}

static double loguniform_q(const mc_dist *d, double u) {
  return clamp(exp(d->p[2] + u * (d->p[3] - d->p[2])), d->p[0], d->p[1]);
}
static double loguniform_cdf(const mc_dist *d, double x) {
  if (x <= d->p[0])
    return 0;
  if (x >= d->p[1])
    return 1;
  return gsl_cdf_flat_P(log(x), d->p[2], d->p[3]);
}

static double normal_q(const mc_dist *d, double u) {
  return d->p[0] + d->p[1] * gsl_cdf_ugaussian_Pinv(u);
}
static double normal_cdf(const mc_dist *d, double x) {
  return gsl_cdf_ugaussian_P((x - d->p[0]) / d->p[1]);
}
static double normal_sf(const mc_dist *d, double x) {
  return gsl_cdf_ugaussian_Q((x - d->p[0]) / d->p[1]);
}
static double normal_isf(const mc_dist *d, double q) {
  return d->p[0] + d->p[1] * gsl_cdf_ugaussian_Qinv(q);
}
static void real_support(const mc_dist *d, double *lo, double *hi) {
  (void)d;
  *lo = -INFINITY;
  *hi = INFINITY;
}

static double lognormal_q(const mc_dist *d, double u) {
  return clamp_pos(exp(d->p[0] + d->p[1] * gsl_cdf_ugaussian_Pinv(u)));
}
static double lognormal_cdf(const mc_dist *d, double x) {
  return x <= 0 ? 0.0 : gsl_cdf_lognormal_P(x, d->p[0], d->p[1]);
}
static double lognormal_sf(const mc_dist *d, double x) {
  return x <= 0 ? 1.0 : gsl_cdf_lognormal_Q(x, d->p[0], d->p[1]);
}
static double lognormal_isf(const mc_dist *d, double q) {
  return clamp_pos(exp(d->p[0] + d->p[1] * gsl_cdf_ugaussian_Qinv(q)));
}
static void positive_support(const mc_dist *d, double *lo, double *hi) {
  (void)d;
  *lo = 0;
  *hi = INFINITY;
}

/* Closed-form inverse of the triangular CDF. */
static double triangular_q(const mc_dist *d, double u) {
  double a = d->p[0], c = d->p[1], b = d->p[2];
  double x = u < d->p[3] ? a + sqrt(u * (b - a) * (c - a)) : b - sqrt((1 - u) * (b - a) * (b - c));
  return clamp(x, a, b);
}
static double triangular_cdf(const mc_dist *d, double x) {
  double a = d->p[0], c = d->p[1], b = d->p[2];
  if (x <= a)
    return 0;
  if (x >= b)
    return 1;
  if (x <= c)
    return (x - a) * (x - a) / ((b - a) * (c - a));
  return 1 - (b - x) * (b - x) / ((b - a) * (b - c));
}
static void mode_support(const mc_dist *d, double *lo, double *hi) {
  *lo = d->p[0];
  *hi = d->p[2];
}

/* PERT (Vose, Risk Analysis, 3rd ed., section 9.1.5): a beta on [min, max]. */
static void pert_shape(const mc_dist *d, double *alpha, double *beta) {
  double r = d->p[2] - d->p[0];
  *alpha = 1 + d->p[3] * (d->p[1] - d->p[0]) / r;
  *beta = 1 + d->p[3] * (d->p[2] - d->p[1]) / r;
}
static double pert_q(const mc_dist *d, double u) {
  double al, be;
  pert_shape(d, &al, &be);
  return clamp(d->p[0] + (d->p[2] - d->p[0]) * mc_dist_beta_inv(al, be, u), d->p[0], d->p[2]);
}
static double pert_cdf(const mc_dist *d, double x) {
  double al, be;
  pert_shape(d, &al, &be);
  return gsl_cdf_beta_P((x - d->p[0]) / (d->p[2] - d->p[0]), al, be);
}

static double beta_q(const mc_dist *d, double u) {
  return clamp(d->p[2] + (d->p[3] - d->p[2]) * mc_dist_beta_inv(d->p[0], d->p[1], u), d->p[2],
               d->p[3]);
}
static double beta_cdf(const mc_dist *d, double x) {
  return gsl_cdf_beta_P((x - d->p[2]) / (d->p[3] - d->p[2]), d->p[0], d->p[1]);
}
static void beta_support(const mc_dist *d, double *lo, double *hi) {
  *lo = d->p[2];
  *hi = d->p[3];
}

static double gamma_q(const mc_dist *d, double u) {
  double x = u <= 0.5 ? mc_dist_gamma_inv(d->p[0], u, 0) : mc_dist_gamma_inv(d->p[0], 1 - u, 1);
  return clamp_pos(d->p[1] * x);
}
static double gamma_cdf(const mc_dist *d, double x) {
  return x <= 0 ? 0.0 : gsl_cdf_gamma_P(x, d->p[0], d->p[1]);
}
static double gamma_sf(const mc_dist *d, double x) {
  return x <= 0 ? 1.0 : gsl_cdf_gamma_Q(x, d->p[0], d->p[1]);
}
static double gamma_isf(const mc_dist *d, double q) {
  double x = q <= 0.5 ? mc_dist_gamma_inv(d->p[0], q, 1) : mc_dist_gamma_inv(d->p[0], 1 - q, 0);
  return clamp_pos(d->p[1] * x);
}

/* GSL's Weibull takes (x, scale, shape). */
static double weibull_q(const mc_dist *d, double u) {
  return clamp_pos(gsl_cdf_weibull_Pinv(u, d->p[1], d->p[0]));
}
static double weibull_cdf(const mc_dist *d, double x) {
  return x <= 0 ? 0.0 : gsl_cdf_weibull_P(x, d->p[1], d->p[0]);
}
static double weibull_sf(const mc_dist *d, double x) {
  return x <= 0 ? 1.0 : gsl_cdf_weibull_Q(x, d->p[1], d->p[0]);
}
static double weibull_isf(const mc_dist *d, double q) {
  return clamp_pos(gsl_cdf_weibull_Qinv(q, d->p[1], d->p[0]));
}

/* Smallest value whose cumulative weight is >= u (branch-free lower bound). */
static double discrete_q(const mc_dist *d, double u) {
  const double *c = d->cum;
  int base = 0, len = d->nvals;
  while (len > 1) {
    int half = len / 2;
    base = c[base + half - 1] < u ? base + half : base;
    len -= half;
  }
  return d->vals[base];
}
static double discrete_cdf(const mc_dist *d, double x) {
  double f = 0;
  for (int i = 0; i < d->nvals && d->vals[i] <= x; i++)
    f = d->cum[i];
  return f;
}
static void discrete_support(const mc_dist *d, double *lo, double *hi) {
  *lo = d->vals[0];
  *hi = d->vals[d->nvals - 1];
}

/* Survival function and its inverse of the truncatable types. */
typedef struct tail_fns {
  double (*sf)(const mc_dist *d, double x);
  double (*isf)(const mc_dist *d, double q);
} tail_fns;

static const tail_fns tails[T_COUNT] = {
    [T_NORMAL] = {normal_sf, normal_isf},
    [T_LOGNORMAL] = {lognormal_sf, lognormal_isf},
    [T_GAMMA] = {gamma_sf, gamma_isf},
    [T_WEIBULL] = {weibull_sf, weibull_isf},
};

/* ---- Arguments ---------------------------------------------------------- */

#define BAD(idx, ...) (*bad_key = (idx), mc_err_set(e, MC_EINPUT, __VA_ARGS__))

static int key_index(const mc_dist_args *a, const char *k) {
  for (int i = 0; i < a->n; i++)
    if (strcmp(a->key[i], k) == 0)
      return i;
  return -1;
}

/* 1 when k has the shape of a percentile key ("p" and a number), with *pct. */
static int pct_key(const char *k, double *pct) {
  if (k[0] != 'p' || !((k[1] >= '0' && k[1] <= '9') || k[1] == '.'))
    return 0;
  char *end;
  *pct = strtod(k + 1, &end);
  return *end == '\0';
}

/* 1 when the type accepts key k. "pA" and "pB" in a type's keys stand for any
 * percentile key. */
static int key_accepted(const mc_dist_type *t, const char *k) {
  double pct;
  int percentiles = strstr(t->keys, "pA") != NULL;
  if (percentiles && pct_key(k, &pct))
    return 1;
  size_t n = strlen(k);
  for (const char *s = t->keys; *s;) {
    while (*s == ' ')
      s++;
    size_t m = strcspn(s, " ");
    if (m == n && strncmp(s, k, n) == 0 && !(percentiles && (m == 2 && s[0] == 'p')))
      return 1;
    s += m;
  }
  return 0;
}

/* The type's accepted keys, for messages. */
static const char *keys_text(const mc_dist_type *t, char *buf, size_t len) {
  if (strstr(t->keys, "pA"))
    snprintf(buf, len, "%s (pA, pB: two percentiles such as p5 and p95)", t->keys);
  else
    snprintf(buf, len, "%s", t->keys);
  return buf;
}

/* Finds the percentile keys: returns how many (0 or 2, ordered so that pa < pb,
 * with their key indexes) or an error status. */
static int find_percentiles(const mc_dist_args *a, const char *tname, int idx[2], double pct[2],
                            int *np, int *bad_key, mc_err *e) {
  *np = 0;
  for (int i = 0; i < a->n; i++) {
    double v;
    if (!pct_key(a->key[i], &v))
      continue;
    if (!(v > 0 && v < 100))
      return BAD(i, "%s: percentile key '%s' must name a percentile strictly between 0 and 100",
                 tname, a->key[i]);
    if (*np == 2)
      return BAD(i, "%s: give exactly two percentiles (got '%s' as a third)", tname, a->key[i]);
    if (*np == 1 && v == pct[0])
      return BAD(i, "%s: percentile keys '%s' and '%s' name the same percentile", tname,
                 a->key[idx[0]], a->key[i]);
    idx[*np] = i;
    pct[*np] = v;
    (*np)++;
  }
  if (*np == 1)
    return BAD(idx[0], "%s: percentile '%s' needs a second percentile (e.g. p5 and p95)", tname,
               a->key[idx[0]]);
  if (*np == 2 && pct[0] > pct[1]) {
    int ti = idx[0];
    idx[0] = idx[1];
    idx[1] = ti;
    double tp = pct[0];
    pct[0] = pct[1];
    pct[1] = tp;
  }
  return MC_OK;
}

/* Location and scale (m, s) of m + s Z with the given percentiles xa < xb. */
static void fit_percentiles(double pa, double xa, double pb, double xb, double *m, double *s) {
  double za = gsl_cdf_ugaussian_Pinv(pa / 100), zb = gsl_cdf_ugaussian_Pinv(pb / 100);
  *s = (xb - xa) / (zb - za);
  *m = xa - *s * za;
}

/* ---- Constructors ------------------------------------------------------- */

static int need(const mc_dist_args *a, const char *tname, const char *k, double *v,
                const char *what, int *bad_key, mc_err *e) {
  int i = key_index(a, k);
  if (i < 0)
    return BAD(-1, "%s: missing '%s'; %s needs %s", tname, k, tname, what);
  *v = a->val[i];
  return MC_OK;
}

static int constant_make(const mc_dist_args *a, mc_dist *d, int *bad_key, mc_err *e) {
  return need(a, "constant", "value", &d->p[0], "value", bad_key, e);
}

/* min < max, both given: for uniform, loguniform, triangular, pert. */
static int min_max(const mc_dist_args *a, const char *tname, const char *what, double *lo,
                   double *hi, int *bad_key, mc_err *e) {
  int rc = need(a, tname, "min", lo, what, bad_key, e);
  if (rc == MC_OK)
    rc = need(a, tname, "max", hi, what, bad_key, e);
  if (rc != MC_OK)
    return rc;
  if (!(*lo < *hi))
    return BAD(key_index(a, "max"), "%s: min (%g) must be below max (%g)", tname, *lo, *hi);
  if (!isfinite(*hi - *lo))
    return BAD(key_index(a, "max"), "%s: max - min (%g - %g) overflows", tname, *hi, *lo);
  return MC_OK;
}

static int uniform_make(const mc_dist_args *a, mc_dist *d, int *bad_key, mc_err *e) {
  return min_max(a, "uniform", "min and max", &d->p[0], &d->p[1], bad_key, e);
}

static int loguniform_make(const mc_dist_args *a, mc_dist *d, int *bad_key, mc_err *e) {
  int rc = min_max(a, "loguniform", "min and max", &d->p[0], &d->p[1], bad_key, e);
  if (rc != MC_OK)
    return rc;
  if (!(d->p[0] > 0))
    return BAD(key_index(a, "min"), "loguniform: min must be > 0 (got %g)", d->p[0]);
  d->p[2] = log(d->p[0]);
  d->p[3] = log(d->p[1]);
  return MC_OK;
}

static int normal_make(const mc_dist_args *a, mc_dist *d, int *bad_key, mc_err *e) {
  int idx[2], np, rc;
  double pct[2];
  if ((rc = find_percentiles(a, "normal", idx, pct, &np, bad_key, e)) != MC_OK)
    return rc;
  int im = key_index(a, "mean"), is = key_index(a, "sd");
  if (np == 2) {
    if (im >= 0 || is >= 0)
      return BAD(im >= 0 ? im : is,
                 "normal: give either mean and sd or two percentiles, not both (got '%s' with "
                 "'%s' and '%s')",
                 a->key[im >= 0 ? im : is], a->key[idx[0]], a->key[idx[1]]);
    double xa = a->val[idx[0]], xb = a->val[idx[1]];
    if (!(xa < xb))
      return BAD(idx[1],
                 "normal: the %s value (%g) must be above the %s value (%g): a higher "
                 "percentile has a higher value",
                 a->key[idx[1]], xb, a->key[idx[0]], xa);
    fit_percentiles(pct[0], xa, pct[1], xb, &d->p[0], &d->p[1]);
  } else {
    const char *what = "mean and sd, or two percentiles such as p5 and p95";
    if ((rc = need(a, "normal", "mean", &d->p[0], what, bad_key, e)) != MC_OK)
      return rc;
    if ((rc = need(a, "normal", "sd", &d->p[1], what, bad_key, e)) != MC_OK)
      return rc;
    if (!(d->p[1] > 0))
      return BAD(is, "normal: sd must be > 0 (got %g)", d->p[1]);
  }
  if (!isfinite(fabs(d->p[0]) + 40 * d->p[1]))
    return BAD(-1, "normal: mean %g and sd %g overflow double precision in the tails", d->p[0],
               d->p[1]);
  return MC_OK;
}

static int lognormal_make(const mc_dist_args *a, mc_dist *d, int *bad_key, mc_err *e) {
  int idx[2], np, rc;
  double pct[2];
  if ((rc = find_percentiles(a, "lognormal", idx, pct, &np, bad_key, e)) != MC_OK)
    return rc;
  int imed = key_index(a, "median"), igsd = key_index(a, "gsd");
  int imu = key_index(a, "mu"), isig = key_index(a, "sigma");
  int by_med = imed >= 0 || igsd >= 0, by_mu = imu >= 0 || isig >= 0;
  const char *what = "median and gsd, mu and sigma, or two percentiles such as p5 and p95";
  if (by_med + by_mu + (np == 2) > 1) {
    int k = by_mu ? (imu >= 0 ? imu : isig) : idx[0];
    return BAD(k, "lognormal: '%s' mixes two forms; give one of %s", a->key[k], what);
  }
  if (np == 2) {
    double xa = a->val[idx[0]], xb = a->val[idx[1]];
    if (!(xa > 0))
      return BAD(idx[0], "lognormal: %s must be > 0 (got %g)", a->key[idx[0]], xa);
    if (!(xb > 0))
      return BAD(idx[1], "lognormal: %s must be > 0 (got %g)", a->key[idx[1]], xb);
    if (!(xa < xb))
      return BAD(idx[1],
                 "lognormal: the %s value (%g) must be above the %s value (%g): a higher "
                 "percentile has a higher value",
                 a->key[idx[1]], xb, a->key[idx[0]], xa);
    fit_percentiles(pct[0], log(xa), pct[1], log(xb), &d->p[0], &d->p[1]);
  } else if (by_mu) {
    if ((rc = need(a, "lognormal", "mu", &d->p[0], what, bad_key, e)) != MC_OK)
      return rc;
    if ((rc = need(a, "lognormal", "sigma", &d->p[1], what, bad_key, e)) != MC_OK)
      return rc;
    if (!(d->p[1] > 0))
      return BAD(isig, "lognormal: sigma must be > 0 (got %g)", d->p[1]);
  } else {
    double med, gsd;
    if ((rc = need(a, "lognormal", "median", &med, what, bad_key, e)) != MC_OK)
      return rc;
    if ((rc = need(a, "lognormal", "gsd", &gsd, what, bad_key, e)) != MC_OK)
      return rc;
    if (!(med > 0))
      return BAD(imed, "lognormal: median must be > 0 (got %g)", med);
    if (!(gsd > 1))
      return BAD(igsd, "lognormal: gsd (geometric standard deviation) must be > 1 (got %g)", gsd);
    d->p[0] = log(med);
    d->p[1] = log(gsd);
  }
  return MC_OK;
}

/* min <= mode <= max with min < max. */
static int min_mode_max(const mc_dist_args *a, const char *tname, mc_dist *d, int *bad_key,
                        mc_err *e) {
  const char *what = "min, mode and max";
  int rc = min_max(a, tname, what, &d->p[0], &d->p[2], bad_key, e);
  if (rc == MC_OK)
    rc = need(a, tname, "mode", &d->p[1], what, bad_key, e);
  if (rc != MC_OK)
    return rc;
  if (!(d->p[1] >= d->p[0] && d->p[1] <= d->p[2]))
    return BAD(key_index(a, "mode"), "%s: mode (%g) must lie in [min, max] = [%g, %g]", tname,
               d->p[1], d->p[0], d->p[2]);
  return MC_OK;
}

static int triangular_make(const mc_dist_args *a, mc_dist *d, int *bad_key, mc_err *e) {
  int rc = min_mode_max(a, "triangular", d, bad_key, e);
  if (rc == MC_OK)
    d->p[3] = (d->p[1] - d->p[0]) / (d->p[2] - d->p[0]);
  return rc;
}

static int pert_make(const mc_dist_args *a, mc_dist *d, int *bad_key, mc_err *e) {
  int rc = min_mode_max(a, "pert", d, bad_key, e);
  if (rc != MC_OK)
    return rc;
  int il = key_index(a, "lambda");
  d->p[3] = il >= 0 ? a->val[il] : 4.0;
  if (!(d->p[3] > 0))
    return BAD(il, "pert: lambda must be > 0 (got %g)", d->p[3]);
  return MC_OK;
}

static int beta_make(const mc_dist_args *a, mc_dist *d, int *bad_key, mc_err *e) {
  const char *what = "alpha and beta (min and max optional, default 0 and 1)";
  int rc = need(a, "beta", "alpha", &d->p[0], what, bad_key, e);
  if (rc == MC_OK)
    rc = need(a, "beta", "beta", &d->p[1], what, bad_key, e);
  if (rc != MC_OK)
    return rc;
  if (!(d->p[0] > 0))
    return BAD(key_index(a, "alpha"), "beta: alpha must be > 0 (got %g)", d->p[0]);
  if (!(d->p[1] > 0))
    return BAD(key_index(a, "beta"), "beta: beta must be > 0 (got %g)", d->p[1]);
  int ilo = key_index(a, "min"), ihi = key_index(a, "max");
  d->p[2] = ilo >= 0 ? a->val[ilo] : 0.0;
  d->p[3] = ihi >= 0 ? a->val[ihi] : 1.0;
  if (!(d->p[2] < d->p[3]))
    return BAD(ihi >= 0 ? ihi : ilo, "beta: min (%g) must be below max (%g)", d->p[2], d->p[3]);
  if (!isfinite(d->p[3] - d->p[2]))
    return BAD(ihi >= 0 ? ihi : ilo, "beta: max - min (%g - %g) overflows", d->p[3], d->p[2]);
  return MC_OK;
}

static int shape_scale(const mc_dist_args *a, const char *tname, mc_dist *d, int *bad_key,
                       mc_err *e) {
  const char *what = "shape and scale";
  int rc = need(a, tname, "shape", &d->p[0], what, bad_key, e);
  if (rc == MC_OK)
    rc = need(a, tname, "scale", &d->p[1], what, bad_key, e);
  if (rc != MC_OK)
    return rc;
  if (!(d->p[0] > 0))
    return BAD(key_index(a, "shape"), "%s: shape must be > 0 (got %g)", tname, d->p[0]);
  if (!(d->p[1] > 0))
    return BAD(key_index(a, "scale"), "%s: scale must be > 0 (got %g)", tname, d->p[1]);
  return MC_OK;
}

static int gamma_make(const mc_dist_args *a, mc_dist *d, int *bad_key, mc_err *e) {
  return shape_scale(a, "gamma", d, bad_key, e);
}

static int weibull_make(const mc_dist_args *a, mc_dist *d, int *bad_key, mc_err *e) {
  return shape_scale(a, "weibull", d, bad_key, e);
}

static int discrete_make(const mc_dist_args *a, mc_dist *d, int *bad_key, mc_err *e) {
  int n = a->nvalues;
  if (n < 1)
    return BAD(-1, "discrete: needs a non-empty 'values' list (and optionally 'weights' of the "
                   "same length)");
  if (n > MC_DIST_MAXVALS)
    return BAD(-1, "discrete: %d values, at most %d are supported", n, MC_DIST_MAXVALS);
  if (a->nweights >= 0 && a->nweights != n)
    return BAD(-1, "discrete: 'weights' has %d entries, 'values' has %d; expected the same number",
               a->nweights, n);
  double w[MC_DIST_MAXVALS], total = 0;
  for (int i = 0; i < n; i++) {
    if (!isfinite(a->values[i]))
      return BAD(-1, "discrete: values[%d] is not a finite number", i);
    w[i] = a->nweights >= 0 ? a->weights[i] : 1.0;
    if (!(w[i] > 0 && isfinite(w[i])))
      return BAD(-1, "discrete: weights[%d] must be a finite number > 0 (got %g)", i, w[i]);
    d->vals[i] = a->values[i];
    total += w[i];
  }
  if (!isfinite(total))
    return BAD(-1, "discrete: the sum of the weights overflows");
  /* Insertion sort by value, carrying weights; equal values merge. */
  for (int i = 1; i < n; i++) {
    double v = d->vals[i], wi = w[i];
    int j = i;
    for (; j > 0 && d->vals[j - 1] > v; j--) {
      d->vals[j] = d->vals[j - 1];
      w[j] = w[j - 1];
    }
    d->vals[j] = v;
    w[j] = wi;
  }
  int m = 0;
  for (int i = 0; i < n; i++) {
    if (m > 0 && d->vals[m - 1] == d->vals[i]) {
      w[m - 1] += w[i];
    } else {
      d->vals[m] = d->vals[i];
      w[m] = w[i];
      m++;
    }
  }
  double c = 0;
  for (int i = 0; i < m; i++) {
    c += w[i];
    d->cum[i] = c / total;
  }
  d->cum[m - 1] = 1.0;
  for (int i = m; i < n; i++)
    d->vals[i] = d->cum[i] = 0;
  d->nvals = m;
  return MC_OK;
}

const mc_dist_type mc_dist_types[] = {
    [T_CONSTANT] = {"constant", "value", 0, constant_make, constant_q, constant_cdf,
                    constant_support},
    [T_UNIFORM] = {"uniform", "min max", 0, uniform_make, uniform_q, uniform_cdf, minmax_support},
    [T_LOGUNIFORM] = {"loguniform", "min max", 0, loguniform_make, loguniform_q, loguniform_cdf,
                      minmax_support},
    [T_NORMAL] = {"normal", "mean sd pA pB min max", 1, normal_make, normal_q, normal_cdf,
                  real_support},
    [T_LOGNORMAL] = {"lognormal", "median gsd mu sigma pA pB min max", 1, lognormal_make,
                     lognormal_q, lognormal_cdf, positive_support},
    [T_TRIANGULAR] = {"triangular", "min mode max", 0, triangular_make, triangular_q,
                      triangular_cdf, mode_support},
    [T_PERT] = {"pert", "min mode max lambda", 0, pert_make, pert_q, pert_cdf, mode_support},
    [T_BETA] = {"beta", "alpha beta min max", 0, beta_make, beta_q, beta_cdf, beta_support},
    [T_GAMMA] = {"gamma", "shape scale min max", 1, gamma_make, gamma_q, gamma_cdf,
                 positive_support},
    [T_WEIBULL] = {"weibull", "shape scale min max", 1, weibull_make, weibull_q, weibull_cdf,
                   positive_support},
    [T_DISCRETE] = {"discrete", "values weights", 0, discrete_make, discrete_q, discrete_cdf,
                    discrete_support},
    [T_COUNT] = {NULL, NULL, 0, NULL, NULL, NULL, NULL},
};

/* Types whose lower end (0) is never returned (the quantile is clamped above it). */
static int lower_end_open(const mc_dist_type *t) {
  return t == TYPE(T_LOGNORMAL) || t == TYPE(T_GAMMA) || t == TYPE(T_WEIBULL);
}

/* ---- Public functions --------------------------------------------------- */

const mc_dist_type *mc_dist_type_find(const char *name) {
  if (!name)
    return NULL;
  for (const mc_dist_type *t = mc_dist_types; t->name; t++)
    if (strcmp(t->name, name) == 0)
      return t;
  return NULL;
}

void mc_dist_type_list(char *buf, size_t len) {
  if (len == 0)
    return;
  buf[0] = '\0';
  size_t used = 0;
  for (const mc_dist_type *t = mc_dist_types; t->name; t++) {
    int k = snprintf(buf + used, len - used, "%s%s", t == mc_dist_types ? "" : ", ", t->name);
    if (k < 0 || (size_t)k >= len - used)
      return;
    used += (size_t)k;
  }
}

static void init_untruncated(mc_dist *d, const mc_dist_type *t) {
  memset(d, 0, sizeof *d);
  d->type = t;
  d->lo = -INFINITY;
  d->hi = INFINITY;
  d->cdf_lo = 0;
  d->cdf_hi = 1;
}

static int is_truncated(const mc_dist *d) { return d->lo > -INFINITY || d->hi < INFINITY; }

/* Applies min/max truncation to a truncatable type. */
static int truncate_dist(const mc_dist_args *a, mc_dist *d, int *bad_key, mc_err *e) {
  const mc_dist_type *t = d->type;
  int ilo = key_index(a, "min"), ihi = key_index(a, "max");
  if (ilo < 0 && ihi < 0)
    return MC_OK;
  const tail_fns *tf = &tails[type_id(t)];
  double lo = ilo >= 0 ? a->val[ilo] : -INFINITY, hi = ihi >= 0 ? a->val[ihi] : INFINITY;
  if (!(lo < hi))
    return BAD(ihi, "%s: min (%g) must be below max (%g)", t->name, lo, hi);
  double flo = ilo >= 0 ? t->cdf(d, lo) : 0.0, fhi = ihi >= 0 ? t->cdf(d, hi) : 1.0;
  double slo = ilo >= 0 ? tf->sf(d, lo) : 1.0, shi = ihi >= 0 ? tf->sf(d, hi) : 0.0;
  /* The mass from the tail where it is represented with full precision. */
  int upper = slo < 0.5;
  double mass = upper ? slo - shi : fhi - flo, base = upper ? slo : fhi;
  if (!(mass > 64 * DBL_EPSILON * base)) {
    char desc[160];
    d->lo = -INFINITY;
    d->hi = INFINITY;
    mc_dist_describe(d, desc, sizeof desc);
    return BAD(ilo >= 0 && ihi >= 0 ? -1 : (ilo >= 0 ? ilo : ihi),
               "%s: truncation to [%g, %g] leaves no probability mass of %s (F(min) = %g, F(max) "
               "= %g); expected bounds around the bulk of the distribution",
               t->name, lo, hi, desc, flo, fhi);
  }
  d->lo = lo;
  d->hi = hi;
  d->cdf_lo = flo;
  d->cdf_hi = fhi;
  d->p[2] = slo;
  d->p[3] = shi;
  return MC_OK;
}

int mc_dist_make(const char *type, const mc_dist_args *a, mc_dist *d, int *bad_key, mc_err *e) {
  int dummy;
  if (!bad_key)
    bad_key = &dummy;
  *bad_key = -1;
  char buf[512];
  const mc_dist_type *t = mc_dist_type_find(type);
  if (!t) {
    mc_dist_type_list(buf, sizeof buf);
    MC_RAISE(e, MC_EINPUT, "unknown distribution '%s'; expected one of: %s", type ? type : "(none)",
             buf);
  }
  if (a->n < 0 || a->n > MC_DIST_MAXKEYS)
    return BAD(-1, "%s: %d keys, at most %d are supported", t->name, a->n, MC_DIST_MAXKEYS);
  for (int i = 0; i < a->n; i++) {
    const char *k = a->key[i];
    if (!k || !*k)
      return BAD(i, "%s: empty key; accepted keys: %s", t->name, keys_text(t, buf, sizeof buf));
    if (t == TYPE(T_DISCRETE) && (strcmp(k, "values") == 0 || strcmp(k, "weights") == 0))
      return BAD(
          i, "discrete: '%s' must be a list, e.g. values: [1, 2, 3], weights: [0.2, 0.3, 0.5]", k);
    if (!key_accepted(t, k))
      return BAD(i, "%s: unknown key '%s'; accepted keys: %s", t->name, k,
                 keys_text(t, buf, sizeof buf));
    for (int j = 0; j < i; j++)
      if (strcmp(a->key[j], k) == 0)
        return BAD(i, "%s: key '%s' given twice", t->name, k);
    if (!isfinite(a->val[i]))
      return BAD(i, "%s: '%s' must be a finite number (got %g)", t->name, k, a->val[i]);
  }
  if (t != TYPE(T_DISCRETE) && (a->nvalues >= 0 || a->nweights >= 0))
    return BAD(-1,
               "%s: 'values' and 'weights' lists belong to the discrete distribution; accepted "
               "keys: %s",
               t->name, keys_text(t, buf, sizeof buf));
  mc_dist tmp;
  init_untruncated(&tmp, t);
  int rc = t->make(a, &tmp, bad_key, e);
  if (rc == MC_OK && t->truncatable)
    rc = truncate_dist(a, &tmp, bad_key, e);
  if (rc != MC_OK)
    return rc;
  *d = tmp;
  return MC_OK;
}

void mc_dist_constant(double v, mc_dist *d) {
  init_untruncated(d, TYPE(T_CONSTANT));
  d->p[0] = v;
}

int mc_dist_from_range(double a, double b, mc_dist *d, mc_err *e) {
  if (!isfinite(a) || !isfinite(b) || !(a < b))
    MC_RAISE(e, MC_EINPUT, "range '%g to %g': expected finite numbers A < B", a, b);
  mc_dist tmp;
  if (a > 0) {
    init_untruncated(&tmp, TYPE(T_LOGNORMAL));
    fit_percentiles(5, log(a), 95, log(b), &tmp.p[0], &tmp.p[1]);
  } else {
    init_untruncated(&tmp, TYPE(T_NORMAL));
    fit_percentiles(5, a, 95, b, &tmp.p[0], &tmp.p[1]);
    if (!isfinite(fabs(tmp.p[0]) + 40 * tmp.p[1]))
      MC_RAISE(e, MC_EINPUT, "range '%g to %g' overflows double precision", a, b);
  }
  *d = tmp;
  return MC_OK;
}

/* u -> Q(F(lo) + u (F(hi) - F(lo))), through the survival function in the upper
 * half so that upper-tail truncation keeps its precision. */
static double truncated_quantile(const mc_dist *d, double u) {
  double pr = d->cdf_lo + u * (d->cdf_hi - d->cdf_lo), x;
  if (pr <= 0.5)
    x = d->type->quantile(d, pr);
  else
    x = tails[type_id(d->type)].isf(d, d->p[3] + (1 - u) * (d->p[2] - d->p[3]));
  return clamp(x, d->lo, d->hi);
}

double mc_dist_quantile(const mc_dist *d, double u) {
  const mc_dist_type *t = d->type;
  if (d->lo == -INFINITY && d->hi == INFINITY) {
    if (t == TYPE(T_NORMAL))
      return d->p[0] + d->p[1] * gsl_cdf_ugaussian_Pinv(u);
    if (t == TYPE(T_LOGNORMAL))
      return clamp_pos(exp(d->p[0] + d->p[1] * gsl_cdf_ugaussian_Pinv(u)));
    return t->quantile(d, u);
  }
  return truncated_quantile(d, u);
}

double mc_dist_cdf(const mc_dist *d, double x) {
  const mc_dist_type *t = d->type;
  if (!is_truncated(d))
    return t->cdf(d, x);
  if (x < d->lo)
    return 0;
  if (x >= d->hi)
    return 1;
  if (d->p[2] < 0.5) /* lo in the upper half: work with survival functions */
    return (d->p[2] - tails[type_id(t)].sf(d, x)) / (d->p[2] - d->p[3]);
  return (t->cdf(d, x) - d->cdf_lo) / (d->cdf_hi - d->cdf_lo);
}

void mc_dist_support(const mc_dist *d, double *lo, int *lo_attained, double *hi, int *hi_attained) {
  const mc_dist_type *t = d->type;
  double l, h;
  t->support(d, &l, &h);
  int la, ha;
  if (t == TYPE(T_CONSTANT)) {
    la = ha = 1;
  } else {
    la = isfinite(l) && !lower_end_open(t);
    ha = isfinite(h);
  }
  if (d->lo > l) {
    l = d->lo;
    la = 1;
  }
  if (d->hi < h) {
    h = d->hi;
    ha = 1;
  }
  *lo = l;
  *hi = h;
  if (lo_attained)
    *lo_attained = la;
  if (hi_attained)
    *hi_attained = ha;
}

int mc_dist_is_constant(const mc_dist *d) {
  return d->type == TYPE(T_CONSTANT) || (d->type == TYPE(T_DISCRETE) && d->nvals == 1);
}

void mc_dist_describe(const mc_dist *d, char *buf, size_t len) {
  if (len == 0)
    return;
  const double *p = d->p;
  int k = 0;
  switch (type_id(d->type)) {
  case T_CONSTANT:
    k = snprintf(buf, len, "constant(value=%.6g)", p[0]);
    break;
  case T_UNIFORM:
    k = snprintf(buf, len, "uniform(min=%.6g, max=%.6g)", p[0], p[1]);
    break;
  case T_LOGUNIFORM:
    k = snprintf(buf, len, "loguniform(min=%.6g, max=%.6g)", p[0], p[1]);
    break;
  case T_NORMAL:
    k = snprintf(buf, len, "normal(mean=%.6g, sd=%.6g", p[0], p[1]);
    break;
  case T_LOGNORMAL:
    k = snprintf(buf, len, "lognormal(median=%.6g, gsd=%.6g", exp(p[0]), exp(p[1]));
    break;
  case T_TRIANGULAR:
    k = snprintf(buf, len, "triangular(min=%.6g, mode=%.6g, max=%.6g)", p[0], p[1], p[2]);
    break;
  case T_PERT:
    k = snprintf(buf, len, "pert(min=%.6g, mode=%.6g, max=%.6g, lambda=%.6g)", p[0], p[1], p[2],
                 p[3]);
    break;
  case T_BETA:
    if (p[2] == 0 && p[3] == 1)
      k = snprintf(buf, len, "beta(alpha=%.6g, beta=%.6g)", p[0], p[1]);
    else
      k = snprintf(buf, len, "beta(alpha=%.6g, beta=%.6g, min=%.6g, max=%.6g)", p[0], p[1], p[2],
                   p[3]);
    break;
  case T_GAMMA:
    k = snprintf(buf, len, "gamma(shape=%.6g, scale=%.6g", p[0], p[1]);
    break;
  case T_WEIBULL:
    k = snprintf(buf, len, "weibull(shape=%.6g, scale=%.6g", p[0], p[1]);
    break;
  case T_DISCRETE: {
    k = snprintf(buf, len, "discrete(values=[");
    for (int i = 0; i < d->nvals && k >= 0 && (size_t)k < len; i++)
      k += snprintf(buf + k, len - (size_t)k, "%s%.6g", i ? ", " : "", d->vals[i]);
    if (k >= 0 && (size_t)k < len)
      k += snprintf(buf + k, len - (size_t)k, "], weights=[");
    for (int i = 0; i < d->nvals && k >= 0 && (size_t)k < len; i++)
      k += snprintf(buf + k, len - (size_t)k, "%s%.4g", i ? ", " : "",
                    d->cum[i] - (i ? d->cum[i - 1] : 0));
    if (k >= 0 && (size_t)k < len)
      snprintf(buf + k, len - (size_t)k, "])");
    return;
  }
  default:
    snprintf(buf, len, "%s", d->type ? d->type->name : "(none)");
    return;
  }
  if (!d->type->truncatable || k < 0 || (size_t)k >= len)
    return;
  if (d->lo > -INFINITY)
    k += snprintf(buf + k, len - (size_t)k, ", min=%.6g", d->lo);
  if (k >= 0 && (size_t)k < len && d->hi < INFINITY)
    k += snprintf(buf + k, len - (size_t)k, ", max=%.6g", d->hi);
  if (k >= 0 && (size_t)k < len)
    snprintf(buf + k, len - (size_t)k, ")");
}
