/* `crossover check JOB.yaml`: validates a job and prints what it resolves to.
 * Runs nothing and writes no file. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "escape.h"
#include "mc_engine.h"
#include "mc_job.h"
#include "mc_memory.h"
#include "mc_model.h"
#include "plot.h"

static const char usage[] =
    "usage: crossover check JOB.yaml [--set KEY=VALUE]... [--plot FILE.png|.pdf|.svg]\n"
    "\n"
    "Validates the job file and prints its scenario, grid and sampling, and for every\n"
    "parameter (in the order of the model's table, docs/model.md) the distribution\n"
    "as written, its 5th, 50th and 95th percentiles and its unit; defaults are\n"
    "marked. Then the correlations, crossovers and outputs, regimes and\n"
    "observations, and the memory the run's state will take per rank: the sketches'\n"
    "counters are predicted from a pilot of a few blocks of samples (their values'\n"
    "range decides the size), and a job over CROSSOVER_MAX_SKETCH_MB (environment;\n"
    "default 4096) is refused, as `crossover run` refuses it before it starts.\n"
    "Runs nothing else. Control characters in names and text are printed\n"
    "escaped (\\x1b).\n"
    "\n"
    "  --set KEY=VALUE  override one job value (repeatable), as `crossover run`\n"
    "                   does, e.g. --set sampling.samples=1e5\n"
    "  --plot FILE      also draws the density of every sampled parameter's\n"
    "                   distribution, with its 5th, 50th and 95th percentiles,\n"
    "                   into FILE (one chart)\n"
    "\n"
    "Exit status: 0 when the job is valid; 2 when it is not (the message names the\n"
    "file, line and column and what was expected) or would need more memory than\n"
    "the limit allows (the message says how much and what to change).\n";

static void num(double v, char *buf, size_t len) {
  if (isinf(v))
    snprintf(buf, len, "%s", v > 0 ? "inf" : "-inf");
  else
    snprintf(buf, len, "%.4g", v);
}

static void print_row(const char *key, int kwidth, const char *dist, int dwidth, const mc_dist *d,
                      const char *unit) {
  char q[3][32] = {"-", "-", "-"};
  static const double u[3] = {0.05, 0.5, 0.95};
  if (d)
    for (int i = 0; i < 3; i++)
      num(mc_dist_quantile(d, u[i]), q[i], sizeof q[i]);
  char safe[320];
  printf("  %-*s %-*s %11s %11s %11s  %s\n", kwidth, key, dwidth,
         mc_esc_term(dist, safe, sizeof safe), q[0], q[1], q[2], unit);
}

/* The regimes and the distributions of the parameters given per regime. */
static void print_regimes(const mc_job *job, int kwidth) {
  const mc_spec *s = &job->spec;
  if (!s->nregime)
    return;
  printf("\nregimes (each sample is drawn in one, with these probabilities):\n");
  for (int r = 0; r < s->nregime; r++)
    printf("  %-*s %g\n", kwidth, s->regime_name[r], s->regime_weight[r]);
  if (!s->nsplit)
    return;
  printf("\nparameters given per regime (5th, 50th and 95th percentiles):\n");
  char key[MC_MAXSPLIT][2 * MC_NAMELEN + 4];
  int dwidth = 12;
  for (int i = 0; i < s->nsplit; i++) {
    const mc_regime_dist *sp = &s->split[i];
    snprintf(key[i], sizeof key[i], "%s [%s]", s->model->param[sp->param].key,
             s->regime_name[sp->regime]);
    if ((int)strlen(key[i]) > kwidth)
      kwidth = (int)strlen(key[i]);
    if ((int)strlen(job->split[i].written) > dwidth)
      dwidth = (int)strlen(job->split[i].written);
  }
  for (int i = 0; i < s->nsplit; i++)
    print_row(key[i], kwidth, job->split[i].written, dwidth > 64 ? 64 : dwidth, &s->split[i].dist,
              s->model->param[s->split[i].param].unit);
}

static void print_observations(const mc_spec *s) {
  if (!s->nobs)
    return;
  printf("\nobservations (the bands are checked against them):\n");
  for (int i = 0; i < s->nobs; i++) {
    const mc_observation *o = &s->obs[i];
    const mc_series_info *si = &s->model->series[o->series];
    printf("  %s %d: %g %s (%s)\n", si->name, s->base_year + o->year, o->value, si->unit,
           o->source);
  }
}

