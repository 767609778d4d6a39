/* The quantile sketch (engine/mc_sketch.h): every reported percentile within
 * the relative guarantee of the exact order statistic, exact merging, zeros,
 * non-finite values and memory bounded by the dynamic range. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <float.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_sketch.h"

static const double PCTS[] = {1e-9, 0.1,  1,  2.5, 5,  10, 25,   33.3,
                              50,   66.7, 75, 90,  95, 99, 99.9, 100};
#define NPCTS (sizeof PCTS / sizeof PCTS[0])
static const double ACCS[] = {0.001, 0.01, 0.05};
#define NACCS (sizeof ACCS / sizeof ACCS[0])

enum { DIST_LOGNORMAL, DIST_UNIFORM, DIST_MIXED, NDIST };

static double *draw(int dist, int64_t n, unsigned long seed) {
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  double *x = malloc((size_t)n * sizeof *x);
  for (int64_t i = 0; i < n; i++) {
    switch (dist) {
    case DIST_LOGNORMAL:
      x[i] = gsl_ran_lognormal(r, 3.0, 2.5);
      break;
    case DIST_UNIFORM:
      x[i] = gsl_rng_uniform(r);
      break;
    default: {
      /* Both signs over many binades, with exact zeros. */
      double u = gsl_rng_uniform(r);
      if (u < 0.05)
        x[i] = u < 0.025 ? 0.0 : -0.0;
      else
        x[i] = (u < 0.45 ? -1.0 : 1.0) * gsl_ran_lognormal(r, 0.0, 4.0);
    }
    }
  }
  gsl_rng_free(r);
  return x;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static uint64_t order_k(double p, uint64_t n) {
  double kd = ceil(p * (double)n / 100.0);
  return kd < 1.0 ? 1 : kd >= (double)n ? n : (uint64_t)kd;
}

/* Adds x in blocks of 1024, as the engine does. */
static void add_blocks(mc_sketch *s, const double *x, int64_t n) {
  mc_err e = {0};
  for (int64_t i = 0; i < n; i += 1024)
    assert_int_equal(mc_sketch_add(s, x + i, n - i < 1024 ? n - i : 1024, &e), MC_OK);
}

static uint64_t store_at(const mc_store *st, int64_t idx) {
  return idx >= st->lo && idx < st->lo + st->len ? mc_store_get(st, idx - st->lo) : 0;
}

/* Same counts in every bucket (the stores' layouts may differ). */
static void assert_same_counts(const mc_sketch *a, const mc_sketch *b) {
  assert_int_equal(a->mbits, b->mbits);
  assert_int_equal(a->zero, b->zero);
  assert_int_equal(a->nonfinite, b->nonfinite);
  const mc_store *sa[2] = {&a->pos, &a->neg}, *sb[2] = {&b->pos, &b->neg};
  for (int k = 0; k < 2; k++) {
    int64_t lo = sa[k]->lo < sb[k]->lo ? sa[k]->lo : sb[k]->lo;
    int64_t ha = sa[k]->lo + sa[k]->len, hb = sb[k]->lo + sb[k]->len;
    for (int64_t i = lo; i < (ha > hb ? ha : hb); i++)
      assert_int_equal(store_at(sa[k], i), store_at(sb[k], i));
  }
}

static void test_mbits(void **state) {
  (void)state;
  assert_int_equal(mc_sketch_mbits(0.001), 9);
  assert_int_equal(mc_sketch_mbits(0.01), 6);
  assert_int_equal(mc_sketch_mbits(0.05), 4);
  assert_int_equal(mc_sketch_mbits(ldexp(1.0, -10)), 9);
  assert_int_equal(mc_sketch_mbits(nextafter(ldexp(1.0, -10), 0.0)), 10);
  for (int i = 0; i < 200; i++) {
    double a = 0.1 * pow(10.0, -i / 40.0);
    int m = mc_sketch_mbits(a);
    assert_true(ldexp(1.0, -(m + 1)) <= a);
    assert_true(m == 0 || ldexp(1.0, -m) > a);
  }
}

/* Every normal magnitude, including both ends of a binade and the largest
 * double, is within 2^-(m+1) of its bucket's reported value. */
