/* Model `capacity`: its tables and its projection kernel (docs/model.md,
 * "Model `capacity`: parameters of one sample", "equations", "output series").
 *
 * Arithmetic. The kernel computes the equations in the order docs/model.md
 * gives them, year by year. It departs from them as written in these ways,
 * each moving a result by a few ulps per grid year (the tests hold it to
 * 1e-12 relative over 4 years, and to 1e-10 over 16 years against the
 * independent NumPy implementation bench/reference_capacity.py):
 * - Powers g^t of the annual multipliers (gdp, Q, E, M0 gM^t, dP^t, uI0 gu^t,
 *   pe, V) are carried year by year by one multiplication each: within t/2 ulp
 *   of the power, plus the rounding of the base value's product.
 * - The growth law G(x0, g, g_inf, h; t) is mc_exp(ln x0 + S t + C (1 - q^t))
 *   with q = exp(-k) carried by multiplication, S = ln g_inf, C = (ln g -
 *   ln g_inf) / k on the slowdown branch (finite h, g != g_inf), else S = ln g,
 *   C = 0, as the `demand` kernel does (mc_model.h, enum mc_coef_id). ln x0
 *   is rounded to half an ulp of its size (27 for capex in $, 51 for chips
 *   in FLOP/s), which moves X by up to 8 and 16 ulp; mc_exp and mc_log add
 *   at most 3 ulp each.
 * - exp(-k t) of the inference share is (exp(-k))^t by multiplication.
 * - The vintage sums use A(v) / E(v) as computed for N(v) times w(t - v)
 *   (instead of A(v) w / E(v)), and the hardware cost is (S0 r0(t) / Q0 +
 *   sum X(v) w(t - v)) / L with X(v) = A(v) / Q(v), the capex of year v
 *   (instead of dividing each term by Q L).
 * - The sums over vintages v start at max(1, t - ceil(max L of the chunk)):
 *   the terms left out have w = 0 exactly, so this changes no bit.
 * Everything else (the unit conversions / 1e9 and * 1e9, 8.766, 1e6, Sy) is
 * computed as written.
 *
 * Layout. The samples go through the kernel in chunks of MC_CAP_CHUNK, each
 * through all its years (a sample's results do not depend on the chunk).
 * Per year: the vintage sums (a pass per vintage), the recursion (one loop
 * writing the state and the rows hardware_stock, hardware_added,
 * power_capacity, capex, hardware_cost), then the other series in three
 * passes (emit_year). All loops are over doubles only: a byte store in the
 * recursion loop made GCC 12 take 64 samples per step and spill most of its
 * registers. The grid rows of one sample lie a multiple of the stride
 * apart, 8 kB for the engine's blocks, and so do the engine's parameter
 * rows: every such row falls in the same set of the first-level cache (8
 * ways on current x86 cores), and a loop touching more of them than that
 * evicts its own lines. So the loops read only rows of the work area, whose
 * pitch is not a multiple of 4 kB: the chunk's parameters are copied there
 * first, the values read back (vintages' additions and capex; the year's
 * stock, capex, hardware cost and energy costs) are kept there as well as
 * in the grid, and no loop writes more than six grid rows. Measured with
 * bench/capacity_bench (AMD EPYC Zen 4, AVX-512 clone, 16 grid years,
 * blocks of 1024 with a stride of 1024), alternating: 217 - 223 ns/sample,
 * against 259 - 280 when the loops read the parameters and those values
 * from their strided rows. */
#include "mc_capacity.h"

#include <math.h>
#include <string.h>

#include "mc_vmath.h"

#define INF HUGE_VAL

const char *const mc_cap_binding_names[MC_NBIND] = {"demand", "capex", "chips", "power"};

/* Validity (docs/model.md "Validity"): levels, prices, stocks, ceilings and
 * multipliers > 0; half-lives > 0 (+inf allowed: no slowdown); L >= 1;
 * 0 < s <= 1; 0 < s0 < 1; 0 < sx <= 1; k >= 0; 0 < uT, uI0, f, fT, fI <= 1;
 * P0 >= 1; 0 < dP <= 1. Power.additions_max is a ceiling whose default is
 * +inf, so +inf is valid; L and k must be finite. */
#define POS        0, INF, 1, 1 /* (0, inf) */
#define POS_OR_INF 0, INF, 1, 0 /* (0, inf] */
#define UNIT       0, 1, 1, 0   /* (0, 1] */
#define REQ        MC_DEF_REQUIRED, 0, -1
#define VALUE(v)   MC_DEF_VALUE, (v), -1
#define FOLLOWS(p) MC_DEF_FOLLOWS, 0, (p)
#define INFINITE   MC_DEF_INFINITE, INF, -1

