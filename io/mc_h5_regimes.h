/* Writers of /regimes and /observations (io/mc_h5_regimes.c), called by
 * mc_h5_write for jobs that have them. */
#ifndef MC_H5_REGIMES_H
#define MC_H5_REGIMES_H

#include "mc_h5_util.h"
#include "mc_state.h"

/* After /crossover is written: /regimes and each crossover's
 * year_counts_by_regime. */
int mc_h5_write_regimes(mc_h5w *w, hid_t f, const mc_spec *spec, const mc_stats *st, mc_err *e);

int mc_h5_write_observations(mc_h5w *w, hid_t f, const mc_spec *spec, const mc_stats *st,
                             mc_err *e);

#endif
