/* The Gaussian copula: realized Spearman correlations of correlated draws
 * against their targets, the normal-score conversion, the Cholesky factor, the
 * refusal of inconsistent correlations naming the parameters, and that
 * correlating a block of samples does not depend on how the block is split.
 *
 * Sampling error of Spearman's rho: for n pairs from a bivariate normal copula
 * Var(r_s) ~ v(rho) / n with v(0) = 1 and v decreasing in |rho| (Kendall and
 * Stuart, vol. 2, 31.19), so SE <= 1 / sqrt(n). The bound 4 / sqrt(n) is four
 * standard errors: a correct copula fails at the fixed seed with probability
 * about 6e-5 per pair; at n = 200000 it is 0.0089, below the 0.017 error a
 * copula that skipped the 2 sin(pi rho / 6) conversion would make at rho =
 * 0.7 (test_conversion_is_needed checks that such a copula fails). */
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
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "mc_copula.h"
#include "mc_dist.h"

#define N    200000
#define DIM  4
#define SEED 2030UL

typedef struct ix {
  double v;
  int i;
} ix;

static int cmp_ix(const void *a, const void *b) {
  double x = ((const ix *)a)->v, y = ((const ix *)b)->v;
  return (x > y) - (x < y);
}

/* Ranks 1..n of x (no ties: continuous draws). */
static void ranks(const double *x, int n, double *r) {
  ix *t = malloc((size_t)n * sizeof *t);
  assert_non_null(t);
  for (int i = 0; i < n; i++)
    t[i] = (ix){x[i], i};
  qsort(t, (size_t)n, sizeof *t, cmp_ix);
  for (int k = 0; k < n; k++)
    r[t[k].i] = k + 1;
  free(t);
}

/* Spearman's rho from ranks: 1 - 6 sum d^2 / (n (n^2 - 1)). */
static double spearman(const double *ra, const double *rb, int n) {
  double s = 0;
  for (int i = 0; i < n; i++)
    s += (ra[i] - rb[i]) * (ra[i] - rb[i]);
  return 1 - 6 * s / ((double)n * ((double)n * n - 1));
}

static mc_dist make(const char *type, int n, const char *const *k, const double *v) {
  mc_dist_args a;
  memset(&a, 0, sizeof a);
  a.n = n;
  a.nvalues = a.nweights = -1;
  for (int i = 0; i < n; i++)
    a.key[i] = k[i], a.val[i] = v[i];
  mc_dist d;
  mc_err e = {0};
  int bad;
  int rc = mc_dist_make(type, &a, &d, &bad, &e);
  if (rc)
    fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, MC_OK);
  return d;
}

/* Draws N samples of DIM variables through the copula built from rho (the
 * targets passed to mc_copula_init) and returns the realized Spearman matrix. */
static void realized(const double *rho, double *rs) {
  const char *names[DIM] = {"training.compute", "training.growth", "inference.compute",
                            "hardware.efficiency"};
  mc_copula c;
  mc_err e = {0};
  int rc = mc_copula_init(DIM, rho, names, &c, &e);
  if (rc)
    fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, MC_OK);

  mc_dist d[DIM];
  d[0] = make("lognormal", 2, (const char *[]){"p5", "p95"}, (double[]){2e28, 1.5e29});
  d[1] = make("normal", 2, (const char *[]){"mean", "sd"}, (double[]){2.5, 0.4});
  d[2] = make("lognormal", 3, (const char *[]){"median", "gsd", "max"}, (double[]){1e28, 3, 5e28});
  d[3] = make("gamma", 2, (const char *[]){"shape", "scale"}, (double[]){2, 1e11});

  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, SEED);
  double *z[DIM], *r[DIM];
  for (int i = 0; i < DIM; i++) {
    z[i] = malloc(N * sizeof(double));
    r[i] = malloc(N * sizeof(double));
    assert_true(z[i] && r[i]);
  }
  for (int s = 0; s < N; s++)
    for (int i = 0; i < DIM; i++)
      z[i][s] = gsl_ran_ugaussian(rng);
  mc_copula_apply(&c, z, N);
  for (int i = 0; i < DIM; i++) {
    for (int s = 0; s < N; s++) {
      double v = z[i][s], u = v < 0 ? gsl_cdf_ugaussian_P(v) : 1 - gsl_cdf_ugaussian_Q(v);
      z[i][s] = mc_dist_quantile(&d[i], fmin(fmax(u, 0x1p-60), 1 - 0x1p-53));
    }
    ranks(z[i], N, r[i]);
  }
  for (int i = 0; i < DIM; i++)
    for (int j = 0; j < DIM; j++)
      rs[i * DIM + j] = i == j ? 1 : spearman(r[i], r[j], N);
  for (int i = 0; i < DIM; i++)
    free(z[i]), free(r[i]);
  gsl_rng_free(rng);
}

