/* DDSketch with the log-linear mapping (Masson, Rim & Lee, VLDB 2019, section
 * 4): see mc_sketch.h for the contract.
 *
 * A value's bucket index is its IEEE-754 bit pattern (sign cleared) shifted
 * right by 52 - m. Indices increase with |x|, so each store is a dense array of
 * counters over [lo, lo + len). Subnormal magnitudes (below 2^-1022) share the
 * linear buckets of the subnormal range and do not carry the relative-error
 * guarantee; every normal magnitude does. */
#include "mc_sketch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mc_vmath.h" /* MC_CLONES */

#define ABS_MASK  UINT64_C(0x7fffffffffffffff)
#define EXP_MASK  UINT64_C(0x7ff0000000000000)
#define MANT_MASK UINT64_C(0x000fffffffffffff)
#define MAX_MBITS 52

static inline uint64_t dbits(double x) {
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  return b;
}

int mc_sketch_mbits(double rel_acc) {
  for (int m = 0; m < MAX_MBITS; m++)
    if (ldexp(1.0, -(m + 1)) <= rel_acc)
      return m;
  return MAX_MBITS;
}

void mc_sketch_init(mc_sketch *s, int mbits) {
  memset(s, 0, sizeof *s);
  s->mbits = mbits < 0 ? 0 : mbits > MAX_MBITS ? MAX_MBITS : mbits;
}

/* Bytes of counters held by every store of this process (the engine's memory
 * guard reads it). */
static size_t held_bytes;

size_t mc_sketch_memory(void) { return held_bytes; }

void mc_sketch_free(mc_sketch *s) {
  held_bytes -= (size_t)(s->pos.cap + s->neg.cap) * MC_SKETCH_BYTES_PER_COUNTER;
  free(s->pos.counts);
  free(s->neg.counts);
  free(s->pos.hot);
  free(s->neg.hot);
  mc_sketch_init(s, s->mbits);
}

/* Both arrays at capacity cap, keeping their contents. */
static int store_realloc(mc_store *st, int64_t cap, mc_err *e) {
  uint64_t *c = realloc(st->counts, (size_t)cap * sizeof *c);
  if (c)
    st->counts = c;
  uint16_t *h = c ? realloc(st->hot, (size_t)cap * sizeof *h) : NULL;
  if (h)
    st->hot = h;
  if (!c || !h)
    MC_RAISE(e, MC_EFAIL, "out of memory for a sketch of %lld buckets", (long long)cap);
  held_bytes += (size_t)(cap - st->cap) * MC_SKETCH_BYTES_PER_COUNTER;
  st->cap = cap;
  return MC_OK;
}

MC_CLONES static void fold_hot(uint64_t *restrict c, uint16_t *restrict h, int64_t len) {
  for (int64_t i = 0; i < len; i++) {
    c[i] += h[i];
    h[i] = 0;
  }
}

/* No value held in hot[] since the last fold. */
static void hot_clear(mc_store *st) {
  st->pending = 0;
  st->hot_lo = INT64_MAX;
  st->hot_hi = -1;
}

void mc_store_flush(mc_store *st) {
  int64_t a = st->hot_lo > 0 ? st->hot_lo : 0, b = st->hot_hi < st->len ? st->hot_hi : st->len - 1;
  if (b >= a)
    fold_hot(st->counts + a, st->hot + a, b - a + 1);
  hot_clear(st);
}

