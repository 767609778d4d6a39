/* The state codec (engine/mc_codec.h), serially, on states filled block by
 * block (engine/mc_block.h) for the default job of each model:
 * - pack then unpack gives back the same fields, bit for bit;
 * - two states combined field by field through the codec (aligned sketch
 *   ranges) equal mc_stats_merge of them, and the state of one pass over
 *   all their blocks;
 * - a damaged field (an impossible sketch range, a changed fact of the job,
 *   a missing group, a changed count) is refused, and changes the checksum;
 * - the binding-constraint counts are a field of model capacity's state
 *   only, so that demand states hash as before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_block.h"
#include "mc_codec.h"
#include "mc_job.h"

#define SAMPLES 9000 /* 9 blocks, the last one partial */

static mc_job *load(const char *rel) {
  char path[2048];
  snprintf(path, sizeof path, "%s/%s", MC_SOURCE_DIR, rel);
  mc_job *job = calloc(1, sizeof *job);
  mc_err e = {0};
  int rc = mc_job_load(path, job, &e);
  if (rc)
    fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, MC_OK);
  job->spec.samples = SAMPLES;
  return job;
}

static void drop(mc_job *job) {
  mc_job_free(job);
  free(job);
}

/* A state of spec's blocks b with b % 2 == parity (every block for -1). */
static mc_stats *fill(const mc_spec *spec, int parity) {
  mc_err e = {0};
  mc_stats *st = NULL;
  mc_sampler smp = {0};
  mc_model m;
  mc_block_work w = {0};
  assert_int_equal(mc_stats_alloc(spec, &st, &e), MC_OK);
  assert_int_equal(mc_sampler_init(&smp, spec, &e), MC_OK);
  mc_model_init(&m, spec);
  assert_int_equal(mc_block_work_alloc(&w, spec, st->ny, (size_t)1 << 30, &e), MC_OK);
  mc_block_env env = {spec, &smp, &m, NULL, NULL, NULL};
  for (uint64_t b = 0; b < st->nblocks; b++)
    if (parity < 0 || (int)(b % 2) == parity)
      assert_int_equal(mc_block_process(&env, st, &w, b, &e), MC_OK);
  mc_block_work_free(&w);
  mc_sampler_free(&smp);
  return st;
}

static int field(const mc_codec_image *img, const char *name) {
  for (int i = 0; i < img->nfield; i++)
    if (!strcmp(img->f[i].name, name))
      return i;
  fail_msg("no field %s", name);
  return -1;
}

/* Every field present alike, with the same shape and bytes. */
static void same_image(const mc_codec_image *a, const mc_codec_image *b) {
  assert_int_equal(a->nfield, b->nfield);
  for (int g = 0; g < MC_NFGROUPS; g++)
    assert_int_equal(a->present[g], b->present[g]);
  for (int i = 0; i < a->nfield; i++) {
    const mc_codec_field *x = &a->f[i], *y = &b->f[i];
    if (!a->present[x->group])
      continue;
    assert_string_equal(x->name, y->name);
    assert_true(x->count == y->count);
    if (memcmp(mc_codec_values(x), mc_codec_values(y), x->count * mc_codec_type_size(x->type)))
      fail_msg("field %s differs", x->name);
  }
}

static uint64_t hash_of(const mc_codec_image *img) {
  mc_hash h;
  mc_hash_init(&h);
  mc_codec_hash(img, &h);
  return mc_hash_value(&h);
}

static void round_trip(const char *rel) {
  mc_job *job = load(rel);
  mc_stats *st = fill(&job->spec, 0), *back = NULL;
  mc_codec_image a, b;
  mc_err e = {0};
  assert_int_equal(mc_codec_pack(st, NULL, &a, &e), MC_OK);
  assert_int_equal(mc_stats_alloc(&job->spec, &back, &e), MC_OK);
  assert_int_equal(mc_codec_unpack(&a, back, MC_UNPACK_LOAD, "t.h5", &e), MC_OK);
  assert_int_equal(mc_stats_check(back, &job->spec, "t.h5", &e), MC_OK);
  assert_int_equal(mc_codec_pack(back, NULL, &b, &e), MC_OK);
  same_image(&a, &b);
  assert_true(hash_of(&a) == hash_of(&b));
  assert_true(mc_stats_done_samples(back) == mc_stats_done_samples(st));
  assert_true(mc_stats_done_samples(back) == 4 * MC_BLOCK + SAMPLES % MC_BLOCK);
  mc_codec_free(&a);
  mc_codec_free(&b);
  mc_stats_free(st);
  mc_stats_free(back);
  drop(job);
}

static void test_round_trip(void **state) {
  (void)state;
  round_trip("jobs/epoch-2030.yaml");
  round_trip("tests/jobs/sensitivity.yaml");
}

