#!/usr/bin/python3
"""An independent NumPy implementation of model `capacity` (docs/model.md,
"Model `capacity`": parameters, equations, output series, crossing times).

Written from the model's equations alone, vectorized over samples, everything
in float64: powers with np.power, the growth law with np.exp as written, the
sums over vintages as explicit loops. It is the oracle of
tests/capacity_ref_check.py, which compares the C kernel (engine/mc_capacity.c)
with it. It is a file of its own, beside bench/reference.py (model `demand`),
because the two models share no parameter, series or equation beyond the
growth law.

Parameters are given as a dict from the keys of docs/model.md to arrays [n]
(or scalars). Optional keys may be absent or NaN per sample, which selects the
default: a "follows" default copies the followed parameter, an infinite one is
+inf (capex.growth_halflife = inf: no slowdown; power.additions_max = inf: no
ceiling).

Module use:
    import reference_capacity as rc
    s = rc.project(params, 2025, 2040)               # {name: float64 [n, Y]}
    s, bind = rc.project(params, 2025, 2040, binding=True)
    # bind: int8 [n, Y], codes of rc.BINDING (0 demand, 1 capex, 2 chips,
    # 3 power); -1 in the base year
    year_index, tau = rc.crossings(s["inference_hardware"], s["training_hardware"])

CLI:
    reference_capacity.py --self-test     analytic checks of this module
"""

import math
import sys

import numpy as np

S_PER_YEAR = 31557600.0  # Sy, s/yr
TWH_PER_GW_YEAR = 8.766  # 1 GW for a year

# key: (symbol, default); default None = required, a str = follows that key,
# math.inf = infinite, a number = that constant.
PARAMETERS = {
    "capex.base": ("C0", None),
    "capex.growth": ("gC", None),
    "capex.growth_longrun": ("gC_inf", "capex.growth"),
    "capex.growth_halflife": ("hC", math.inf),
    "capex.max_gdp_share": ("s", 1.0),
    "economy.gdp": ("G0", None),
    "economy.gdp_growth": ("gG", None),
    "economy.electricity": ("V0", None),
    "economy.electricity_growth": ("gV", None),
    "hardware.stock": ("S0", None),
    "hardware.stock_efficiency": ("Eb", "hardware.efficiency"),
    "hardware.efficiency": ("E0", None),
    "hardware.efficiency_growth": ("gE", None),
    "hardware.price_performance": ("Q0", None),
    "hardware.price_performance_growth": ("gQ", None),
    "hardware.lifetime": ("L", None),
    "supply.chips": ("K0", None),
    "supply.chips_growth": ("gK", None),
    "supply.chips_growth_longrun": ("gK_inf", "supply.chips_growth"),
    "supply.chips_growth_halflife": ("hK", math.inf),
    "power.additions": ("M0", None),
    "power.additions_growth": ("gM", 1.0),
    "power.additions_max": ("Mx", math.inf),
    "datacenter.pue": ("P0", None),
    "datacenter.pue_trend": ("dP", 1.0),
    "inference.share": ("s0", None),
    "inference.share_max": ("sx", None),
    "inference.share_rate": ("k", None),
    "training.utilization": ("uT", None),
    "inference.utilization": ("uI0", None),
    "inference.utilization_growth": ("gu", 1.0),
    "hardware.power_factor": ("f", 1.0),
    "training.power_factor": ("fT", "hardware.power_factor"),
    "inference.power_factor": ("fI", "hardware.power_factor"),
    "energy.price": ("pe0", None),
    "energy.price_trend": ("gp", 1.0),
}
PARAMS = tuple(PARAMETERS)
REQUIRED = tuple(k for k, (_, d) in PARAMETERS.items() if d is None)
SERIES = (
    "training_compute",
    "inference_compute",
    "total_compute",
    "inference_share",
    "training_hardware",
    "inference_hardware",
    "hardware_stock",
    "hardware_added",
    "training_energy",
    "inference_energy",
    "total_energy",
    "power",
    "power_capacity",
    "electricity_share",
    "capex",
    "capex_gdp_share",
    "hardware_cost",
    "energy_cost",
    "training_spend",
    "inference_spend",
)
BINDING = ("demand", "capex", "chips", "power")
DEFAULT_CROSSOVERS = {
    "hardware": ("inference_hardware", "training_hardware"),
    "spend": ("inference_spend", "training_spend"),
    "energy": ("inference_energy", "training_energy"),
    "compute": ("inference_compute", "training_compute"),
}