int mc_store_cover(mc_store *st, int64_t lo, int64_t hi, mc_err *e) {
  if (hi < lo)
    return MC_OK;
  if (st->len == 0) {
    int64_t need = hi - lo + 1;
    if (need > st->cap) {
      int rc = store_realloc(st, need < 64 ? 64 : need, e);
      if (rc != MC_OK)
        return rc;
    }
    memset(st->counts, 0, (size_t)need * sizeof *st->counts);
    memset(st->hot, 0, (size_t)need * sizeof *st->hot);
    hot_clear(st);
    st->lo = lo;
    st->len = need;
    return MC_OK;
  }
  int64_t old_hi = st->lo + st->len - 1;
  if (lo >= st->lo && hi <= old_hi)
    return MC_OK;
  mc_store_flush(st); /* the counters move: none is left in hot[] */
  /* Growing downwards moves the counters, so it reaches at least len further
   * down (not below index 0, the smallest there is): growth either way then
   * costs amortized O(1) per bucket covered. */
  int64_t new_lo = st->lo, new_hi = old_hi > hi ? old_hi : hi;
  if (lo < st->lo) {
    new_lo = st->lo - st->len;
    if (new_lo > lo)
      new_lo = lo;
    if (new_lo < 0)
      new_lo = lo < 0 ? lo : 0;
  }
  int64_t new_len = new_hi - new_lo + 1, shift = st->lo - new_lo;
  if (new_len > st->cap) {
    int rc = store_realloc(st, 2 * st->cap > new_len ? 2 * st->cap : new_len, e);
    if (rc != MC_OK)
      return rc;
  }
  if (shift > 0) {
    memmove(st->counts + shift, st->counts, (size_t)st->len * sizeof *st->counts);
    memset(st->counts, 0, (size_t)shift * sizeof *st->counts);
    memmove(st->hot + shift, st->hot, (size_t)st->len * sizeof *st->hot);
    memset(st->hot, 0, (size_t)shift * sizeof *st->hot);
  }
  memset(st->counts + shift + st->len, 0, (size_t)(new_len - shift - st->len) * sizeof *st->counts);
  memset(st->hot + shift + st->len, 0, (size_t)(new_len - shift - st->len) * sizeof *st->hot);
  st->lo = new_lo;
  st->len = new_len;
  return MC_OK;
}

/* Bounds [lo, hi) of a positive bucket, as mc_sketch_bucket_value. */
static void bucket_bounds(const mc_sketch *s, int64_t index, double *lo, double *hi) {
  int m = s->mbits, sh = 52 - m;
  uint64_t lb = (uint64_t)index << sh;
  int ef = (int)(lb >> 52);
  double step = ldexp(1.0, -m);
  double j = (double)((lb & MANT_MASK) >> sh);
  double a = ef == 0 ? j * step : 1.0 + j * step;
  int e = ef == 0 ? -1022 : ef - 1023;
  *lo = ldexp(a, e);
  *hi = ldexp(a + step, e);
}

double mc_sketch_quantile_interp(const mc_sketch *s, double p) {
  uint64_t n = mc_sketch_count(s);
  if (n == 0 || !(p > 0.0 && p < 100.0))
    return NAN;
  double r = p * (double)n / 100.0, seen = 0, lo, hi;
  for (int64_t i = s->neg.len - 1; i >= 0; i--) {
    double c = (double)mc_store_get(&s->neg, i);
    if (c > 0 && seen + c >= r) {
      bucket_bounds(s, s->neg.lo + i, &lo, &hi);
      return -(hi - (r - seen) / c * (hi - lo));
    }
    seen += c;
  }
  if (s->zero > 0 && seen + (double)s->zero >= r)
    return 0.0;
  seen += (double)s->zero;
  for (int64_t i = 0; i < s->pos.len; i++) {
    double c = (double)mc_store_get(&s->pos, i);
    if (c > 0 && seen + c >= r) {
      bucket_bounds(s, s->pos.lo + i, &lo, &hi);
      return lo + (r - seen) / c * (hi - lo);
    }
    seen += c;
  }
  return NAN; /* not reached: the counts sum to n */
}

int64_t mc_sketch_index(const mc_sketch *s, double absx) {
  return (int64_t)((dbits(absx) & ABS_MASK) >> (52 - s->mbits));
}

double mc_sketch_bucket_value(const mc_sketch *s, int64_t index) {
  int m = s->mbits, sh = 52 - m;
  uint64_t lb = (uint64_t)index << sh;
  int ef = (int)(lb >> 52);
  double step = ldexp(1.0, -m);
  double j = (double)((lb & MANT_MASK) >> sh);
  /* The bucket is [a, b) * 2^e with b = a + 2^-m exactly (b = 2 at the top of
   * a binade, which is the next binade's lower bound). */
  double a = ef == 0 ? j * step : 1.0 + j * step, b = a + step;
  int e = ef == 0 ? -1022 : ef - 1023;
  double h = a == 0.0 ? 0.5 * b : 2.0 * a * b / (a + b);
  return ldexp(h, e);
}