/* The sketch ranges covering both states' counters. */
static int64_t *union_ranges(const mc_stats *a, const mc_stats *b) {
  int K = mc_stats_nsketch(a);
  int64_t *lo = malloc(sizeof *lo * 4 * K), *hi = lo + 2 * K, *r = malloc(sizeof *r * 4 * K);
  int64_t *lo2 = malloc(sizeof *lo2 * 4 * K), *hi2 = lo2 + 2 * K;
  mc_codec_extents(a, lo, hi);
  mc_codec_extents(b, lo2, hi2);
  for (int k = 0; k < 2 * K; k++) {
    int64_t l = lo[k] < lo2[k] ? lo[k] : lo2[k], h = hi[k] > hi2[k] ? hi[k] : hi2[k];
    r[2 * k] = h >= l ? l : 0;
    r[2 * k + 1] = h >= l ? h - l + 1 : 0;
  }
  free(lo);
  free(lo2);
  return r;
}

static void merge_equal(const char *rel) {
  mc_job *job = load(rel);
  const mc_spec *spec = &job->spec;
  mc_stats *whole = fill(spec, -1), *even = fill(spec, 0), *odd = fill(spec, 1);
  mc_stats *merged = NULL, *combined = NULL;
  mc_err e = {0};
  /* mc_stats_merge, odd into even's copy */
  assert_int_equal(mc_stats_alloc(spec, &merged, &e), MC_OK);
  assert_int_equal(mc_stats_merge(merged, even, &e), MC_OK);
  assert_int_equal(mc_stats_merge(merged, odd, &e), MC_OK);
  /* the codec's own combination of aligned images */
  int64_t *r = union_ranges(even, odd);
  mc_codec_image ie, io, iw, im, ic;
  assert_int_equal(mc_codec_pack(even, r, &ie, &e), MC_OK);
  assert_int_equal(mc_codec_pack(odd, r, &io, &e), MC_OK);
  assert_int_equal(mc_codec_combine(&ie, &io, &e), MC_OK);
  assert_int_equal(mc_stats_alloc(spec, &combined, &e), MC_OK);
  assert_int_equal(mc_codec_unpack(&ie, combined, MC_UNPACK_LOAD, "", &e), MC_OK);
  assert_int_equal(mc_codec_pack(whole, NULL, &iw, &e), MC_OK);
  assert_int_equal(mc_codec_pack(merged, NULL, &im, &e), MC_OK);
  assert_int_equal(mc_codec_pack(combined, NULL, &ic, &e), MC_OK);
  same_image(&iw, &im);
  same_image(&iw, &ic);
  assert_true(hash_of(&iw) == hash_of(&ic));
  /* overlapping states are refused */
  assert_int_equal(mc_stats_merge(merged, odd, &e), MC_EINPUT);
  assert_non_null(strstr(e.msg, "overlap"));
  mc_codec_image *imgs[] = {&ie, &io, &iw, &im, &ic};
  for (int k = 0; k < 5; k++)
    mc_codec_free(imgs[k]);
  free(r);
  mc_stats_free(whole);
  mc_stats_free(even);
  mc_stats_free(odd);
  mc_stats_free(merged);
  mc_stats_free(combined);
  drop(job);
}

static void test_merge_equal(void **state) {
  (void)state;
  merge_equal("jobs/epoch-2030.yaml");
  merge_equal("tests/jobs/sensitivity.yaml");
}

/* Unpacking img into a fresh state of spec is refused, naming what. */
static void refused(const mc_spec *spec, const mc_codec_image *img, const char *words) {
  mc_stats *st = NULL;
  mc_err e = {0};
  assert_int_equal(mc_stats_alloc(spec, &st, &e), MC_OK);
  int rc = mc_codec_unpack(img, st, MC_UNPACK_LOAD, "t.h5", &e);
  if (rc == MC_OK)
    rc = mc_stats_check(st, spec, "t.h5", &e);
  assert_int_equal(rc, MC_EINPUT);
  if (!strstr(e.msg, words))
    fail_msg("'%s' lacks '%s'", e.msg, words);
  mc_stats_free(st);
}

