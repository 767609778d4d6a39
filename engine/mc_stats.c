/* Statistics derived from the state of a run: see mc_stats.h. */
#include "mc_stats.h"

#include <math.h>

#include <gsl/gsl_cdf.h>

double mc_stats_series_percentile(const mc_stats *st, int series, int y, double p) {
  return mc_sketch_quantile(&st->series[series * st->ny + y], p);
}

double mc_stats_series_mean(const mc_stats *st, int series, int y) {
  int k = series * st->ny + y;
  uint64_t n = mc_sketch_count(&st->series[k]);
  if (n == 0)
    return NAN;
  return st->shift[k] + mc_xsum_value(&st->sum1[k]) / (double)n;
}

double mc_stats_series_std(const mc_stats *st, int series, int y) {
  int k = series * st->ny + y;
  uint64_t n = mc_sketch_count(&st->series[k]);
  if (n == 0)
    return NAN;
  double m1 = mc_xsum_value(&st->sum1[k]) / (double)n;
  double m2 = mc_xsum_value(&st->sum2[k]) / (double)n;
  double var = m2 - m1 * m1;
  return var > 0 ? sqrt(var) : 0.0;
}

uint64_t mc_stats_series_nonfinite(const mc_stats *st, int series, int y) {
  return st->series[series * st->ny + y].nonfinite;
}

double mc_stats_param_percentile(const mc_stats *st, int param, double p) {
  return mc_sketch_quantile(&st->param[param], p);
}

double mc_stats_time_quantile(const mc_stats *st, int cross, double p) {
  const uint64_t *h = st->tau_hist + (size_t)cross * st->ntau;
  /* Censored samples (no crossing time) rank last, so n counts every sample;
   * a sample can cross between grid years without having a crossover year,
   * so the `never` count is not the censored count. */
  uint64_t n = mc_stats_done_samples(st);
  if (n == 0)
    return NAN;
  double kd = ceil(p * (double)n / 100.0);
  uint64_t k = kd < 1 ? 1 : (uint64_t)kd;
  if (k > n)
    k = n;
  uint64_t cum = 0;
  for (int64_t b = 0; b < st->ntau; b++) {
    cum += h[b];
    if (cum >= k) {
      double tau = b == 0 ? 0.0 : ((double)b - 0.5) / MC_TAU_BINS_PER_YEAR;
      return tau;
    }
  }
  return NAN; /* the k-th sample is censored */
}

void mc_stats_series_percentiles(const mc_stats *st, int series, int y, int np, const double *p,
                                 double *out) {
  mc_sketch_quantiles(&st->series[series * st->ny + y], np, p, out, 0);
}

void mc_stats_series_percentiles_se(const mc_stats *st, int series, int y, int np, const double *p,
                                    double *out) {
  enum { MAXQ = 128 };
  for (; np > MAXQ; np -= MAXQ, p += MAXQ, out += MAXQ)
    mc_stats_series_percentiles_se(st, series, y, MAXQ, p, out);
  const mc_sketch *s = &st->series[series * st->ny + y];
  uint64_t n = mc_sketch_count(s);
  double at[2 * MAXQ], q[2 * MAXQ], d[MAXQ], lo[MAXQ], hi[MAXQ];
  for (int i = 0; i < np; i++) {
    /* The order statistics d = sqrt(u (1 - u) / n) of a rank either side of
     * the percentile's, read from the sketch with the CDF interpolated inside
     * buckets: (Q(u + d) - Q(u - d)) / 2 estimates d / f(Q(u)), the standard
     * error of the sample percentile of n independent draws. Near the ends
     * the span is cut to the data and rescaled. All reads in one pass. */
    double u = p[i] / 100.0, edge = 0.5 / (double)n;
    d[i] = sqrt(u * (1.0 - u) / (double)n);
    lo[i] = u - d[i] < edge ? edge : u - d[i];
    hi[i] = u + d[i] > 1.0 - edge ? 1.0 - edge : u + d[i];
    int ok = n >= 2 && p[i] > 0.0 && p[i] < 100.0 && hi[i] > lo[i];
    at[2 * i] = ok ? 100.0 * lo[i] : NAN;
    at[2 * i + 1] = ok ? 100.0 * hi[i] : NAN;
  }
  mc_sketch_quantiles_n(s, n, 2 * np, at, q, 1);
  for (int i = 0; i < np; i++)
    out[i] = isnan(at[2 * i]) ? NAN : (q[2 * i + 1] - q[2 * i]) * d[i] / (hi[i] - lo[i]);
}