/* Two passes: the first finds the index range of each sign so each store grows
 * at most once, the second counts. The common case, all values positive and
 * finite, needs only the extreme bit patterns (the index is monotone in them)
 * and a branch-free counting loop. */
/* The general path: the values of x that the fast loop left. */
static int add_general(mc_sketch *s, const double *x, int64_t n, mc_err *e) {
  const int sh = 52 - s->mbits;
  int64_t pmin = INT64_MAX, pmax = -1, nmin = INT64_MAX, nmax = -1;
  for (int64_t i = 0; i < n; i++) {
    uint64_t b = dbits(x[i]), a = b & ABS_MASK;
    if (a - 1 >= EXP_MASK - 1)
      continue;
    int64_t id = (int64_t)(a >> sh);
    if (b >> 63) {
      nmin = id < nmin ? id : nmin;
      nmax = id > nmax ? id : nmax;
    } else {
      pmin = id < pmin ? id : pmin;
      pmax = id > pmax ? id : pmax;
    }
  }
  int rc = mc_store_cover(&s->pos, pmin, pmax, e);
  if (rc != MC_OK)
    return rc;
  rc = mc_store_cover(&s->neg, nmin, nmax, e);
  if (rc != MC_OK)
    return rc;
  uint64_t *restrict pc = s->pos.counts, *restrict nc = s->neg.counts;
  const int64_t plo = s->pos.lo, nlo = s->neg.lo;
  for (int64_t i = 0; i < n; i++) {
    uint64_t b = dbits(x[i]), a = b & ABS_MASK;
    if (a - 1 < EXP_MASK - 1) {
      if (b >> 63)
        nc[(int64_t)(a >> sh) - nlo]++;
      else
        pc[(int64_t)(a >> sh) - plo]++;
    } else if (a == 0) {
      s->zero++;
    } else {
      s->nonfinite++;
    }
  }
  return MC_OK;
}

/* The positive store's offsets of up to SKETCH_CHUNK values into k; 1 when
 * every value is positive, finite and inside the store's current range.
 * Branch-free, so it vectorizes; the counting loop after it is then a load
 * and an increment per value. */
#define SKETCH_CHUNK 256
MC_CLONES static int chunk_offsets(const double *restrict x, int n, int sh, uint64_t lo,
                                   uint64_t len, uint32_t *restrict k, uint64_t *kmin,
                                   uint64_t *kmax) {
  uint64_t bad = 0, mn = UINT64_MAX, mx = 0;
  for (int i = 0; i < n; i++) {
    uint64_t b = dbits(x[i]);
    uint64_t o = (b >> sh) - lo;
    bad |= (uint64_t)(b - 1 >= EXP_MASK - 1) | (uint64_t)(o >= len);
    mn = o < mn ? o : mn;
    mx = o > mx ? o : mx;
    k[i] = (uint32_t)o;
  }
  *kmin = mn;
  *kmax = mx;
  return bad == 0;
}

/* chunk_offsets for a store whose indices fit 32 bits (sh >= 32) and leave
 * out index 0 (that of zero), in 32-bit lanes, twice as many per vector. An
 * offset inside [0, len) then says alone that the value is positive, finite
 * and not zero: the index of a negative, infinite or NaN value lies above
 * that of every finite positive one, so above the store, and zero's lies
 * below it (the offset wraps past len; lo + len <= 2^32). So the largest
 * offset says whether all are inside. */
MC_CLONES static int chunk_offsets32(const double *restrict x, int n, int sh, uint32_t lo,
                                     uint32_t len, uint32_t *restrict k, uint32_t *kmin,
                                     uint32_t *kmax) {
  uint32_t mn = UINT32_MAX, mx = 0;
  for (int i = 0; i < n; i++) {
    uint32_t o = (uint32_t)(dbits(x[i]) >> sh) - lo;
    mn = o < mn ? o : mn;
    mx = o > mx ? o : mx;
    k[i] = o;
  }
  *kmin = mn;
  *kmax = mx;
  return n == 0 || mx < len; /* every offset inside the store */
}

/* The offsets of a chunk into k and their range: chunk_offsets32 where the
 * store allows it, else chunk_offsets. 1 when the fast path can count them. */
