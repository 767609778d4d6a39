/* The job-file loader: equivalent spellings give equal specs, defaults,
 * "A to B", the resolved YAML round trip of every fixture and shipped job, the
 * positions and words of refusals, extends: chains (merging, positions in the
 * file a value came from, cycles), --set overrides, regimes and
 * observations. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mc_demand.h"
#include "mc_job.h"

#define REQUIRED_DOTTED                                                                            \
  "parameters:\n"                                                                                  \
  "  training.compute: 2e28 to 1.5e29\n"                                                           \
  "  training.growth: 2.0 to 3.5\n"                                                                \
  "  inference.compute: 5e27 to 5e28\n"                                                            \
  "  inference.growth: 2.5 to 5\n"                                                                 \
  "  hardware.efficiency: 1e11 to 4e11\n"                                                          \
  "  hardware.efficiency_growth: 1.2 to 1.45\n"                                                    \
  "  training.utilization: 0.4\n"                                                                  \
  "  inference.utilization: 0.25\n"

static mc_job *load_ok(const char *text) {
  mc_job *job = calloc(1, sizeof *job);
  assert_non_null(job);
  mc_err e = {0};
  int rc = mc_job_load_string(text, "t.yaml", job, &e);
  if (rc != MC_OK)
    fprintf(stderr, "unexpected refusal: %s\n", e.msg);
  assert_int_equal(rc, MC_OK);
  assert_non_null(job->resolved_yaml);
  return job;
}

static void drop(mc_job *job) {
  mc_job_free(job);
  free(job);
}

/* Refuses text with MC_EINPUT, a message starting "t.yaml:LINE:COL: " and
 * containing every word (NULL-terminated). */
static void refuse(const char *text, int line, int col, ...) {
  mc_job *job = calloc(1, sizeof *job);
  assert_non_null(job);
  mc_err e = {0};
  int rc = mc_job_load_string(text, "t.yaml", job, &e);
  char head[64];
  snprintf(head, sizeof head, "t.yaml:%d:%d: ", line, col);
  if (rc != MC_EINPUT || strncmp(e.msg, head, strlen(head)))
    fprintf(stderr, "expected '%s...', got rc %d: %s\n", head, rc, e.msg);
  assert_int_equal(rc, MC_EINPUT);
  assert_int_equal(strncmp(e.msg, head, strlen(head)), 0);
  assert_null(job->resolved_yaml);
  va_list ap;
  va_start(ap, col);
  for (const char *w; (w = va_arg(ap, const char *));) {
    if (!strstr(e.msg, w))
      fprintf(stderr, "message lacks '%s': %s\n", w, e.msg);
    assert_non_null(strstr(e.msg, w));
  }
  va_end(ap);
  drop(job);
}

static int same_dist(const mc_dist *a, const mc_dist *b) {
  return a->type == b->type && !memcmp(a->p, b->p, sizeof a->p) && a->lo == b->lo &&
         a->hi == b->hi && a->nvals == b->nvals &&
         !memcmp(a->vals, b->vals, sizeof a->vals[0] * (size_t)a->nvals) &&
         !memcmp(a->cum, b->cum, sizeof a->cum[0] * (size_t)a->nvals);
}

static void test_nested_equals_dotted(void **state) {
  mc_job *a = load_ok("scenario: x\n" REQUIRED_DOTTED
                      "  datacenter.pue: {dist: pert, min: 1.08, mode: 1.2, max: 1.4}\n"
                      "  power.capacity: 20 to 40\n"
                      "  power.capacity_growth: 1.1 to 1.3\n");
  mc_job *b = load_ok("scenario: x\n"
                      "parameters:\n"
                      "  inference:\n"
                      "    utilization: 0.25\n"
                      "    compute: 5e27 to 5e28\n"
                      "    growth: 2.5 to 5\n"
                      "  training:\n"
                      "    compute: 2e28 to 1.5e29\n"
                      "    growth: 2.0 to 3.5\n"
                      "    utilization: 0.4\n"
                      "  hardware: {efficiency: 1e11 to 4e11, efficiency_growth: 1.2 to 1.45}\n"
                      "  datacenter:\n"
                      "    pue: {dist: pert, min: 1.08, mode: 1.2, max: 1.4}\n"
                      "  power:\n"
                      "    capacity: 20 to 40\n"
                      "    capacity_growth: 1.1 to 1.3\n");
  assert_true(mc_spec_digest(&a->spec) == mc_spec_digest(&b->spec));
  for (int p = 0; p < MC_NPARAM; p++) {
    assert_int_equal(a->spec.configured[p], b->spec.configured[p]);
    if (a->spec.configured[p])
      assert_true(same_dist(&a->spec.dist[p], &b->spec.dist[p]));
  }
  assert_int_equal(a->spec.has_cap, 1);
  assert_string_equal(a->resolved_yaml, b->resolved_yaml);
  /* The digest sees a changed parameter. */
  mc_job *c = load_ok("scenario: x\n" REQUIRED_DOTTED
                      "  datacenter.pue: {dist: pert, min: 1.08, mode: 1.2, max: 1.41}\n"
                      "  power.capacity: 20 to 40\n"
                      "  power.capacity_growth: 1.1 to 1.3\n");
  assert_true(mc_spec_digest(&a->spec) != mc_spec_digest(&c->spec));
  drop(a);
  drop(b);
  drop(c);
}

