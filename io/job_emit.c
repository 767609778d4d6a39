/* The resolved job as YAML (mc_job_to_yaml): every value after `extends:`,
 * --set, command-line overrides and defaults, written so that it loads back
 * to the same spec bit for bit (canonical distribution keys, shortest exact
 * decimals). It is what a results file's `config` attribute records, so the
 * file is self-contained. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "job_internal.h"
#include "mc_model.h"

/* The canonical keys of a distribution: those that rebuild it bit for bit
 * through mc_dist_make (canonical parameters of mc_dist.c; shortest exact
 * decimals). Discrete weights are the steps of the cumulative weights, which
 * sum back to them exactly. Returns 0 for a type this file does not know. */
static int canon_args(const mc_dist *d, mc_dist_args *a) {
  static const struct {
    const char *type, *k[4];
    int trunc;
  } canon[] = {
      {"constant", {"value"}, 0},
      {"uniform", {"min", "max"}, 0},
      {"loguniform", {"min", "max"}, 0},
      {"normal", {"mean", "sd"}, 1},
      {"lognormal", {"mu", "sigma"}, 1},
      {"triangular", {"min", "mode", "max"}, 0},
      {"pert", {"min", "mode", "max", "lambda"}, 0},
      {"beta", {"alpha", "beta", "min", "max"}, 0},
      {"gamma", {"shape", "scale"}, 1},
      {"weibull", {"shape", "scale"}, 1},
  };
  memset(a, 0, sizeof *a);
  a->nvalues = a->nweights = -1;
  const char *name = d->type->name;
  if (!strcmp(name, "discrete")) {
    a->nvalues = a->nweights = d->nvals;
    for (int i = 0; i < d->nvals; i++) {
      a->values[i] = d->vals[i];
      a->weights[i] = d->cum[i] - (i ? d->cum[i - 1] : 0.0);
    }
    return 1;
  }
  for (size_t t = 0; t < sizeof canon / sizeof canon[0]; t++) {
    if (strcmp(name, canon[t].type))
      continue;
    for (int i = 0; i < 4 && canon[t].k[i]; i++) {
      a->key[a->n] = canon[t].k[i];
      a->val[a->n++] = d->p[i];
    }
    if (canon[t].trunc && d->lo > -INFINITY) {
      a->key[a->n] = "min";
      a->val[a->n++] = d->lo;
    }
    if (canon[t].trunc && d->hi < INFINITY) {
      a->key[a->n] = "max";
      a->val[a->n++] = d->hi;
    }
    return 1;
  }
  return 0;
}

static int same_dist(const mc_dist *x, const mc_dist *y) {
  if (x->type != y->type || x->nvals != y->nvals)
    return 0;
  if (memcmp(x->p, y->p, sizeof x->p) || memcmp(&x->lo, &y->lo, sizeof x->lo) ||
      memcmp(&x->hi, &y->hi, sizeof x->hi))
    return 0;
  return !memcmp(x->vals, y->vals, (size_t)x->nvals * sizeof x->vals[0]) &&
         !memcmp(x->cum, y->cum, (size_t)x->nvals * sizeof x->cum[0]);
}

/* Canonical keys that rebuild d exactly; for discrete weights, nudges a step
 * by one ulp where rounding of the running sum would miss (a tie case). */
static int canon_exact(const mc_dist *d, mc_dist_args *a) {
  if (!canon_args(d, a))
    return 0;
  mc_dist back;
  for (int tries = 0; tries < 4 * MC_DIST_MAXVALS; tries++) {
    int bad;
    if (mc_dist_make(d->type->name, a, &back, &bad, NULL) != MC_OK)
      return 0;
    if (same_dist(d, &back))
      return 1;
    if (a->nvalues < 0)
      return 0;
    int i = 0;
    while (i < d->nvals && back.cum[i] == d->cum[i])
      i++;
    if (i == d->nvals)
      return 0;
    a->weights[i] = nextafter(a->weights[i], back.cum[i] < d->cum[i] ? INFINITY : 0.0);
  }
  return 0;
}

static void emit_list(job_sb *b, const double *v, int n) {
  job_sb_add(b, "[");
  for (int i = 0; i < n; i++) {
    if (i)
      job_sb_add(b, ", ");
    job_sb_num(b, v[i]);
  }
  job_sb_add(b, "]");
}

/* The canonical mapping of a distribution; 0 when it cannot be written
 * exactly. */
static int emit_dist(job_sb *b, const mc_dist *d) {
  mc_dist_args a;
  if (!canon_exact(d, &a))
    return 0;
  job_sb_add(b, "{dist: %s", d->type->name);
  for (int i = 0; i < a.n; i++) {
    job_sb_add(b, ", %s: ", a.key[i]);
    job_sb_num(b, a.val[i]);
  }
  if (a.nvalues >= 0) {
    job_sb_add(b, ", values: ");
    emit_list(b, a.values, a.nvalues);
    job_sb_add(b, ", weights: ");
    emit_list(b, a.weights, a.nweights);
  }
  job_sb_add(b, "}");
  return 1;
}

/* Parameter p's value: its distribution, or one per regime. */
static int emit_param(job_sb *b, const mc_spec *s, int p) {
  if (!s->per_regime[p])
    return emit_dist(b, &s->dist[p]);
  job_sb_add(b, "{");
  for (int i = 0, first = 1; i < s->nsplit; i++) {
    if (s->split[i].param != p)
      continue;
    job_sb_add(b, "%s%s: ", first ? "" : ", ", s->regime_name[s->split[i].regime]);
    if (!emit_dist(b, &s->split[i].dist))
      return 0;
    first = 0;
  }
  job_sb_add(b, "}");
  return 1;
}

