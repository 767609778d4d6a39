/* The checksums' hash: see mc_hash.h. */
#include "mc_hash.h"

#include <string.h>

static inline uint64_t mix_word(uint64_t h, uint64_t w) {
  h = (h ^ w) * 0x100000001b3ull;
  return h ^ (h >> 32);
}

static uint64_t mix_bytes(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = data;
  h = mix_word(h, (uint64_t)n);
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    h = mix_word(h, w);
  }
  if (n > 0) {
    uint64_t w = 0;
    memcpy(&w, p, n);
    h = mix_word(h, w);
  }
  return h;
}

static void close_piece(mc_hash *s) {
  if (s->npend)
    s->h = mix_bytes(s->h, s->pend, s->npend);
  s->npend = 0;
}

void mc_hash_init(mc_hash *s) {
  s->h = 0xcbf29ce484222325ull;
  s->npend = 0;
}

void mc_hash_piece(mc_hash *s, const void *data, size_t n) {
  close_piece(s);
  s->h = mix_bytes(s->h, data, n);
}

void mc_hash_str(mc_hash *s, const char *str) {
  mc_hash_piece(s, str ? str : "", str ? strlen(str) : 0);
}

void mc_hash_join(mc_hash *s, const void *data, size_t n, int start) {
  if (start || s->npend + n > sizeof s->pend)
    close_piece(s);
  memcpy(s->pend + s->npend, data, n);
  s->npend += n;
}

uint64_t mc_hash_value(mc_hash *s) {
  close_piece(s);
  return s->h;
}
