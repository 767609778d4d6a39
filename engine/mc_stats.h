/* Statistics derived from the state of a run (docs/model.md "Statistics over
 * samples"): percentiles and their standard errors from the sketches, moments
 * from the exact sums, crossing-time quantiles from their histogram, Sobol'
 * sensitivity indices, and the standard errors of probabilities. Pure
 * functions of an mc_stats: no MPI, no I/O. */
#ifndef MC_STATS_H
#define MC_STATS_H

#include <stdint.h>

#include "mc_state.h"

/* y is a grid-year index, p a percent. */
double mc_stats_series_percentile(const mc_stats *st, int series, int y, double p);
double mc_stats_series_mean(const mc_stats *st, int series, int y);
double mc_stats_series_std(const mc_stats *st, int series, int y); /* population (ddof 0) */
double mc_stats_param_percentile(const mc_stats *st, int param, double p);
/* Samples whose value of the series in year y overflowed or was NaN (left out
 * of its bands and moments). */
uint64_t mc_stats_series_nonfinite(const mc_stats *st, int series, int y);
/* Quantile p of the crossing time tau (years since the base year, censored
 * samples counted as +inf); NaN where it falls on a censored sample. */
double mc_stats_time_quantile(const mc_stats *st, int cross, double p);

/* The bound on the error of a reported crossing time (years): half a bin of
 * the crossing-time histogram plus the model's own search error. */
double mc_engine_time_accuracy(const mc_spec *spec);

/* Standard error of mc_stats_series_percentile for n independent samples:
 * half the spread between the order statistics sqrt(p (1 - p) n) ranks
 * either side, read from the series' sketch (a distribution-free estimate
 * of sqrt(p (1 - p) / n) / density). For lhs and sobol designs, whose errors
 * are smaller, it is an upper estimate. NaN for fewer than 2 values or p
 * outside (0, 100). */
double mc_stats_series_percentile_se(const mc_stats *st, int series, int y, double p);
/* The two above at np percents p[] at once (one pass over the sketch): the
 * same values as np single calls. */
void mc_stats_series_percentiles(const mc_stats *st, int series, int y, int np, const double *p,
                                 double *out);
void mc_stats_series_percentiles_se(const mc_stats *st, int series, int y, int np, const double *p,
                                    double *out);

/* The Monte Carlo standard error sqrt(p (1 - p) / n) of a probability
 * estimated from k of n samples. */
double mc_stats_probability_se(uint64_t k, uint64_t n);

/* The largest standard error of any crossover probability: of each year's
 * probability, each year's cumulative probability and the probability of no
 * crossover, over every crossover (the sampling.stop_when criterion). */
double mc_stats_max_probability_se(const uint64_t *year_counts, const uint64_t *never, int ncross,
                                   int ny, uint64_t n);

/* Sobol' indices of sensitivity target t over the st->sens_k analysed
 * parameters: first[j] (Saltelli 2010, with the target shifted by its value
 * at the medians), total[j] (Jansen 1999), and 95% confidence intervals
 * first_ci[2j], first_ci[2j+1] (likewise total_ci) from the
 * MC_SENS_BATCHES batch estimates (mean +- t(0.975, G-1) sd / sqrt(G), G
 * non-empty batches). NaN where undefined (no samples, zero variance,
 * non-finite targets; CIs with fewer than 2 batches). */
void mc_stats_sensitivity(const mc_stats *st, int t, double *first, double *total, double *first_ci,
                          double *total_ci);

#endif