/* key, symbol, unit, meaning, lo, hi, lo_open, hi_open, default kind, default, follows */
const mc_param_info mc_cap_param_table[MC_CAP_NPARAM] = {
    [MC_CP_CAPEX_BASE] = {"capex.base", "C0", "$/yr",
                          "AI data-centre capital spending worldwide in the base year", POS, REQ},
    [MC_CP_CAPEX_GROWTH] = {"capex.growth", "gC", "x/yr",
                            "initial annual growth multiplier of the capex that demand calls for",
                            POS, REQ},
    [MC_CP_CAPEX_GROWTH_LONGRUN] = {"capex.growth_longrun", "gC_inf", "x/yr",
                                    "long-run multiplier the capex growth converges to", POS,
                                    FOLLOWS(MC_CP_CAPEX_GROWTH)},
    [MC_CP_CAPEX_GROWTH_HALFLIFE] = {"capex.growth_halflife", "hC", "yr",
                                     "half-life of the convergence of capex growth", POS_OR_INF,
                                     INFINITE},
    [MC_CP_CAPEX_MAX_GDP_SHARE] = {"capex.max_gdp_share", "s", "1",
                                   "ceiling on AI capex as a share of world GDP", UNIT, VALUE(1.0)},
    [MC_CP_ECONOMY_GDP] = {"economy.gdp", "G0", "$/yr", "world GDP in the base year (nominal)", POS,
                           REQ},
    [MC_CP_ECONOMY_GDP_GROWTH] = {"economy.gdp_growth", "gG", "x/yr",
                                  "annual multiplier of world GDP (nominal)", POS, REQ},
    [MC_CP_ECONOMY_ELECTRICITY] = {"economy.electricity", "V0", "TWh/yr",
                                   "world electricity consumption in the base year", POS, REQ},
    [MC_CP_ECONOMY_ELECTRICITY_GROWTH] = {"economy.electricity_growth", "gV", "x/yr",
                                          "annual multiplier of world electricity consumption", POS,
                                          REQ},
    [MC_CP_HARDWARE_STOCK] = {"hardware.stock", "S0", "FLOP/s",
                              "peak FLOP/s of AI accelerators in service, base-year average", POS,
                              REQ},
    [MC_CP_HARDWARE_STOCK_EFFICIENCY] = {"hardware.stock_efficiency", "Eb", "FLOP/J",
                                         "peak FLOP/s per watt of rated IT power of that stock",
                                         POS, FOLLOWS(MC_CP_HARDWARE_EFFICIENCY)},
    [MC_CP_HARDWARE_EFFICIENCY] = {"hardware.efficiency", "E0", "FLOP/J",
                                   "peak FLOP/s per watt of rated IT power of new hardware, base "
                                   "year",
                                   POS, REQ},
    [MC_CP_HARDWARE_EFFICIENCY_GROWTH] = {"hardware.efficiency_growth", "gE", "x/yr",
                                          "annual improvement of the efficiency of new hardware",
                                          POS, REQ},
    [MC_CP_HARDWARE_PRICE_PERFORMANCE] = {"hardware.price_performance", "Q0", "FLOP/s per $",
                                          "peak FLOP/s that one dollar of all-in capex installs, "
                                          "base year",
                                          POS, REQ},
    [MC_CP_HARDWARE_PRICE_PERFORMANCE_GROWTH] = {"hardware.price_performance_growth", "gQ", "x/yr",
                                                 "annual improvement of price-performance", POS,
                                                 REQ},
    [MC_CP_HARDWARE_LIFETIME] = {"hardware.lifetime", "L", "yr",
                                 "service life of a year's hardware", 1, INF, 0, 1, REQ},
    [MC_CP_SUPPLY_CHIPS] = {"supply.chips", "K0", "FLOP/s per yr",
                            "the most accelerator capacity that can be made and installed in the "
                            "base year",
                            POS, REQ},
    [MC_CP_SUPPLY_CHIPS_GROWTH] = {"supply.chips_growth", "gK", "x/yr",
                                   "initial annual growth multiplier of the chip-supply ceiling",
                                   POS, REQ},
    [MC_CP_SUPPLY_CHIPS_GROWTH_LONGRUN] = {"supply.chips_growth_longrun", "gK_inf", "x/yr",
                                           "long-run multiplier the chip-supply growth converges "
                                           "to",
                                           POS, FOLLOWS(MC_CP_SUPPLY_CHIPS_GROWTH)},
    [MC_CP_SUPPLY_CHIPS_GROWTH_HALFLIFE] = {"supply.chips_growth_halflife", "hK", "yr",
                                            "half-life of the convergence of chip-supply growth",
                                            POS_OR_INF, INFINITE},
    [MC_CP_POWER_ADDITIONS] = {"power.additions", "M0", "GW/yr",
                               "the most AI facility power capacity that can be added in the base "
                               "year",
                               POS, REQ},
    [MC_CP_POWER_ADDITIONS_GROWTH] = {"power.additions_growth", "gM", "x/yr",
                                      "annual multiplier of the power-addition ceiling", POS,
                                      VALUE(1.0)},
    [MC_CP_POWER_ADDITIONS_MAX] = {"power.additions_max", "Mx", "GW/yr",
                                   "absolute ceiling on power additions per year", POS_OR_INF,
                                   INFINITE},
    [MC_CP_DATACENTER_PUE] = {"datacenter.pue", "P0", "1",
                              "facility energy / IT energy in the base year", 1, INF, 0, 1, REQ},
    [MC_CP_DATACENTER_PUE_TREND] = {"datacenter.pue_trend", "dP", "x/yr",
                                    "annual multiplier of the PUE overhead", UNIT, VALUE(1.0)},
    [MC_CP_INFERENCE_SHARE] = {"inference.share", "s0", "1",
                               "inference's share of hardware time in the base year", 0, 1, 1, 1,
                               REQ},
    [MC_CP_INFERENCE_SHARE_MAX] = {"inference.share_max", "sx", "1",
                                   "the share of hardware time inference tends to", UNIT, REQ},
    [MC_CP_INFERENCE_SHARE_RATE] = {"inference.share_rate", "k", "1/yr",
                                    "logistic rate of the approach of the inference share", 0, INF,
                                    0, 1, REQ},
    [MC_CP_TRAINING_UTILIZATION] = {"training.utilization", "uT", "1",
                                    "executed / peak FLOP while training (incl. research runs)",
                                    UNIT, REQ},
    [MC_CP_INFERENCE_UTILIZATION] = {"inference.utilization", "uI0", "1",
                                     "executed / peak FLOP while serving, base year", UNIT, REQ},
    [MC_CP_INFERENCE_UTILIZATION_GROWTH] = {"inference.utilization_growth", "gu", "x/yr",
                                            "annual multiplier of inference utilization, capped "
                                            "at 1",
                                            POS, VALUE(1.0)},
    [MC_CP_HARDWARE_POWER_FACTOR] = {"hardware.power_factor", "f", "1",
                                     "average power / rated IT power, both workloads", UNIT,
                                     VALUE(1.0)},
    [MC_CP_TRAINING_POWER_FACTOR] = {"training.power_factor", "fT", "1",
                                     "average power / rated IT power while training", UNIT,
                                     FOLLOWS(MC_CP_HARDWARE_POWER_FACTOR)},
    [MC_CP_INFERENCE_POWER_FACTOR] = {"inference.power_factor", "fI", "1",
                                      "average power / rated IT power while serving", UNIT,
                                      FOLLOWS(MC_CP_HARDWARE_POWER_FACTOR)},
    [MC_CP_ENERGY_PRICE] = {"energy.price", "pe0", "$/MWh",
                            "electricity price paid by AI data centres, base year", POS, REQ},
    [MC_CP_ENERGY_PRICE_TREND] = {"energy.price_trend", "gp", "x/yr",
                                  "annual multiplier of the electricity price", POS, VALUE(1.0)},
};

