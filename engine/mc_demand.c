/* Model `demand` (docs/model.md, "Model demand"): its tables, equations,
 * output series and crossing-time search. */
#include "mc_demand.h"

#include <math.h>

#include "mc_vmath.h"

/* One side's growth coefficients (see enum mc_coef_id). */
static inline __attribute__((always_inline)) void
prepare_side(const double *restrict x0, const double *restrict g, const double *restrict ginf,
             const double *restrict h, double *restrict ln0, double *restrict S, double *restrict C,
             double *restrict K, double *restrict Q, double *restrict Q12, int n) {
  for (int i = 0; i < n; i++) {
    double r = mc_log(g[i]), rinf = mc_log(ginf[i]), hi = h[i];
    int decays = (hi - hi == 0.0) & (r != rinf); /* a finite half-life that changes growth */
    double k = decays ? M_LN2 / hi : 0.0;
    ln0[i] = mc_log(x0[i]);
    S[i] = decays ? rinf : r;
    C[i] = decays ? (r - rinf) / k : 0.0;
    K[i] = k;
    Q[i] = mc_exp(-k);
    Q12[i] = mc_exp(-k * (1.0 / MC_SCAN_PER_YEAR));
  }
}

static inline __attribute__((always_inline)) void
prepare_ratios(const double *restrict f, const double *restrict uT, const double *restrict uI,
               const double *restrict gE, double *restrict FT, double *restrict FI,
               double *restrict LNU, double *restrict IGE, int n) {
  for (int i = 0; i < n; i++) {
    FT[i] = f[i] / uT[i];
    FI[i] = f[i] / uI[i];
    LNU[i] = mc_log(uT[i]) - mc_log(uI[i]);
    IGE[i] = 1.0 / gE[i];
  }
}

/* Branch-free with the engine's own log and exp (mc_vmath.h), so every loop
 * vectorizes and every clone gives the same bits. */
MC_CLONES static void demand_prepare_impl(const double *const *in, int n, double *const *coef) {
  prepare_side(in[MC_P_T0], in[MC_P_GT], in[MC_P_GT_INF], in[MC_P_HT], coef[MC_C_LNT0],
               coef[MC_C_ST], coef[MC_C_CT], coef[MC_C_KT], coef[MC_C_QT], coef[MC_C_QT12], n);
  prepare_side(in[MC_P_I0], in[MC_P_GI], in[MC_P_GI_INF], in[MC_P_HI], coef[MC_C_LNI0],
               coef[MC_C_SI], coef[MC_C_CI], coef[MC_C_KI], coef[MC_C_QI], coef[MC_C_QI12], n);
  prepare_ratios(in[MC_P_F], in[MC_P_UT], in[MC_P_UI], in[MC_P_GE], coef[MC_C_FT], coef[MC_C_FI],
                 coef[MC_C_LNU], coef[MC_C_IGE], n);
}

/* The exported entry: a plain function calling the cloned one (clang
 * multiversions only functions it sees defined before their first use). */
void mc_demand_prepare(const double *const *in, int n, double *const *coef) {
  demand_prepare_impl(in, n, coef);
}

/* Unit conversions as multiplications (within an ulp of docs/model.md's divisions). */
#define TWH_PER_J  (1.0 / MC_J_PER_TWH)
#define GW_PER_JYR (1.0 / (MC_SECONDS_PER_YEAR * 1e9))

