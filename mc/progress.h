/* What `crossover run` prints while the engine runs: the engine's progress
 * reports (mc_run_opts.progress) as lines on stderr. */
#ifndef MC_PROGRESS_H
#define MC_PROGRESS_H

#include "mc_engine.h"

/* live: 1 for one line redrawn in place (a terminal), 0 for plain lines. */
typedef struct mc_progress_printer {
  int live;
} mc_progress_printer;

/* An mc_progress_fn (ctx an mc_progress_printer) writing to stderr. */
void mc_progress_print(void *ctx, const mc_progress *p);

#endif