static void test_defaults(void **state) {
  mc_job *job = load_ok(REQUIRED_DOTTED);
  mc_spec d;
  mc_spec_defaults(&d, &mc_model_demand);
  const mc_spec *s = &job->spec;
  assert_string_equal(s->scenario, d.scenario);
  assert_int_equal(s->base_year, d.base_year);
  assert_int_equal(s->horizon_year, d.horizon_year);
  assert_true(s->samples == d.samples);
  assert_true(s->seed == d.seed);
  assert_int_equal(s->method, d.method);
  assert_int_equal(s->policy, MC_POLICY_PROPORTIONAL);
  assert_int_equal(s->npct, d.npct);
  assert_memory_equal(s->pct, d.pct, sizeof d.pct[0] * (size_t)d.npct);
  assert_true(s->rel_acc == d.rel_acc);
  assert_int_equal(s->ncross, 2);
  assert_string_equal(s->cross[0].name, "compute");
  assert_int_equal(s->cross[0].lhs, MC_S_INFERENCE_COMPUTE);
  assert_int_equal(s->cross[0].rhs, MC_S_TRAINING_COMPUTE);
  assert_string_equal(s->cross[1].name, "energy");
  assert_int_equal(s->ncorr, 0);
  assert_int_equal(s->has_cap, 0);
  assert_int_equal(s->samples_out, 0);
  assert_string_equal(job->description, "");
  for (int p = 0; p < MC_NPARAM; p++) {
    int required = mc_demand_params[p].dflt_kind == MC_DEF_REQUIRED;
    assert_int_equal(s->configured[p], required);
    if (mc_demand_params[p].dflt_kind == MC_DEF_VALUE)
      assert_true(mc_dist_quantile(&s->dist[p], 0.3) == mc_demand_params[p].dflt);
    if (mc_demand_params[p].dflt_kind == MC_DEF_INFINITE)
      assert_true(isinf(mc_dist_quantile(&s->dist[p], 0.7)));
  }
  /* Positions of the values, and what was written. */
  assert_int_equal(job->param[MC_P_GT].line, 3);
  assert_int_equal(job->param[MC_P_GT].col, 20);
  assert_string_equal(job->param[MC_P_GT].written, "2.0 to 3.5");
  assert_string_equal(job->param[MC_P_UT].written, "0.4");
  drop(job);
}

static void test_range_and_forms(void **state) {
  mc_job *job = load_ok("sampling: {samples: 1e6, seed: 18446744073709551615, method: sobol}\n"
                        "time: {base_year: 2024, horizon_year: 2050}\n"
                        "outputs: {percentiles: [95, 5, 50], samples: yes}\n" REQUIRED_DOTTED
                        "  hardware.power_factor: {dist: discrete, values: [0.9, 0.5, 0.7], "
                        "weights: [1, 2, 1]}\n"
                        "  datacenter.pue_trend: {dist: beta, alpha: 2, beta: 2, min: 0.9, max: "
                        "1}\n");
  const mc_spec *s = &job->spec;
  const mc_dist *g = &s->dist[MC_P_GT];
  assert_string_equal(g->type->name, "lognormal");
  assert_true(fabs(mc_dist_quantile(g, 0.05) / 2.0 - 1) < 1e-9);
  assert_true(fabs(mc_dist_quantile(g, 0.95) / 3.5 - 1) < 1e-9);
  assert_true(s->samples == 1000000);
  assert_true(s->seed == UINT64_MAX);
  assert_int_equal(s->method, MC_METHOD_SOBOL);
  assert_int_equal(s->base_year, 2024);
  assert_int_equal(s->horizon_year, 2050);
  assert_int_equal(s->npct, 3);
  assert_true(s->pct[0] == 5 && s->pct[1] == 50 && s->pct[2] == 95);
  assert_int_equal(s->samples_out, 1);
  const mc_dist *f = &s->dist[MC_P_F];
  assert_int_equal(f->nvals, 3);
  assert_true(f->vals[0] == 0.5 && f->vals[2] == 0.9);
  assert_true(fabs(f->cum[0] - 0.5) < 1e-15);
  assert_string_equal(job->param[MC_P_F].written,
                      "{dist: discrete, values: [0.9, 0.5, 0.7], weights: [1, 2, 1]}");
  drop(job);
  /* 1_000_000 and 1000000 are the same count. */
  job = load_ok("sampling: {samples: 1_000_000}\n" REQUIRED_DOTTED);
  assert_true(job->spec.samples == 1000000);
  drop(job);
}

