/* Writing the results file (docs/results-format.md): the root attributes,
 * /year and /percentile, /series, /crossover, /parameters, /sensitivity,
 * /constraints, then /state (mc_h5_state.c) and the outputs checksum. */
#include <hdf5_hl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mc_h5.h"
#include "mc_h5_regimes.h"
#include "mc_h5_state.h"
#include "mc_version.h"

static void iso_now(char *buf, size_t len) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The root attributes; part ("K/N") into part. */
static int write_root(mc_h5w *w, hid_t f, const mc_job *job, const mc_stats *st,
                      const mc_h5_meta *meta, char *part, size_t plen, mc_err *e) {
  int rc = MC_OK;
  const mc_spec *spec = &job->spec;
  char created[32];
  if (meta && meta->created[0])
    snprintf(created, sizeof created, "%s", meta->created);
  else
    iso_now(created, sizeof created);
  MC_CHECK(mc_h5w_attr_str(w, f, "format", MC_FORMAT, e));
  MC_CHECK(mc_h5w_attr_i32(w, f, "format_version", MC_FORMAT_VERSION, e));
  MC_CHECK(mc_h5w_attr_str(w, f, "scenario", spec->scenario, e));
  MC_CHECK(mc_h5w_attr_str(w, f, "model", spec->model->name, e));
  MC_CHECK(mc_h5w_attr_str(w, f, "engine_version", MC_ENGINE_VERSION, e));
  MC_CHECK(mc_h5w_attr_str(w, f, "config", job->resolved_yaml ? job->resolved_yaml : "", e));
  MC_CHECK(mc_h5w_attr_u64(w, f, "seed", spec->seed, e));
  MC_CHECK(mc_h5w_attr_u64(w, f, "samples", mc_stats_done_samples(st), e));
  MC_CHECK(mc_h5w_attr_u64(w, f, "samples_planned", spec->samples, e));
  MC_CHECK(mc_h5w_attr_i32(w, f, "complete", mc_stats_complete(st), e));
  MC_CHECK(mc_h5w_attr_i32(w, f, "stopped_early", st->stop_blocks && mc_stats_complete(st), e));
  MC_CHECK(mc_h5w_attr_str(w, f, "sampling_method", mc_method_names[spec->method], e));
  MC_CHECK(mc_h5w_attr_i32(w, f, "base_year", spec->base_year, e));
  MC_CHECK(mc_h5w_attr_i32(w, f, "horizon_year", spec->horizon_year, e));
  MC_CHECK(mc_h5w_attr_str(w, f, "created", created, e));
  MC_CHECK(mc_h5w_attr_num(w, f, "relative_accuracy", H5T_NATIVE_DOUBLE, &spec->rel_acc, e));
  snprintf(part, plen, "%d/%d", meta ? meta->part_k : 1, meta ? meta->part_n : 1);
  MC_CHECK(mc_h5w_attr_str(w, f, "part", part, e));
  MC_CHECK(mc_h5w_attr_str(w, f, "Conventions", "CF-1.8", e));
cleanup:
  return rc;
}

/* /series/<name>: bands, their standard errors, moments and non-finite
 * counts of series s on the year axis (and the percentile axis pct). buf
 * holds ny (nq + 1) doubles. */
