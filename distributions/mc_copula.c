/* Gaussian copula (see mc_copula.h).
 *
 * c->L holds the Cholesky factor of the normal-score correlation matrix, dim x
 * dim row major (L[i * dim + j]), zero above the diagonal.
 *
 * gsl_linalg_cholesky_decomp1 reports a matrix that is not positive definite
 * through the GSL error handler, which aborts by default; so the smallest
 * eigenvalue is checked first (gsl_eigen_symmv), and its eigenvector names the
 * parameters whose correlations conflict. */
#include "mc_copula.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

/* Smallest eigenvalue accepted: well above the rounding of a Cholesky
 * factorization of a 32 x 32 unit-diagonal matrix (about 32 * 2^-52). */
#define MC_COPULA_MIN_EIG 1e-10

double mc_copula_normal_score_rho(double rho_s) {
  const double pi = 3.14159265358979323846;
  return 2 * sin(pi * rho_s / 6);
}

static const char *name_of(const char *const *names, int i, char *buf, size_t len) {
  if (names && names[i])
    return names[i];
  snprintf(buf, len, "variable %d", i);
  return buf;
}

/* Appends the names of the variables with a large component in v. */
static void conflict_names(const gsl_vector *v, int dim, const char *const *names, char *out,
                           size_t len) {
  double vmax = 0;
  for (int i = 0; i < dim; i++)
    vmax = fmax(vmax, fabs(gsl_vector_get(v, i)));
  size_t used = 0;
  out[0] = '\0';
  for (int i = 0; i < dim; i++) {
    if (fabs(gsl_vector_get(v, i)) < 0.1 * vmax)
      continue;
    char nb[32];
    int k = snprintf(out + used, len - used, "%s%s", used ? ", " : "",
                     name_of(names, i, nb, sizeof nb));
    if (k < 0 || (size_t)k >= len - used)
      return;
    used += (size_t)k;
  }
}

/* Variables tied by targets of +-1: src[i] the lowest-numbered variable of
 * i's group, sign[i] = +-1 its score relative to src[i]'s. Refuses a group
 * whose members the other targets do not treat alike. */
static int perfect_groups(int dim, const double *rho_s, const char *const *names, int *src,
                          double *sign, mc_err *e) {
  for (int i = 0; i < dim; i++) {
    src[i] = i;
    sign[i] = 1;
    for (int j = 0; j < i && src[i] == i; j++)
      if (fabs(rho_s[i * dim + j]) == 1) {
        src[i] = src[j];
        sign[i] = rho_s[i * dim + j] * sign[j];
      }
  }
  char na[32], nb[32], nk[32];
  for (int i = 0; i < dim; i++)
    for (int k = 0; k < dim; k++) {
      if (src[i] == i || k == i)
        continue;
      double want = k == src[i] ? sign[i] : sign[i] * rho_s[src[i] * dim + k];
      if (rho_s[i * dim + k] != want)
        MC_RAISE(e, MC_EINPUT,
                 "%s and %s have rank correlation %g, so they move together, but "
                 "their correlations with %s differ (%g and %g); expected %s "
                 "correlations of %s and %s with every other parameter",
                 name_of(names, src[i], na, sizeof na), name_of(names, i, nb, sizeof nb), sign[i],
                 name_of(names, k, nk, sizeof nk), rho_s[src[i] * dim + k], rho_s[i * dim + k],
                 sign[i] > 0 ? "equal" : "opposite", name_of(names, src[i], na, sizeof na),
                 name_of(names, i, nb, sizeof nb));
    }
  return MC_OK;
}

static int factor(int dim, const double *rho_s, const char *const *names, mc_copula *c, mc_err *e);

int mc_copula_init(int dim, const double *rho_s, const char *const *names, mc_copula *c,
                   mc_err *e) {
  char na[32], nb[32];
  if (dim < 1 || dim > MC_COPULA_MAXDIM)
    MC_RAISE(e, MC_EINPUT, "%d correlated parameters; expected 1 to %d", dim, MC_COPULA_MAXDIM);
  for (int i = 0; i < dim; i++) {
    if (rho_s[i * dim + i] != 1.0)
      MC_RAISE(e, MC_EINPUT, "correlation of %s with itself is %g; expected 1",
               name_of(names, i, na, sizeof na), rho_s[i * dim + i]);
    for (int j = 0; j < i; j++) {
      double r = rho_s[i * dim + j];
      if (!(r >= -1 && r <= 1))
        MC_RAISE(e, MC_EINPUT, "correlation between %s and %s is %g; expected a number in [-1, 1]",
                 name_of(names, j, na, sizeof na), name_of(names, i, nb, sizeof nb), r);
      if (r != rho_s[j * dim + i])
        MC_RAISE(e, MC_EINPUT, "correlation between %s and %s is given as %g and %g",
                 name_of(names, j, na, sizeof na), name_of(names, i, nb, sizeof nb), r,
                 rho_s[j * dim + i]);
    }
  }

  int src[MC_COPULA_MAXDIM], keep[MC_COPULA_MAXDIM], nkeep = 0;
  double sign[MC_COPULA_MAXDIM];
  int rc = perfect_groups(dim, rho_s, names, src, sign, e);
  if (rc)
    return rc;
  for (int i = 0; i < dim; i++)
    if (src[i] == i)
      keep[nkeep++] = i;
  if (nkeep == dim)
    return factor(dim, rho_s, names, c, e);
  /* Factor the variables that copy none, then place their factor. */
  double sub[MC_COPULA_MAXDIM * MC_COPULA_MAXDIM];
  const char *subnames[MC_COPULA_MAXDIM];
  for (int i = 0; i < nkeep; i++) {
    subnames[i] = names ? names[keep[i]] : NULL;
    for (int j = 0; j < nkeep; j++)
      sub[i * nkeep + j] = rho_s[keep[i] * dim + keep[j]];
  }
  mc_copula kept;
  if ((rc = factor(nkeep, sub, names ? subnames : NULL, &kept, e)))
    return rc;
  memset(c, 0, sizeof *c);
  c->dim = dim;
  for (int i = 0; i < nkeep; i++)
    for (int j = 0; j <= i; j++)
      c->L[keep[i] * dim + keep[j]] = kept.L[i * nkeep + j];
  for (int i = 0; i < dim; i++)
    if (src[i] != i) {
      c->copy_var[c->ncopy] = i;
      c->copy_src[c->ncopy] = src[i];
      c->copy_sign[c->ncopy++] = sign[i];
    }
  return MC_OK;
}

