/* The projection core: MODEL.md "Equations", "Output series", "Crossovers". */
#include "mc_model.h"

#include <math.h>

#include "mc_vmath.h"

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
    double *ln0 = coef[5 * w], *S = coef[5 * w + 1], *C = coef[5 * w + 2], *K = coef[5 * w + 3],
           *Q = coef[5 * w + 4];
    for (int i = 0; i < n; i++) {
      double r = log(g[i]), rinf = log(ginf[i]);
      int decays = isfinite(h[i]) && r != rinf;
      double k = decays ? M_LN2 / h[i] : 0.0;
      ln0[i] = log(x0[i]);
      S[i] = decays ? rinf : r;
      C[i] = decays ? (r - rinf) / k : 0.0;
      K[i] = k;
      Q[i] = decays ? exp(-k) : 1.0;
    }
  }
  for (int i = 0; i < n; i++) {
    coef[MC_C_FT][i] = in[MC_P_F][i] / in[MC_P_UT][i];
    coef[MC_C_FI][i] = in[MC_P_F][i] / in[MC_P_UI][i];
    coef[MC_C_LNU][i] = log(in[MC_P_UT][i]) - log(in[MC_P_UI][i]);
  }
}

/* Served values from demanded ones (MODEL.md "Power cap"). */
static inline void serve(int has_cap, int policy, double T, double I, double ET, double EI,
                         double W, double *o) {
  double ETs = ET, EIs = EI, Ts = T, Is = I, shortfall = 0;
  if (has_cap) {
    double D = (ET + EI) / MC_SECONDS_PER_YEAR / 1e9;
    int over = D > W;
    double A = W * 1e9 * MC_SECONDS_PER_YEAR;
    double et, ei;
    if (policy == MC_POLICY_INFERENCE_FIRST) {
      ei = fmin(EI, A);
      et = A - ei;
    } else if (policy == MC_POLICY_TRAINING_FIRST) {
      et = fmin(ET, A);
      ei = A - et;
    } else {
      et = ET * (W / D);
      ei = EI * (W / D);
    }
    ETs = over ? et : ET;
    EIs = over ? ei : EI;
    Ts = over ? T * (ETs / ET) : T;
    Is = over ? I * (EIs / EI) : I;
    shortfall = over ? D - W : 0.0;
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

/* Every series of sample i at real time t, from the equations directly. */
static inline void point(const mc_model *m, const double *const *in, const double *const *c, int i,
                         double t, double *o) {
  double T =
      exp(c[MC_C_LNT0][i] + c[MC_C_ST][i] * t + c[MC_C_CT][i] * (1 - exp(-c[MC_C_KT][i] * t)));
  double I =
      exp(c[MC_C_LNI0][i] + c[MC_C_SI][i] * t + c[MC_C_CI][i] * (1 - exp(-c[MC_C_KI][i] * t)));
  double E = in[MC_P_E0][i] * pow(in[MC_P_GE][i], t);
  double P = 1 + (in[MC_P_P0][i] - 1) * pow(in[MC_P_DP][i], t);
  double ET = T * P * c[MC_C_FT][i] / E;
  double EI = I * P * c[MC_C_FI][i] / E;
  double W = m->has_cap ? in[MC_P_W0][i] * pow(in[MC_P_GW][i], t) : 0;
  serve(m->has_cap, m->policy, T, I, ET, EI, W, o);
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

/* One grid year for all samples; branch-free so that it vectorizes. */
static void grid_year(const mc_model *m, const double *const *in, const double *const *c, int n,
                      double y, double *const *o, const double *decT, const double *decI,
                      const double *Ey, const double *dPy, const double *Wy) {
  const double *lnT0 = c[MC_C_LNT0], *ST = c[MC_C_ST], *CT = c[MC_C_CT];
  const double *lnI0 = c[MC_C_LNI0], *SI = c[MC_C_SI], *CI = c[MC_C_CI];
  const double *FT = c[MC_C_FT], *FI = c[MC_C_FI], *P0 = in[MC_P_P0];
  int has_cap = m->has_cap, policy = m->policy;
  for (int i = 0; i < n; i++) {
    double T = mc_exp(lnT0[i] + ST[i] * y + CT[i] * (1 - decT[i]));
    double I = mc_exp(lnI0[i] + SI[i] * y + CI[i] * (1 - decI[i]));
    double P = 1 + (P0[i] - 1) * dPy[i];
    double ET = T * P * FT[i] / Ey[i];
    double EI = I * P * FI[i] / Ey[i];
    double v[MC_NSERIES];
    serve(has_cap, policy, T, I, ET, EI, Wy[i], v);
    for (int s = 0; s < MC_NSERIES; s++)
      o[s][i] = v[s];
  }
}

void mc_model_grid(const mc_model *m, const double *const *in, const double *const *coef, int n,
                   double *grid, int stride, double *work) {
  double *decT = work, *decI = work + n, *Ey = work + 2 * n, *dPy = work + 3 * n,
         *Wy = work + 4 * n;
  for (int i = 0; i < n; i++) {
    decT[i] = decI[i] = dPy[i] = 1.0;
    Ey[i] = in[MC_P_E0][i];
    Wy[i] = m->has_cap ? in[MC_P_W0][i] : 0.0;
  }
  const double *QT = coef[MC_C_QT], *QI = coef[MC_C_QI], *gE = in[MC_P_GE], *dP = in[MC_P_DP],
               *gW = in[MC_P_GW];
  for (int y = 0; y < m->ny; y++) {
    double *o[MC_NSERIES];
    for (int s = 0; s < MC_NSERIES; s++)
      o[s] = grid + ((size_t)s * m->ny + y) * stride;
    grid_year(m, in, coef, n, (double)y, o, decT, decI, Ey, dPy, Wy);
    for (int i = 0; i < n; i++) {
      decT[i] *= QT[i];
      decI[i] *= QI[i];
      Ey[i] *= gE[i];
      dPy[i] *= dP[i];
    }
    if (m->has_cap)
      for (int i = 0; i < n; i++)
        Wy[i] *= gW[i];
  }
}

/* lhs(t) >= rhs(t) for sample i, from the equations. */
static inline int crossed(const mc_model *m, const double *const *in, const double *const *c, int i,
                          double t, int lhs, int rhs) {
  double o[MC_NSERIES];
  point(m, in, c, i, t, o);
  return o[lhs] >= o[rhs];
}

/* The generic search: every scan point up to `last`, then bisection. */
static double search_generic(const mc_model *m, const double *const *in, const double *const *c,
                             int i, int lhs, int rhs, int last) {
  for (int j = 1; j <= last; j++) {
    double hi = (double)j / MC_SCAN_PER_YEAR;
    if (!crossed(m, in, c, i, hi, lhs, rhs))
      continue;
    double lo = (double)(j - 1) / MC_SCAN_PER_YEAR;
    for (int b = 0; b < MC_BISECT_STEPS; b++) {
      double mid = 0.5 * (lo + hi);
      if (crossed(m, in, c, i, mid, lhs, rhs))
        hi = mid;
      else
        lo = mid;
    }
    return hi;
  }
  return INFINITY;
}

/* ln(lhs/rhs) = sg (dg(t) + c0) for the default pairs, with dg = ln I - ln T. */
typedef struct growth_pair {
  double d0, c0, sg; /* ln I0 - ln T0, constant, sign */
  double SI, CI, ST, CT;
} growth_pair;

static inline double pair_value(const growth_pair *g, double t, double eI, double eT) {
  return g->sg * (g->d0 + g->c0 + g->SI * t + g->CI * (1 - eI) - g->ST * t - g->CT * (1 - eT));
}

/* Upper bound of pair_value on [a, b] from the ends of its monotone terms. */
static inline double pair_upper(const growth_pair *g, double a, double b, double eIa, double eIb,
                                double eTa, double eTb) {
  double sIa = g->SI * a, sIb = g->SI * b, sTa = g->ST * a, sTb = g->ST * b;
  double cIa = g->CI * (1 - eIa), cIb = g->CI * (1 - eIb);
  double cTa = g->CT * (1 - eTa), cTb = g->CT * (1 - eTb);
  if (g->sg > 0)
    return g->d0 + g->c0 + fmax(sIa, sIb) + fmax(cIa, cIb) - fmin(sTa, sTb) - fmin(cTa, cTb);
  return -(g->d0 + g->c0 + fmin(sIa, sIb) + fmin(cIa, cIb) - fmax(sTa, sTb) - fmax(cTa, cTb));
}

/* The screened search for a default pair: years whose bound is negative are
 * skipped; exp(-K t) along the scan by recurrence, halvings by square roots. */
static double search_pair(const growth_pair *g, double KI, double KT, double QI, double QT,
                          int last) {
  const double margin = 1e-9;
  const double h = 1.0 / MC_SCAN_PER_YEAR;
  double eIa = 1.0, eTa = 1.0; /* exp(-K a) at the year start a */
  int years = (last + MC_SCAN_PER_YEAR - 1) / MC_SCAN_PER_YEAR;
  double qI = 0, qT = 0; /* exp(-K h), on first use */
  for (int a = 0; a < years; a++) {
    double eIb = eIa * QI, eTb = eTa * QT;
    if (pair_upper(g, a, a + 1, eIa, eIb, eTa, eTb) < -margin) {
      eIa = eIb;
      eTa = eTb;
      continue;
    }
    if (qI == 0) {
      qI = exp(-KI * h);
      qT = exp(-KT * h);
    }
    double eIlo = eIa, eTlo = eTa;
    int jmax = (a + 1) * MC_SCAN_PER_YEAR < last ? (a + 1) * MC_SCAN_PER_YEAR : last;
    for (int j = a * MC_SCAN_PER_YEAR + 1; j <= jmax; j++) {
      double t = (double)j * h;
      double eI = eIlo * qI, eT = eTlo * qT;
      if (pair_value(g, t, eI, eT) < 0) {
        eIlo = eI;
        eTlo = eT;
        continue;
      }
      double lo = (double)(j - 1) * h, hi = t;
      double rI = qI, rT = qT;
      for (int b = 0; b < MC_BISECT_STEPS; b++) {
        rI = sqrt(rI);
        rT = sqrt(rT);
        double mid = 0.5 * (lo + hi);
        double eIm = eIlo * rI, eTm = eTlo * rT;
        if (pair_value(g, mid, eIm, eTm) >= 0) {
          hi = mid;
        } else {
          lo = mid;
          eIlo = eIm;
          eTlo = eTm;
        }
      }
      return hi;
    }
    eIa = eIb;
    eTa = eTb;
  }
  (void)KI;
  (void)KT;
  return INFINITY;
}

/* For a default pair: sign and constant; 0 when the pair is not one. */
static int pair_kind(const mc_model *m, int lhs, int rhs, double *sg, int *energy) {
  if (m->has_cap && m->policy != MC_POLICY_PROPORTIONAL)
    return 0;
  if (lhs == MC_S_INFERENCE_COMPUTE && rhs == MC_S_TRAINING_COMPUTE)
    *sg = 1, *energy = 0;
  else if (lhs == MC_S_TRAINING_COMPUTE && rhs == MC_S_INFERENCE_COMPUTE)
    *sg = -1, *energy = 0;
  else if (lhs == MC_S_INFERENCE_ENERGY && rhs == MC_S_TRAINING_ENERGY)
    *sg = 1, *energy = 1;
  else if (lhs == MC_S_TRAINING_ENERGY && rhs == MC_S_INFERENCE_ENERGY)
    *sg = -1, *energy = 1;
  else
    return 0;
  return 1;
}

void mc_model_crossover(const mc_model *m, const double *const *in, const double *const *coef,
                        int n, int lhs, int rhs, const double *grid, int stride, int *year,
                        double *tau) {
  const double *gl = grid + (size_t)lhs * m->ny * stride;
  const double *gr = grid + (size_t)rhs * m->ny * stride;
  for (int i = 0; i < n; i++)
    year[i] = -1;
  for (int y = m->ny - 1; y >= 0; y--) {
    const double *a = gl + (size_t)y * stride, *b = gr + (size_t)y * stride;
    for (int i = 0; i < n; i++)
      year[i] = a[i] >= b[i] ? y : year[i];
  }
  double sg = 1;
  int energy = 0;
  int fast = pair_kind(m, lhs, rhs, &sg, &energy);
  for (int i = 0; i < n; i++) {
    int yc = year[i];
    if (yc == 0) {
      tau[i] = 0;
      continue;
    }
    /* The first crossing lies at or before the first grid year that shows one. */
    int last = (yc > 0 ? yc : m->ny - 1) * MC_SCAN_PER_YEAR;
    double t;
    if (fast) {
      growth_pair g = {coef[MC_C_LNI0][i] - coef[MC_C_LNT0][i],
                       energy ? coef[MC_C_LNU][i] : 0.0,
                       sg,
                       coef[MC_C_SI][i],
                       coef[MC_C_CI][i],
                       coef[MC_C_ST][i],
                       coef[MC_C_CT][i]};
      t = search_pair(&g, coef[MC_C_KI][i], coef[MC_C_KT][i], coef[MC_C_QI][i], coef[MC_C_QT][i],
                      last);
    } else {
      t = search_generic(m, in, coef, i, lhs, rhs, last);
    }
    tau[i] = (isinf(t) && yc > 0) ? (double)yc : t;
  }
}
