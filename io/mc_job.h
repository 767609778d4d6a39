/* Job files (docs/writing-jobs.md): YAML read with libyaml into an mc_spec.
 *
 * Parameters may be nested (`training: {compute: ...}`) or dotted
 * (`training.compute: ...`); both mean the same. A job may start from another
 * (`extends: BASE.yaml`, a path relative to the extending file): mappings
 * merge key by key, the extending file winning; a parameter's value,
 * `regimes:` and lists are replaced whole; chains are allowed, cycles
 * refused. Command-line overrides (`--set KEY=VALUE`) apply after the chain.
 * Every refusal is MC_EINPUT with a message "FILE:LINE:COLUMN: what is wrong;
 * what was expected", FILE being the file that holds the offending value (or
 * "--set KEY=VALUE (column C): ..." for a value from the command line). */
#ifndef MC_JOB_H
#define MC_JOB_H

#include "mc_spec.h"

/* The most samples a job may ask for (2^53: every count is exact in a double
 * and the block arithmetic is far from overflow). */
#define MC_JOB_MAX_SAMPLES ((uint64_t)1 << 53)

/* A parameter's value as the user wrote it, for `check` and messages. */
typedef struct mc_job_param {
  char written[256]; /* e.g. "2.0 to 3.5" or "{dist: lognormal, p5: 2e28, p95: 1.5e29}" */
  int line, col;     /* 1-based position of the value (in the file that gave it) */
} mc_job_param;

typedef struct mc_job {
  mc_spec spec;
  char path[1024];
  char description[1024];
  mc_job_param param[MC_MAXPARAM]; /* valid where spec.configured */
  mc_job_param split[MC_MAXSPLIT]; /* as written, for spec.split[i] (a regime's value) */
  char *resolved_yaml;             /* the resolved job as YAML text (owned); see mc_job_to_yaml */
} mc_job;

/* Loads and validates the job file at path, with its extends: chain, into
 * *job (caller frees with mc_job_free; on failure nothing needs freeing). */
int mc_job_load(const char *path, mc_job *job, mc_err *e);

/* As mc_job_load, then applies nsets overrides sets[i] = "KEY=VALUE" in
 * order: KEY a dotted path (parameters.capex.growth, time.horizon_year,
 * sampling.samples; below a parameter, one regime of it or one key of its
 * distribution), VALUE YAML flow text ("1.2 to 1.5", 2050, "{dist: uniform,
 * min: 1, max: 2}"), as if one more file extended the job with that key. The
 * result is validated as a whole; job->resolved_yaml holds it. */
int mc_job_load_with(const char *path, const char *const *sets, int nsets, mc_job *job, mc_err *e);

/* As mc_job_load, from text in memory; name is used in messages and for
 * the directory an extends: path is relative to. */
int mc_job_load_string(const char *text, const char *name, mc_job *job, mc_err *e);

/* Regenerates job->resolved_yaml from job->spec (after command-line overrides
 * such as --samples or --seed). The text loads back to an equal spec and
 * needs no other file. */
int mc_job_to_yaml(mc_job *job, mc_err *e);

void mc_job_free(mc_job *job);

#endif
