/* The distributions library: for every type (truncated variants included) a
 * goodness-of-fit test of mc_dist_quantile fed by GSL's mt19937 at a fixed seed
 * (Kolmogorov-Smirnov; a binned chi-square for discrete),
 * an inverse-CDF round trip against GSL's own CDFs, "A to B" and the
 * two-percentile forms, support and attained ends, descriptions, and the words
 * and key indexes of refusals.
 *
 * Kolmogorov-Smirnov: for n draws the statistic D_n satisfies
 * P(sqrt(n) D_n > 1.95) ~ 0.001 (Kolmogorov's limit law, K(1.95) = 0.999), so
 * a correct quantile fails at the fixed seed only with that probability, while
 * a wrong parameter (e.g. a normal shifted by 0.05 sd: D ~ 0.02) fails at
 * n = 100000 where the bound is 0.0062. test_ks_detects_wrong_distribution
 * checks that power. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "mc_dist.h"

#define KS_N    100000
#define KS_CRIT 1.95 /* sqrt(n) D_n quantile at 1 - 0.001 */
#define SEED    20300101UL

/* ---- Building arguments ------------------------------------------------- */

typedef struct kv {
  const char *k;
  double v;
} kv;

static mc_dist_args args_of(int n, const kv *p) {
  mc_dist_args a;
  memset(&a, 0, sizeof a);
  a.n = n;
  a.nvalues = a.nweights = -1;
  for (int i = 0; i < n; i++) {
    a.key[i] = p[i].k;
    a.val[i] = p[i].v;
  }
  return a;
}

#define ARGS(...) args_of((int)(sizeof((kv[]){__VA_ARGS__}) / sizeof(kv)), (kv[]){__VA_ARGS__})
#define NOARGS    args_of(0, NULL)

static mc_dist make_ok(const char *type, mc_dist_args a) {
  mc_dist d;
  mc_err e = {0};
  int bad = 99;
  int rc = mc_dist_make(type, &a, &d, &bad, &e);
  if (rc != MC_OK)
    fprintf(stderr, "unexpected refusal of %s: %s\n", type, e.msg);
  assert_int_equal(rc, MC_OK);
  assert_int_equal(bad, -1);
  return d;
}

/* Refuses with MC_EINPUT, *bad_key == bad, and every word (NULL-terminated) in
 * the message. */
static void refuse(const char *type, mc_dist_args a, int bad, ...) {
  mc_dist d;
  mc_err e = {0};
  int got = 99;
  int rc = mc_dist_make(type, &a, &d, &got, &e);
  if (rc != MC_EINPUT || got != bad)
    fprintf(stderr, "%s: expected refusal with bad_key %d, got rc %d bad_key %d: %s\n", type, bad,
            rc, got, e.msg);
  assert_int_equal(rc, MC_EINPUT);
  assert_int_equal(got, bad);
  va_list ap;
  va_start(ap, bad);
  for (const char *w; (w = va_arg(ap, const char *));) {
    if (!strstr(e.msg, w))
      fprintf(stderr, "'%s' not in: %s\n", w, e.msg);
    assert_non_null(strstr(e.msg, w));
  }
  va_end(ap);
}

/* ---- Reference CDFs from GSL, independent of mc_dist.c ------------------- */

typedef struct ref {
  double (*P)(double x, const double *q); /* untruncated CDF */
  double (*Q)(double x, const double *q); /* untruncated survival function */
  double q[4];
  double lo, hi; /* truncation, +-inf when none */
} ref;

static double flat_P(double x, const double *q) { return gsl_cdf_flat_P(x, q[0], q[1]); }
static double flat_Q(double x, const double *q) { return gsl_cdf_flat_Q(x, q[0], q[1]); }
static double logflat_P(double x, const double *q) {
  return x <= 0 ? 0 : gsl_cdf_flat_P(log(x), log(q[0]), log(q[1]));
}
static double logflat_Q(double x, const double *q) {
  return x <= 0 ? 1 : gsl_cdf_flat_Q(log(x), log(q[0]), log(q[1]));
}
static double gauss_P(double x, const double *q) { return gsl_cdf_gaussian_P(x - q[0], q[1]); }
static double gauss_Q(double x, const double *q) { return gsl_cdf_gaussian_Q(x - q[0], q[1]); }
static double lognorm_P(double x, const double *q) {
  return x <= 0 ? 0 : gsl_cdf_lognormal_P(x, q[0], q[1]);
}
static double lognorm_Q(double x, const double *q) {
  return x <= 0 ? 1 : gsl_cdf_lognormal_Q(x, q[0], q[1]);
}
/* Triangular(min q0, mode q1, max q2), from its density. */
static double tri_P(double x, const double *q) {
  double a = q[0], c = q[1], b = q[2];
  if (x <= a)
    return 0;
  if (x >= b)
    return 1;
  return x <= c ? (x - a) * (x - a) / ((b - a) * (c - a))
                : 1 - (b - x) * (b - x) / ((b - a) * (b - c));
}
static double tri_Q(double x, const double *q) {
  double a = q[0], c = q[1], b = q[2];
  if (x <= a)
    return 1;
  if (x >= b)
    return 0;
  return x <= c ? 1 - (x - a) * (x - a) / ((b - a) * (c - a))
                : (b - x) * (b - x) / ((b - a) * (b - c));
}
/* Beta(q0, q1) scaled to [q2, q3]. */
static double sbeta_P(double x, const double *q) {
  return gsl_cdf_beta_P((x - q[2]) / (q[3] - q[2]), q[0], q[1]);
}
static double sbeta_Q(double x, const double *q) {
  return gsl_cdf_beta_Q((x - q[2]) / (q[3] - q[2]), q[0], q[1]);
}
static double gam_P(double x, const double *q) {
  return x <= 0 ? 0 : gsl_cdf_gamma_P(x, q[0], q[1]);
}
static double gam_Q(double x, const double *q) {
  return x <= 0 ? 1 : gsl_cdf_gamma_Q(x, q[0], q[1]);
}
/* GSL's Weibull takes (scale, shape); q = {shape, scale}. */
static double weib_P(double x, const double *q) {
  return x <= 0 ? 0 : gsl_cdf_weibull_P(x, q[1], q[0]);
}
static double weib_Q(double x, const double *q) {
  return x <= 0 ? 1 : gsl_cdf_weibull_Q(x, q[1], q[0]);
}

/* F of the (truncated) reference, and its complement, each from the tail where
 * it is accurate. */
