/* Sensitivity analysis and convergence (issue 5), through the engine in
 * process on one rank:
 * - Sobol' indices against the analytic ones: with constant growth, ln T at
 *   year t is ln T0 + t ln gT, so with lognormal T0 and gT its first-order and
 *   total indices are sigma_T0^2 / (sigma_T0^2 + t^2 sigma_gT^2) and t^2
 *   sigma_gT^2 / (...), and exactly zero for the inference parameters; for
 *   every design;
 * - parts merged equal the whole run (sums, sketches, standard errors);
 * - sampling.stop_when stops at the same point on a resumed run as on an
 *   uninterrupted one, with the same state;
 * - percentile standard errors against the spread over independent seeds.
 *
 * Tolerances: each analytic index must lie within 1.5 times the half-width of
 * its 95% confidence interval (about 3 standard errors: ten indices are
 * checked per job, so the 95% level alone would fail one job in three). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_demand.h"
#include "mc_engine.h"
#include "mc_job.h"

/* T0: lognormal p5 2e28, p95 1.5e29; gT: 2.0 to 3.5; I0, gI likewise; the rest
 * constant; no half-life, so growth is constant. */
#define JOB_HEAD                                                                                   \
  "scenario: sens\n"                                                                               \
  "time: {base_year: 2025, horizon_year: 2040}\n"
#define JOB_PARAMS                                                                                 \
  "parameters:\n"                                                                                  \
  "  training.compute: {dist: lognormal, p5: 2e28, p95: 1.5e29}\n"                                 \
  "  training.growth: 2.0 to 3.5\n"                                                                \
  "  inference.compute: {dist: lognormal, p5: 5e27, p95: 5e28}\n"                                  \
  "  inference.growth: 2.5 to 6\n"                                                                 \
  "  hardware.efficiency: 7.5e11\n"                                                                \
  "  hardware.efficiency_growth: 1.3\n"                                                            \
  "  training.utilization: 0.4\n"                                                                  \
  "  inference.utilization: 0.12\n"                                                                \
  "sensitivity:\n"                                                                                 \
  "  targets: [training_compute@2025, training_compute@2035, inference_compute@2040,\n"            \
  "            crossover.compute]\n"

static const double Z95 = 1.6448536269514722; /* Phi^-1(0.95) */

static mc_job *load(const char *text) {
  mc_job *job = calloc(1, sizeof *job);
  mc_err e = {0};
  int rc = mc_job_load_string(text, "t.yaml", job, &e);
  if (rc)
    fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, MC_OK);
  return job;
}

static void drop(mc_job *job) {
  mc_job_free(job);
  free(job);
}

/* Runs the blocks of part k/n (from st, or empty) and returns the result. */
static mc_stats *run(const mc_spec *spec, mc_stats *st, int k, int n, volatile sig_atomic_t *stop,
                     mc_checkpoint_fn ckpt, void *ctx) {
  mc_err e = {0};
  int own = st == NULL;
  if (own)
    assert_int_equal(mc_stats_alloc(spec, &st, &e), MC_OK);
  mc_run_opts o = {0};
  o.part_k = k;
  o.part_n = n;
  o.stop = stop;
  o.checkpoint = ckpt;
  o.checkpoint_ctx = ctx;
  mc_stats *res = NULL;
  int rc = mc_engine_run(spec, st, &o, MPI_COMM_WORLD, &res, &e);
  if (rc != MC_OK && rc != MC_ESIGNAL)
    fprintf(stderr, "%s\n", e.msg);
  if (own)
    mc_stats_free(st);
  if (rc == MC_ESIGNAL)
    return NULL;
  assert_int_equal(rc, MC_OK);
  return res;
}

static double lognormal_sigma(double p5, double p95) { return log(p95 / p5) / (2 * Z95); }