/* Returns the parameter whose distribution cannot be written, or -1. */
static int emit_parameters(job_sb *b, const mc_spec *s) {
  const mc_model_type *M = s->model;
  if (s->nregime) {
    job_sb_add(b, "regimes: {");
    for (int r = 0; r < s->nregime; r++) {
      job_sb_add(b, "%s%s: ", r ? ", " : "", s->regime_name[r]);
      job_sb_num(b, s->regime_weight[r]);
    }
    job_sb_add(b, "}\n");
  }
  job_sb_add(b, "parameters:\n");
  for (int p = 0; p < M->nparam; p++) {
    const mc_param_info *pi = &M->param[p];
    if (s->configured[p]) {
      job_sb_add(b, "  %s: ", pi->key);
      if (!emit_param(b, s, p))
        return p;
      job_sb_add(b, "\n");
    } else if (pi->dflt_kind == MC_DEF_VALUE) {
      job_sb_add(b, "  # %s: ", pi->key);
      job_sb_num(b, pi->dflt);
      job_sb_add(b, " (default)\n");
    } else if (pi->dflt_kind == MC_DEF_FOLLOWS) {
      job_sb_add(b, "  # %s: follows %s (default)\n", pi->key, M->param[pi->follows].key);
    } else if (pi->dflt_kind == MC_DEF_INFINITE) {
      job_sb_add(b, "  # %s: infinite (default)\n", pi->key);
    }
  }
  job_sb_add(b, "correlations:%s\n", s->ncorr ? "" : " []");
  for (int i = 0; i < s->ncorr; i++) {
    job_sb_add(b, "  - [%s, %s, ", M->param[s->corr[i].a].key, M->param[s->corr[i].b].key);
    job_sb_num(b, s->corr[i].rho);
    job_sb_add(b, "]\n");
  }
  return -1;
}

static void emit_head(job_sb *b, const mc_job *job) {
  const mc_spec *s = &job->spec;
  /* model demand, the default, is not named: its jobs keep their text */
  if (s->model != &mc_model_demand)
    job_sb_add(b, "model: %s\n", s->model->name);
  job_sb_add(b, "scenario: ");
  job_sb_quoted(b, s->scenario);
  job_sb_add(b, "\ndescription: ");
  job_sb_quoted(b, job->description);
  job_sb_add(b, "\ntime: {base_year: %d, horizon_year: %d}\n", s->base_year, s->horizon_year);
  job_sb_add(b, "sampling: {samples: %llu, method: %s, seed: %llu", (unsigned long long)s->samples,
             mc_method_names[s->method], (unsigned long long)s->seed);
  if (s->stop_se > 0) {
    job_sb_add(b, ", stop_when: {standard_error: ");
    job_sb_num(b, s->stop_se);
    job_sb_add(b, "}");
  }
  job_sb_add(b, "}\n");
}

static void emit_tail(job_sb *b, const mc_spec *s) {
  const mc_model_type *M = s->model;
  if (s->model == &mc_model_demand)
    job_sb_add(b, "power: {policy: %s}\n", mc_policy_names[s->policy]);
  job_sb_add(b, "outputs:\n  percentiles: ");
  emit_list(b, s->pct, s->npct);
  job_sb_add(b, "\n  relative_accuracy: ");
  job_sb_num(b, s->rel_acc);
  job_sb_add(b, "\n  crossovers:\n");
  for (int i = 0; i < s->ncross; i++)
    job_sb_add(b, "    %s: [%s, %s]\n", s->cross[i].name, M->series[s->cross[i].lhs].name,
               M->series[s->cross[i].rhs].name);
  job_sb_add(b, "  samples: %s\n", s->samples_out ? "true" : "false");
  if (s->nsens) {
    job_sb_add(b, "sensitivity:\n  method: sobol\n  targets: [");
    for (int i = 0; i < s->nsens; i++)
      job_sb_add(b, "%s%s", i ? ", " : "", s->sens[i].name);
    job_sb_add(b, "]\n");
  }
  if (s->nobs)
    job_sb_add(b, "observations:\n");
  for (int i = 0; i < s->nobs; i++) {
    const mc_observation *o = &s->obs[i];
    job_sb_add(b, "  - {series: %s, year: %d, value: ", M->series[o->series].name,
               s->base_year + o->year);
    job_sb_num(b, o->value);
    job_sb_add(b, ", source: ");
    job_sb_quoted(b, o->source);
    job_sb_add(b, "}\n");
  }
}

int mc_job_to_yaml(mc_job *job, mc_err *e) {
  const mc_spec *s = &job->spec;
  job_sb b = job_sb_growing();
  emit_head(&b, job);
  int bad = emit_parameters(&b, s);
  if (bad >= 0) {
    free(b.s);
    MC_RAISE(e, MC_EFAIL, "%s: the %s distribution of %s cannot be written back as YAML exactly",
             job->path, s->dist[bad].type->name, s->model->param[bad].key);
  }
  emit_tail(&b, s);
  if (b.full) {
    free(b.s);
    MC_RAISE(e, MC_EFAIL, "out of memory writing the resolved job");
  }
  free(job->resolved_yaml);
  job->resolved_yaml = b.s;
  return MC_OK;
}
