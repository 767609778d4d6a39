/* crossover report: the numbers a person reads, from a results file. */
#include <getopt.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mc_h5.h"
#include "mc_model.h"

static const char report_usage[] =
    "usage: crossover report OUT.h5 [--format text|markdown|csv|json]\n"
    "       crossover report A.h5 B.h5 [--format text|markdown|csv|json]\n"
    "\n"
    "One file: prints, per crossover, the probability that it has happened by each\n"
    "grid year (with its Monte Carlo standard error sqrt(p(1-p)/n)) and in each year,\n"
    "the median and 90% interval of the crossing year and the probability of no\n"
    "crossover by the horizon; per series, the median (with its standard error, from\n"
    "the order statistics around it) and 90% band at the base year, every fifth year and the\n"
    "horizon; for a job with a sensitivity section, the first-order and total Sobol'\n"
    "indices of each target with 95% intervals, largest total first. Works on\n"
    "checkpoints, merged files and runs stopped by sampling.stop_when.\n"
    "\n"
    "Two files: the two scenarios side by side, and per crossover (matched by name)\n"
    "and common grid year the difference B - A of the cumulative probability with\n"
    "its standard error. Independent runs (different seeds): sqrt(pA(1-pA)/nA +\n"
    "pB(1-pB)/nB). Runs sharing a seed draw the same random numbers for sample i\n"
    "(common random numbers), so their estimates are paired and the counts alone do\n"
    "not fix the standard error: sqrt(|d|(1-|d|)/n) (d = pB - pA, equal n) is a lower\n"
    "bound that always holds, and the independent figure an upper bound when the\n"
    "pairing correlates the estimates positively, the aim of common random numbers\n"
    "(checked for epoch-2030 against slow-growth; not guaranteed for every pair). The\n"
    "output says whether the seeds are shared and prints both figures.\n"
    "\n"
    "All standard errors are the formulas for independent samples (sampling.method\n"
    "mc); with lhs or sobol they are usually pessimistic, and the output says so.\n"
    "\n"
    "  --format text       aligned tables for people (default)\n"
    "  --format markdown   GitHub/pandoc tables, for papers and notes\n"
    "  --format csv        one row per number; one file:\n"
    "                        section,name,year,quantity,value,standard_error\n"
    "                      two files:\n"
    "                        section,name,year,quantity,a,b,difference,\n"
    "                        se_independent,se_paired_min\n"
    "  --format json       one object, for scripts\n"
    "\n"
    "Exit status: 0 done; 2 bad usage or a file that is not a readable Crossover\n"
    "results file.\n";

enum { F_TEXT, F_CSV, F_JSON, F_MARKDOWN };

static int shown_year(const mc_spec *s, int y) {
  return y == 0 || y == mc_spec_nyears(s) - 1 || y % 5 == 0;
}

static void json_num(double v) {
  if (isfinite(v))
    printf("%.10g", v);
  else
    printf("null");
}

/* Prints s as a JSON string. */
static void json_str(const char *s) {
  putchar('"');
  for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
    if (*c == '"' || *c == '\\')
      printf("\\%c", *c);
    else if (*c == '\n')
      printf("\\n");
    else if (*c < 0x20)
      printf("\\u%04x", *c);
    else
      putchar(*c);
  }
  putchar('"');
}

/* Decimals for probabilities and their standard errors over n samples: 4,
 * or enough that the largest standard error, 0.5 / sqrt(n), shows a digit
 * (5 from about 4e7 samples). */
static int prob_decimals(uint64_t n) {
  double se = n ? 0.5 / sqrt((double)n) : 1.0;
  int d = (int)ceil(-log10(se));
  return d < 4 ? 4 : d > 8 ? 8 : d;
}

/* Says that the standard errors are the plain Monte Carlo formulas when a run
 * used a stratified or quasi-random design. */
static void design_note(const mc_spec *a, const mc_spec *b) {
  const mc_spec *s = a->method != MC_METHOD_MC ? a : b;
  if (s->method == MC_METHOD_MC)
    return;
  printf("Sampling method %s: the standard errors are those of independent samples\n"
         "(probabilities: sqrt(p(1-p)/n); percentiles: the spread of the order\n"
         "statistics around them); Latin hypercube and scrambled Sobol' designs are usually more\n"
         "precise than that, by an amount the counts do not tell. Runs with different\n"
         "seeds measure it.\n",
         mc_method_names[s->method]);
}

/* What the sample count means: "" for a complete run, else a parenthesis. */
static const char *samples_note(const mc_spec *s, const mc_stats *st, char *buf, size_t len) {
  if (st->stop_blocks && mc_stats_complete(st))
    snprintf(buf, len,
             " (stopped by sampling.stop_when: every crossover probability's standard error "
             "below %g; cap %llu)",
             s->stop_se, (unsigned long long)s->samples);
  else if (!mc_stats_complete(st))
    snprintf(buf, len, " (incomplete: a checkpoint or partial merge)");
  else
    buf[0] = '\0';
  return buf;
}

/* Sensitivity target t's indices, and the order of the parameters by total
 * index, largest first (NaN last). */
typedef struct sens_result {
  double first[MC_MAXPARAM], total[MC_MAXPARAM], first_ci[2 * MC_MAXPARAM],
      total_ci[2 * MC_MAXPARAM];
  int order[MC_MAXPARAM];
} sens_result;

static void sens_get(const mc_stats *st, int t, sens_result *r) {
  mc_stats_sensitivity(st, t, r->first, r->total, r->first_ci, r->total_ci);
  for (int j = 0; j < st->sens_k; j++)
    r->order[j] = j;
  for (int i = 1; i < st->sens_k; i++)
    for (int j = i; j > 0; j--) {
      double a = r->total[r->order[j - 1]], b = r->total[r->order[j]];
      if (!(isnan(a) || (!isnan(b) && b > a)))
        break;
      int x = r->order[j];
      r->order[j] = r->order[j - 1];
      r->order[j - 1] = x;
    }
}

static const char *sens_meaning(const mc_sens_target *t) {
  return t->kind == MC_SENS_SERIES ? "natural log of the series in that year"
                                   : "crossing time; no crossing counts as the horizon";
}

