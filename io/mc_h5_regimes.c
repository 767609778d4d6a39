/* The results of structural uncertainty and calibration checks
 * (docs/results-format.md): /regimes, each crossover's year counts within
 * each regime, and /observations with each observation's PIT. */
#include "mc_h5_regimes.h"

#include <hdf5_hl.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* /regimes/<name>/count and probability, in the job's regime order, and
 * /crossover/<c>/year_counts_by_regime [R, Y] (attribute `regimes`: the
 * names in row order, comma separated). */
int mc_h5_write_regimes(mc_h5w *w, hid_t f, const mc_spec *spec, const mc_stats *st, mc_err *e) {
  int rc = MC_OK, R = st->nregime, ny = st->ny;
  const char *path = w->path;
  hid_t g = -1, rg = -1, cg = -1, d = -1;
  uint64_t n = mc_stats_done_samples(st);
  char names[MC_MAXREGIME * (MC_NAMELEN + 1)] = "";
  for (int r = 0; r < R; r++)
    snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", r ? "," : "",
             spec->regime_name[r]);
  MC_CHECK(mc_h5w_group_ordered(w, f, "regimes", &g, e));
  MC_CHECK(mc_h5w_attr_str(w, g, "description",
                           "samples drawn in each regime (structural uncertainty, docs/model.md), "
                           "in the job's regime order",
                           e));
  for (int r = 0; r < R; r++) {
    H5ID(rg, H5Gcreate2(g, spec->regime_name[r], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    MC_CHECK(mc_h5w_attr_num(w, rg, "weight", H5T_NATIVE_DOUBLE, &spec->regime_weight[r], e));
    hsize_t one = 1;
    double p = n ? (double)st->regime_counts[r] / (double)n : NAN;
    MC_CHECK(mc_h5w_dset(w, rg, "count", H5T_NATIVE_UINT64, 0, &one, &st->regime_counts[r], &d, e));
    MC_CHECK(mc_h5w_cf(w, d, "samples drawn in the regime", "1", e));
    H5Dclose(d);
    d = -1;
    MC_CHECK(mc_h5w_dset(w, rg, "probability", H5T_NATIVE_DOUBLE, 0, &one, &p, &d, e));
    MC_CHECK(mc_h5w_cf(w, d, "share of the samples drawn in the regime", "1", e));
    H5Dclose(d);
    d = -1;
    H5Gclose(rg);
    rg = -1;
  }
  for (int c = 0; c < spec->ncross; c++) {
    H5ID(cg, H5Gopen2(f, "crossover", H5P_DEFAULT));
    hid_t xg;
    H5ID(xg, H5Gopen2(cg, spec->cross[c].name, H5P_DEFAULT));
    hsize_t dims[2] = {(hsize_t)R, (hsize_t)ny};
    rc = mc_h5w_dset(w, xg, "year_counts_by_regime", H5T_NATIVE_UINT64, 2, dims,
                     st->regime_year_counts + (size_t)c * R * ny, &d, e);
    if (rc == MC_OK && H5DSattach_scale(d, w->year, 1) < 0)
      rc = mc_err_set(e, MC_EFAIL, "%s: H5DSattach_scale failed", path);
    if (rc == MC_OK)
      rc = mc_h5w_attr_str(w, d, "regimes", names, e);
    char ln[MC_NAMELEN + 80];
    snprintf(ln, sizeof ln, "samples of each regime whose %s crossover year is the year",
             spec->cross[c].name);
    if (rc == MC_OK)
      rc = mc_h5w_cf(w, d, ln, "1", e);
    H5Gclose(xg);
    MC_CHECK(rc);
    H5Dclose(d);
    d = -1;
    H5Gclose(cg);
    cg = -1;
  }
cleanup:
  mc_h5_close(4, d, cg, rg, g);
  return rc;
}

/* /observations: series, year, value, source, count_le (samples at or below
 * the value), pit (count_le / n), each [O] in the job's order. */
int mc_h5_write_observations(mc_h5w *w, hid_t f, const mc_spec *spec, const mc_stats *st,
                             mc_err *e) {
  int rc = MC_OK, O = spec->nobs;
  const char *path = w->path;
  hid_t g = -1, d = -1;
  uint64_t n = mc_stats_done_samples(st);
  const char *series[MC_MAXOBS], *source[MC_MAXOBS];
  int32_t year[MC_MAXOBS];
  double value[MC_MAXOBS], pit[MC_MAXOBS];
  for (int o = 0; o < O; o++) {
    series[o] = spec->model->series[spec->obs[o].series].name;
    source[o] = spec->obs[o].source;
    year[o] = spec->base_year + spec->obs[o].year;
    value[o] = spec->obs[o].value;
    pit[o] = n ? (double)st->obs_counts[o] / (double)n : NAN;
  }
  H5ID(g, H5Gcreate2(f, "observations", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  MC_CHECK(mc_h5w_attr_str(w, g, "description",
                           "observed values the bands are checked against: count_le samples at or "
                           "below each value, pit = count_le / samples; inside the central 50% "
                           "band when 0.25 <= pit <= 0.75, the 90% band when 0.05 <= pit <= 0.95",
                           e));
  MC_CHECK(mc_h5w_strings(w, g, "series", series, O, &d, e));
  MC_CHECK(mc_h5w_cf(w, d, "observed series", NULL, e));
  H5Dclose(d);
  MC_CHECK(mc_h5w_dset1(w, g, "year", H5T_NATIVE_INT32, (hsize_t)O, year, &d, e));
  MC_CHECK(mc_h5w_cf(w, d, "calendar year of the observation", "1", e));
  H5Dclose(d);
  /* values of several series: each in its series' units, so no units here */
  MC_CHECK(mc_h5w_dset1(w, g, "value", H5T_NATIVE_DOUBLE, (hsize_t)O, value, &d, e));
  MC_CHECK(mc_h5w_cf(w, d, "observed value, in the units of its series", NULL, e));
  H5Dclose(d);
  MC_CHECK(mc_h5w_dset1(w, g, "count_le", H5T_NATIVE_UINT64, (hsize_t)O, st->obs_counts, &d, e));
  MC_CHECK(mc_h5w_cf(w, d, "samples at or below the observed value", "1", e));
  H5Dclose(d);
  MC_CHECK(mc_h5w_dset1(w, g, "pit", H5T_NATIVE_DOUBLE, (hsize_t)O, pit, &d, e));
  MC_CHECK(mc_h5w_cf(w, d, "probability integral transform: count_le / samples", "1", e));
  H5Dclose(d);
  MC_CHECK(mc_h5w_strings(w, g, "source", source, O, &d, e));
  MC_CHECK(mc_h5w_cf(w, d, "where the observed value comes from", NULL, e));
  H5Dclose(d);
  d = -1;
cleanup:
  mc_h5_close(2, d, g);
  return rc;
}
