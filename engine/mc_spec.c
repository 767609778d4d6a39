#include "mc_spec.h"

#include <math.h>
#include <string.h>

#define INF HUGE_VAL

/* key, symbol, unit, meaning, lo, hi, lo_open, hi_open, default kind, default, follows */
const mc_param_info mc_params[MC_NPARAM] = {
    [MC_P_T0] = {"training.compute", "T0", "FLOP/yr",
                 "training compute executed worldwide in the base year", 0, INF, 1, 1,
                 MC_DEF_REQUIRED, 0, -1},
    [MC_P_GT] = {"training.growth", "gT", "x/yr",
                 "initial annual growth multiplier of training compute", 0, INF, 1, 1,
                 MC_DEF_REQUIRED, 0, -1},
    [MC_P_GT_INF] = {"training.growth_longrun", "gT_inf", "x/yr",
                     "long-run multiplier the training growth converges to", 0, INF, 1, 1,
                     MC_DEF_FOLLOWS, 0, MC_P_GT},
    [MC_P_HT] = {"training.growth_halflife", "hT", "yr",
                 "half-life of the convergence of training growth", 0, INF, 1, 0, MC_DEF_INFINITE,
                 INF, -1},
    [MC_P_I0] = {"inference.compute", "I0", "FLOP/yr",
                 "inference compute executed in the base year", 0, INF, 1, 1, MC_DEF_REQUIRED, 0,
                 -1},
    [MC_P_GI] = {"inference.growth", "gI", "x/yr",
                 "initial annual growth multiplier of inference compute", 0, INF, 1, 1,
                 MC_DEF_REQUIRED, 0, -1},
    [MC_P_GI_INF] = {"inference.growth_longrun", "gI_inf", "x/yr",
                     "long-run multiplier the inference growth converges to", 0, INF, 1, 1,
                     MC_DEF_FOLLOWS, 0, MC_P_GI},
    [MC_P_HI] = {"inference.growth_halflife", "hI", "yr",
                 "half-life of the convergence of inference growth", 0, INF, 1, 0, MC_DEF_INFINITE,
                 INF, -1},
    [MC_P_E0] = {"hardware.efficiency", "E0", "FLOP/J",
                 "fleet-average peak FLOP per joule at rated IT power, base year", 0, INF, 1, 1,
                 MC_DEF_REQUIRED, 0, -1},
    [MC_P_GE] = {"hardware.efficiency_growth", "gE", "x/yr",
                 "annual improvement multiplier of efficiency", 0, INF, 1, 1, MC_DEF_REQUIRED, 0,
                 -1},
    [MC_P_F] = {"hardware.power_factor", "f", "1", "average power drawn / rated IT power", 0, 1, 1,
                0, MC_DEF_VALUE, 1.0, -1},
    [MC_P_UT] = {"training.utilization", "uT", "1", "executed FLOP / peak FLOP while training", 0,
                 1, 1, 0, MC_DEF_REQUIRED, 0, -1},
    [MC_P_UI] = {"inference.utilization", "uI", "1", "executed FLOP / peak FLOP while serving", 0,
                 1, 1, 0, MC_DEF_REQUIRED, 0, -1},
    [MC_P_P0] = {"datacenter.pue", "P0", "1", "facility energy / IT energy in the base year", 1,
                 INF, 0, 1, MC_DEF_VALUE, 1.0, -1},
    [MC_P_DP] = {"datacenter.pue_trend", "dP", "x/yr", "annual multiplier of the PUE overhead", 0,
                 1, 1, 0, MC_DEF_VALUE, 1.0, -1},
    [MC_P_W0] = {"power.capacity", "W0", "GW", "AI data-center power available in the base year", 0,
                 INF, 1, 1, MC_DEF_ABSENT, 0, -1},
    [MC_P_GW] = {"power.capacity_growth", "gW", "x/yr", "annual growth multiplier of that capacity",
                 0, INF, 1, 1, MC_DEF_ABSENT, 0, -1},
};

const mc_series_info mc_series[MC_NSERIES] = {
    [MC_S_TRAINING_COMPUTE] = {"training_compute", "FLOP/yr", "served training compute"},
    [MC_S_INFERENCE_COMPUTE] = {"inference_compute", "FLOP/yr", "served inference compute"},
    [MC_S_TOTAL_COMPUTE] = {"total_compute", "FLOP/yr", "training plus inference compute"},
    [MC_S_INFERENCE_SHARE] = {"inference_share", "1", "inference / total compute"},
    [MC_S_TRAINING_ENERGY] = {"training_energy", "TWh/yr", "served training energy"},
    [MC_S_INFERENCE_ENERGY] = {"inference_energy", "TWh/yr", "served inference energy"},
    [MC_S_TOTAL_ENERGY] = {"total_energy", "TWh/yr", "training plus inference energy"},
    [MC_S_POWER] = {"power", "GW", "average power of the served energy"},
    [MC_S_POWER_SHORTFALL] = {"power_shortfall", "GW", "demanded power above the cap"},
};

const char *const mc_policy_names[3] = {"proportional", "inference_first", "training_first"};
const char *const mc_method_names[3] = {"mc", "lhs", "sobol"};

int mc_param_find(const char *key) {
  for (int i = 0; i < MC_NPARAM; i++)
    if (strcmp(mc_params[i].key, key) == 0)
      return i;
  return -1;
}

int mc_series_find(const char *name) {
  for (int i = 0; i < MC_NSERIES; i++)
    if (strcmp(mc_series[i].name, name) == 0)
      return i;
  return -1;
}

void mc_spec_defaults(mc_spec *s) {
  memset(s, 0, sizeof *s);
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
  s->ncross = 2;
  strcpy(s->cross[0].name, "compute");
  s->cross[0].lhs = MC_S_INFERENCE_COMPUTE;
  s->cross[0].rhs = MC_S_TRAINING_COMPUTE;
  strcpy(s->cross[1].name, "energy");
  s->cross[1].lhs = MC_S_INFERENCE_ENERGY;
  s->cross[1].rhs = MC_S_TRAINING_ENERGY;
}

void mc_spec_resolve_defaults(mc_spec *s) {
  for (int p = 0; p < MC_NPARAM; p++) {
    if (s->configured[p])
      continue;
    if (mc_params[p].dflt_kind == MC_DEF_VALUE || mc_params[p].dflt_kind == MC_DEF_INFINITE)
      mc_dist_constant(mc_params[p].dflt, &s->dist[p]);
  }
  s->has_cap = s->configured[MC_P_W0];
}

int mc_spec_sens_params(const mc_spec *s, int *par) {
  int k = 0;
  for (int p = 0; p < MC_NPARAM; p++)
    if (s->configured[p] && !mc_dist_is_constant(&s->dist[p]))
      par[k++] = p;
  return k;
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

uint64_t mc_spec_digest(const mc_spec *s) {
  uint64_t h = 14695981039346656037ULL;
  h = fnv_i64(h, s->base_year);
  h = fnv_i64(h, s->horizon_year);
  h = fnv_i64(h, (int64_t)s->samples);
  h = fnv_i64(h, (int64_t)s->seed);
  h = fnv_i64(h, s->method);
  for (int p = 0; p < MC_NPARAM; p++) {
    h = fnv_i64(h, s->configured[p]);
    if (!s->configured[p])
      continue;
    const mc_dist *d = &s->dist[p];
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
  return h;
}
