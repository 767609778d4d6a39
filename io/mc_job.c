/* Job files: the public functions of mc_job.h. A job is read in three
 * steps: its text becomes a tree of nodes that remember file, line and column
 * (job_tree.c), its extends: chain and --set overrides are merged into that
 * tree (job_merge.c), and the sections are walked against a fixed schema, the
 * parameters against the table of the job's model (job_sections.c,
 * job_params.c, job_regimes.c). The resolved job is then written back as
 * YAML (job_emit.c). job_internal.h lists the files. */
#include "mc_job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job_internal.h"
#include "mc_model.h"

static int load(const char *name, const char *text, size_t len, const char *const *sets, int nsets,
                mc_job *job, mc_err *e) {
  mc_err local = {0};
  if (!e)
    e = &local;
  memset(job, 0, sizeof *job);
  mc_spec_defaults(&job->spec, &mc_model_demand);
  snprintf(job->path, sizeof job->path, "%s", name);
  job_ctx c = {.name = name, .job = job, .e = e, .model = &mc_model_demand};
  job_init_names(&c);
  job_arena a = {0};
  jnode *root = NULL;
  int rc = job_resolve(&a, name, text, len, sets, nsets, &root, e);
  if (rc == MC_OK)
    rc = job_load_document(&c, root);
  if (rc == MC_OK)
    rc = mc_job_to_yaml(job, e);
  job_arena_free(&a);
  if (rc != MC_OK) {
    free(job->resolved_yaml);
    job->resolved_yaml = NULL;
  }
  return rc;
}

int mc_job_load_string(const char *text, const char *name, mc_job *job, mc_err *e) {
  return load(name, text, strlen(text), NULL, 0, job, e);
}

int mc_job_load_with(const char *path, const char *const *sets, int nsets, mc_job *job, mc_err *e) {
  char *text;
  size_t len;
  memset(job, 0, sizeof *job);
  int rc = job_read_file(path, &text, &len, e);
  if (rc == MC_OK) {
    rc = load(path, text, len, sets, nsets, job, e);
    free(text);
  }
  return rc;
}

int mc_job_load(const char *path, mc_job *job, mc_err *e) {
  return mc_job_load_with(path, NULL, 0, job, e);
}

void mc_job_free(mc_job *job) {
  if (!job)
    return;
  free(job->resolved_yaml);
  job->resolved_yaml = NULL;
}
