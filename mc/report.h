/* `crossover report`: one model of what is reported, built once from a
 * results file (rp_scenario) or from N of them side by side (rp_compare), and
 * a table of output formats (rp_formats: text, markdown, csv, json), each
 * entry an emitter that walks the model. The model's lists (crossovers,
 * series, binding constraints, sensitivity targets) come from the job and its
 * model's tables (engine/mc_spec.h); no format keeps names of its own.
 *
 * Words: the "crossing time" is the continuous moment lhs first reaches rhs
 * (a fractional calendar year); the "crossover year" is the first grid year
 * with lhs >= rhs. */
#ifndef MC_REPORT_H
#define MC_REPORT_H

#include <stdint.h>

#include "mc_engine.h"
#include "mc_job.h"

/* The percentiles every format shows of crossing times and series. */
#define RP_NQ 3
extern const double rp_q[RP_NQ]; /* 5, 50, 95 */
#define RP_MEDIAN 1

/* At most this many files side by side (labelled A, B, ...). */
#define RP_MAXFILES 26

/* A reported number and its Monte Carlo standard error (NaN: none). */
typedef struct rp_num {
  double v, se;
} rp_num;

/* A crossing-time quantile: v a fractional calendar year, or censored (the
 * quantile falls among samples that do not cross by the horizon; v NaN). */
typedef struct rp_time {
  double v, se;
  int censored;
} rp_time;

typedef struct rp_cross {
  const char *name, *lhs, *rhs; /* the crossover and its series' names */
  rp_time t[RP_NQ];             /* crossing-time quantiles at rp_q */
  rp_num never;                 /* P(not crossed by the horizon) */
  uint64_t never_count;
  rp_num *cum, *in;    /* [ny]: P(crossover year <= y), P(crossover year = y) */
  uint64_t *cum_count; /* [ny] */
  rp_num *cum_regime;  /* [nregime * ny]: P(crossover year <= y | regime), or NULL */
} rp_cross;

/* A regime (structural uncertainty): its weight and its share of the samples. */
typedef struct rp_regime {
  const char *name;
  double weight;
  uint64_t count;
  rp_num share;
} rp_regime;

/* An observation and where it falls in the bands: pit = samples at or below
 * its value / n; inside the central 50% band when 0.25 <= pit <= 0.75, the
 * 90% band when 0.05 <= pit <= 0.95. */
typedef struct rp_obs {
  const char *series, *unit, *source;
  int year;
  double value;
  uint64_t count;
  rp_num pit;
  int in50, in90;
} rp_obs;

typedef struct rp_series_year {
  int year, shown; /* shown: base year, every fifth year, horizon */
  rp_num q[RP_NQ]; /* percentiles at rp_q */
  rp_num mean;     /* over the finite values; s.e. sd / sqrt(n) */
  uint64_t nonfinite;
} rp_series_year;

typedef struct rp_series {
  const char *name, *unit;
  rp_series_year *y; /* [ny] */
} rp_series;

typedef struct rp_sens_par {
  const char *key;
  rp_num first, total; /* s.e.: the batch-means one, CI half-width / t quantile */
  double first_ci[2], total_ci[2];
} rp_sens_par;

typedef struct rp_sens {
  const char *name, *meaning;
  int k;
  rp_sens_par par[MC_MAXINPUT]; /* largest total index first */
} rp_sens;

/* One results file, as reported. Holds pointers into job and st. */
typedef struct rp_scenario {
  char label[4]; /* "A", "B", ... (comparisons) */
  const char *path, *scenario, *description, *model, *method;
  const mc_job *job;
  const mc_stats *st;
  uint64_t n, planned, seed;
  int base_year, horizon_year, ny;
  int complete, stopped_early;
  double stop_se;
  double rel_acc, time_accuracy; /* bands' relative accuracy; crossing times, years */
  int dp;                        /* decimals for probabilities */
  uint64_t fault_samples;
  int ncross;
  rp_cross cross[MC_MAXCROSS];
  int nseries; /* the series this job produces, in the model's order */
  rp_series series[MC_MAXSERIES];
  int ncat, cat_recorded; /* binding constraints; 0 recorded: the file lacks them */
  const char *cat_name[MC_MAXCAT];
  rp_num *cat_frac[MC_MAXCAT]; /* [ny] fraction of samples per year */
  int nsens;
  rp_sens *sens; /* [nsens] */
  int nregime;
  rp_regime regime[MC_MAXREGIME];
  int nobs, obs_in50, obs_in90;
  rp_obs obs[MC_MAXOBS];
} rp_scenario;

/* How the standard error of a difference against the reference is known. */
enum rp_pairing {
  RP_INDEPENDENT,    /* different seeds or methods */
  RP_PAIRED,         /* shared seed, the same samples: s.e. min holds */
  RP_PARTLY_PAIRED,  /* shared seed, different sample sets: only the common ones pair */
  RP_LHS_OTHER_SIZE, /* Latin hypercubes of different sizes: nothing pairs */
};
extern const char *const rp_pairing_names[4];

/* A difference B - A of a probability: independent and paired s.e. (NaN
 * unless RP_PAIRED). */
typedef struct rp_diff {
  double d, se, se_min;
} rp_diff;

/* N files against the first (the reference). */
typedef struct rp_compare {
  int n;
  rp_scenario *s[RP_MAXFILES];
  int pairing[RP_MAXFILES];                /* of file i with s[0]; [0] unused */
  uint64_t paired[RP_MAXFILES];            /* samples drawn in both (same indices) */
  int y0, y1, have_years;                  /* common grid years */
  int ncross;                              /* the reference's crossovers */
  int match[MC_MAXCROSS][RP_MAXFILES];     /* index in file i of crossover c, or -1 */
  rp_diff *cum[MC_MAXCROSS][RP_MAXFILES];  /* [y1 - y0 + 1], i >= 1 */
  rp_diff never[MC_MAXCROSS][RP_MAXFILES]; /* valid where the horizons agree */
} rp_compare;

/* Builds the model of one file (path, its job and state); *s is filled and
 * owns its arrays (rp_scenario_free). MC_EFAIL on out of memory. */
int rp_scenario_build(rp_scenario *s, const char *path, const mc_job *job, const mc_stats *st,
                      mc_err *e);
void rp_scenario_free(rp_scenario *s);

/* Builds the comparison of n built scenarios (s[0] the reference); keeps the
 * pointers. */
int rp_compare_build(rp_compare *c, int n, rp_scenario *const *s, mc_err *e);
void rp_compare_free(rp_compare *c);

/* Index in the series list of s of the series named name, or -1. */
int rp_series_index(const rp_scenario *s, const char *name);

/* An output format: an entry per --format (IOR's output backends). */
typedef struct rp_format {
  const char *name, *alias;
  void (*one)(const rp_scenario *s);
  void (*many)(const rp_compare *c);
} rp_format;
extern const rp_format rp_formats[];
extern const int rp_nformats;

/* The emitters (report_human.c, report_data.c). */
void rp_text_one(const rp_scenario *s);
void rp_text_many(const rp_compare *c);
void rp_markdown_one(const rp_scenario *s);
void rp_markdown_many(const rp_compare *c);
void rp_csv_one(const rp_scenario *s);
void rp_csv_many(const rp_compare *c);
void rp_json_one(const rp_scenario *s);
void rp_json_many(const rp_compare *c);

#endif
