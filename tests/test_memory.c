/* The memory prediction (engine/mc_memory.c) against the bytes the sketches
 * really hold: each job's blocks are run in order into one state, as a rank
 * does, and the counters mc_sketch_memory reports must be at most the
 * prediction and at least half of it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "mc_block.h"
#include "mc_job.h"
#include "mc_memory.h"
#include "mc_model.h"
#include "mc_sample.h"
#include "mc_state.h"

/* Bytes of sketch counters after every block of spec, run in order. */
static size_t actual_bytes(const mc_spec *spec) {
  mc_err e = {0};
  mc_stats *st = NULL;
  mc_sampler smp;
  mc_block_work w;
  mc_model model;
  size_t before = mc_sketch_memory();
  assert_int_equal(mc_stats_alloc(spec, &st, &e), MC_OK);
  assert_int_equal(mc_sampler_init(&smp, spec, &e), MC_OK);
  assert_int_equal(mc_block_work_alloc(&w, spec, st->ny, SIZE_MAX, &e), MC_OK);
  mc_model_init(&model, spec);
  mc_block_env env = {spec, &smp, &model, NULL, NULL, NULL};
  for (uint64_t b = 0; b < st->nblocks; b++)
    assert_int_equal(mc_block_process(&env, st, &w, b, &e), MC_OK);
  size_t held = mc_sketch_memory() - before;
  mc_block_work_free(&w);
  mc_sampler_free(&smp);
  mc_stats_free(st);
  assert_int_equal(mc_sketch_memory(), before);
  return held;
}

static void check_job(const char *path, const char *const *sets, int nsets) {
  mc_job *job = calloc(1, sizeof *job);
  mc_err e = {0};
  assert_non_null(job);
  if (mc_job_load_with(path, sets, nsets, job, &e) != MC_OK)
    fail_msg("%s: %s", path, e.msg);
  mc_memory_estimate m;
  assert_int_equal(mc_memory_predict(&job->spec, NULL, &m, &e), MC_OK);
  size_t got = actual_bytes(&job->spec);
  printf("%s%s%s: predicted %zu bytes (pilot %llu samples%s), held %zu (ratio %.2f)\n", path,
         nsets ? " " : "", nsets ? sets[nsets - 1] : "", m.sketch_bytes,
         (unsigned long long)m.pilot_samples, m.exact ? ", exact" : "", got,
         (double)m.sketch_bytes / (double)got);
  assert_true(m.sketch_bytes >= got);
  assert_true(m.sketch_bytes <= 2 * got);
  mc_job_free(job);
  free(job);
}

static void shipped_jobs(void **state) {
  (void)state;
  static const char *small[] = {"sampling.samples=20000"};
  static const char *exact[] = {"sampling.samples=3000", "outputs.relative_accuracy=1e-4"};
  static const char *longer[] = {"sampling.samples=10000", "time.horizon_year=2080"};
  check_job(MC_SOURCE_DIR "/jobs/epoch-2030.yaml", small, 1);
  check_job(MC_SOURCE_DIR "/jobs/epoch-2030-demand.yaml", exact, 2);
  check_job(MC_SOURCE_DIR "/jobs/power-capped.yaml", small, 1);
  check_job(MC_SOURCE_DIR "/jobs/epoch-2030-regimes.yaml", longer, 2);
}

/* Values over hundreds of octaves: a growth rate up to 1e30 a year. */
static void wide_job(void **state) {
  (void)state;
  static const char *sets[] = {"sampling.samples=4000"};
  check_job(MC_SOURCE_DIR "/tests/jobs/overflow.yaml", sets, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(shipped_jobs), cmocka_unit_test(wide_job)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
