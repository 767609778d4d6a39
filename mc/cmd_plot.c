/* crossover plot: the charts of one results file, or the comparison of
 * several (mc/plot.h), drawn with PLplot's cairo drivers.
 *
 * Every number comes from the files through mc_h5_read and the derived
 * statistics of engine/mc_engine.h: bands are mc_stats_series_percentile at
 * 5, 25, 50, 75 and 95; crossover bars are year_counts / n; the median and
 * 90% interval of the crossing time are mc_stats_time_quantile; Sobol'
 * indices are mc_stats_sensitivity. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "mc_h5.h"
#include "plot.h"
#include "plot_int.h"

static const char plot_usage[] =
    "usage: crossover plot OUT.h5 [-o FILE.png|FILE.pdf|FILE.svg] [--series LIST]\n"
    "       crossover plot A.h5 B.h5 [C.h5 ...] [-o FILE] [--series LIST]\n"
    "\n"
    "Draws from one results file:\n"
    "  fan charts: per series the median line and shaded 25-75% and 5-95% bands,\n"
    "    series sharing a unit on one chart, on a log axis when they span decades\n"
    "    (a band whose percentile is 0 leaves the bottom of a log axis, and the legend\n"
    "    says in which years); the median crossing time of a crossover whose two\n"
    "    series are both shown; power_shortfall in a panel of its own:\n"
    "    P(power_shortfall > 0) and its bands among the samples where it is positive;\n"
    "  per crossover, the crossover-year distribution: bars P(crossover year = y),\n"
    "    the line P(crossover year <= y), the median and 90% interval of the\n"
    "    crossing time, and the probability of no crossover by the horizon;\n"
    "  for model capacity, the binding constraint's share of samples by year\n"
    "    (when the file holds the counts; otherwise a note says it is skipped);\n"
    "  for a job with a sensitivity section, per target the first-order and total\n"
    "    Sobol' indices with their 95% confidence intervals.\n"
    "From 2 to 10 results files of one model, a comparison: per crossover the\n"
    "  curves P(crossover year <= y) of every scenario, and per chart of series a\n"
    "  panel per series with each scenario's median and 25-75% band.\n"
    "\n"
    "  -o, --output FILE     the format follows the extension:\n"
    "                        .pdf       one file, a page per chart\n"
    "                        .png .svg  a file per chart: FILE-compute.png,\n"
    "                                   FILE-crossover-NAME.png per crossover,\n"
    "                                   FILE-constraints.png,\n"
    "                                   FILE-sensitivity-TARGET.png\n"
    "                        (default: OUT.png, i.e. OUT-compute.png, ...; for several\n"
    "                        files A-compare.png beside the first)\n"
    "      --series LIST     the series to draw, separated by commas (or spaces in one\n"
    "                        argument); may be repeated (default: the model's charts,\n"
    "                        e.g. training_compute,inference_compute and so on)\n"
    "\n"
    "Prints the paths written; files of the same names are replaced. A chart is\n"
    "written under a temporary name and renamed only when every chart is complete\n"
    "on disk: a failure (a full disk included) leaves no chart behind.\n"
    "Exit status: 0 done; 2 bad usage, an unknown series or extension, or a file that\n"
    "is not a readable Crossover results file (nothing written); 1 any other failure.\n";

/* Lower-case letters, digits and '_': how series names are written. */
static int looks_like_name(const char *a) {
  if (!*a)
    return 0;
  for (; *a; a++)
    if (!((*a >= 'a' && *a <= 'z') || (*a >= '0' && *a <= '9') || *a == '_'))
      return 0;
  return 1;
}

static void list_series(const mc_spec *s, char *buf, size_t len) {
  size_t at = 0;
  buf[0] = '\0';
  for (int i = 0; i < s->model->nseries && at < len; i++)
    if (mc_spec_has_series(s, i))
      at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? ", " : "", s->model->series[i].name);
}

/* The series of names[0..n-1] in the job's model, each once, into sel;
 * MC_EINPUT naming an unknown one or one the job does not produce. */
static int resolve_series(const mc_spec *s, const char *path, char names[][MC_NAMELEN], int n,
                          int *sel, int *nsel, mc_err *e) {
  const mc_model_type *M = s->model;
  *nsel = 0;
  for (int j = 0; j < n; j++) {
    int id = mc_series_find(M, names[j]), dup = 0;
    if (id < 0 || !mc_spec_has_series(s, id)) {
      char here[1024];
      list_series(s, here, sizeof here);
      if (id < 0)
        MC_RAISE(e, MC_EINPUT, "unknown series '%s' (model %s); series in %s: %s", names[j],
                 M->name, path, here);
      MC_RAISE(e, MC_EINPUT, "%s has no series '%s': it needs %s; series in this file: %s", path,
               names[j], M->series[id].needs, here);
    }
    for (int k = 0; k < *nsel; k++)
      dup |= sel[k] == id;
    if (!dup)
      sel[(*nsel)++] = id;
  }
  return MC_OK;
}

