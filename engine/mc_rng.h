/* Counter-based random numbers: Random123's Philox4x64-10 (Salmon et al.,
 * "Parallel random numbers: as easy as 1, 2, 3", SC 2011), keyed by (seed,
 * FNV-1a hash of a stream name, e.g. a parameter's key) with counter
 * (index / 4, 0, 0, 0); lane index % 4 is the sample's word. A uniform
 * depends only on (seed, stream, index), so any rank computes any sample's,
 * and two jobs with the same seed draw the same uniforms for the same
 * parameter (common random numbers). Pure: no state, no allocation. */
#ifndef MC_RNG_H
#define MC_RNG_H

#include <stdint.h>

/* FNV-1a 64-bit hash of a name. */
uint64_t mc_rng_stream(const char *name);

/* The uniform in (0, 1) for (seed, stream, index): ((x >> 12) + 0.5) 2^-52. */
double mc_rng_uniform(uint64_t seed, uint64_t stream, uint64_t index);

/* n uniforms for indices first .. first+n-1 into u. */
void mc_rng_uniforms(uint64_t seed, uint64_t stream, uint64_t first, int n, double *u);

/* For the tests: the widest Philox lanes this CPU runs (0 portable C, 1 AVX2,
 * 2 AVX-512), and mc_rng_uniforms on the lanes of level isa (at most that). */
int mc_rng_isa_max(void);
void mc_rng_uniforms_isa(int isa, uint64_t seed, uint64_t stream, uint64_t first, int n, double *u);

#endif
