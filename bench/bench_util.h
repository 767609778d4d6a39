/* What the benchmarks share: a monotonic clock and the order of doubles for
 * qsort (medians). Header only; the benchmarks measure and assert nothing. */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <time.h>

/* Seconds on the monotonic clock. */
static inline double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* qsort's comparison of two doubles, ascending. */
static inline int bench_cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

#endif