static void check_analytic(const mc_stats *st, const char *label) {
  double sT0 = lognormal_sigma(2e28, 1.5e29), sgT = lognormal_sigma(2.0, 3.5);
  double sI0 = lognormal_sigma(5e27, 5e28), sgI = lognormal_sigma(2.5, 6);
  assert_int_equal(st->sens_k, 4);
  assert_int_equal(st->sens_par[0], MC_P_T0);
  assert_int_equal(st->sens_par[1], MC_P_GT);
  assert_int_equal(st->sens_par[2], MC_P_I0);
  assert_int_equal(st->sens_par[3], MC_P_GI);
  /* target t: share of the base value's variance, and which pair is active */
  const struct {
    double t;
    int training;
  } tg[3] = {{0, 1}, {10, 1}, {15, 0}};
  for (int t = 0; t < 3; t++) {
    double f[4], tot[4], fci[8], tci[8];
    mc_stats_sensitivity(st, t, f, tot, fci, tci);
    double s0 = tg[t].training ? sT0 : sI0, sg = tg[t].training ? sgT : sgI;
    double v0 = s0 * s0, vg = tg[t].t * tg[t].t * sg * sg;
    double want[4] = {0, 0, 0, 0};
    int a = tg[t].training ? 0 : 2;
    want[a] = v0 / (v0 + vg);
    want[a + 1] = vg / (v0 + vg);
    for (int j = 0; j < 4; j++) {
      double est[2] = {f[j], tot[j]}, lo[2] = {fci[2 * j], tci[2 * j]},
             hi[2] = {fci[2 * j + 1], tci[2 * j + 1]};
      for (int w = 0; w < 2; w++) {
        int active = j == a || j == a + 1;
        if (!active) {
          /* the parameter does not enter the target: every A_B^(j) sample
           * equals its A sample, so the sums are exactly zero */
          assert_true(est[w] == 0.0);
          continue;
        }
        double half = 0.5 * (hi[w] - lo[w]);
        if (!(fabs(est[w] - want[j]) <= 1.5 * half) || !(half < 0.05))
          fprintf(stderr, "%s: target %d param %d %s: %.5f [%.5f, %.5f], analytic %.5f\n", label, t,
                  j, w ? "total" : "first", est[w], lo[w], hi[w], want[j]);
        assert_true(fabs(est[w] - want[j]) <= 1.5 * half);
        assert_true(half < 0.05);
      }
    }
  }
  /* crossing time: every input matters; indices in [0, 1] within their CIs,
   * first-order ones summing to at most 1, each total at least its first */
  double f[4], tot[4], fci[8], tci[8], sum = 0;
  mc_stats_sensitivity(st, 3, f, tot, fci, tci);
  for (int j = 0; j < 4; j++) {
    assert_true(fci[2 * j + 1] > 0.02 && tci[2 * j + 1] > 0.02);
    assert_true(fci[2 * j] < 1 && tci[2 * j] < 1);
    assert_true(tci[2 * j + 1] >= fci[2 * j]);
    sum += f[j];
  }
  assert_true(sum < 1.05);
}

static void test_analytic_indices(void **state) {
  (void)state;
  static const char *const methods[] = {"mc", "lhs", "sobol"};
  for (int m = 0; m < 3; m++) {
    char text[4096];
    snprintf(text, sizeof text,
             JOB_HEAD "sampling: {samples: 65536, method: %s, seed: 17}\n" JOB_PARAMS, methods[m]);
    mc_job *job = load(text);
    mc_stats *st = run(&job->spec, NULL, 1, 1, NULL, NULL, NULL);
    check_analytic(st, methods[m]);
    mc_stats_free(st);
    drop(job);
  }
}

/* ---- exact merging ------------------------------------------------------- */

static void same_bits(double a, double b) {
  if (memcmp(&a, &b, sizeof a) && !(isnan(a) && isnan(b)))
    fail_msg("%.17g != %.17g", a, b);
}