/* The job's identity, grid and sampling. */
static void print_header(const mc_job *job) {
  const mc_spec *s = &job->spec;
  const mc_model_type *M = s->model;
  printf("job:         ");
  mc_put_term(stdout, job->path);
  printf("\nmodel:       %s (%s)\n", M->name, M->summary);
  printf("scenario:    ");
  mc_put_term(stdout, s->scenario);
  printf("\n");
  if (job->description[0]) {
    printf("description: ");
    mc_put_term(stdout, job->description);
    printf("\n");
  }
  printf("grid:        %d to %d (%d years)\n", s->base_year, s->horizon_year, mc_spec_nyears(s));
  printf("sampling:    %s, %llu samples, seed %llu\n", mc_method_names[s->method],
         (unsigned long long)s->samples, (unsigned long long)s->seed);
  if (s->stop_se > 0)
    printf("stop_when:   every crossover probability's standard error below %g, checked after "
           "%d, %d, %d, ... blocks of %d samples (samples is the cap)\n",
           s->stop_se, MC_STOP_FIRST_BLOCKS, 2 * MC_STOP_FIRST_BLOCKS, 4 * MC_STOP_FIRST_BLOCKS,
           MC_BLOCK);
}

/* How parameter p is given: as written, or its default. */
static void describe_param(const mc_job *job, int p, char *buf, size_t len) {
  const mc_spec *s = &job->spec;
  const mc_model_type *M = s->model;
  const mc_param_info *pi = &M->param[p];
  if (s->configured[p]) {
    snprintf(buf, len, "%s", job->param[p].written);
    return;
  }
  switch (pi->dflt_kind) {
  case MC_DEF_VALUE:
    snprintf(buf, len, "default: %g", pi->dflt);
    break;
  case MC_DEF_FOLLOWS:
    snprintf(buf, len, "default: follows %s", M->param[pi->follows].key);
    break;
  case MC_DEF_INFINITE:
    snprintf(buf, len, "default: inf (no slowdown)");
    break;
  case MC_DEF_ABSENT:
    snprintf(buf, len, "not configured (no power cap)");
    break;
  default:
    snprintf(buf, len, "(missing)");
    break;
  }
}

/* The parameter table, in the model's order. */
static void print_params(const mc_job *job) {
  const mc_spec *s = &job->spec;
  const mc_model_type *M = s->model;
  char written[MC_MAXPARAM][320], safe[320];
  int dwidth = (int)strlen("distribution"), kwidth = 3;
  for (int p = 0; p < M->nparam; p++) {
    if (s->per_regime[p])
      snprintf(written[p], sizeof written[p], "per regime (below)");
    else
      describe_param(job, p, written[p], sizeof written[p]);
    int w = (int)strlen(mc_esc_term(written[p], safe, sizeof safe));
    if (w > dwidth)
      dwidth = w;
    if ((int)strlen(M->param[p].key) > kwidth)
      kwidth = (int)strlen(M->param[p].key);
  }
  if (dwidth > 64)
    dwidth = 64;
  printf("\nparameters (5th, 50th and 95th percentiles):\n");
  printf("  %-*s %-*s %11s %11s %11s  %s\n", kwidth, "key", dwidth, "distribution", "p5", "p50",
         "p95", "unit");
  for (int p = 0; p < M->nparam; p++) {
    const mc_param_info *pi = &M->param[p];
    const mc_dist *d = NULL;
    if (s->per_regime[p])
      d = NULL;
    else if (s->configured[p])
      d = &s->dist[p];
    else if (pi->dflt_kind == MC_DEF_VALUE || pi->dflt_kind == MC_DEF_INFINITE)
      d = &s->dist[p];
    else if (pi->dflt_kind == MC_DEF_FOLLOWS && s->configured[pi->follows])
      d = &s->dist[pi->follows];
    print_row(pi->key, kwidth, written[p], dwidth, d, pi->unit);
  }
  print_regimes(job, kwidth);
}

/* Correlations, power, crossovers, outputs and sensitivity. */
static void print_rest(const mc_job *job) {
  const mc_spec *s = &job->spec;
  const mc_model_type *M = s->model;
  printf("\ncorrelations (Spearman rank):%s\n", s->ncorr ? "" : " none");
  for (int i = 0; i < s->ncorr; i++)
    printf("  %s ~ %s: %g\n", M->param[s->corr[i].a].key, M->param[s->corr[i].b].key,
           s->corr[i].rho);
  if (M == &mc_model_demand) { /* its power cap */
    printf("\npower:       ");
    if (s->has_cap)
      printf("capped by power.capacity, policy %s\n", mc_policy_names[s->policy]);
    else
      printf("no cap (power.capacity not configured)\n");
  }
  printf("\ncrossovers (first year with lhs >= rhs):\n");
  for (int i = 0; i < s->ncross; i++) {
    printf("  ");
    mc_put_term(stdout, s->cross[i].name);
    printf(": %s >= %s\n", M->series[s->cross[i].lhs].name, M->series[s->cross[i].rhs].name);
  }
  printf("\noutputs:\n  percentiles: ");
  for (int i = 0; i < s->npct; i++)
    printf("%s%g", i ? ", " : "", s->pct[i]);
  printf("\n  relative_accuracy: %g\n", s->rel_acc);
  printf("  samples: %s\n", s->samples_out ? "true (per-sample values are written)" : "false");
  if (s->nsens) {
    int par[MC_MAXINPUT], k = mc_spec_sens_params(s, par);
    printf("\nsensitivity: first-order and total Sobol' indices of");
    for (int i = 0; i < s->nsens; i++) {
      printf("%s ", i ? "," : "");
      mc_put_term(stdout, s->sens[i].name);
    }
    printf("\n  over the %d non-constant parameters:", k);
    for (int j = 0; j < k; j++)
      printf("%s %s", j ? "," : "", mc_spec_input_key(s, par[j]));
    printf("\n  cost: %d model evaluations per sample (k + 2)\n", k + 2);
  }
  print_observations(s);
}

