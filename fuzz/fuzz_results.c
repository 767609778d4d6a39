/* libFuzzer target: the results-file reader (mc_h5_read in io/mc_h5_read.c), fed
 * each input as a file, then what `report`, `merge` and `run --resume` do
 * with an accepted state: the derived statistics and writing it again.
 *
 * Properties checked beyond "no crash, no sanitizer report": a refusal is
 * MC_EINPUT (or MC_EFAIL for "out of memory") with a message naming the file;
 * an accepted state can be written back. */
#include <gsl/gsl_errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mc_engine.h"
#include "mc_h5.h"
#include "mc_job.h"

static char in_path[256], out_path[256];
double fuzz_results_sink; /* keeps the derived statistics computed */

static void fail(const char *what, const char *msg) {
  fprintf(stderr, "fuzz_results: %s: %s\n", what, msg);
  abort();
}

static void cleanup_files(void) {
  unlink(in_path);
  unlink(out_path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  gsl_set_error_handler_off(); /* as crossover does (mc/cli.c) */
  const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  snprintf(in_path, sizeof in_path, "%s/crossover-fuzz-%ld.h5", dir, (long)getpid());
  snprintf(out_path, sizeof out_path, "%s/crossover-fuzz-%ld.out.h5", dir, (long)getpid());
  atexit(cleanup_files);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!in_path[0])
    LLVMFuzzerInitialize(NULL, NULL);
  FILE *f = fopen(in_path, "wb");
  if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
    fail("cannot write the input file", in_path);
  mc_job job;
  mc_stats *st = NULL;
  mc_h5_meta meta;
  mc_err e = {0};
  int rc = mc_h5_read(in_path, &job, &st, &meta, &e);
  if (rc != MC_OK) {
    if (!(rc == MC_EINPUT || (rc == MC_EFAIL && strstr(e.msg, "out of memory"))))
      fail("a refusal that is not MC_EINPUT", e.msg);
    if (!strstr(e.msg, in_path))
      fail("a refusal that does not name the file", e.msg);
    if (st)
      fail("a refusal that returns a state", e.msg);
    return 0;
  }
  /* What report prints. */
  double sink = 0;
  uint64_t n = mc_stats_done_samples(st);
  static const double ps[] = {0, 5, 50, 95, 100};
  for (int s = 0; s < st->nser; s++) {
    if (!mc_spec_has_series(&job.spec, s))
      continue;
    for (int y = 0; y < st->ny; y++) {
      for (size_t q = 0; q < sizeof ps / sizeof ps[0]; q++)
        sink += mc_stats_series_percentile(st, s, y, ps[q]);
      sink += mc_stats_series_mean(st, s, y) + mc_stats_series_std(st, s, y);
    }
  }
  for (int p = 0; p < st->npar; p++)
    for (size_t q = 0; q < sizeof ps / sizeof ps[0]; q++)
      sink += mc_stats_param_percentile(st, p, ps[q]);
  for (int c = 0; c < st->ncross; c++)
    for (size_t q = 0; q < sizeof ps / sizeof ps[0]; q++)
      sink += mc_stats_time_quantile(st, c, ps[q]);
  fuzz_results_sink = sink + (double)n;
  /* What merge and resume write. */
  meta.append = 0;
  mc_err e2 = {0};
  if (mc_h5_write(out_path, &job, st, &meta, &e2) != MC_OK)
    fail("an accepted state cannot be written back", e2.msg);
  mc_stats_free(st);
  mc_job_free(&job);
  return 0;
}