/* Every statistic of issue 5 (and the counts) the same bits. */
static void same_state(mc_stats *a, mc_stats *b) {
  assert_int_equal(a->nblocks, b->nblocks);
  assert_memory_equal(a->done, b->done, (a->nblocks + 7) / 8);
  assert_memory_equal(a->year_counts, b->year_counts, sizeof *a->year_counts * a->ncross * a->ny);
  assert_memory_equal(a->never, b->never, sizeof *a->never * a->ncross);
  assert_int_equal(mc_stats_nxsum(a), mc_stats_nxsum(b));
  for (int k = 0; k < mc_stats_nxsum(a); k++)
    same_bits(mc_xsum_value(mc_stats_xsum(a, k)), mc_xsum_value(mc_stats_xsum(b, k)));
  for (int k = 0; k < mc_stats_nsketch(a); k++)
    for (double p = 1; p < 100; p += 12)
      same_bits(mc_sketch_quantile_interp(mc_stats_sketch(a, k), p),
                mc_sketch_quantile_interp(mc_stats_sketch(b, k), p));
  for (int s = 0; s < MC_NSERIES; s++)
    for (int y = 0; y < a->ny; y += 3)
      same_bits(mc_stats_series_percentile_se(a, s, y, 50),
                mc_stats_series_percentile_se(b, s, y, 50));
  for (int t = 0; t < a->nsens; t++) {
    double fa[MC_NPARAM], ta[MC_NPARAM], ca[2 * MC_NPARAM], da[2 * MC_NPARAM];
    double fb[MC_NPARAM], tb[MC_NPARAM], cb[2 * MC_NPARAM], db[2 * MC_NPARAM];
    mc_stats_sensitivity(a, t, fa, ta, ca, da);
    mc_stats_sensitivity(b, t, fb, tb, cb, db);
    for (int j = 0; j < a->sens_k; j++) {
      same_bits(fa[j], fb[j]);
      same_bits(ta[j], tb[j]);
      same_bits(ca[2 * j + 1], cb[2 * j + 1]);
      same_bits(da[2 * j], db[2 * j]);
    }
  }
}

static void test_parts_merge(void **state) {
  (void)state;
  mc_job *job = load(JOB_HEAD "sampling: {samples: 50000, method: sobol, seed: 3}\n" JOB_PARAMS);
  mc_stats *whole = run(&job->spec, NULL, 1, 1, NULL, NULL, NULL);
  mc_err e = {0};
  mc_stats *acc = NULL;
  assert_int_equal(mc_stats_alloc(&job->spec, &acc, &e), MC_OK);
  for (int k = 3; k >= 1; k--) {
    mc_stats *p = run(&job->spec, NULL, k, 3, NULL, NULL, NULL);
    assert_int_equal(mc_stats_merge(acc, p, &e), MC_OK);
    mc_stats_free(p);
  }
  same_state(whole, acc);
  assert_true(isfinite(mc_stats_series_percentile_se(acc, MC_S_TOTAL_ENERGY, 5, 50)));
  mc_stats_free(whole);
  mc_stats_free(acc);
  drop(job);
}

/* ---- stop_when ------------------------------------------------------------ */

/* The checkpoint callback: keeps a copy of the reduced state. */
typedef struct kept {
  const mc_spec *spec;
  mc_stats *st;
} kept;

static int keep(void *ctx, const mc_stats *reduced, int *written, mc_err *e) {
  kept *k = ctx;
  *written = 1;
  if (!reduced)
    return MC_OK;
  mc_stats_free(k->st);
  int rc = mc_stats_alloc(k->spec, &k->st, e);
  if (rc == MC_OK)
    rc = mc_stats_merge(k->st, reduced, e);
  return rc;
}

/* A sample sink that raises the stop flag once block 70 is done. */
static int stop_at_70(void *ctx, uint64_t first, int n, const double *const *in,
                      const double *const *tau, mc_err *e) {
  if (first >= 70 * MC_BLOCK)
    *(volatile sig_atomic_t *)ctx = 1;
  return MC_OK;
}

