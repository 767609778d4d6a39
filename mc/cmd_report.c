/* crossover report: the numbers a person reads, from a results file. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mc_h5.h"
#include "mc_model.h"

static const char report_usage[] =
    "usage: crossover report OUT.h5 [--format text|csv|json]\n"
    "\n"
    "Prints, per crossover, the probability that it has happened by each grid year\n"
    "(with its Monte Carlo standard error sqrt(p(1-p)/n)) and the median and 90%\n"
    "interval of the crossing year; per series, the median and 90% band at the base\n"
    "year, every fifth year and the horizon. Works on checkpoints and merged files.\n"
    "\n"
    "  --format text   aligned tables for people (default)\n"
    "  --format csv    one row per number: section,name,year,quantity,value,standard_error\n"
    "  --format json   one object, for scripts\n";

enum { F_TEXT, F_CSV, F_JSON };

static int shown_year(const mc_spec *s, int y) {
  return y == 0 || y == mc_spec_nyears(s) - 1 || y % 5 == 0;
}

static void json_num(double v) {
  if (isfinite(v))
    printf("%.10g", v);
  else
    printf("null");
}

static void report_text(const char *path, const mc_job *job, const mc_stats *st) {
  const mc_spec *s = &job->spec;
  uint64_t n = mc_stats_done_samples(st);
  int ny = st->ny;
  printf("%s: scenario %s\n", path, s->scenario);
  printf("  %llu samples%s, seed %llu, %s sampling, grid %d-%d\n", (unsigned long long)n,
         n == s->samples ? "" : " (incomplete: a checkpoint or partial merge)",
         (unsigned long long)s->seed, mc_method_names[s->method], s->base_year, s->horizon_year);
  if (job->description[0])
    printf("  %s\n", job->description);
  for (int c = 0; c < s->ncross; c++) {
    const mc_crossover_spec *x = &s->cross[c];
    printf("\nCrossover '%s': %s >= %s\n", x->name, mc_series[x->lhs].name, mc_series[x->rhs].name);
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
    printf("  not crossed by %d (grid years): %.4f +- %.4f\n", s->horizon_year, pn,
           sqrt(pn * (1 - pn) / n));
    printf("  %-6s %-14s %-10s %-12s\n", "year", "P(by year)", "+- s.e.", "P(in year)");
    uint64_t cum = 0;
    for (int y = 0; y < ny; y++) {
      uint64_t k = st->year_counts[(size_t)c * ny + y];
      cum += k;
      double p = (double)cum / n, py = (double)k / n;
      printf("  %-6d %-14.4f %-10.4f %-12.4f\n", s->base_year + y, p, sqrt(p * (1 - p) / n), py);
    }
  }
  printf("\nSeries: median [5%%, 95%%]\n");
  for (int sr = 0; sr < MC_NSERIES; sr++) {
    if (!mc_spec_has_series(s, sr))
      continue;
    printf("  %s (%s)\n", mc_series[sr].name, mc_series[sr].unit);
    for (int y = 0; y < ny; y++) {
      if (!shown_year(s, y))
        continue;
      printf("    %d  %-11.4g [%.4g, %.4g]", s->base_year + y,
             mc_stats_series_percentile(st, sr, y, 50), mc_stats_series_percentile(st, sr, y, 5),
             mc_stats_series_percentile(st, sr, y, 95));
      uint64_t nf = st->series[sr * ny + y].nonfinite;
      if (nf)
        printf("  (%llu non-finite values excluded)", (unsigned long long)nf);
      printf("\n");
    }
  }
  printf("\nBands are within relative accuracy %g of the exact sample percentiles; crossing "
         "years within %.5f yr.\n",
         s->rel_acc, 0.5 / MC_TAU_BINS_PER_YEAR + 1.0 / (MC_SCAN_PER_YEAR << MC_BISECT_STEPS));
}

static void report_csv(const mc_job *job, const mc_stats *st) {
  const mc_spec *s = &job->spec;
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
  for (int sr = 0; sr < MC_NSERIES; sr++) {
    if (!mc_spec_has_series(s, sr))
      continue;
    for (int y = 0; y < ny; y++) {
      if (!shown_year(s, y))
        continue;
      static const double pp[3] = {5, 50, 95};
      for (int i = 0; i < 3; i++)
        printf("series,%s,%d,p%g,%.10g,\n", mc_series[sr].name, s->base_year + y, pp[i],
               mc_stats_series_percentile(st, sr, y, pp[i]));
    }
  }
}

static void report_json(const mc_job *job, const mc_stats *st) {
  const mc_spec *s = &job->spec;
  uint64_t n = mc_stats_done_samples(st);
  int ny = st->ny;
  printf("{\n  \"scenario\": \"%s\",\n  \"samples\": %llu,\n  \"samples_planned\": %llu,\n",
         s->scenario, (unsigned long long)n, (unsigned long long)s->samples);
  printf("  \"seed\": %llu,\n  \"base_year\": %d,\n  \"horizon_year\": %d,\n",
         (unsigned long long)s->seed, s->base_year, s->horizon_year);
  printf("  \"crossovers\": {");
  for (int c = 0; c < s->ncross; c++) {
    printf("%s\n    \"%s\": {\"lhs\": \"%s\", \"rhs\": \"%s\", ", c ? "," : "", s->cross[c].name,
           mc_series[s->cross[c].lhs].name, mc_series[s->cross[c].rhs].name);
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
  for (int sr = 0; sr < MC_NSERIES; sr++) {
    if (!mc_spec_has_series(s, sr))
      continue;
    printf("%s\n    \"%s\": {\"units\": \"%s\", \"years\": [", first ? "" : ",", mc_series[sr].name,
           mc_series[sr].unit);
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
      printf("}");
    }
    printf("]}");
  }
  printf("\n  }\n}\n");
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
      else {
        fprintf(stderr, "crossover report: unknown format '%s'; expected text, csv or json\n",
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
  if (optind != argc - 1) {
    fprintf(stderr, "crossover report: one results file expected\n%s", report_usage);
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
  } else if (fmt == F_TEXT)
    report_text(argv[optind], &job, st);
  else if (fmt == F_CSV)
    report_csv(&job, st);
  else
    report_json(&job, st);
  mc_stats_free(st);
  mc_job_free(&job);
  return rc;
}
