/* Model `capacity`: capital, chip supply and power additions build a stock of
 * hardware, which is split between training and inference (docs/model.md,
 * "Model `capacity`": parameters, equations, output series, crossing times).
 *
 * This file holds the model's tables (parameters, output series, binding
 * constraints) and its pure projection kernel: arrays in, arrays out, no
 * allocation, I/O or MPI. The kernel works on a block of n samples in
 * structure-of-arrays form, like the `demand` kernel of mc_model.h. */
#ifndef MC_CAPACITY_H
#define MC_CAPACITY_H

#include <stdint.h>

#include "mc_model.h" /* MC_SECONDS_PER_YEAR */
#include "mc_spec.h"  /* mc_param_info, mc_series_info, enum mc_param_default */

/* The parameters of one sample, in the order of docs/model.md's table; each
 * name is its key in capitals with '.' as '_'. */
enum mc_cap_param {
  MC_CP_CAPEX_BASE,                        /* C0 */
  MC_CP_CAPEX_GROWTH,                      /* gC */
  MC_CP_CAPEX_GROWTH_LONGRUN,              /* gC_inf */
  MC_CP_CAPEX_GROWTH_HALFLIFE,             /* hC */
  MC_CP_CAPEX_MAX_GDP_SHARE,               /* s */
  MC_CP_ECONOMY_GDP,                       /* G0 */
  MC_CP_ECONOMY_GDP_GROWTH,                /* gG */
  MC_CP_ECONOMY_ELECTRICITY,               /* V0 */
  MC_CP_ECONOMY_ELECTRICITY_GROWTH,        /* gV */
  MC_CP_HARDWARE_STOCK,                    /* S0 */
  MC_CP_HARDWARE_STOCK_EFFICIENCY,         /* Eb */
  MC_CP_HARDWARE_EFFICIENCY,               /* E0 */
  MC_CP_HARDWARE_EFFICIENCY_GROWTH,        /* gE */
  MC_CP_HARDWARE_PRICE_PERFORMANCE,        /* Q0 */
  MC_CP_HARDWARE_PRICE_PERFORMANCE_GROWTH, /* gQ */
  MC_CP_HARDWARE_LIFETIME,                 /* L */
  MC_CP_SUPPLY_CHIPS,                      /* K0 */
  MC_CP_SUPPLY_CHIPS_GROWTH,               /* gK */
  MC_CP_SUPPLY_CHIPS_GROWTH_LONGRUN,       /* gK_inf */
  MC_CP_SUPPLY_CHIPS_GROWTH_HALFLIFE,      /* hK */
  MC_CP_POWER_ADDITIONS,                   /* M0 */
  MC_CP_POWER_ADDITIONS_GROWTH,            /* gM */
  MC_CP_POWER_ADDITIONS_MAX,               /* Mx */
  MC_CP_DATACENTER_PUE,                    /* P0 */
  MC_CP_DATACENTER_PUE_TREND,              /* dP */
  MC_CP_INFERENCE_SHARE,                   /* s0 */
  MC_CP_INFERENCE_SHARE_MAX,               /* sx */
  MC_CP_INFERENCE_SHARE_RATE,              /* k */
  MC_CP_TRAINING_UTILIZATION,              /* uT */
  MC_CP_INFERENCE_UTILIZATION,             /* uI0 */
  MC_CP_INFERENCE_UTILIZATION_GROWTH,      /* gu */
  MC_CP_HARDWARE_POWER_FACTOR,             /* f */
  MC_CP_TRAINING_POWER_FACTOR,             /* fT */
  MC_CP_INFERENCE_POWER_FACTOR,            /* fI */
  MC_CP_ENERGY_PRICE,                      /* pe0 */
  MC_CP_ENERGY_PRICE_TREND,                /* gp */
  MC_CAP_NPARAM
};

/* The output series, in the order of docs/model.md's table. */
enum mc_cap_series {
  MC_CS_TRAINING_COMPUTE,
  MC_CS_INFERENCE_COMPUTE,
  MC_CS_TOTAL_COMPUTE,
  MC_CS_INFERENCE_SHARE,
  MC_CS_TRAINING_HARDWARE,
  MC_CS_INFERENCE_HARDWARE,
  MC_CS_HARDWARE_STOCK,
  MC_CS_HARDWARE_ADDED,
  MC_CS_TRAINING_ENERGY,
  MC_CS_INFERENCE_ENERGY,
  MC_CS_TOTAL_ENERGY,
  MC_CS_POWER,
  MC_CS_POWER_CAPACITY,
  MC_CS_ELECTRICITY_SHARE,
  MC_CS_CAPEX,
  MC_CS_CAPEX_GDP_SHARE,
  MC_CS_HARDWARE_COST,
  MC_CS_ENERGY_COST,
  MC_CS_TRAINING_SPEND,
  MC_CS_INFERENCE_SPEND,
  MC_CAP_NSERIES
};