/* As run(), on one part, with stop_at_70 raising *stop. */
static mc_stats *run_sink(const mc_spec *spec, volatile sig_atomic_t *stop, mc_checkpoint_fn ckpt,
                          void *ctx) {
  mc_err e = {0};
  mc_stats *st = NULL, *res = NULL;
  assert_int_equal(mc_stats_alloc(spec, &st, &e), MC_OK);
  mc_run_opts o = {0};
  o.part_k = o.part_n = 1;
  o.stop = stop;
  o.checkpoint = ckpt;
  o.checkpoint_ctx = ctx;
  o.sink = stop_at_70;
  o.sink_ctx = (void *)stop;
  int rc = mc_engine_run(spec, st, &o, MPI_COMM_WORLD, &res, &e);
  mc_stats_free(st);
  assert_int_equal(rc, MC_ESIGNAL);
  return res;
}

static void test_stop_when(void **state) {
  (void)state;
  /* se <= 0.5 / sqrt(n): 0.0015 needs more than 64 blocks and at most 128 */
  mc_job *job = load(JOB_HEAD "sampling: {samples: 2000000, method: sobol, seed: 5, stop_when: "
                              "{standard_error: 0.0015}}\n" JOB_PARAMS);
  mc_stats *whole = run(&job->spec, NULL, 1, 1, NULL, NULL, NULL);
  assert_true(whole->stop_blocks == 128);
  assert_true(mc_stats_done_samples(whole) == 128 * MC_BLOCK);
  assert_true(mc_stats_complete(whole));
  /* the criterion holds at the stop point and failed at the one before */
  assert_true(mc_stats_max_probability_se(whole->year_counts, whole->never, whole->ncross,
                                          whole->ny, 128 * MC_BLOCK) < 0.0015);

  /* interrupted after the first sync (8 blocks), then resumed */
  volatile sig_atomic_t stop = 1;
  kept k = {&job->spec, NULL};
  assert_null(run(&job->spec, NULL, 1, 1, &stop, keep, &k));
  mc_stats *ckpt = k.st;
  assert_non_null(ckpt);
  uint64_t got = mc_stats_done_samples(ckpt);
  assert_true(got > 0 && got < 64 * MC_BLOCK);
  assert_false(mc_stats_complete(ckpt));
  mc_stats *resumed = run(&job->spec, ckpt, 1, 1, NULL, NULL, NULL);
  assert_true(resumed->stop_blocks == 128);
  same_state(whole, resumed);

  /* interrupted past the first check point (64 blocks, which failed): the
   * resumed run does not check it again and stops at 128 as well */
  volatile sig_atomic_t stop2 = 0;
  kept k2 = {&job->spec, NULL};
  assert_null(run_sink(&job->spec, &stop2, keep, &k2));
  assert_non_null(k2.st);
  assert_true(mc_stats_done_samples(k2.st) > 64 * MC_BLOCK);
  mc_stats *resumed2 = run(&job->spec, k2.st, 1, 1, NULL, NULL, NULL);
  assert_true(resumed2->stop_blocks == 128);
  same_state(whole, resumed2);
  mc_stats_free(resumed2);
  mc_stats_free(k2.st);

  /* a stopped run is not a part to merge */
  mc_err e = {0};
  mc_stats *other = NULL;
  assert_int_equal(mc_stats_alloc(&job->spec, &other, &e), MC_OK);
  assert_int_equal(mc_stats_merge(other, whole, &e), MC_EINPUT);
  assert_non_null(strstr(e.msg, "stop_when"));

  /* --part is refused */
  mc_err e2 = {0};
  mc_stats *st = NULL, *res = NULL;
  assert_int_equal(mc_stats_alloc(&job->spec, &st, &e2), MC_OK);
  mc_run_opts o = {0};
  o.part_k = 1;
  o.part_n = 2;
  assert_int_equal(mc_engine_run(&job->spec, st, &o, MPI_COMM_WORLD, &res, &e2), MC_EINPUT);
  assert_non_null(strstr(e2.msg, "--part"));
  mc_stats_free(st);
  mc_stats_free(other);
  mc_stats_free(ckpt);
  mc_stats_free(resumed);
  mc_stats_free(whole);
  drop(job);
}