/* The sensitivity section, text (md 0) or markdown (md 1). */
static void report_sensitivity(const mc_spec *s, const mc_stats *st, int md) {
  const mc_model_type *M = s->model;
  if (!st->nsens)
    return;
  uint64_t n = mc_stats_done_samples(st);
  if (md)
    printf("\n## Sensitivity: Sobol' indices\n\n");
  else
    printf("\nSensitivity: Sobol' indices (first-order and total, 95%% confidence intervals)\n");
  printf("%s%llu samples x %d model evaluations (k + 2, k = %d parameters). First order:%s"
         "Saltelli 2010; total: Jansen 1999; intervals from %d batches of blocks. Largest\n%s"
         "total first.\n",
         md ? "" : "  ", (unsigned long long)n, st->sens_k + 2, st->sens_k, md ? " " : "\n  ",
         MC_SENS_BATCHES, md ? "" : "  ");
  for (int t = 0; t < st->nsens; t++) {
    sens_result r;
    sens_get(st, t, &r);
    if (md)
      printf("\n### `%s` (%s)\n\n| Parameter | First order | 95%% CI | Total | 95%% CI |\n"
             "|---|---:|---:|---:|---:|\n",
             s->sens[t].name, sens_meaning(&s->sens[t]));
    else
      printf("  %s (%s)\n    %-28s %-24s %s\n", s->sens[t].name, sens_meaning(&s->sens[t]),
             "parameter", "first order", "total");
    for (int i = 0; i < st->sens_k; i++) {
      int j = r.order[i];
      const char *key = M->param[st->sens_par[j]].key;
      if (md)
        printf("| %s | %.4f | [%.4f, %.4f] | %.4f | [%.4f, %.4f] |\n", key, r.first[j],
               r.first_ci[2 * j], r.first_ci[2 * j + 1], r.total[j], r.total_ci[2 * j],
               r.total_ci[2 * j + 1]);
      else
        printf("    %-28s %6.3f [%6.3f, %6.3f]   %6.3f [%6.3f, %6.3f]\n", key, r.first[j],
               r.first_ci[2 * j], r.first_ci[2 * j + 1], r.total[j], r.total_ci[2 * j],
               r.total_ci[2 * j + 1]);
    }
  }
}

static void report_text(const char *path, const mc_job *job, const mc_stats *st) {
  const mc_spec *s = &job->spec;
  const mc_model_type *M = s->model;
  uint64_t n = mc_stats_done_samples(st);
  int ny = st->ny;
  char note[256];
  printf("%s: scenario %s\n", path, s->scenario);
  printf("  %llu samples%s, seed %llu, %s sampling, grid %d-%d\n", (unsigned long long)n,
         samples_note(s, st, note, sizeof note), (unsigned long long)s->seed,
         mc_method_names[s->method], s->base_year, s->horizon_year);
  if (job->description[0])
    printf("  %s\n", job->description);
  for (int c = 0; c < s->ncross; c++) {
    const mc_crossover_spec *x = &s->cross[c];
    printf("\nCrossover '%s': %s >= %s\n", x->name, M->series[x->lhs].name, M->series[x->rhs].name);
    double q5 = mc_stats_time_quantile(st, c, 5), q50 = mc_stats_time_quantile(st, c, 50),
           q95 = mc_stats_time_quantile(st, c, 95);
    char b5[32], b50[32], b95[32];
    double tq[3] = {q5, q50, q95};
    char *bs[3] = {b5, b50, b95};
    for (int i = 0; i < 3; i++) {
      if (isnan(tq[i]))
        snprintf(bs[i], 32, "after %d", s->horizon_year);
      else
        snprintf(bs[i], 32, "%.2f", s->base_year + tq[i]);
    }
    printf("  crossing year: median %s, 90%% interval %s to %s\n", b50, b5, b95);
    double pn = n ? (double)st->never[c] / n : NAN;
    int dp = prob_decimals(n);
    printf("  not crossed by %d (grid years): %.*f +- %.*f\n", s->horizon_year, dp, pn, dp,
           sqrt(pn * (1 - pn) / n));
    printf("  %-6s %-14s %-10s %-12s\n", "year", "P(by year)", "+- s.e.", "P(in year)");
    uint64_t cum = 0;
    for (int y = 0; y < ny; y++) {
      uint64_t k = st->year_counts[(size_t)c * ny + y];
      cum += k;
      double p = (double)cum / n, py = (double)k / n;
      printf("  %-6d %-14.*f %-10.*f %-12.*f\n", s->base_year + y, dp, p, dp, sqrt(p * (1 - p) / n),
             dp, py);
    }
  }
  printf("\nSeries: median +- its standard error [5%%, 95%%]\n");
  for (int sr = 0; sr < M->nseries; sr++) {
    if (!mc_spec_has_series(s, sr))
      continue;
    printf("  %s (%s)\n", M->series[sr].name, M->series[sr].unit);
    for (int y = 0; y < ny; y++) {
      if (!shown_year(s, y))
        continue;
      char se[32];
      double v = mc_stats_series_percentile_se(st, sr, y, 50);
      snprintf(se, sizeof se, isfinite(v) ? "%.2g" : "n/a", v);
      printf("    %d  %-11.4g +- %-9s [%.4g, %.4g]", s->base_year + y,
             mc_stats_series_percentile(st, sr, y, 50), se,
             mc_stats_series_percentile(st, sr, y, 5), mc_stats_series_percentile(st, sr, y, 95));
      uint64_t nf = st->series[sr * ny + y].nonfinite;
      if (nf)
        printf("  (%llu non-finite values excluded)", (unsigned long long)nf);
      printf("\n");
    }
  }
  report_sensitivity(s, st, 0);
  printf("\nBands are within relative accuracy %g of the exact sample percentiles; crossing "
         "years within %.5f yr.\nA percentile's standard error is that of independent samples "
         "(order statistics either side of it;\nan upper estimate for lhs and sobol designs).\n",
         s->rel_acc, mc_engine_time_accuracy(s));
  design_note(s, s);
}

