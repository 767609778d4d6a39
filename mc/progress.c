/* Progress lines of `crossover run`: see progress.h. */
#include "progress.h"

#include <math.h>
#include <stdio.h>

static void fmt_duration(double s, char *buf, size_t len) {
  if (!isfinite(s) || s < 0) {
    snprintf(buf, len, "?");
  } else if (s < 120) {
    snprintf(buf, len, "%.0fs", s);
  } else if (s < 7200) {
    snprintf(buf, len, "%.0fm%02.0fs", floor(s / 60), fmod(s, 60));
  } else {
    snprintf(buf, len, "%.0fh%02.0fm", floor(s / 3600), floor(fmod(s, 3600) / 60));
  }
}

static void progress_line(int live, uint64_t done, uint64_t total, double rate, int final) {
  char eta[32];
  fmt_duration(rate > 0 ? (double)(total - done) / rate : NAN, eta, sizeof eta);
  double pct = total ? 100.0 * (double)done / (double)total : 100.0;
  if (live)
    fprintf(stderr, "\r  %12llu / %llu samples  %5.1f%%  %.3g samples/s  ETA %s   %s",
            (unsigned long long)done, (unsigned long long)total, pct, rate, eta, final ? "\n" : "");
  else
    fprintf(stderr, "progress: %llu / %llu samples (%.1f%%), %.3g samples/s, ETA %s\n",
            (unsigned long long)done, (unsigned long long)total, pct, rate, eta);
}

void mc_progress_print(void *ctx, const mc_progress *p) {
  const mc_progress_printer *pr = ctx;
  switch (p->event) {
  case MC_PROGRESS_RUNNING:
  case MC_PROGRESS_FINISHED:
    progress_line(pr->live, p->done, p->total, p->rate, p->event == MC_PROGRESS_FINISHED);
    break;
  case MC_PROGRESS_CHECKPOINT:
    fprintf(stderr, "%scheckpoint written at %llu / %llu samples\n", pr->live ? "\n" : "",
            (unsigned long long)p->done, (unsigned long long)p->total);
    break;
  case MC_PROGRESS_STOP_CHECK:
    fprintf(stderr, "%sstop_when: after %llu samples the largest standard error is %.3g (%s %g)\n",
            pr->live ? "\n" : "", (unsigned long long)p->done, p->se,
            p->se < p->target ? "below the target" : "target", p->target);
    break;
  default:
    break;
  }
  fflush(stderr);
}