const mc_series_info mc_cap_series_table[MC_CAP_NSERIES] = {
    [MC_CS_TRAINING_COMPUTE] = {"training_compute", "FLOP/yr", "compute executed in training"},
    [MC_CS_INFERENCE_COMPUTE] = {"inference_compute", "FLOP/yr", "compute executed in serving"},
    [MC_CS_TOTAL_COMPUTE] = {"total_compute", "FLOP/yr", "training plus inference compute"},
    [MC_CS_INFERENCE_SHARE] = {"inference_share", "1", "inference / total executed compute"},
    [MC_CS_TRAINING_HARDWARE] = {"training_hardware", "FLOP/s",
                                 "peak FLOP/s of hardware time spent training"},
    [MC_CS_INFERENCE_HARDWARE] = {"inference_hardware", "FLOP/s",
                                  "peak FLOP/s of hardware time spent serving"},
    [MC_CS_HARDWARE_STOCK] = {"hardware_stock", "FLOP/s", "peak FLOP/s of hardware in service"},
    [MC_CS_HARDWARE_ADDED] = {"hardware_added", "FLOP/s per yr",
                              "peak FLOP/s installed in the year"},
    [MC_CS_TRAINING_ENERGY] = {"training_energy", "TWh/yr",
                               "facility energy drawn by training hardware"},
    [MC_CS_INFERENCE_ENERGY] = {"inference_energy", "TWh/yr",
                                "facility energy drawn by serving hardware"},
    [MC_CS_TOTAL_ENERGY] = {"total_energy", "TWh/yr", "training plus inference energy"},
    [MC_CS_POWER] = {"power", "GW", "average facility power drawn"},
    [MC_CS_POWER_CAPACITY] = {"power_capacity", "GW", "facility power capacity built"},
    [MC_CS_ELECTRICITY_SHARE] = {"electricity_share", "1",
                                 "AI energy / world electricity consumption"},
    [MC_CS_CAPEX] = {"capex", "$/yr", "capital spent on AI data centres"},
    [MC_CS_CAPEX_GDP_SHARE] = {"capex_gdp_share", "1", "capex / world GDP"},
    [MC_CS_HARDWARE_COST] = {"hardware_cost", "$/yr",
                             "straight-line depreciation of the hardware in service"},
    [MC_CS_ENERGY_COST] = {"energy_cost", "$/yr", "cost of the electricity drawn"},
    [MC_CS_TRAINING_SPEND] = {"training_spend", "$/yr",
                              "training's share of hardware cost plus its energy cost"},
    [MC_CS_INFERENCE_SPEND] = {"inference_spend", "$/yr",
                               "serving's share of hardware cost plus its energy cost"},
};

/* The rows of work (each of MC_CAP_WORK_PITCH doubles, one per sample of a
 * chunk): per-sample constants, the state carried from year to year, the
 * vintage sums and the values of the year, then one row per grid year v
 * holding A(v) / E(v). */
enum work_row {
  W_LNC0, /* growth law of capex demand: ln C0, S, C, q (see "Arithmetic") */
  W_SC,
  W_CC,
  W_QC,
  W_LNK0, /* growth law of the chip ceiling */
  W_SK,
  W_CK,
  W_QK,
  W_QS,    /* exp(-k) of the inference share */
  W_SA,    /* sx / s0 - 1 */
  W_DECC,  /* q^t of capex demand */
  W_DECK,  /* q^t of the chip ceiling */
  W_DECS,  /* exp(-k)^t of the inference share */
  W_GDP,   /* G0 gG^t */
  W_QY,    /* Q(t) */
  W_EY,    /* E(t) */
  W_MG,    /* M0 gM^t */
  W_DPY,   /* dP^t */
  W_UIG,   /* uI0 gu^t */
  W_PEY,   /* pe(t) */
  W_VY,    /* V(t) */
  W_FPREV, /* F(t - 1) */
  W_SOLD,  /* S_old(t) */
  W_NOLD,  /* N_old(t) */
  W_ZS,    /* L Z(t) less the term of year t */
  W_CODE,  /* the binding constraint of year t, as a double */
  W_N,     /* N(t) */
  W_SH,    /* s(t) */
  W_UI,    /* uI(t) */
  W_P,     /* P(t) */
  W_S,     /* S(t), Z(t): copies of grid rows, read by emit_year (X(t) is row ROW_X(ny, t)) */
  W_Z,
  W_CT, /* 1e6 ET(t) pe(t) and 1e6 EI(t) pe(t) */
  W_CI,
  W_CD, /* Cd(t) and K(t): capex demand and the chip ceiling */
  W_K,
  W_NSTATE
};
/* After the state: the rows of A(v) / E(v), A(v) and X(v) for each grid year v,
 * then the chunk's parameters. */
#define ROW_AE(v)     (W_NSTATE + (v))
#define ROW_A(ny, v)  (W_NSTATE + (ny) + (v))
#define ROW_X(ny, v)  (W_NSTATE + 2 * (ny) + (v))
#define ROW_IN(ny, p) (W_NSTATE + 3 * (ny) + (p))
_Static_assert(W_NSTATE == MC_CAP_WORK_STATE, "MC_CAP_WORK_STATE");

/* The coefficients of the growth law (see "Arithmetic"). */
static inline __attribute__((always_inline)) void
growth_coefficients(const double *restrict x0, const double *restrict g,
                    const double *restrict ginf, const double *restrict h, double *restrict ln0,
                    double *restrict S, double *restrict C, double *restrict Q,
                    double *restrict dec, int n) {
  for (int i = 0; i < n; i++) {
    double r = mc_log(g[i]), rinf = mc_log(ginf[i]), hi = h[i];
    int decays = (hi - hi == 0.0) & (g[i] != ginf[i]); /* a finite half-life that changes growth */
    double k = decays ? M_LN2 / hi : 0.0;
    ln0[i] = mc_log(x0[i]);
    S[i] = decays ? rinf : r;
    C[i] = decays ? (r - rinf) / k : 0.0;
    Q[i] = mc_exp(-k);
    dec[i] = 1.0;
  }
}