static void ref_eval(const ref *r, double x, double *F, double *S) {
  if (x < r->lo) {
    *F = 0, *S = 1;
    return;
  }
  if (x >= r->hi) {
    *F = 1, *S = 0;
    return;
  }
  double plo = isfinite(r->lo) ? r->P(r->lo, r->q) : 0,
         phi = isfinite(r->hi) ? r->P(r->hi, r->q) : 1;
  double qlo = isfinite(r->lo) ? r->Q(r->lo, r->q) : 1,
         qhi = isfinite(r->hi) ? r->Q(r->hi, r->q) : 0;
  double px = r->P(x, r->q), qx = r->Q(x, r->q);
  if (qlo < 0.5) { /* all mass in the upper tail */
    *S = (qx - qhi) / (qlo - qhi);
    *F = (qlo - qx) / (qlo - qhi);
  } else {
    *F = (px - plo) / (phi - plo);
    *S = (phi - px) / (phi - plo);
  }
}

/* ---- The cases ---------------------------------------------------------- */

typedef struct dcase {
  const char *name;
  const char *type;
  mc_dist_args a;
  ref r;
  double rt_abs, rt_rel; /* round trip: |F(Q(u)) - u| <= rt_abs + rt_rel min(u, 1 - u) */
} dcase;

#define NEG -INFINITY
#define POS INFINITY
/* Round-trip tolerances {absolute, relative to min(u, 1 - u)}, on top of the
 * change of F over one ulp of x (test_round_trip): the quantile is a double. */
#define RT_TIGHT  0, 1e-9
#define RT_SCALED 1e-15, 1e-9
/* Truncation: u is recovered from a difference of two CDF values near F(lo). */
#define RT_TRUNC 1e-13, 1e-8

static dcase cases(int i) {
  double ln27 = log(2.7), ln12 = log(1.2);
  double z05 = gsl_cdf_ugaussian_Pinv(0.05), z95 = gsl_cdf_ugaussian_Pinv(0.95);
  double z10 = gsl_cdf_ugaussian_Pinv(0.10), z90 = gsl_cdf_ugaussian_Pinv(0.90);
  double z025 = gsl_cdf_ugaussian_Pinv(0.025), z975 = gsl_cdf_ugaussian_Pinv(0.975);
  double s_pct = (30.0 - 10.0) / (z975 - z025); /* normal p2.5 = 10, p97.5 = 30 */
  double sl_pct = (log(1.5e29) - log(2e28)) / (z95 - z05);
  double sl_10 = (log(100.0) - log(1.0)) / (z90 - z10);
  /* pert(1.08, 1.2, 1.4, lambda 4): alpha = 1 + 4 (0.12 / 0.32), beta = 1 + 4 (0.2 / 0.32) */
  double pa = 1 + 4 * (0.12 / 0.32), pb = 1 + 4 * (0.2 / 0.32);
  double pa6 = 1 + 6 * (0.0 / 2.0), pb6 = 1 + 6 * (2.0 / 2.0);
  dcase all[] = {
      {"uniform",
       "uniform",
       ARGS({"min", 0.2}, {"max", 0.9}),
       {flat_P, flat_Q, {0.2, 0.9}, NEG, POS},
       RT_SCALED},
      {"loguniform",
       "loguniform",
       ARGS({"min", 1e-3}, {"max", 1e3}),
       {logflat_P, logflat_Q, {1e-3, 1e3}, NEG, POS},
       RT_SCALED},
      {"normal",
       "normal",
       ARGS({"mean", 1.5}, {"sd", 0.2}),
       {gauss_P, gauss_Q, {1.5, 0.2}, NEG, POS},
       RT_TIGHT},
      {"normal p2.5/p97.5",
       "normal",
       ARGS({"p97.5", 30}, {"p2.5", 10}),
       {gauss_P, gauss_Q, {10 - s_pct * z025, s_pct}, NEG, POS},
       RT_TIGHT},
      {"normal min",
       "normal",
       ARGS({"mean", 1.5}, {"sd", 1}, {"min", 1}),
       {gauss_P, gauss_Q, {1.5, 1}, 1, POS},
       RT_TRUNC},
      {"normal min max",
       "normal",
       ARGS({"mean", 0}, {"sd", 1}, {"min", -0.5}, {"max", 2}),
       {gauss_P, gauss_Q, {0, 1}, -0.5, 2},
       RT_TRUNC},
      {"normal upper tail",
       "normal",
       ARGS({"mean", 0}, {"sd", 1}, {"min", 9}),
       {gauss_P, gauss_Q, {0, 1}, 9, POS},
       RT_TRUNC},
      {"normal lower tail",
       "normal",
       ARGS({"mean", 0}, {"sd", 1}, {"max", -9}),
       {gauss_P, gauss_Q, {0, 1}, NEG, -9},
       RT_TRUNC},
      {"lognormal median/gsd",
       "lognormal",
       ARGS({"median", 2.7}, {"gsd", 1.2}),
       {lognorm_P, lognorm_Q, {ln27, ln12}, NEG, POS},
       RT_TIGHT},
      {"lognormal mu/sigma",
       "lognormal",
       ARGS({"mu", -1}, {"sigma", 2}),
       {lognorm_P, lognorm_Q, {-1, 2}, NEG, POS},
       RT_TIGHT},
      {"lognormal p5/p95",
       "lognormal",
       ARGS({"p5", 2e28}, {"p95", 1.5e29}),
       {lognorm_P, lognorm_Q, {log(2e28) - sl_pct * z05, sl_pct}, NEG, POS},
       RT_TIGHT},
      {"lognormal p10/p90",
       "lognormal",
       ARGS({"p90", 100}, {"p10", 1}),
       {lognorm_P, lognorm_Q, {-sl_10 * z10, sl_10}, NEG, POS},
       RT_TIGHT},
      {"lognormal max",
       "lognormal",
       ARGS({"median", 2.7}, {"gsd", 1.5}, {"max", 4}),
       {lognorm_P, lognorm_Q, {ln27, log(1.5)}, NEG, 4},
       RT_TRUNC},
      {"lognormal min max",
       "lognormal",
       ARGS({"median", 2.7}, {"gsd", 1.5}, {"min", 3}, {"max", 8}),
       {lognorm_P, lognorm_Q, {ln27, log(1.5)}, 3, 8},
       RT_TRUNC},
      {"triangular",
       "triangular",
       ARGS({"min", 1}, {"mode", 1.5}, {"max", 4}),
       {tri_P, tri_Q, {1, 1.5, 4}, NEG, POS},
       RT_SCALED},
      {"triangular mode=min",
       "triangular",
       ARGS({"min", 0}, {"mode", 0}, {"max", 1}),
       {tri_P, tri_Q, {0, 0, 1}, NEG, POS},
       RT_SCALED},
      {"pert",
       "pert",
       ARGS({"min", 1.08}, {"mode", 1.2}, {"max", 1.4}),
       {sbeta_P, sbeta_Q, {pa, pb, 1.08, 1.4}, NEG, POS},
       RT_SCALED},
      {"pert lambda 6, mode=min",
       "pert",
       ARGS({"min", 0}, {"mode", 0}, {"max", 2}, {"lambda", 6}),
       {sbeta_P, sbeta_Q, {pa6, pb6, 0, 2}, NEG, POS},
       RT_SCALED},
      {"beta",
       "beta",
       ARGS({"alpha", 2}, {"beta", 5}),
       {sbeta_P, sbeta_Q, {2, 5, 0, 1}, NEG, POS},
       RT_SCALED},
      {"beta U-shaped scaled",
       "beta",
       ARGS({"alpha", 0.5}, {"beta", 0.3}, {"min", 0.2}, {"max", 0.9}),
       {sbeta_P, sbeta_Q, {0.5, 0.3, 0.2, 0.9}, NEG, POS},
       1e-9,
       1e-9},
      {"gamma",
       "gamma",
       ARGS({"shape", 2.5}, {"scale", 2}),
       {gam_P, gam_Q, {2.5, 2}, NEG, POS},
       RT_TIGHT},
      {"gamma shape < 1",
       "gamma",
       ARGS({"shape", 0.3}, {"scale", 1}),
       {gam_P, gam_Q, {0.3, 1}, NEG, POS},
       RT_TIGHT},
      {"gamma large shape",
       "gamma",
       ARGS({"shape", 400}, {"scale", 0.01}),
       {gam_P, gam_Q, {400, 0.01}, NEG, POS},
       RT_TIGHT},
      {"gamma upper tail",
       "gamma",
       ARGS({"shape", 2}, {"scale", 1}, {"min", 12}),
       {gam_P, gam_Q, {2, 1}, 12, POS},
       RT_TRUNC},
      {"gamma min max",
       "gamma",
       ARGS({"shape", 2}, {"scale", 1}, {"min", 0.5}, {"max", 3}),
       {gam_P, gam_Q, {2, 1}, 0.5, 3},
       RT_TRUNC},
      {"weibull",
       "weibull",
       ARGS({"shape", 1.5}, {"scale", 3}),
       {weib_P, weib_Q, {1.5, 3}, NEG, POS},
       RT_TIGHT},
      {"weibull max",
       "weibull",
       ARGS({"shape", 0.7}, {"scale", 3}, {"max", 5}),
       {weib_P, weib_Q, {0.7, 3}, NEG, 5},
       RT_TRUNC},
  };
  int n = (int)(sizeof all / sizeof all[0]);
  if (i >= n)
    return (dcase){NULL, NULL, NOARGS, {NULL, NULL, {0}, 0, 0}, 0, 0};
  return all[i];
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* ---- Tests --------------------------------------------------------------- */

static double ks_statistic(const mc_dist *d, const ref *r, int n, unsigned long seed) {
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, seed);
  double *x = malloc((size_t)n * sizeof *x);
  assert_non_null(x);
  for (int i = 0; i < n; i++)
    x[i] = mc_dist_quantile(d, gsl_rng_uniform_pos(rng));
  qsort(x, (size_t)n, sizeof *x, cmp_double);
  double dmax = 0;
  for (int i = 0; i < n; i++) {
    double F, S;
    ref_eval(r, x[i], &F, &S);
    dmax = fmax(dmax, fmax(F - (double)i / n, (double)(i + 1) / n - F));
  }
  free(x);
  gsl_rng_free(rng);
  return dmax;
}