def _n_of(params):
    n = None
    for v in params.values():
        a = np.asarray(v)
        if a.ndim > 0:
            if n is not None and a.shape[0] != n:
                raise ValueError("parameter arrays have different lengths")
            n = a.shape[0]
    return 1 if n is None else n


def resolve(params):
    """The 36 parameters as float64 arrays [n, 1] with the defaults filled in
    (absent or NaN -> default). Raises KeyError for missing required keys."""
    unknown = sorted(set(params) - set(PARAMS))
    if unknown:
        raise KeyError("unknown parameters: " + ", ".join(unknown))
    missing = [k for k in REQUIRED if k not in params]
    if missing:
        raise KeyError("missing parameters: " + ", ".join(missing))
    n = _n_of(params)
    p = {}

    def fill(key):
        if key in p:
            return p[key]
        if key in params:
            a = np.broadcast_to(np.asarray(params[key], dtype=np.float64), (n,)).copy()
        else:
            a = np.full(n, np.nan)
        d = PARAMETERS[key][1]
        if isinstance(d, str):
            a = np.where(np.isnan(a), fill(d)[:, 0], a)
        elif d is not None:
            a = np.where(np.isnan(a), d, a)
        p[key] = a[:, None]
        return p[key]

    for k in PARAMS:
        fill(k)
    return p


def growth(x0, g, g_inf, h, t):
    """The growth law G(x0, g, g_inf, h; t) of docs/model.md, as written:
    ln X = ln x0 + r_inf t + (r - r_inf) (1 - exp(-k t)) / k on the slowdown
    branch (finite h and g != g_inf), ln X = ln x0 + r t otherwise; r = ln g,
    r_inf = ln g_inf, k = ln 2 / h."""
    r, r_inf = np.log(g), np.log(g_inf)
    slow = np.isfinite(h) & (g != g_inf)
    k = math.log(2.0) / np.where(slow, h, 1.0)
    ln_slow = np.log(x0) + r_inf * t + (r - r_inf) * (1.0 - np.exp(-k * t)) / k
    ln_plain = np.log(x0) + r * t
    with np.errstate(over="ignore"):
        return np.exp(np.where(slow, ln_slow, ln_plain))


def service_weight(a, L):
    """w(a): 1 when a + 1 <= L; L - a when a < L < a + 1; 0 when a >= L."""
    return np.where(a + 1 <= L, 1.0, np.where(a < L, L - a, 0.0))


def base_retirement(t, L):
    """r0(t) = max(0, 1 - t / L)."""
    return np.maximum(0.0, 1.0 - t / L)