/* w(a) of docs/model.md for an integer age a >= 0: 1 when a + 1 <= L, L - a
 * when a < L < a + 1, 0 when a >= L; L - a rounds to 1 or more exactly when
 * it is 1 or more, to 0 or less exactly when it is 0 or less. */
static inline __attribute__((always_inline)) double service_weight(double L, double a) {
  double w = L - a;
  w = w < 1.0 ? w : 1.0;
  return w > 0.0 ? w : 0.0;
}

/* Output rows of grid year y. */
static inline __attribute__((always_inline)) void year_rows(double *grid, int ny, int y, int stride,
                                                            double **o) {
  for (int s = 0; s < MC_CAP_NSERIES; s++)
    o[s] = grid + ((size_t)s * ny + y) * stride;
}

static inline __attribute__((always_inline)) double *row(double *work, int r, int ws) {
  return work + (size_t)r * ws;
}

/* The series of one grid year t that follow from its state: S, Z, N, s,
 * uI, P, pe, V and G0 gG^t in the work rows, X(t) in its row ROW_X(ny, t). In three
 * passes, each writing a few rows: the grid rows of one sample lie a
 * multiple of the stride apart, often of 4 kB, so that all the rows of a
 * year share a set of the first-level cache, and one pass writing all of
 * them would evict lines before they are complete. */
static inline __attribute__((always_inline)) void
emit_year(int t, int ny, const double *const *in, int n, double *const *o, double *w, int ws) {
  const double *restrict sh = row(w, W_SH, ws), *restrict uI = row(w, W_UI, ws);
  const double *restrict N = row(w, W_N, ws), *restrict P = row(w, W_P, ws);
  const double *restrict pe = row(w, W_PEY, ws), *restrict V = row(w, W_VY, ws);
  const double *restrict gdp = row(w, W_GDP, ws);
  const double *restrict uT = in[MC_CP_TRAINING_UTILIZATION];
  const double *restrict fT = in[MC_CP_TRAINING_POWER_FACTOR], *restrict fI =
                                                                   in[MC_CP_INFERENCE_POWER_FACTOR];
  {
    const double *restrict S = row(w, W_S, ws);
    double *restrict oT = o[MC_CS_TRAINING_COMPUTE], *restrict oI = o[MC_CS_INFERENCE_COMPUTE],
                     *restrict oC = o[MC_CS_TOTAL_COMPUTE], *restrict oS = o[MC_CS_INFERENCE_SHARE],
                     *restrict oHT = o[MC_CS_TRAINING_HARDWARE],
                     *restrict oHI = o[MC_CS_INFERENCE_HARDWARE];
#pragma GCC ivdep
    for (int i = 0; i < n; i++) {
      double s = sh[i];
      double HI = s * S[i], HT = (1 - s) * S[i];
      double I = HI * uI[i] * MC_SECONDS_PER_YEAR, T = HT * uT[i] * MC_SECONDS_PER_YEAR;
      oT[i] = T;
      oI[i] = I;
      oC[i] = T + I;
      oS[i] = I / (T + I);
      oHT[i] = HT;
      oHI[i] = HI;
    }
  }
  {
    double *restrict oET = o[MC_CS_TRAINING_ENERGY], *restrict oEI = o[MC_CS_INFERENCE_ENERGY],
                     *restrict oE = o[MC_CS_TOTAL_ENERGY], *restrict oP = o[MC_CS_POWER],
                     *restrict oV = o[MC_CS_ELECTRICITY_SHARE], *restrict oC = o[MC_CS_ENERGY_COST];
    double *restrict cT = row(w, W_CT, ws), *restrict cI = row(w, W_CI, ws);
#pragma GCC ivdep
    for (int i = 0; i < n; i++) {
      double s = sh[i];
      double PI = N[i] * s * fI[i] * P[i] / 1e9, PT = N[i] * (1 - s) * fT[i] * P[i] / 1e9;
      double EI = MC_TWH_PER_GW_YEAR * PI, ET = MC_TWH_PER_GW_YEAR * PT;
      oET[i] = ET;
      oEI[i] = EI;
      oE[i] = ET + EI;
      oP[i] = PT + PI;
      oV[i] = (ET + EI) / V[i];
      oC[i] = 1e6 * (EI + ET) * pe[i];
      cT[i] = 1e6 * ET * pe[i];
      cI[i] = 1e6 * EI * pe[i];
    }
  }
  {
    const double *restrict cT = row(w, W_CT, ws), *restrict cI = row(w, W_CI, ws),
                           *restrict X = row(w, ROW_X(ny, t), ws), *restrict Z = row(w, W_Z, ws);
    double *restrict oG = o[MC_CS_CAPEX_GDP_SHARE], *restrict oT = o[MC_CS_TRAINING_SPEND],
                     *restrict oI = o[MC_CS_INFERENCE_SPEND];
#pragma GCC ivdep
    for (int i = 0; i < n; i++) {
      double s = sh[i];
      oG[i] = X[i] / gdp[i];
      oT[i] = (1 - s) * Z[i] + cT[i];
      oI[i] = s * Z[i] + cI[i];
    }
  }
}