static void test_ks_every_continuous_type(void **state) {
  (void)state;
  double crit = KS_CRIT / sqrt(KS_N);
  int seen[16] = {0};
  for (int i = 0; cases(i).name; i++) {
    dcase c = cases(i);
    mc_dist d = make_ok(c.type, c.a);
    double D = ks_statistic(&d, &c.r, KS_N, SEED + (unsigned long)i);
    print_message("KS %-26s sqrt(n) D = %.3f (bound %.2f)\n", c.name, D * sqrt(KS_N), KS_CRIT);
    assert_true(D < crit);
    seen[d.type - mc_dist_types] = 1;
  }
  /* Every continuous type of the table was tested. */
  for (const mc_dist_type *t = mc_dist_types; t->name; t++)
    if (strcmp(t->name, "constant") && strcmp(t->name, "discrete")) {
      if (!seen[t - mc_dist_types])
        fprintf(stderr, "no KS case for %s\n", t->name);
      assert_true(seen[t - mc_dist_types]);
    }
}

/* The KS bound is tight enough to see small errors in a parameter. */
static void test_ks_detects_wrong_distribution(void **state) {
  (void)state;
  double crit = KS_CRIT / sqrt(KS_N);
  mc_dist d = make_ok("normal", ARGS({"mean", 0.05}, {"sd", 1}));
  ref r = {gauss_P, gauss_Q, {0, 1}, NEG, POS};
  double D = ks_statistic(&d, &r, KS_N, SEED);
  print_message("KS normal shifted 0.05 sd: sqrt(n) D = %.3f\n", D * sqrt(KS_N));
  assert_true(D > crit);
  mc_dist p = make_ok("pert", ARGS({"min", 1.08}, {"mode", 1.2}, {"max", 1.4}, {"lambda", 3.5}));
  ref rp = {sbeta_P, sbeta_Q, {1 + 4 * (0.12 / 0.32), 1 + 4 * (0.2 / 0.32), 1.08, 1.4}, NEG, POS};
  D = ks_statistic(&p, &rp, KS_N, SEED);
  print_message("KS pert lambda 3.5 vs 4: sqrt(n) D = %.3f\n", D * sqrt(KS_N));
  assert_true(D > crit);
}

static const double grid[] = {1e-300, 1e-100, 1e-12, 1e-8, 1e-4,     0.01,     0.1,      0.25,
                              0.5,    0.75,   0.9,   0.99, 1 - 1e-4, 1 - 1e-8, 1 - 1e-12};

