/* Predicts the memory of a job's state: see mc_memory.h. */
#include "mc_memory.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_block.h"
#include "mc_model.h"
#include "mc_sample.h"
#include "mc_state.h"

/* The smallest store a sketch allocates (mc_store_cover). */
#define MIN_COUNTERS 64
/* Octaves of a normal or subnormal double's magnitude (biased exponents). */
#define MAX_OCTAVES 2047

/* Bytes of the state's arrays whose size the job fixes (mc_stats_alloc). */
static size_t fixed_bytes(const mc_stats *st) {
  size_t nsk = (size_t)mc_stats_nsketch(st), nx = (size_t)mc_stats_nxsum(st);
  size_t b = sizeof(mc_stats) + (st->nblocks + 7) / 8 + 1;
  b += nsk * (sizeof(mc_sketch) + sizeof(double)) + (nx + 1) * sizeof(mc_xsum);
  b += ((size_t)st->ncross * st->ny + st->ncross) * sizeof(uint64_t);
  b += (size_t)st->ncross * (size_t)st->ntau * (sizeof(uint64_t) + 1);
  b += (size_t)st->ncat * st->ny * sizeof(uint64_t);
  b += ((size_t)st->nregime + (size_t)st->ncross * st->nregime * st->ny) * sizeof(uint64_t);
  b += (size_t)st->nobs * sizeof(uint64_t);
  return b;
}

/* Counters one store of the job will hold, from its octave range in the
 * pilot (len octaves; 0 when empty): 2^mbits per octave, widened by a margin
 * when the pilot saw only some of the samples, and at most twice the range
 * once grown (mc_store_cover doubles its capacity). */
static double store_counters(int64_t len, int mbits, int exact) {
  if (len <= 0)
    return 0;
  double oct = (double)len;
  if (!exact)
    oct += 2 + 0.25 * oct;
  if (oct > MAX_OCTAVES)
    oct = MAX_OCTAVES;
  double n = oct * (double)((int64_t)1 << mbits);
  return n < MIN_COUNTERS ? MIN_COUNTERS : 2 * n;
}

int mc_memory_predict(const mc_spec *spec, const mc_sampler *given, mc_memory_estimate *out,
                      mc_err *e) {
  int rc = MC_OK;
  memset(out, 0, sizeof *out);
  mc_spec *pilot = malloc(sizeof *pilot);
  mc_stats *st = NULL;
  mc_sampler smp;
  mc_block_work w;
  int have_smp = 0, have_w = 0;
  memset(&w, 0, sizeof w);
  if (!pilot)
    MC_RAISE(e, MC_EFAIL, "out of memory predicting the run's memory");
  /* The same job with one counter per octave (mbits 0). */
  *pilot = *spec;
  pilot->rel_acc = 0.5;
  MC_CHECK(mc_stats_alloc(pilot, &st, e));
  out->mbits = mc_sketch_mbits(spec->rel_acc);
  out->nsketch = mc_stats_nsketch(st);
  out->fixed_bytes = fixed_bytes(st);
  if (given) {
    smp = *given; /* the tables are read only; the copy is not freed */
  } else {
    MC_CHECK(mc_sampler_init(&smp, pilot, e));
    have_smp = 1;
  }
  MC_CHECK(mc_block_work_alloc(&w, pilot, st->ny, SIZE_MAX, e));
  have_w = 1;
  mc_model model;
  mc_model_init(&model, pilot);
  mc_block_env env = {pilot, &smp, &model, NULL, NULL, NULL};
  /* At most MC_MEMORY_PILOT_BLOCKS blocks, fewer on a long grid (about 2^25
   * sketch additions in all), at least one. */
  uint64_t nb = st->nblocks, np = nb < MC_MEMORY_PILOT_BLOCKS ? nb : MC_MEMORY_PILOT_BLOCKS;
  uint64_t per_block = (uint64_t)MC_BLOCK * (uint64_t)(st->nser * st->ny + st->npar);
  uint64_t afford = ((uint64_t)1 << 25) / per_block;
  if (np > afford)
    np = afford > 0 ? afford : 1;
  for (uint64_t i = 0; i < np; i++) {
    uint64_t b = i * nb / np;
    MC_CHECK(mc_block_process(&env, st, &w, b, e));
    uint64_t end = (b + 1) * MC_BLOCK < st->samples ? (b + 1) * MC_BLOCK : st->samples;
    out->pilot_samples += end - b * MC_BLOCK;
  }
  out->exact = np == nb;
  double counters = 0, widest = -1;
  for (int k = 0; k < out->nsketch; k++) {
    const mc_sketch *s = mc_stats_sketch(st, k);
    counters += store_counters(s->pos.len, out->mbits, out->exact) +
                store_counters(s->neg.len, out->mbits, out->exact);
    double oct = (double)(s->pos.len + s->neg.len);
    if (oct > widest) {
      widest = oct;
      int ss = st->nser * st->ny;
      out->widest_series = k < ss ? k / st->ny : -1;
      out->widest_year = k < ss ? k % st->ny : k - ss;
      out->widest_octaves = oct;
    }
  }
  double bytes = counters * MC_SKETCH_BYTES_PER_COUNTER;
  out->sketch_bytes = bytes >= (double)SIZE_MAX ? SIZE_MAX : (size_t)bytes;
  out->peak_bytes = 2 * bytes >= (double)SIZE_MAX ? SIZE_MAX : (size_t)(2 * bytes);
cleanup:
  if (have_w)
    mc_block_work_free(&w);
  if (have_smp)
    mc_sampler_free(&smp);
  mc_stats_free(st);
  free(pilot);
  return rc;
}

int mc_memory_check(const mc_spec *spec, const mc_memory_estimate *m, size_t limit_mb, mc_err *e) {
  if (m->peak_bytes <= (limit_mb << 20))
    return MC_OK;
  const mc_model_type *M = spec->model;
  char widest[2 * MC_NAMELEN + 16];
  if (m->widest_series >= 0)
    snprintf(widest, sizeof widest, "%s in %d", M->series[m->widest_series].name,
             spec->base_year + m->widest_year);
  else
    snprintf(widest, sizeof widest, "parameter %s", M->param[m->widest_year].key);
  MC_RAISE(
      e, MC_EINPUT,
      "the percentile sketches of this job would need about %.0f MiB per rank (rank 0 holds them "
      "twice at the end: its own and the reduced result), over the limit of "
      "%zu MiB (CROSSOVER_MAX_SKETCH_MB): %d sketches (%d series x %d years, and the parameters) "
      "at outputs.relative_accuracy %g keep %.0f counters per octave of their values, and the "
      "widest (%s) spans %.0f octaves (measured on %llu samples). Make "
      "outputs.relative_accuracy coarser (each doubling halves the counters), shorten the grid "
      "(time.horizon_year), or raise CROSSOVER_MAX_SKETCH_MB (environment)",
      (double)m->peak_bytes / 1048576.0, limit_mb, m->nsketch, M->nseries, mc_spec_nyears(spec),
      spec->rel_acc, ldexp(1.0, m->mbits), widest, m->widest_octaves,
      (unsigned long long)m->pilot_samples);
}
