/* The job's sections (docs/writing-jobs.md), walked against a fixed schema:
 * scenario, description, model, time, sampling, power, outputs, sensitivity,
 * and the order in which the whole job is read (job_load_document).
 * Parameters and correlations are in job_params.c, regimes and observations
 * in job_regimes.c. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job_internal.h"
#include "mc_model.h"

static int load_scenario(job_ctx *c, const jnode *v) {
  int rc = job_want_string(c, v, "scenario", "a name such as epoch-2030");
  if (rc)
    return rc;
  const char *s = v->text;
  if (!*s)
    return FAIL_AT(c, v,
                   "scenario: the name is empty, so the results file would be the hidden file "
                   "'.h5'; expected a name such as epoch-2030");
  if (strlen(s) >= sizeof c->job->spec.scenario)
    return FAIL_AT(c, v, "scenario: the name is %zu characters long; expected at most %zu",
                   strlen(s), sizeof c->job->spec.scenario - 1);
  for (const char *p = s; *p; p++)
    if (*p == '/' || *p == '\\' || iscntrl((unsigned char)*p))
      return FAIL_AT(c, v,
                     "scenario: '%s' contains '%c' but names the output file; expected a name "
                     "without slashes or control characters",
                     s, iscntrl((unsigned char)*p) ? '?' : *p);
  if (s[0] == '.' || s[0] == '-')
    return FAIL_AT(c, v,
                   "scenario: '%s' starts with '%c'; expected a name starting with a "
                   "letter or digit",
                   s, s[0]);
  strcpy(c->job->spec.scenario, s);
  return MC_OK;
}

static int load_description(job_ctx *c, const jnode *v) {
  if (job_is_null(v))
    return MC_OK;
  int rc = job_want_string(c, v, "description", "free text");
  if (rc)
    return rc;
  if (strlen(v->text) >= sizeof c->job->description)
    return FAIL_AT(c, v, "description: %zu characters long; expected at most %zu", strlen(v->text),
                   sizeof c->job->description - 1);
  strcpy(c->job->description, v->text);
  size_t n = strlen(c->job->description);
  while (n && isspace((unsigned char)c->job->description[n - 1]))
    c->job->description[--n] = '\0';
  return MC_OK;
}

static int load_time(job_ctx *c, const jnode *v) {
  static const char *const keys[] = {"base_year", "horizon_year"};
  int rc = job_want_mapping(c, v, "time", "{base_year: 2025, horizon_year: 2040}");
  if (!rc)
    rc = job_check_keys(c, v, "time", keys, 2);
  if (rc)
    return rc;
  mc_spec *s = &c->job->spec;
  const jnode *b = job_lookup(v, "base_year", NULL), *h = job_lookup(v, "horizon_year", NULL);
  if (b && (rc = job_get_year(c, b, "time.base_year", &s->base_year)))
    return rc;
  if (h && (rc = job_get_year(c, h, "time.horizon_year", &s->horizon_year)))
    return rc;
  const jnode *at = h ? h : b ? b : v;
  if (s->horizon_year <= s->base_year)
    return FAIL_AT(c, at,
                   "time: the horizon year %d is not after the base year %d; expected "
                   "horizon_year > base_year",
                   s->horizon_year, s->base_year);
  if (s->horizon_year - s->base_year >= MC_MAXYEARS)
    return FAIL_AT(c, at, "time: %d to %d spans %d years; expected at most %d grid years",
                   s->base_year, s->horizon_year, s->horizon_year - s->base_year + 1, MC_MAXYEARS);
  return MC_OK;
}

static int load_stop_when(job_ctx *c, const jnode *v) {
  static const char *const keys[] = {"standard_error"};
  int rc = job_want_mapping(c, v, "sampling.stop_when", "{standard_error: 0.001}");
  if (!rc)
    rc = job_check_keys(c, v, "sampling.stop_when", keys, 1);
  if (rc)
    return rc;
  const jnode *n = job_lookup(v, "standard_error", NULL);
  if (!n)
    return FAIL_AT(c, v,
                   "sampling.stop_when: no standard_error; expected {standard_error: TARGET}, "
                   "the standard error every crossover probability must reach");
  double se;
  if ((rc = job_get_number(c, n, "sampling.stop_when.standard_error", &se)))
    return rc;
  if (!(se > 0 && se < 0.5))
    return FAIL_AT(c, n,
                   "sampling.stop_when.standard_error: %s is outside (0, 0.5); expected a "
                   "standard error of a probability such as 0.001",
                   n->text);
  c->job->spec.stop_se = se;
  return MC_OK;
}

/* A name from a fixed list (what: "sampling.method", kind: "method"). */
static int one_of(job_ctx *c, const jnode *n, const char *what, const char *kind,
                  const char *expected, const char *const *names, int count, int *out) {
  int rc = job_want_string(c, n, what, expected);
  if (rc)
    return rc;
  for (int i = 0; i < count; i++)
    if (!strcmp(n->text, names[i])) {
      *out = i;
      return MC_OK;
    }
  char list[256], dym[128];
  job_join(list, sizeof list, names, count);
  const char *near = job_nearest(n->text, names, count);
  return FAIL_AT(c, n, "%s: unknown %s '%s'%s; expected one of: %s", what, kind, n->text,
                 job_did_you_mean(near, dym, sizeof dym), list);
}