/* The model's default charts' series that the job produces, in order. */
static int default_series(const mc_spec *s, int *sel) {
  const mc_model_type *M = s->model;
  int n = 0;
  for (int c = 0; c < M->ncharts; c++)
    for (int id = 0; id < M->nseries && !M->charts[c].on_request; id++)
      if (plot_chart_has(&M->charts[c], M->series[id].name) && mc_spec_has_series(s, id))
        sel[n++] = id;
  return n;
}

/* A page per unit (and model chart) of the series sel[0..n-1], in the order
 * the units first appear; returns the pages added. */
static int series_pages(const mc_model_type *M, const int *sel, int n, plot_page *pages,
                        void (*draw)(const plot_ctx *, const plot_page *)) {
  int used[MC_MAXSERIES] = {0}, np = 0;
  for (int k = 0; k < n; k++) {
    if (used[k])
      continue;
    plot_page *pg = &pages[np++];
    memset(pg, 0, sizeof *pg);
    pg->draw = draw;
    plot_chart_words w, wm;
    plot_chart_words_for(M, sel[k], &w);
    for (int m = k; m < n; m++) {
      plot_chart_words_for(M, sel[m], &wm);
      if (!used[m] && !strcmp(M->series[sel[m]].unit, M->series[sel[k]].unit) &&
          !strcmp(wm.suffix, w.suffix)) {
        pg->sel[pg->nsel++] = sel[m];
        used[m] = 1;
      }
    }
    snprintf(pg->suffix, sizeof pg->suffix, "%s", w.suffix);
  }
  return np;
}

/* "training_compute@2035" -> "training_compute-2035", "crossover.x" -> "crossover-x". */
static void target_suffix(const char *name, char *buf, size_t len) {
  snprintf(buf, len, "sensitivity-%s", name);
  for (char *p = buf; *p; p++)
    if (*p == '@' || *p == '.' || *p == '/')
      *p = '-';
}

/* The results' state is usable for charts: samples, a grid plot can hold. */
static int check_state(const mc_stats *st, const char *what, mc_err *e) {
  if (mc_stats_done_samples(st) == 0)
    MC_RAISE(e, MC_EINPUT, "%s holds no samples yet", what);
  if (st->ny > PLOT_MAXY)
    MC_RAISE(e, MC_EINPUT, "%s: %d grid years; plot draws at most %d", what, st->ny, PLOT_MAXY);
  return MC_OK;
}

int mc_plot_results(const mc_job *job, const mc_stats *st, const char *out, const int *sel_in,
                    int nsel, mc_err *e) {
  const mc_spec *s = &job->spec;
  const mc_model_type *M = s->model;
  static plot_page pages[PLOT_MAXPAGES];
  int sel[MC_MAXSERIES], np, rc = MC_OK;
  plot_ctx P = {.fmt = plot_format_for(out), .nfiles = 1, .job = {job}, .st = {st}};
  if (!P.fmt)
    MC_RAISE(e, MC_EINPUT, "%s: unknown output format; the name must end in .png, .pdf or .svg",
             out);
  MC_CHECK(check_state(st, s->scenario, e));
  P.n[0] = mc_stats_done_samples(st);
  if (nsel)
    memcpy(sel, sel_in, sizeof *sel * (size_t)nsel);
  else
    nsel = default_series(s, sel);
  np = series_pages(M, sel, nsel, pages, plot_fan_page);
  for (int c = 0; c < s->ncross; c++) {
    plot_page *pg = &pages[np++];
    memset(pg, 0, sizeof *pg);
    pg->draw = plot_crossover_page;
    pg->index = c;
    snprintf(pg->suffix, sizeof pg->suffix, "crossover-%s", s->cross[c].name);
  }
  if (M->ncat && plot_constraint_total(st)) {
    plot_page *pg = &pages[np++];
    memset(pg, 0, sizeof *pg);
    pg->draw = plot_constraints_page;
    snprintf(pg->suffix, sizeof pg->suffix, "constraints");
  } else if (M->ncat)
    fprintf(stderr, "crossover plot: note: the results hold no binding-constraint counts (a file "
                    "written before they were recorded); no constraints chart\n");
  for (int t = 0; t < st->nsens && st->sens_k > 0; t++) {
    plot_page *pg = &pages[np++];
    memset(pg, 0, sizeof *pg);
    pg->draw = plot_sensitivity_page;
    pg->index = t;
    target_suffix(s->sens[t].name, pg->suffix, sizeof pg->suffix);
  }
  MC_CHECK(plot_write(&P, out, pages, np, 0, e));
cleanup:
  return rc;
}