/* ---- percentile standard errors ------------------------------------------- */

/* The order-statistics standard error of a median agrees with the spread of the
 * median over 24 independent runs (mc): the ratio of the mean reported
 * standard error to the observed standard deviation lies within the range
 * that the observed deviation's 23 degrees of freedom allow (chi-square 0.1%
 * and 99.9% points), widened by 10% for the noise of the averaged reported
 * figure and the interpolation inside the sketch's buckets. */
static void test_percentile_se(void **state) {
  (void)state;
  const int R = 24;
  double med[24], se = 0;
  for (int r = 0; r < R; r++) {
    char text[4096];
    snprintf(text, sizeof text,
             JOB_HEAD "sampling: {samples: 32768, method: mc, seed: %d}\n" JOB_PARAMS, 100 + r);
    *strstr(text, "sensitivity:") = '\0';
    mc_job *job = load(text);
    mc_stats *st = run(&job->spec, NULL, 1, 1, NULL, NULL, NULL);
    med[r] = log(mc_stats_series_percentile(st, MC_S_TOTAL_ENERGY, 10, 50));
    double v = mc_stats_series_percentile(st, MC_S_TOTAL_ENERGY, 10, 50);
    se += mc_stats_series_percentile_se(st, MC_S_TOTAL_ENERGY, 10, 50) / v / R;
    if (r == 0) {
      /* the batched forms give the single calls' values, and the standard
       * error is the documented formula, read here with single-quantile
       * interpolated reads of the sketch */
      double pp[] = {1, 5, 50, 95, 99}, a[5], b[5];
      mc_stats_series_percentiles(st, MC_S_TOTAL_ENERGY, 10, 5, pp, a);
      mc_stats_series_percentiles_se(st, MC_S_TOTAL_ENERGY, 10, 5, pp, b);
      const mc_sketch *sk = &st->series[MC_S_TOTAL_ENERGY * st->ny + 10];
      double n = (double)mc_sketch_count(sk);
      for (int i = 0; i < 5; i++) {
        assert_true(a[i] == mc_stats_series_percentile(st, MC_S_TOTAL_ENERGY, 10, pp[i]));
        assert_true(b[i] == mc_stats_series_percentile_se(st, MC_S_TOTAL_ENERGY, 10, pp[i]));
        double u = pp[i] / 100, d = sqrt(u * (1 - u) / n), edge = 0.5 / n;
        double lo = u - d < edge ? edge : u - d, hi = u + d > 1 - edge ? 1 - edge : u + d;
        double want =
            (mc_sketch_quantile_interp(sk, 100 * hi) - mc_sketch_quantile_interp(sk, 100 * lo)) *
            d / (hi - lo);
        assert_true(b[i] == want);
      }
    }
    mc_stats_free(st);
    drop(job);
  }
  double mean = 0, ss = 0;
  for (int r = 0; r < R; r++)
    mean += med[r] / R;
  for (int r = 0; r < R; r++)
    ss += (med[r] - mean) * (med[r] - mean);
  double sd = sqrt(ss / (R - 1)), ratio = se / sd;
  fprintf(stderr, "median of total_energy 2035: reported s.e. %.4g, spread over %d seeds %.4g\n",
          se, R, sd);
  double lo = sqrt((R - 1) / gsl_cdf_chisq_Pinv(0.999, R - 1)) / 1.1,
         hi = sqrt((R - 1) / gsl_cdf_chisq_Pinv(0.001, R - 1)) * 1.1;
  fprintf(stderr, "ratio %.3f, allowed [%.3f, %.3f]\n", ratio, lo, hi);
  assert_true(ratio > lo && ratio < hi);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_analytic_indices),
      cmocka_unit_test(test_parts_merge),
      cmocka_unit_test(test_stop_when),
      cmocka_unit_test(test_percentile_se),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  MPI_Finalize();
  return rc;
}