/* The base year: the constants and the state of t = 0, and its series. */
static inline __attribute__((always_inline)) void base_year(int ny, const double *const *in, int n,
                                                            double *const *o,
                                                            uint8_t *restrict bind, double *w,
                                                            int ws) {
  const double *C0 = in[MC_CP_CAPEX_BASE], *K0 = in[MC_CP_SUPPLY_CHIPS];
  growth_coefficients(C0, in[MC_CP_CAPEX_GROWTH], in[MC_CP_CAPEX_GROWTH_LONGRUN],
                      in[MC_CP_CAPEX_GROWTH_HALFLIFE], row(w, W_LNC0, ws), row(w, W_SC, ws),
                      row(w, W_CC, ws), row(w, W_QC, ws), row(w, W_DECC, ws), n);
  growth_coefficients(K0, in[MC_CP_SUPPLY_CHIPS_GROWTH], in[MC_CP_SUPPLY_CHIPS_GROWTH_LONGRUN],
                      in[MC_CP_SUPPLY_CHIPS_GROWTH_HALFLIFE], row(w, W_LNK0, ws), row(w, W_SK, ws),
                      row(w, W_CK, ws), row(w, W_QK, ws), row(w, W_DECK, ws), n);
  const double *restrict S0 = in[MC_CP_HARDWARE_STOCK], *restrict Eb =
                                                            in[MC_CP_HARDWARE_STOCK_EFFICIENCY];
  const double *restrict Q0 = in[MC_CP_HARDWARE_PRICE_PERFORMANCE], *restrict L =
                                                                        in[MC_CP_HARDWARE_LIFETIME];
  const double *restrict G0 = in[MC_CP_ECONOMY_GDP], *restrict E0 = in[MC_CP_HARDWARE_EFFICIENCY];
  const double *restrict M0 = in[MC_CP_POWER_ADDITIONS], *restrict P0 = in[MC_CP_DATACENTER_PUE];
  const double *restrict s0 = in[MC_CP_INFERENCE_SHARE], *restrict sx =
                                                             in[MC_CP_INFERENCE_SHARE_MAX];
  const double *restrict ks = in[MC_CP_INFERENCE_SHARE_RATE];
  const double *restrict uI0 = in[MC_CP_INFERENCE_UTILIZATION];
  const double *restrict pe0 = in[MC_CP_ENERGY_PRICE], *restrict V0 = in[MC_CP_ECONOMY_ELECTRICITY];
  double *restrict oS = o[MC_CS_HARDWARE_STOCK], *restrict oA = o[MC_CS_HARDWARE_ADDED],
                   *restrict oF = o[MC_CS_POWER_CAPACITY], *restrict oX = o[MC_CS_CAPEX],
                   *restrict oZ = o[MC_CS_HARDWARE_COST];
  double *restrict wN = row(w, W_N, ws), *restrict wS = row(w, W_SH, ws),
                   *restrict wU = row(w, W_UI, ws), *restrict wP = row(w, W_P, ws);
  double *restrict qs = row(w, W_QS, ws), *restrict sa = row(w, W_SA, ws);
  double *restrict decs = row(w, W_DECS, ws), *restrict gdp = row(w, W_GDP, ws);
  double *restrict qy = row(w, W_QY, ws), *restrict ey = row(w, W_EY, ws);
  double *restrict mg = row(w, W_MG, ws), *restrict dpy = row(w, W_DPY, ws);
  double *restrict uig = row(w, W_UIG, ws), *restrict pey = row(w, W_PEY, ws);
  double *restrict vy = row(w, W_VY, ws), *restrict fprev = row(w, W_FPREV, ws);
  double *restrict wSt = row(w, W_S, ws), *restrict wX = row(w, ROW_X(ny, 0), ws),
                   *restrict wZ = row(w, W_Z, ws);
#pragma GCC ivdep
  for (int i = 0; i < n; i++) {
    qs[i] = mc_exp(-ks[i]);
    sa[i] = sx[i] / s0[i] - 1;
    decs[i] = 1.0;
    gdp[i] = G0[i];
    qy[i] = Q0[i];
    ey[i] = E0[i];
    mg[i] = M0[i];
    dpy[i] = 1.0;
    uig[i] = uI0[i];
    pey[i] = pe0[i];
    vy[i] = V0[i];
    double P = 1 + (P0[i] - 1) * 1.0;
    double s = sx[i] / (1 + sa[i] * 1.0);
    double uI = uI0[i] < 1.0 ? uI0[i] : 1.0;
    double r0 = 1 - 0.0 / L[i]; /* max(0, 1 - t / L) at t = 0 */
    double N = S0[i] / Eb[i], F = N * P / 1e9;
    fprev[i] = F;
    double Z = S0[i] * r0 / Q0[i] / L[i];
    oS[i] = S0[i];
    oA[i] = C0[i] * Q0[i];
    oF[i] = F;
    oX[i] = C0[i];
    oZ[i] = Z;
    wSt[i] = S0[i];
    wX[i] = C0[i];
    wZ[i] = Z;
    wN[i] = N;
    wS[i] = s;
    wU[i] = uI;
    wP[i] = P;
  }
  emit_year(0, ny, in, n, o, w, ws);
  for (int i = 0; i < n; i++)
    bind[i] = MC_BIND_NONE;
}

/* Eight samples' doubles in one vector (GCC's vector extensions: one AVX-512
 * register, two AVX2 ones, four SSE2 ones), and the lanes' masks. */
typedef double cap_v8d __attribute__((vector_size(64)));
typedef int64_t cap_v8i __attribute__((vector_size(64)));
/* Macros, not functions: a function passing these vectors by value would
 * change its calling convention with the clone's instruction set. */
#define load8(p)                                                                                   \
  ({                                                                                               \
    cap_v8d v_;                                                                                    \
    memcpy(&v_, (p), sizeof v_);                                                                   \
    v_;                                                                                            \
  })
#define store8(p, v)                                                                               \
  do {                                                                                             \
    cap_v8d s_ = (v);                                                                              \
    memcpy((p), &s_, sizeof s_);                                                                   \
  } while (0)
/* m ? a : b lane by lane (m from a comparison: all ones or zero) */
#define select8(m, a, b) ((cap_v8d)(((cap_v8i)(a) & (m)) | ((cap_v8i)(b) & ~(m))))

/* S_old, N_old and the hardware cost's sum over the vintages v = vlo .. t-1
 * (the base stock's part first, then v ascending), from the work rows A(v),
 * X(v) (the hardware added and the capex of year v) and A(v) / E(v). Eight
 * samples at a time through all the vintages, so that the three sums stay
 * in registers (a pass over the samples per vintage loads and stores them
 * once per vintage); the same operations on each sample as the scalar loop
 * that takes the chunk's last n % 8 samples. */