def project(params, base_year, horizon_year, binding=False):
    """Every output series at the grid years: {name: float64 [n, Y]},
    Y = horizon_year - base_year + 1. With binding=True also the binding
    constraint codes int8 [n, Y] (indices into BINDING, -1 at the base year)."""
    base_year, horizon_year = int(base_year), int(horizon_year)
    if horizon_year <= base_year:
        raise ValueError("horizon_year must exceed base_year")
    p = resolve(params)
    n = p["capex.base"].shape[0]
    Y = horizon_year - base_year + 1
    t = np.arange(Y, dtype=np.float64)[None, :]

    def P_(key):
        return p[key]

    C0, gC, gCi, hC = (P_(k) for k in ("capex.base", "capex.growth", "capex.growth_longrun",
                                       "capex.growth_halflife"))
    sC, G0, gG = P_("capex.max_gdp_share"), P_("economy.gdp"), P_("economy.gdp_growth")
    V0, gV = P_("economy.electricity"), P_("economy.electricity_growth")
    S0, Eb = P_("hardware.stock"), P_("hardware.stock_efficiency")
    E0, gE = P_("hardware.efficiency"), P_("hardware.efficiency_growth")
    Q0, gQ = P_("hardware.price_performance"), P_("hardware.price_performance_growth")
    L = P_("hardware.lifetime")
    K0, gK, gKi, hK = (P_(k) for k in ("supply.chips", "supply.chips_growth",
                                       "supply.chips_growth_longrun",
                                       "supply.chips_growth_halflife"))
    M0, gM, Mx = P_("power.additions"), P_("power.additions_growth"), P_("power.additions_max")
    P0, dP = P_("datacenter.pue"), P_("datacenter.pue_trend")
    s0, sx, ks = P_("inference.share"), P_("inference.share_max"), P_("inference.share_rate")
    uT, uI0, gu = (P_("training.utilization"), P_("inference.utilization"),
                   P_("inference.utilization_growth"))
    fT, fI = P_("training.power_factor"), P_("inference.power_factor")
    pe0, gp = P_("energy.price"), P_("energy.price_trend")

    # Paths that need no state, [n, Y].
    Cd = growth(C0, gC, gCi, hC, t)
    GDP = G0 * np.power(gG, t)
    Cm = sC * G0 * np.power(gG, t)
    Q = Q0 * np.power(gQ, t)
    E = E0 * np.power(gE, t)
    K = growth(K0, gK, gKi, hK, t)
    M = np.minimum(M0 * np.power(gM, t), Mx)
    P = 1.0 + (P0 - 1.0) * np.power(dP, t)
    sh = sx / (1.0 + (sx / s0 - 1.0) * np.exp(-ks * t))
    uI = np.minimum(1.0, uI0 * np.power(gu, t))
    pe = pe0 * np.power(gp, t)
    V = V0 * np.power(gV, t)

    S = np.zeros((n, Y))
    N = np.zeros((n, Y))
    F = np.zeros((n, Y))
    A = np.zeros((n, Y))
    X = np.zeros((n, Y))
    Z = np.zeros((n, Y))
    code = np.full((n, Y), -1, dtype=np.int8)
    L1 = L[:, 0]

    # Base year: the stock is observed, nothing is added to it.
    S[:, 0] = S0[:, 0]
    N[:, 0] = S0[:, 0] / Eb[:, 0]
    F[:, 0] = N[:, 0] * P[:, 0] / 1e9
    X[:, 0] = C0[:, 0]
    A[:, 0] = C0[:, 0] * Q0[:, 0]

    for ti in range(1, Y):
        r0 = base_retirement(float(ti), L1)
        S_old = S0[:, 0] * r0
        N_old = S0[:, 0] * r0 / Eb[:, 0]
        for v in range(1, ti):
            w = service_weight(float(ti - v), L1)
            S_old = S_old + A[:, v] * w
            N_old = N_old + A[:, v] * w / E[:, v]
        a_capex = np.minimum(Cd[:, ti], Cm[:, ti]) * Q[:, ti]
        a_chips = K[:, ti]
        a_power = (np.maximum(0.0, F[:, ti - 1] + M[:, ti] - N_old * P[:, ti] / 1e9) * 1e9
                   * E[:, ti] / P[:, ti])
        A[:, ti] = np.minimum(np.minimum(a_capex, a_chips), a_power)
        S[:, ti] = S_old + A[:, ti]
        N[:, ti] = N_old + A[:, ti] / E[:, ti]
        F[:, ti] = np.maximum(F[:, ti - 1], N[:, ti] * P[:, ti] / 1e9)
        X[:, ti] = A[:, ti] / Q[:, ti]
        by_capex = (a_capex <= a_chips) & (a_capex <= a_power)
        code[:, ti] = np.where(by_capex, np.where(Cd[:, ti] <= Cm[:, ti], 0, 1),
                               np.where(a_chips <= a_power, 2, 3))

    # Hardware cost: straight-line depreciation of the hardware in service.
    for ti in range(Y):
        z = S0[:, 0] * base_retirement(float(ti), L1) / (Q0[:, 0] * L1)
        for v in range(1, ti + 1):
            z = z + A[:, v] * service_weight(float(ti - v), L1) / (Q[:, v] * L1)
        Z[:, ti] = z

    HI = sh * S
    HT = (1.0 - sh) * S
    I = HI * uI * S_PER_YEAR
    T = HT * uT * S_PER_YEAR
    PI = N * sh * fI * P / 1e9
    PT = N * (1.0 - sh) * fT * P / 1e9
    EI = TWH_PER_GW_YEAR * PI
    ET = TWH_PER_GW_YEAR * PT
    out = {
        "training_compute": T,
        "inference_compute": I,
        "total_compute": T + I,
        "inference_share": I / (T + I),
        "training_hardware": HT,
        "inference_hardware": HI,
        "hardware_stock": S,
        "hardware_added": A,
        "training_energy": ET,
        "inference_energy": EI,
        "total_energy": ET + EI,
        "power": PT + PI,
        "power_capacity": F,
        "electricity_share": (ET + EI) / V,
        "capex": X,
        "capex_gdp_share": X / GDP,
        "hardware_cost": Z,
        "energy_cost": 1e6 * (EI + ET) * pe,
        "training_spend": (1.0 - sh) * Z + 1e6 * ET * pe,
        "inference_spend": sh * Z + 1e6 * EI * pe,
    }
    out = {k: np.broadcast_to(out[k], (n, Y)).copy() for k in SERIES}
    return (out, code) if binding else out


