/* An exact accumulator of doubles: the sum of any multiset of finite doubles
 * is held without rounding, so it does not depend on the order of additions or
 * on how they were split among ranks, parts and restarts.
 *
 * The value is sum_i c[i] * 2^(32 i - MC_XSUM_BIAS) with int64 chunks holding
 * 32-bit digits plus carry headroom (a "small superaccumulator", after
 * R. M. Neal, "Fast exact summation using small and large superaccumulators",
 * arXiv:1505.05571, 2015). Non-finite inputs are counted apart. */
#ifndef MC_XSUM_H
#define MC_XSUM_H

#include <stdint.h>

#define MC_XSUM_CHUNKS 68
#define MC_XSUM_BIAS   1088

typedef struct mc_xsum {
  int64_t c[MC_XSUM_CHUNKS];
  int64_t nadd; /* additions since the last normalization */
  uint64_t ninf_pos, ninf_neg, nnan;
} mc_xsum;

void mc_xsum_init(mc_xsum *x);

/* Adds v exactly (non-finite v is counted apart). */
void mc_xsum_add(mc_xsum *x, double v);

/* Adds src into dst exactly. */
void mc_xsum_merge(mc_xsum *dst, const mc_xsum *src);

/* Brings every chunk but the top one into [0, 2^32) (the canonical form:
 * equal sums have equal chunks). */
void mc_xsum_normalize(mc_xsum *x);

/* The sum rounded to a double (deterministic: a function of the exact sum
 * only). NaN/inf when non-finite values were added. */
double mc_xsum_value(const mc_xsum *x);

/* Length of the packed form: the canonical chunks, then the counts of +inf,
 * -inf and NaN additions. */
#define MC_XSUM_PACKED (MC_XSUM_CHUNKS + 3)

/* Writes x's canonical form into out[MC_XSUM_PACKED] (integers that add
 * exactly: the packed forms of two sums add to a packed form of their sum). */
void mc_xsum_pack(const mc_xsum *x, int64_t *out);

/* Reads a packed form (possibly a sum of packed forms) back into x. */
void mc_xsum_unpack(const int64_t *in, mc_xsum *x);

#endif