static inline __attribute__((always_inline)) void
vintage_sums(int t, int vlo, int ny, const double *const *in, int n, double *w, int ws) {
  const double *restrict S0 = in[MC_CP_HARDWARE_STOCK], *restrict Eb =
                                                            in[MC_CP_HARDWARE_STOCK_EFFICIENCY];
  const double *restrict Q0 = in[MC_CP_HARDWARE_PRICE_PERFORMANCE], *restrict L =
                                                                        in[MC_CP_HARDWARE_LIFETIME];
  double *restrict Sold = row(w, W_SOLD, ws), *restrict Nold = row(w, W_NOLD, ws),
                   *restrict Zs = row(w, W_ZS, ws);
  const double y = t;
  const cap_v8d zero = {0}, one = zero + 1.0;
  int i0 = 0;
  for (; i0 + 8 <= n; i0 += 8) {
    cap_v8d Lv = load8(L + i0);
    cap_v8d r0 = 1 - y / Lv;
    r0 = select8(r0 > 0.0, r0, zero);
    cap_v8d b = load8(S0 + i0) * r0;
    cap_v8d so = b, no = b / load8(Eb + i0), zs = b / load8(Q0 + i0);
    for (int v = vlo; v < t; v++) {
      const double age = t - v;
      cap_v8d wa = Lv - age; /* service_weight */
      wa = select8(wa < 1.0, wa, one);
      wa = select8(wa > 0.0, wa, zero);
      so += load8(row(w, ROW_A(ny, v), ws) + i0) * wa;
      no += load8(row(w, ROW_AE(v), ws) + i0) * wa;
      zs += load8(row(w, ROW_X(ny, v), ws) + i0) * wa;
    }
    store8(Sold + i0, so);
    store8(Nold + i0, no);
    store8(Zs + i0, zs);
  }
#pragma GCC ivdep
  for (int i = i0; i < n; i++) {
    double r0 = 1 - y / L[i];
    r0 = r0 > 0.0 ? r0 : 0.0;
    double b = S0[i] * r0;
    Sold[i] = b;
    Nold[i] = b / Eb[i];
    Zs[i] = b / Q0[i];
  }
  for (int v = vlo; v < t; v++) {
    const double *restrict A = row(w, ROW_A(ny, v), ws), *restrict X = row(w, ROW_X(ny, v), ws);
    const double *restrict AE = row(w, ROW_AE(v), ws);
    const double age = t - v;
#pragma GCC ivdep
    for (int i = i0; i < n; i++) {
      double wa = service_weight(L[i], age);
      Sold[i] += A[i] * wa;
      Nold[i] += AE[i] * wa;
      Zs[i] += X[i] * wa;
    }
  }
}

/* Year t >= 1, in the order of docs/model.md: the paths at t, the three
 * ceilings on additions, A, S, N, F, X, the binding constraint, the series. */