/* |F(Q(u)) - u| against GSL's CDFs, in the tail where each side is accurate. */
static void test_round_trip(void **state) {
  (void)state;
  for (int i = 0; cases(i).name; i++) {
    dcase c = cases(i);
    mc_dist d = make_ok(c.type, c.a);
    double worst = 0;
    for (size_t k = 0; k < sizeof grid / sizeof grid[0]; k++) {
      double u = grid[k], x = mc_dist_quantile(&d, u), F, S;
      ref_eval(&c.r, x, &F, &S);
      double err = u < 0.5 ? fabs(F - u) : fabs(S - (1 - u));
      /* No double does better than the change of F over one ulp of x either side. */
      double Fu, Su, Fd, Sd;
      ref_eval(&c.r, nextafter(x, INFINITY), &Fu, &Su);
      ref_eval(&c.r, nextafter(x, -INFINITY), &Fd, &Sd);
      double ulp = u < 0.5 ? Fu - Fd : Sd - Su;
      double tol = c.rt_abs + c.rt_rel * fmin(u, 1 - u) + ulp;
      /* Below the smallest double the quantile stops at DBL_TRUE_MIN or at a bound. */
      int floor = x <= DBL_MIN || x == d.lo || x == d.hi;
      if (!(err <= tol) && !floor)
        fprintf(stderr, "round trip %s: u = %g, x = %.17g, F = %.17g, err %g > %g\n", c.name, u, x,
                F, err, tol);
      assert_true(err <= tol || floor);
      if (!floor)
        worst = fmax(worst, err / tol);
      /* mc_dist_cdf agrees with the reference. */
      assert_true(fabs(mc_dist_cdf(&d, x) - F) <= 1e-12);
    }
    print_message("round trip %-26s max error / tolerance = %.2g\n", c.name, worst);
  }
}

/* Non-decreasing over (0, 1), values inside the support, ends not attained where
 * the support says so, and no GSL error (the handler is set to count them). */
static int gsl_errors;
static void count_gsl_error(const char *reason, const char *file, int line, int gsl_errno) {
  fprintf(stderr, "GSL error: %s (%s:%d, %d)\n", reason, file, line, gsl_errno);
  gsl_errors++;
}

static void test_monotone_and_inside_support(void **state) {
  (void)state;
  gsl_error_handler_t *old = gsl_set_error_handler(count_gsl_error);
  gsl_errors = 0;
  const double ends[] = {0x1p-60, 0x1p-54, 1e-300, 1 - 0x1p-53};
  for (int i = 0; cases(i).name; i++) {
    dcase c = cases(i);
    mc_dist d = make_ok(c.type, c.a);
    double lo, hi;
    int loa, hia;
    mc_dist_support(&d, &lo, &loa, &hi, &hia);
    double prev = -INFINITY;
    for (int k = 1; k < 20000; k++) {
      double x = mc_dist_quantile(&d, k / 20000.0);
      if (!(x >= prev))
        fprintf(stderr, "%s not monotone at u = %g\n", c.name, k / 20000.0);
      assert_true(x >= prev);
      prev = x;
    }
    for (size_t k = 0; k < sizeof ends / sizeof ends[0]; k++) {
      double x = mc_dist_quantile(&d, ends[k]);
      if (!(isfinite(x) && x >= lo && x <= hi && (loa || x != lo) && (hia || x != hi)))
        fprintf(stderr, "%s: Q(%g) = %g outside support [%g, %g] (%d, %d)\n", c.name, ends[k], x,
                lo, hi, loa, hia);
      assert_true(isfinite(x));
      assert_true(x >= lo && x <= hi);
      assert_true(loa || x != lo);
      assert_true(hia || x != hi);
    }
  }
  assert_int_equal(gsl_errors, 0);
  gsl_set_error_handler(old);
}

/* Gamma and beta are inverted by an iteration of mc_dist.c (GSL's own
 * inverses abort on non-convergence for small shapes and far tails): over
 * shapes 0.01 .. 1e5 and u from 1e-100 to 1 - 1e-10 the round trip holds to
 * 1e-9 relative (plus one ulp of x), and GSL reports no error. */
static void test_gamma_beta_wide_range(void **state) {
  (void)state;
  gsl_error_handler_t *old = gsl_set_error_handler(count_gsl_error);
  gsl_errors = 0;
  const double shapes[] = {0.01, 0.1, 0.5, 1, 2.5, 10, 100, 1e3, 1e5};
  const double us[] = {1e-100, 1e-20, 1e-10, 1e-4, 0.1, 0.5, 0.9, 1 - 1e-4, 1 - 1e-10};
  const int ns = sizeof shapes / sizeof shapes[0], nu = sizeof us / sizeof us[0];
  int checked = 0;
  for (int i = 0; i < ns; i++)
    for (int j = 0; j < ns; j++)
      for (int k = 0; k < nu; k++) {
        double u = us[k];
        mc_dist d = make_ok("beta", ARGS({"alpha", shapes[i]}, {"beta", shapes[j]}));
        ref r = {sbeta_P, sbeta_Q, {shapes[i], shapes[j], 0, 1}, NEG, POS};
        double x = mc_dist_quantile(&d, u), F, S, Fu, Su, Fd, Sd;
        ref_eval(&r, x, &F, &S);
        ref_eval(&r, nextafter(x, 2), &Fu, &Su);
        ref_eval(&r, nextafter(x, -1), &Fd, &Sd);
        double err = u < 0.5 ? fabs(F - u) : fabs(S - (1 - u));
        double tol = 1e-9 * fmin(u, 1 - u) + (u < 0.5 ? Fu - Fd : Sd - Su);
        if (x <= DBL_MIN)
          continue; /* below the smallest normal double */
        if (!(err <= tol))
          fprintf(stderr, "beta(%g, %g): u = %g, x = %.17g, err %g > %g\n", shapes[i], shapes[j], u,
                  x, err, tol);
        assert_true(err <= tol);
        checked++;
        if (j > 0)
          continue;
        mc_dist g = make_ok("gamma", ARGS({"shape", shapes[i]}, {"scale", 1}));
        ref rg = {gam_P, gam_Q, {shapes[i], 1}, NEG, POS};
        x = mc_dist_quantile(&g, u);
        ref_eval(&rg, x, &F, &S);
        ref_eval(&rg, nextafter(x, INFINITY), &Fu, &Su);
        ref_eval(&rg, nextafter(x, 0), &Fd, &Sd);
        err = u < 0.5 ? fabs(F - u) : fabs(S - (1 - u));
        tol = 1e-9 * fmin(u, 1 - u) + (u < 0.5 ? Fu - Fd : Sd - Su);
        if (x <= DBL_MIN)
          continue;
        if (!(err <= tol))
          fprintf(stderr, "gamma(%g): u = %g, x = %.17g, err %g > %g\n", shapes[i], u, x, err, tol);
        assert_true(err <= tol);
        checked++;
      }
  print_message("gamma/beta wide range: %d round trips within 1e-9 relative\n", checked);
  assert_true(checked > 600);
  assert_int_equal(gsl_errors, 0);
  gsl_set_error_handler(old);
}