/* Served values from demanded ones (docs/model.md "Power cap"). */
static inline __attribute__((always_inline)) void serve(int has_cap, int policy, double T, double I,
                                                        double ET, double EI, double W, double *o) {
  double ETs = ET, EIs = EI, Ts = T, Is = I, shortfall = 0;
  if (has_cap) {
    double D = (ET + EI) * GW_PER_JYR;
    int over = D > W;
    double A = W * 1e9 * MC_SECONDS_PER_YEAR;
    double et, ei;
    if (policy == MC_POLICY_INFERENCE_FIRST) {
      ei = EI < A ? EI : A;
      et = A - ei;
    } else if (policy == MC_POLICY_TRAINING_FIRST) {
      et = ET < A ? ET : A;
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
  double eT = ETs * TWH_PER_J, eI = EIs * TWH_PER_J;
  o[MC_S_TRAINING_ENERGY] = eT;
  o[MC_S_INFERENCE_ENERGY] = eI;
  o[MC_S_TOTAL_ENERGY] = eT + eI;
  o[MC_S_POWER] = (ETs + EIs) * GW_PER_JYR;
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

void mc_demand_eval(const mc_model *m, const double *const *in, const double *const *coef, int n,
                    double t, double *const *out) {
  double o[MC_NSERIES];
  for (int i = 0; i < n; i++) {
    point(m, in, coef, i, t, o);
    for (int s = 0; s < MC_NSERIES; s++)
      out[s][i] = o[s];
  }
}

/* One grid year for all samples. Inlined with constant has_cap and policy,
 * so that each variant is a branch-free loop that vectorizes. */
static inline __attribute__((always_inline)) void
grid_year_body(const double *const *in, const double *const *c, int n, double y, double *const *o,
               const double *restrict decT, const double *restrict decI, const double *restrict iEy,
               const double *restrict dPy, const double *restrict Wy, const int has_cap,
               const int policy) {
  const double *restrict lnT0 = c[MC_C_LNT0], *restrict ST = c[MC_C_ST], *restrict CT = c[MC_C_CT];
  const double *restrict lnI0 = c[MC_C_LNI0], *restrict SI = c[MC_C_SI], *restrict CI = c[MC_C_CI];
  const double *restrict FT = c[MC_C_FT], *restrict FI = c[MC_C_FI], *restrict P0 = in[MC_P_P0];
  double *restrict o0 = o[0], *restrict o1 = o[1], *restrict o2 = o[2], *restrict o3 = o[3],
                   *restrict o4 = o[4], *restrict o5 = o[5], *restrict o6 = o[6],
                   *restrict o7 = o[7], *restrict o8 = o[8];
  /* the output rows, inputs and scratch rows are distinct arrays */
#pragma GCC ivdep
  for (int i = 0; i < n; i++) {
    double T = mc_exp(lnT0[i] + ST[i] * y + CT[i] * (1 - decT[i]));
    double I = mc_exp(lnI0[i] + SI[i] * y + CI[i] * (1 - decI[i]));
    double P = 1 + (P0[i] - 1) * dPy[i];
    double TP = T * P * iEy[i], IP = I * P * iEy[i];
    double ET = TP * FT[i];
    double EI = IP * FI[i];
    double v[MC_NSERIES];
    serve(has_cap, policy, T, I, ET, EI, Wy[i], v);
    o0[i] = v[0];
    o1[i] = v[1];
    o2[i] = v[2];
    o3[i] = v[3];
    o4[i] = v[4];
    o5[i] = v[5];
    o6[i] = v[6];
    o7[i] = v[7];
    if (has_cap) /* power_shortfall: a series only with a cap */
      o8[i] = v[8];
  }
}

MC_CLONES static void grid_year(const mc_model *m, const double *const *in, const double *const *c,
                                int n, double y, double *const *o, const double *decT,
                                const double *decI, const double *iEy, const double *dPy,
                                const double *Wy) {
  if (!m->has_cap)
    grid_year_body(in, c, n, y, o, decT, decI, iEy, dPy, Wy, 0, 0);
  else if (m->policy == MC_POLICY_INFERENCE_FIRST)
    grid_year_body(in, c, n, y, o, decT, decI, iEy, dPy, Wy, 1, MC_POLICY_INFERENCE_FIRST);
  else if (m->policy == MC_POLICY_TRAINING_FIRST)
    grid_year_body(in, c, n, y, o, decT, decI, iEy, dPy, Wy, 1, MC_POLICY_TRAINING_FIRST);
  else
    grid_year_body(in, c, n, y, o, decT, decI, iEy, dPy, Wy, 1, MC_POLICY_PROPORTIONAL);
}

/* The multipliers at the first grid year (restrict-qualified: the rows are
 * distinct, so the loops vectorize). */
static inline __attribute__((always_inline)) void
grid_start(const double *restrict E0, const double *restrict W0, int has_cap, double *restrict decT,
           double *restrict decI, double *restrict iEy, double *restrict dPy, double *restrict Wy,
           int n) {
  for (int i = 0; i < n; i++) {
    decT[i] = decI[i] = dPy[i] = 1.0;
    iEy[i] = 1.0 / E0[i];
    Wy[i] = has_cap ? W0[i] : 0.0;
  }
}

/* The multipliers one grid year on. */
static inline __attribute__((always_inline)) void
grid_step(const double *restrict QT, const double *restrict QI, const double *restrict igE,
          const double *restrict dP, double *restrict decT, double *restrict decI,
          double *restrict iEy, double *restrict dPy, int n) {
  for (int i = 0; i < n; i++) {
    decT[i] *= QT[i];
    decI[i] *= QI[i];
    iEy[i] *= igE[i];
    dPy[i] *= dP[i];
  }
}

static inline __attribute__((always_inline)) void grid_cap_step(const double *restrict gW,
                                                                double *restrict Wy, int n) {
  for (int i = 0; i < n; i++)
    Wy[i] *= gW[i];
}

MC_CLONES static void demand_grid_impl(const mc_model *m, const double *const *in,
                                       const double *const *coef, int n, double *grid, int stride,
                                       double *work) {
  double *decT = work, *decI = work + n, *iEy = work + 2 * n, *dPy = work + 3 * n,
         *Wy = work + 4 * n;
  grid_start(in[MC_P_E0], in[MC_P_W0], m->has_cap, decT, decI, iEy, dPy, Wy, n);
  for (int y = 0; y < m->ny; y++) {
    double *o[MC_NSERIES];
    for (int s = 0; s < MC_NSERIES; s++)
      o[s] = grid + ((size_t)s * m->ny + y) * stride;
    grid_year(m, in, coef, n, (double)y, o, decT, decI, iEy, dPy, Wy);
    grid_step(coef[MC_C_QT], coef[MC_C_QI], coef[MC_C_IGE], in[MC_P_DP], decT, decI, iEy, dPy, n);
    if (m->has_cap)
      grid_cap_step(in[MC_P_GW], Wy, n);
  }
}

/* The exported entry: a plain function calling the cloned one (clang
 * multiversions only functions it sees defined before their first use). */
void mc_demand_grid(const mc_model *m, const double *const *in, const double *const *coef, int n,
                    double *grid, int stride, double *work) {
  demand_grid_impl(m, in, coef, n, grid, stride, work);
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

/* ln(lhs/rhs) for the default pairs: sg (dg(t) + c0) with dg = ln I - ln T,
 * written as sg (A + B t - CI exp(-KI t) + CT exp(-KT t)). */
typedef struct growth_pair {
  double A, B, CI, CT, sg;
  double SI, ST; /* for the bound */
} growth_pair;

static inline double pair_value(const growth_pair *g, double t, double eI, double eT) {
  return g->sg * (g->A + g->B * t - g->CI * eI + g->CT * eT);
}

static inline double dmax(double a, double b) { return a > b ? a : b; }
static inline double dmin(double a, double b) { return a < b ? a : b; }

/* Upper bound of pair_value on [a, b]: each of its terms is monotone in t, so
 * its extreme lies at an end. */
static inline double pair_upper(const growth_pair *g, double a, double b, double eIa, double eIb,
                                double eTa, double eTb) {
  double sIa = g->SI * a, sIb = g->SI * b, sTa = g->ST * a, sTb = g->ST * b;
  double cIa = -g->CI * eIa, cIb = -g->CI * eIb, cTa = g->CT * eTa, cTb = g->CT * eTb;
  if (g->sg > 0)
    return g->A + dmax(sIa, sIb) - dmin(sTa, sTb) + dmax(cIa, cIb) + dmax(cTa, cTb);
  return -(g->A + dmin(sIa, sIb) - dmax(sTa, sTb) + dmin(cIa, cIb) + dmin(cTa, cTb));
}

/* The screened search for a default pair, for a chunk of samples at once.
 * Per sample it is: for each year a = 0, 1, ... below `years` (exp(-K a) by
 * the recurrence exp(-K (a+1)) = exp(-K a) Q), skip the year if its bound
 * pair_upper is below -margin; otherwise scan its 12 points (exp(-K t) by
 * the recurrence with q = exp(-K/12) from the year start) for the first
 * with pair_value >= 0, and bisect that bracket 8 times (the halvings of q by
 * square roots); if the year holds no such point, go on with the next year.
 * tau is the upper end of the final bracket, +inf when no year has one.
 *
 * The samples go through it in passes over structure-of-arrays state that
 * vectorize: (1) screen a window of up to 64 years with a tighter test
 * (pair_slope_keeps), giving each sample the set of years it keeps (a bit
 * mask), ordered so that each year's screen covers only the samples that
 * reach it; then in rounds, (2) scan each remaining sample's next kept year
 * (none of its points when pair_upper rules the year out, as above) and
 * bisect its bracket, until it has one or no kept year is left. A year the
 * slope test drops has no point with pair_value >= 0, so the first such
 * point of the years pair_upper keeps is the same; about one year in 80 that
 * passes both holds none. Between the passes, scalar loops pick
 * each sample's next year and move it to or from the dense arrays the
 * vectorized passes work on. Each sample goes through the same
 * floating-point operations in the same order as in the per-sample loop
 * above (selects instead of branches; sqrt is correctly rounded at every
 * vector width), so the bits are the same for the baseline and the AVX2
 * clones; tests/test_model.c checks them against that loop. */
#define XO_CHUNK  128
#define XO_WINDOW 64

typedef struct xo_chunk {
  /* by sample p of the search */
  double A[XO_CHUNK], B[XO_CHUNK], CI[XO_CHUNK], CT[XO_CHUNK], SI[XO_CHUNK], ST[XO_CHUNK];
  double QI[XO_CHUNK], QT[XO_CHUNK], qI[XO_CHUNK], qT[XO_CHUNK];
  double DI[XO_CHUNK], DT[XO_CHUNK];   /* CI KI, CT KT: the derivative's terms */
  double M[XO_CHUNK], aB[XO_CHUNK];    /* |A| + |CI| + |CT| + |DI| + |DT|, |B|: sizes for tol */
  double years[XO_CHUNK];              /* years to search: scan points up to years * 12 */
  double live[XO_CHUNK];               /* 1 until settled */
  int a[XO_CHUNK];                     /* the year of eI, eT */
  double eI[XO_CHUNK], eT[XO_CHUNK];   /* exp(-K a), by the recurrence */
  double eIw[XO_CHUNK], eTw[XO_CHUNK]; /* (1) exp(-K) at the window's end */
  double fw[XO_CHUNK], tol[XO_CHUNK];  /* (1) pair_value at the year, the slope bound's tolerance */
  uint64_t keep[XO_CHUNK];             /* (1) the kept years not yet scanned, bit a - w0 */
  int idx[XO_CHUNK];                   /* the sample */
  /* dense: the samples of one scan round, then the brackets */
  double dA[XO_CHUNK], dB[XO_CHUNK], dCI[XO_CHUNK], dCT[XO_CHUNK], dqI[XO_CHUNK], dqT[XO_CHUNK];
  double dSI[XO_CHUNK], dST[XO_CHUNK], dQI[XO_CHUNK], dQT[XO_CHUNK]; /* (2) for pair_upper */
  double dy[XO_CHUNK], deI[XO_CHUNK], deT[XO_CHUNK];                 /* (2) in: year, exp(-K dy) */
  double djf[XO_CHUNK]; /* (2) out: first point with a crossing; 0 when none */
  double dhi[XO_CHUNK]; /* (2) out: upper end of its final bracket */
  int dp[XO_CHUNK];     /* p */
} xo_chunk;

/* A second, tighter test that pair_value stays below -tol on [a, b] =
 * [a, a + 1] (0 when it does), from its values fa, fb at the ends and bounds
 * dmx >= f' >= dmn of its derivative there (f' = sg (B + CI KI exp(-KI t) -
 * CT KT exp(-KT t)): each term monotone, so its extremes lie at the ends).
 * With u = max(dmx, 0), w = max(-dmn, 0), f lies below the line from
 * (a, fa) with slope u and below the one to (b, fb) with slope -w, so below
 * fa + u, fb + w and their crossing (fa w + fb u + u w) / (u + w), which is
 * compared without dividing. A sample whose f rises through the year (the
 * usual case) keeps just the year whose end shows the crossing. The bound
 * holds for the exact exponentials; the recurrences and the arithmetic stray
 * from them by a few ulps per step of the recurrence, relative to the sizes
 * of the terms, hence tol. */
static inline int pair_slope_keeps(const growth_pair *g, double fa, double fb, double dIa,
                                   double dIb, double dTa, double dTb, double tol) {
  double hi = g->B + dmax(dIa, dIb) - dmin(dTa, dTb), lo = g->B + dmin(dIa, dIb) - dmax(dTa, dTb);
  /* NaN anywhere keeps the year, as it does for pair_upper: dmax(0, NaN) is NaN */
  double u = dmax(0.0, g->sg > 0 ? hi : -lo), w = dmax(0.0, g->sg > 0 ? -lo : hi);
  return !(fa + u < -tol || fb + w < -tol || fa * w + fb * u + u * w < -tol * (u + w));
}

/* Pass (1) over the years [w0, w1) of the live samples, whose eI, eT are
 * at w0, with the slope test; inlined with a constant sign so that its
 * selects on the sign go. */
static inline __attribute__((always_inline)) void
screen_body(xo_chunk *restrict s, int m, int w0, int w1, const int *above, const double sg) {
  const double margin = 1e-9;
  for (int p = 0; p < m; p++) {
    growth_pair g = {s->A[p], s->B[p], s->CI[p], s->CT[p], sg, 0, 0};
    s->eIw[p] = s->eI[p];
    s->eTw[p] = s->eT[p];
    s->fw[p] = pair_value(&g, w0, s->eI[p], s->eT[p]);
    /* the tolerance at the window's end serves for all its years */
    s->tol[p] = margin + (s->M[p] + s->aB[p] * w1) * (w1 + 64) * 1e-14;
    s->keep[p] = 0;
  }
  for (int a = w0; a < w1; a++) {
    const double da = a, db = a + 1;
    const uint64_t bit = (uint64_t)1 << (a - w0);
    const int na = above[a < XO_WINDOW - 1 ? a : XO_WINDOW - 1]; /* years > a */
    for (int p = 0; p < na; p++) {
      growth_pair g = {s->A[p], s->B[p], s->CI[p], s->CT[p], sg, 0, 0};
      double eIa = s->eIw[p], eTa = s->eTw[p];
      double eIb = eIa * s->QI[p], eTb = eTa * s->QT[p];
      double fa = s->fw[p], fb = pair_value(&g, db, eIb, eTb);
      int kept = s->live[p] != 0 && da < s->years[p] &&
                 pair_slope_keeps(&g, fa, fb, s->DI[p] * eIa, s->DI[p] * eIb, s->DT[p] * eTa,
                                  s->DT[p] * eTb, s->tol[p]);
      s->fw[p] = fb;
      s->keep[p] |= kept ? bit : 0;
      s->eIw[p] = eIb;
      s->eTw[p] = eTb;
    }
  }
}

MC_CLONES static void screen_years(xo_chunk *s, int m, int w0, int w1, const int *above,
                                   double sg) {
  if (sg > 0)
    screen_body(s, m, w0, w1, above, 1.0);
  else
    screen_body(s, m, w0, w1, above, -1.0);
}

/* Pass (2): the 12 points of year dy, unrolled so that the state stays in
 * registers (none when pair_upper rules the year out), then at once the 8
 * bisection steps of the first bracket (j - 1, j] (idle work where there is
 * none: nearly every year that gets scanned has one). */
static inline __attribute__((always_inline)) void scan_body(xo_chunk *restrict s, int n,
                                                            const double sg) {
  const double h = 1.0 / MC_SCAN_PER_YEAR, margin = 1e-9;
  for (int k = 0; k < n; k++) {
    growth_pair g = {s->dA[k], s->dB[k], s->dCI[k], s->dCT[k], sg, s->dSI[k], s->dST[k]};
    double qI = s->dqI[k], qT = s->dqT[k];
    double eIlo = s->deI[k], eTlo = s->deT[k];
    double ya = s->dy[k], j0 = ya * MC_SCAN_PER_YEAR;
    double ub = pair_upper(&g, ya, ya + 1, eIlo, eIlo * s->dQI[k], eTlo, eTlo * s->dQT[k]);
    /* a year the reference's bound rules out: no point can be the first */
    double jf = ub < -margin ? -1.0 : 0.0;
#pragma GCC unroll 12
    for (int step = 1; step <= MC_SCAN_PER_YEAR; step++) {
      double j = j0 + step;
      double eI = eIlo * qI, eT = eTlo * qT;
      double v = pair_value(&g, j * h, eI, eT);
      /* jf stays 0 while every point so far has v < 0 (j >= 1) */
      jf = jf == 0 ? (v < 0 ? 0.0 : j) : jf;
      eIlo = jf == 0 ? eI : eIlo;
      eTlo = jf == 0 ? eT : eTlo;
    }
    jf = jf < 0 ? 0.0 : jf;
    double lo = (jf - 1) * h, hi = jf * h;
    double rI = qI, rT = qT;
#pragma GCC unroll 8
    for (int step = 0; step < MC_BISECT_STEPS; step++) {
      rI = sqrt(rI);
      rT = sqrt(rT);
      double mid = 0.5 * (lo + hi);
      double eIm = eIlo * rI, eTm = eTlo * rT;
      double v = pair_value(&g, mid, eIm, eTm);
      hi = v >= 0 ? mid : hi;
      lo = v >= 0 ? lo : mid;
      eIlo = v >= 0 ? eIlo : eIm;
      eTlo = v >= 0 ? eTlo : eTm;
    }
    s->djf[k] = jf;
    s->dhi[k] = hi;
  }
}

MC_CLONES static void scan_year(xo_chunk *s, int n, double sg) {
  if (sg > 0)
    scan_body(s, n, 1.0);
  else
    scan_body(s, n, -1.0);
}

/* Sample p to dense slot k: the growth terms. */
static inline void xo_dense(xo_chunk *s, int k, int p) {
  s->dA[k] = s->A[p];
  s->dB[k] = s->B[p];
  s->dCI[k] = s->CI[p];
  s->dCT[k] = s->CT[p];
  s->dqI[k] = s->qI[p];
  s->dqT[k] = s->qT[p];
  s->dSI[k] = s->SI[p];
  s->dST[k] = s->ST[p];
  s->dQI[k] = s->QI[p];
  s->dQT[k] = s->QT[p];
  s->dp[k] = p;
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

/* A sample's years to search (crossover year yc != 0), at most XO_WINDOW. */
static inline int xo_key(int yc, int ny) {
  int years = yc > 0 ? yc : ny - 1;
  return years < XO_WINDOW ? years : XO_WINDOW;
}

/* The search of a default pair for samples [i0, i0 + nc), nc <= XO_CHUNK. */
static void crossover_pair_chunk(const double *const *coef, int i0, int nc, int ny, double sg,
                                 int energy, const int *year, double *tau) {
  xo_chunk s;
  /* The samples in the order of their years, longest first (those of a
   * window or more all alike), so that the screen of year a covers just
   * the first above[min(a, XO_WINDOW - 1)]: above[k] have a key > k. */
  int cnt[XO_WINDOW + 1] = {0}, above[XO_WINDOW + 1], next[XO_WINDOW + 1];
  for (int i = i0; i < i0 + nc; i++)
    if (year[i] != 0)
      cnt[xo_key(year[i], ny)]++;
  above[XO_WINDOW] = 0;
  for (int k = XO_WINDOW; k > 0; k--)
    above[k - 1] = above[k] + cnt[k];
  for (int k = 0; k <= XO_WINDOW; k++)
    next[k] = above[k];
  int m = above[0] + cnt[0], amax = 0;
  for (int i = i0; i < i0 + nc; i++) {
    int yc = year[i];
    if (yc == 0) {
      tau[i] = 0;
      continue;
    }
    int p = next[xo_key(yc, ny)]++;
    /* The first crossing lies at or before the first grid year that shows one. */
    int years = yc > 0 ? yc : ny - 1;
    double CI = coef[MC_C_CI][i], CT = coef[MC_C_CT][i];
    double SI = coef[MC_C_SI][i], ST = coef[MC_C_ST][i];
    s.A[p] = coef[MC_C_LNI0][i] - coef[MC_C_LNT0][i] + (energy ? coef[MC_C_LNU][i] : 0.0) + CI - CT;
    s.B[p] = SI - ST;
    s.CI[p] = CI;
    s.CT[p] = CT;
    s.SI[p] = SI;
    s.ST[p] = ST;
    s.QI[p] = coef[MC_C_QI][i];
    s.QT[p] = coef[MC_C_QT][i];
    s.qI[p] = coef[MC_C_QI12][i];
    s.qT[p] = coef[MC_C_QT12][i];
    s.DI[p] = CI * coef[MC_C_KI][i];
    s.DT[p] = CT * coef[MC_C_KT][i];
    s.M[p] = fabs(s.A[p]) + fabs(CI) + fabs(CT) + fabs(s.DI[p]) + fabs(s.DT[p]);
    s.aB[p] = fabs(s.B[p]);
    s.years[p] = years;
    s.live[p] = 1;
    s.a[p] = 0;
    s.eI[p] = s.eT[p] = 1.0;
    s.idx[p] = i;
    amax = years > amax ? years : amax;
  }
  for (int w0 = 0; w0 < amax; w0 += XO_WINDOW) {
    int w1 = amax - w0 < XO_WINDOW ? amax : w0 + XO_WINDOW;
    screen_years(&s, m, w0, w1, above, sg);
    /* the live samples, then in each round those without a bracket yet */
    int nl = 0, list[XO_CHUNK];
    for (int p = 0; p < m; p++)
      if (s.live[p] != 0)
        list[nl++] = p;
    while (nl > 0) {
      /* Each sample's next kept year, with exp(-K a) carried on to it; a
       * sample without one leaves the window: settled at the end of its
       * years, else on to the next window. */
      int n = 0;
      for (int l = 0; l < nl; l++) {
        int p = list[l];
        if (s.keep[p] == 0) {
          if (w1 >= s.years[p]) {
            int i = s.idx[p];
            tau[i] = year[i] > 0 ? (double)year[i] : INFINITY;
            s.live[p] = 0;
          } else {
            s.a[p] = w1;
            s.eI[p] = s.eIw[p];
            s.eT[p] = s.eTw[p];
          }
          continue;
        }
        int a = w0 + __builtin_ctzll(s.keep[p]);
        s.keep[p] &= s.keep[p] - 1;
        double eI = s.eI[p], eT = s.eT[p];
        for (; s.a[p] < a; s.a[p]++) {
          eI *= s.QI[p];
          eT *= s.QT[p];
        }
        s.eI[p] = eI;
        s.eT[p] = eT;
        xo_dense(&s, n, p);
        s.dy[n] = a;
        s.deI[n] = eI;
        s.deT[n] = eT;
        n++;
      }
      scan_year(&s, n, sg);
      nl = 0;
      for (int k = 0; k < n; k++) {
        int p = s.dp[k];
        if (s.djf[k] != 0) {
          tau[s.idx[p]] = s.dhi[k];
          s.live[p] = 0;
        } else {
          list[nl++] = p;
        }
      }
    }
  }
}

/* The crossover years: the first grid year with lhs >= rhs, -1 when none. */
MC_CLONES static void first_year(const double *gl, const double *gr, int ny, int n, int stride,
                                 int *restrict year) {
  for (int i = 0; i < n; i++)
    year[i] = -1;
  for (int y = ny - 1; y >= 0; y--) {
    const double *restrict a = gl + (size_t)y * stride, *restrict b = gr + (size_t)y * stride;
    for (int i = 0; i < n; i++)
      year[i] = a[i] >= b[i] ? y : year[i];
  }
}

void mc_demand_crossover(const mc_model *m, const double *const *in, const double *const *coef,
                         int n, int lhs, int rhs, const double *grid, int stride, int *year,
                         double *tau) {
  first_year(grid + (size_t)lhs * m->ny * stride, grid + (size_t)rhs * m->ny * stride, m->ny, n,
             stride, year);
  double sg = 1;
  int energy = 0;
  if (pair_kind(m, lhs, rhs, &sg, &energy)) {
    for (int i0 = 0; i0 < n; i0 += XO_CHUNK)
      crossover_pair_chunk(coef, i0, n - i0 < XO_CHUNK ? n - i0 : XO_CHUNK, m->ny, sg, energy, year,
                           tau);
    return;
  }
  for (int i = 0; i < n; i++) {
    int yc = year[i];
    if (yc == 0) {
      tau[i] = 0;
      continue;
    }
    int last = (yc > 0 ? yc : m->ny - 1) * MC_SCAN_PER_YEAR;
    double t = search_generic(m, in, coef, i, lhs, rhs, last);
    tau[i] = (isinf(t) && yc > 0) ? (double)yc : t;
  }
}

/* ---- the table entry ---------------------------------------------------- */
#ifndef MC_DEMAND_KERNEL_ONLY /* tests/test_model_isa.c builds the kernel alone */

#define INF HUGE_VAL

/* key, symbol, unit, meaning, lo, hi, lo_open, hi_open, default kind, default, follows */
const mc_param_info mc_demand_params[MC_NPARAM] = {
    [MC_P_T0] = {"training.compute", "T0", "FLOP/yr",
                 "training compute executed worldwide in the base year", 0, INF, 1, 1,
                 MC_DEF_REQUIRED, 0, -1},
    [MC_P_GT] = {"training.growth", "gT", "x/yr",
                 "initial annual growth multiplier of training compute", 0, INF, 1, 1,
                 MC_DEF_REQUIRED, 0, -1},
    [MC_P_GT_INF] = {"training.growth_longrun", "gT_inf", "x/yr",
                     "long-run multiplier the training growth converges to", 0, INF, 1, 1,
                     MC_DEF_FOLLOWS, 0, MC_P_GT},
    [MC_P_HT] = {"training.growth_halflife", "hT", "yr",
                 "half-life of the convergence of training growth", 0, INF, 1, 0, MC_DEF_INFINITE,
                 INF, -1},
    [MC_P_I0] = {"inference.compute", "I0", "FLOP/yr",
                 "inference compute executed in the base year", 0, INF, 1, 1, MC_DEF_REQUIRED, 0,
                 -1},
    [MC_P_GI] = {"inference.growth", "gI", "x/yr",
                 "initial annual growth multiplier of inference compute", 0, INF, 1, 1,
                 MC_DEF_REQUIRED, 0, -1},
    [MC_P_GI_INF] = {"inference.growth_longrun", "gI_inf", "x/yr",
                     "long-run multiplier the inference growth converges to", 0, INF, 1, 1,
                     MC_DEF_FOLLOWS, 0, MC_P_GI},
    [MC_P_HI] = {"inference.growth_halflife", "hI", "yr",
                 "half-life of the convergence of inference growth", 0, INF, 1, 0, MC_DEF_INFINITE,
                 INF, -1},
    [MC_P_E0] = {"hardware.efficiency", "E0", "FLOP/J",
                 "fleet-average peak FLOP per joule at rated IT power, base year", 0, INF, 1, 1,
                 MC_DEF_REQUIRED, 0, -1},
    [MC_P_GE] = {"hardware.efficiency_growth", "gE", "x/yr",
                 "annual improvement multiplier of efficiency", 0, INF, 1, 1, MC_DEF_REQUIRED, 0,
                 -1},
    [MC_P_F] = {"hardware.power_factor", "f", "1", "average power drawn / rated IT power", 0, 1, 1,
                0, MC_DEF_VALUE, 1.0, -1},
    [MC_P_UT] = {"training.utilization", "uT", "1", "executed FLOP / peak FLOP while training", 0,
                 1, 1, 0, MC_DEF_REQUIRED, 0, -1},
    [MC_P_UI] = {"inference.utilization", "uI", "1", "executed FLOP / peak FLOP while serving", 0,
                 1, 1, 0, MC_DEF_REQUIRED, 0, -1},
    [MC_P_P0] = {"datacenter.pue", "P0", "1", "facility energy / IT energy in the base year", 1,
                 INF, 0, 1, MC_DEF_VALUE, 1.0, -1},
    [MC_P_DP] = {"datacenter.pue_trend", "dP", "x/yr", "annual multiplier of the PUE overhead", 0,
                 1, 1, 0, MC_DEF_VALUE, 1.0, -1},
    [MC_P_W0] = {"power.capacity", "W0", "GW", "AI data-center power available in the base year", 0,
                 INF, 1, 1, MC_DEF_ABSENT, 0, -1},
    [MC_P_GW] = {"power.capacity_growth", "gW", "x/yr", "annual growth multiplier of that capacity",
                 0, INF, 1, 1, MC_DEF_ABSENT, 0, -1},
};

const mc_series_info mc_demand_series[MC_NSERIES] = {
    [MC_S_TRAINING_COMPUTE] = {"training_compute", "FLOP/yr", "served training compute"},
    [MC_S_INFERENCE_COMPUTE] = {"inference_compute", "FLOP/yr", "served inference compute"},
    [MC_S_TOTAL_COMPUTE] = {"total_compute", "FLOP/yr", "training plus inference compute"},
    [MC_S_INFERENCE_SHARE] = {"inference_share", "1", "inference / total compute"},
    [MC_S_TRAINING_ENERGY] = {"training_energy", "TWh/yr", "served training energy"},
    [MC_S_INFERENCE_ENERGY] = {"inference_energy", "TWh/yr", "served inference energy"},
    [MC_S_TOTAL_ENERGY] = {"total_energy", "TWh/yr", "training plus inference energy"},
    [MC_S_POWER] = {"power", "GW", "average power of the served energy"},
    [MC_S_POWER_SHORTFALL] = {"power_shortfall", "GW", "demanded power above the cap",
                              MC_SERIES_NOLOG,
                              "a power cap: power.capacity and power.capacity_growth"},
};

static const mc_cross_default demand_cross[] = {
    {"compute", MC_S_INFERENCE_COMPUTE, MC_S_TRAINING_COMPUTE},
    {"energy", MC_S_INFERENCE_ENERGY, MC_S_TRAINING_ENERGY},
};

static const mc_chart_info demand_charts[] = {
    {"compute", "AI compute executed per year", "Compute (FLOP/yr)",
     "training_compute inference_compute", 0},
    {"energy", "AI electricity use per year", "Electricity (TWh/yr)",
     "training_energy inference_energy", 0},
    {"power", "AI data-center power", "Average power (GW)", "power power_shortfall", 0},
    {"share", "inference share of compute", "Share of total compute", "inference_share", 1},
};

static int demand_work(int ny) { return MC_MODEL_WORK * MC_BLOCK; }

static void demand_resolve(mc_spec *s) { s->has_cap = s->configured[MC_P_W0]; }

static int demand_has_series(const mc_spec *s, int series) {
  return series != MC_S_POWER_SHORTFALL || s->has_cap;
}

static void demand_prepare(const mc_model *m, const double *const *in, int n, double *const *coef) {
  mc_demand_prepare(in, n, coef);
}

static void demand_grid(const mc_model *m, const double *const *in, const double *const *coef,
                        int n, double *grid, int stride, double *work, uint8_t *cat) {
  mc_demand_grid(m, in, coef, n, grid, stride, work);
}

const mc_model_type mc_model_demand = {
    .name = "demand",
    .summary = "compute demand grows by itself, energy follows (optional power cap)",
    .nparam = MC_NPARAM,
    .param = mc_demand_params,
    .nseries = MC_NSERIES,
    .series = mc_demand_series,
    .ncross = 2,
    .cross = demand_cross,
    .ncharts = 4,
    .charts = demand_charts,
    .ncoef = MC_NCOEF,
    .work = demand_work,
    /* the search's last bracket (mc_demand.h) */
    .tau_error = 1.0 / (MC_SCAN_PER_YEAR << MC_BISECT_STEPS),
    .resolve = demand_resolve,
    .has_series = demand_has_series,
    .prepare = demand_prepare,
    .grid = demand_grid,
    .crossover = mc_demand_crossover,
};
#endif