static inline __attribute__((always_inline)) void later_year(int t, int ny, const double *const *in,
                                                             int n, double *const *o,
                                                             uint8_t *restrict bind, double *w,
                                                             int ws) {
  const double *restrict sC = in[MC_CP_CAPEX_MAX_GDP_SHARE], *restrict gG =
                                                                 in[MC_CP_ECONOMY_GDP_GROWTH];
  const double *restrict gQ = in[MC_CP_HARDWARE_PRICE_PERFORMANCE_GROWTH],
                         *restrict gE = in[MC_CP_HARDWARE_EFFICIENCY_GROWTH];
  const double *restrict gM = in[MC_CP_POWER_ADDITIONS_GROWTH], *restrict Mx =
                                                                    in[MC_CP_POWER_ADDITIONS_MAX];
  const double *restrict P0 = in[MC_CP_DATACENTER_PUE], *restrict dP =
                                                            in[MC_CP_DATACENTER_PUE_TREND];
  const double *restrict sx = in[MC_CP_INFERENCE_SHARE_MAX];
  const double *restrict gu = in[MC_CP_INFERENCE_UTILIZATION_GROWTH];
  const double *restrict gp = in[MC_CP_ENERGY_PRICE_TREND],
                         *restrict gV = in[MC_CP_ECONOMY_ELECTRICITY_GROWTH];
  const double *restrict L = in[MC_CP_HARDWARE_LIFETIME];
  const double *restrict lnC0 = row(w, W_LNC0, ws), *restrict SC = row(w, W_SC, ws),
                         *restrict CC = row(w, W_CC, ws), *restrict qC = row(w, W_QC, ws);
  const double *restrict lnK0 = row(w, W_LNK0, ws), *restrict SK = row(w, W_SK, ws),
                         *restrict CK = row(w, W_CK, ws), *restrict qK = row(w, W_QK, ws);
  const double *restrict qs = row(w, W_QS, ws), *restrict sa = row(w, W_SA, ws);
  double *restrict decC = row(w, W_DECC, ws), *restrict decK = row(w, W_DECK, ws);
  double *restrict decs = row(w, W_DECS, ws), *restrict gdp = row(w, W_GDP, ws);
  double *restrict qy = row(w, W_QY, ws), *restrict ey = row(w, W_EY, ws);
  double *restrict mg = row(w, W_MG, ws), *restrict dpy = row(w, W_DPY, ws);
  double *restrict uig = row(w, W_UIG, ws), *restrict pey = row(w, W_PEY, ws);
  double *restrict vy = row(w, W_VY, ws), *restrict fprev = row(w, W_FPREV, ws);
  const double *restrict Sold = row(w, W_SOLD, ws), *restrict Nold = row(w, W_NOLD, ws),
                         *restrict Zs = row(w, W_ZS, ws);
  double *restrict AE = row(w, ROW_AE(t), ws), *restrict code = row(w, W_CODE, ws);
  double *restrict At = row(w, ROW_A(ny, t), ws), *restrict Xt = row(w, ROW_X(ny, t), ws);
  double *restrict wSt = row(w, W_S, ws), *restrict wZ = row(w, W_Z, ws);
  double *restrict oS = o[MC_CS_HARDWARE_STOCK], *restrict oA = o[MC_CS_HARDWARE_ADDED],
                   *restrict oF = o[MC_CS_POWER_CAPACITY], *restrict oX = o[MC_CS_CAPEX],
                   *restrict oZ = o[MC_CS_HARDWARE_COST];
  double *restrict wN = row(w, W_N, ws), *restrict wS = row(w, W_SH, ws),
                   *restrict wU = row(w, W_UI, ws), *restrict wP = row(w, W_P, ws);
  double *restrict wCd = row(w, W_CD, ws), *restrict wK = row(w, W_K, ws);
  const double y = t;
  /* The two growth laws first, in a loop of their own: with their
   * polynomials in the loop below, GCC kept some coefficients on the stack. */
#pragma GCC ivdep
  for (int i = 0; i < n; i++) {
    double dc = decC[i] * qC[i], dk = decK[i] * qK[i];
    decC[i] = dc;
    decK[i] = dk;
    wCd[i] = mc_exp(lnC0[i] + SC[i] * y + CC[i] * (1 - dc));
    wK[i] = mc_exp(lnK0[i] + SK[i] * y + CK[i] * (1 - dk));
  }
#pragma GCC ivdep
  for (int i = 0; i < n; i++) {
    /* the paths that need no state */
    double ds = decs[i] * qs[i];
    double G = gdp[i] * gG[i], Q = qy[i] * gQ[i], E = ey[i] * gE[i], Mg = mg[i] * gM[i];
    double dp = dpy[i] * dP[i], ug = uig[i] * gu[i], pe = pey[i] * gp[i], V = vy[i] * gV[i];
    decs[i] = ds;
    gdp[i] = G;
    qy[i] = Q;
    ey[i] = E;
    mg[i] = Mg;
    dpy[i] = dp;
    uig[i] = ug;
    pey[i] = pe;
    vy[i] = V;
    double Cd = wCd[i];
    double Cm = sC[i] * G;
    double K = wK[i];
    double M = Mg < Mx[i] ? Mg : Mx[i];
    double P = 1 + (P0[i] - 1) * dp;
    double s = sx[i] / (1 + sa[i] * ds);
    double uI = ug < 1.0 ? ug : 1.0;
    /* the ceilings on additions, and the additions */
    double Fp = fprev[i], No = Nold[i];
    double a_capex = (Cd < Cm ? Cd : Cm) * Q;
    double a_chips = K;
    double room = Fp + M - No * P / 1e9;
    double a_power = (room > 0.0 ? room : 0.0) * 1e9 * E / P;
    double A = a_capex < a_chips ? a_capex : a_chips;
    A = A < a_power ? A : a_power;
    double S = Sold[i] + A, AEt = A / E, N = No + AEt, Fn = N * P / 1e9;
    double F = Fp > Fn ? Fp : Fn;
    double X = A / Q;
    double Z = (Zs[i] + X * service_weight(L[i], 0.0)) / L[i];
    int by_capex = (a_capex <= a_chips) & (a_capex <= a_power);
    double demand = Cd <= Cm ? MC_BIND_DEMAND : MC_BIND_CAPEX;
    double supply = a_chips <= a_power ? MC_BIND_CHIPS : MC_BIND_POWER;
    code[i] = by_capex ? demand : supply;
    AE[i] = AEt;
    At[i] = A;
    Xt[i] = X;
    fprev[i] = F;
    oS[i] = S;
    oA[i] = A;
    oF[i] = F;
    oX[i] = X;
    oZ[i] = Z;
    wSt[i] = S;
    wZ[i] = Z;
    wN[i] = N;
    wS[i] = s;
    wU[i] = uI;
    wP[i] = P;
  }
  emit_year(t, ny, in, n, o, w, ws);
  /* apart, so that the loop above works on doubles alone: a byte store there
   * makes GCC take 64 samples per step, which spills most of its registers */
  for (int i = 0; i < n; i++)
    bind[i] = (uint8_t)code[i];
}

/* All years of the samples [0, n) of a chunk (n <= MC_CAP_CHUNK). */
static inline __attribute__((always_inline)) void project_chunk(int ny, const double *const *in,
                                                                int n, double *grid, int stride,
                                                                uint8_t *binding, int bstride,
                                                                double *work) {
  const int ws = MC_CAP_WORK_PITCH;
  double *o[MC_CAP_NSERIES];
  year_rows(grid, ny, 0, stride, o);
  base_year(ny, in, n, o, binding, work, ws);
  /* Vintages older than the longest lifetime of the chunk weigh 0. */
  double Lmax = 1.0;
  for (int i = 0; i < n; i++)
    Lmax = in[MC_CP_HARDWARE_LIFETIME][i] > Lmax ? in[MC_CP_HARDWARE_LIFETIME][i] : Lmax;
  int span = Lmax < ny ? (int)ceil(Lmax) : ny;
  for (int t = 1; t < ny; t++) {
    int vlo = t - span > 1 ? t - span : 1;
    vintage_sums(t, vlo, ny, in, n, work, ws);
    year_rows(grid, ny, t, stride, o);
    later_year(t, ny, in, n, o, binding + (size_t)t * bstride, work, ws);
  }
}

MC_CLONES static void capacity_grid_impl(int ny, const double *const *in, int n, double *grid,
                                         int stride, uint8_t *binding, int bstride, double *work) {
  for (int c = 0; c < n; c += MC_CAP_CHUNK) {
    /* The chunk's parameters, copied to rows of the work pitch: read where
     * the engine keeps them, MC_BLOCK doubles apart, a dozen rows read in one
     * loop would share a set of the first-level cache and evict each other. */
    const double *inc[MC_CAP_NPARAM];
    int m = n - c < MC_CAP_CHUNK ? n - c : MC_CAP_CHUNK;
    for (int p = 0; p < MC_CAP_NPARAM; p++) {
      double *r = row(work, ROW_IN(ny, p), MC_CAP_WORK_PITCH);
      memcpy(r, in[p] + c, sizeof(double) * (size_t)m);
      inc[p] = r;
    }
    project_chunk(ny, inc, m, grid + c, stride, binding + c, bstride, work);
  }
}

