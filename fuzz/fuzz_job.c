/* libFuzzer target: the job-file loader (io/mc_job.c).
 *
 * Properties checked beyond "no crash, no sanitizer report":
 *  - a refusal is MC_EINPUT with a message naming the file (MC_EFAIL only for
 *    "out of memory");
 *  - an accepted job's resolved YAML (mc_job_to_yaml) loads back to an equal
 *    spec (mc_spec_digest), as `merge` and `--resume` rely on;
 *  - the state of an accepted job of modest size can be allocated (this runs
 *    the model once at the parameters' medians). */
#include <gsl/gsl_errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_engine.h"
#include "mc_job.h"

#define NAME "fuzz.yaml"

static void fail(const char *what, const char *msg) {
  fprintf(stderr, "fuzz_job: %s: %s\n", what, msg);
  abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  gsl_set_error_handler_off(); /* as crossover does (mc/cli.c) */
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > (1u << 16))
    return 0;
  char *text = malloc(size + 1);
  if (!text)
    return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  mc_job job, back;
  mc_err e = {0};
  int rc = mc_job_load_string(text, NAME, &job, &e);
  if (rc != MC_OK) {
    if (!(rc == MC_EINPUT || (rc == MC_EFAIL && strstr(e.msg, "out of memory"))))
      fail("a refusal that is not MC_EINPUT", e.msg);
    if (!strstr(e.msg, NAME))
      fail("a refusal that does not name the file", e.msg);
    free(text);
    return 0;
  }
  if (mc_job_to_yaml(&job, &e) != MC_OK)
    fail("mc_job_to_yaml failed", e.msg);
  mc_err e2 = {0};
  if (mc_job_load_string(job.resolved_yaml, "resolved.yaml", &back, &e2) != MC_OK) {
    fprintf(stderr, "--- resolved YAML:\n%s\n---\n", job.resolved_yaml);
    fail("the resolved YAML does not load back", e2.msg);
  }
  if (mc_spec_digest(&back.spec) != mc_spec_digest(&job.spec)) {
    fprintf(stderr, "--- resolved YAML:\n%s\n---\n", job.resolved_yaml);
    fail("the resolved YAML loads back to a different spec", "digests differ");
  }
  mc_job_free(&back);
  if (job.spec.samples <= ((uint64_t)1 << 24)) {
    mc_stats *st = NULL;
    if (mc_stats_alloc(&job.spec, &st, &e) != MC_OK)
      fail("mc_stats_alloc failed for an accepted job", e.msg);
    mc_stats_free(st);
  }
  mc_job_free(&job);
  free(text);
  return 0;
}