int mc_plot_compare(int n, const mc_job *const *job, const mc_stats *const *st,
                    const char *const *label, const char *out, const int *sel_in, int nsel,
                    mc_err *e) {
  static plot_page pages[PLOT_MAXPAGES];
  int sel[MC_MAXSERIES], np = 0, rc = MC_OK;
  plot_ctx P = {.fmt = plot_format_for(out), .nfiles = n};
  if (!P.fmt)
    MC_RAISE(e, MC_EINPUT, "%s: unknown output format; the name must end in .png, .pdf or .svg",
             out);
  if (n < 2 || n > PLOT_MAXFILES)
    MC_RAISE(e, MC_EINPUT, "a comparison takes 2 to %d results files, not %d", PLOT_MAXFILES, n);
  const mc_spec *s0 = &job[0]->spec;
  for (int f = 0; f < n; f++) {
    P.job[f] = job[f], P.st[f] = st[f];
    snprintf(P.label[f], sizeof P.label[f], "%s", label[f]);
    MC_CHECK(check_state(st[f], label[f], e));
    P.n[f] = mc_stats_done_samples(st[f]);
    if (job[f]->spec.model != s0->model)
      MC_FAIL(e, MC_EINPUT, "%s is of model %s, %s of model %s: plot compares files of one model",
              label[0], s0->model->name, label[f], job[f]->spec.model->name);
  }
  for (int k = 0; k < nsel; k++) /* asked for: in every file */
    for (int f = 0; f < n; f++)
      if (!mc_spec_has_series(&job[f]->spec, sel_in[k]))
        MC_FAIL(e, MC_EINPUT, "%s has no series '%s': it needs %s", label[f],
                s0->model->series[sel_in[k]].name, s0->model->series[sel_in[k]].needs);
  if (nsel)
    memcpy(sel, sel_in, sizeof *sel * (size_t)nsel);
  else { /* by default: the model's charts' series that every file has */
    int all[MC_MAXSERIES], nall = default_series(s0, all);
    for (int k = 0; k < nall; k++) {
      int everywhere = 1;
      for (int f = 1; f < n; f++)
        everywhere &= mc_spec_has_series(&job[f]->spec, all[k]);
      if (everywhere)
        sel[nsel++] = all[k];
    }
  }
  for (int c = 0; c < s0->ncross; c++) {
    int everywhere = 1;
    for (int f = 1; f < n; f++) {
      int found = 0;
      for (int d = 0; d < job[f]->spec.ncross; d++)
        found |= !strcmp(job[f]->spec.cross[d].name, s0->cross[c].name);
      everywhere &= found;
    }
    if (!everywhere) {
      fprintf(stderr, "crossover plot: note: not every file has crossover '%s'; not compared\n",
              s0->cross[c].name);
      continue;
    }
    plot_page *pg = &pages[np++];
    memset(pg, 0, sizeof *pg);
    pg->draw = plot_compare_cross_page;
    pg->index = c;
    snprintf(pg->suffix, sizeof pg->suffix, "crossover-%s", s0->cross[c].name);
  }
  np += series_pages(s0->model, sel, nsel, pages + np, plot_compare_series_page);
  MC_CHECK(plot_write(&P, out, pages, np, 0, e));
cleanup:
  return rc;
}

/* ---- the command --------------------------------------------------------------------- */

typedef struct plot_args {
  const char *output;
  const char *input[PLOT_MAXFILES + 1];
  int ninput;
  char names[64][MC_NAMELEN];
  int nnames, series_opt;
} plot_args;

/* Adds the names of a --series argument (commas or spaces between them). */
static int add_names(plot_args *a, const char *list) {
  char tmp[1024];
  snprintf(tmp, sizeof tmp, "%s", list);
  a->series_opt = 1;
  for (char *tok = strtok(tmp, ", "); tok; tok = strtok(NULL, ", ")) {
    if (a->nnames >= 64) {
      fprintf(stderr, "crossover plot: too many --series names\n");
      return MC_EINPUT;
    }
    snprintf(a->names[a->nnames++], MC_NAMELEN, "%s", tok);
  }
  return MC_OK;
}

