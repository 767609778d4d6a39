/* Inversion of the gamma and beta CDFs (see mc_dist_inv.h): GSL's own
 * inverses abort on shapes below 1 and on tail probabilities. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* lgamma_r */
#endif
#include "mc_dist_inv.h"

#include <float.h>
#include <math.h>

#include <gsl/gsl_cdf.h>

/* Root of an increasing f on (ylo, yhi), starting at y: Halley steps (Press et
 * al., Numerical Recipes, 3rd ed., section 9.4), replaced by bisection whenever a
 * step would leave the bracket, which the signs of f shrink as it goes. fn
 * returns f(y) and sets *d1 = f'(y) and *r = f''(y) / f'(y). */
typedef double (*root_fn)(double y, const double *prm, double *d1, double *r);

static double solve_increasing(root_fn fn, const double *prm, double y, double ylo, double yhi) {
  if (!(y > ylo && y < yhi))
    y = 0.5 * (ylo + yhi);
  for (int it = 0; it < 200; it++) {
    double d1, r, f = fn(y, prm, &d1, &r);
    if (f == 0)
      return y;
    double newton = f / d1, den = 1 - 0.5 * newton * r;
    double step = den > 0.5 && den < 2 ? newton / den : newton;
    if (fabs(step) <= 2 * DBL_EPSILON * fmax(1.0, fabs(y)))
      return y - step;
    if (f < 0)
      ylo = y;
    else
      yhi = y;
    double yn = y - step;
    if (!(yn > ylo && yn < yhi))
      yn = 0.5 * (ylo + yhi);
    if (yn == y)
      return y;
    y = yn;
  }
  return y;
}

/* Standard gamma (scale 1) in y = ln x, on a log scale so that the iteration
 * converges in the tails too. prm = {shape, ln target, ln Gamma(shape), upper}:
 * f = ln P(x) - ln target, or ln target - ln Q(x) when upper. With D = x pdf(x),
 * dP/dy = D and d ln D / dy = shape - x. */
static double gamma_fn(double y, const double *prm, double *d1, double *r) {
  double a = prm[0], x = exp(y), dens = exp(a * y - x - prm[2]);
  if (prm[3] != 0) {
    double q = gsl_cdf_gamma_Q(x, a, 1.0);
    *d1 = dens / q;
    *r = a - x + *d1;
    return prm[1] - log(q);
  }
  double p = gsl_cdf_gamma_P(x, a, 1.0);
  *d1 = dens / p;
  *r = a - x - *d1;
  return log(p) - prm[1];
}

/* x with P(x) = pr (upper = 0) or Q(x) = pr (upper = 1), pr <= 1/2, for the
 * standard gamma of shape a. Start: Wilson and Hilferty (1931) for a >= 1, else
 * P(x) ~ x^a / Gamma(a + 1) near 0, or Q(x) ~ x^(a-1) e^-x / Gamma(a) far out. */
double mc_dist_gamma_inv(double a, double pr, int upper) {
  int sg;
  double lg = lgamma_r(a, &sg), x0 = -1;
  if (a >= 1) {
    double z = upper ? gsl_cdf_ugaussian_Qinv(pr) : gsl_cdf_ugaussian_Pinv(pr);
    double t = 1 - 1 / (9 * a) + z / (3 * sqrt(a));
    if (t > 0)
      x0 = a * t * t * t;
  }
  if (!(x0 > 0)) {
    if (!upper || pr > 0.05) {
      double pl = upper ? 1 - pr : pr;
      x0 = exp((log(pl) + lgamma_r(a + 1, &sg)) / a);
    } else {
      x0 = fmax(1.0, -log(pr) - lg);
    }
  }
  double prm[4] = {a, log(pr), lg, upper};
  double y = solve_increasing(gamma_fn, prm, log(x0), log(DBL_TRUE_MIN) - 1, log(DBL_MAX));
  return exp(y);
}

/* log(1 + e^y) without overflow. */
static inline double softplus(double y) { return y > 0 ? y + log1p(exp(-y)) : log1p(exp(y)); }

/* x = 1 / (1 + e^-y), as 1 - e^-y / (1 + e^-y) for y > 0 so that every double
 * below 1 can come out. */
static inline double logistic(double y) {
  double t = exp(-fabs(y)), s = t / (1 + t);
  return y >= 0 ? 1 - s : s;
}

/* Beta in y = logit x, on a log scale. prm = {a, b, ln target, ln B(a, b), upper}:
 * f = ln I_x(a, b) - ln target, or ln target - ln (1 - I_x(a, b)) when upper.
 * With D = x (1 - x) pdf(x), dI/dy = D and d ln D / dy = a - (a + b) x. */
static double beta_fn(double y, const double *prm, double *d1, double *r) {
  double a = prm[0], b = prm[1], x = logistic(y);
  double dens = exp(-a * softplus(-y) - b * softplus(y) - prm[3]);
  if (prm[4] != 0) {
    double q = gsl_cdf_beta_Q(x, a, b);
    *d1 = dens / q;
    *r = a - (a + b) * x + *d1;
    return prm[2] - log(q);
  }
  double p = gsl_cdf_beta_P(x, a, b);
  *d1 = dens / p;
  *r = a - (a + b) * x - *d1;
  return log(p) - prm[2];
}

/* Starting point for x with I_x(a, b) = p, p <= 1/2: Abramowitz and Stegun
 * 26.5.22 for a, b > 1, else I_x ~ x^a / (a B(a, b)) near 0. */
static double beta_guess(double a, double b, double p, double lnb) {
  double x0 = -1;
  if (a > 1 && b > 1) {
    double yp = -gsl_cdf_ugaussian_Pinv(p); /* upper-tail normal quantile of 1 - p */
    double lam = (yp * yp - 3) / 6, h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
    double w = yp * sqrt(h + lam) / h -
               (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (lam + 5.0 / 6 - 2 / (3 * h));
    x0 = a / (a + b * exp(2 * w));
  }
  if (!(x0 > 0 && x0 < 1))
    x0 = fmin(exp((log(p) + log(a) + lnb) / a), 0.5);
  return x0;
}

/* Beta(a, b) quantile. The upper half solves 1 - I_x = 1 - u directly (so that
 * values near 0 keep their precision) from the start point of 1 - X ~ Beta(b, a). */
double mc_dist_beta_inv(double a, double b, double u) {
  int sg, upper = u > 0.5;
  double lnb = lgamma_r(a, &sg) + lgamma_r(b, &sg) - lgamma_r(a + b, &sg);
  double pr = upper ? 1 - u : u;
  double x0 = upper ? beta_guess(b, a, pr, lnb) : beta_guess(a, b, pr, lnb);
  double y0 = log(x0) - log1p(-x0);
  double prm[5] = {a, b, log(pr), lnb, upper};
  double ylim = log(DBL_TRUE_MIN) - 1;
  return logistic(solve_increasing(beta_fn, prm, upper ? -y0 : y0, ylim, -ylim));
}