static void test_bucket_values(void **state) {
  (void)state;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 7);
  for (int m = 0; m <= 24; m++) {
    mc_sketch s;
    mc_sketch_init(&s, m);
    double bound = ldexp(1.0, -(m + 1));
    double edge[] = {DBL_MIN, DBL_MAX,
                     1.0,     nextafter(1.0, 0.0),
                     2.0,     nextafter(2.0, 0.0),
                     0.75,    nextafter(0.75, 0.0),
                     3.0,     1e-300,
                     1e300};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
      double x = edge[i], v = mc_sketch_bucket_value(&s, mc_sketch_index(&s, x));
      assert_true(isfinite(v));
      assert_true(fabs(v - x) <= bound * x);
    }
    for (int i = 0; i < 20000; i++) {
      /* A random normal double: uniform exponent field, random mantissa. */
      uint64_t b = ((uint64_t)(1 + gsl_rng_uniform_int(r, 2046)) << 52) |
                   (((uint64_t)gsl_rng_get(r) << 32 | gsl_rng_get(r)) & UINT64_C(0xfffffffffffff));
      double x;
      memcpy(&x, &b, sizeof x);
      int64_t idx = mc_sketch_index(&s, x);
      assert_int_equal(idx, mc_sketch_index(&s, -x));
      double v = mc_sketch_bucket_value(&s, idx);
      assert_true(fabs(v - x) <= bound * x);
      assert_int_equal(mc_sketch_index(&s, v), idx); /* the value lies in its own bucket */
    }
  }
  gsl_rng_free(r);
}

static void check_accuracy(int dist, int64_t n) {
  double *x = draw(dist, n, 1000 + dist), *sorted = malloc((size_t)n * sizeof *sorted);
  memcpy(sorted, x, (size_t)n * sizeof *x);
  qsort(sorted, (size_t)n, sizeof *sorted, cmp_double);
  for (size_t a = 0; a < NACCS; a++) {
    mc_sketch s;
    mc_sketch_init(&s, mc_sketch_mbits(ACCS[a]));
    double bound = ldexp(1.0, -(s.mbits + 1));
    assert_true(bound <= ACCS[a]);
    add_blocks(&s, x, n);
    assert_int_equal(mc_sketch_count(&s), (uint64_t)n);
    for (size_t q = 0; q < NPCTS; q++) {
      double xk = sorted[order_k(PCTS[q], (uint64_t)n) - 1];
      double v = mc_sketch_quantile(&s, PCTS[q]);
      if (fabs(v - xk) > bound * fabs(xk))
        fail_msg("dist %d n %lld a %g p %g: sketch %.17g, x(k) %.17g", dist, (long long)n, ACCS[a],
                 PCTS[q], v, xk);
      if (xk == 0.0)
        assert_true(v == 0.0);
      /* Exactly the bucket of x(k) is reported. */
      if (xk != 0.0)
        assert_true(v == copysign(mc_sketch_bucket_value(&s, mc_sketch_index(&s, xk)), xk));
    }
    mc_sketch_free(&s);
  }
  free(sorted);
  free(x);
}

static void test_accuracy_lognormal(void **state) {
  (void)state;
  check_accuracy(DIST_LOGNORMAL, 100000);
  check_accuracy(DIST_LOGNORMAL, 1237);
}

static void test_accuracy_uniform(void **state) {
  (void)state;
  check_accuracy(DIST_UNIFORM, 100000);
  check_accuracy(DIST_UNIFORM, 999);
}

static void test_accuracy_mixed(void **state) {
  (void)state;
  check_accuracy(DIST_MIXED, 100000);
  check_accuracy(DIST_MIXED, 77);
}

/* Split in parts, sketched apart and merged in any order: the same counts and
 * the same quantiles, bit for bit, as one sketch of everything. */
