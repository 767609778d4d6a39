/* The resolved job: what the engine computes (MODEL.md), independent of how
 * it was written. io/ fills it from a job file; tests fill it directly.
 *
 * The tables of parameters (mc_params) and output series (mc_series) are the
 * names of MODEL.md, the single place they are spelled. */
#ifndef MC_SPEC_H
#define MC_SPEC_H

#include <stdint.h>

#include "mc_dist.h"

enum mc_param_id {
  MC_P_T0,     /* training.compute */
  MC_P_GT,     /* training.growth */
  MC_P_GT_INF, /* training.growth_longrun */
  MC_P_HT,     /* training.growth_halflife */
  MC_P_I0,     /* inference.compute */
  MC_P_GI,     /* inference.growth */
  MC_P_GI_INF, /* inference.growth_longrun */
  MC_P_HI,     /* inference.growth_halflife */
  MC_P_E0,     /* hardware.efficiency */
  MC_P_GE,     /* hardware.efficiency_growth */
  MC_P_F,      /* hardware.power_factor */
  MC_P_UT,     /* training.utilization */
  MC_P_UI,     /* inference.utilization */
  MC_P_P0,     /* datacenter.pue */
  MC_P_DP,     /* datacenter.pue_trend */
  MC_P_W0,     /* power.capacity */
  MC_P_GW,     /* power.capacity_growth */
  MC_NPARAM
};

/* How an unconfigured parameter is filled. */
enum mc_param_default {
  MC_DEF_REQUIRED, /* must be configured */
  MC_DEF_VALUE,    /* the constant `dflt` */
  MC_DEF_FOLLOWS,  /* equals the sampled parameter `follows` */
  MC_DEF_INFINITE, /* +infinity (a half-life: no slowdown) */
  MC_DEF_ABSENT,   /* optional group (power cap): absent when not configured */
};

typedef struct mc_param_info {
  const char *key;      /* as in MODEL.md, e.g. "training.compute" */
  const char *symbol;   /* e.g. "T0" */
  const char *unit;     /* e.g. "FLOP/yr" */
  const char *meaning;  /* one line */
  double lo, hi;        /* valid range */
  int lo_open, hi_open; /* 1 when the bound itself is invalid */
  int dflt_kind;        /* enum mc_param_default */
  double dflt;
  int follows;
} mc_param_info;

extern const mc_param_info mc_params[MC_NPARAM];

/* Index of a parameter key, or -1. */
int mc_param_find(const char *key);

enum mc_series_id {
  MC_S_TRAINING_COMPUTE,
  MC_S_INFERENCE_COMPUTE,
  MC_S_TOTAL_COMPUTE,
  MC_S_INFERENCE_SHARE,
  MC_S_TRAINING_ENERGY,
  MC_S_INFERENCE_ENERGY,
  MC_S_TOTAL_ENERGY,
  MC_S_POWER,
  MC_S_POWER_SHORTFALL, /* only with a power cap */
  MC_NSERIES
};

typedef struct mc_series_info {
  const char *name;
  const char *unit;
  const char *meaning;
} mc_series_info;

extern const mc_series_info mc_series[MC_NSERIES];

/* Index of a series name, or -1. */
int mc_series_find(const char *name);

enum mc_policy { MC_POLICY_PROPORTIONAL, MC_POLICY_INFERENCE_FIRST, MC_POLICY_TRAINING_FIRST };
extern const char *const mc_policy_names[3];

enum mc_method { MC_METHOD_MC, MC_METHOD_LHS, MC_METHOD_SOBOL };
extern const char *const mc_method_names[3];

#define MC_MAXPCT   64
#define MC_MAXYEARS 1000 /* grid years */
#define MC_MAXCROSS 16
#define MC_MAXCORR  64
#define MC_NAMELEN  64

typedef struct mc_crossover_spec {
  char name[MC_NAMELEN];
  int lhs, rhs; /* enum mc_series_id */
} mc_crossover_spec;

/* A sensitivity target (`sensitivity.targets`): the natural log of a series
 * at a grid year (SERIES@YEAR), or a crossover's crossing time tau
 * (crossover.NAME; no crossing counts as the horizon). */
#define MC_MAXSENS 16
enum mc_sens_kind { MC_SENS_SERIES, MC_SENS_CROSSOVER };

typedef struct mc_sens_target {
  char name[96]; /* canonical: "training_compute@2035", "crossover.compute" */
  int kind;      /* enum mc_sens_kind */
  int id;        /* series id, or index into mc_spec.cross */
  int year;      /* grid-year index (series targets) */
} mc_sens_target;

typedef struct mc_correlation {
  int a, b;   /* enum mc_param_id */
  double rho; /* Spearman target */
} mc_correlation;

typedef struct mc_spec {
  char scenario[128];
  int base_year, horizon_year;
  uint64_t samples;
  uint64_t seed;
  int method; /* enum mc_method */

  int configured[MC_NPARAM]; /* 1 when the job sets the parameter */
  mc_dist dist[MC_NPARAM];   /* valid where configured */

  int ncorr;
  mc_correlation corr[MC_MAXCORR];

  int has_cap; /* power.capacity configured */
  int policy;  /* enum mc_policy */

  int npct;
  double pct[MC_MAXPCT]; /* percent, ascending, in (0, 100) */
  double rel_acc;        /* in (0, 0.1) */

  int ncross;
  mc_crossover_spec cross[MC_MAXCROSS];

  int samples_out; /* outputs: {samples: true} */

  double stop_se; /* sampling.stop_when.standard_error; 0: run every sample */

  int nsens; /* sensitivity targets; 0: no sensitivity analysis */
  mc_sens_target sens[MC_MAXSENS];
} mc_spec;

/* Fills s with the defaults of INTERFACE.md (no parameters configured). */
void mc_spec_defaults(mc_spec *s);

/* Number of grid years, horizon - base + 1. */
static inline int mc_spec_nyears(const mc_spec *s) { return s->horizon_year - s->base_year + 1; }

/* 1 when the series is produced by this job (power_shortfall needs a cap). */
static inline int mc_spec_has_series(const mc_spec *s, int series) {
  return series != MC_S_POWER_SHORTFALL || s->has_cap;
}

/* Fills an unconfigured parameter's distribution from its default
 * (MC_DEF_VALUE/INFINITE); MC_DEF_FOLLOWS and MC_DEF_ABSENT are left to the
 * sampler. Call after configuring. */
void mc_spec_resolve_defaults(mc_spec *s);

/* The parameters a sensitivity analysis varies: every configured parameter
 * whose distribution is not a constant, in mc_params order, into par[].
 * Returns their count k. */
int mc_spec_sens_params(const mc_spec *s, int *par);

/* Blocks of MC_BLOCK samples after which sampling.stop_when is checked:
 * MC_STOP_FIRST_BLOCKS * 2^j, j = 0, 1, ... (the same for any rank count,
 * part or restart). */
#define MC_STOP_FIRST_BLOCKS 64

/* A 64-bit digest of everything in s that changes results (not the scenario
 * name or description): equal for jobs whose results are the same samples. */
uint64_t mc_spec_digest(const mc_spec *s);

#endif