double mc_stats_series_percentile_se(const mc_stats *st, int series, int y, double p) {
  double se;
  mc_stats_series_percentiles_se(st, series, y, 1, &p, &se);
  return se;
}

double mc_engine_time_accuracy(const mc_spec *spec) {
  return 0.5 / MC_TAU_BINS_PER_YEAR + spec->model->tau_error;
}

double mc_stats_probability_se(uint64_t k, uint64_t n) {
  if (n == 0)
    return NAN;
  double p = (double)k / (double)n;
  return sqrt(p * (1 - p) / (double)n);
}

double mc_stats_max_probability_se(const uint64_t *year_counts, const uint64_t *never, int ncross,
                                   int ny, uint64_t n) {
  double worst = 0;
  for (int c = 0; c < ncross; c++) {
    uint64_t cum = 0;
    for (int y = 0; y < ny; y++) {
      uint64_t k = year_counts[(size_t)c * ny + y];
      cum += k;
      double a = mc_stats_probability_se(k, n), b = mc_stats_probability_se(cum, n);
      worst = a > worst ? a : worst;
      worst = b > worst ? b : worst;
    }
    double v = mc_stats_probability_se(never[c], n);
    worst = v > worst ? v : worst;
  }
  return n ? worst : INFINITY;
}

/* Indices from the sums S of one target (see MC_SENS_NSUM) over N samples. */
static void sens_estimate(const double *S, int k, double N, double *first, double *total) {
  double mean = (S[0] + S[2]) / (2 * N), var = (S[1] + S[3]) / (2 * N) - mean * mean;
  for (int j = 0; j < k; j++) {
    first[j] = N > 0 && var > 0 ? S[4 + 2 * j] / N / var : NAN;
    total[j] = N > 0 && var > 0 ? S[5 + 2 * j] / (2 * N) / var : NAN;
  }
}

void mc_stats_sensitivity(const mc_stats *st, int t, double *first, double *total, double *first_ci,
                          double *total_ci) {
  int k = st->sens_k, nsum = MC_SENS_NSUM(k);
  double S[MC_SENS_NSUM(MC_MAXINPUT)], bf[MC_SENS_BATCHES][MC_MAXINPUT],
      bt[MC_SENS_BATCHES][MC_MAXINPUT];
  int G = 0;
  for (int q = 0; q < nsum; q++) {
    mc_xsum x;
    mc_xsum_init(&x);
    for (int g = 0; g < MC_SENS_BATCHES; g++)
      mc_xsum_merge(&x, &st->sens[((size_t)g * st->nsens + t) * nsum + q]);
    S[q] = mc_xsum_value(&x);
  }
  sens_estimate(S, k, (double)mc_stats_done_samples(st), first, total);
  for (int g = 0; g < MC_SENS_BATCHES; g++) {
    uint64_t ng = mc_stats_batch_samples(st, MC_SENS_BATCHES, g);
    if (ng == 0)
      continue;
    for (int q = 0; q < nsum; q++)
      S[q] = mc_xsum_value(&st->sens[((size_t)g * st->nsens + t) * nsum + q]);
    sens_estimate(S, k, (double)ng, bf[G], bt[G]);
    G++;
  }
  double tq = G >= 2 ? gsl_cdf_tdist_Pinv(0.975, G - 1) : NAN;
  for (int j = 0; j < k; j++) {
    double est[2] = {first[j], total[j]}, *ci[2] = {first_ci, total_ci};
    for (int w = 0; w < 2; w++) {
      double mean = 0, ss = 0;
      for (int g = 0; g < G; g++)
        mean += w ? bt[g][j] : bf[g][j];
      mean /= G;
      for (int g = 0; g < G; g++) {
        double d = (w ? bt[g][j] : bf[g][j]) - mean;
        ss += d * d;
      }
      double half = G >= 2 ? tq * sqrt(ss / (G - 1) / G) : NAN;
      ci[w][2 * j] = est[w] - half;
      ci[w][2 * j + 1] = est[w] + half;
    }
  }
}