/* The exported entry: a plain function calling the cloned one (clang
 * multiversions only functions it sees defined before their first use). */
void mc_capacity_grid(int ny, const double *const *in, int n, double *grid, int stride,
                      uint8_t *binding, int bstride, double *work) {
  capacity_grid_impl(ny, in, n, grid, stride, binding, bstride, work);
}

/* The first grid year with lhs >= rhs, -1 when none. */
MC_CLONES static void capacity_first_year(int ny, int n, const double *lhs, const double *rhs,
                                          int stride, int *restrict year) {
  for (int i = 0; i < n; i++)
    year[i] = -1;
  for (int y = ny - 1; y >= 0; y--) {
    const double *restrict a = lhs + (size_t)y * stride, *restrict b = rhs + (size_t)y * stride;
    for (int i = 0; i < n; i++)
      year[i] = a[i] >= b[i] ? y : year[i];
  }
}

/* The crossing times of m samples whose values at the grid years on either
 * side of their crossover year are l0, r0 (year - 1) and l1, r1 (year). */
MC_CLONES static void crossing_times(int m, const int *restrict year, const double *restrict l0,
                                     const double *restrict r0, const double *restrict l1,
                                     const double *restrict r1, double *restrict tau) {
  for (int k = 0; k < m; k++) {
    double a = mc_log(l0[k]) - mc_log(r0[k]), b = mc_log(l1[k]) - mc_log(r1[k]);
    double fr = a / (a - b);
    fr = fr >= 0.0 ? fr : (fr < 0.0 ? 0.0 : 1.0); /* NaN: the crossover year itself */
    fr = fr <= 1.0 ? fr : 1.0;
    int y = year[k];
    double t = (double)y - 1.0 + fr;
    tau[k] = y > 0 ? t : (y == 0 ? 0.0 : INF);
  }
}

void mc_capacity_crossover(int ny, int n, const double *lhs, const double *rhs, int stride,
                           int *year, double *tau) {
  capacity_first_year(ny, n, lhs, rhs, stride, year);
  enum { CHUNK = 256 };
  double l0[CHUNK] MC_ALIGNED, r0[CHUNK] MC_ALIGNED, l1[CHUNK] MC_ALIGNED, r1[CHUNK] MC_ALIGNED;
  for (int c = 0; c < n; c += CHUNK) {
    int m = n - c < CHUNK ? n - c : CHUNK;
    for (int k = 0; k < m; k++) {
      int i = c + k, y = year[i];
      size_t ya = (size_t)(y > 0 ? y - 1 : 0) * stride + i,
             yb = (size_t)(y > 0 ? y : 0) * stride + i;
      l0[k] = lhs[ya];
      r0[k] = rhs[ya];
      l1[k] = lhs[yb];
      r1[k] = rhs[yb];
    }
    crossing_times(m, year + c, l0, r0, l1, r1, tau + c);
  }
}

/* ---- the table entry ---------------------------------------------------- */

static const mc_cross_default capacity_cross[] = {
    {"hardware", MC_CS_INFERENCE_HARDWARE, MC_CS_TRAINING_HARDWARE},
    {"spend", MC_CS_INFERENCE_SPEND, MC_CS_TRAINING_SPEND},
    {"energy", MC_CS_INFERENCE_ENERGY, MC_CS_TRAINING_ENERGY},
    {"compute", MC_CS_INFERENCE_COMPUTE, MC_CS_TRAINING_COMPUTE},
};

static const mc_chart_info capacity_charts[] = {
    {"hardware", "AI hardware in service and its use", "Peak hardware time (FLOP/s)",
     "training_hardware inference_hardware hardware_stock", 0},
    {"compute", "AI compute executed per year", "Compute (FLOP/yr)",
     "training_compute inference_compute", 0},
    {"energy", "AI electricity use per year", "Electricity (TWh/yr)",
     "training_energy inference_energy", 0},
    {"power", "AI data-centre power drawn and built", "Power (GW)", "power power_capacity", 0},
    {"money", "AI capital and spending per year", "US$ per year",
     "capex training_spend inference_spend", 0},
    {"cost", "AI data-centre costs per year", "US$ per year", "hardware_cost energy_cost", 1},
    {"share", "shares", "Share", "inference_share electricity_share capex_gdp_share", 1},
};

static int capacity_work(int ny) { return (int)MC_CAPACITY_WORK_DOUBLES(ny); }

static void capacity_prepare(const mc_model *m, const double *const *in, int n,
                             double *const *coef) {}

static void capacity_grid(const mc_model *m, const double *const *in, const double *const *coef,
                          int n, double *grid, int stride, double *work, uint8_t *cat) {
  mc_capacity_grid(m->ny, in, n, grid, stride, cat, stride, work);
}

static void capacity_crossover(const mc_model *m, const double *const *in,
                               const double *const *coef, int n, int lhs, int rhs,
                               const double *grid, int stride, int *year, double *tau) {
  mc_capacity_crossover(m->ny, n, grid + (size_t)lhs * m->ny * stride,
                        grid + (size_t)rhs * m->ny * stride, stride, year, tau);
}

const mc_model_type mc_model_capacity = {
    .name = "capacity",
    .summary = "capital, chip supply and power additions build the hardware both workloads share",
    .nparam = MC_CAP_NPARAM,
    .param = mc_cap_param_table,
    .nseries = MC_CAP_NSERIES,
    .series = mc_cap_series_table,
    .ncross = 4,
    .cross = capacity_cross,
    .ncat = MC_NBIND,
    .cat = mc_cap_binding_names,
    .ncharts = (int)(sizeof capacity_charts / sizeof capacity_charts[0]),
    .charts = capacity_charts,
    .ncoef = 0,
    .work = capacity_work,
    .tau_error = 0, /* exact on the log-linear interpolation */
    .prepare = capacity_prepare,
    .grid = capacity_grid,
    .crossover = capacity_crossover,
};