static int write_series_one(mc_h5w *w, hid_t g, const mc_spec *spec, const mc_stats *st, int s,
                            hid_t pct, double *buf, mc_err *e) {
  int rc = MC_OK;
  const char *path = w->path;
  const mc_series_info *si = &spec->model->series[s];
  int ny = st->ny, nq = spec->npct;
  hid_t sg = -1, d = -1;
  char ln[4][320];
  snprintf(ln[0], sizeof ln[0], "standard error of the percentiles of %s", si->meaning);
  snprintf(ln[1], sizeof ln[1], "mean of %s", si->meaning);
  snprintf(ln[2], sizeof ln[2], "standard deviation of %s", si->meaning);
  snprintf(ln[3], sizeof ln[3], "samples whose %s was not finite (left out)", si->meaning);
  H5ID(sg, H5Gcreate2(g, si->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (int y = 0; y < ny; y++)
    mc_stats_series_percentiles(st, s, y, nq, spec->pct, buf + (size_t)y * nq);
  MC_CHECK(mc_h5w_years(w, sg, "percentiles", H5T_NATIVE_DOUBLE, ny, nq, pct, buf, si->meaning,
                        si->unit, &d, e));
  MC_CHECK(mc_h5w_attr_num(w, d, "relative_accuracy", H5T_NATIVE_DOUBLE, &spec->rel_acc, e));
  H5Dclose(d);
  d = -1;
  for (int y = 0; y < ny; y++)
    mc_stats_series_percentiles_se(st, s, y, nq, spec->pct, buf + (size_t)y * nq);
  MC_CHECK(mc_h5w_years(w, sg, "percentiles_se", H5T_NATIVE_DOUBLE, ny, nq, pct, buf, ln[0],
                        si->unit, &d, e));
  MC_CHECK(mc_h5w_attr_str(w, d, "method",
                           "order statistics sqrt(p(1-p)n) ranks either side, halved (independent "
                           "samples; an upper estimate for lhs and sobol)",
                           e));
  H5Dclose(d);
  d = -1;
  for (int j = 0; j < 2; j++) {
    for (int y = 0; y < ny; y++)
      buf[y] = j == 0 ? mc_stats_series_mean(st, s, y) : mc_stats_series_std(st, s, y);
    MC_CHECK(mc_h5w_years(w, sg, j ? "std" : "mean", H5T_NATIVE_DOUBLE, ny, 0, -1, buf, ln[1 + j],
                          si->unit, NULL, e));
  }
  uint64_t *nf = (uint64_t *)buf;
  for (int y = 0; y < ny; y++)
    nf[y] = mc_stats_series_nonfinite(st, s, y);
  MC_CHECK(mc_h5w_years(w, sg, "nonfinite", H5T_NATIVE_UINT64, ny, 0, -1, nf, ln[3], "1", NULL, e));
  MC_CHECK(mc_h5w_attr_str(w, sg, "units", mc_h5_udunits(si->unit), e));
  if (strcmp(mc_h5_udunits(si->unit), si->unit) != 0)
    MC_CHECK(mc_h5w_attr_str(w, sg, "display_units", si->unit, e));
  MC_CHECK(mc_h5w_attr_str(w, sg, "description", si->meaning, e));
cleanup:
  mc_h5_close(2, d, sg);
  return rc;
}

/* /series: every series the job produces, in the model's table order. */
static int write_series(mc_h5w *w, hid_t f, const mc_spec *spec, const mc_stats *st, hid_t pct,
                        double *buf, mc_err *e) {
  int rc = MC_OK;
  const char *path = w->path;
  hid_t g = -1;
  H5ID(g, H5Gcreate2(f, "series", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (int s = 0; s < spec->model->nseries; s++)
    if (mc_spec_has_series(spec, s))
      MC_CHECK(write_series_one(w, g, spec, st, s, pct, buf, e));
cleanup:
  if (g >= 0)
    H5Gclose(g);
  return rc;
}

/* /crossover/<name> of crossover c: year counts, probabilities, their
 * standard errors, crossing-time quantiles (on the percentile axis pct).
 * buf holds 2 max(ny, nq) doubles. */
static int write_crossover_one(mc_h5w *w, hid_t g, const mc_spec *spec, const mc_stats *st, int c,
                               hid_t pct, double *buf, mc_err *e) {
  int rc = MC_OK;
  const char *path = w->path;
  int ny = st->ny, nq = spec->npct;
  uint64_t n = mc_stats_done_samples(st), cum = 0;
  hid_t sg = -1, d = -1;
  const uint64_t *yc = st->year_counts + (size_t)c * ny;
  const mc_series_info *S = spec->model->series;
  char what[3 * MC_NAMELEN + 16], ln[6][3 * MC_NAMELEN + 128];
  snprintf(what, sizeof what, "%s (%s >= %s)", spec->cross[c].name, S[spec->cross[c].lhs].name,
           S[spec->cross[c].rhs].name);
  snprintf(ln[0], sizeof ln[0], "samples whose %s crossover year is the year", what);
  snprintf(ln[1], sizeof ln[1], "probability that the %s crossover year is the year", what);
  snprintf(ln[2], sizeof ln[2], "probability that the %s crossover has happened by the year", what);
  snprintf(ln[3], sizeof ln[3], "standard error of the %s crossover probability", what);
  snprintf(ln[4], sizeof ln[4], "standard error of the %s cumulative crossover probability", what);
  snprintf(ln[5], sizeof ln[5],
           "quantiles of the %s crossing time (calendar year, decimal; NaN where censored)", what);
  H5ID(sg, H5Gcreate2(g, spec->cross[c].name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  MC_CHECK(
      mc_h5w_years(w, sg, "year_counts", H5T_NATIVE_UINT64, ny, 0, -1, yc, ln[0], "1", NULL, e));
  for (int y = 0; y < ny; y++) {
    cum += yc[y];
    buf[y] = n ? (double)yc[y] / (double)n : NAN;
    buf[ny + y] = n ? (double)cum / (double)n : NAN;
  }
  MC_CHECK(
      mc_h5w_years(w, sg, "probability", H5T_NATIVE_DOUBLE, ny, 0, -1, buf, ln[1], "1", NULL, e));
  MC_CHECK(mc_h5w_years(w, sg, "cumulative", H5T_NATIVE_DOUBLE, ny, 0, -1, buf + ny, ln[2], "1",
                        NULL, e));
  cum = 0;
  for (int y = 0; y < ny; y++) {
    cum += yc[y];
    buf[y] = mc_stats_probability_se(yc[y], n);
    buf[ny + y] = mc_stats_probability_se(cum, n);
  }
  MC_CHECK(mc_h5w_years(w, sg, "probability_se", H5T_NATIVE_DOUBLE, ny, 0, -1, buf, ln[3], "1",
                        NULL, e));
  MC_CHECK(mc_h5w_years(w, sg, "cumulative_se", H5T_NATIVE_DOUBLE, ny, 0, -1, buf + ny, ln[4], "1",
                        NULL, e));
  for (int q = 0; q < nq; q++) {
    double t = mc_stats_time_quantile(st, c, spec->pct[q]);
    buf[q] = isnan(t) ? NAN : spec->base_year + t;
  }
  MC_CHECK(mc_h5w_dset1(w, sg, "time_quantiles", H5T_NATIVE_DOUBLE, nq, buf, &d, e));
  H5C(H5DSattach_scale(d, pct, 0));
  MC_CHECK(mc_h5w_cf(w, d, ln[5], "1", e));
  double tacc = 0.5 / MC_TAU_BINS_PER_YEAR;
  MC_CHECK(mc_h5w_attr_num(w, d, "accuracy_years", H5T_NATIVE_DOUBLE, &tacc, e));
  MC_CHECK(mc_h5w_attr_str(w, sg, "lhs", spec->model->series[spec->cross[c].lhs].name, e));
  MC_CHECK(mc_h5w_attr_str(w, sg, "rhs", spec->model->series[spec->cross[c].rhs].name, e));
  MC_CHECK(mc_h5w_attr_u64(w, sg, "never", st->never[c], e));
cleanup:
  mc_h5_close(2, d, sg);
  return rc;
}

/* /parameters/<key>: the realized distribution of each recorded parameter
 * (on the percentile axis pct). */
static int write_parameters(mc_h5w *w, hid_t f, const mc_spec *spec, const mc_stats *st, hid_t pct,
                            double *buf, mc_err *e) {
  int rc = MC_OK;
  const char *path = w->path;
  const mc_model_type *M = spec->model;
  hid_t g = -1, sg = -1, d = -1;
  H5ID(g, H5Gcreate2(f, "parameters", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (int p = 0; p < M->nparam; p++) {
    if (!mc_stats_param_recorded(spec, p))
      continue;
    H5ID(sg, H5Gcreate2(g, M->param[p].key, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    for (int q = 0; q < spec->npct; q++)
      buf[q] = mc_stats_param_percentile(st, p, spec->pct[q]);
    MC_CHECK(mc_h5w_dset1(w, sg, "percentiles", H5T_NATIVE_DOUBLE, spec->npct, buf, &d, e));
    H5C(H5DSattach_scale(d, pct, 0));
    MC_CHECK(mc_h5w_cf(w, d, M->param[p].meaning, M->param[p].unit, e));
    H5Dclose(d);
    d = -1;
    char desc[256];
    const mc_dist *dist = spec->configured[p] ? &spec->dist[p] : &spec->dist[M->param[p].follows];
    mc_dist_describe(dist, desc, sizeof desc);
    MC_CHECK(mc_h5w_attr_str(w, sg, "distribution", desc, e));
    MC_CHECK(mc_h5w_attr_str(w, sg, "units", mc_h5_udunits(M->param[p].unit), e));
    if (strcmp(mc_h5_udunits(M->param[p].unit), M->param[p].unit) != 0)
      MC_CHECK(mc_h5w_attr_str(w, sg, "display_units", M->param[p].unit, e));
    H5Gclose(sg);
    sg = -1;
  }
cleanup:
  mc_h5_close(3, d, sg, g);
  return rc;
}

/* /sensitivity (docs/outputs.md): the analysed parameters and their bounds'
 * levels as dimension scales, and per target the indices and intervals. */
static int write_sensitivity(mc_h5w *w, hid_t f, const mc_spec *spec, const mc_stats *st,
                             mc_err *e) {
  int rc = MC_OK, k = st->sens_k;
  const char *path = w->path;
  hid_t g = -1, tg = -1, dpar = -1, dbound = -1, d = -1;
  const char *names[MC_MAXINPUT];
  double v[4][2 * MC_MAXINPUT];
  for (int j = 0; j < k; j++)
    names[j] = mc_spec_input_key(spec, st->sens_par[j]);
  H5ID(g, H5Gcreate2(f, "sensitivity", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  MC_CHECK(mc_h5w_attr_str(w, g, "method", "sobol", e));
  MC_CHECK(mc_h5w_attr_i32(w, g, "batches", MC_SENS_BATCHES, e));
  MC_CHECK(mc_h5w_attr_i32(w, g, "evaluations_per_sample", k + 2, e));
  MC_CHECK(mc_h5w_strings(w, g, "parameter", names, k, &dpar, e));
  H5C(H5DSset_scale(dpar, "parameter"));
  MC_CHECK(mc_h5w_cf(w, dpar, "analysed input parameter", NULL, e));
  static const double bound[2] = {0.025, 0.975};
  MC_CHECK(mc_h5w_dset1(w, g, "bound", H5T_NATIVE_DOUBLE, 2, bound, &dbound, e));
  H5C(H5DSset_scale(dbound, "bound"));
  MC_CHECK(mc_h5w_cf(w, dbound, "confidence interval bound (quantile level)", "1", e));
  for (int t = 0; t < st->nsens; t++) {
    const mc_sens_target *tt = &spec->sens[t];
    mc_stats_sensitivity(st, t, v[0], v[1], v[2], v[3]);
    H5ID(tg, H5Gcreate2(g, tt->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    MC_CHECK(mc_h5w_attr_str(w, tg, "meaning",
                             tt->kind == MC_SENS_SERIES
                                 ? "natural log of the series in that grid year"
                                 : "crossing time in years after the base year; no crossing "
                                   "counts as the horizon",
                             e));
    static const char *const dn[4] = {"first_order", "total", "first_order_ci", "total_ci"};
    static const char *const dl[4] = {"first-order Sobol' index", "total Sobol' index",
                                      "95% confidence interval of the first-order Sobol' index",
                                      "95% confidence interval of the total Sobol' index"};
    for (int q = 0; q < 4; q++) {
      hsize_t dims[2] = {(hsize_t)k, 2};
      MC_CHECK(mc_h5w_dset(w, tg, dn[q], H5T_NATIVE_DOUBLE, q < 2 ? 1 : 2, dims, v[q], &d, e));
      if (k > 0)
        H5C(H5DSattach_scale(d, dpar, 0));
      if (q >= 2)
        H5C(H5DSattach_scale(d, dbound, 1));
      char ln[MC_NAMELEN + 160];
      snprintf(ln, sizeof ln, "%s of each parameter for %s", dl[q], tt->name);
      MC_CHECK(mc_h5w_cf(w, d, ln, "1", e));
      H5Dclose(d);
      d = -1;
    }
    H5Gclose(tg);
    tg = -1;
  }
cleanup:
  mc_h5_close(5, d, tg, dpar, dbound, g);
  return rc;
}

/* /constraints/<name> (models with binding constraints), in the model's
 * table order (the group tracks the links' creation order): per grid year
 * the samples whose binding constraint is <name>, and their fraction of the
 * samples done. */
static int write_constraints(mc_h5w *w, hid_t f, const mc_spec *spec, const mc_stats *st,
                             double *buf, mc_err *e) {
  int rc = MC_OK, ny = st->ny;
  const char *path = w->path;
  hid_t g = -1, cg = -1;
  uint64_t n = mc_stats_done_samples(st);
  char desc[160];
  MC_CHECK(mc_h5w_group_ordered(w, f, "constraints", &g, e));
  MC_CHECK(mc_h5w_attr_str(w, g, "description",
                           "per grid year, the samples whose binding constraint is each of these "
                           "(docs/model.md); none in the base year",
                           e));
  for (int c = 0; c < st->ncat; c++) {
    const char *name = spec->model->cat[c];
    const uint64_t *cnt = st->cat_counts + (size_t)c * ny;
    H5ID(cg, H5Gcreate2(g, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    snprintf(desc, sizeof desc, "samples whose binding constraint in the year is %s", name);
    MC_CHECK(mc_h5w_attr_str(w, cg, "description", desc, e));
    MC_CHECK(mc_h5w_years(w, cg, "counts", H5T_NATIVE_UINT64, ny, 0, -1, cnt, desc, "1", NULL, e));
    for (int y = 0; y < ny; y++)
      buf[y] = n ? (double)cnt[y] / (double)n : NAN;
    char ln[200];
    snprintf(ln, sizeof ln, "fraction of the samples whose binding constraint in the year is %s",
             name);
    MC_CHECK(mc_h5w_years(w, cg, "fraction", H5T_NATIVE_DOUBLE, ny, 0, -1, buf, ln, "1", NULL, e));
    H5Gclose(cg);
    cg = -1;
  }
cleanup:
  mc_h5_close(2, cg, g);
  return rc;
}

/* Everything but /state: the root attributes and the groups of results. */
static int write_results(mc_h5w *w, hid_t f, const mc_job *job, const mc_stats *st,
                         const mc_h5_meta *meta, char *part, size_t plen, mc_err *e) {
  int rc = MC_OK;
  const char *path = w->path;
  const mc_spec *spec = &job->spec;
  int ny = st->ny, nq = spec->npct, wide = ny > nq ? ny : nq;
  hid_t dpct = -1, g = -1;
  double *buf = malloc(sizeof(double) * ((size_t)ny * (nq + 1) + 2 * (size_t)wide));
  int32_t *years = malloc(sizeof(int32_t) * ny);
  if (!buf || !years)
    MC_FAIL(e, MC_EFAIL, "out of memory writing %s", path);
  MC_CHECK(write_root(w, f, job, st, meta, part, plen, e));
  for (int y = 0; y < ny; y++)
    years[y] = spec->base_year + y;
  MC_CHECK(mc_h5w_dset1(w, f, "year", H5T_NATIVE_INT32, ny, years, &w->year, e));
  H5C(H5DSset_scale(w->year, "year"));
  MC_CHECK(mc_h5w_cf(w, w->year, "calendar year", "1", e));
  MC_CHECK(mc_h5w_dset1(w, f, "percentile", H5T_NATIVE_DOUBLE, nq, spec->pct, &dpct, e));
  H5C(H5DSset_scale(dpct, "percentile"));
  MC_CHECK(mc_h5w_cf(w, dpct, "percentile level", "percent", e));
  MC_CHECK(write_series(w, f, spec, st, dpct, buf, e));
  H5ID(g, H5Gcreate2(f, "crossover", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  for (int c = 0; c < spec->ncross; c++)
    MC_CHECK(write_crossover_one(w, g, spec, st, c, dpct, buf, e));
  MC_CHECK(write_parameters(w, f, spec, st, dpct, buf, e));
  if (st->nsens)
    MC_CHECK(write_sensitivity(w, f, spec, st, e));
  if (st->ncat)
    MC_CHECK(write_constraints(w, f, spec, st, buf, e));
  if (st->nregime)
    MC_CHECK(mc_h5_write_regimes(w, f, spec, st, e));
  if (st->nobs)
    MC_CHECK(mc_h5_write_observations(w, f, spec, st, e));
cleanup:
  mc_h5_close(2, g, dpct);
  free(buf);
  free(years);
  return rc;
}

int mc_h5_write(const char *path, const mc_job *job, const mc_stats *st, const mc_h5_meta *meta,
                mc_err *e) {
  int rc = MC_OK, in_memory = !(meta && meta->append);
  hid_t f = -1, g = -1, fapl = -1;
  mc_h5w w = {path, 1, 0, -1, 0};
  char part[64];
  mc_h5_quiet();
  if (!in_memory) {
    H5ID(f, H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT));
  } else {
    H5ID(fapl, mc_h5_memory_fapl());
    H5ID(f, H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl));
  }
  MC_CHECK(write_results(&w, f, job, st, meta, part, sizeof part, e));
  if (meta && meta->results_only) {
    /* no state: the outputs checksum goes on the root, beside the mark */
    w.summing = 0;
    MC_CHECK(mc_h5w_attr_str(&w, f, MC_H5_RESULTS_ONLY,
                             "results only (crossover export): no /state, so merge, run --resume, "
                             "report and plot need the file it was exported from",
                             e));
    MC_CHECK(mc_h5w_attr_u64(&w, f, "outputs_checksum", w.sum, e));
  } else {
    MC_CHECK(mc_h5_state_write(&w, f, job, st, part, e));
    w.summing = 0;
    H5ID(g, H5Gopen2(f, "state", H5P_DEFAULT));
    MC_CHECK(mc_h5w_attr_u64(&w, g, "outputs_checksum", w.sum, e));
  }
  if (in_memory)
    MC_CHECK(mc_h5_save_image(f, path, e));
cleanup:
  mc_h5_close(3, fapl, g, w.year);
  if (f >= 0 && !in_memory && rc != MC_OK)
    mc_h5_empty_failed_file(path, MPI_COMM_NULL);
  if (f >= 0 && H5Fclose(f) < 0 && rc == MC_OK)
    rc = mc_err_set(e, MC_EFAIL, "%s: closing the file failed (disk full?)", path);
  return rc;
}

int mc_h5_annotate(const char *path, const char *name, const char *value, mc_err *e) {
  int rc = MC_OK;
  hid_t f = -1, g = -1, fapl = -1;
  mc_h5w w = {path, 0, 0, -1, 0};
  char *old = NULL;
  mc_h5_quiet();
  H5ID(fapl, mc_h5_memory_fapl());
  H5ID(f, H5Fopen(path, H5F_ACC_RDWR, fapl));
  H5ID(g, H5Gopen2(f, "state", H5P_DEFAULT));
  MC_CHECK(mc_h5_read_attr_num(g, "outputs_checksum", H5T_NATIVE_UINT64, &w.sum, path, e));
  if (H5Aexists(f, name) > 0) {
    MC_CHECK(mc_h5_read_attr_str(f, name, &old, path, e));
    if (!mc_h5_outputs_skip_attr("/", name))
      w.sum -= mc_h5_outputs_item("/", name, H5T_STRING, 0, 0, old, strlen(old));
    H5C(H5Adelete(f, name));
  }
  w.summing = 1;
  MC_CHECK(mc_h5w_attr_str(&w, f, name, value, e));
  w.summing = 0;
  H5C(H5Adelete(g, "outputs_checksum"));
  MC_CHECK(mc_h5w_attr_u64(&w, g, "outputs_checksum", w.sum, e));
  MC_CHECK(mc_h5_save_image(f, path, e));
cleanup:
  if (fapl >= 0)
    H5Pclose(fapl);
  free(old);
  if (g >= 0)
    H5Gclose(g);
  if (f >= 0 && H5Fclose(f) < 0 && rc == MC_OK)
    rc = mc_err_set(e, MC_EFAIL, "%s: closing the file failed", path);
  return rc;
}