static int load_sampling(job_ctx *c, const jnode *v) {
  static const char *const keys[] = {"samples", "method", "seed", "stop_when"};
  int rc = job_want_mapping(c, v, "sampling", "{samples: 1000000, method: lhs, seed: 2030}");
  if (!rc)
    rc = job_check_keys(c, v, "sampling", keys, 4);
  if (rc)
    return rc;
  mc_spec *s = &c->job->spec;
  const jnode *n, *stop;
  if ((n = job_lookup(v, "samples", NULL)) &&
      (rc = job_get_uint(c, n, "sampling.samples", 1, MC_JOB_MAX_SAMPLES, &s->samples)))
    return rc;
  if ((n = job_lookup(v, "seed", NULL)) &&
      (rc = job_get_uint(c, n, "sampling.seed", 0, UINT64_MAX, &s->seed)))
    return rc;
  if ((n = job_lookup(v, "method", NULL)) &&
      (rc = one_of(c, n, "sampling.method", "method", "one of mc, lhs, sobol", mc_method_names, 3,
                   &s->method)))
    return rc;
  if ((stop = job_lookup(v, "stop_when", NULL))) {
    if ((rc = load_stop_when(c, stop)))
      return rc;
    if (s->method == MC_METHOD_LHS)
      return FAIL_AT(c, stop,
                     "sampling.stop_when: a Latin hypercube (method: lhs) is stratified only "
                     "over all its samples, and a run stopped early would hold a random subset "
                     "of its strata; expected method: sobol or mc with stop_when");
    c->stop_key = stop;
  }
  return MC_OK;
}

static int load_power(job_ctx *c, const jnode *v) {
  static const char *const keys[] = {"policy"};
  int rc = job_want_mapping(c, v, "power", "{policy: proportional}");
  if (!rc)
    rc = job_check_keys(c, v, "power", keys, 1);
  if (rc)
    return rc;
  const jnode *n = job_lookup(v, "policy", NULL);
  if (!n)
    return MC_OK;
  return one_of(c, n, "power.policy", "policy", "a policy name", mc_policy_names, 3,
                &c->job->spec.policy);
}

/* The names of the series this job produces (and with flags none of mask). */
static int job_series(const mc_spec *s, int mask, const char **series) {
  int n = 0;
  for (int i = 0; i < s->model->nseries; i++)
    if (mc_spec_has_series(s, i) && !(s->model->series[i].flags & mask))
      series[n++] = s->model->series[i].name;
  return n;
}

/* One side of a crossover: a series of the job, into *id. */
static int crossover_side(job_ctx *c, const jnode *sn, const char *what, int *id) {
  mc_spec *s = &c->job->spec;
  int rc = job_want_string(c, sn, what, "a series name");
  if (rc)
    return rc;
  const char *series[MC_MAXSERIES];
  int nseries = job_series(s, 0, series);
  char list[1024], dym[128];
  job_join(list, sizeof list, series, nseries);
  *id = mc_series_find(s->model, sn->text);
  if (*id >= 0 && !mc_spec_has_series(s, *id))
    return FAIL_AT(c, sn, "%s: %s exists only with %s; expected one of: %s", what, sn->text,
                   s->model->series[*id].needs, list);
  if (*id < 0)
    return FAIL_AT(c, sn, "%s: unknown series '%s'%s; expected one of: %s", what, sn->text,
                   job_did_you_mean(job_nearest(sn->text, series, nseries), dym, sizeof dym), list);
  return MC_OK;
}

