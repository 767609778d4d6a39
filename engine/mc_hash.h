/* The 64-bit hash behind the results file's checksums
 * (docs/results-format.md, "/state"): a piece of n bytes adds its length n,
 * then its bytes as little-endian 64-bit words w (the last one zero-padded),
 * each by x = (h ^ w) * 0x100000001b3, h = x ^ (x >> 32), from
 * h = 0xcbf29ce484222325 (FNV-1a's constants, with a shift that carries high
 * bits down). Scalars may be joined into one piece (mc_hash_join), as the
 * state's attributes are. Not cryptographic: it finds accidental damage. */
#ifndef MC_HASH_H
#define MC_HASH_H

#include <stddef.h>
#include <stdint.h>

typedef struct mc_hash {
  uint64_t h;
  size_t npend;            /* bytes of the open piece of joined scalars */
  unsigned char pend[128]; /* its bytes */
} mc_hash;

/* Starts a hash. */
void mc_hash_init(mc_hash *s);

/* Hashes n bytes as one piece (closing an open piece of scalars first). */
void mc_hash_piece(mc_hash *s, const void *data, size_t n);

/* Hashes a string's bytes (without its NUL; NULL as "") as one piece. */
void mc_hash_str(mc_hash *s, const char *str);

/* Appends a scalar of n <= 16 bytes to the open piece of scalars; start
 * closes the open one first (a new piece begins with this scalar). */
void mc_hash_join(mc_hash *s, const void *data, size_t n, int start);

/* The hash so far (closing an open piece of scalars). */
uint64_t mc_hash_value(mc_hash *s);

#endif