static int offsets(const mc_store *st, const double *x, int n, int sh, uint32_t *k, uint64_t *kmin,
                   uint64_t *kmax) {
  if (st->len == 0 || st->len > INT32_MAX)
    return 0;
  if (sh >= 32 && st->lo >= 1) {
    uint32_t mn, mx;
    int ok = chunk_offsets32(x, n, sh, (uint32_t)st->lo, (uint32_t)st->len, k, &mn, &mx);
    *kmin = mn;
    *kmax = mx;
    return ok;
  }
  return chunk_offsets(x, n, sh, (uint64_t)st->lo, (uint64_t)st->len, k, kmin, kmax);
}

int mc_sketch_add(mc_sketch *s, const double *x, int64_t n, mc_err *e) {
  const int sh = 52 - s->mbits;
  /* A chunk at a time: the fast path takes a chunk of positive finite values
   * inside the store's current range (whose length fits the 32-bit offsets);
   * a chunk with another value (a new extreme, a zero, a negative or
   * non-finite value) goes to the general path, which grows the stores once
   * for the chunk, and the next chunk tries the fast path again. */
  uint32_t k[SKETCH_CHUNK] MC_ALIGNED;
  int64_t i = 0;
  mc_store *st = &s->pos;
  while (i < n) {
    int m = n - i < SKETCH_CHUNK ? (int)(n - i) : SKETCH_CHUNK;
    uint64_t kmin, kmax;
    if (!offsets(st, x + i, m, sh, k, &kmin, &kmax)) {
      /* a chunk with another value: the general path grows the store */
      int rc = add_general(s, x + i, m, e);
      if (rc != MC_OK)
        return rc;
      i += m;
      continue;
    }
    if (st->pending + (uint32_t)m > UINT16_MAX)
      mc_store_flush(st);
    st->hot_lo = (int64_t)kmin < st->hot_lo ? (int64_t)kmin : st->hot_lo;
    st->hot_hi = (int64_t)kmax > st->hot_hi ? (int64_t)kmax : st->hot_hi;
    uint16_t *restrict h = st->hot;
#pragma GCC unroll 8
    for (int j = 0; j < m; j++)
      h[k[j]]++;
    st->pending += (uint32_t)m;
    i += m;
  }
  return MC_OK;
}

/* The occupied range [*lo, *hi] of st (empty: *hi < *lo). */
static void store_trim(const mc_store *st, int64_t *lo, int64_t *hi) {
  int64_t i = 0, j = st->len - 1;
  while (i <= j && mc_store_get(st, i) == 0)
    i++;
  while (j >= i && mc_store_get(st, j) == 0)
    j--;
  *lo = st->lo + i;
  *hi = st->lo + j;
}

static int store_merge(mc_store *dst, const mc_store *src, mc_err *e) {
  int64_t lo, hi;
  store_trim(src, &lo, &hi);
  if (hi < lo)
    return MC_OK;
  int rc = mc_store_cover(dst, lo, hi, e);
  if (rc != MC_OK)
    return rc;
  uint64_t *d = dst->counts + (lo - dst->lo);
  for (int64_t i = 0; i <= hi - lo; i++)
    d[i] += mc_store_get(src, lo - src->lo + i);
  return MC_OK;
}

int mc_sketch_merge(mc_sketch *dst, const mc_sketch *src, mc_err *e) {
  if (dst->mbits != src->mbits)
    MC_RAISE(e, MC_EINPUT, "cannot merge sketches of %d and %d mantissa bits", dst->mbits,
             src->mbits);
  int rc = store_merge(&dst->pos, &src->pos, e);
  if (rc != MC_OK)
    return rc;
  rc = store_merge(&dst->neg, &src->neg, e);
  if (rc != MC_OK)
    return rc;
  dst->zero += src->zero;
  dst->nonfinite += src->nonfinite;
  return MC_OK;
}

static uint64_t store_total(const mc_store *st) {
  uint64_t t = 0;
  for (int64_t i = 0; i < st->len; i++)
    t += mc_store_get(st, i);
  return t;
}

uint64_t mc_sketch_count(const mc_sketch *s) {
  return store_total(&s->pos) + store_total(&s->neg) + s->zero;
}