static void report_csv(const mc_job *job, const mc_stats *st) {
  const mc_spec *s = &job->spec;
  const mc_model_type *M = s->model;
  uint64_t n = mc_stats_done_samples(st);
  int ny = st->ny;
  printf("section,name,year,quantity,value,standard_error\n");
  printf("run,%s,,samples,%llu,\n", s->scenario, (unsigned long long)n);
  for (int c = 0; c < s->ncross; c++) {
    const char *nm = s->cross[c].name;
    uint64_t cum = 0;
    for (int y = 0; y < ny; y++) {
      uint64_t k = st->year_counts[(size_t)c * ny + y];
      cum += k;
      double p = (double)cum / n, py = (double)k / n;
      printf("crossover,%s,%d,cumulative,%.10g,%.6g\n", nm, s->base_year + y, p,
             sqrt(p * (1 - p) / n));
      printf("crossover,%s,%d,probability,%.10g,%.6g\n", nm, s->base_year + y, py,
             sqrt(py * (1 - py) / n));
    }
    double pn = (double)st->never[c] / n;
    printf("crossover,%s,,never,%.10g,%.6g\n", nm, pn, sqrt(pn * (1 - pn) / n));
    static const double tp[3] = {5, 50, 95};
    for (int i = 0; i < 3; i++) {
      double t = mc_stats_time_quantile(st, c, tp[i]);
      printf("crossover,%s,,crossing_year_p%g,", nm, tp[i]);
      if (isnan(t))
        printf(",\n");
      else
        printf("%.4f,\n", s->base_year + t);
    }
  }
  for (int sr = 0; sr < M->nseries; sr++) {
    if (!mc_spec_has_series(s, sr))
      continue;
    for (int y = 0; y < ny; y++) {
      if (!shown_year(s, y))
        continue;
      static const double pp[3] = {5, 50, 95};
      for (int i = 0; i < 3; i++) {
        double se = mc_stats_series_percentile_se(st, sr, y, pp[i]);
        printf("series,%s,%d,p%g,%.10g,", M->series[sr].name, s->base_year + y, pp[i],
               mc_stats_series_percentile(st, sr, y, pp[i]));
        if (isfinite(se))
          printf("%.6g", se);
        printf("\n");
      }
    }
  }
  /* Sobol' indices: the standard error column is the batch-means one, the
   * confidence interval's half-width over its t quantile */
  double tq = gsl_cdf_tdist_Pinv(0.975, MC_SENS_BATCHES - 1);
  for (int t = 0; t < st->nsens; t++) {
    sens_result r;
    sens_get(st, t, &r);
    for (int i = 0; i < st->sens_k; i++) {
      int j = r.order[i];
      const char *key = M->param[st->sens_par[j]].key;
      printf("sensitivity,%s,,first_order.%s,%.6g,%.3g\n", s->sens[t].name, key, r.first[j],
             (r.first_ci[2 * j + 1] - r.first_ci[2 * j]) / 2 / tq);
      printf("sensitivity,%s,,total.%s,%.6g,%.3g\n", s->sens[t].name, key, r.total[j],
             (r.total_ci[2 * j + 1] - r.total_ci[2 * j]) / 2 / tq);
    }
  }
}

static void report_json(const mc_job *job, const mc_stats *st) {
  const mc_spec *s = &job->spec;
  const mc_model_type *M = s->model;
  uint64_t n = mc_stats_done_samples(st);
  int ny = st->ny;
  printf("{\n  \"scenario\": ");
  json_str(s->scenario);
  printf(",\n  \"samples\": %llu,\n  \"samples_planned\": %llu,\n", (unsigned long long)n,
         (unsigned long long)s->samples);
  printf("  \"seed\": %llu,\n  \"sampling_method\": \"%s\",\n  \"base_year\": %d,\n"
         "  \"horizon_year\": %d,\n",
         (unsigned long long)s->seed, mc_method_names[s->method], s->base_year, s->horizon_year);
  printf("  \"complete\": %s,\n  \"stopped_early\": %s,\n",
         mc_stats_complete(st) ? "true" : "false",
         st->stop_blocks && mc_stats_complete(st) ? "true" : "false");
  printf("  \"crossovers\": {");
  for (int c = 0; c < s->ncross; c++) {
    printf("%s\n    \"%s\": {\"lhs\": \"%s\", \"rhs\": \"%s\", ", c ? "," : "", s->cross[c].name,
           M->series[s->cross[c].lhs].name, M->series[s->cross[c].rhs].name);
    printf("\"crossing_year\": {\"p5\": ");
    static const double tp[3] = {5, 50, 95};
    for (int i = 0; i < 3; i++) {
      double t = mc_stats_time_quantile(st, c, tp[i]);
      if (i)
        printf(", \"p%g\": ", tp[i]);
      json_num(isnan(t) ? NAN : s->base_year + t);
    }
    double pn = (double)st->never[c] / n;
    printf("}, \"never\": %.10g, \"never_standard_error\": %.6g,\n      \"years\": [", pn,
           sqrt(pn * (1 - pn) / n));
    uint64_t cum = 0;
    for (int y = 0; y < ny; y++) {
      uint64_t k = st->year_counts[(size_t)c * ny + y];
      cum += k;
      double p = (double)cum / n;
      printf("%s\n        {\"year\": %d, \"probability\": %.10g, \"cumulative\": %.10g, "
             "\"standard_error\": %.6g}",
             y ? "," : "", s->base_year + y, (double)k / n, p, sqrt(p * (1 - p) / n));
    }
    printf("]}");
  }
  printf("\n  },\n  \"series\": {");
  int first = 1;
  for (int sr = 0; sr < M->nseries; sr++) {
    if (!mc_spec_has_series(s, sr))
      continue;
    printf("%s\n    \"%s\": {\"units\": \"%s\", \"years\": [", first ? "" : ",", M->series[sr].name,
           M->series[sr].unit);
    first = 0;
    for (int y = 0; y < ny; y++) {
      printf("%s{\"year\": %d, \"p5\": ", y ? ", " : "", s->base_year + y);
      json_num(mc_stats_series_percentile(st, sr, y, 5));
      printf(", \"p50\": ");
      json_num(mc_stats_series_percentile(st, sr, y, 50));
      printf(", \"p95\": ");
      json_num(mc_stats_series_percentile(st, sr, y, 95));
      printf(", \"mean\": ");
      json_num(mc_stats_series_mean(st, sr, y));
      static const double pp[3] = {5, 50, 95};
      for (int i = 0; i < 3; i++) {
        printf(", \"p%g_se\": ", pp[i]);
        json_num(mc_stats_series_percentile_se(st, sr, y, pp[i]));
      }
      printf("}");
    }
    printf("]}");
  }
  printf("\n  }");
  if (st->nsens) {
    printf(",\n  \"sensitivity\": {");
    for (int t = 0; t < st->nsens; t++) {
      sens_result r;
      sens_get(st, t, &r);
      printf("%s\n    ", t ? "," : "");
      json_str(s->sens[t].name);
      printf(": {\"parameters\": [");
      for (int i = 0; i < st->sens_k; i++)
        printf("%s\"%s\"", i ? ", " : "", M->param[st->sens_par[r.order[i]]].key);
      const char *names[4] = {"first_order", "total", "first_order_ci", "total_ci"};
      for (int q = 0; q < 4; q++) {
        printf("],\n      \"%s\": [", names[q]);
        for (int i = 0; i < st->sens_k; i++) {
          int j = r.order[i];
          printf("%s", i ? ", " : "");
          if (q < 2) {
            json_num(q ? r.total[j] : r.first[j]);
          } else {
            const double *ci = q == 2 ? r.first_ci : r.total_ci;
            printf("[");
            json_num(ci[2 * j]);
            printf(", ");
            json_num(ci[2 * j + 1]);
            printf("]");
          }
        }
      }
      printf("]}");
    }
    printf("\n  }");
  }
  printf("\n}\n");
}