def crossings(lhs, rhs):
    """The crossover of a pair of series' grid values lhs, rhs [n, Y].

    Returns (year_index, tau): year_index [n] int64, the first grid-year index
    with lhs >= rhs, -1 for never; tau [n] float64, years since the base year:
    0 when year_index = 0, inf when never, else on the log-linear
    interpolation with d(y) = ln lhs(y) - ln rhs(y),
    tau = (y - 1) + d(y-1) / (d(y-1) - d(y)). Where that fraction is not a
    number in [0, 1] (zeros, infinities, rounding) it is clamped, NaN giving 1
    (tau = y), as the engine does."""
    lhs = np.asarray(lhs, dtype=np.float64)
    rhs = np.asarray(rhs, dtype=np.float64)
    ok = lhs >= rhs
    yi = np.where(ok.any(axis=1), ok.argmax(axis=1), -1)
    n = lhs.shape[0]
    tau = np.where(yi == 0, 0.0, np.inf)
    rows = np.nonzero(yi > 0)[0]
    if rows.size:
        y = yi[rows]
        with np.errstate(divide="ignore", invalid="ignore"):
            a = np.log(lhs[rows, y - 1]) - np.log(rhs[rows, y - 1])
            b = np.log(lhs[rows, y]) - np.log(rhs[rows, y])
            fr = a / (a - b)
        fr = np.where(np.isnan(fr), 1.0, np.clip(fr, 0.0, 1.0))
        tau[rows] = (y - 1) + fr
    return yi.astype(np.int64).reshape(n), tau


# ----------------------------------------------------------------------------
# Self-test


