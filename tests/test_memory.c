/* The memory prediction (engine/mc_memory.c) against the bytes the sketches
 * really hold: each job's blocks are run in order into one state, as a rank
 * does, and the counters mc_sketch_memory reports must be at most the
 * prediction and at least half of it. Each job's block buffers are also
 * checked to start every row on a cache line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "mc_block.h"
#include "mc_job.h"
#include "mc_memory.h"
#include "mc_model.h"
#include "mc_sample.h"
#include "mc_state.h"

/* Every row of a block's buffers that a vector loop reads or writes starts on
 * a 64-byte cache line (a row 16 bytes off one splits each AVX-512 access). */
static void assert_line(const void *p, const char *what) {
  if ((uintptr_t)p % 64)
    fail_msg("%s at %p is not on a 64-byte line", what, p);
}

static void check_alignment(const mc_spec *spec, const mc_block_work *w, int ny) {
  for (int i = 0; i < mc_spec_ninputs(spec); i++)
    assert_line(w->in[i], "an input row");
  for (int i = 0; i < spec->model->ncoef; i++)
    assert_line(w->coef[i], "a coefficient row");
  for (int k = 0; k < spec->model->nseries * ny; k++)
    assert_line(w->grid + (size_t)k * MC_GRID_PITCH, "a grid row");
  assert_line(w->mwork, "the kernel's work");
  for (int c = 0; c < spec->ncross; c++)
    assert_line(w->tau[c], "a crossing-time row");
  assert_line(w->year, "the crossover years");
  /* the binding constraints are bytes, their rows MC_GRID_PITCH bytes apart:
   * only the first is on a line */
  assert_line(w->cat, "the binding constraints");
  if (spec->nsens) {
    for (int i = 0; i < mc_spec_ninputs(spec); i++)
      assert_line(w->inB[i], "a sensitivity input row");
    assert_line(w->fA, "the sensitivity targets");
  }
}

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
  check_alignment(spec, &w, st->ny);
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
