/* The projection core: MODEL.md "Equations", "Output series", "Crossovers".
 * Every value, on the grid or in the crossing-time search, comes from
 * point(), so a grid year and the same real t give the same bits. */
#include "mc_model.h"

#include <math.h>

void mc_model_init(mc_model *m, const mc_spec *spec) {
  m->ny = mc_spec_nyears(spec);
  m->has_cap = spec->has_cap;
  m->policy = spec->policy;
}

void mc_model_prepare(const double *const *in, int n, double *const *coef) {
  static const int base[2] = {MC_P_T0, MC_P_I0};
  for (int w = 0; w < 2; w++) {
    const double *x0 = in[base[w]], *g = in[base[w] + 1], *ginf = in[base[w] + 2],
                 *h = in[base[w] + 3];
    double *lnx0 = coef[4 * w], *r = coef[4 * w + 1], *rinf = coef[4 * w + 2], *k = coef[4 * w + 3];
    for (int i = 0; i < n; i++) {
      lnx0[i] = log(x0[i]);
      r[i] = log(g[i]);
      rinf[i] = log(ginf[i]);
      k[i] = isinf(h[i]) ? 0.0 : M_LN2 / h[i];
    }
  }
}

/* ln X(t) of MODEL.md's growth with a decaying rate. */
static inline double ln_growth(double lnx0, double r, double rinf, double k, double t) {
  if (k > 0 && r != rinf)
    return lnx0 + rinf * t + (r - rinf) * (1 - exp(-k * t)) / k;
  return lnx0 + r * t;
}

/* Every series of sample i at time t into o[MC_NSERIES]. */
static inline void point(const mc_model *m, const double *const *in, const double *const *c, int i,
                         double t, double *o) {
  double T = exp(ln_growth(c[MC_C_LNT0][i], c[MC_C_RT][i], c[MC_C_RTINF][i], c[MC_C_KT][i], t));
  double I = exp(ln_growth(c[MC_C_LNI0][i], c[MC_C_RI][i], c[MC_C_RIINF][i], c[MC_C_KI][i], t));
  double E = in[MC_P_E0][i] * pow(in[MC_P_GE][i], t);
  double P = 1 + (in[MC_P_P0][i] - 1) * pow(in[MC_P_DP][i], t);
  double f = in[MC_P_F][i];
  double ET = T * f * P / (in[MC_P_UT][i] * E);
  double EI = I * f * P / (in[MC_P_UI][i] * E);
  double ETs = ET, EIs = EI, Ts = T, Is = I, shortfall = 0;
  if (m->has_cap) {
    double D = (ET + EI) / MC_SECONDS_PER_YEAR / 1e9;
    double W = in[MC_P_W0][i] * pow(in[MC_P_GW][i], t);
    if (D > W) {
      double A = W * 1e9 * MC_SECONDS_PER_YEAR;
      switch (m->policy) {
      case MC_POLICY_INFERENCE_FIRST:
        EIs = fmin(EI, A);
        ETs = A - EIs;
        break;
      case MC_POLICY_TRAINING_FIRST:
        ETs = fmin(ET, A);
        EIs = A - ETs;
        break;
      default:
        ETs = ET * (W / D);
        EIs = EI * (W / D);
        break;
      }
      Ts = T * (ETs / ET);
      Is = I * (EIs / EI);
      shortfall = D - W;
    }
  }
  o[MC_S_TRAINING_COMPUTE] = Ts;
  o[MC_S_INFERENCE_COMPUTE] = Is;
  o[MC_S_TOTAL_COMPUTE] = Ts + Is;
  o[MC_S_INFERENCE_SHARE] = Is / (Ts + Is);
  o[MC_S_TRAINING_ENERGY] = ETs / MC_J_PER_TWH;
  o[MC_S_INFERENCE_ENERGY] = EIs / MC_J_PER_TWH;
  o[MC_S_TOTAL_ENERGY] = ETs / MC_J_PER_TWH + EIs / MC_J_PER_TWH;
  o[MC_S_POWER] = (ETs + EIs) / MC_SECONDS_PER_YEAR / 1e9;
  o[MC_S_POWER_SHORTFALL] = shortfall;
}

void mc_model_eval(const mc_model *m, const double *const *in, const double *const *coef, int n,
                   double t, double *const *out) {
  double o[MC_NSERIES];
  for (int i = 0; i < n; i++) {
    point(m, in, coef, i, t, o);
    for (int s = 0; s < MC_NSERIES; s++)
      out[s][i] = o[s];
  }
}

void mc_model_grid(const mc_model *m, const double *const *in, const double *const *coef, int n,
                   double *grid, int stride) {
  double o[MC_NSERIES];
  for (int y = 0; y < m->ny; y++)
    for (int i = 0; i < n; i++) {
      point(m, in, coef, i, (double)y, o);
      for (int s = 0; s < MC_NSERIES; s++)
        grid[((size_t)s * m->ny + y) * stride + i] = o[s];
    }
}

/* lhs(t) >= rhs(t) for sample i. */
static inline int crossed(const mc_model *m, const double *const *in, const double *const *c, int i,
                          double t, int lhs, int rhs) {
  double o[MC_NSERIES];
  point(m, in, c, i, t, o);
  return o[lhs] >= o[rhs];
}

void mc_model_crossover(const mc_model *m, const double *const *in, const double *const *coef,
                        int n, int lhs, int rhs, const double *grid, int stride, int *year,
                        double *tau) {
  const double *gl = grid + (size_t)lhs * m->ny * stride;
  const double *gr = grid + (size_t)rhs * m->ny * stride;
  for (int i = 0; i < n; i++) {
    int yc = -1;
    for (int y = 0; y < m->ny; y++)
      if (gl[(size_t)y * stride + i] >= gr[(size_t)y * stride + i]) {
        yc = y;
        break;
      }
    year[i] = yc;
    if (yc == 0) {
      tau[i] = 0;
      continue;
    }
    /* The first crossing lies at or before the first grid year that shows one
     * (lhs >= rhs holds there), and anywhere in [0, ny-1] when none does. */
    int last = (yc > 0 ? yc : m->ny - 1) * MC_SCAN_PER_YEAR;
    tau[i] = INFINITY;
    for (int j = 1; j <= last; j++) {
      double hi = (double)j / MC_SCAN_PER_YEAR;
      if (!crossed(m, in, coef, i, hi, lhs, rhs))
        continue;
      double lo = (double)(j - 1) / MC_SCAN_PER_YEAR;
      for (int b = 0; b < MC_BISECT_STEPS; b++) {
        double mid = 0.5 * (lo + hi);
        if (crossed(m, in, coef, i, mid, lhs, rhs))
          hi = mid;
        else
          lo = mid;
      }
      tau[i] = hi;
      break;
    }
  }
}