def example(n=1, over=None):
    """Central values of the calibration table (base year 2025) for n samples,
    with overrides {key: value}."""
    p = {
        "capex.base": 5e11,
        "capex.growth": 1.5,
        "capex.growth_longrun": 1.1,
        "capex.growth_halflife": 5.0,
        "capex.max_gdp_share": 0.015,
        "economy.gdp": 1.17e14,
        "economy.gdp_growth": 1.05,
        "economy.electricity": 29000.0,
        "economy.electricity_growth": 1.03,
        "hardware.stock": 1.1e22,
        "hardware.stock_efficiency": 7e11,
        "hardware.efficiency": 1.2e12,
        "hardware.efficiency_growth": 1.3,
        "hardware.price_performance": 2e10,
        "hardware.price_performance_growth": 1.35,
        "hardware.lifetime": 5.0,
        "supply.chips": 1.3e22,
        "supply.chips_growth": 1.7,
        "supply.chips_growth_longrun": 1.2,
        "supply.chips_growth_halflife": 4.0,
        "power.additions": 25.0,
        "power.additions_growth": 1.2,
        "power.additions_max": 100.0,
        "datacenter.pue": 1.2,
        "datacenter.pue_trend": 0.98,
        "inference.share": 0.5,
        "inference.share_max": 0.8,
        "inference.share_rate": 0.5,
        "training.utilization": 0.4,
        "inference.utilization": 0.12,
        "inference.utilization_growth": 1.05,
        "hardware.power_factor": 0.7,
        "training.power_factor": 0.8,
        "inference.power_factor": 0.6,
        "energy.price": 70.0,
        "energy.price_trend": 1.0,
    }
    for k, v in (over or {}).items():
        if k not in p:
            raise KeyError(k)
        p[k] = v
    return {k: np.full(n, v, dtype=np.float64) for k, v in p.items()}


def hand_case():
    """Two samples small enough to follow by hand (see _self_test): P = 1,
    E = 1e9 FLOP/s per W, L = 2, S0 = 1e19 FLOP/s, so N = S / 1e9 W and
    N P / 1e9 = S / 1e18 GW."""
    base = {
        "capex.base": 1e9, "capex.growth": 2.0, "capex.max_gdp_share": 0.01,
        "economy.gdp": 3e11, "economy.gdp_growth": 1.0,
        "economy.electricity": 1000.0, "economy.electricity_growth": 1.0,
        "hardware.stock": 1e19, "hardware.efficiency": 1e9, "hardware.efficiency_growth": 1.0,
        "hardware.price_performance": 1e10, "hardware.price_performance_growth": 2.0,
        "hardware.lifetime": 2.0,
        "supply.chips": 6e19, "supply.chips_growth": 2.0, "supply.chips_growth_longrun": 1.0,
        "supply.chips_growth_halflife": 1.0,
        "power.additions": 1000.0,
        "datacenter.pue": 1.0,
        "inference.share": 0.5, "inference.share_max": 0.5, "inference.share_rate": 0.0,
        "training.utilization": 0.5, "inference.utilization": 0.25,
        "energy.price": 100.0,
    }
    p = {k: np.array([v, v]) for k, v in base.items()}
    # Sample 1: power binds; M(t) = min(2 * 2^t, 3) = 3 GW/yr.
    p["power.additions"] = np.array([1000.0, 2.0])
    p["power.additions_growth"] = np.array([1.0, 2.0])
    p["power.additions_max"] = np.array([np.inf, 3.0])
    return p


