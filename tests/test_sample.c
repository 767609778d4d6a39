/* The sampler's fast paths (normal-score table, truncated normal and
 * lognormal, inverse-CDF tables) agree with the exact inverse CDF of
 * distributions/ on the same uniforms. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <Random123/philox.h>
#include <gsl/gsl_cdf.h>
#include <cmocka.h>

#include "mc_demand.h"
#include "mc_engine.h"
#include "mc_sample.h"

static void make(mc_spec *s, int p, const char *type, int n, const char *const *k,
                 const double *v) {
  mc_dist_args a = {.n = n, .nvalues = -1, .nweights = -1};
  for (int i = 0; i < n; i++) {
    a.key[i] = k[i];
    a.val[i] = v[i];
  }
  int bad;
  mc_err e = {0};
  assert_int_equal(mc_dist_make(type, &a, &s->dist[p], &bad, &e), MC_OK);
  s->configured[p] = 1;
}

static void test_fast_paths_match_exact(void **state) {
  (void)state;
  mc_spec s;
  mc_spec_defaults(&s, &mc_model_demand);
  s.seed = 99;
  make(&s, MC_P_T0, "lognormal", 2, (const char *[]){"median", "gsd"}, (double[]){6e28, 1.8});
  make(&s, MC_P_GT, "normal", 4, (const char *[]){"mean", "sd", "min", "max"},
       (double[]){2.5, 0.5, 1.2, 4});
  make(&s, MC_P_I0, "lognormal", 3, (const char *[]){"median", "gsd", "max"},
       (double[]){1.5e28, 2, 3e28});
  make(&s, MC_P_GI, "normal", 2, (const char *[]){"mean", "sd"}, (double[]){4, 0.3});
  make(&s, MC_P_E0, "gamma", 2, (const char *[]){"shape", "scale"}, (double[]){3, 2.5e11});
  make(&s, MC_P_GE, "beta", 4, (const char *[]){"alpha", "beta", "min", "max"},
       (double[]){2, 5, 1.1, 1.5});
  make(&s, MC_P_P0, "pert", 3, (const char *[]){"min", "mode", "max"}, (double[]){1.06, 1.2, 1.56});
  make(&s, MC_P_UT, "uniform", 2, (const char *[]){"min", "max"}, (double[]){0.2, 0.6});
  make(&s, MC_P_UI, "lognormal", 4, (const char *[]){"median", "gsd", "min", "max"},
       (double[]){0.13, 1.8, 0.02, 1});
  mc_spec_resolve_defaults(&s);
  mc_sampler smp;
  mc_err e = {0};
  assert_int_equal(mc_sampler_init(&smp, &s, &e), MC_OK);
  enum { N = 4096 };
  static double buf[MC_NPARAM][N], u[N];
  double *out[MC_NPARAM];
  for (int p = 0; p < MC_NPARAM; p++)
    out[p] = buf[p];
  uint64_t first = 123456789;
  mc_sampler_block(&smp, first, N, out);
  int kinds_seen[16] = {0};
  for (int p = 0; p < MC_NPARAM; p++) {
    if (!s.configured[p])
      continue;
    kinds_seen[smp.kind[p]] = 1;
    mc_rng_uniforms(s.seed, smp.stream[p], first, N, u);
    double lo = mc_dist_quantile(&s.dist[p], 0.001), hi = mc_dist_quantile(&s.dist[p], 0.999);
    double scale = fabs(hi - lo) + fabs(mc_dist_quantile(&s.dist[p], 0.5));
    for (int i = 0; i < N; i++) {
      double exact = mc_dist_quantile(&s.dist[p], u[i]);
      if (!(fabs(out[p][i] - exact) <= 1e-8 * scale + 1e-12 * fabs(exact)))
        fail_msg("%s: sample %d: sampler %.17g, inverse CDF %.17g (u = %.17g, kind %d)",
                 mc_demand_params[p].key, i, out[p][i], exact, u[i], smp.kind[p]);
    }
  }
  /* every fast path was exercised */
  assert_true(kinds_seen[MC_SK_NORMAL] && kinds_seen[MC_SK_LOGNORMAL] &&
              kinds_seen[MC_SK_TNORMAL] && kinds_seen[MC_SK_TLOGNORMAL] && kinds_seen[MC_SK_TABLE]);
  mc_sampler_free(&smp);
}