/* Compact number for tables: 5.48e+28 -> "5.48e28", 93.56 -> "93.6". */
static void fmt_num(double v, char *buf, size_t len) {
  if (!isfinite(v)) {
    snprintf(buf, len, "n/a");
    return;
  }
  if (v != 0 && (fabs(v) >= 1e5 || fabs(v) < 1e-3)) {
    int ex = (int)floor(log10(fabs(v)));
    double m = v / pow(10, ex);
    if (fabs(m) >= 9.995)
      m /= 10, ex++;
    snprintf(buf, len, "%.2fe%d", m, ex);
  } else if (fabs(v) >= 1000)
    snprintf(buf, len, "%.0f", v);
  else
    snprintf(buf, len, "%.3g", v);
}

/* Prints text for a markdown table cell ('|' escaped, newlines as spaces). */
static void md_cell(const char *text) {
  for (const char *c = text; *c; c++) {
    if (*c == '|')
      fputs("\\|", stdout);
    else
      putchar(*c == '\n' ? ' ' : *c);
  }
}

/* "2029.40" or "after 2040". */
static void fmt_time(const mc_spec *s, double t, char *buf, size_t len) {
  if (isnan(t))
    snprintf(buf, len, "after %d", s->horizon_year);
  else
    snprintf(buf, len, "%.2f", s->base_year + t);
}

static void report_markdown(const char *path, const mc_job *job, const mc_stats *st) {
  const mc_spec *s = &job->spec;
  const mc_model_type *M = s->model;
  uint64_t n = mc_stats_done_samples(st);
  int ny = st->ny;
  printf("# Crossover report: %s\n\n", s->scenario);
  printf("| | |\n|---|---|\n");
  printf("| results file | `%s` |\n", path);
  char note[256];
  printf("| samples | %llu%s |\n", (unsigned long long)n, samples_note(s, st, note, sizeof note));
  printf("| sampling | %s, seed %llu |\n", mc_method_names[s->method], (unsigned long long)s->seed);
  printf("| grid | %d-%d |\n", s->base_year, s->horizon_year);
  if (job->description[0]) {
    printf("| description | ");
    md_cell(job->description);
    printf(" |\n");
  }
  for (int c = 0; c < s->ncross; c++) {
    const mc_crossover_spec *x = &s->cross[c];
    char b5[32], b50[32], b95[32];
    fmt_time(s, mc_stats_time_quantile(st, c, 5), b5, sizeof b5);
    fmt_time(s, mc_stats_time_quantile(st, c, 50), b50, sizeof b50);
    fmt_time(s, mc_stats_time_quantile(st, c, 95), b95, sizeof b95);
    double pn = (double)st->never[c] / n;
    printf("\n## Crossover `%s`: %s >= %s\n\n", x->name, M->series[x->lhs].name,
           M->series[x->rhs].name);
    printf("Crossing year: median %s, 90%% interval %s to %s. "
           "Not crossed by %d: %.*f (s.e. %.*f).\n\n",
           b50, b5, b95, s->horizon_year, prob_decimals(n), pn, prob_decimals(n),
           sqrt(pn * (1 - pn) / n));
    printf("| Year | P(crossed by year) | s.e. | P(crossover in year) |\n");
    printf("|---:|---:|---:|---:|\n");
    uint64_t cum = 0;
    for (int y = 0; y < ny; y++) {
      uint64_t k = st->year_counts[(size_t)c * ny + y];
      cum += k;
      double p = (double)cum / n;
      int dp = prob_decimals(n);
      printf("| %d | %.*f | %.*f | %.*f |\n", s->base_year + y, dp, p, dp, sqrt(p * (1 - p) / n),
             dp, (double)k / n);
    }
  }
  printf("\n## Series: median +- its standard error [5%%, 95%%]\n\n| Series (unit) |");
  for (int y = 0; y < ny; y++)
    if (shown_year(s, y))
      printf(" %d |", s->base_year + y);
  printf("\n|---|");
  for (int y = 0; y < ny; y++)
    if (shown_year(s, y))
      printf("---:|");
  printf("\n");
  for (int sr = 0; sr < M->nseries; sr++) {
    if (!mc_spec_has_series(s, sr))
      continue;
    printf("| %s (%s) |", M->series[sr].name, M->series[sr].unit);
    for (int y = 0; y < ny; y++) {
      if (!shown_year(s, y))
        continue;
      char m[32], a[32], b[32], se[32];
      fmt_num(mc_stats_series_percentile(st, sr, y, 50), m, sizeof m);
      fmt_num(mc_stats_series_percentile_se(st, sr, y, 50), se, sizeof se);
      fmt_num(mc_stats_series_percentile(st, sr, y, 5), a, sizeof a);
      fmt_num(mc_stats_series_percentile(st, sr, y, 95), b, sizeof b);
      printf(" %s +- %s [%s, %s] |", m, se, a, b);
    }
    printf("\n");
  }
  report_sensitivity(s, st, 1);
  printf("\nProbabilities are exact counts over the %llu samples; s.e. = sqrt(p(1-p)/n). "
         "Bands are within relative accuracy %g of the exact sample percentiles, and a "
         "median's s.e. is that of independent samples (from order statistics; an upper "
         "estimate for lhs and sobol); crossing years within %.5f yr.\n",
         (unsigned long long)n, s->rel_acc, mc_engine_time_accuracy(s));
  if (s->method != MC_METHOD_MC)
    printf("\n");
  design_note(s, s);
}

/* ---- two scenarios ---------------------------------------------------------- */

typedef struct side {
  const char *path;
  const mc_job *job;
  const mc_stats *st;
  uint64_t n;
  char label[200]; /* how tables name it */
} side;

/* How the standard error of a difference of the two files' estimates is known. */
enum { PAIR_INDEPENDENT, PAIR_SHARED_EQUAL_N, PAIR_SHARED_UNEQUAL_N, PAIR_LHS_UNEQUAL_N };

/* Same seed and method: sample i draws the same uniforms in both runs, except
 * that a Latin hypercube's strata depend on n (engine/mc_design.h). */
