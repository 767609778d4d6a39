#include "mc_sample.h"

#include <Random123/philox.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

#include "mc_engine.h"

uint64_t mc_rng_stream(const char *name) {
  uint64_t h = 14695981039346656037ULL;
  for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
    h ^= *p;
    h *= 1099511628211ULL;
  }
  return h;
}

static inline double to_unit(uint64_t x) { return ((double)(x >> 11) + 0.5) * 0x1.0p-53; }

double mc_rng_uniform(uint64_t seed, uint64_t stream, uint64_t index) {
  philox4x64_key_t k = {{seed, stream}};
  philox4x64_ctr_t c = {{index >> 2, 0, 0, 0}};
  philox4x64_ctr_t r = philox4x64(c, k);
  return to_unit(r.v[index & 3]);
}

void mc_rng_uniforms(uint64_t seed, uint64_t stream, uint64_t first, int n, double *u) {
  philox4x64_key_t k = {{seed, stream}};
  int i = 0;
  while (i < n) {
    uint64_t idx = first + (uint64_t)i;
    philox4x64_ctr_t c = {{idx >> 2, 0, 0, 0}};
    philox4x64_ctr_t r = philox4x64(c, k);
    for (unsigned lane = (unsigned)(idx & 3); lane < 4 && i < n; lane++, i++)
      u[i] = to_unit(r.v[lane]);
  }
}

int mc_sampler_init(mc_sampler *s, const mc_spec *spec, mc_err *e) {
  memset(s, 0, sizeof *s);
  s->spec = spec;
  for (int p = 0; p < MC_NPARAM; p++)
    s->stream[p] = mc_rng_stream(mc_params[p].key);
  if (spec->ncorr == 0)
    return MC_OK;
  int slot[MC_NPARAM];
  for (int p = 0; p < MC_NPARAM; p++)
    slot[p] = -1;
  for (int c = 0; c < spec->ncorr; c++) {
    int ab[2] = {spec->corr[c].a, spec->corr[c].b};
    for (int j = 0; j < 2; j++)
      if (slot[ab[j]] < 0) {
        slot[ab[j]] = s->ncorr_par;
        s->corr_par[s->ncorr_par++] = ab[j];
      }
  }
  int d = s->ncorr_par;
  double rho[MC_COPULA_MAXDIM * MC_COPULA_MAXDIM];
  const char *names[MC_COPULA_MAXDIM];
  for (int i = 0; i < d; i++) {
    names[i] = mc_params[s->corr_par[i]].key;
    for (int j = 0; j < d; j++)
      rho[i * d + j] = i == j ? 1.0 : 0.0;
  }
  for (int c = 0; c < spec->ncorr; c++) {
    int i = slot[spec->corr[c].a], j = slot[spec->corr[c].b];
    rho[i * d + j] = rho[j * d + i] = spec->corr[c].rho;
  }
  return mc_copula_init(d, rho, names, &s->copula, e);
}

void mc_sampler_block(const mc_sampler *s, uint64_t first, int n, double *const *out,
                      double *scratch) {
  const mc_spec *spec = s->spec;
  int in_copula[MC_NPARAM] = {0};
  for (int j = 0; j < s->ncorr_par; j++)
    in_copula[s->corr_par[j]] = 1;
  for (int p = 0; p < MC_NPARAM; p++) {
    if (!spec->configured[p])
      continue;
    if (mc_dist_is_constant(&spec->dist[p]) && !in_copula[p]) {
      double v = mc_dist_quantile(&spec->dist[p], 0.5);
      for (int i = 0; i < n; i++)
        out[p][i] = v;
      continue;
    }
    mc_rng_uniforms(spec->seed, s->stream[p], first, n, out[p]);
  }
  if (s->ncorr_par > 0) {
    /* Correlated parameters: uniforms -> normal scores -> L z -> uniforms. */
    double *z[MC_COPULA_MAXDIM];
    for (int j = 0; j < s->ncorr_par; j++) {
      z[j] = scratch + (size_t)j * n;
      const double *u = out[s->corr_par[j]];
      for (int i = 0; i < n; i++)
        z[j][i] = gsl_cdf_ugaussian_Pinv(u[i]);
    }
    mc_copula_apply(&s->copula, z, n);
    for (int j = 0; j < s->ncorr_par; j++) {
      double *u = out[s->corr_par[j]];
      for (int i = 0; i < n; i++) {
        double v = z[j][i] < 0 ? gsl_cdf_ugaussian_P(z[j][i]) : 1.0 - gsl_cdf_ugaussian_Q(z[j][i]);
        /* keep u strictly inside (0, 1) */
        u[i] = fmin(fmax(v, 0x1.0p-60), 1.0 - 0x1.0p-53);
      }
    }
  }
  for (int p = 0; p < MC_NPARAM; p++) {
    if (spec->configured[p]) {
      const mc_dist *d = &spec->dist[p];
      if (mc_dist_is_constant(d) && !in_copula[p])
        continue;
      double *x = out[p];
      for (int i = 0; i < n; i++)
        x[i] = mc_dist_quantile(d, x[i]);
    }
  }
  for (int p = 0; p < MC_NPARAM; p++) {
    if (spec->configured[p])
      continue;
    const mc_param_info *pi = &mc_params[p];
    if (pi->dflt_kind == MC_DEF_FOLLOWS) {
      memcpy(out[p], out[pi->follows], (size_t)n * sizeof(double));
    } else {
      double v = pi->dflt_kind == MC_DEF_ABSENT ? NAN : pi->dflt;
      for (int i = 0; i < n; i++)
        out[p][i] = v;
    }
  }
}
