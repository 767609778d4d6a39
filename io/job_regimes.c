/* Regimes (structural uncertainty) and observations (calibration checks),
 * docs/model.md "Regimes" and "Observations". The loader reads, checks and
 * stores them in the spec; the engine samples and counts them. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "job_internal.h"

/* Weights must sum to 1 within this. */
#define WEIGHT_TOLERANCE 1e-9

int job_load_regimes(job_ctx *c, const jnode *key, const jnode *v) {
  mc_spec *s = &c->job->spec;
  int rc =
      job_want_mapping(c, v, "regimes", "{NAME: WEIGHT, ...} such as {trend: 0.7, slump: 0.3}");
  if (!rc)
    rc = job_check_keys(c, v, "regimes", NULL, 0);
  if (rc)
    return rc;
  if (v->n == 0)
    return FAIL_AT(c, v, "regimes: empty; expected at least one NAME: WEIGHT");
  if (v->n > MC_MAXREGIME)
    return FAIL_AT(c, v->key[MC_MAXREGIME], "regimes: more than %d regimes; expected at most %d",
                   MC_MAXREGIME, MC_MAXREGIME);
  double sum = 0;
  for (int r = 0; r < v->n; r++) {
    const jnode *k = v->key[r], *w = v->val[r];
    if (!job_valid_identifier(k->text) || strlen(k->text) >= MC_NAMELEN || !strcmp(k->text, "dist"))
      return FAIL_AT(c, k,
                     "regimes: '%s' is not a usable regime name; expected an identifier (a "
                     "letter or '_', then letters, digits or '_'; at most %d characters; not "
                     "'dist')",
                     k->text, MC_NAMELEN - 1);
    char what[MC_NAMELEN + 16];
    snprintf(what, sizeof what, "regimes.%s", k->text);
    if ((rc = job_get_number(c, w, what, &s->regime_weight[r])))
      return rc;
    if (!(s->regime_weight[r] > 0 && s->regime_weight[r] <= 1))
      return FAIL_AT(c, w, "%s: the weight %s is outside (0, 1]; expected a probability above 0",
                     what, w->text);
    snprintf(s->regime_name[r], sizeof s->regime_name[r], "%s", k->text);
    sum += s->regime_weight[r];
  }
  if (!(fabs(sum - 1) <= WEIGHT_TOLERANCE))
    return FAIL_AT(c, key,
                   "regimes: the weights sum to %.15g; expected weights that sum to 1 (within %g)",
                   sum, WEIGHT_TOLERANCE);
  s->nregime = v->n;
  c->regimes_key = key;
  return MC_OK;
}

/* The series of an observation: one of the job's model, into *id. */
static int obs_series(job_ctx *c, const jnode *n, int *id) {
  const mc_spec *s = &c->job->spec;
  int rc = job_want_string(c, n, "observations.series", "a series name");
  if (rc)
    return rc;
  const char *series[MC_MAXSERIES];
  int ns = 0;
  for (int i = 0; i < s->model->nseries; i++)
    if (mc_spec_has_series(s, i))
      series[ns++] = s->model->series[i].name;
  char list[1024], dym[128];
  job_join(list, sizeof list, series, ns);
  *id = mc_series_find(s->model, n->text);
  if (*id >= 0 && mc_spec_has_series(s, *id))
    return MC_OK;
  if (*id >= 0)
    return FAIL_AT(c, n, "observations.series: %s exists only with %s; expected one of: %s",
                   n->text, s->model->series[*id].needs, list);
  return FAIL_AT(
      c, n, "observations.series: unknown series '%s' of model %s%s; expected one of: %s", n->text,
      s->model->name, job_did_you_mean(job_nearest(n->text, series, ns), dym, sizeof dym), list);
}

/* One observation {series, year, value, source} into *o. */
static int load_observation(job_ctx *c, const jnode *m, mc_observation *o) {
  static const char *const keys[] = {"series", "year", "value", "source"};
  const mc_spec *s = &c->job->spec;
  int rc = job_want_mapping(c, m, "observations",
                            "{series: NAME, year: YEAR, value: NUMBER, source: TEXT}");
  if (!rc)
    rc = job_check_keys(c, m, "observations", keys, 4);
  if (rc)
    return rc;
  const jnode *v[4];
  for (int i = 0; i < 4; i++)
    if (!(v[i] = job_lookup(m, keys[i], NULL)))
      return FAIL_AT(c, m,
                     "observations: no %s; expected {series: NAME, year: YEAR, value: NUMBER, "
                     "source: TEXT} in every observation",
                     keys[i]);
  int year;
  if ((rc = obs_series(c, v[0], &o->series)) ||
      (rc = job_get_year(c, v[1], "observations.year", &year)))
    return rc;
  if (year < s->base_year || year > s->horizon_year)
    return FAIL_AT(c, v[1],
                   "observations.year: %d is not a year of the grid; expected a year from %d to "
                   "%d (time:)",
                   year, s->base_year, s->horizon_year);
  o->year = year - s->base_year;
  if ((rc = job_get_number(c, v[2], "observations.value", &o->value)) ||
      (rc = job_want_string(c, v[3], "observations.source", "the source of the value, as text")))
    return rc;
  if (strlen(v[3]->text) >= sizeof o->source)
    return FAIL_AT(c, v[3], "observations.source: %zu characters long; expected at most %zu",
                   strlen(v[3]->text), sizeof o->source - 1);
  snprintf(o->source, sizeof o->source, "%s", v[3]->text);
  return MC_OK;
}

int job_load_observations(job_ctx *c, const jnode *v) {
  mc_spec *s = &c->job->spec;
  if (job_is_null(v))
    return MC_OK;
  int rc = job_want_sequence(c, v, "observations",
                             "of {series: NAME, year: YEAR, value: NUMBER, source: TEXT}");
  if (rc)
    return rc;
  if (v->n > MC_MAXOBS)
    return FAIL_AT(c, v->val[MC_MAXOBS], "observations: more than %d; expected at most %d",
                   MC_MAXOBS, MC_MAXOBS);
  for (int i = 0; i < v->n; i++)
    if ((rc = load_observation(c, v->val[i], &s->obs[i])))
      return rc;
  s->nobs = v->n;
  return MC_OK;
}