static int pairing(const side *A, const side *B) {
  const mc_spec *a = &A->job->spec, *b = &B->job->spec;
  if (a->seed != b->seed || a->method != b->method)
    return PAIR_INDEPENDENT;
  if (A->n == B->n)
    return PAIR_SHARED_EQUAL_N;
  return a->method == MC_METHOD_LHS ? PAIR_LHS_UNEQUAL_N : PAIR_SHARED_UNEQUAL_N;
}

/* Cumulative count of crossover c up to grid index y. */
static uint64_t cum_count(const side *S, int c, int y) {
  uint64_t k = 0;
  for (int i = 0; i <= y; i++)
    k += S->st->year_counts[(size_t)c * S->st->ny + i];
  return k;
}

/* One compared probability: values, difference and its standard errors
 * (se_min is NaN unless the samples are paired with equal n). */
typedef struct diff {
  double a, b, d, se, se_min;
} diff;

static diff compare_p(const side *A, const side *B, uint64_t ka, uint64_t kb, int pair) {
  diff r;
  r.a = (double)ka / A->n;
  r.b = (double)kb / B->n;
  r.d = r.b - r.a;
  r.se = sqrt(r.a * (1 - r.a) / A->n + r.b * (1 - r.b) / B->n);
  r.se_min = pair == PAIR_SHARED_EQUAL_N ? sqrt(fabs(r.d) * (1 - fabs(r.d)) / A->n) : NAN;
  return r;
}

/* Index in B of A's crossover c (by name), or -1. */
static int match_cross(const side *A, const side *B, int c) {
  const mc_spec *b = &B->job->spec;
  for (int k = 0; k < b->ncross; k++)
    if (!strcmp(b->cross[k].name, A->job->spec.cross[c].name))
      return k;
  return -1;
}

static void pairing_words(const side *A, const side *B, int pair, int md) {
  const mc_spec *a = &A->job->spec, *b = &B->job->spec;
  const char *q = md ? "`" : "'";
  unsigned long long sa = a->seed, sb = b->seed, na = A->n, nb = B->n;
  if (pair == PAIR_INDEPENDENT && a->seed != b->seed)
    printf("Seeds differ (%llu, %llu): the runs are independent samples, and the standard\n"
           "error of a difference d = pB - pA is sqrt(pA(1-pA)/nA + pB(1-pB)/nB).\n",
           sa, sb);
  else if (pair == PAIR_INDEPENDENT)
    printf("Seeds are shared (%llu) but the sampling methods differ (%s, %s): the runs are\n"
           "treated as independent; s.e. = sqrt(pA(1-pA)/nA + pB(1-pB)/nB).\n",
           sa, mc_method_names[a->method], mc_method_names[b->method]);
  else if (pair == PAIR_SHARED_EQUAL_N)
    printf("Seeds are shared (%llu): sample i of both runs draws the same random numbers\n"
           "(common random numbers), so the two estimates are paired and the counts alone do\n"
           "not fix the standard error of d = pB - pA. %ss.e. indep%s = sqrt(pA(1-pA)/nA +\n"
           "pB(1-pB)/nB) is an upper bound when the pairing correlates the estimates\n"
           "positively, the aim of common random numbers (checked with per-sample output for\n"
           "epoch-2030 against slow-growth; not guaranteed for every pair); %ss.e. min%s =\n"
           "sqrt(|d|(1-|d|)/n) is a lower bound that always holds for independent samples\n"
           "(method mc). When the pairing works, the true standard error lies between the two.\n",
           sa, q, q, q, q);
  else if (pair == PAIR_LHS_UNEQUAL_N)
    printf("Seeds are shared (%llu) but the two Latin hypercubes have different sizes (%llu,\n"
           "%llu), so their strata differ and the samples are not paired: treated as\n"
           "independent, s.e. = sqrt(pA(1-pA)/nA + pB(1-pB)/nB).\n",
           sa, na, nb);
  else
    printf("Seeds are shared (%llu) but the sample counts differ (%llu, %llu): only the\n"
           "first %llu samples are paired. %ss.e. indep%s = sqrt(pA(1-pA)/nA + pB(1-pB)/nB)\n"
           "is shown (an upper bound when the pairing correlates the estimates positively);\n"
           "no lower bound is given.\n",
           sa, na, nb, na < nb ? na : nb, q, q);
}

/* First and last common grid year (as years); returns 0 when none. */
static int common_years(const side *A, const side *B, int *y0, int *y1) {
  const mc_spec *a = &A->job->spec, *b = &B->job->spec;
  *y0 = a->base_year > b->base_year ? a->base_year : b->base_year;
  *y1 = a->horizon_year < b->horizon_year ? a->horizon_year : b->horizon_year;
  return *y0 <= *y1;
}