/* Binned chi-square of discrete draws; values given out of order. */
static void test_discrete(void **state) {
  (void)state;
  mc_dist_args a = NOARGS;
  const double vals[] = {5, 1, 3, 10}, w[] = {1, 4, 3, 2}; /* sorted: 1 3 5 10 with 4 3 1 2 */
  a.nvalues = a.nweights = 4;
  memcpy(a.values, vals, sizeof vals);
  memcpy(a.weights, w, sizeof w);
  mc_dist d = make_ok("discrete", a);
  assert_int_equal(d.nvals, 4);
  const double sorted[] = {1, 3, 5, 10}, p[] = {0.4, 0.3, 0.1, 0.2};
  for (int i = 0; i < 4; i++)
    assert_true(d.vals[i] == sorted[i]);
  assert_true(d.cum[3] == 1.0);
  /* smallest value whose cumulative weight >= u */
  assert_true(mc_dist_quantile(&d, 0x1p-60) == 1);
  assert_true(mc_dist_quantile(&d, 0.4) == 1);
  assert_true(mc_dist_quantile(&d, nextafter(0.4, 1)) == 3);
  assert_true(mc_dist_quantile(&d, 0.7) == 3);
  assert_true(mc_dist_quantile(&d, nextafter(0.7, 1)) == 5);
  assert_true(mc_dist_quantile(&d, 0.8) == 5);
  assert_true(mc_dist_quantile(&d, nextafter(0.8, 1)) == 10);
  assert_true(mc_dist_quantile(&d, 1 - 0x1p-53) == 10);
  assert_true(fabs(mc_dist_cdf(&d, 4) - 0.7) < 1e-15);
  assert_true(mc_dist_cdf(&d, 0.5) == 0 && mc_dist_cdf(&d, 10) == 1);

  /* chi-square with 3 degrees of freedom against its 0.999 quantile */
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, SEED);
  const int n = KS_N;
  int count[4] = {0};
  for (int s = 0; s < n; s++) {
    double x = mc_dist_quantile(&d, gsl_rng_uniform_pos(rng));
    int j = 0;
    while (j < 4 && sorted[j] != x)
      j++;
    assert_true(j < 4);
    count[j]++;
  }
  double chi2 = 0;
  for (int j = 0; j < 4; j++)
    chi2 += (count[j] - n * p[j]) * (count[j] - n * p[j]) / (n * p[j]);
  assert_true(chi2 < gsl_cdf_chisq_Qinv(0.001, 3));
  gsl_rng_free(rng);

  /* default equal weights, duplicates merged */
  mc_dist_args b = NOARGS;
  const double v2[] = {2, 7, 2, 9};
  b.nvalues = 4;
  memcpy(b.values, v2, sizeof v2);
  mc_dist e = make_ok("discrete", b);
  assert_int_equal(e.nvals, 3);
  assert_true(e.vals[0] == 2 && fabs(e.cum[0] - 0.5) < 1e-15);
  assert_true(mc_dist_quantile(&e, 0.5) == 2 && mc_dist_quantile(&e, 0.6) == 7);
  assert_false(mc_dist_is_constant(&e));

  mc_dist_args one = NOARGS;
  one.nvalues = 1;
  one.values[0] = 3;
  mc_dist o = make_ok("discrete", one);
  assert_true(mc_dist_is_constant(&o));
  assert_true(mc_dist_quantile(&o, 0.3) == 3);
}

static void test_constant(void **state) {
  (void)state;
  mc_dist d = make_ok("constant", ARGS({"value", 0.7}));
  assert_true(mc_dist_is_constant(&d));
  assert_true(mc_dist_quantile(&d, 0x1p-60) == 0.7 && mc_dist_quantile(&d, 0.99) == 0.7);
  double lo, hi;
  int loa, hia;
  mc_dist_support(&d, &lo, &loa, &hi, &hia);
  assert_true(lo == 0.7 && hi == 0.7 && loa && hia);
  mc_dist c;
  mc_dist_constant(INFINITY, &c);
  assert_true(mc_dist_is_constant(&c));
  assert_true(mc_dist_quantile(&c, 0.5) == INFINITY);
  mc_dist n = make_ok("normal", ARGS({"mean", 1}, {"sd", 1}));
  assert_false(mc_dist_is_constant(&n));
}