def _self_test():
    """Analytic checks of this module; prints each and returns 0 when all pass."""
    fails = []

    def check(name, ok):
        print(("PASS " if ok else "FAIL ") + name)
        if not ok:
            fails.append(name)

    def close(a, b, rtol=1e-13):
        return bool(np.allclose(a, b, rtol=rtol, atol=0))

    y0, yh = 2025, 2040
    Y = yh - y0 + 1
    t = np.arange(Y, dtype=np.float64)
    rng = np.random.default_rng(11)
    n = 200

    # 1. Huge capex, chip and power ceilings: additions are capex demand * Q,
    #    every year binds on demand, and capex = capex demand.
    p = example(n)
    p["capex.base"] = rng.uniform(3e11, 7e11, n)
    p["capex.max_gdp_share"] = np.ones(n)
    p["economy.gdp"] = np.full(n, 1e30)
    p["supply.chips"] = np.full(n, 1e40)
    p["power.additions"] = np.full(n, 1e15)
    p["power.additions_max"] = np.full(n, np.inf)
    s, code = project(p, y0, yh, binding=True)
    Cd = growth(p["capex.base"][:, None], 1.5, 1.1, 5.0, t[None, :])
    Q = 2e10 * 1.35 ** t
    check("no binding ceiling: A(t) = Cd(t) Q(t)",
          close(s["hardware_added"][:, 1:], (Cd * Q)[:, 1:]))
    check("no binding ceiling: binding is demand every year", bool(np.all(code[:, 1:] == 0)))
    check("base year has no binding code", bool(np.all(code[:, 0] == -1)))
    check("no binding ceiling: capex = capex demand", close(s["capex"][:, 1:], Cd[:, 1:]))
    check("base-year capex = C0, added = C0 Q0",
          close(s["capex"][:, 0], p["capex.base"]) and
          close(s["hardware_added"][:, 0], p["capex.base"] * 2e10))

    # 2. L = 1 and (almost) no additions: the base stock retires at once, so
    #    after the base year the stock is just the year's additions.
    p = example(3, {"hardware.lifetime": 1.0, "supply.chips": 1e-300,
                      "supply.chips_growth": 1.0, "supply.chips_growth_longrun": 1.0})
    s, code = project(p, y0, yh, binding=True)
    check("L = 1, no additions: stock falls to (about) 0 after the base year",
          bool(np.all(s["hardware_stock"][:, 1:] <= 1e-299)) and
          close(s["hardware_stock"][:, 0], 1.1e22))
    check("L = 1: stock = additions, chips bind",
          close(s["hardware_stock"][:, 1:], s["hardware_added"][:, 1:]) and
          bool(np.all(code[:, 1:] == 2)))
    check("L = 1: hardware cost = capex of the year",
          close(s["hardware_cost"][:, 1:], s["capex"][:, 1:]))

    # 3. The hand-computed case (P = 1, E = 1e9, L = 2, S0 = 1e19; w(0) = w(1) = 1,
    #    w(2) = 0; r0 = 1, 1/2, 0, 0).
    #    Sample 0: Cd = 1e9 2^t, Cm = 3e9, Q = 1e10 2^t, K = 6e19 e^(1 - 2^-t)
    #    (the growth law with g = 2, g_inf = 1, h = 1: k = ln 2, C = 1).
    #      t=1: S_old = 5e18, a_capex = 2e9 * 2e10 = 4e19 (demand; K = 9.89e19)
    #           S = 4.5e19, N = 4.5e10 W, F = 45 GW, X = 2e9
    #      t=2: S_old = 4e19, a_capex = 3e9 * 4e10 = 1.2e20 (capex; K = 1.27e20)
    #           S = 1.6e20, F = 160 GW, X = 3e9
    #      t=3: S_old = 1.2e20, a_capex = 3e9 * 8e10 = 2.4e20 > K = 6e19 e^0.875
    #           (chips), S = 1.2e20 + K
    #    Sample 1: M = 3 GW/yr (2 * 2^t capped at 3), F0 = 10 GW.
    #      t=1: a_power = (10 + 3 - 5) 1e9 * 1e9 = 8e18 (power): S = 1.3e19, F = 13
    #      t=2: S_old = 8e18, a_power = (13 + 3 - 8) 1e18 = 8e18: S = 1.6e19, F = 16
    #      t=3: S_old = 8e18, a_power = (16 + 3 - 8) 1e18 = 1.1e19: S = 1.9e19, F = 19
    #    Hardware cost Z = (S0 r0 / Q0 + sum X(v) w) / L: sample 0, t=0: 1e9 / 2 = 5e8;
    #      t=1: (5e8 + 2e9) / 2 = 1.25e9; t=2: (2e9 + 3e9) / 2 = 2.5e9.
    K3 = 6e19 * math.exp(0.875)
    s, code = project(hand_case(), 2025, 2028, binding=True)
    check("hand case: binding codes",
          code.tolist() == [[-1, 0, 1, 2], [-1, 3, 3, 3]])
    check("hand case: additions",
          close(s["hardware_added"][:, 1:], [[4e19, 1.2e20, K3], [8e18, 8e18, 1.1e19]]))
    check("hand case: stock",
          close(s["hardware_stock"], [[1e19, 4.5e19, 1.6e20, 1.2e20 + K3],
                                      [1e19, 1.3e19, 1.6e19, 1.9e19]]))
    check("hand case: facility capacity",
          close(s["power_capacity"], [[10, 45, 160, 120 + K3 / 1e18], [10, 13, 16, 19]]))
    check("hand case: capex", close(s["capex"][0], [1e9, 2e9, 3e9, K3 / 8e10]))
    check("hand case: hardware cost", close(s["hardware_cost"][0, :3], [5e8, 1.25e9, 2.5e9]))
    # Split with s = 0.5, uT = 0.5, uI = 0.25, f = 1, P = 1; energy cost at 100 $/MWh.
    S1 = np.array([1e19, 1.3e19, 1.6e19, 1.9e19])
    check("hand case: hardware time and compute split",
          close(s["inference_hardware"][1], S1 / 2) and
          close(s["training_compute"][1], S1 / 2 * 0.5 * S_PER_YEAR) and
          close(s["inference_compute"][1], S1 / 2 * 0.25 * S_PER_YEAR) and
          close(s["inference_share"][1], np.full(4, 1 / 3)))
    check("hand case: power, energy, energy cost",
          close(s["power"][1], S1 / 1e18) and
          close(s["total_energy"][1], 8.766 * S1 / 1e18) and
          close(s["energy_cost"][1], 1e6 * 8.766 * S1 / 1e18 * 100) and
          close(s["electricity_share"][1], 8.766 * S1 / 1e18 / 1000))

    # 4. Identities on the central example.
    p = example(n)
    p["power.additions"] = rng.uniform(2, 40, n)
    p["power.additions_max"] = rng.uniform(5, 150, n)
    p["capex.max_gdp_share"] = rng.uniform(0.003, 0.03, n)
    p["hardware.lifetime"] = rng.uniform(1.0, 6.0, n)
    p["supply.chips_growth"] = rng.uniform(1.4, 2.2, n)
    p["supply.chips_growth_longrun"] = rng.uniform(1.2, 2.0, n)
    s, code = project(p, y0, yh, binding=True)
    check("facility capacity never falls", bool(np.all(np.diff(s["power_capacity"], axis=1) >= 0)))
    check("capex_gdp_share <= max_gdp_share after the base year",
          bool(np.all(s["capex_gdp_share"][:, 1:] <= p["capex.max_gdp_share"][:, None] * (1 + 1e-12))))
    check("facility draw <= capacity built",
          bool(np.all(s["power"] <= s["power_capacity"] * (1 + 1e-12))))
    check("hardware split sums to the stock",
          close(s["training_hardware"] + s["inference_hardware"], s["hardware_stock"]))
    check("spend sums to hardware plus energy cost",
          close(s["training_spend"] + s["inference_spend"],
                s["hardware_cost"] + s["energy_cost"], 1e-12))
    check("energy = 8.766 TWh per GW-year", close(s["total_energy"], 8.766 * s["power"], 1e-12))
    check("every binding constraint occurs", set(np.unique(code[:, 1:])) == {0, 1, 2, 3})
    sh = 0.8 / (1 + (0.8 / 0.5 - 1) * np.exp(-0.5 * t))
    check("inference hardware share follows the logistic",
          close(s["inference_hardware"] / s["hardware_stock"], np.broadcast_to(sh, (n, Y)), 1e-12))

    # 5. The crossing rule on hand rows.
    lhs = np.array([[3.0, 1, 1], [1, 4, 8], [1, 2, 4], [1, 1, 1], [0, 2, 2], [1, 1, 2]])
    rhs = np.array([[2.0, 2, 2], [2, 2, 2], [2, 2, 2], [2, 2, 2], [1, 1, 1], [2, 2, 2]])
    yi, tau = crossings(lhs, rhs)
    check("crossings: base year, between years, exact touch, never, zero, touch at end",
          yi.tolist() == [0, 1, 1, -1, 1, 2] and
          np.allclose(tau[:3], [0.0, 0.5, 1.0], rtol=0, atol=1e-15) and
          np.isinf(tau[3]) and tau[4] == 1.0 and tau[5] == 2.0)

    print("%d failed" % len(fails) if fails else "all passed")
    return 1 if fails else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(_self_test())
    print(__doc__)
    sys.exit(2)
