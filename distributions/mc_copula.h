/* Gaussian copula for rank (Spearman) correlations between parameters.
 *
 * A Spearman target rho_s becomes the normal-score correlation
 * r = 2 sin(pi rho_s / 6) (Pearson 1907; Kruskal 1958). The matrix R of the
 * correlated parameters is Cholesky-factored by GSL; correlated normal scores
 * are z = L w for independent standard normal w.
 *
 * A target of +1 or -1 (perfect rank correlation) makes the two variables
 * comonotone (countermonotone): the later one takes the earlier one's score
 * (or its negative) exactly, and only the others enter the factorization.
 * The matrix is then positive semidefinite, which holds only when every other
 * variable is correlated with both alike (oppositely, for -1). */
#ifndef MC_COPULA_H
#define MC_COPULA_H

#include "mc_error.h"

#define MC_COPULA_MAXDIM 32

typedef struct mc_copula {
  int dim;
  double L[MC_COPULA_MAXDIM * MC_COPULA_MAXDIM]; /* lower triangle, row major; a copy's row
                                                    and column are zero */
  int ncopy;                                     /* variables that copy another's score */
  int copy_var[MC_COPULA_MAXDIM], copy_src[MC_COPULA_MAXDIM];
  double copy_sign[MC_COPULA_MAXDIM]; /* z[copy_var] = copy_sign * z[copy_src] */
} mc_copula;

/* Builds the copula for dim variables from the Spearman matrix rho_s (dim x dim,
 * row major, symmetric, unit diagonal). names[i] names variable i in messages.
 * Returns MC_EINPUT, naming the parameters, when the normal-score matrix is not
 * positive definite (semidefinite, where targets of +-1 tie variables
 * together, as above). */
int mc_copula_init(int dim, const double *rho_s, const char *const *names, mc_copula *c, mc_err *e);

/* Correlates n samples in place: z[i][s] (variable i, sample s) holds independent
 * standard normal scores on entry and correlated ones on return. Pure. */
void mc_copula_apply(const mc_copula *c, double *const *z, int n);

/* The normal-score correlation for a Spearman target. */
double mc_copula_normal_score_rho(double rho_s);

#endif