static void compare_tables(const side *A, const side *B, int md) {
  const mc_spec *a = &A->job->spec, *b = &B->job->spec;
  int pair = pairing(A, B), gy0, gy1;
  int have = common_years(A, B, &gy0, &gy1);
  const char *sep = md ? " | " : "  ";
  if (md) {
    printf("# Crossover comparison: %s vs %s\n\n", a->scenario, b->scenario);
    printf("| | A | B |\n|---|---|---|\n");
    printf("| scenario | %s | %s |\n", a->scenario, b->scenario);
    printf("| results file | `%s` | `%s` |\n", A->path, B->path);
    printf("| samples | %llu | %llu |\n", (unsigned long long)A->n, (unsigned long long)B->n);
    printf("| sampling | %s, seed %llu | %s, seed %llu |\n", mc_method_names[a->method],
           (unsigned long long)a->seed, mc_method_names[b->method], (unsigned long long)b->seed);
    printf("| grid | %d-%d | %d-%d |\n", a->base_year, a->horizon_year, b->base_year,
           b->horizon_year);
    printf("\n");
  } else {
    printf("A: %s: scenario %s, %llu samples, seed %llu, %s sampling, grid %d-%d\n", A->path,
           a->scenario, (unsigned long long)A->n, (unsigned long long)a->seed,
           mc_method_names[a->method], a->base_year, a->horizon_year);
    printf("B: %s: scenario %s, %llu samples, seed %llu, %s sampling, grid %d-%d\n", B->path,
           b->scenario, (unsigned long long)B->n, (unsigned long long)b->seed,
           mc_method_names[b->method], b->base_year, b->horizon_year);
  }
  pairing_words(A, B, pair, md);
  design_note(a, b);
  if (!have)
    printf("\nThe two grids share no year: nothing to compare year by year.\n");
  for (int c = 0; c < a->ncross; c++) {
    int cb = match_cross(A, B, c);
    const mc_crossover_spec *x = &a->cross[c];
    if (cb < 0) {
      printf("\n%sCrossover '%s' is only in A.\n", md ? "## " : "", x->name);
      continue;
    }
    const mc_crossover_spec *xb = &b->cross[cb];
    const mc_series_info *sa = a->model->series, *sb = b->model->series;
    if (md)
      printf("\n## Crossover `%s`: %s >= %s\n\n", x->name, sa[x->lhs].name, sa[x->rhs].name);
    else
      printf("\nCrossover '%s': %s >= %s\n", x->name, sa[x->lhs].name, sa[x->rhs].name);
    if (strcmp(sb[xb->lhs].name, sa[x->lhs].name) || strcmp(sb[xb->rhs].name, sa[x->rhs].name))
      printf("%sNote: in B it compares %s >= %s.\n", md ? "" : "  ", sb[xb->lhs].name,
             sb[xb->rhs].name);
    const side *S[2] = {A, B};
    int cc[2] = {c, cb};
    for (int i = 0; i < 2; i++) {
      const mc_spec *s = &S[i]->job->spec;
      char t5[32], t50[32], t95[32];
      fmt_time(s, mc_stats_time_quantile(S[i]->st, cc[i], 5), t5, sizeof t5);
      fmt_time(s, mc_stats_time_quantile(S[i]->st, cc[i], 50), t50, sizeof t50);
      fmt_time(s, mc_stats_time_quantile(S[i]->st, cc[i], 95), t95, sizeof t95);
      printf("%s%s (%s): crossing year median %s, 90%% interval %s to %s\n", md ? "- " : "  ",
             i ? "B" : "A", s->scenario, t50, t5, t95);
    }
    if (md)
      printf("\n");
    if (a->horizon_year == b->horizon_year) {
      diff r = compare_p(A, B, A->st->never[c], B->st->never[cb], pair);
      printf("%snot crossed by %d: A %.4f, B %.4f, B - A %+.4f (s.e. indep %.4f", md ? "- " : "  ",
             a->horizon_year, r.a, r.b, r.d, r.se);
      if (isfinite(r.se_min))
        printf(", s.e. min %.4f", r.se_min);
      printf(")\n");
    }
    if (!have)
      continue;
    if (md) {
      printf("\n| Year | A: P(by year) | B: P(by year) | B - A | s.e. indep |%s\n",
             pair == PAIR_SHARED_EQUAL_N ? " s.e. min |" : "");
      printf("|---:|---:|---:|---:|---:|%s\n", pair == PAIR_SHARED_EQUAL_N ? "---:|" : "");
    } else
      printf("  %-6s %-10s %-10s %-10s %-10s%s\n", "year", "A: P(by)", "B: P(by)", "B - A",
             "s.e. indep", pair == PAIR_SHARED_EQUAL_N ? " s.e. min" : "");
    for (int y = gy0; y <= gy1; y++) {
      diff r = compare_p(A, B, cum_count(A, c, y - a->base_year),
                         cum_count(B, cb, y - b->base_year), pair);
      if (md) {
        printf("| %d | %.4f | %.4f | %+.4f | %.4f |", y, r.a, r.b, r.d, r.se);
        if (pair == PAIR_SHARED_EQUAL_N)
          printf(" %.4f |", r.se_min);
        printf("\n");
      } else {
        printf("  %-6d %-10.4f %-10.4f %-+10.4f %-10.4f", y, r.a, r.b, r.d, r.se);
        if (pair == PAIR_SHARED_EQUAL_N)
          printf(" %.4f", r.se_min);
        printf("\n");
      }
    }
  }
  for (int k = 0; k < b->ncross; k++) {
    int found = 0;
    for (int c = 0; c < a->ncross; c++)
      found |= !strcmp(a->cross[c].name, b->cross[k].name);
    if (!found)
      printf("\n%sCrossover '%s' is only in B.\n", md ? "## " : "", b->cross[k].name);
  }

  /* Series side by side at A's shown years that B's grid also holds. */
  if (md)
    printf("\n## Series: median [5%%, 95%%]\n\n| Series (unit) | Year | A | B |\n"
           "|---|---:|---:|---:|\n");
  else
    printf("\nSeries: median [5%%, 95%%]\n");
  const mc_model_type *M = a->model;
  for (int sr = 0; sr < M->nseries; sr++) {
    int sb = mc_series_find(b->model, M->series[sr].name);
    int ids[2] = {sr, sb};
    if (!mc_spec_has_series(a, sr) && (sb < 0 || !mc_spec_has_series(b, sb)))
      continue;
    if (!md)
      printf("  %s (%s)\n    %-6s %-32s %s\n", M->series[sr].name, M->series[sr].unit, "year", "A",
             "B");
    for (int y = 0; y < A->st->ny; y++) {
      int yb = a->base_year + y - b->base_year;
      if (!shown_year(a, y) || yb < 0 || yb >= B->st->ny)
        continue;
      char cell[2][100];
      const side *S[2] = {A, B};
      int yy[2] = {y, yb};
      for (int i = 0; i < 2; i++) {
        if (ids[i] < 0 || !mc_spec_has_series(&S[i]->job->spec, ids[i])) {
          snprintf(cell[i], sizeof cell[i], "-");
          continue;
        }
        char m[32], lo[32], hi[32];
        fmt_num(mc_stats_series_percentile(S[i]->st, ids[i], yy[i], 50), m, sizeof m);
        fmt_num(mc_stats_series_percentile(S[i]->st, ids[i], yy[i], 5), lo, sizeof lo);
        fmt_num(mc_stats_series_percentile(S[i]->st, ids[i], yy[i], 95), hi, sizeof hi);
        snprintf(cell[i], sizeof cell[i], "%s [%s, %s]", m, lo, hi);
      }
      if (md)
        printf("| %s (%s) | %d | %s | %s |\n", M->series[sr].name, M->series[sr].unit,
               a->base_year + y, cell[0], cell[1]);
      else
        printf("    %-6d %-32s %s\n", a->base_year + y, cell[0], cell[1]);
    }
  }
  (void)sep;
}