/* The resolved YAML reloads to an equal spec, and is a fixed point. */
static void round_trip(const char *path) {
  mc_job *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
  assert_true(a && b);
  mc_err e = {0};
  int rc = mc_job_load(path, a, &e);
  if (rc)
    fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, MC_OK);
  rc = mc_job_load_string(a->resolved_yaml, "resolved", b, &e);
  if (rc)
    fprintf(stderr, "%s: resolved YAML refused: %s\n%s", path, e.msg, a->resolved_yaml);
  assert_int_equal(rc, MC_OK);
  if (mc_spec_digest(&a->spec) != mc_spec_digest(&b->spec))
    fprintf(stderr, "%s: digest differs after the round trip\n%s", path, a->resolved_yaml);
  assert_true(mc_spec_digest(&a->spec) == mc_spec_digest(&b->spec));
  for (int p = 0; p < MC_NPARAM; p++)
    if (a->spec.configured[p])
      assert_true(same_dist(&a->spec.dist[p], &b->spec.dist[p]));
  assert_string_equal(a->spec.scenario, b->spec.scenario);
  assert_string_equal(a->description, b->description);
  assert_string_equal(a->resolved_yaml, b->resolved_yaml);
  /* Command-line overrides are carried by a regenerated text. */
  b->spec.samples = 12345;
  b->spec.seed = 99;
  assert_int_equal(mc_job_to_yaml(b, &e), MC_OK);
  mc_job_free(a);
  rc = mc_job_load_string(b->resolved_yaml, "resolved", a, &e);
  assert_int_equal(rc, MC_OK);
  assert_true(a->spec.samples == 12345 && a->spec.seed == 99);
  assert_true(mc_spec_digest(&a->spec) == mc_spec_digest(&b->spec));
  drop(a);
  drop(b);
}

static int round_trip_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d)
    return 0;
  int n = 0;
  for (struct dirent *ent; (ent = readdir(d));) {
    size_t len = strlen(ent->d_name);
    if (len < 6 || strcmp(ent->d_name + len - 5, ".yaml"))
      continue;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
    round_trip(path);
    n++;
  }
  closedir(d);
  return n;
}

static void test_round_trip(void **state) {
  int fixtures = round_trip_dir(MC_SOURCE_DIR "/tests/jobs");
  assert_true(fixtures >= 2);
  round_trip_dir(MC_SOURCE_DIR "/jobs");
}

static void test_full_fixture(void **state) {
  mc_job *job = calloc(1, sizeof *job);
  mc_err e = {0};
  int rc = mc_job_load(MC_SOURCE_DIR "/tests/jobs/full.yaml", job, &e);
  if (rc)
    fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, MC_OK);
  const mc_spec *s = &job->spec;
  for (int p = 0; p < MC_NPARAM; p++)
    assert_int_equal(s->configured[p], 1);
  /* Every distribution type appears. */
  for (const mc_dist_type *t = mc_dist_types; t->name; t++) {
    int seen = 0;
    for (int p = 0; p < MC_NPARAM; p++)
      seen |= s->dist[p].type == t;
    if (!seen)
      fprintf(stderr, "full.yaml lacks a %s distribution\n", t->name);
    assert_true(seen);
  }
  assert_int_equal(s->ncorr, 3);
  assert_int_equal(s->corr[2].a, MC_P_E0);
  assert_int_equal(s->corr[2].b, MC_P_GE);
  assert_true(s->corr[2].rho == -0.2);
  assert_int_equal(s->has_cap, 1);
  assert_int_equal(s->policy, MC_POLICY_INFERENCE_FIRST);
  assert_int_equal(s->ncross, 3);
  assert_int_equal(s->cross[2].lhs, MC_S_POWER_SHORTFALL);
  assert_true(s->samples == 100000);
  assert_true(s->rel_acc == 0.0005);
  assert_non_null(strstr(job->description, "every distribution type"));
  /* Truncation holds the samples inside min/max. */
  const mc_dist *gi = &s->dist[MC_P_GI];
  assert_true(mc_dist_quantile(gi, 1e-12) >= 1.1 && mc_dist_quantile(gi, 1 - 1e-12) <= 6);
  drop(job);
}

