/* The resolved job: what the engine computes (docs/model.md), independent of
 * how it was written. io/ fills it from a job file; tests fill it directly.
 *
 * A job names its projection model (spec->model, an mc_model_type): the
 * model's table of parameters, its table of output series, its default
 * crossovers, its binding constraints and its kernel, declared together in
 * the model's own file (engine/mc_demand.c, engine/mc_capacity.c). Everything
 * above the engine takes its lists from that table. */
#ifndef MC_SPEC_H
#define MC_SPEC_H

#include <stdint.h>

#include "mc_dist.h"

/* How an unconfigured parameter is filled. */
enum mc_param_default {
  MC_DEF_REQUIRED, /* must be configured */
  MC_DEF_VALUE,    /* the constant `dflt` */
  MC_DEF_FOLLOWS,  /* equals the sampled parameter `follows` */
  MC_DEF_INFINITE, /* +infinity (a half-life: no slowdown) */
  MC_DEF_ABSENT,   /* optional group (power cap): absent when not configured */
};

typedef struct mc_param_info {
  const char *key;      /* as in docs/model.md, e.g. "training.compute" */
  const char *symbol;   /* e.g. "T0" */
  const char *unit;     /* e.g. "FLOP/yr" */
  const char *meaning;  /* one line */
  double lo, hi;        /* valid range */
  int lo_open, hi_open; /* 1 when the bound itself is invalid */
  int dflt_kind;        /* enum mc_param_default */
  double dflt;
  int follows;
} mc_param_info;

/* mc_series_info.flags */
#define MC_SERIES_NOLOG 1 /* zero in many samples: no natural log, not a sensitivity target */

typedef struct mc_series_info {
  const char *name;
  const char *unit;    /* as a person reads it, e.g. "FLOP/yr" */
  const char *meaning; /* one line */
  int flags;           /* MC_SERIES_* */
  const char *needs;   /* NULL, or what a job needs to produce it (mc_model_type.has_series) */
} mc_series_info;

/* Samples in a block: the unit of work of the kernels and of the engine. */
#define MC_BLOCK 1024

/* Capacities of the per-model tables. */
#define MC_MAXPARAM  48
#define MC_MAXINPUT  (MC_MAXPARAM + 1) /* the parameters and, with regimes, the regime */
#define MC_MAXSERIES 32
#define MC_MAXCAT    8

/* A default crossover of a model: series indices into its series table. */
typedef struct mc_cross_default {
  const char *name;
  int lhs, rhs;
} mc_cross_default;

/* A fan chart `crossover plot` draws by default: series of one unit. */
typedef struct mc_chart_info {
  const char *suffix; /* output file suffix, e.g. "compute" */
  const char *title;  /* e.g. "AI compute executed per year" */
  const char *ylabel; /* e.g. "Compute (FLOP/yr)" */
  const char *series; /* the series names, space separated */
  int on_request;     /* 1: drawn only when --series names its series */
} mc_chart_info;

typedef struct mc_spec mc_spec;
typedef struct mc_model mc_model; /* a model bound to one job (mc_model.h) */

/* A projection model (a const table entry, as gsl_rng_type): what it reads,
 * what it writes, and its kernel. The kernel is pure (mc_model.h states the
 * contract of each entry point). */
typedef struct mc_model_type {
  const char *name;    /* `model:` in job files */
  const char *summary; /* one line */
  int nparam;
  const mc_param_info *param;
  int nseries;
  const mc_series_info *series;
  int ncross;
  const mc_cross_default *cross;
  int ncat;               /* binding constraints counted per year after the base year */
  const char *const *cat; /* their names */
  int ncharts;            /* the default fan charts of `crossover plot` */
  const mc_chart_info *charts;
  int ncoef;                   /* per-sample coefficient rows of prepare */
  int (*work)(int ny);         /* scratch doubles of grid for a block of up to MC_BLOCK samples */
  double tau_error;            /* bound on the crossing-time search's own error, years */
  void (*resolve)(mc_spec *s); /* model-specific resolution after defaults; may be NULL */
  int (*has_series)(const mc_spec *s, int series); /* NULL: every series */
  void (*prepare)(const mc_model *m, const double *const *in, int n, double *const *coef);
  void (*grid)(const mc_model *m, const double *const *in, const double *const *coef, int n,
               double *grid, int stride, double *work, uint8_t *cat);
  void (*crossover)(const mc_model *m, const double *const *in, const double *const *coef, int n,
                    int lhs, int rhs, const double *grid, int stride, int *year, double *tau);
} mc_model_type;

/* Index of a parameter key or a series name in a model's table, or -1. */
int mc_param_find(const mc_model_type *m, const char *key);
int mc_series_find(const mc_model_type *m, const char *name);

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
  int lhs, rhs; /* indices into the model's series table */
} mc_crossover_spec;

/* A sensitivity target (`sensitivity.targets`): the natural log of a series
 * at a grid year (SERIES@YEAR), or a crossover's crossing time tau
 * (crossover.NAME; no crossing counts as the horizon). */
#define MC_MAXSENS 16
enum mc_sens_kind { MC_SENS_SERIES, MC_SENS_CROSSOVER };