static const double target[DIM * DIM] = {
    1.0,  0.7,  -0.4, 0.3, /* */
    0.7,  1.0,  -0.2, 0.5, /* */
    -0.4, -0.2, 1.0,  0.0, /* */
    0.3,  0.5,  0.0,  1.0,
};

static void test_realized_spearman(void **state) {
  (void)state;
  double rs[DIM * DIM], bound = 4 / sqrt(N);
  realized(target, rs);
  for (int i = 0; i < DIM; i++)
    for (int j = i + 1; j < DIM; j++) {
      double err = rs[i * DIM + j] - target[i * DIM + j];
      print_message("spearman(%d,%d) = %+.4f, target %+.2f, error %+.4f (bound %.4f)\n", i, j,
                    rs[i * DIM + j], target[i * DIM + j], err, bound);
      assert_true(fabs(err) < bound);
    }
}

/* A copula handed the normal-score correlation in place of the Spearman target
 * (that is, one without the conversion) misses the target by more than the bound. */
static void test_conversion_is_needed(void **state) {
  (void)state;
  double wrong[DIM * DIM], rs[DIM * DIM], bound = 4 / sqrt(N);
  for (int k = 0; k < DIM * DIM; k++)
    wrong[k] = 6 / M_PI * asin(target[k] / 2);
  for (int i = 0; i < DIM; i++)
    wrong[i * DIM + i] = 1;
  realized(wrong, rs);
  double err01 = rs[1] - target[1];
  print_message("without the conversion spearman(0,1) = %+.4f, error %+.4f\n", rs[1], err01);
  assert_true(fabs(err01) > bound);
}

static void test_normal_score_rho(void **state) {
  (void)state;
  assert_true(fabs(mc_copula_normal_score_rho(0.5) - 2 * sin(M_PI / 12)) < 1e-15);
  assert_true(fabs(mc_copula_normal_score_rho(0.5) - 0.5176380902050415) < 1e-15);
  assert_true(mc_copula_normal_score_rho(0) == 0);
  assert_true(fabs(mc_copula_normal_score_rho(1) - 1) < 1e-15);
  assert_true(fabs(mc_copula_normal_score_rho(-1) + 1) < 1e-15);
  assert_true(fabs(mc_copula_normal_score_rho(-0.3) + mc_copula_normal_score_rho(0.3)) < 1e-16);
}