static void test_range(void **state) {
  (void)state;
  mc_dist d;
  mc_err e = {0};
  /* A > 0: lognormal with 5th and 95th percentiles A and B */
  assert_int_equal(mc_dist_from_range(2.0, 3.5, &d, &e), MC_OK);
  assert_string_equal(d.type->name, "lognormal");
  assert_true(fabs(mc_dist_quantile(&d, 0.05) / 2.0 - 1) < 4 * DBL_EPSILON);
  assert_true(fabs(mc_dist_quantile(&d, 0.95) / 3.5 - 1) < 4 * DBL_EPSILON);
  assert_true(fabs(mc_dist_cdf(&d, 2.0) - 0.05) < 1e-14);
  assert_true(fabs(mc_dist_cdf(&d, 3.5) - 0.95) < 1e-14);
  assert_true(fabs(mc_dist_quantile(&d, 0.5) - sqrt(2.0 * 3.5)) <
              1e-14); /* median: geometric mean */
  /* the same as the two-percentile form */
  mc_dist p = make_ok("lognormal", ARGS({"p5", 2.0}, {"p95", 3.5}));
  assert_true(p.p[0] == d.p[0] && p.p[1] == d.p[1]);
  /* large magnitudes */
  assert_int_equal(mc_dist_from_range(2e28, 1.5e29, &d, &e), MC_OK);
  /* exact up to the rounding of mu = ln(A) - ..., about 65 eps relative */
  assert_true(fabs(mc_dist_quantile(&d, 0.05) / 2e28 - 1) < 1e-13);
  assert_true(fabs(mc_dist_quantile(&d, 0.95) / 1.5e29 - 1) < 1e-13);

  /* A <= 0: normal */
  assert_int_equal(mc_dist_from_range(-1.0, 3.0, &d, &e), MC_OK);
  assert_string_equal(d.type->name, "normal");
  assert_true(fabs(mc_dist_quantile(&d, 0.05) - -1.0) < 8 * DBL_EPSILON);
  assert_true(fabs(mc_dist_quantile(&d, 0.95) - 3.0) < 8 * DBL_EPSILON);
  assert_true(fabs(d.p[0] - 1.0) < 1e-14); /* mean (A + B) / 2 */
  assert_int_equal(mc_dist_from_range(0.0, 1.0, &d, &e), MC_OK);
  assert_string_equal(d.type->name, "normal");
  assert_true(fabs(mc_dist_quantile(&d, 0.05)) < 8 * DBL_EPSILON);
  assert_true(fabs(mc_dist_quantile(&d, 0.95) - 1.0) < 8 * DBL_EPSILON);

  /* refused unless A < B */
  mc_err e2 = {0};
  assert_int_equal(mc_dist_from_range(3.0, 3.0, &d, &e2), MC_EINPUT);
  assert_non_null(strstr(e2.msg, "A < B"));
  mc_err e3 = {0};
  assert_int_equal(mc_dist_from_range(5.0, 1.0, &d, &e3), MC_EINPUT);
  mc_err e4 = {0};
  assert_int_equal(mc_dist_from_range(NAN, 1.0, &d, &e4), MC_EINPUT);
}

static void test_percentile_forms(void **state) {
  (void)state;
  /* normal by p2.5 and p97.5, given in either order */
  mc_dist d = make_ok("normal", ARGS({"p97.5", 30}, {"p2.5", 10}));
  assert_true(fabs(d.p[0] - 20) < 1e-13);
  assert_true(fabs(d.p[1] - 10 / gsl_cdf_ugaussian_Pinv(0.975)) < 1e-13);
  assert_true(fabs(mc_dist_quantile(&d, 0.025) - 10) < 1e-13);
  assert_true(fabs(mc_dist_quantile(&d, 0.975) - 30) < 1e-13);
  /* asymmetric percentiles */
  mc_dist n = make_ok("normal", ARGS({"p10", 1}, {"p50", 4}));
  assert_true(fabs(mc_dist_quantile(&n, 0.1) - 1) < 1e-13);
  assert_true(fabs(mc_dist_quantile(&n, 0.5) - 4) < 1e-13);
  /* lognormal by p10 and p90 (of the lognormal itself) */
  mc_dist l = make_ok("lognormal", ARGS({"p90", 100}, {"p10", 1}));
  assert_true(fabs(mc_dist_quantile(&l, 0.5) - 10) < 1e-12);
  assert_true(fabs(mc_dist_quantile(&l, 0.1) - 1) < 1e-14);
  assert_true(fabs(mc_dist_quantile(&l, 0.9) / 100 - 1) < 1e-14);
  /* percentiles define the distribution before truncation */
  mc_dist t = make_ok("lognormal", ARGS({"p5", 2}, {"p95", 8}, {"max", 6}));
  mc_dist u = make_ok("lognormal", ARGS({"p5", 2}, {"p95", 8}));
  assert_true(t.p[0] == u.p[0] && t.p[1] == u.p[1]);
  assert_true(mc_dist_quantile(&t, 0.999999) <= 6);
}

static void test_support(void **state) {
  (void)state;
  struct {
    const char *type;
    mc_dist_args a;
    double lo, hi;
    int loa, hia;
  } s[] = {
      {"normal", ARGS({"mean", 1.5}, {"sd", 0.2}), -INFINITY, INFINITY, 0, 0},
      {"normal", ARGS({"mean", 1.5}, {"sd", 0.2}, {"min", 0}), 0, INFINITY, 1, 0},
      {"normal", ARGS({"mean", 1.5}, {"sd", 0.2}, {"min", 1}, {"max", 2}), 1, 2, 1, 1},
      {"lognormal", ARGS({"median", 2.7}, {"gsd", 1.2}), 0, INFINITY, 0, 0},
      {"lognormal", ARGS({"median", 2.7}, {"gsd", 1.2}, {"max", 10}), 0, 10, 0, 1},
      {"lognormal", ARGS({"median", 2.7}, {"gsd", 1.2}, {"min", 0}), 0, INFINITY, 0, 0},
      {"lognormal", ARGS({"median", 2.7}, {"gsd", 1.2}, {"min", -5}), 0, INFINITY, 0, 0},
      {"lognormal", ARGS({"median", 2.7}, {"gsd", 1.2}, {"min", 1}), 1, INFINITY, 1, 0},
      {"uniform", ARGS({"min", 0.2}, {"max", 1.2}), 0.2, 1.2, 1, 1},
      {"loguniform", ARGS({"min", 0.2}, {"max", 1.2}), 0.2, 1.2, 1, 1},
      {"triangular", ARGS({"min", 0}, {"mode", 1}, {"max", 3}), 0, 3, 1, 1},
      {"pert", ARGS({"min", 1.08}, {"mode", 1.2}, {"max", 1.4}), 1.08, 1.4, 1, 1},
      {"beta", ARGS({"alpha", 2}, {"beta", 3}), 0, 1, 1, 1},
      {"beta", ARGS({"alpha", 2}, {"beta", 3}, {"min", 2}, {"max", 5}), 2, 5, 1, 1},
      {"gamma", ARGS({"shape", 2}, {"scale", 3}), 0, INFINITY, 0, 0},
      {"weibull", ARGS({"shape", 2}, {"scale", 3}), 0, INFINITY, 0, 0},
      {"weibull", ARGS({"shape", 2}, {"scale", 3}, {"max", 4}), 0, 4, 0, 1},
  };
  for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
    mc_dist d = make_ok(s[i].type, s[i].a);
    double lo, hi;
    int loa, hia;
    mc_dist_support(&d, &lo, &loa, &hi, &hia);
    if (lo != s[i].lo || hi != s[i].hi || loa != s[i].loa || hia != s[i].hia)
      fprintf(stderr, "support of case %zu (%s): [%g, %g] (%d, %d)\n", i, s[i].type, lo, hi, loa,
              hia);
    assert_true(lo == s[i].lo && hi == s[i].hi);
    assert_int_equal(loa, s[i].loa);
    assert_int_equal(hia, s[i].hia);
    /* the quantile stays inside, at the smallest uniform the samplers produce too */
    const double us[] = {0x1p-60, 0x1p-54, 1e-10, 1e-3, 0.5, 1 - 1e-3, 1 - 1e-10, 1 - 0x1p-53};
    for (size_t k = 0; k < sizeof us / sizeof us[0]; k++) {
      double x = mc_dist_quantile(&d, us[k]);
      assert_true(x >= lo && x <= hi && (loa || x != lo) && (hia || x != hi));
    }
  }
  mc_dist_args disc = NOARGS;
  disc.nvalues = 3;
  disc.values[0] = 4, disc.values[1] = -1, disc.values[2] = 2;
  mc_dist d = make_ok("discrete", disc);
  double lo, hi;
  int loa, hia;
  mc_dist_support(&d, &lo, &loa, &hi, &hia);
  assert_true(lo == -1 && hi == 4 && loa && hia);
}