static int load_crossovers(job_ctx *c, const jnode *v) {
  mc_spec *s = &c->job->spec;
  int rc = job_want_mapping(c, v, "outputs.crossovers", "{NAME: [LHS_SERIES, RHS_SERIES], ...}");
  if (!rc)
    rc = job_check_keys(c, v, "outputs.crossovers", NULL, 0);
  if (rc)
    return rc;
  int n = 0;
  for (int i = 0; i < v->n; i++) {
    const jnode *k = v->key[i], *val = v->val[i];
    if (n == MC_MAXCROSS)
      return FAIL_AT(c, k, "outputs.crossovers: more than %d crossovers; expected at most %d",
                     MC_MAXCROSS, MC_MAXCROSS);
    if (!job_valid_name(k->text) || strlen(k->text) >= MC_NAMELEN)
      return FAIL_AT(c, k,
                     "outputs.crossovers: '%s' is not a usable crossover name; expected letters, "
                     "digits, '_' or '-' (at most %d)",
                     k->text, MC_NAMELEN - 1);
    char what[MC_NAMELEN + 32];
    snprintf(what, sizeof what, "outputs.crossovers.%s", k->text);
    if ((rc = job_want_sequence(c, val, what, "[LHS_SERIES, RHS_SERIES]")))
      return rc;
    if (val->n != 2)
      return FAIL_AT(c, val, "%s: a list of %d names; expected two series [LHS, RHS]", what,
                     val->n);
    int side[2];
    for (int j = 0; j < 2; j++)
      if ((rc = crossover_side(c, val->val[j], what, &side[j])))
        return rc;
    if (side[0] == side[1])
      return FAIL_AT(c, val, "%s: compares %s with itself; expected two different series", what,
                     s->model->series[side[0]].name);
    strcpy(s->cross[n].name, k->text);
    s->cross[n].lhs = side[0];
    s->cross[n].rhs = side[1];
    n++;
  }
  if (n == 0)
    return FAIL_AT(c, v, "outputs.crossovers: empty; expected at least one NAME: [LHS, RHS]");
  s->ncross = n;
  return MC_OK;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int load_percentiles(job_ctx *c, const jnode *n) {
  mc_spec *s = &c->job->spec;
  int rc = job_want_sequence(c, n, "outputs.percentiles", "[5, 50, 95]");
  if (rc)
    return rc;
  if (n->n == 0)
    return FAIL_AT(c, n, "outputs.percentiles: empty; expected at least one percentile");
  if (n->n > MC_MAXPCT)
    return FAIL_AT(c, n, "outputs.percentiles: %d values; expected at most %d", n->n, MC_MAXPCT);
  for (int i = 0; i < n->n; i++) {
    const jnode *x = n->val[i];
    if ((rc = job_get_number(c, x, "outputs.percentiles", &s->pct[i])))
      return rc;
    if (!(s->pct[i] > 0 && s->pct[i] < 100))
      return FAIL_AT(c, x,
                     "outputs.percentiles: %s is outside (0, 100); expected percentiles "
                     "strictly between 0 and 100",
                     x->text);
    for (int j = 0; j < i; j++)
      if (s->pct[j] == s->pct[i])
        return FAIL_AT(c, x, "outputs.percentiles: %s is given twice; expected each once", x->text);
  }
  s->npct = n->n;
  qsort(s->pct, (size_t)n->n, sizeof s->pct[0], cmp_double);
  return MC_OK;
}

static int load_outputs(job_ctx *c, const jnode *v) {
  static const char *const keys[] = {"percentiles", "relative_accuracy", "crossovers", "samples"};
  int rc = job_want_mapping(c, v, "outputs", "{percentiles: [...], crossovers: {...}}");
  if (!rc)
    rc = job_check_keys(c, v, "outputs", keys, 4);
  if (rc)
    return rc;
  mc_spec *s = &c->job->spec;
  const jnode *n;
  if ((n = job_lookup(v, "percentiles", NULL)) && (rc = load_percentiles(c, n)))
    return rc;
  if ((n = job_lookup(v, "relative_accuracy", NULL))) {
    if ((rc = job_get_number(c, n, "outputs.relative_accuracy", &s->rel_acc)))
      return rc;
    if (!(s->rel_acc > 0 && s->rel_acc < 0.1))
      return FAIL_AT(c, n,
                     "outputs.relative_accuracy: %s is outside (0, 0.1); expected a relative "
                     "accuracy such as 0.001",
                     n->text);
  }
  if ((n = job_lookup(v, "crossovers", NULL)) && (rc = load_crossovers(c, n)))
    return rc;
  if ((n = job_lookup(v, "samples", NULL)) &&
      (rc = job_get_bool(c, n, "outputs.samples", &s->samples_out)))
    return rc;
  return MC_OK;
}

/* ---------------------------------------------------------- sensitivity */

static int sens_crossover(job_ctx *c, const jnode *n, mc_sens_target *t) {
  mc_spec *s = &c->job->spec;
  const char *txt = n->text, *name = txt + 10;
  const char *names[MC_MAXCROSS];
  char full[MC_MAXCROSS][MC_NAMELEN + 16], list[MC_MAXCROSS * (MC_NAMELEN + 16)], dym[128];
  for (int i = 0; i < s->ncross; i++) {
    snprintf(full[i], sizeof full[i], "crossover.%s", s->cross[i].name);
    names[i] = full[i];
    if (!strcmp(s->cross[i].name, name)) {
      t->kind = MC_SENS_CROSSOVER;
      t->id = i;
      snprintf(t->name, sizeof t->name, "crossover.%s", s->cross[i].name);
      return MC_OK;
    }
  }
  job_join(list, sizeof list, names, s->ncross);
  return FAIL_AT(c, n,
                 "sensitivity.targets: unknown crossover '%s'%s; expected one of the "
                 "crossovers of outputs.crossovers: %s",
                 name, job_did_you_mean(job_nearest(txt, names, s->ncross), dym, sizeof dym), list);
}

/* One target: SERIES@YEAR or crossover.NAME (see mc_spec.h). */
static int load_sens_target(job_ctx *c, const jnode *n, mc_sens_target *t) {
  mc_spec *s = &c->job->spec;
  int rc = job_want_string(c, n, "sensitivity.targets",
                           "a target such as training_compute@2035 or crossover.compute");
  if (rc)
    return rc;
  const char *txt = n->text;
  memset(t, 0, sizeof *t);
  if (!strncmp(txt, "crossover.", 10))
    return sens_crossover(c, n, t);
  const char *series[MC_MAXSERIES];
  int nseries = job_series(s, MC_SERIES_NOLOG, series);
  char list[1024], dym[128];
  job_join(list, sizeof list, series, nseries);
  const char *at = strchr(txt, '@');
  if (!at)
    return FAIL_AT(c, n,
                   "sensitivity.targets: '%s' names no year; expected SERIES@YEAR (such as "
                   "training_compute@2035) or crossover.NAME",
                   txt);
  char sname[MC_NAMELEN];
  snprintf(sname, sizeof sname, "%.*s",
           (int)(at - txt) < MC_NAMELEN - 1 ? (int)(at - txt) : MC_NAMELEN - 1, txt);
  int id = mc_series_find(s->model, sname);
  if (id >= 0 && (s->model->series[id].flags & MC_SERIES_NOLOG))
    return FAIL_AT(c, n,
                   "sensitivity.targets: %s cannot be a target (it is zero in many samples, "
                   "where its natural log is -inf); expected one of: %s",
                   sname, list);
  if (id >= 0 && !mc_spec_has_series(s, id))
    return FAIL_AT(c, n, "sensitivity.targets: %s exists only with %s; expected one of: %s", sname,
                   s->model->series[id].needs, list);
  if (id < 0)
    return FAIL_AT(c, n, "sensitivity.targets: unknown series '%s'%s; expected one of: %s", sname,
                   job_did_you_mean(job_nearest(sname, series, nseries), dym, sizeof dym), list);
  char *end;
  errno = 0;
  long y = strtol(at + 1, &end, 10);
  if (at[1] == '\0' || *end || errno || y < s->base_year || y > s->horizon_year)
    return FAIL_AT(c, n,
                   "sensitivity.targets: '%s' is not a grid year of %s; expected %s@YEAR with "
                   "YEAR from %d to %d",
                   at + 1, sname, sname, s->base_year, s->horizon_year);
  t->kind = MC_SENS_SERIES;
  t->id = id;
  t->year = (int)y - s->base_year;
  snprintf(t->name, sizeof t->name, "%s@%ld", sname, y);
  return MC_OK;
}

/* Sobol' indices need independent inputs: refuses correlations among the
 * analysed (non-constant) parameters, naming the pairs. */
static int sens_independent(job_ctx *c, const jnode *key) {
  mc_spec *s = &c->job->spec;
  char pairs[1024];
  job_sb b = job_sb_fixed(pairs, sizeof pairs);
  int npairs = 0;
  for (int i = 0; i < s->ncorr; i++) {
    int a = s->corr[i].a, bb = s->corr[i].b;
    if (mc_dist_is_constant(&s->dist[a]) || mc_dist_is_constant(&s->dist[bb]))
      continue;
    char pos[1200];
    job_sb_add(&b, "%s%s ~ %s (%s)", npairs ? ", " : "", c->model->param[a].key,
               c->model->param[bb].key, job_pos_text(c->corr_item[i], key, 0, pos, sizeof pos));
    npairs++;
  }
  if (npairs)
    return FAIL_AT(c, key,
                   "sensitivity: Sobol' indices are defined for independent inputs, but "
                   "correlations: makes %s dependent; expected no correlations among the "
                   "analysed parameters (remove %s from correlations:, or the sensitivity "
                   "section)",
                   pairs, npairs > 1 ? "them" : "it");
  return MC_OK;
}

/* After parameters, outputs and correlations: the targets need the
 * crossovers, and the refusal of correlated inputs needs the correlations. */
static int load_sensitivity(job_ctx *c, const jnode *key, const jnode *v) {
  static const char *const keys[] = {"method", "targets"};
  static const char *const methods[] = {"sobol"};
  mc_spec *s = &c->job->spec;
  int rc = job_want_mapping(c, v, "sensitivity",
                            "{method: sobol, targets: [training_compute@2035, crossover.compute]}");
  if (!rc)
    rc = job_check_keys(c, v, "sensitivity", keys, 2);
  if (rc)
    return rc;
  const jnode *n = job_lookup(v, "method", NULL);
  char dym[128];
  if (n && (rc = job_want_string(c, n, "sensitivity.method", "sobol")))
    return rc;
  if (n && strcmp(n->text, "sobol"))
    return FAIL_AT(c, n,
                   "sensitivity.method: unknown method '%s'%s; expected: sobol (first-order "
                   "and total Sobol' indices)",
                   n->text, job_did_you_mean(job_nearest(n->text, methods, 1), dym, sizeof dym));
  n = job_lookup(v, "targets", NULL);
  if (!n)
    return FAIL_AT(c, v,
                   "sensitivity: no targets; expected targets: [SERIES@YEAR or crossover.NAME, "
                   "...], such as [training_compute@2035, crossover.compute]");
  if ((rc = job_want_sequence(c, n, "sensitivity.targets",
                              "[training_compute@2035, crossover.compute]")))
    return rc;
  if (n->n == 0)
    return FAIL_AT(c, n, "sensitivity.targets: empty; expected at least one target");
  if (n->n > MC_MAXSENS)
    return FAIL_AT(c, n, "sensitivity.targets: %d targets; expected at most %d", n->n, MC_MAXSENS);
  for (int i = 0; i < n->n; i++) {
    if ((rc = load_sens_target(c, n->val[i], &s->sens[i])))
      return rc;
    for (int j = 0; j < i; j++)
      if (!strcmp(s->sens[j].name, s->sens[i].name))
        return FAIL_AT(c, n->val[i],
                       "sensitivity.targets: %s is given twice; expected each target once",
                       s->sens[i].name);
  }
  int par[MC_MAXINPUT];
  if (mc_spec_sens_params(s, par) == 0)
    return FAIL_AT(c, key,
                   "sensitivity: every parameter is a constant, so there is nothing to analyse; "
                   "expected at least one parameter with a distribution");
  if ((rc = sens_independent(c, key)))
    return rc;
  s->nsens = n->n;
  return MC_OK;
}

/* -------------------------------------------------------------- the job */

/* `model:` (model demand when absent): the tables the rest is read against. */
static int load_model(job_ctx *c, const jnode *v) {
  char list[256], dym[128];
  mc_model_list(list, sizeof list);
  int rc = job_want_string(c, v, "model", "a model name");
  if (rc)
    return rc;
  const mc_model_type *m = mc_model_find(v->text);
  if (!m) {
    const char *names[MC_NMODELS];
    for (int i = 0; i < MC_NMODELS; i++)
      names[i] = mc_models[i]->name;
    return FAIL_AT(c, v, "model: unknown model '%s'%s; expected one of: %s", v->text,
                   job_did_you_mean(job_nearest(v->text, names, MC_NMODELS), dym, sizeof dym),
                   list);
  }
  if (m != c->model) {
    c->model = m;
    mc_spec_defaults(&c->job->spec, m);
    job_init_names(c);
  }
  return MC_OK;
}

/* The sections read before the parameters (their tables and grid). */
static int load_head(job_ctx *c, const jnode *root) {
  const jnode *n, *k;
  int rc = MC_OK;
  if ((n = job_lookup(root, "model", NULL)) && (rc = load_model(c, n)))
    return rc;
  if ((n = job_lookup(root, "scenario", NULL)) && (rc = load_scenario(c, n)))
    return rc;
  if ((n = job_lookup(root, "description", NULL)) && (rc = load_description(c, n)))
    return rc;
  if ((n = job_lookup(root, "time", NULL)) && (rc = load_time(c, n)))
    return rc;
  if ((n = job_lookup(root, "sampling", NULL)) && (rc = load_sampling(c, n)))
    return rc;
  if ((n = job_lookup(root, "regimes", &k)) && (rc = job_load_regimes(c, k, n)))
    return rc;
  return rc;
}

int job_load_document(job_ctx *c, const jnode *root) {
  static const char *const keys[] = {"model",        "extends",  "scenario", "description",
                                     "time",         "sampling", "regimes",  "parameters",
                                     "correlations", "power",    "outputs",  "sensitivity",
                                     "observations"};
  mc_spec *s = &c->job->spec;
  int rc;
  if (!root)
    return FAIL_AT(c, NULL,
                   "the job file is empty; expected a mapping with scenario:, time:, "
                   "sampling: and parameters:");
  if ((rc = job_want_mapping(c, root, "the job",
                             "of scenario:, time:, sampling:, parameters:, ...")))
    return rc;
  if ((rc = job_check_keys(c, root, "the job", keys, (int)(sizeof keys / sizeof keys[0]))) ||
      (rc = load_head(c, root)))
    return rc;
  const jnode *n, *k;
  if ((n = job_lookup(root, "parameters", &k))) {
    c->params_key = k;
    if ((rc = job_load_parameters(c, n)))
      return rc;
  }
  if ((rc = job_check_parameters(c)))
    return rc;
  mc_spec_resolve_defaults(s);
  if ((n = job_lookup(root, "power", &k))) {
    if (c->model != &mc_model_demand)
      return FAIL_AT(c, k,
                     "power: (the policy of a power cap) belongs to model demand; model %s "
                     "limits power through its parameters (power.additions, ...); expected no "
                     "power: section",
                     c->model->name);
    if ((rc = load_power(c, n)))
      return rc;
  }
  if ((n = job_lookup(root, "outputs", NULL)) && (rc = load_outputs(c, n)))
    return rc;
  if ((n = job_lookup(root, "correlations", &k)) && (rc = job_load_correlations(c, k, n)))
    return rc;
  if ((n = job_lookup(root, "sensitivity", &k)) && (rc = load_sensitivity(c, k, n)))
    return rc;
  if ((n = job_lookup(root, "observations", NULL)) && (rc = job_load_observations(c, n)))
    return rc;
  if (c->stop_key && s->samples_out)
    return FAIL_AT(c, c->stop_key,
                   "sampling.stop_when: cannot be combined with outputs: {samples: true} (the "
                   "per-sample datasets are sized for every sample); expected one of the two");
  return MC_OK;
}