/* The vectorized Philox4x64 gives Random123's philox4x64 bits: every word of
 * every counter, for blocks that start and end inside a counter, under many
 * keys, on every instruction set this CPU has (the portable C lanes, AVX2,
 * AVX-512). */
static void test_uniforms_are_philox(void **state) {
  (void)state;
  static double u[3000];
  print_message("Philox lanes checked: levels 0 .. %d (0 C, 1 AVX2, 2 AVX-512)\n",
                mc_rng_isa_max());
  uint64_t seeds[] = {0, 1, 2030, UINT64_C(0xffffffffffffffff)};
  uint64_t firsts[] = {0, 1, 3, 1024, 4095, UINT64_C(1) << 40, UINT64_C(0xfffffffffffff000)};
  int ns[] = {1, 3, 4, 5, 255, 256, 1000, 3000};
  for (int isa = 0; isa <= mc_rng_isa_max(); isa++)
    for (int a = 0; a < 4; a++)
      for (int b = 0; b < 7; b++)
        for (int c = 0; c < 8; c++) {
          uint64_t seed = seeds[a], stream = mc_rng_stream(a % 2 ? "training.growth" : "x") + b;
          mc_rng_uniforms_isa(isa, seed, stream, firsts[b], ns[c], u);
          for (int i = 0; i < ns[c]; i++) {
            uint64_t idx = firsts[b] + (uint64_t)i;
            philox4x64_key_t k = {{seed, stream}};
            philox4x64_ctr_t ctr = {{idx >> 2, 0, 0, 0}};
            philox4x64_ctr_t r = philox4x64(ctr, k);
            double want = ((double)(r.v[idx & 3] >> 12) + 0.5) * 0x1.0p-52;
            assert_memory_equal(&u[i], &want, sizeof want);
          }
        }
}

/* mc_sample_phi gives gsl_cdf_ugaussian_P's and _Q's bits: on every range
 * of their approximations and its edges, signed zeros, the tails, inf and
 * NaN, and on a million scores spread over (-9, 9) in runs of every length. */
static void test_phi_is_gsl(void **state) {
  (void)state;
  enum { N = 1 << 20 };
  double *z = malloc(sizeof(double) * N), *u = malloc(sizeof(double) * N);
  assert_non_null(z);
  assert_non_null(u);
  const double edge[] = {0.0, 0x1.0p-53, 0x1.0p-54, 0x1.0p-52, 1e-300, 0.66291,
                         nextafter(0.66291, 0), nextafter(0.66291, 1), 4.0 * M_SQRT2,
                         nextafter(4.0 * M_SQRT2, 0), nextafter(4.0 * M_SQRT2, 10), 8.572,
                         8.6, 37.519, 37.6, 1e300, INFINITY, NAN, 0.0625, 0.5, 1.0, 2.0};
  int ne = (int)(sizeof edge / sizeof edge[0]), n = 0;
  for (int i = 0; i < ne; i++) {
    z[n++] = edge[i];
    z[n++] = -edge[i];
  }
  uint64_t x = 88172645463325252ULL;
  while (n < N) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    z[n++] = ((double)(x >> 11) * 0x1.0p-53 - 0.5) * 18.0;
  }
  for (int at = 0, len = 1; at < N; at += len, len = len % 700 + 1)
    mc_sample_phi(z + at, u + at, at + len <= N ? len : N - at);
  for (int i = 0; i < N; i++) {
    double want = z[i] < 0 ? gsl_cdf_ugaussian_P(z[i]) : 1.0 - gsl_cdf_ugaussian_Q(z[i]);
    if (memcmp(&u[i], &want, sizeof want) != 0)
      fail_msg("Phi(%.17g): %.17g, GSL %.17g", z[i], u[i], want);
  }
  free(z);
  free(u);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_fast_paths_match_exact),
                                     cmocka_unit_test(test_uniforms_are_philox),
                                     cmocka_unit_test(test_phi_is_gsl)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
