/* Sampling designs (`sampling.method`): where each parameter's uniforms come
 * from. A design maps (seed, parameter stream, global sample index) to a
 * uniform in [2^-53, 1 - 2^-53] (never 0 or 1, the range of mc), computable
 * on any rank for any index, so that results stay the same bits for any rank
 * count, part split or restart. The uniforms then go through the inverse CDFs
 * and the copula exactly as for mc (engine/mc_sample.h).
 *
 * - mc: Philox4x64-10 uniforms (mc_rng_uniforms), unchanged.
 * - lhs: Latin hypercube over the whole sample space [0, n) (McKay, Beckman &
 *   Conover, Technometrics 21, 1979): u_i = (pi(i) + U_i) / n, pi a keyed
 *   pseudo-random permutation of [0, n) and U_i the mc uniform of (seed,
 *   stream, i). So each parameter's n strata [k/n, (k+1)/n) hold exactly one
 *   sample each. pi is a balanced Feistel network (MC_LHS_ROUNDS rounds) on
 *   the 2h-bit words, 4^h the smallest power of four >= n, restricted to
 *   [0, n) by cycle walking (Black & Rogaway, "Ciphers with arbitrary finite
 *   domains", CT-RSA 2002): a bijection that any rank evaluates at any index
 *   in expected fewer than four passes.
 * - sobol: Sobol' points (Sobol', USSR Comput. Math. 7, 1967) with Joe & Kuo's
 *   direction numbers (new-joe-kuo-6.21201; S. Joe and F. Y. Kuo, SIAM J. Sci.
 *   Comput. 30, 2635-2654, 2008), dimension p + 1 for parameter p of the model's table
 *   (so training.compute is the first, van der Corput, dimension); the second
 *   matrix B of a sensitivity analysis takes dimensions nparam + p + 1, as
 *   in Saltelli's use of one 2k-dimensional sequence for A and B. Point i is
 *   taken in natural order, x_i = XOR of the direction numbers v_k over the
 *   set bits k of i (not of gray(i)), 64 bits wide; so every block of 1024
 *   samples is a digitally shifted copy of the first 1024 points, and the first
 *   2^m points of any run are a (t, m, s)-net. Each dimension is then
 *   randomized by a nested uniform (Owen) scramble keyed by the seed and the
 *   parameter: the hash-based scramble of Burley ("Practical hash-based Owen
 *   scrambling", JCGT 9(4), 2020, after Laine & Karras 2011), on 64 bits: bit
 *   reversal, a permutation in which each bit depends only on itself and the
 *   bits below it, bit reversal. The scramble keeps the net property and makes
 *   every point uniform on the unit interval.
 */
#ifndef MC_DESIGN_H
#define MC_DESIGN_H

#include <stdint.h>

/* Dimensions with direction numbers: Joe & Kuo's first 1024 (table
 * mc_design_joe_kuo.h, from scripts/sobol_table.py), room for two per
 * parameter (the sensitivity design's matrices A and B) of models with up to
 * 512 parameters. Dimensions 1..34 give the same points as when the table
 * stopped there (tests/test_design.c pins them). */
#define MC_SOBOL_MAXDIM 1024
/* Rounds of the LHS permutation's Feistel network. */
#define MC_LHS_ROUNDS 6

/* A design: the method (enum mc_method), the seed and, for lhs, the sample
 * count n the strata divide. Plain data; copy freely. */
typedef struct mc_design {
  int method;
  uint64_t seed;
  uint64_t n;
  int half_bits; /* lhs: h, the Feistel halves' width (4^h >= n) */
} mc_design;

void mc_design_init(mc_design *d, int method, uint64_t seed, uint64_t n);

/* u[j] for the samples first .. first+count-1 of the parameter with Philox
 * stream `stream` (mc_rng_stream of its key, or a key derived from it) and
 * Sobol' dimension dim (1-based, <= MC_SOBOL_MAXDIM). Each u[j] is in
 * [2^-53, 1 - 2^-53]. For mc this is mc_rng_uniforms. Pure. */
void mc_design_uniforms(const mc_design *d, uint64_t stream, int dim, uint64_t first, int count,
                        double *u);

/* The LHS permutation of [0, n) for a key: a bijection. Exposed for tests. */
uint64_t mc_lhs_permute(const mc_design *d, uint64_t key, uint64_t i);

/* The LHS key of a parameter stream (Philox of (seed, stream) at a fixed
 * counter: independent of the uniforms U_i). */
uint64_t mc_lhs_key(const mc_design *d, uint64_t stream);

/* Unscrambled Sobol' point i in dimension dim as a 64-bit binary fraction
 * (the point is x / 2^64). */
uint64_t mc_sobol_point(int dim, uint64_t i);

/* The nested uniform scramble of a 64-bit fraction with a key. A bijection of
 * 64-bit words in which output bit 63-k depends only on input bits 63..63-k. */
uint64_t mc_sobol_scramble(uint64_t x, uint64_t key);

/* The scramble key of a parameter stream. */
uint64_t mc_sobol_key(uint64_t seed, uint64_t stream);

#endif
