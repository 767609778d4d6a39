#include "mc_spec.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define INF HUGE_VAL

const char *const mc_policy_names[3] = {"proportional", "inference_first", "training_first"};
const char *const mc_method_names[3] = {"mc", "lhs", "sobol"};

int mc_param_find(const mc_model_type *m, const char *key) {
  for (int i = 0; i < m->nparam; i++)
    if (strcmp(m->param[i].key, key) == 0)
      return i;
  return -1;
}

int mc_series_find(const mc_model_type *m, const char *name) {
  for (int i = 0; i < m->nseries; i++)
    if (strcmp(m->series[i].name, name) == 0)
      return i;
  return -1;
}

void mc_spec_defaults(mc_spec *s, const mc_model_type *m) {
  memset(s, 0, sizeof *s);
  s->model = m;
  strcpy(s->scenario, "crossover");
  s->base_year = 2025;
  s->horizon_year = 2040;
  s->samples = 1000000;
  s->seed = 1;
  s->method = MC_METHOD_MC;
  s->policy = MC_POLICY_PROPORTIONAL;
  static const double pct[] = {1, 5, 10, 25, 50, 75, 90, 95, 99};
  s->npct = (int)(sizeof pct / sizeof pct[0]);
  memcpy(s->pct, pct, sizeof pct);
  s->rel_acc = 0.001;
  s->ncross = m->ncross;
  for (int c = 0; c < m->ncross; c++) {
    snprintf(s->cross[c].name, sizeof s->cross[c].name, "%s", m->cross[c].name);
    s->cross[c].lhs = m->cross[c].lhs;
    s->cross[c].rhs = m->cross[c].rhs;
  }
}

void mc_spec_resolve_defaults(mc_spec *s) {
  const mc_param_info *param = s->model->param;
  for (int p = 0; p < s->model->nparam; p++) {
    if (s->configured[p])
      continue;
    if (param[p].dflt_kind == MC_DEF_VALUE || param[p].dflt_kind == MC_DEF_INFINITE)
      mc_dist_constant(param[p].dflt, &s->dist[p]);
  }
  if (s->model->resolve)
    s->model->resolve(s);
}

int mc_spec_sens_params(const mc_spec *s, int *par) {
  int k = 0;
  for (int p = 0; p < s->model->nparam; p++)
    if (s->per_regime[p] || (s->configured[p] && !mc_dist_is_constant(&s->dist[p])))
      par[k++] = p;
  if (s->nregime > 1)
    par[k++] = s->model->nparam; /* the regime */
  return k;
}

const mc_dist *mc_spec_regime_dist(const mc_spec *s, int p, int r) {
  if (s->per_regime[p])
    for (int i = 0; i < s->nsplit; i++)
      if (s->split[i].param == p && s->split[i].regime == r)
        return &s->split[i].dist;
  return &s->dist[p];
}

/* FNV-1a over bytes. */
static uint64_t fnv(uint64_t h, const void *data, size_t n) {
  const unsigned char *b = data;
  for (size_t i = 0; i < n; i++) {
    h ^= b[i];
    h *= 1099511628211ULL;
  }
  return h;
}

static uint64_t fnv_f64(uint64_t h, double v) { return fnv(h, &v, sizeof v); }
static uint64_t fnv_i64(uint64_t h, int64_t v) { return fnv(h, &v, sizeof v); }

static uint64_t fnv_dist(uint64_t h, const mc_dist *d) {
  h = fnv(h, d->type ? d->type->name : "", d->type ? strlen(d->type->name) : 0);
  for (int i = 0; i < 4; i++)
    h = fnv_f64(h, d->p[i]);
  h = fnv_f64(h, d->lo);
  h = fnv_f64(h, d->hi);
  h = fnv_i64(h, d->nvals);
  for (int i = 0; i < d->nvals; i++) {
    h = fnv_f64(h, d->vals[i]);
    h = fnv_f64(h, d->cum[i]);
  }
  return h;
}

/* Regimes and observations (issue 15), hashed only when present. */
static uint64_t digest_structure(uint64_t h, const mc_spec *s) {
  if (s->nregime > 0) {
    h = fnv_i64(fnv(h, "regimes", 7), s->nregime);
    for (int r = 0; r < s->nregime; r++)
      h = fnv_f64(fnv(h, s->regime_name[r], strlen(s->regime_name[r]) + 1), s->regime_weight[r]);
    h = fnv_i64(h, s->nsplit);
    for (int i = 0; i < s->nsplit; i++)
      h = fnv_dist(fnv_i64(fnv_i64(h, s->split[i].param), s->split[i].regime), &s->split[i].dist);
  }
  if (s->nobs > 0) {
    h = fnv_i64(fnv(h, "observations", 12), s->nobs);
    for (int i = 0; i < s->nobs; i++)
      h = fnv_f64(fnv_i64(fnv_i64(h, s->obs[i].series), s->obs[i].year), s->obs[i].value);
  }
  return h;
}

uint64_t mc_spec_digest(const mc_spec *s) {
  uint64_t h = 14695981039346656037ULL;
  h = fnv_i64(h, s->base_year);
  h = fnv_i64(h, s->horizon_year);
  h = fnv_i64(h, (int64_t)s->samples);
  h = fnv_i64(h, (int64_t)s->seed);
  h = fnv_i64(h, s->method);
  /* Model demand (the first) hashes no name, so its jobs keep their digest. */
  if (strcmp(s->model->name, "demand") != 0)
    h = fnv(h, s->model->name, strlen(s->model->name) + 1);
  for (int p = 0; p < s->model->nparam; p++) {
    h = fnv_i64(h, s->configured[p]);
    if (!s->configured[p])
      continue;
    h = fnv_dist(h, &s->dist[p]);
  }
  h = fnv_i64(h, s->ncorr);
  for (int i = 0; i < s->ncorr; i++) {
    h = fnv_i64(h, s->corr[i].a);
    h = fnv_i64(h, s->corr[i].b);
    h = fnv_f64(h, s->corr[i].rho);
  }
  h = fnv_i64(h, s->has_cap);
  h = fnv_i64(h, s->policy);
  h = fnv_i64(h, s->npct);
  for (int i = 0; i < s->npct; i++)
    h = fnv_f64(h, s->pct[i]);
  h = fnv_f64(h, s->rel_acc);
  h = fnv_i64(h, s->ncross);
  for (int i = 0; i < s->ncross; i++) {
    h = fnv(h, s->cross[i].name, strlen(s->cross[i].name));
    h = fnv_i64(h, s->cross[i].lhs);
    h = fnv_i64(h, s->cross[i].rhs);
  }
  h = fnv_i64(h, s->samples_out);
  /* Added in issue 5; hashed only when set, so older jobs keep their digest. */
  if (s->stop_se > 0)
    h = fnv_f64(fnv(h, "stop_when", 9), s->stop_se);
  if (s->nsens > 0) {
    h = fnv_i64(fnv(h, "sensitivity", 11), s->nsens);
    for (int i = 0; i < s->nsens; i++)
      h = fnv(h, s->sens[i].name, strlen(s->sens[i].name) + 1);
  }
  return digest_structure(h, s);
}