static void test_describe(void **state) {
  (void)state;
  char buf[256];
  mc_dist d = make_ok("lognormal", ARGS({"median", 2.7}, {"gsd", 1.2}));
  mc_dist_describe(&d, buf, sizeof buf);
  assert_string_equal(buf, "lognormal(median=2.7, gsd=1.2)");
  d = make_ok("normal", ARGS({"mean", 0}, {"sd", 1}, {"min", -1}));
  mc_dist_describe(&d, buf, sizeof buf);
  assert_string_equal(buf, "normal(mean=0, sd=1, min=-1)");
  d = make_ok("pert", ARGS({"min", 1.08}, {"mode", 1.2}, {"max", 1.4}));
  mc_dist_describe(&d, buf, sizeof buf);
  assert_string_equal(buf, "pert(min=1.08, mode=1.2, max=1.4, lambda=4)");
  d = make_ok("constant", ARGS({"value", 3}));
  mc_dist_describe(&d, buf, sizeof buf);
  assert_string_equal(buf, "constant(value=3)");
  mc_dist_args a = NOARGS;
  a.nvalues = a.nweights = 2;
  a.values[0] = 2, a.values[1] = 1, a.weights[0] = 3, a.weights[1] = 1;
  d = make_ok("discrete", a);
  mc_dist_describe(&d, buf, sizeof buf);
  assert_string_equal(buf, "discrete(values=[1, 2], weights=[0.25, 0.75])");
  /* every type describes itself by name; a short buffer truncates safely */
  for (int i = 0; cases(i).name; i++) {
    dcase c = cases(i);
    d = make_ok(c.type, c.a);
    mc_dist_describe(&d, buf, sizeof buf);
    assert_int_equal(strncmp(buf, c.type, strlen(c.type)), 0);
    assert_int_equal(buf[strlen(buf) - 1], ')');
    char small[8];
    mc_dist_describe(&d, small, sizeof small);
    assert_true(strlen(small) < sizeof small);
  }
}

static void test_type_table(void **state) {
  (void)state;
  char list[512];
  mc_dist_type_list(list, sizeof list);
  int n = 0;
  for (const mc_dist_type *t = mc_dist_types; t->name; t++, n++) {
    assert_non_null(strstr(list, t->name));
    assert_ptr_equal(mc_dist_type_find(t->name), t);
    assert_non_null(t->make);
    assert_non_null(t->quantile);
    assert_non_null(t->cdf);
    assert_non_null(t->support);
  }
  assert_int_equal(n, 11);
  assert_null(mc_dist_type_find("lognorma"));
  assert_null(mc_dist_type_find(NULL));
  char tiny[10];
  mc_dist_type_list(tiny, sizeof tiny);
  assert_true(strlen(tiny) < sizeof tiny);
}