/* Reads the options; returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, plot_args *a) {
  static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                           {"series", required_argument, NULL, 's'},
                                           {"help", no_argument, NULL, 'h'},
                                           {NULL, 0, NULL, 0}};
  memset(a, 0, sizeof *a);
  optind = 0; /* glibc: start afresh (another command may have parsed before) */
  opterr = 0;
  for (int c; (c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1;) {
    if (c == 'h') {
      fputs(plot_usage, stdout);
      return 0;
    } else if (c == 'o')
      a->output = optarg;
    else if (c == 's') {
      if (add_names(a, optarg) != MC_OK)
        return MC_EINPUT;
    } else {
      const char *opt = argv[optind - 1];
      if (c == ':' && !strncmp(opt, "--series", 8))
        fprintf(stderr, "crossover plot: --series needs at least one name (crossover report "
                        "lists a file's series)\n");
      else if (c == ':')
        fprintf(stderr, "crossover plot: %s needs a value\n%s", opt, plot_usage);
      else
        fprintf(stderr, "crossover plot: unknown option '%s'\n%s", opt, plot_usage);
      return MC_EINPUT;
    }
  }
  for (int i = optind; i < argc; i++) {
    struct stat sb;
    if (a->series_opt && looks_like_name(argv[i]) && stat(argv[i], &sb) != 0) {
      fprintf(stderr,
              "crossover plot: '%s' is not a file; several series go in one --series "
              "list, separated by commas\n",
              argv[i]);
      return MC_EINPUT;
    }
    if (a->ninput > PLOT_MAXFILES) {
      fprintf(stderr, "crossover plot: at most %d results files at once\n", PLOT_MAXFILES);
      return MC_EINPUT;
    }
    a->input[a->ninput++] = argv[i];
  }
  if (!a->ninput) {
    fprintf(stderr, "crossover plot: a results file expected\n%s", plot_usage);
    return MC_EINPUT;
  }
  if (a->series_opt && a->nnames == 0) {
    fprintf(stderr, "crossover plot: --series needs at least one name (crossover report lists "
                    "a file's series)\n");
    return MC_EINPUT;
  }
  if (a->ninput > PLOT_MAXFILES) {
    fprintf(stderr, "crossover plot: at most %d results files at once\n", PLOT_MAXFILES);
    return MC_EINPUT;
  }
  return -1;
}

/* The output name: given, or beside the first input (OUT.png, OUT-compare.png). */
static int output_name(const plot_args *a, char *buf, size_t len, mc_err *e) {
  if (a->output)
    snprintf(buf, len, "%s", a->output);
  else {
    size_t L = strlen(a->input[0]);
    int h5 = L > 3 && !strcasecmp(a->input[0] + L - 3, ".h5");
    snprintf(buf, len, "%.*s%s.png", (int)(h5 ? L - 3 : L), a->input[0],
             a->ninput > 1 ? "-compare" : "");
  }
  if (!plot_format_for(buf))
    MC_RAISE(e, MC_EINPUT, "%s: unknown output format; the name must end in .png, .pdf or .svg",
             buf);
  return MC_OK;
}

/* Scenario names made distinct: a repeated one gets its file's name. */
static void labels_for(const plot_args *a, mc_job *jobs, char label[][160]) {
  for (int f = 0; f < a->ninput; f++) {
    int dup = 0;
    for (int g = 0; g < a->ninput; g++)
      dup |= g != f && !strcmp(jobs[g].spec.scenario, jobs[f].spec.scenario);
    const char *base = strrchr(a->input[f], '/');
    if (dup)
      snprintf(label[f], 160, "%.80s (%.70s)", jobs[f].spec.scenario,
               base ? base + 1 : a->input[f]);
    else
      snprintf(label[f], 160, "%.150s", jobs[f].spec.scenario);
  }
}

int mc_cmd_plot(int argc, char **argv) {
  plot_args a;
  int rc = parse_args(argc, argv, &a);
  if (rc >= 0)
    return rc;
  rc = MC_OK;
  mc_err err = {0};
  static mc_job jobs[PLOT_MAXFILES];
  mc_stats *st[PLOT_MAXFILES] = {0};
  int nread = 0, sel[MC_MAXSERIES], nsel = 0;
  char out[1100];
  static char label[PLOT_MAXFILES][160];
  MC_CHECK(output_name(&a, out, sizeof out, &err));
  for (; nread < a.ninput; nread++)
    MC_CHECK(mc_h5_read(a.input[nread], &jobs[nread], &st[nread], NULL, &err));
  if (a.nnames)
    MC_CHECK(resolve_series(&jobs[0].spec, a.input[0], a.names, a.nnames, sel, &nsel, &err));
  if (a.ninput == 1)
    MC_CHECK(mc_plot_results(&jobs[0], st[0], out, sel, nsel, &err));
  else {
    const mc_job *jp[PLOT_MAXFILES];
    const mc_stats *sp[PLOT_MAXFILES];
    const char *lp[PLOT_MAXFILES];
    labels_for(&a, jobs, label);
    for (int f = 0; f < a.ninput; f++)
      jp[f] = &jobs[f], sp[f] = st[f], lp[f] = label[f];
    MC_CHECK(mc_plot_compare(a.ninput, jp, sp, lp, out, sel, nsel, &err));
  }
cleanup:
  if (rc != MC_OK)
    fprintf(stderr, "crossover plot: %s%s\n", err.msg, err.where);
  for (int f = 0; f < nread; f++) {
    mc_stats_free(st[f]);
    mc_job_free(&jobs[f]);
  }
  return rc;
}
