/* Probability distributions, each defined by its inverse CDF.
 *
 * A distribution type is one entry of a const table (mc_dist_types): its name,
 * the keys it accepts, a constructor that turns key/value pairs into canonical
 * parameters, its CDF and its inverse CDF. Every sampling design feeds a
 * distribution uniforms in (0, 1) through mc_dist_quantile, so plain Monte
 * Carlo, Latin hypercube, Sobol' and the Gaussian copula share one path.
 *
 * Truncation (`min`/`max`, for normal, lognormal, gamma and weibull) maps u to
 * Q(F(min) + u (F(max) - F(min))).
 *
 * Needs only GSL and libc. */
#ifndef MC_DIST_H
#define MC_DIST_H

#include "mc_error.h"

#define MC_DIST_MAXKEYS 16
#define MC_DIST_MAXVALS 256

typedef struct mc_dist_type mc_dist_type;

/* One parametrized distribution. Plain data: copy freely, nothing to free. */
typedef struct mc_dist {
  const mc_dist_type *type;
  double p[4];                  /* canonical parameters, meaning per type (see mc_dist.c) */
  double lo, hi;                /* truncation bounds; -inf/+inf when none */
  double cdf_lo, cdf_hi;        /* F(lo), F(hi) of the untruncated distribution */
  int nvals;                    /* discrete: number of values */
  double vals[MC_DIST_MAXVALS]; /* discrete: values, ascending */
  double cum[MC_DIST_MAXVALS];  /* discrete: cumulative weights, last = 1 */
} mc_dist;

/* Arguments as a user wrote them: scalar keys (e.g. "median", "gsd", "p5",
 * "min") and, for discrete, the `values` and `weights` lists. */
typedef struct mc_dist_args {
  int n;
  const char *key[MC_DIST_MAXKEYS];
  double val[MC_DIST_MAXKEYS];
  int nvalues, nweights; /* -1 when the list was not given */
  double values[MC_DIST_MAXVALS];
  double weights[MC_DIST_MAXVALS];
} mc_dist_args;

struct mc_dist_type {
  const char *name;
  const char *keys; /* accepted keys, space separated, for messages */
  int truncatable;  /* accepts min/max as truncation bounds */
  int (*make)(const mc_dist_args *a, mc_dist *d, int *bad_key, mc_err *e);
  double (*quantile)(const mc_dist *d, double u);            /* untruncated inverse CDF */
  double (*cdf)(const mc_dist *d, double x);                 /* untruncated CDF */
  void (*support)(const mc_dist *d, double *lo, double *hi); /* untruncated */
};

/* The table of all types, terminated by an entry with name NULL. */
extern const mc_dist_type mc_dist_types[];

/* Looks a type up by name; NULL when unknown. */
const mc_dist_type *mc_dist_type_find(const char *name);

/* Writes the valid type names, comma separated, into buf. */
void mc_dist_type_list(char *buf, size_t len);

/* Builds d of the named type from a. On failure returns MC_EINPUT with a
 * message (unknown type lists the valid ones; an unknown or missing key names
 * the accepted ones) and sets *bad_key to the index in a->key of the offending
 * key, or -1 when the fault is not one key's. */
int mc_dist_make(const char *type, const mc_dist_args *a, mc_dist *d, int *bad_key, mc_err *e);

/* A constant v. */
void mc_dist_constant(double v, mc_dist *d);

/* "A to B": lognormal with 5th and 95th percentiles A and B when A > 0, else
 * normal with those percentiles. Fails unless A < B. */
int mc_dist_from_range(double a, double b, mc_dist *d, mc_err *e);

/* Inverse CDF including truncation; u in (0, 1). Pure, thread-safe. */
double mc_dist_quantile(const mc_dist *d, double u);

/* CDF including truncation. */
double mc_dist_cdf(const mc_dist *d, double x);

/* Closed hull [lo, hi] of the values mc_dist_quantile can return for u in
 * (0, 1), with *lo_attained / *hi_attained telling whether the end itself
 * can be returned (e.g. a lognormal has lo = 0, not attained). */
void mc_dist_support(const mc_dist *d, double *lo, int *lo_attained, double *hi, int *hi_attained);

/* 1 when every quantile is the same value. */
int mc_dist_is_constant(const mc_dist *d);

/* Short canonical description, e.g. "lognormal(mu=1.2, sigma=0.3)". */
void mc_dist_describe(const mc_dist *d, char *buf, size_t len);

#endif
