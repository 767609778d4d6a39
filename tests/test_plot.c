/* Charts drawn in process from a state the engine computed (mc/plot.h),
 * where a results file cannot yet carry what is drawn:
 * - the binding-constraints chart of model capacity from the engine's exact
 *   counts: written, with a bar of each constraint's colour in every year
 *   in which it binds in some sample, and its key in the legend (SVG, whose
 *   fills name their colours);
 * - no constraints chart, and no other file, when every count is 0;
 * - refusals of an output name plot cannot use (nothing written). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mc_engine.h"
#include "mc_job.h"
#include "plot.h"
#include "plot_int.h"

static char dir[] = "/tmp/test_plot.XXXXXX";

/* The default capacity job at n samples, run on this rank. */
static mc_stats *run_default(mc_job *job, uint64_t n) {
  mc_err e = {0};
  int rc = mc_job_load(MC_SOURCE_DIR "/jobs/epoch-2030.yaml", job, &e);
  if (rc)
    fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, MC_OK);
  job->spec.samples = n;
  mc_stats *st = NULL, *res = NULL;
  assert_int_equal(mc_stats_alloc(&job->spec, &st, &e), MC_OK);
  mc_run_opts o = {0};
  o.part_k = o.part_n = 1;
  rc = mc_engine_run(&job->spec, st, &o, MPI_COMM_WORLD, &res, &e);
  if (rc)
    fprintf(stderr, "%s\n", e.msg);
  assert_int_equal(rc, MC_OK);
  mc_stats_free(st);
  return res;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  buf[n] = '\0';
  fclose(f);
  *len = (size_t)n;
  return buf;
}

/* "rgb(0%,44.705882%,69.803922%)", as cairo writes an SVG fill. */
static void svg_rgb(const int c[3], char *buf, size_t len) {
  char p[3][32];
  for (int i = 0; i < 3; i++) {
    snprintf(p[i], sizeof p[i], "%f", 100.0 * c[i] / 255.0);
    char *end = p[i] + strlen(p[i]) - 1;
    while (*end == '0')
      *end-- = '\0';
    if (*end == '.')
      *end = '\0';
  }
  snprintf(buf, len, "fill:rgb(%s%%,%s%%,%s%%)", p[0], p[1], p[2]);
}

static int files_in(const char *path) {
  DIR *d = opendir(path);
  int n = 0;
  for (struct dirent *de; d && (de = readdir(d));)
    n += de->d_name[0] != '.';
  if (d)
    closedir(d);
  return n;
}

static void test_constraints_chart(void **state) {
  (void)state;
  mc_job job = {0};
  mc_stats *st = run_default(&job, 8 * MC_BLOCK);
  assert_true(st->ncat == 4);
  int years[4] = {0}; /* years in which each constraint binds in some sample */
  for (int k = 0; k < st->ncat; k++)
    for (int y = 0; y < st->ny; y++)
      years[k] += st->cat_counts[(size_t)k * st->ny + y] > 0;
  assert_true(plot_constraint_total(st) > 0);

  char out[256], svg[300];
  snprintf(out, sizeof out, "%s/c.svg", dir);
  mc_err e = {0};
  int sel[1] = {mc_series_find(job.spec.model, "capex")};
  assert_int_equal(mc_plot_results(&job, st, out, sel, 1, &e), MC_OK);
  snprintf(svg, sizeof svg, "%s/c-constraints.svg", dir);
  size_t len;
  char *text = slurp(svg, &len);
  assert_true(len > 5000);
  assert_non_null(strstr(text, "<svg"));
  int bound = 0;
  for (int k = 0; k < st->ncat; k++) {
    int c[3];
    char rgb[160];
    plot_category_rgb(k, c);
    svg_rgb(c, rgb, sizeof rgb);
    int drawn = 0; /* fills of its colour: a bar per year, and the legend's key */
    for (const char *p = text; (p = strstr(p, rgb)); p++)
      drawn++;
    bound += years[k] > 0;
    if (drawn != years[k] + 1)
      fail_msg("constraint %s binds in %d years but its colour %s is filled %d times",
               job.spec.model->cat[k], years[k], rgb, drawn);
  }
  assert_true(bound >= 2); /* the default job is limited by more than one */
  free(text);

  /* every count 0 (a file without them): no constraints chart */
  memset(st->cat_counts, 0, sizeof *st->cat_counts * (size_t)st->ncat * st->ny);
  snprintf(out, sizeof out, "%s/z.svg", dir);
  int before = files_in(dir);
  assert_int_equal(mc_plot_results(&job, st, out, sel, 1, &e), MC_OK);
  snprintf(svg, sizeof svg, "%s/z-constraints.svg", dir);
  assert_int_equal(access(svg, F_OK), -1);
  assert_int_equal(files_in(dir), before + 1 + job.spec.ncross); /* money + crossovers */

  /* an extension plot does not write: refused, nothing written */
  snprintf(out, sizeof out, "%s/bad.jpg", dir);
  before = files_in(dir);
  assert_int_equal(mc_plot_results(&job, st, out, sel, 1, &e), MC_EINPUT);
  assert_non_null(strstr(e.msg, ".png, .pdf or .svg"));
  assert_int_equal(files_in(dir), before);
  mc_stats_free(st);
  mc_job_free(&job);
}

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_constraints_chart),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", dir);
  MPI_Finalize();
  return failed;
}