static void test_refusals(void **state) {
  (void)state;
  /* unknown type: lists every valid name */
  mc_dist d;
  mc_err e = {0};
  int bad = 99;
  mc_dist_args a = ARGS({"mean", 1});
  assert_int_equal(mc_dist_make("lognorma", &a, &d, &bad, &e), MC_EINPUT);
  assert_int_equal(bad, -1);
  assert_non_null(strstr(e.msg, "unknown distribution 'lognorma'"));
  for (const mc_dist_type *t = mc_dist_types; t->name; t++)
    assert_non_null(strstr(e.msg, t->name));

  /* unknown key: names it and the accepted ones; bad_key is its index */
  refuse("normal", ARGS({"mean", 1}, {"sd", 2}, {"median", 3}), 2, "unknown key 'median'",
         "mean sd", "p5", NULL);
  refuse("lognormal", ARGS({"median", 1}, {"gsd", 2}, {"sd", 3}), 2, "unknown key 'sd'",
         "median gsd mu sigma", NULL);
  refuse("normal", ARGS({"pA", 1}, {"pB", 2}), 0, "unknown key 'pA'", NULL);
  refuse("normal", ARGS({"p5x", 1}, {"p95", 2}), 0, "unknown key 'p5x'", NULL);
  /* min/max on a type that takes no truncation */
  refuse("constant", ARGS({"value", 1}, {"min", 0}), 1, "unknown key 'min'", "value", NULL);
  refuse("triangular", ARGS({"min", 0}, {"mode", 1}, {"max", 2}, {"lambda", 4}), 3,
         "unknown key 'lambda'", "min mode max", NULL);
  /* missing keys */
  refuse("normal", ARGS({"mean", 1}), -1, "missing 'sd'", "mean and sd", NULL);
  refuse("lognormal", ARGS({"median", 1}), -1, "missing 'gsd'", NULL);
  refuse("uniform", ARGS({"max", 1}), -1, "missing 'min'", NULL);
  refuse("pert", ARGS({"min", 1}, {"max", 2}), -1, "missing 'mode'", NULL);
  refuse("gamma", ARGS({"shape", 1}), -1, "missing 'scale'", NULL);
  refuse("normal", ARGS({"p5", 1}), 0, "second percentile", NULL);
  refuse("normal", ARGS({"p5", 1}, {"p50", 2}, {"p95", 3}), 2, "exactly two percentiles", NULL);
  refuse("normal", ARGS({"p5", 1}, {"p5.0", 2}), 1, "same percentile", NULL);
  refuse("normal", ARGS({"p0", 1}, {"p95", 2}), 0, "between 0 and 100", NULL);
  refuse("normal", ARGS({"p5", 1}, {"p100", 2}), 1, "between 0 and 100", NULL);
  /* forms mixed */
  refuse("normal", ARGS({"mean", 1}, {"p5", 0}, {"p95", 2}), 0, "not both", NULL);
  refuse("lognormal", ARGS({"median", 1}, {"gsd", 2}, {"mu", 0}), 2, "mixes two forms", NULL);
  refuse("lognormal", ARGS({"median", 1}, {"p5", 0.5}, {"p95", 2}), 1, "mixes two forms", NULL);
  /* invalid values: what is wrong and what was expected */
  refuse("normal", ARGS({"mean", 1}, {"sd", 0}), 1, "sd must be > 0", NULL);
  refuse("normal", ARGS({"mean", 1}, {"sd", -2}), 1, "sd must be > 0 (got -2)", NULL);
  refuse("uniform", ARGS({"min", 2}, {"max", 1}), 1, "min (2) must be below max (1)", NULL);
  refuse("uniform", ARGS({"min", 1}, {"max", 1}), 1, "must be below", NULL);
  refuse("loguniform", ARGS({"min", 0}, {"max", 1}), 0, "min must be > 0", NULL);
  refuse("triangular", ARGS({"min", 0}, {"mode", 5}, {"max", 2}), 1, "mode (5) must lie in", NULL);
  refuse("pert", ARGS({"min", 0}, {"mode", -1}, {"max", 2}), 1, "mode", NULL);
  refuse("pert", ARGS({"min", 0}, {"mode", 1}, {"max", 2}, {"lambda", 0}), 3, "lambda must be > 0",
         NULL);
  refuse("beta", ARGS({"alpha", 0}, {"beta", 2}), 0, "alpha must be > 0", NULL);
  refuse("beta", ARGS({"alpha", 1}, {"beta", 2}, {"min", 3}), 2, "min (3) must be below max (1)",
         NULL);
  refuse("gamma", ARGS({"shape", 2}, {"scale", -1}), 1, "scale must be > 0", NULL);
  refuse("weibull", ARGS({"shape", 0}, {"scale", 1}), 0, "shape must be > 0", NULL);
  refuse("lognormal", ARGS({"median", 0}, {"gsd", 2}), 0, "median must be > 0", NULL);
  refuse("lognormal", ARGS({"median", 1}, {"gsd", 1}), 1, "gsd", "must be > 1", NULL);
  refuse("lognormal", ARGS({"mu", 1}, {"sigma", 0}), 1, "sigma must be > 0", NULL);
  /* percentile order and sign */
  refuse("normal", ARGS({"p5", 10}, {"p95", 5}), 1, "p95 value (5) must be above the p5 value (10)",
         NULL);
  refuse("normal", ARGS({"p95", 5}, {"p5", 10}), 0, "p95", NULL);
  refuse("lognormal", ARGS({"p5", -1}, {"p95", 5}), 0, "p5 must be > 0", NULL);
  refuse("lognormal", ARGS({"p5", 1}, {"p95", 0}), 1, "p95 must be > 0", NULL);
  refuse("lognormal", ARGS({"p5", 3}, {"p95", 2}), 1, "must be above", NULL);
  /* non-finite numbers */
  refuse("normal", ARGS({"mean", NAN}, {"sd", 1}), 0, "finite", NULL);
  refuse("normal", ARGS({"mean", 0}, {"sd", INFINITY}), 1, "finite", NULL);
  refuse("constant", ARGS({"value", -INFINITY}), 0, "finite", NULL);
  /* duplicate key */
  refuse("normal", ARGS({"mean", 0}, {"sd", 1}, {"mean", 2}), 2, "given twice", NULL);
  /* truncation */
  refuse("normal", ARGS({"mean", 0}, {"sd", 1}, {"min", 1}, {"max", 0}), 3,
         "min (1) must be below max (0)", NULL);
  refuse("lognormal", ARGS({"median", 1}, {"gsd", 2}, {"max", -1}), 2, "no probability mass", NULL);
  refuse("lognormal", ARGS({"median", 1}, {"gsd", 2}, {"max", 0}), 2, "no probability mass", NULL);
  refuse("normal", ARGS({"mean", 0}, {"sd", 1}, {"min", 50}), 2, "no probability mass", NULL);
  refuse("gamma", ARGS({"shape", 2}, {"scale", 1}, {"min", -3}, {"max", -1}), -1,
         "no probability mass", NULL);
  refuse("normal", ARGS({"mean", 0}, {"sd", 1}, {"min", 1}, {"max", nextafter(1, 2)}), -1,
         "no probability mass", NULL);
  /* lists */
  mc_dist_args l = ARGS({"mean", 0}, {"sd", 1});
  l.nvalues = 2;
  refuse("normal", l, -1, "discrete", NULL);
  mc_dist_args dl = NOARGS;
  refuse("discrete", dl, -1, "values", NULL);
  dl.nvalues = 3, dl.nweights = 2;
  dl.values[0] = 1, dl.values[1] = 2, dl.values[2] = 3;
  dl.weights[0] = 1, dl.weights[1] = 1;
  refuse("discrete", dl, -1, "'weights' has 2 entries, 'values' has 3", NULL);
  dl.nweights = 3, dl.weights[2] = 0;
  refuse("discrete", dl, -1, "weights[2] must be", "> 0", NULL);
  dl.weights[2] = 1, dl.values[1] = NAN;
  refuse("discrete", dl, -1, "values[1]", "finite", NULL);
  mc_dist_args ds = ARGS({"values", 3});
  refuse("discrete", ds, 0, "must be a list", NULL);
  /* a refused make leaves d untouched, and a NULL error is allowed */
  mc_dist keep = make_ok("normal", ARGS({"mean", 7}, {"sd", 1}));
  mc_dist_args sd0 = ARGS({"mean", 1}, {"sd", 0});
  assert_int_equal(mc_dist_make("normal", &sd0, &keep, &bad, NULL), MC_EINPUT);
  assert_true(keep.p[0] == 7);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_type_table),
      cmocka_unit_test(test_ks_every_continuous_type),
      cmocka_unit_test(test_ks_detects_wrong_distribution),
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_monotone_and_inside_support),
      cmocka_unit_test(test_gamma_beta_wide_range),
      cmocka_unit_test(test_discrete),
      cmocka_unit_test(test_constant),
      cmocka_unit_test(test_range),
      cmocka_unit_test(test_percentile_forms),
      cmocka_unit_test(test_support),
      cmocka_unit_test(test_describe),
      cmocka_unit_test(test_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