typedef struct mc_sens_target {
  char name[96]; /* canonical: "training_compute@2035", "crossover.compute" */
  int kind;      /* enum mc_sens_kind */
  int id;        /* series index, or index into mc_spec.cross */
  int year;      /* grid-year index (series targets) */
} mc_sens_target;

typedef struct mc_correlation {
  int a, b;   /* parameter indices */
  double rho; /* Spearman target */
} mc_correlation;

/* Regimes (docs/model.md "Regimes"): named states of the world with weights;
 * a parameter may take one distribution per regime. */
#define MC_MAXREGIME 8
#define MC_MAXSPLIT  64 /* per-regime distributions in a job (mc_dist is ~4 KiB) */

typedef struct mc_regime_dist {
  int param;    /* parameter index */
  int regime;   /* index into mc_spec.regime_name */
  mc_dist dist; /* the parameter's distribution in that regime */
} mc_regime_dist;

/* An observed value (docs/model.md "Observations"): the engine counts the
 * samples whose series is at or below it in that year. */
#define MC_MAXOBS 64

typedef struct mc_observation {
  int series;       /* index into the model's series table */
  int year;         /* grid-year index (year - base_year) */
  double value;     /* finite */
  char source[256]; /* where the value comes from (free text) */
} mc_observation;

struct mc_spec {
  const mc_model_type *model;
  char scenario[128];
  int base_year, horizon_year;
  uint64_t samples;
  uint64_t seed;
  int method; /* enum mc_method */

  int configured[MC_MAXPARAM]; /* 1 when the job sets the parameter (model's table order) */
  mc_dist dist[MC_MAXPARAM];   /* valid where configured */

  int ncorr;
  mc_correlation corr[MC_MAXCORR];

  int has_cap; /* model demand: power.capacity configured */
  int policy;  /* model demand: enum mc_policy */

  int npct;
  double pct[MC_MAXPCT]; /* percent, ascending, in (0, 100) */
  double rel_acc;        /* in (0, 0.1) */

  int ncross;
  mc_crossover_spec cross[MC_MAXCROSS];

  int samples_out; /* outputs: {samples: true} */

  double stop_se; /* sampling.stop_when.standard_error; 0: run every sample */

  int nsens; /* sensitivity targets; 0: no sensitivity analysis */
  mc_sens_target sens[MC_MAXSENS];

  int nregime; /* 0: no regimes */
  char regime_name[MC_MAXREGIME][MC_NAMELEN];
  double regime_weight[MC_MAXREGIME]; /* in (0, 1], summing to 1 within 1e-9 */
  int per_regime[MC_MAXPARAM];        /* 1: the parameter has one distribution per regime, in
                                         split[]; dist[] then holds the first regime's */
  int nsplit;
  mc_regime_dist split[MC_MAXSPLIT]; /* by parameter (table order), then regime order */

  int nobs; /* observations; 0: none */
  mc_observation obs[MC_MAXOBS];
};

/* Fills s with the defaults of a job of model m (no parameters configured,
 * the model's default crossovers). */
void mc_spec_defaults(mc_spec *s, const mc_model_type *m);

/* Number of grid years, horizon - base + 1. */
static inline int mc_spec_nyears(const mc_spec *s) { return s->horizon_year - s->base_year + 1; }

/* The job's parameter and series counts (its model's). */
static inline int mc_spec_nparam(const mc_spec *s) { return s->model->nparam; }
static inline int mc_spec_nseries(const mc_spec *s) { return s->model->nseries; }

/* 1 when the series is produced by this job (model demand's power_shortfall
 * needs a cap). */
static inline int mc_spec_has_series(const mc_spec *s, int series) {
  return !s->model->has_series || s->model->has_series(s, series);
}

/* Fills an unconfigured parameter's distribution from its default
 * (MC_DEF_VALUE/INFINITE); MC_DEF_FOLLOWS and MC_DEF_ABSENT are left to the
 * sampler. Call after configuring. */
void mc_spec_resolve_defaults(mc_spec *s);

/* The inputs a sensitivity analysis varies: every configured parameter whose
 * distribution is not a constant (or that is given per regime), in the
 * model's table order, then the regime (input nparam) when the job has two
 * or more, into par[] (MC_MAXINPUT). Returns their count k. */
int mc_spec_sens_params(const mc_spec *s, int *par);

/* Blocks of MC_BLOCK samples after which sampling.stop_when is checked:
 * MC_STOP_FIRST_BLOCKS * 2^j, j = 0, 1, ... (the same for any rank count,
 * part or restart). */
#define MC_STOP_FIRST_BLOCKS 64

/* The sampled inputs of a job: its model's parameters, and the regime when
 * the job has regimes (input nparam, a Sobol' dimension of its own). */
static inline int mc_spec_ninputs(const mc_spec *s) { return s->model->nparam + (s->nregime > 0); }

/* The name of input j: a parameter key, or "regime". */
static inline const char *mc_spec_input_key(const mc_spec *s, int j) {
  return j < s->model->nparam ? s->model->param[j].key : "regime";
}

/* Parameter p's distribution in regime r (its only one when it is not given
 * per regime). */
const mc_dist *mc_spec_regime_dist(const mc_spec *s, int p, int r);

/* A 64-bit digest of everything in s that changes results (not the scenario
 * name or description): equal for jobs whose results are the same samples. */
uint64_t mc_spec_digest(const mc_spec *s);

#endif
