/* A mergeable quantile sketch with a relative-error guarantee.
 *
 * Buckets are DDSketch-style (Masson, Rim & Lee, "DDSketch: a fast and fully-
 * mergeable quantile sketch with relative-error guarantees", VLDB 2019) with
 * the log-linear index mapping of that paper's section 4 (the one HdrHistogram
 * also uses): a positive double's bucket is its IEEE-754 bit pattern shifted
 * right by (52 - m), i.e. its binary exponent and the top m mantissa bits. Every
 * bucket [L, U) then has U/L <= 1 + 2^-m, and reporting the harmonic midpoint
 * 2LU/(L+U) is within (U-L)/(U+L) < 2^-(m+1) of any value in the bucket.
 * mc_sketch_mbits picks the smallest m with 2^-(m+1) <= a.
 *
 * Negative values use a mirrored store, exact zeros a zero bucket, and
 * non-finite values are counted apart and never enter a quantile. Counts are
 * integers, so merging is exact and order-independent. Memory is one counter per
 * occupied index range, bounded by the values' dynamic range, never by n. */
#ifndef MC_SKETCH_H
#define MC_SKETCH_H

#include <stddef.h>
#include <stdint.h>

#include "mc_error.h"

/* A dense run of counters: bucket index lo + i holds counts[i] + hot[i]
 * values. The adding loop increments the 16-bit hot[i], so that the counters
 * it touches at random take a quarter of the cache of 64-bit ones, and it
 * tests nothing per value: before a chunk would take the values held in hot[]
 * past 65535 (pending counts them), hot[] is folded into counts[] over the
 * range of counters touched since the last fold. counts[]
 * alone is written by merges and the general path. Read a count with
 * mc_store_get. */
typedef struct mc_store {
  int64_t lo;
  int64_t len; /* used length; 0 when empty */
  int64_t cap;
  uint64_t *counts;
  uint16_t *hot;    /* cap counters, allocated with counts */
  uint32_t pending; /* values added to hot[] since it was last folded */
  int64_t hot_lo;   /* hot[i] is 0 outside [hot_lo, hot_hi] (empty: hot_hi < hot_lo) */
  int64_t hot_hi;
} mc_store;

/* Bytes a store spends per counter while it counts: a 64-bit count and a
 * 16-bit hot counter. */
#define MC_SKETCH_BYTES_PER_COUNTER (sizeof(uint64_t) + sizeof(uint16_t))

/* The count of bucket index st->lo + i (0 <= i < st->len). */
static inline uint64_t mc_store_get(const mc_store *st, int64_t i) {
  return st->counts[i] + st->hot[i];
}

/* Folds the 16-bit counters into counts (the totals do not change). */
void mc_store_flush(mc_store *st);

typedef struct mc_sketch {
  int mbits;
  mc_store pos, neg;  /* neg indexes |x| */
  uint64_t zero;      /* exact zeros (either sign) */
  uint64_t nonfinite; /* NaN and +-inf: counted, never in a quantile */
} mc_sketch;

/* Smallest m with 2^-(m+1) <= rel_acc (rel_acc in (0, 0.1)). */
int mc_sketch_mbits(double rel_acc);

/* An empty sketch with m mantissa bits; owns no memory until values arrive. */
void mc_sketch_init(mc_sketch *s, int mbits);

/* Bytes of counters that this process's sketches hold now. */
size_t mc_sketch_memory(void);

/* Frees the counters; s is empty afterwards. */
void mc_sketch_free(mc_sketch *s);

/* Adds n values. May grow the stores: MC_EFAIL on out of memory. */
int mc_sketch_add(mc_sketch *s, const double *x, int64_t n, mc_err *e);

/* Adds src's counts into dst (same mbits, else MC_EINPUT). */
int mc_sketch_merge(mc_sketch *dst, const mc_sketch *src, mc_err *e);

/* Number of finite values counted. */
uint64_t mc_sketch_count(const mc_sketch *s);

/* The percentile p (percent, in (0, 100]) of the finite values: the value
 * reported for order statistic k = max(1, ceil(p n / 100)); within relative
 * accuracy 2^-(m+1) of it, and exactly 0 when it is 0. NaN when empty. */
double mc_sketch_quantile(const mc_sketch *s, double p);

/* The percentile p (percent, in (0, 100)) read with the CDF interpolated
 * linearly inside each bucket: the value at continuous rank p n / 100 when
 * the bucket's values are spread evenly over [L, U). Varies continuously
 * with the counts (no steps of a bucket's width), for standard errors from
 * order statistics (mc_stats_series_percentile_se). NaN when empty. */
double mc_sketch_quantile_interp(const mc_sketch *s, double p);

/* mc_sketch_quantile (interp 0) or mc_sketch_quantile_interp (interp 1) at
 * each of the np percents p[], into out[], in one pass over the counters: the
 * same values as np single calls (up to 256 requests). */
void mc_sketch_quantiles(const mc_sketch *s, int np, const double *p, double *out, int interp);

/* The same, given n = mc_sketch_count(s) (a caller reading s more than once
 * counts it once). */
void mc_sketch_quantiles_n(const mc_sketch *s, uint64_t n, int np, const double *p, double *out,
                           int interp);

/* The index of a value's bucket in its store (|x| for negatives). */
int64_t mc_sketch_index(const mc_sketch *s, double absx);

/* The value reported for a bucket index (positive side). */
double mc_sketch_bucket_value(const mc_sketch *s, int64_t index);

/* Makes the store cover [lo, hi] (inclusive), keeping its counts. */
int mc_store_cover(mc_store *st, int64_t lo, int64_t hi, mc_err *e);

#endif