static void test_cholesky_factor(void **state) {
  (void)state;
  mc_copula c;
  mc_err e = {0};
  const double rho[4] = {1, 0.6, 0.6, 1};
  assert_int_equal(mc_copula_init(2, rho, NULL, &c, &e), MC_OK);
  double r = mc_copula_normal_score_rho(0.6);
  assert_int_equal(c.dim, 2);
  assert_true(c.L[0] == 1 && c.L[1] == 0);
  assert_true(fabs(c.L[2] - r) < 1e-15);
  assert_true(fabs(c.L[3] - sqrt(1 - r * r)) < 1e-15);
  /* L L^T reproduces the normal-score matrix of the 4 x 4 case */
  assert_int_equal(mc_copula_init(DIM, target, NULL, &c, &e), MC_OK);
  for (int i = 0; i < DIM; i++)
    for (int j = 0; j < DIM; j++) {
      double s = 0;
      for (int k = 0; k < DIM; k++)
        s += c.L[i * DIM + k] * c.L[j * DIM + k];
      double want = i == j ? 1 : mc_copula_normal_score_rho(target[i * DIM + j]);
      assert_true(fabs(s - want) < 1e-14);
      if (j > i)
        assert_true(c.L[i * DIM + j] == 0);
    }
  /* one variable: the identity */
  const double one = 1;
  assert_int_equal(mc_copula_init(1, &one, NULL, &c, &e), MC_OK);
  double w[3] = {0.3, -1.2, 2.5}, *z[1] = {w};
  mc_copula_apply(&c, z, 3);
  assert_true(w[0] == 0.3 && w[1] == -1.2 && w[2] == 2.5);
}

/* mc_copula_apply equals L w sample by sample, whatever the block split. */
static void test_apply_blocks(void **state) {
  (void)state;
  mc_copula c;
  mc_err e = {0};
  assert_int_equal(mc_copula_init(DIM, target, NULL, &c, &e), MC_OK);
  enum { n = 1500 };
  static double w[DIM][n], a[DIM][n], b[DIM][n];
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, SEED);
  for (int i = 0; i < DIM; i++)
    for (int s = 0; s < n; s++)
      w[i][s] = a[i][s] = b[i][s] = gsl_ran_ugaussian(rng);
  gsl_rng_free(rng);
  double *za[DIM], *zb[DIM], *zb2[DIM];
  for (int i = 0; i < DIM; i++)
    za[i] = a[i], zb[i] = b[i], zb2[i] = b[i] + 777;
  mc_copula_apply(&c, za, n);
  mc_copula_apply(&c, zb, 777);
  mc_copula_apply(&c, zb2, n - 777);
  for (int i = 0; i < DIM; i++)
    for (int s = 0; s < n; s++) {
      double want = 0;
      for (int k = 0; k <= i; k++)
        want += c.L[i * DIM + k] * w[k][s];
      assert_true(fabs(a[i][s] - want) <= 1e-14 * (1 + fabs(want)));
      assert_memory_equal(&a[i][s], &b[i][s], sizeof(double));
    }
}

/* Targets of +1 and -1: the later variable copies the earlier one's score
 * (negated for -1) bit for bit, so its rank correlation is exactly +-1, and
 * the others are correlated as their targets say. */
static void test_perfect_correlation(void **state) {
  (void)state;
  const double rho[DIM * DIM] = {
      1.0,  0.5,  0.0, -0.5, /* */
      0.5,  1.0,  0.0, -1.0, /* */
      0.0,  0.0,  1.0, 0.0,  /* */
      -0.5, -1.0, 0.0, 1.0,
  };
  mc_copula c;
  mc_err e = {0};
  int rc = mc_copula_init(DIM, rho, NULL, &c, &e);
  if (rc)
    fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, MC_OK);
  assert_int_equal(c.ncopy, 1);
  enum { n = 5000 };
  static double w[DIM][n];
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, SEED);
  for (int i = 0; i < DIM; i++)
    for (int s = 0; s < n; s++)
      w[i][s] = gsl_ran_ugaussian(rng);
  gsl_rng_free(rng);
  double *z[DIM] = {w[0], w[1], w[2], w[3]};
  mc_copula_apply(&c, z, n);
  for (int s = 0; s < n; s++)
    assert_true(w[3][s] == -w[1][s]);
  /* the pair 0 ~ 1 keeps its correlation: 2 sin(pi 0.5 / 6) in normal scores */
  double sxy = 0, sxx = 0, syy = 0;
  for (int s = 0; s < n; s++) {
    sxy += w[0][s] * w[1][s];
    sxx += w[0][s] * w[0][s];
    syy += w[1][s] * w[1][s];
  }
  assert_true(fabs(sxy / sqrt(sxx * syy) - mc_copula_normal_score_rho(0.5)) < 4 / sqrt(n));
  /* two variables only, +1: identical scores */
  const double two[4] = {1, 1, 1, 1};
  assert_int_equal(mc_copula_init(2, two, NULL, &c, &e), MC_OK);
  double a[3] = {0.3, -1.2, 2.5}, b[3] = {9, 9, 9}, *zz[2] = {a, b};
  mc_copula_apply(&c, zz, 3);
  assert_memory_equal(a, b, sizeof a);
}

