/* Quantiles of the standard gamma and of the beta distribution, by a bracketed
 * Halley iteration on GSL's CDFs (distributions/mc_dist.c uses them for gamma,
 * pert and beta). Internal to distributions/. */
#ifndef MC_DIST_INV_H
#define MC_DIST_INV_H

/* x with P(x) = pr (upper = 0) or Q(x) = pr (upper = 1), pr <= 1/2, for the
 * standard gamma of shape a. */
double mc_dist_gamma_inv(double a, double pr, int upper);

/* x with I_x(a, b) = u: the Beta(a, b) quantile of u in [0, 1]. */
double mc_dist_beta_inv(double a, double b, double u);

#endif