static void test_merge(void **state) {
  (void)state;
  const int64_t n = 60000;
  for (int dist = 0; dist < NDIST; dist++) {
    double *x = draw(dist, n, 2000 + dist);
    x[17] = NAN;
    x[4000] = -INFINITY;
    mc_sketch whole, part[3];
    int m = mc_sketch_mbits(0.001);
    mc_sketch_init(&whole, m);
    add_blocks(&whole, x, n);
    /* Unequal parts, none aligned to a block. */
    const int64_t cut[4] = {0, 11111, 40001, n};
    for (int k = 0; k < 3; k++) {
      mc_sketch_init(&part[k], m);
      add_blocks(&part[k], x + cut[k], cut[k + 1] - cut[k]);
    }
    static const int orders[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
                                     {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (int o = 0; o < 6; o++) {
      mc_sketch acc;
      mc_err e = {0};
      mc_sketch_init(&acc, m);
      for (int k = 0; k < 3; k++)
        assert_int_equal(mc_sketch_merge(&acc, &part[orders[o][k]], &e), MC_OK);
      assert_same_counts(&acc, &whole);
      assert_int_equal(mc_sketch_count(&acc), mc_sketch_count(&whole));
      for (size_t q = 0; q < NPCTS; q++) {
        double a = mc_sketch_quantile(&acc, PCTS[q]), b = mc_sketch_quantile(&whole, PCTS[q]);
        assert_memory_equal(&a, &b, sizeof a);
      }
      mc_sketch_free(&acc);
    }
    /* Merging into a non-empty sketch: (p1 + p0) + p2. */
    mc_err e = {0};
    assert_int_equal(mc_sketch_merge(&part[1], &part[0], &e), MC_OK);
    assert_int_equal(mc_sketch_merge(&part[1], &part[2], &e), MC_OK);
    assert_same_counts(&part[1], &whole);
    for (int k = 0; k < 3; k++)
      mc_sketch_free(&part[k]);
    mc_sketch_free(&whole);
    free(x);
  }
}

static void test_merge_mismatch(void **state) {
  (void)state;
  mc_sketch a, b;
  mc_err e = {0};
  mc_sketch_init(&a, 9);
  mc_sketch_init(&b, 6);
  assert_int_equal(mc_sketch_merge(&a, &b, &e), MC_EINPUT);
  assert_true(strlen(e.msg) > 0);
}

static void test_zeros(void **state) {
  (void)state;
  mc_sketch s;
  mc_err e = {0};
  mc_sketch_init(&s, 9);
  double x[] = {0.0, -0.0, 0.0, 3.0, -2.0, 0.0};
  assert_int_equal(mc_sketch_add(&s, x, 6, &e), MC_OK);
  assert_int_equal(s.zero, 4);
  /* Sorted: -2, 0, 0, 0, 0, 3. */
  for (double p = 17.0; p <= 83.0; p += 1.0) {
    double v = mc_sketch_quantile(&s, p);
    assert_true(v == 0.0 && !signbit(v));
  }
  assert_true(fabs(mc_sketch_quantile(&s, 10) + 2.0) <= 2.0 / 1024);
  assert_true(fabs(mc_sketch_quantile(&s, 90) - 3.0) <= 3.0 / 1024);
  mc_sketch_free(&s);

  mc_sketch_init(&s, 9);
  double z[1000] = {0};
  assert_int_equal(mc_sketch_add(&s, z, 1000, &e), MC_OK);
  for (size_t q = 0; q < NPCTS; q++)
    assert_true(mc_sketch_quantile(&s, PCTS[q]) == 0.0);
  mc_sketch_free(&s);
}

static void test_nonfinite(void **state) {
  (void)state;
  mc_sketch s, f;
  mc_err e = {0};
  mc_sketch_init(&s, 9);
  mc_sketch_init(&f, 9);
  assert_true(isnan(mc_sketch_quantile(&s, 50)));
  assert_int_equal(mc_sketch_count(&s), 0);
  double x[] = {1.0, NAN, 2.0, INFINITY, -INFINITY, 3.0, -NAN, 4.0};
  double fin[] = {1.0, 2.0, 3.0, 4.0};
  assert_int_equal(mc_sketch_add(&s, x, 8, &e), MC_OK);
  assert_int_equal(mc_sketch_add(&f, fin, 4, &e), MC_OK);
  assert_int_equal(s.nonfinite, 4);
  assert_int_equal(mc_sketch_count(&s), 4);
  for (size_t q = 0; q < NPCTS; q++)
    assert_true(mc_sketch_quantile(&s, PCTS[q]) == mc_sketch_quantile(&f, PCTS[q]));
  assert_true(fabs(mc_sketch_quantile(&s, 100) - 4.0) <= 4.0 / 1024);
  assert_true(fabs(mc_sketch_quantile(&s, 25) - 1.0) <= 1.0 / 1024);
  assert_true(fabs(mc_sketch_quantile(&s, 25.1) - 2.0) <= 2.0 / 1024);
  mc_sketch_free(&s);
  mc_sketch_free(&f);
  /* Only non-finite values: no quantile. */
  mc_sketch_init(&s, 9);
  double nf[] = {NAN, INFINITY};
  assert_int_equal(mc_sketch_add(&s, nf, 2, &e), MC_OK);
  assert_int_equal(mc_sketch_count(&s), 0);
  assert_true(isnan(mc_sketch_quantile(&s, 50)));
  mc_sketch_free(&s);
}

/* The store grows with the values' dynamic range, never with n: 10^4 and
 * 2 * 10^6 values of one distribution need stores of similar length, bounded
 * by 2^m buckets per binade (twice that for the downward growth margin). */
static void test_memory_bounded(void **state) {
  (void)state;
  const int64_t big = 2000000;
  double *x = malloc((size_t)big * sizeof *x);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 3000);
  for (int64_t i = 0; i < big; i++)
    x[i] = gsl_ran_lognormal(r, 0.0, 1.0);
  gsl_rng_free(r);
  mc_sketch s;
  mc_sketch_init(&s, mc_sketch_mbits(0.001));
  int64_t len_small = 0;
  double lo = INFINITY, hi = 0;
  for (int64_t i = 0; i < big; i += 1024) {
    int64_t m = big - i < 1024 ? big - i : 1024;
    for (int64_t j = 0; j < m; j++) {
      lo = fmin(lo, x[i + j]);
      hi = fmax(hi, x[i + j]);
    }
    mc_err e = {0};
    assert_int_equal(mc_sketch_add(&s, x + i, m, &e), MC_OK);
    if (i + m >= 10000 && len_small == 0)
      len_small = s.pos.len;
    double binades = log2(hi / lo) + 2;
    assert_true(s.pos.len <= 2 * (int64_t)(binades * ldexp(1.0, s.mbits)));
    assert_true(s.pos.cap <= 2 * s.pos.len + 64);
  }
  assert_true(s.pos.len < big / 100);
  assert_true(s.pos.len < 4 * len_small);
  assert_int_equal(s.neg.len, 0);
  mc_sketch_free(&s);
  free(x);
}

/* mc_store_cover keeps the counts while growing either way. */
static void test_store_cover(void **state) {
  (void)state;
  mc_store st = {0};
  mc_err e = {0};
  assert_int_equal(mc_store_cover(&st, 100, 104, &e), MC_OK);
  for (int i = 0; i < 5; i++)
    st.counts[i] = (uint64_t)(100 + i);
  assert_int_equal(mc_store_cover(&st, 102, 103, &e), MC_OK);
  assert_int_equal(st.lo, 100);
  assert_int_equal(st.len, 5);
  assert_int_equal(mc_store_cover(&st, 90, 300, &e), MC_OK);
  assert_true(st.lo <= 90 && st.lo + st.len - 1 >= 300);
  for (int64_t i = st.lo; i < st.lo + st.len; i++)
    assert_int_equal(st.counts[i - st.lo], i >= 100 && i < 105 ? (uint64_t)i : 0);
  /* Many one-step downward growths stay cheap and keep the counts. */
  for (int64_t lo = 89; lo >= 0; lo--)
    assert_int_equal(mc_store_cover(&st, lo, lo, &e), MC_OK);
  assert_int_equal(st.lo, 0);
  for (int64_t i = 0; i < st.len; i++)
    assert_int_equal(st.counts[i], i >= 100 && i < 105 ? (uint64_t)i : 0);
  free(st.counts);
  free(st.hot);
}

/* The 16-bit counters are folded into counts before they could wrap: a
 * bucket hit 70000 times (in blocks, through the fast and the general adding
 * paths, and across growths of the store) counts 70000, before and after
 * mc_store_flush, and merges exactly. */
static void test_hot_counters_carry(void **state) {
  (void)state;
  mc_err e = {0};
  mc_sketch a, b, m;
  mc_sketch_init(&a, 9);
  mc_sketch_init(&b, 4);
  mc_sketch_init(&m, 9);
  double x[1000];
  for (int i = 0; i < 1000; i++)
    x[i] = i % 10 ? 3.0 : 7.0 + i; /* 900 threes per block, 100 others */
  for (int r = 0; r < 70; r++) {
    if (r % 2)
      assert_int_equal(mc_sketch_add(&a, x, 1000, &e), MC_OK);
    else
      assert_int_equal(mc_sketch_add(&a, x, 1000, &e) || mc_sketch_add(&b, x, 1000, &e), MC_OK);
    if (r == 35) { /* a value far below grows the stores downwards */
      double lo = 1e-3;
      assert_int_equal(mc_sketch_add(&a, &lo, 1, &e) || mc_sketch_add(&b, &lo, 1, &e), MC_OK);
    }
  }
  int64_t k = mc_sketch_index(&a, 3.0) - a.pos.lo;
  assert_int_equal(mc_store_get(&a.pos, k), 63000);
  assert_int_equal(mc_sketch_count(&a), 70001);
  assert_int_equal(mc_sketch_count(&b), 35001);
  assert_true(fabs(mc_sketch_quantile(&a, 50) - 3.0) <= 3.0 * 0.001);
  assert_int_equal(mc_sketch_merge(&m, &a, &e), MC_OK);
  assert_int_equal(mc_sketch_merge(&m, &a, &e), MC_OK);
  assert_int_equal(mc_sketch_count(&m), 140002);
  mc_store_flush(&a.pos);
  assert_int_equal(a.pos.counts[k], 63000);
  assert_int_equal(a.pos.hot[k], 0);
  assert_int_equal(mc_sketch_count(&a), 70001);
  mc_sketch_free(&a);
  mc_sketch_free(&b);
  mc_sketch_free(&m);
}

/* Several quantiles in one pass give the single calls' values exactly, with
 * negatives, zeros, unsorted and invalid percents. */
static void test_quantiles_batched(void **state) {
  (void)state;
  mc_err e = {0};
  mc_sketch s;
  mc_sketch_init(&s, 7);
  double x[5000];
  for (int i = 0; i < 5000; i++)
    x[i] = i % 13 == 0 ? 0.0 : (i % 3 ? 1.0 : -1.0) * exp(sin(i * 0.37) * 6);
  assert_int_equal(mc_sketch_add(&s, x, 5000, &e), MC_OK);
  double p[] = {50, 1, 99, 0.001, 100, 0, -3, 25, 25, 75, 99.999, 12.5, NAN, 150};
  int np = (int)(sizeof p / sizeof p[0]);
  double out[32];
  for (int interp = 0; interp < 2; interp++) {
    mc_sketch_quantiles(&s, np, p, out, interp);
    for (int i = 0; i < np; i++) {
      double want = interp ? mc_sketch_quantile_interp(&s, p[i]) : mc_sketch_quantile(&s, p[i]);
      assert_true(isnan(want) ? isnan(out[i]) : out[i] == want);
    }
  }
  mc_sketch_free(&s);
}

/* Counts of x[0 .. n-1] by brute force, for test_fast_path_mixed_chunks:
 * zeros, non-finite values, and each finite nonzero value's bucket index
 * (mc_sketch_index of |x|) on its side, in arrays from each side's least index. */
typedef struct brute {
  uint64_t zero, nonfinite;
  int64_t lo[2], n[2];
  uint64_t *c[2];
} brute;

static void brute_count(const double *x, int n, const mc_sketch *s, brute *b) {
  memset(b, 0, sizeof *b);
  int64_t hi[2] = {-1, -1};
  b->lo[0] = b->lo[1] = INT64_MAX;
  for (int pass = 0; pass < 2; pass++) {
    for (int j = 0; pass == 1 && j < 2; j++) {
      b->n[j] = hi[j] >= b->lo[j] ? hi[j] - b->lo[j] + 1 : 0;
      b->c[j] = calloc((size_t)b->n[j] + 1, sizeof(uint64_t));
    }
    for (int i = 0; i < n; i++) {
      if (x[i] == 0) {
        b->zero += pass;
      } else if (!isfinite(x[i])) {
        b->nonfinite += pass;
      } else {
        int j = x[i] < 0;
        int64_t k = mc_sketch_index(s, fabs(x[i]));
        if (pass == 1) {
          b->c[j][k - b->lo[j]]++;
        } else {
          b->lo[j] = k < b->lo[j] ? k : b->lo[j];
          hi[j] = k > hi[j] ? k : hi[j];
        }
      }
    }
  }
}

/* The fast path takes a chunk only when every value is positive, finite and
 * inside the store (offsets in 32-bit lanes where the indices fit, mbits <= 20,
 * else in 64-bit ones): once a store holds a range, chunks that mix values in
 * it with zeros of either sign, negatives, NaN, infinities and values just
 * below or above it must count every value, as a count by brute force does. */
static void test_fast_path_mixed_chunks(void **state) {
  (void)state;
  const struct {
    int mbits;
    double lo, hi, below, above;
  } cases[] = {{4, 0.5, 4.0, 0.01, 100.0},
               {9, 0.5, 4.0, 0.01, 100.0},
               {20, 1.0, 1.01, 0.99, 1.03},
               {24, 1.0, 1.001, 0.9995, 1.002}};
  enum { N = 5000 };
  static double x[N];
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    mc_sketch s;
    mc_err e = {0};
    mc_sketch_init(&s, cases[c].mbits);
    uint64_t seed = 12345 + c;
    for (int i = 0; i < N; i++) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      double u = (double)(seed >> 11) * 0x1.0p-53;
      x[i] = cases[c].lo + u * (cases[c].hi - cases[c].lo);
    }
    /* the store first covers [lo, hi] */
    assert_int_equal(mc_sketch_add(&s, x, 1000, &e), MC_OK);
    /* then chunks, each with one kind of stray value somewhere: first the
     * values of the buckets just outside the store (before the others grow it) */
    int sh = 52 - s.mbits;
    uint64_t bb = (uint64_t)(s.pos.lo - 1) << sh, ba = (uint64_t)(s.pos.lo + s.pos.len) << sh;
    double just_below, just_above;
    memcpy(&just_below, &bb, sizeof bb);
    memcpy(&just_above, &ba, sizeof ba);
    const double stray[] = {just_above,  just_below,     0.0,           -0.0,
                            -1.5,        NAN,            INFINITY,      -INFINITY,
                            cases[c].lo, cases[c].below, cases[c].above};
    int ns = (int)(sizeof stray / sizeof stray[0]);
    for (int i = 1000, k = 0; i < N; i += 256, k++) {
      int m = N - i < 256 ? N - i : 256;
      x[i + (k * 37) % m] = stray[k % ns];
      assert_int_equal(mc_sketch_add(&s, x + i, m, &e), MC_OK);
    }
    brute b;
    brute_count(x, N, &s, &b);
    assert_int_equal(s.zero, b.zero);
    assert_int_equal(s.nonfinite, b.nonfinite);
    const mc_store *st[2] = {&s.pos, &s.neg};
    uint64_t total = 0;
    for (int j = 0; j < 2; j++) {
      for (int64_t i = 0; i < st[j]->len; i++)
        total += mc_store_get(st[j], i);
      for (int64_t k = 0; k < b.n[j]; k++) {
        int64_t at = b.lo[j] + k - st[j]->lo;
        uint64_t got = at >= 0 && at < st[j]->len ? mc_store_get(st[j], at) : 0;
        if (got != b.c[j][k])
          fail_msg("mbits %d, %s store, index %lld: %llu counted, %llu by brute force",
                   cases[c].mbits, j ? "negative" : "positive", (long long)(b.lo[j] + k),
                   (unsigned long long)got, (unsigned long long)b.c[j][k]);
      }
      free(b.c[j]);
    }
    assert_int_equal(total + s.zero + s.nonfinite, N); /* no count anywhere else */
    mc_sketch_free(&s);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mbits),
      cmocka_unit_test(test_bucket_values),
      cmocka_unit_test(test_accuracy_lognormal),
      cmocka_unit_test(test_accuracy_uniform),
      cmocka_unit_test(test_accuracy_mixed),
      cmocka_unit_test(test_merge),
      cmocka_unit_test(test_merge_mismatch),
      cmocka_unit_test(test_zeros),
      cmocka_unit_test(test_nonfinite),
      cmocka_unit_test(test_memory_bounded),
      cmocka_unit_test(test_store_cover),
      cmocka_unit_test(test_hot_counters_carry),
      cmocka_unit_test(test_quantiles_batched),
      cmocka_unit_test(test_fast_path_mixed_chunks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
