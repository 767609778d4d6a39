/* Exact summation in a small superaccumulator (R. M. Neal, "Fast exact
 * summation using small and large superaccumulators", arXiv:1505.05571, 2015,
 * section 3): see mc_xsum.h for the contract.
 *
 * A finite double is M * 2^E with M a 53-bit integer and -1074 <= E <= 971, so
 * it occupies bits E + 1088 .. E + 1140 of the accumulator, that is bits
 * 14 .. 2111: chunks 0 .. 65 at most (chunk 66 and 67 only receive carries).
 * Each addition changes a chunk by less than 2^32, so 2^30 additions keep every
 * chunk far inside int64 before the next normalization is forced. */
#include "mc_xsum.h"

#include <math.h>
#include <string.h>

#define DIGIT_BITS 32
#define DIGIT_MASK INT64_C(0xffffffff)
#define NADD_LIMIT (INT64_C(1) << 30)

void mc_xsum_init(mc_xsum *x) { memset(x, 0, sizeof *x); }

/* floor(v / 2^32), without relying on the implementation-defined right shift
 * of negative integers. */
static inline int64_t carry_of(int64_t v) {
  return v >= 0 ? v >> DIGIT_BITS : -(int64_t)(((uint64_t)(-(v + 1)) >> DIGIT_BITS) + 1);
}

void mc_xsum_normalize(mc_xsum *x) {
  for (int i = 0; i < MC_XSUM_CHUNKS - 1; i++) {
    int64_t carry = carry_of(x->c[i]);
    x->c[i] -= carry * (INT64_C(1) << DIGIT_BITS);
    x->c[i + 1] += carry;
  }
  x->nadd = 0;
}

void mc_xsum_add(mc_xsum *x, double v) {
  uint64_t b;
  memcpy(&b, &v, sizeof b);
  int ef = (int)((b >> 52) & 0x7ff);
  uint64_t mant = b & UINT64_C(0x000fffffffffffff);
  if (ef == 0x7ff) {
    if (mant)
      x->nnan++;
    else if (b >> 63)
      x->ninf_neg++;
    else
      x->ninf_pos++;
    return;
  }
  if (ef == 0 && mant == 0)
    return;
  if (x->nadd >= NADD_LIMIT)
    mc_xsum_normalize(x);
  x->nadd++;
  /* Bit position of the integer mantissa's lowest bit: E + MC_XSUM_BIAS with
   * E = ef - 1075 for normal numbers and E = -1074 for subnormals. */
  int pos = (ef == 0 ? -1074 : ef - 1075) + MC_XSUM_BIAS;
  uint64_t m = ef == 0 ? mant : mant | (UINT64_C(1) << 52);
  unsigned __int128 w = (unsigned __int128)m << (pos & (DIGIT_BITS - 1));
  int64_t d0 = (int64_t)(uint64_t)(w & DIGIT_MASK);
  int64_t d1 = (int64_t)(uint64_t)((w >> 32) & DIGIT_MASK);
  int64_t d2 = (int64_t)(uint64_t)(w >> 64);
  int64_t *c = x->c + (pos >> 5);
  if (b >> 63) {
    c[0] -= d0;
    c[1] -= d1;
    c[2] -= d2;
  } else {
    c[0] += d0;
    c[1] += d1;
    c[2] += d2;
  }
}

void mc_xsum_merge(mc_xsum *dst, const mc_xsum *src) {
  mc_xsum s = *src;
  mc_xsum_normalize(&s);
  mc_xsum_normalize(dst);
  for (int i = 0; i < MC_XSUM_CHUNKS; i++)
    dst->c[i] += s.c[i];
  mc_xsum_normalize(dst);
  dst->ninf_pos += s.ninf_pos;
  dst->ninf_neg += s.ninf_neg;
  dst->nnan += s.nnan;
}

/* Correct rounding (to nearest, ties to even) of the exact sum: the magnitude
 * in canonical digits gives a window W of the top 65..127 bits and a sticky bit
 * for the rest; W is rounded to 53 bits once and scaled exactly by ldexp.
 * Every sum of doubles is a multiple of 2^-1074, so a result in the subnormal
 * range is exact and never rounded twice. */
double mc_xsum_value(const mc_xsum *x) {
  if (x->nnan || (x->ninf_pos && x->ninf_neg))
    return NAN;
  if (x->ninf_pos)
    return INFINITY;
  if (x->ninf_neg)
    return -INFINITY;
  mc_xsum s = *x;
  mc_xsum_normalize(&s);
  int neg = s.c[MC_XSUM_CHUNKS - 1] < 0;
  if (neg) {
    for (int i = 0; i < MC_XSUM_CHUNKS; i++)
      s.c[i] = -s.c[i];
    mc_xsum_normalize(&s);
  }
  int t = MC_XSUM_CHUNKS - 1;
  while (t >= 0 && s.c[t] == 0)
    t--;
  if (t < 0)
    return 0.0;
  /* All digits are now >= 0; the top one (t <= 67) fits in 63 bits, the ones
   * below it in 32. */
  unsigned __int128 w = (unsigned __int128)(uint64_t)s.c[t] << 64;
  if (t >= 1)
    w |= (unsigned __int128)(uint64_t)s.c[t - 1] << 32;
  if (t >= 2)
    w |= (uint64_t)s.c[t - 2];
  int sticky = 0;
  for (int i = 0; i < t - 2; i++)
    if (s.c[i]) {
      sticky = 1;
      break;
    }
  int eb = DIGIT_BITS * (t - 2) - MC_XSUM_BIAS; /* exponent of w's lowest bit */
  int nb = 0;
  for (unsigned __int128 u = w; u; u >>= 1)
    nb++;
  int r = nb - 53;
  if (r + eb < -1074)
    r = -1074 - eb;
  uint64_t mant;
  if (r <= 0) {
    mant = (uint64_t)(w << -r);
    r = 0;
  } else {
    mant = (uint64_t)(w >> r);
    unsigned __int128 rem = w & (((unsigned __int128)1 << r) - 1);
    unsigned __int128 half = (unsigned __int128)1 << (r - 1);
    if (rem > half || (rem == half && (sticky || (mant & 1))))
      mant++;
  }
  double v = ldexp((double)mant, r + eb);
  return neg ? -v : v;
}

void mc_xsum_pack(const mc_xsum *x, int64_t *out) {
  mc_xsum t = *x;
  mc_xsum_normalize(&t);
  memcpy(out, t.c, sizeof t.c);
  out[MC_XSUM_CHUNKS] = (int64_t)t.ninf_pos;
  out[MC_XSUM_CHUNKS + 1] = (int64_t)t.ninf_neg;
  out[MC_XSUM_CHUNKS + 2] = (int64_t)t.nnan;
}

void mc_xsum_unpack(const int64_t *in, mc_xsum *x) {
  mc_xsum_init(x);
  memcpy(x->c, in, sizeof x->c);
  x->ninf_pos = (uint64_t)in[MC_XSUM_CHUNKS];
  x->ninf_neg = (uint64_t)in[MC_XSUM_CHUNKS + 1];
  x->nnan = (uint64_t)in[MC_XSUM_CHUNKS + 2];
  x->nadd = 1;
  mc_xsum_normalize(x);
}