static void test_refusals(void **state) {
  refuse("sampling: {samples: 10, sed: 3}\n" REQUIRED_DOTTED, 1, 25, "unknown key 'sed'",
         "did you mean 'seed'?", NULL);
  refuse(REQUIRED_DOTTED "  training:\n    growht: 3\n", 11, 5, "'training.growht'",
         "did you mean 'training.growth'?", NULL);
  refuse(REQUIRED_DOTTED "  hardware.power_factor: {dist: betta, alpha: 2, beta: 3}\n", 10, 33,
         "unknown distribution 'betta'", "did you mean 'beta'?", "weibull", NULL);
  refuse("scenario: a\n\nparameters:\n  training.compute: 1e28\n", 3, 1,
         "missing required parameters", "training.growth", "inference.utilization", NULL);
  refuse("scenario: a\n", 1, 1, "missing required parameters", NULL);
  refuse("time: {base_year: 2030, horizon_year: 2030}\n" REQUIRED_DOTTED, 1, 39, "not after", NULL);
  refuse("time:\n  base_year: 2041\n" REQUIRED_DOTTED, 2, 14, "not after", NULL);
  refuse(REQUIRED_DOTTED "  training.growth_halflife: .inf\n", 10, 29, "not a finite number", NULL);
  refuse(REQUIRED_DOTTED "  training.growth_halflife: 1e999\n", 10, 29, "not a finite number",
         NULL);
  refuse("sampling: {samples: 1000}\nsampling: {seed: 3}\n" REQUIRED_DOTTED, 2, 1,
         "duplicate key 'sampling'", "first at line 1", NULL);
  refuse(REQUIRED_DOTTED "  training: {growth: 3}\n", 10, 14, "training.growth is given twice",
         "first at line 3", NULL);
  refuse("time: {base_year: 2025\nsampling: {}\n" REQUIRED_DOTTED, 2, 9, "YAML syntax error", NULL);
  refuse(REQUIRED_DOTTED "  training.growth_longrun: {dist: normal, mean: 1.5, sd: 0.2}\n", 10, 28,
         "training.growth_longrun: a normal distribution can take values <= 0", "must be > 0",
         "truncate it with min:", "lognormal / \"A to B\"", NULL);
  /* A beta on (0, 1] is refused only when the sampler can return 0 itself:
   * with alpha = 0.01 the quantile of the smallest uniform underflows to 0. */
  refuse(REQUIRED_DOTTED "  hardware.power_factor: {dist: beta, alpha: 0.01, beta: 3}\n", 10, 26,
         "can take the value 0", "in (0, 1]", NULL);
  refuse(REQUIRED_DOTTED "correlations:\n  - [training.compute, inference.compute, 0.9]\n"
                         "  - [training.compute, hardware.efficiency, 0.9]\n"
                         "  - [inference.compute, hardware.efficiency, -0.9]\n",
         10, 1, "correlations", NULL);
  refuse(REQUIRED_DOTTED "outputs:\n  crossovers: {x: [inference_compute, trainig_compute]}\n", 11,
         39, "unknown series 'trainig_compute'", "did you mean 'training_compute'?", "total_energy",
         NULL);
  refuse(REQUIRED_DOTTED "outputs:\n  percentiles: [50, 100]\n", 11, 21, "outside (0, 100)", NULL);
  refuse(REQUIRED_DOTTED "outputs:\n  relative_accuracy: -0.01\n", 11, 22, "outside (0, 0.1)",
         NULL);
  refuse(REQUIRED_DOTTED "power:\n  policy: training-first\n", 11, 11,
         "unknown policy 'training-first'", "did you mean 'training_first'?", NULL);
  refuse(REQUIRED_DOTTED "  power.capacity_growth: 1.1\n", 10, 3,
         "power.capacity_growth is given without power.capacity", NULL);
  refuse("time: [2025, 2040]\n" REQUIRED_DOTTED, 1, 7, "expected a mapping", "got a list", NULL);
  refuse("sampling: {samples: \"1000\"}\n" REQUIRED_DOTTED, 1, 21, "expected a number",
         "quoted string", NULL);
}

/* ------------------------------------------------------------ extends */

static char dir[256]; /* a fresh folder for the files of one test */

static void make_dir(void) {
  snprintf(dir, sizeof dir, "/tmp/test_job.XXXXXX");
  assert_non_null(mkdtemp(dir));
}

static void remove_dir(const char *const *names, int n) {
  char path[512];
  for (int i = 0; i < n; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    unlink(path);
  }
  rmdir(dir);
}

static void put_file(const char *name, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* Loads dir/name with sets; expects success. */
static mc_job *load_file_ok(const char *name, const char *const *sets, int nsets) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  mc_job *job = calloc(1, sizeof *job);
  assert_non_null(job);
  mc_err e = {0};
  int rc = mc_job_load_with(path, sets, nsets, job, &e);
  if (rc != MC_OK)
    fprintf(stderr, "unexpected refusal: %s\n", e.msg);
  assert_int_equal(rc, MC_OK);
  return job;
}

/* Loading dir/name with sets is refused with a message that starts with head
 * ("@/" standing for the folder) and holds every word (NULL-terminated). */