static void test_damage_refused(void **state) {
  (void)state;
  mc_job *job = load("jobs/epoch-2030.yaml");
  const mc_spec *spec = &job->spec;
  mc_stats *st = fill(spec, 1);
  mc_codec_image img;
  mc_err e = {0};
  assert_int_equal(mc_codec_pack(st, NULL, &img, &e), MC_OK);
  uint64_t good = hash_of(&img);

  /* an impossible sketch range: refused as read, and unpacked */
  int i = field(&img, "sketch_ranges");
  int64_t *r = img.f[i].own, keep = r[1];
  r[1] = -3;
  assert_int_equal(mc_codec_accept(&img, i, "t.h5", &e), MC_EINPUT);
  assert_non_null(strstr(e.msg, "sketch_ranges"));
  refused(spec, &img, "sketch_ranges");
  assert_true(hash_of(&img) != good);
  r[1] = keep;

  /* a fact of the job: the sketches' accuracy, the job's digest */
  i = field(&img, "mbits");
  img.f[i].v.i32++;
  mc_err e2 = {0};
  assert_int_equal(mc_codec_accept(&img, i, "t.h5", &e2), MC_EINPUT);
  assert_non_null(strstr(e2.msg, "mbits"));
  refused(spec, &img, "mbits");
  assert_true(hash_of(&img) != good);
  img.f[i].v.i32--;
  i = field(&img, "spec_digest");
  img.f[i].v.u64 ^= 1;
  refused(spec, &img, "does not belong to the job");
  img.f[i].v.u64 ^= 1;

  /* a counter changed: the counts no longer add up */
  i = field(&img, "sketch_counts");
  ((uint64_t *)img.f[i].own)[0]++;
  refused(spec, &img, "samples are done");
  assert_true(hash_of(&img) != good);
  ((uint64_t *)img.f[i].own)[0]--;

  /* model capacity's constraint counts: required, and checked */
  img.present[MC_FG_CONSTRAINTS] = 0;
  refused(spec, &img, "binding-constraint counts");
  img.present[MC_FG_CONSTRAINTS] = 1;
  i = field(&img, "constraint_counts");
  mc_codec_field *cc = &img.f[i];
  assert_int_equal(cc->rank, 2);
  assert_true(cc->dims[0] == 4 && cc->dims[1] == (uint64_t)st->ny);
  uint64_t *copy = malloc(sizeof *copy * cc->count);
  memcpy(copy, cc->data, sizeof *copy * cc->count);
  const void *was = cc->data;
  cc->data = copy;
  copy[0] = 1; /* the base year has none */
  refused(spec, &img, "constraint_counts");
  cc->data = was;
  free(copy);

  /* intact, it unpacks */
  mc_stats *back = NULL;
  assert_int_equal(mc_stats_alloc(spec, &back, &e), MC_OK);
  int rc = mc_codec_unpack(&img, back, MC_UNPACK_LOAD, "t.h5", &e);
  if (rc == MC_OK)
    rc = mc_stats_check(back, spec, "t.h5", &e);
  if (rc)
    fail_msg("%s", e.msg);
  assert_true(hash_of(&img) == good);

  /* another build's moment shifts are not added to */
  back->shift[3] = 2 * back->shift[3] + 1;
  assert_int_equal(mc_codec_unpack(&img, back, MC_UNPACK_ADD, "", &e), MC_EINPUT);
  mc_stats_free(back);
  mc_codec_free(&img);
  mc_stats_free(st);
  drop(job);
}

static void test_groups(void **state) {
  (void)state;
  mc_job *cap = load("jobs/epoch-2030.yaml"), *dem = load("jobs/epoch-2030-demand.yaml");
  mc_stats *a = fill(&cap->spec, 0), *b = fill(&dem->spec, 0);
  mc_codec_image ia, ib;
  mc_err e = {0};
  assert_int_equal(mc_codec_pack(a, NULL, &ia, &e), MC_OK);
  assert_int_equal(mc_codec_pack(b, NULL, &ib, &e), MC_OK);
  assert_true(ia.present[MC_FG_CONSTRAINTS]);
  assert_false(ib.present[MC_FG_CONSTRAINTS]);
  /* each sample has one binding constraint in every year after the base */
  const mc_codec_field *cc = &ia.f[field(&ia, "constraint_counts")];
  for (uint64_t y = 0; y < cc->dims[1]; y++) {
    uint64_t sum = 0;
    for (uint64_t c = 0; c < cc->dims[0]; c++)
      sum += ((const uint64_t *)cc->data)[c * cc->dims[1] + y];
    assert_true(sum == (y ? mc_stats_done_samples(a) : 0));
  }
  /* a demand state has no such field, so it is written and hashed as before */
  assert_true(ib.f[field(&ib, "constraint_counts")].count == 0);
  mc_codec_free(&ia);
  mc_codec_free(&ib);
  mc_stats_free(a);
  mc_stats_free(b);
  drop(cap);
  drop(dem);
}

/* Joined scalars hash as one piece of their bytes. */
static void test_hash_join(void **state) {
  (void)state;
  int32_t v[3] = {1, 2, 3};
  mc_hash a, b;
  mc_hash_init(&a);
  mc_hash_init(&b);
  mc_hash_join(&a, &v[0], 4, 1);
  mc_hash_join(&a, &v[1], 4, 0);
  mc_hash_join(&a, &v[2], 4, 0);
  mc_hash_piece(&b, v, sizeof v);
  assert_true(mc_hash_value(&a) == mc_hash_value(&b));
  mc_hash_init(&a);
  mc_hash_join(&a, &v[0], 4, 1);
  mc_hash_join(&a, &v[1], 4, 1); /* two pieces */
  mc_hash_join(&a, &v[2], 4, 0);
  assert_true(mc_hash_value(&a) != mc_hash_value(&b));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip),     cmocka_unit_test(test_merge_equal),
      cmocka_unit_test(test_damage_refused), cmocka_unit_test(test_groups),
      cmocka_unit_test(test_hash_join),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