double mc_sketch_quantile(const mc_sketch *s, double p) {
  uint64_t n = mc_sketch_count(s);
  if (n == 0 || !(p > 0.0))
    return NAN;
  double kd = ceil(p * (double)n / 100.0);
  uint64_t k = kd < 1.0 ? 1 : kd >= (double)n ? n : (uint64_t)kd;
  uint64_t seen = 0;
  for (int64_t i = s->neg.len - 1; i >= 0; i--) {
    seen += mc_store_get(&s->neg, i);
    if (seen >= k)
      return -mc_sketch_bucket_value(s, s->neg.lo + i);
  }
  seen += s->zero;
  if (seen >= k)
    return 0.0;
  for (int64_t i = 0; i < s->pos.len; i++) {
    seen += mc_store_get(&s->pos, i);
    if (seen >= k)
      return mc_sketch_bucket_value(s, s->pos.lo + i);
  }
  return NAN; /* not reached: the counts sum to n */
}

/* ---- several quantiles in one pass -------------------------------------------- */

/* Orders the np requests by their rank (insertion sort: np is small). */
static void order_by(const double *rank, int np, int *ord) {
  for (int i = 0; i < np; i++) {
    int j = i;
    while (j > 0 && rank[ord[j - 1]] > rank[i]) {
      ord[j] = ord[j - 1];
      j--;
    }
    ord[j] = i;
  }
}

void mc_sketch_quantiles(const mc_sketch *s, int np, const double *p, double *out, int interp) {
  mc_sketch_quantiles_n(s, mc_sketch_count(s), np, p, out, interp);
}

void mc_sketch_quantiles_n(const mc_sketch *s, uint64_t n, int np, const double *p, double *out,
                           int interp) {
  enum { MAXQ = 256 };
  double rank[MAXQ];
  int ord[MAXQ], m = 0;
  for (int i = 0; i < np; i++) {
    out[i] = NAN;
    int ok = interp ? (n > 0 && p[i] > 0.0 && p[i] < 100.0) : (n > 0 && p[i] > 0.0);
    if (!ok || m == MAXQ)
      continue;
    if (interp) {
      rank[m] = p[i] * (double)n / 100.0;
    } else {
      /* as mc_sketch_quantile: k = max(1, ceil(p n / 100)), at most n */
      double kd = ceil(p[i] * (double)n / 100.0);
      rank[m] = kd < 1.0 ? 1 : kd >= (double)n ? (double)n : (double)(uint64_t)kd;
    }
    ord[m++] = i; /* the request's index for now; sorted below */
  }
  if (m == 0)
    return;
  int idx[MAXQ], o[MAXQ];
  memcpy(idx, ord, sizeof(int) * (size_t)m);
  order_by(rank, m, o);
  /* The same walk as the single-quantile functions, answering each request
   * at the bucket where that function would stop. */
  int q = 0;
  double seen = 0, lo, hi;
  for (int64_t i = s->neg.len - 1; i >= 0 && q < m; i--) {
    double c = (double)mc_store_get(&s->neg, i);
    while (q < m && c > 0 && seen + c >= rank[o[q]]) {
      if (interp) {
        bucket_bounds(s, s->neg.lo + i, &lo, &hi);
        out[idx[o[q]]] = -(hi - (rank[o[q]] - seen) / c * (hi - lo));
      } else {
        out[idx[o[q]]] = -mc_sketch_bucket_value(s, s->neg.lo + i);
      }
      q++;
    }
    seen += c;
  }
  double z = (double)s->zero;
  while (q < m && z > 0 && seen + z >= rank[o[q]])
    out[idx[o[q++]]] = 0.0;
  seen += z;
  for (int64_t i = 0; i < s->pos.len && q < m; i++) {
    double c = (double)mc_store_get(&s->pos, i);
    while (q < m && c > 0 && seen + c >= rank[o[q]]) {
      if (interp) {
        bucket_bounds(s, s->pos.lo + i, &lo, &hi);
        out[idx[o[q]]] = lo + (rank[o[q]] - seen) / c * (hi - lo);
      } else {
        out[idx[o[q]]] = mc_sketch_bucket_value(s, s->pos.lo + i);
      }
      q++;
    }
    seen += c;
  }
}