static void refuse_file(const char *name, const char *const *sets, int nsets, const char *head,
                        ...) {
  char path[512], want[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  snprintf(want, sizeof want, "%s%s", head[0] == '@' ? dir : "", head + (head[0] == '@'));
  mc_job *job = calloc(1, sizeof *job);
  assert_non_null(job);
  mc_err e = {0};
  int rc = mc_job_load_with(path, sets, nsets, job, &e);
  if (rc != MC_EINPUT || strncmp(e.msg, want, strlen(want)))
    fprintf(stderr, "expected '%s...', got rc %d: %s\n", want, rc, e.msg);
  assert_int_equal(rc, MC_EINPUT);
  assert_int_equal(strncmp(e.msg, want, strlen(want)), 0);
  va_list ap;
  va_start(ap, head);
  for (const char *w; (w = va_arg(ap, const char *));) {
    if (!strstr(e.msg, w))
      fprintf(stderr, "message lacks '%s': %s\n", w, e.msg);
    assert_non_null(strstr(e.msg, w));
  }
  va_end(ap);
  drop(job);
}

/* The resolved YAML stands alone and loads back to the same spec. */
static void resolved_reloads(const mc_job *a) {
  assert_null(strstr(a->resolved_yaml, "extends"));
  mc_job *b = calloc(1, sizeof *b);
  mc_err e = {0};
  int rc = mc_job_load_string(a->resolved_yaml, "resolved", b, &e);
  if (rc)
    fprintf(stderr, "resolved YAML refused: %s\n%s", e.msg, a->resolved_yaml);
  assert_int_equal(rc, MC_OK);
  assert_true(mc_spec_digest(&a->spec) == mc_spec_digest(&b->spec));
  assert_string_equal(a->resolved_yaml, b->resolved_yaml);
  drop(b);
}

#define CHAIN_A                                                                                    \
  "scenario: a\n"                                                                                  \
  "time: {base_year: 2025, horizon_year: 2040}\n"                                                  \
  "sampling: {samples: 1000, seed: 5}\n" REQUIRED_DOTTED "correlations:\n"                         \
  "  - [training.compute, inference.compute, 0.5]\n"                                               \
  "outputs: {percentiles: [5, 50, 95]}\n"                                                          \
  "sensitivity: {targets: [training_compute@2040]}\n"

/* a <- b <- c: mappings merge key by key, the extending file wins, lists
 * are replaced, a parameter merges whether nested or dotted. */
static void test_extends_chain(void **state) {
  make_dir();
  put_file("a.yaml", CHAIN_A);
  put_file("b.yaml", "extends: a.yaml\n"
                     "scenario: b\n"
                     "parameters:\n"
                     "  training:\n"
                     "    growth: 2.2 to 3\n"
                     "correlations:\n"
                     "  - [training.utilization, inference.utilization, 0.3]\n");
  put_file("c.yaml", "scenario: c\n"
                     "extends: b.yaml\n"
                     "sampling: {samples: 5000}\n"
                     "parameters:\n"
                     "  training.growth: 2.5 to 3\n"
                     "  datacenter.pue: 1.2\n");
  mc_job *job = load_file_ok("c.yaml", NULL, 0);
  const mc_spec *s = &job->spec;
  assert_string_equal(s->scenario, "c");
  assert_int_equal(s->base_year, 2025);
  assert_int_equal(s->horizon_year, 2040);
  assert_true(s->samples == 5000 && s->seed == 5); /* sampling merged key by key */
  assert_int_equal(s->npct, 3);
  assert_true(fabs(mc_dist_quantile(&s->dist[MC_P_GT], 0.05) / 2.5 - 1) < 1e-9);
  assert_string_equal(job->param[MC_P_GT].written, "2.5 to 3");
  assert_int_equal(job->param[MC_P_GT].line, 5);
  assert_true(mc_dist_quantile(&s->dist[MC_P_P0], 0.5) == 1.2);
  assert_true(fabs(mc_dist_quantile(&s->dist[MC_P_T0], 0.05) / 2e28 - 1) < 1e-9); /* from a */
  assert_int_equal(s->ncorr, 1);                                                  /* b's list */
  assert_int_equal(s->corr[0].a, MC_P_UT);
  assert_int_equal(s->nsens, 1);
  resolved_reloads(job);
  drop(job);
  /* b alone: its nested training.growth over a's dotted one */
  job = load_file_ok("b.yaml", NULL, 0);
  assert_true(fabs(mc_dist_quantile(&job->spec.dist[MC_P_GT], 0.95) / 3 - 1) < 1e-9);
  assert_true(job->spec.samples == 1000);
  drop(job);
  remove_dir((const char *[]){"a.yaml", "b.yaml", "c.yaml"}, 3);
}

/* A refusal names the file, line and column the offending value came from. */
static void test_extends_positions(void **state) {
  make_dir();
  put_file("a.yaml", CHAIN_A);
  put_file("b.yaml", "extends: a.yaml\n"
                     "time: {horizon_year: 2035}\n");
  put_file("c.yaml", "extends: a.yaml\n"
                     "parameters:\n"
                     "  training: {growth: 3 to 2}\n");
  put_file("d.yaml", "scenario: d\n"
                     "extends: nowhere/e.yaml\n");
  put_file("e.yaml", "extends: a.yaml\n"
                     "parameters: {training.growht: 3}\n");
  put_file("f.yaml", "extends: a.yaml\n"
                     "extends: b.yaml\n");
  refuse_file("b.yaml", NULL, 0, "@/a.yaml:16:25: ", "sensitivity.targets",
              "'2040' is not a grid year", NULL);
  refuse_file("c.yaml", NULL, 0, "@/c.yaml:3:22: ", "training.growth", "A < B", NULL);
  refuse_file("d.yaml", NULL, 0, "@/d.yaml:2:10: ", "extends: cannot open 'nowhere/e.yaml'",
              "No such file", NULL);
  refuse_file("e.yaml", NULL, 0, "@/e.yaml:2:14: ", "unknown key 'training.growht'",
              "did you mean 'training.growth'?", NULL);
  refuse_file("f.yaml", NULL, 0, "@/f.yaml:2:1: ", "duplicate key 'extends'", "first at line 1",
              NULL);
  remove_dir((const char *[]){"a.yaml", "b.yaml", "c.yaml", "d.yaml", "e.yaml", "f.yaml"}, 6);
}

/* a -> b -> c -> a: refused where the cycle closes, with the chain. */
static void test_extends_cycle(void **state) {
  make_dir();
  put_file("a.yaml", "extends: b.yaml\nscenario: a\n");
  put_file("b.yaml", "scenario: b\nextends: c.yaml\n");
  put_file("c.yaml", "extends: ./a.yaml\n");
  char chain[2048];
  snprintf(chain, sizeof chain, "a cycle, %s/a.yaml -> %s/b.yaml -> %s/c.yaml -> %s/./a.yaml", dir,
           dir, dir, dir);
  refuse_file("a.yaml", NULL, 0, "@/c.yaml:1:10: ", chain, NULL);
  remove_dir((const char *[]){"a.yaml", "b.yaml", "c.yaml"}, 3);
}

/* --set: a parameter (over its nested form), a time value, a distribution
 * as flow text, one regime of a per-regime parameter; and refusals naming
 * the argument. */
static void test_set(void **state) {
  make_dir();
  put_file("a.yaml", "scenario: a\n" REQUIRED_DOTTED "  training:\n    growth_longrun: 1.5 to 2\n"
                     "sensitivity: {targets: [training_compute@2040]}\n");
  put_file("r.yaml", "extends: a.yaml\n"
                     "regimes: {boom: 0.75, slump: 0.25}\n"
                     "parameters:\n"
                     "  training.growth: {boom: 2 to 3.5, slump: 1.1 to 1.5}\n");
  const char *sets[] = {"parameters.training.growth_longrun=1.2 to 1.5", "time.horizon_year=2050",
                        "parameters.hardware.power_factor={dist: uniform, min: 0.5, max: 1}",
                        "sampling.samples=1e4"};
  mc_job *job = load_file_ok("a.yaml", sets, 4);
  const mc_spec *s = &job->spec;
  assert_true(fabs(mc_dist_quantile(&s->dist[MC_P_GT_INF], 0.95) / 1.5 - 1) < 1e-9);
  assert_int_equal(s->horizon_year, 2050);
  assert_string_equal(s->dist[MC_P_F].type->name, "uniform");
  assert_true(s->samples == 10000);
  assert_non_null(strstr(job->resolved_yaml, "horizon_year: 2050"));
  resolved_reloads(job);
  drop(job);
  /* the later --set of a key wins */
  job = load_file_ok("a.yaml", (const char *[]){"sampling.seed=7", "sampling.seed=8"}, 2);
  assert_true(job->spec.seed == 8);
  drop(job);
  /* one regime, after extends */
  job = load_file_ok("r.yaml", (const char *[]){"parameters.training.growth.slump=0.9 to 1.2"}, 1);
  s = &job->spec;
  assert_int_equal(s->nregime, 2);
  const mc_dist *slump = mc_spec_regime_dist(s, MC_P_GT, 1),
                *boom = mc_spec_regime_dist(s, MC_P_GT, 0);
  assert_true(fabs(mc_dist_quantile(slump, 0.05) / 0.9 - 1) < 1e-9);
  assert_true(fabs(mc_dist_quantile(boom, 0.05) / 2 - 1) < 1e-9);
  resolved_reloads(job);
  drop(job);
  refuse_file("a.yaml", (const char *[]){"sampling.sample=10"}, 1,
              "--set sampling.sample=10 (column 10): ", "unknown key 'sample' in sampling",
              "did you mean 'samples'?", NULL);
  refuse_file("a.yaml", (const char *[]){"parameters.training.growht=3"}, 1,
              "--set parameters.training.growht=3 (column 12): ", "unknown key 'training.growht'",
              NULL);
  refuse_file("a.yaml", (const char *[]){"sampling.samples=many"}, 1,
              "--set sampling.samples=many (column 18): ", "expected a number", NULL);
  refuse_file("a.yaml", (const char *[]){"unknwn=1"}, 1,
              "--set unknwn=1 (column 1): ", "unknown key 'unknwn' in the job", NULL);
  refuse_file("a.yaml", (const char *[]){"time.horizon_year"}, 1,
              "--set time.horizon_year (column 1): ", "expected KEY=VALUE", NULL);
  refuse_file("a.yaml", (const char *[]){"time..horizon_year=2050"}, 1,
              "--set time..horizon_year=2050 (column 6): ", "not a key", NULL);
  refuse_file("a.yaml", (const char *[]){"extends=b.yaml"}, 1,
              "--set extends=b.yaml (column 1): ", "cannot be set", NULL);
  /* a value from the file refused because of a --set names the file */
  refuse_file("a.yaml", (const char *[]){"time.horizon_year=2035"}, 1,
              "@/a.yaml:13:25: ", "'2040' is not a grid year", NULL);
  remove_dir((const char *[]){"a.yaml", "r.yaml"}, 2);
}

/* ---------------------------------------------- regimes and observations */

#define REGIMES_JOB                                                                                \
  "scenario: r\n"                                                                                  \
  "regimes:\n"                                                                                     \
  "  boom: 0.6\n"                                                                                  \
  "  slump: 0.3\n"                                                                                 \
  "  stall: 0.1\n" REQUIRED_DOTTED "  inference.growth:\n"                                         \
  "    slump: 1.5 to 3\n"                                                                          \
  "    boom: {dist: uniform, min: 3, max: 6}\n"                                                    \
  "    stall: 1.1\n"                                                                               \
  "  datacenter.pue: {boom: 1.1, slump: 1.2, stall: {dist: pert, min: 1.1, mode: 1.2, max: "       \
  "1.5}}\n"                                                                                        \
  "observations:\n"                                                                                \
  "  - {series: total_energy, year: 2030, value: 60, source: \"a report, 2031\"}\n"                \
  "  - {series: training_compute, year: 2025, value: 5e28, source: 'b'}\n"

static void test_regimes_observations(void **state) {
  /* inference.growth given twice: the text above overrides REQUIRED_DOTTED's */
  const char *text = REGIMES_JOB;
  mc_job *job = calloc(1, sizeof *job);
  mc_err e = {0};
  assert_int_equal(mc_job_load_string(text, "t.yaml", job, &e), MC_EINPUT);
  assert_non_null(strstr(e.msg, "duplicate key 'inference.growth'"));
  drop(job);
  char fixed[4096];
  snprintf(fixed, sizeof fixed, "%s", text);
  char *dup = strstr(fixed, "  inference.growth: 2.5 to 5\n");
  memmove(dup, dup + 29, strlen(dup + 29) + 1);
  job = load_ok(fixed);
  const mc_spec *s = &job->spec;
  assert_int_equal(s->nregime, 3);
  assert_string_equal(s->regime_name[1], "slump");
  assert_true(s->regime_weight[2] == 0.1);
  assert_int_equal(s->per_regime[MC_P_GI], 1);
  assert_int_equal(s->per_regime[MC_P_P0], 1);
  assert_int_equal(s->per_regime[MC_P_GT], 0);
  assert_int_equal(s->nsplit, 6);
  assert_string_equal(mc_spec_regime_dist(s, MC_P_GI, 0)->type->name, "uniform"); /* boom */
  assert_true(mc_dist_quantile(mc_spec_regime_dist(s, MC_P_GI, 2), 0.3) == 1.1);  /* stall */
  assert_string_equal(mc_spec_regime_dist(s, MC_P_P0, 2)->type->name, "pert");
  assert_true(mc_spec_regime_dist(s, MC_P_GT, 1) == &s->dist[MC_P_GT]);
  assert_int_equal(s->nobs, 2);
  assert_int_equal(s->obs[0].series, MC_S_TOTAL_ENERGY);
  assert_int_equal(s->obs[0].year, 5);
  assert_true(s->obs[1].value == 5e28);
  assert_string_equal(s->obs[0].source, "a report, 2031");
  assert_non_null(strstr(job->resolved_yaml, "regimes: {boom: 0.6, slump: 0.3, stall: 0.1}"));
  assert_non_null(strstr(job->resolved_yaml, "observations:\n  - {series: total_energy"));
  resolved_reloads(job);
  /* regimes and observations are part of the digest */
  char less[4096];
  snprintf(less, sizeof less, "%s", fixed);
  *strstr(less, "observations:") = '\0';
  mc_job *b = load_ok(less);
  assert_true(mc_spec_digest(&b->spec) != mc_spec_digest(&job->spec));
  drop(b);
  drop(job);
  /* a weight sum within 1e-9 of 1 is accepted */
  job = load_ok("regimes: {a: 0.3333333333, b: 0.3333333333, c: 0.3333333334}\n" REQUIRED_DOTTED);
  assert_int_equal(job->spec.nregime, 3);
  drop(job);
  /* refusals with file, line and column */
  refuse("regimes: {a: 0.5, b: 0.4999}\n" REQUIRED_DOTTED, 1, 1, "weights sum to 0.9999", NULL);
  refuse("regimes: {a: 0.5, b: 0.5}\n" REQUIRED_DOTTED "  datacenter.pue: {a: 1.1, c: 1.2}\n", 11,
         28, "'c' is not a regime", "(a, b, at line 1)", NULL);
  refuse("regimes: {a: 0.5, b: 0.5}\n" REQUIRED_DOTTED "  datacenter.pue: {a: 1.1}\n", 11, 19,
         "no value for regime 'b'", NULL);
  refuse(REQUIRED_DOTTED "  datacenter.pue: {a: 1.1}\n", 10, 19, "no dist: key", NULL);
  refuse(REQUIRED_DOTTED "observations:\n  - {series: total_energy, year: 2024, value: 1, "
                         "source: x}\n",
         11, 34, "2024 is not a year of the grid", NULL);
  refuse(REQUIRED_DOTTED "observations:\n  - {series: capex, year: 2030, value: 1, source: x}\n",
         11, 14, "unknown series 'capex' of model demand", NULL);
  refuse(REQUIRED_DOTTED "observations:\n  - {series: power, year: 2030, value: -.inf, source: "
                         "x}\n",
         11, 40, "not a finite number", NULL);
  refuse(REQUIRED_DOTTED "observations:\n  - {series: power, year: 2030, value: 1, source: x, "
                         "unit: GW}\n",
         11, 54, "unknown key 'unit' in observations", NULL);
}

/* Issue 17 item 9: names that would misbehave are refused, allowed values
 * accepted. */
static void test_names_and_limits(void **state) {
  refuse("scenario: ''\n" REQUIRED_DOTTED, 1, 11, "empty", "'.h5'", NULL);
  refuse("scenario: \"ab\\0cd\"\n" REQUIRED_DOTTED, 1, 11, "NUL character", "\"ab\"", NULL);
  refuse(REQUIRED_DOTTED "  \"training.growth\\0x\": 3\n", 10, 3, "NUL character", NULL);
  char deep[1024];
  int n = 80;
  snprintf(deep, sizeof deep, "%s", REQUIRED_DOTTED "outputs: {percentiles: ");
  size_t len = strlen(deep);
  for (int i = 0; i < n; i++)
    deep[len++] = '[';
  for (int i = 0; i < n; i++)
    deep[len++] = ']';
  strcpy(deep + len, "}\n");
  refuse(deep, 10, 24 + 62, "nested more than 64 levels", NULL);
  /* beta on (0, 1]: 0 has probability 0 and the sampler cannot return it */
  mc_job *job =
      load_ok(REQUIRED_DOTTED "  hardware.power_factor: {dist: beta, alpha: 2, beta: 3}\n"
                              "  datacenter.pue_trend: {dist: uniform, min: 0, max: 1}\n");
  assert_string_equal(job->spec.dist[MC_P_F].type->name, "beta");
  drop(job);
  /* a rank correlation of 1 (and -1) */
  job = load_ok(REQUIRED_DOTTED "correlations:\n  - [training.growth, inference.growth, 1]\n"
                                "  - [training.compute, inference.compute, -1]\n");
  assert_int_equal(job->spec.ncorr, 2);
  assert_true(job->spec.corr[0].rho == 1);
  drop(job);
  refuse(REQUIRED_DOTTED "correlations:\n  - [training.growth, inference.growth, 1]\n"
                         "  - [training.growth, hardware.efficiency, 0.5]\n",
         10, 1, "move together", "hardware.efficiency", NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_nested_equals_dotted), cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_range_and_forms),      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_full_fixture),         cmocka_unit_test(test_refusals),
      cmocka_unit_test(test_extends_chain),        cmocka_unit_test(test_extends_positions),
      cmocka_unit_test(test_extends_cycle),        cmocka_unit_test(test_set),
      cmocka_unit_test(test_regimes_observations), cmocka_unit_test(test_names_and_limits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