/* The constraint that sets a year's additions (docs/model.md: `demand` when
 * capex demand is met, `capex` when the GDP-share ceiling caps it, else
 * `chips` or `power`). MC_BIND_NONE marks the base year, which adds nothing. */
enum mc_cap_binding { MC_BIND_DEMAND, MC_BIND_CAPEX, MC_BIND_CHIPS, MC_BIND_POWER, MC_NBIND };
#define MC_BIND_NONE 0xFF

extern const char *const mc_cap_binding_names[MC_NBIND]; /* "demand", "capex", ... */

/* The parameter table (key, symbol, unit, meaning, validity, default), indexed
 * by enum mc_cap_param, and the series table (name, unit, meaning), indexed
 * by enum mc_cap_series; the same record types as model `demand`'s. */
extern const mc_param_info mc_cap_param_table[MC_CAP_NPARAM];
extern const mc_series_info mc_cap_series_table[MC_CAP_NSERIES];

/* Energy of 1 GW drawn for a year (8 766 h), in TWh. */
#define MC_TWH_PER_GW_YEAR 8.766

/* The scratch of mc_capacity_grid for ny grid years: MC_CAPACITY_WORK_DOUBLES(ny)
 * doubles in all, whatever the number of samples and the stride. The kernel
 * takes the samples in chunks of MC_CAP_CHUNK, each through all the years,
 * with rows of MC_CAP_WORK_PITCH doubles: a pitch that is not a multiple of
 * 4 kB, so that the rows do not all fall in the same sets of the first-level
 * cache. The chunk's parameters are copied into such rows too (the engine's
 * input rows lie MC_BLOCK doubles, a multiple of 4 kB, apart). */
#define MC_CAP_CHUNK      128
#define MC_CAP_WORK_PITCH (MC_CAP_CHUNK + 8)
#define MC_CAP_WORK_STATE 36
#define MC_CAPACITY_WORK_DOUBLES(ny)                                                               \
  ((3 * (size_t)(ny) + MC_CAP_WORK_STATE + MC_CAP_NPARAM) * MC_CAP_WORK_PITCH)

/* Every series of model `capacity` at the grid years y = 0 .. ny-1 (ny >= 1)
 * for the samples i = 0 .. n-1 (n <= stride).
 *
 * in[p][i]: parameter p (enum mc_cap_param) of sample i, every default
 * already filled in by the caller (a "follows" default is a copy of the
 * followed parameter; an infinite one is +inf: capex.growth_halflife = +inf
 * means no slowdown, power.additions_max = +inf no ceiling). Values are
 * assumed valid (docs/model.md "Validity"); nothing is checked here.
 *
 * Out: grid[(s * ny + y) * stride + i] for every series s (enum
 * mc_cap_series); binding[y * bstride + i] = the binding constraint (enum
 * mc_cap_binding) of year y >= 1, and MC_BIND_NONE for y = 0. work: scratch
 * of MC_CAPACITY_WORK_DOUBLES(ny) doubles, owned by the caller; nothing is
 * allocated. The arrays must not overlap. grid is only written: the
 * kernel keeps what it reads back (each vintage's additions and capex, and
 * the year's stock, capex and hardware cost) in work rows.
 *
 * Vectorized over samples: years in the outer loop, branch-free loops over
 * the samples inside; the same bits whichever clone runs (AVX-512, AVX2,
 * baseline x86-64). The arithmetic departs from the equations as written
 * only in ways that move results by a few ulps per year (see mc_capacity.c,
 * "Arithmetic"). */
void mc_capacity_grid(int ny, const double *const *in, int n, double *grid, int stride,
                      uint8_t *binding, int bstride, double *work);

/* One crossover of model `capacity` for n samples. lhs and rhs point at the
 * two series' base-year rows of a grid from mc_capacity_grid (row y is
 * lhs + y * stride).
 *
 * year[i]: index of the first grid year with lhs >= rhs, -1 when none (a NaN
 * value compares false: no crossing that year). tau[i]: the crossing time in
 * years since the base year on the log-linear interpolation of the grid
 * values (docs/model.md "Output series"): 0 when year[i] = 0, +inf when
 * year[i] = -1, else with d(y) = ln lhs(y) - ln rhs(y),
 * tau = (y - 1) + d(y-1) / (d(y-1) - d(y)), clamped to [y - 1, y]. Where that
 * fraction is undefined (a zero or infinite value gives ln = -inf or +inf, a
 * negative or NaN value ln = NaN: -inf / -inf, inf / inf or NaN) tau is the
 * crossover year y itself; a value of 0 just before the crossing gives y, an
 * infinite lhs at y gives y - 1. Logs are mc_log (mc_vmath.h). */
void mc_capacity_crossover(int ny, int n, const double *lhs, const double *rhs, int stride,
                           int *year, double *tau);

#endif