static void compare_csv(const side *A, const side *B) {
  const mc_spec *a = &A->job->spec, *b = &B->job->spec;
  int pair = pairing(A, B), gy0, gy1;
  int have = common_years(A, B, &gy0, &gy1);
  printf("section,name,year,quantity,a,b,difference,se_independent,se_paired_min\n");
  printf("run,scenario,,name,%s,%s,,,\n", a->scenario, b->scenario);
  printf("run,samples,,count,%llu,%llu,,,\n", (unsigned long long)A->n, (unsigned long long)B->n);
  printf("run,seed,,value,%llu,%llu,,,\n", (unsigned long long)a->seed,
         (unsigned long long)b->seed);
  printf("run,seed,,shared,%d,%d,,,\n", pair != PAIR_INDEPENDENT, pair != PAIR_INDEPENDENT);
  for (int c = 0; c < a->ncross; c++) {
    int cb = match_cross(A, B, c);
    if (cb < 0)
      continue;
    const char *nm = a->cross[c].name;
    for (int y = gy0; have && y <= gy1; y++) {
      diff r = compare_p(A, B, cum_count(A, c, y - a->base_year),
                         cum_count(B, cb, y - b->base_year), pair);
      printf("crossover,%s,%d,cumulative,%.10g,%.10g,%.10g,%.6g,", nm, y, r.a, r.b, r.d, r.se);
      if (isfinite(r.se_min))
        printf("%.6g", r.se_min);
      printf("\n");
    }
    if (a->horizon_year == b->horizon_year) {
      diff r = compare_p(A, B, A->st->never[c], B->st->never[cb], pair);
      printf("crossover,%s,,never,%.10g,%.10g,%.10g,%.6g,", nm, r.a, r.b, r.d, r.se);
      if (isfinite(r.se_min))
        printf("%.6g", r.se_min);
      printf("\n");
    }
    static const double tp[3] = {5, 50, 95};
    for (int i = 0; i < 3; i++) {
      double ta = mc_stats_time_quantile(A->st, c, tp[i]);
      double tb = mc_stats_time_quantile(B->st, cb, tp[i]);
      printf("crossover,%s,,crossing_year_p%g,", nm, tp[i]);
      if (!isnan(ta))
        printf("%.4f", a->base_year + ta);
      printf(",");
      if (!isnan(tb))
        printf("%.4f", b->base_year + tb);
      printf(",");
      if (!isnan(ta) && !isnan(tb))
        printf("%.4f", b->base_year + tb - a->base_year - ta);
      printf(",,\n");
    }
  }
  const mc_model_type *M = a->model;
  for (int sr = 0; sr < M->nseries; sr++) {
    int sb = mc_series_find(b->model, M->series[sr].name);
    if (!mc_spec_has_series(a, sr) || sb < 0 || !mc_spec_has_series(b, sb))
      continue;
    for (int y = 0; y < A->st->ny; y++) {
      int yb = a->base_year + y - b->base_year;
      if (!shown_year(a, y) || yb < 0 || yb >= B->st->ny)
        continue;
      static const double pp[3] = {5, 50, 95};
      for (int i = 0; i < 3; i++) {
        double va = mc_stats_series_percentile(A->st, sr, y, pp[i]);
        double vb = mc_stats_series_percentile(B->st, sb, yb, pp[i]);
        printf("series,%s,%d,p%g,%.10g,%.10g,%.10g,,\n", M->series[sr].name, a->base_year + y,
               pp[i], va, vb, vb - va);
      }
    }
  }
}

static void compare_json_side(const char *key, const side *S) {
  const mc_spec *s = &S->job->spec;
  printf("  \"%s\": {\"path\": ", key);
  json_str(S->path);
  printf(", \"scenario\": ");
  json_str(s->scenario);
  printf(", \"samples\": %llu, \"seed\": %llu, \"sampling_method\": \"%s\", \"base_year\": %d, "
         "\"horizon_year\": %d},\n",
         (unsigned long long)S->n, (unsigned long long)s->seed, mc_method_names[s->method],
         s->base_year, s->horizon_year);
}

static void compare_json(const side *A, const side *B) {
  const mc_spec *a = &A->job->spec, *b = &B->job->spec;
  int pair = pairing(A, B), gy0, gy1;
  int have = common_years(A, B, &gy0, &gy1);
  static const char *const pair_names[] = {"independent", "shared_seed_equal_samples",
                                           "shared_seed_unequal_samples",
                                           "shared_seed_lhs_unequal_samples"};
  printf("{\n");
  compare_json_side("a", A);
  compare_json_side("b", B);
  printf("  \"seed_shared\": %s,\n  \"pairing\": \"%s\",\n",
         pair != PAIR_INDEPENDENT ? "true" : "false", pair_names[pair]);
  printf("  \"crossovers\": {");
  int first = 1;
  for (int c = 0; c < a->ncross; c++) {
    int cb = match_cross(A, B, c);
    if (cb < 0)
      continue;
    printf("%s\n    ", first ? "" : ",");
    first = 0;
    json_str(a->cross[c].name);
    printf(": {\"crossing_year\": {");
    static const double tp[3] = {5, 50, 95};
    for (int i = 0; i < 3; i++) {
      double ta = mc_stats_time_quantile(A->st, c, tp[i]);
      double tb = mc_stats_time_quantile(B->st, cb, tp[i]);
      printf("%s\"p%g\": {\"a\": ", i ? ", " : "", tp[i]);
      json_num(isnan(ta) ? NAN : a->base_year + ta);
      printf(", \"b\": ");
      json_num(isnan(tb) ? NAN : b->base_year + tb);
      printf("}");
    }
    printf("},");
    if (a->horizon_year == b->horizon_year) {
      diff r = compare_p(A, B, A->st->never[c], B->st->never[cb], pair);
      printf("\n      \"never\": {\"a\": %.10g, \"b\": %.10g, \"difference\": %.10g, "
             "\"se_independent\": %.6g, \"se_paired_min\": ",
             r.a, r.b, r.d, r.se);
      json_num(r.se_min);
      printf("},");
    }
    printf("\n      \"years\": [");
    for (int y = gy0; have && y <= gy1; y++) {
      diff r = compare_p(A, B, cum_count(A, c, y - a->base_year),
                         cum_count(B, cb, y - b->base_year), pair);
      printf("%s\n        {\"year\": %d, \"a\": %.10g, \"b\": %.10g, \"difference\": %.10g, "
             "\"se_independent\": %.6g, \"se_paired_min\": ",
             y == gy0 ? "" : ",", y, r.a, r.b, r.d, r.se);
      json_num(r.se_min);
      printf("}");
    }
    printf("]}");
  }
  printf("\n  }\n}\n");
}

