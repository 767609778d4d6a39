/* crossover report: the numbers a person reads, from one results file or N
 * side by side. The model of what is reported and the formats are in
 * report.h; this is the command. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "escape.h"
#include "mc_h5.h"
#include "mc_model.h"
#include "report.h"

static const char report_usage[] =
    "usage: crossover report OUT.h5 [--format text|markdown|csv|json]\n"
    "       crossover report A.h5 B.h5 [C.h5 ...] [--format text|markdown|csv|json]\n"
    "\n"
    "One file: prints, per crossover, the probability that it has happened by each\n"
    "grid year (with its Monte Carlo standard error sqrt(p(1-p)/n)) and in each year,\n"
    "the median and 90% interval of the crossing time (the continuous moment lhs\n"
    "reaches rhs, a fractional calendar year; the crossover year is the first grid\n"
    "year with lhs >= rhs) and the probability of no crossover by the horizon; per\n"
    "series, the median (with its standard error, from the order statistics around\n"
    "it) and 90% band at the base year, every fifth year and the horizon; for model\n"
    "capacity, the fraction of samples held back by each binding constraint per year;\n"
    "for a job with a sensitivity section, the first-order and total Sobol' indices of\n"
    "each target with 95% intervals, largest total first. Works on checkpoints, merged\n"
    "files and runs stopped by sampling.stop_when.\n"
    "\n"
    "Several files (up to 26, labelled A, B, C, ...): the scenarios side by side, and\n"
    "per crossover (matched by name) and common grid year the difference X - A of the\n"
    "cumulative probability from the first file with its standard error. Independent\n"
    "runs (different seeds): sqrt(pA(1-pA)/nA + pX(1-pX)/nX). Runs sharing a seed\n"
    "draw the same random numbers for sample i (common random numbers), so their\n"
    "estimates are paired and the counts alone do not fix the standard error: for\n"
    "files holding the same samples sqrt(|d|(1-|d|)/n) (d = pX - pA) is a lower\n"
    "bound that always holds, and the independent figure an upper bound when the\n"
    "pairing correlates the estimates positively, the aim of common random numbers\n"
    "(not guaranteed for every pair). The output says, per file, whether the seeds\n"
    "are shared and which samples pair, and prints both figures.\n"
    "\n"
    "All standard errors are the formulas for independent samples (sampling.method\n"
    "mc); with lhs or sobol they are usually pessimistic, and the output says so.\n"
    "\n"
    "  --format text       aligned tables for people (default)\n"
    "  --format markdown   GitHub/pandoc tables, for papers and notes\n"
    "  --format csv        RFC 4180, one number per row; one file:\n"
    "                        section,name,year,quantity,value,standard_error,units\n"
    "                      several files:\n"
    "                        section,name,year,quantity,run,value,standard_error,\n"
    "                        difference,se_independent,se_paired_min,units\n"
    "                      a crossing time after the horizon is `censored`\n"
    "  --format json       one object, for scripts; every quantity an object with\n"
    "                      its value and standard error\n"
    "\n"
    "Details: docs/outputs.md. Exit status: 0 done; 2 bad usage or a file that is\n"
    "not a readable Crossover results file.\n";

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
  char safe[1024];
  fprintf(
      stderr,
      "crossover report: warning: %s: %llu of %llu samples (%.3g%%) overflowed to infinity "
      "or gave NaN in some projection; those values are left out of the bands and moments of:\n",
      mc_esc_term(path, safe, sizeof safe), (unsigned long long)st->fault_samples,
      (unsigned long long)n, 100.0 * (double)st->fault_samples / (double)n);
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

/* The format named name (or its alias), or NULL. */
static const rp_format *find_format(const char *name) {
  for (int i = 0; i < rp_nformats; i++)
    if (!strcmp(name, rp_formats[i].name) ||
        (rp_formats[i].alias && !strcmp(name, rp_formats[i].alias)))
      return &rp_formats[i];
  return NULL;
}

/* 0 to report, 1 after --help, -1 after a usage error (printed). */
static int parse_args(int argc, char **argv, const rp_format **fmt) {
  static const struct option opts[] = {
      {"format", required_argument, 0, 'f'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
  *fmt = &rp_formats[0];
  optind = 1;
  opterr = 0;
  for (int c; (c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1;) {
    switch (c) {
    case 'f':
      if (!(*fmt = find_format(optarg))) {
        fprintf(stderr, "crossover report: unknown format '");
        mc_put_term(stderr, optarg);
        fprintf(stderr, "'; expected one of");
        for (int i = 0; i < rp_nformats; i++)
          fprintf(stderr, "%s %s", i ? (i + 1 == rp_nformats ? " or" : ",") : "",
                  rp_formats[i].name);
        fprintf(stderr, "\n");
        return -1;
      }
      break;
    case 'h':
      fputs(report_usage, stdout);
      return 1;
    default:
      fprintf(stderr, "crossover report: unknown or incomplete option '%s'\n%s", argv[optind - 1],
              report_usage);
      return -1;
    }
  }
  int n = argc - optind;
  if (n < 1 || n > RP_MAXFILES) {
    fprintf(stderr, "crossover report: %s\n%s",
            n < 1 ? "no results file given" : "at most 26 results files at once", report_usage);
    return -1;
  }
  return 0;
}

/* One file read and modelled. */
typedef struct loaded {
  mc_job job;
  mc_stats *st;
  rp_scenario s;
  int have_job, have_model;
} loaded;

static int load(const char *path, loaded *f, mc_err *e) {
  int rc = mc_h5_read(path, &f->job, &f->st, NULL, e);
  if (rc != MC_OK)
    return rc;
  f->have_job = 1;
  if (mc_stats_done_samples(f->st) == 0)
    MC_RAISE(e, MC_EINPUT, "%s holds no samples yet", path);
  warn_faults(path, &f->job, f->st);
  rc = rp_scenario_build(&f->s, path, &f->job, f->st, e);
  f->have_model = rc == MC_OK;
  return rc;
}

int mc_cmd_report(int argc, char **argv) {
  const rp_format *fmt;
  int parsed = parse_args(argc, argv, &fmt);
  if (parsed)
    return parsed > 0 ? 0 : MC_EINPUT;
  int n = argc - optind, rc = MC_OK;
  char **paths = argv + optind;
  mc_err err = {0}, *e = &err;
  loaded *f = calloc((size_t)n, sizeof *f);
  rp_compare *cmp = calloc(1, sizeof *cmp);
  if (!f || !cmp)
    MC_FAIL(e, MC_EFAIL, "out of memory");
  for (int i = 0; i < n; i++)
    MC_CHECK(load(paths[i], &f[i], e));
  if (n == 1) {
    fmt->one(&f[0].s);
  } else {
    rp_scenario *s[RP_MAXFILES];
    for (int i = 0; i < n; i++)
      s[i] = &f[i].s;
    MC_CHECK(rp_compare_build(cmp, n, s, e));
    fmt->many(cmp);
    rp_compare_free(cmp);
  }
cleanup:
  if (rc != MC_OK) {
    fprintf(stderr, "crossover report: ");
    mc_put_term(stderr, e->msg);
    fprintf(stderr, "%s\n", e->where);
  }
  for (int i = 0; f && i < n; i++) {
    if (f[i].have_model)
      rp_scenario_free(&f[i].s);
    mc_stats_free(f[i].st);
    if (f[i].have_job)
      mc_job_free(&f[i].job);
  }
  free(f);
  free(cmp);
  return rc;
}