/* The Cholesky factor of the normal-score matrix of rho_s, refusing one
 * that is not positive definite. */
static int factor(int dim, const double *rho_s, const char *const *names, mc_copula *c, mc_err *e) {
  int rc = MC_OK;
  double a[MC_COPULA_MAXDIM * MC_COPULA_MAXDIM];
  for (int i = 0; i < dim; i++)
    for (int j = 0; j < dim; j++)
      a[i * dim + j] = i == j ? 1.0 : mc_copula_normal_score_rho(rho_s[i * dim + j]);

  gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc((size_t)dim);
  gsl_vector *eval = gsl_vector_alloc((size_t)dim);
  gsl_matrix *evec = gsl_matrix_alloc((size_t)dim, (size_t)dim);
  gsl_matrix *m = gsl_matrix_alloc((size_t)dim, (size_t)dim);
  if (!w || !eval || !evec || !m)
    MC_FAIL(e, MC_EFAIL, "out of memory in the correlation check");
  for (int i = 0; i < dim; i++)
    for (int j = 0; j < dim; j++)
      gsl_matrix_set(m, i, j, a[i * dim + j]);
  if (gsl_eigen_symmv(m, eval, evec, w) != GSL_SUCCESS)
    MC_FAIL(e, MC_EFAIL, "eigenvalue computation of the correlation matrix failed");
  size_t kmin = gsl_vector_min_index(eval);
  double lmin = gsl_vector_get(eval, kmin);
  if (!(lmin > MC_COPULA_MIN_EIG)) {
    char who[1024];
    gsl_vector_view v = gsl_matrix_column(evec, kmin);
    conflict_names(&v.vector, dim, names, who, sizeof who);
    MC_FAIL(e, MC_EINPUT,
            "the correlations among %s are inconsistent: their normal-score correlation matrix "
            "is not positive definite (smallest eigenvalue %.3g); expected correlations that "
            "can hold together, e.g. weaker ones",
            who, lmin);
  }

  gsl_matrix_view mv = gsl_matrix_view_array(a, (size_t)dim, (size_t)dim);
  if (gsl_linalg_cholesky_decomp1(&mv.matrix) != GSL_SUCCESS)
    MC_FAIL(e, MC_EINPUT, "the correlation matrix is not positive definite");
  memset(c, 0, sizeof *c);
  c->dim = dim;
  for (int i = 0; i < dim; i++)
    for (int j = 0; j <= i; j++)
      c->L[i * dim + j] = a[i * dim + j];

cleanup:
  gsl_matrix_free(m);
  gsl_matrix_free(evec);
  gsl_vector_free(eval);
  gsl_eigen_symmv_free(w);
  return rc;
}

/* z_i = sum_{j <= i} L_ij w_j in place: rows from the last to the first, so that
 * each row reads only rows not yet overwritten. Blocks of samples stay in cache;
 * the loop over samples is the inner, vectorizable one. Every sample sees the
 * same operations in the same order, whatever n. */
void mc_copula_apply(const mc_copula *c, double *const *z, int n) {
  enum { BLOCK = 512 };
  const int dim = c->dim;
  for (int s0 = 0; s0 < n; s0 += BLOCK) {
    const int len = n - s0 < BLOCK ? n - s0 : BLOCK;
    for (int i = dim - 1; i >= 0; i--) {
      double *restrict zi = z[i] + s0;
      const double lii = c->L[i * dim + i];
      for (int s = 0; s < len; s++)
        zi[s] *= lii;
      for (int j = 0; j < i; j++) {
        const double lij = c->L[i * dim + j];
        if (lij == 0)
          continue;
        const double *restrict zj = z[j] + s0;
        for (int s = 0; s < len; s++)
          zi[s] += lij * zj[s];
      }
    }
    for (int k = 0; k < c->ncopy; k++) {
      double *restrict zi = z[c->copy_var[k]] + s0;
      const double *restrict zs = z[c->copy_src[k]] + s0;
      const double sg = c->copy_sign[k];
      for (int s = 0; s < len; s++)
        zi[s] = sg * zs[s];
    }
  }
}