static void refuse_copula(int dim, const double *rho, const char *const *names, ...) {
  mc_copula c;
  mc_err e = {0};
  int rc = mc_copula_init(dim, rho, names, &c, &e);
  if (rc != MC_EINPUT)
    fprintf(stderr, "expected refusal, got %d: %s\n", rc, e.msg);
  assert_int_equal(rc, MC_EINPUT);
  va_list ap;
  va_start(ap, names);
  for (const char *w; (w = va_arg(ap, const char *));) {
    int absent = w[0] == '!';
    const char *word = w + absent;
    if ((strstr(e.msg, word) != NULL) == absent)
      fprintf(stderr, "'%s' %s in: %s\n", word, absent ? "unexpectedly" : "not", e.msg);
    assert_true((strstr(e.msg, word) != NULL) != absent);
  }
  va_end(ap);
}

static void test_not_positive_definite(void **state) {
  (void)state;
  const char *names[DIM] = {"training.compute", "inference.compute", "hardware.efficiency",
                            "datacenter.pue"};
  /* three pairwise targets that cannot hold together; the fourth is independent */
  const double bad[DIM * DIM] = {
      1.0, 0.9,  0.9,  0.0, /* */
      0.9, 1.0,  -0.9, 0.0, /* */
      0.9, -0.9, 1.0,  0.0, /* */
      0.0, 0.0,  0.0,  1.0,
  };
  refuse_copula(DIM, bad, names, "training.compute", "inference.compute", "hardware.efficiency",
                "!datacenter.pue", "not positive definite", NULL);
  /* a perfect correlation whose pair the others treat unalike: 0 ~ 1 is 0.5
   * but 0 ~ 3 is (unlisted) 0, while 1 and 3 move together */
  const double one[DIM * DIM] = {
      1.0, 0.5, 0.0, 0.0, /* */
      0.5, 1.0, 0.0, 1.0, /* */
      0.0, 0.0, 1.0, 0.0, /* */
      0.0, 1.0, 0.0, 1.0,
  };
  refuse_copula(DIM, one, names, "inference.compute", "datacenter.pue", "training.compute",
                "move together", "!hardware.efficiency", NULL);
  /* malformed matrices */
  const double big[4] = {1, 1.5, 1.5, 1};
  refuse_copula(2, big, names, "training.compute", "inference.compute", "[-1, 1]", NULL);
  const double asym[4] = {1, 0.2, 0.3, 1};
  refuse_copula(2, asym, names, "given as", NULL);
  const double diag[4] = {0.5, 0.2, 0.2, 1};
  refuse_copula(2, diag, names, "with itself", NULL);
  const double nan2[4] = {1, NAN, NAN, 1};
  refuse_copula(2, nan2, names, "[-1, 1]", NULL);
  refuse_copula(0, diag, names, "expected 1 to", NULL);
  refuse_copula(MC_COPULA_MAXDIM + 1, diag, names, "expected 1 to", NULL);
  /* without names, variables are numbered */
  refuse_copula(DIM, bad, NULL, "variable 0", "variable 2", "!variable 3", NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_normal_score_rho),     cmocka_unit_test(test_cholesky_factor),
      cmocka_unit_test(test_apply_blocks),         cmocka_unit_test(test_realized_spearman),
      cmocka_unit_test(test_conversion_is_needed), cmocka_unit_test(test_not_positive_definite),
      cmocka_unit_test(test_perfect_correlation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