static int report_compare(const char *pa, const char *pb, int fmt) {
  mc_err err = {0};
  mc_job ja, jb;
  mc_stats *sa = NULL, *sb = NULL;
  int rc = mc_h5_read(pa, &ja, &sa, NULL, &err);
  if (rc != MC_OK) {
    fprintf(stderr, "crossover report: %s\n", err.msg);
    return rc;
  }
  rc = mc_h5_read(pb, &jb, &sb, NULL, &err);
  if (rc != MC_OK) {
    fprintf(stderr, "crossover report: %s\n", err.msg);
    mc_stats_free(sa);
    mc_job_free(&ja);
    return rc;
  }
  side A = {pa, &ja, sa, mc_stats_done_samples(sa), ""};
  side B = {pb, &jb, sb, mc_stats_done_samples(sb), ""};
  if (A.n == 0 || B.n == 0) {
    fprintf(stderr, "crossover report: %s holds no samples yet\n", A.n == 0 ? pa : pb);
    rc = MC_EINPUT;
  } else if (fmt == F_CSV)
    compare_csv(&A, &B);
  else if (fmt == F_JSON)
    compare_json(&A, &B);
  else
    compare_tables(&A, &B, fmt == F_MARKDOWN);
  mc_stats_free(sa);
  mc_stats_free(sb);
  mc_job_free(&ja);
  mc_job_free(&jb);
  return rc;
}

/* The fraction of a parameter's samples below x (below or at x when
 * at_or_below), read from its sketch by bisection on the percentile; values
 * within the sketch's accuracy a of x count as x. */
static double param_fraction(const mc_stats *st, double a, int p, double x, int at_or_below) {
  double lo = 0, hi = 100, tol = 2 * a * fabs(x);
  for (int i = 0; i < 40; i++) {
    double mid = 0.5 * (lo + hi), v = mc_stats_param_percentile(st, p, mid);
    if (at_or_below ? v <= x + tol : v < x - tol)
      lo = mid;
    else
      hi = mid;
  }
  return lo / 100;
}

/* Warns on stderr (every format) when some samples overflowed or gave NaN:
 * which series and years lost values, and the parameters whose values among
 * those samples are confined to part of their range, the likely cause. */
static void warn_faults(const char *path, const mc_job *job, const mc_stats *st) {
  const mc_spec *s = &job->spec;
  const mc_model_type *M = s->model;
  if (st->fault_samples == 0)
    return;
  uint64_t n = mc_stats_done_samples(st);
  fprintf(
      stderr,
      "crossover report: warning: %s: %llu of %llu samples (%.3g%%) overflowed to infinity "
      "or gave NaN in some projection; those values are left out of the bands and moments of:\n",
      path, (unsigned long long)st->fault_samples, (unsigned long long)n,
      100.0 * (double)st->fault_samples / (double)n);
  for (int sr = 0; sr < M->nseries; sr++) {
    if (!mc_spec_has_series(s, sr))
      continue;
    int first = -1, last = -1;
    uint64_t most = 0;
    for (int y = 0; y < st->ny; y++) {
      uint64_t nf = st->series[sr * st->ny + y].nonfinite;
      if (!nf)
        continue;
      if (first < 0)
        first = y;
      last = y;
      if (nf > most)
        most = nf;
    }
    if (first >= 0)
      fprintf(stderr, "  %s in %d-%d (up to %llu samples a year)\n", M->series[sr].name,
              s->base_year + first, s->base_year + last, (unsigned long long)most);
  }
  /* Parameters ranked by the share of their samples the faulty ones span. */
  int order[MC_MAXPARAM], k = 0;
  double span[MC_MAXPARAM];
  for (int p = 0; p < M->nparam; p++) {
    if (!s->configured[p] || !(st->fault_lo[p] <= st->fault_hi[p]))
      continue; /* defaults follow another parameter or are constant */
    span[p] = param_fraction(st, s->rel_acc, p, st->fault_hi[p], 1) -
              param_fraction(st, s->rel_acc, p, st->fault_lo[p], 0);
    if (span[p] < 0.9)
      order[k++] = p;
  }
  for (int i = 1; i < k; i++)
    for (int j = i; j > 0 && span[order[j]] < span[order[j - 1]]; j--) {
      int t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  if (k == 0) {
    fprintf(stderr, "  no parameter's values among those samples are confined to a part of its "
                    "range\n");
    return;
  }
  fprintf(stderr, "  among those samples, these parameters took only part of their range:\n");
  for (int i = 0; i < k && i < 5; i++) {
    int p = order[i];
    fprintf(stderr, "    %s from %.4g to %.4g %s (%.0f%% of its samples lie in that range)\n",
            M->param[p].key, st->fault_lo[p], st->fault_hi[p], M->param[p].unit, 100 * span[p]);
  }
}

int mc_cmd_report(int argc, char **argv) {
  static const struct option opts[] = {
      {"format", required_argument, 0, 'f'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
  int fmt = F_TEXT, c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
    switch (c) {
    case 'f':
      if (!strcmp(optarg, "text"))
        fmt = F_TEXT;
      else if (!strcmp(optarg, "csv"))
        fmt = F_CSV;
      else if (!strcmp(optarg, "json"))
        fmt = F_JSON;
      else if (!strcmp(optarg, "markdown") || !strcmp(optarg, "md"))
        fmt = F_MARKDOWN;
      else {
        fprintf(stderr,
                "crossover report: unknown format '%s'; expected text, markdown, csv or json\n",
                optarg);
        return MC_EINPUT;
      }
      break;
    case 'h':
      fputs(report_usage, stdout);
      return 0;
    default:
      fprintf(stderr, "crossover report: unknown or incomplete option '%s'\n%s", argv[optind - 1],
              report_usage);
      return MC_EINPUT;
    }
  }
  if (optind == argc - 2)
    return report_compare(argv[optind], argv[optind + 1], fmt);
  if (optind != argc - 1) {
    fprintf(stderr, "crossover report: one or two results files expected\n%s", report_usage);
    return MC_EINPUT;
  }
  mc_err err = {0};
  mc_job job;
  mc_stats *st = NULL;
  int rc = mc_h5_read(argv[optind], &job, &st, NULL, &err);
  if (rc != MC_OK) {
    fprintf(stderr, "crossover report: %s\n", err.msg);
    return rc;
  }
  if (mc_stats_done_samples(st) == 0) {
    fprintf(stderr, "crossover report: %s holds no samples yet\n", argv[optind]);
    rc = MC_EINPUT;
  } else {
    warn_faults(argv[optind], &job, st);
    if (fmt == F_TEXT)
      report_text(argv[optind], &job, st);
    else if (fmt == F_CSV)
      report_csv(&job, st);
    else if (fmt == F_MARKDOWN)
      report_markdown(argv[optind], &job, st);
    else
      report_json(&job, st);
  }
  mc_stats_free(st);
  mc_job_free(&job);
  return rc;
}
