/* Job files (docs/writing-jobs.md): YAML read with libyaml into an mc_spec.
 *
 * Parameters may be nested (`training: {compute: ...}`) or dotted
 * (`training.compute: ...`); both mean the same. Every refusal is MC_EINPUT
 * with a message "FILE:LINE:COLUMN: what is wrong; what was expected". */
#ifndef MC_JOB_H
#define MC_JOB_H

#include "mc_spec.h"

/* The most samples a job may ask for (2^53: every count is exact in a double
 * and the block arithmetic is far from overflow). */
#define MC_JOB_MAX_SAMPLES ((uint64_t)1 << 53)

/* A parameter's value as the user wrote it, for `check` and messages. */
typedef struct mc_job_param {
  char written[256]; /* e.g. "2.0 to 3.5" or "{dist: lognormal, p5: 2e28, p95: 1.5e29}" */
  int line, col;     /* 1-based position of the value */
} mc_job_param;

typedef struct mc_job {
  mc_spec spec;
  char path[1024];
  char description[1024];
  mc_job_param param[MC_MAXPARAM]; /* valid where spec.configured */
  char *resolved_yaml;             /* the resolved job as YAML text (owned); see mc_job_to_yaml */
} mc_job;

/* Loads and validates the job file at path into *job (caller frees with
 * mc_job_free). */
int mc_job_load(const char *path, mc_job *job, mc_err *e);

/* As mc_job_load, from text in memory; name is used in messages. */
int mc_job_load_string(const char *text, const char *name, mc_job *job, mc_err *e);

/* Regenerates job->resolved_yaml from job->spec (after command-line overrides
 * such as --samples or --seed). The text loads back to an equal spec. */
int mc_job_to_yaml(mc_job *job, mc_err *e);

void mc_job_free(mc_job *job);

#endif