/* The predicted memory of the run's state per rank; MC_EINPUT past the limit. */
static int print_memory(const mc_job *job, mc_err *e) {
  const mc_spec *s = &job->spec;
  mc_memory_estimate m;
  size_t limit = mc_cli_sketch_limit_mb();
  int rc = mc_memory_predict(s, NULL, &m, e);
  if (rc != MC_OK)
    return rc;
  printf("\nmemory per rank (predicted from a pilot of %llu samples%s):\n",
         (unsigned long long)m.pilot_samples, m.exact ? ", all of them" : "");
  printf("  sketches: %.1f MiB, at most %.1f MiB on rank 0 with the reduced result (%d "
         "sketches, %.0f counters per octave; limit %zu MiB, CROSSOVER_MAX_SKETCH_MB)\n",
         (double)m.sketch_bytes / 1048576.0, (double)m.peak_bytes / 1048576.0, m.nsketch,
         ldexp(1.0, m.mbits), limit);
  printf("  other state: %.1f MiB (counts, crossing-time histograms, exact sums)\n",
         (double)m.fixed_bytes / 1048576.0);
  return mc_memory_check(s, &m, limit, e);
}

static int print_job(const mc_job *job, mc_err *e) {
  print_header(job);
  print_params(job);
  print_rest(job);
  int rc = print_memory(job, e);
  if (rc == MC_OK)
    printf("\nthe job is valid\n");
  return rc;
}

int mc_cmd_check(int argc, char **argv) {
  static const struct option opts[] = {{"help", no_argument, 0, 'h'},
                                       {"set", required_argument, 0, 's'},
                                       {"plot", required_argument, 0, 'p'},
                                       {0, 0, 0, 0}};
  const char *plot = NULL, *sets[64];
  int nsets = 0;
  optind = 1;
  opterr = 0;
  for (int c; (c = getopt_long(argc, argv, "h", opts, NULL)) != -1;) {
    if (c == 'h') {
      fputs(usage, stdout);
      return 0;
    }
    if (c == 's' && nsets < 64) {
      sets[nsets++] = optarg;
      continue;
    }
    if (c == 'p' && *optarg) {
      plot = optarg;
      continue;
    }
    int missing = c == '?' && optopt; /* a known option without its value */
    int opt = missing ? optopt : c;
    if (opt == 'p')
      fprintf(stderr, "crossover: check: --plot needs a file name\n%s", usage);
    else if (opt == 's')
      fprintf(stderr, "crossover: check: %s\n%s",
              missing ? "--set wants KEY=VALUE" : "more than 64 --set options", usage);
    else
      fprintf(stderr, "crossover: check: unknown option '%s'\n%s", argv[optind - 1], usage);
    return 2;
  }
  if (optind >= argc) {
    fprintf(stderr, "crossover: check: expected a job file\n%s", usage);
    return 2;
  }
  if (optind + 1 < argc) {
    fprintf(stderr, "crossover: check: one job file expected, got '%s' and '%s'\n%s", argv[optind],
            argv[optind + 1], usage);
    return 2;
  }
  const char *path = argv[optind];
  mc_job *job = calloc(1, sizeof *job);
  if (!job) {
    mc_cli_error("check: out of memory");
    return 1;
  }
  mc_err e = {0};
  int rc = mc_job_load_with(path, sets, nsets, job, &e);
  if (rc == MC_OK)
    rc = print_job(job, &e);
  if (rc == MC_OK && plot)
    rc = mc_plot_inputs(job, plot, &e);
  if (rc != MC_OK)
    fprintf(stderr, "crossover: %s%s\n", e.msg, e.where);
  mc_job_free(job);
  free(job);
  return rc;
}
