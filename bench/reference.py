#!/usr/bin/python3
"""An independent NumPy implementation of the projection model (docs/model.md).

Written from docs/model.md alone, vectorized over samples, everything in float64.
It serves as the oracle of tests/check_stats.py and as the NumPy baseline of
bench/numpy_baseline.py.

Parameters are given as a dict from the keys of docs/model.md to arrays [n] (or
scalars). Optional keys may be absent or NaN per sample, which selects the
docs/model.md default: growth_longrun = growth, growth_halflife = inf (no slowdown),
power_factor = 1, pue = 1, pue_trend = 1, and no power cap where
power.capacity is absent.

Module use:
    import reference as ref
    s = ref.project(params, 2025, 2040, policy="proportional")   # {name: [n, Y]}
    year_index, tau = ref.crossings(params, 2025, 2040,
                                    "inference_compute", "training_compute")
    ref.percentile(s["power"][:, 5], 50)

CLI:
    reference.py RESULTS.h5 [-p 5,50,95]   recompute a results file's statistics
                                           from its /samples (outputs: {samples: true})
    reference.py --self-test               analytic checks of this module
"""

import math
import sys

import numpy as np

S_PER_YEAR = 31557600.0  # s/yr (Julian year), docs/model.md
J_PER_TWH = 3.6e15
POLICIES = ("proportional", "inference_first", "training_first")

PARAMS = (
    "training.compute",
    "training.growth",
    "training.growth_longrun",
    "training.growth_halflife",
    "inference.compute",
    "inference.growth",
    "inference.growth_longrun",
    "inference.growth_halflife",
    "hardware.efficiency",
    "hardware.efficiency_growth",
    "hardware.power_factor",
    "training.utilization",
    "inference.utilization",
    "datacenter.pue",
    "datacenter.pue_trend",
    "power.capacity",
    "power.capacity_growth",
)
REQUIRED = (
    "training.compute",
    "training.growth",
    "inference.compute",
    "inference.growth",
    "hardware.efficiency",
    "hardware.efficiency_growth",
    "training.utilization",
    "inference.utilization",
)
SERIES = (
    "training_compute",
    "inference_compute",
    "total_compute",
    "inference_share",
    "training_energy",
    "inference_energy",
    "total_energy",
    "power",
    "power_shortfall",
)
DEFAULT_CROSSOVERS = {
    "compute": ("inference_compute", "training_compute"),
    "energy": ("inference_energy", "training_energy"),
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


def has_cap(params):
    """True when power.capacity is configured (present and not all NaN)."""
    w = params.get("power.capacity")
    return w is not None and bool(np.any(np.isfinite(np.asarray(w, dtype=np.float64))))


def resolve(params):
    """The 17 parameters as float64 arrays [n, 1] with docs/model.md's defaults filled
    in (NaN or absent -> default). Raises KeyError for a missing required key."""
    n = _n_of(params)
    missing = [k for k in REQUIRED if k not in params]
    if missing:
        raise KeyError("missing parameters: " + ", ".join(missing))

    def col(key, default=None):
        if key in params:
            a = np.broadcast_to(np.asarray(params[key], dtype=np.float64), (n,)).copy()
        else:
            a = np.full(n, np.nan)
        if default is not None:
            d = np.broadcast_to(np.asarray(default, dtype=np.float64), (n,))
            a = np.where(np.isnan(a), d, a)
        return a[:, None]

    p = {}
    for k in REQUIRED:
        p[k] = col(k)
    for side in ("training", "inference"):
        p[side + ".growth_longrun"] = col(side + ".growth_longrun", p[side + ".growth"][:, 0])
        p[side + ".growth_halflife"] = col(side + ".growth_halflife", np.inf)
    p["hardware.power_factor"] = col("hardware.power_factor", 1.0)
    p["datacenter.pue"] = col("datacenter.pue", 1.0)
    p["datacenter.pue_trend"] = col("datacenter.pue_trend", 1.0)
    p["power.capacity"] = col("power.capacity")  # NaN: no cap for that sample
    p["power.capacity_growth"] = col("power.capacity_growth", 1.0)
    return p


def growth_coefficients(x0, g, g_inf, h):
    """(a, b, c, k) with ln X(t) = a + b t + c (1 - exp(-k t)): a = ln x0; on the
    slowdown branch (finite h, g != g_inf) b = ln g_inf, c = (ln g - ln g_inf) / k,
    k = ln 2 / h; otherwise b = ln g, c = 0 (and k = 1, unused)."""
    r, r_inf = np.log(g), np.log(g_inf)
    slow = np.isfinite(h) & (g != g_inf)
    k = np.where(slow, math.log(2.0) / np.where(slow, h, 1.0), 1.0)
    b = np.where(slow, r_inf, r)
    c = np.where(slow, (r - r_inf) / k, 0.0)
    return np.log(x0), b, c, k


def growth(x0, g, g_inf, h, t):
    """docs/model.md "Equations": X(t) with base x0, initial multiplier g, long-run
    multiplier g_inf and half-life h (inf: no slowdown)."""
    a, b, c, k = growth_coefficients(x0, g, g_inf, h)
    lnx = a + b * t
    if np.any(c != 0.0):
        lnx = lnx + c * -np.expm1(-k * t)
    with np.errstate(over="ignore"):
        return np.exp(lnx)


_ENERGY_SERIES = ("training_energy", "inference_energy", "total_energy", "power")


def evaluate(p, t, policy="proportional", cap=None, names=None):
    """Served series (docs/model.md "Output series") at times t (years since the
    base year), for resolved parameters p (see resolve). t broadcasts against
    [n, 1]: a row [m] gives [n, m], a column [n, 1] one time per sample.
    names: the series wanted (default: all; power_shortfall only with a cap)."""
    policy = policy or "proportional"
    if policy not in POLICIES:
        raise ValueError("unknown power policy %r (valid: %s)" % (policy, ", ".join(POLICIES)))
    if cap is None:
        cap = bool(np.any(np.isfinite(p["power.capacity"])))
    want = set(SERIES if names is None else names)
    if not cap and "power_shortfall" in want:
        if names is not None:
            raise KeyError("no series power_shortfall (it needs power.capacity)")
        want.discard("power_shortfall")
    bad = want - set(SERIES)
    if bad:
        raise KeyError("no series %s" % sorted(bad))
    t = np.asarray(t, dtype=np.float64)
    T = growth(p["training.compute"], p["training.growth"], p["training.growth_longrun"],
               p["training.growth_halflife"], t)
    I = growth(p["inference.compute"], p["inference.growth"], p["inference.growth_longrun"],
               p["inference.growth_halflife"], t)
    out = {}
    if cap or want & set(_ENERGY_SERIES):
        E = p["hardware.efficiency"] * np.power(p["hardware.efficiency_growth"], t)
        P = 1.0 + (p["datacenter.pue"] - 1.0) * np.power(p["datacenter.pue_trend"], t)
        fPE = p["hardware.power_factor"] * P / E
        ET = T * fPE / p["training.utilization"]
        EI = I * fPE / p["inference.utilization"]
        if cap:
            D = (ET + EI) / S_PER_YEAR / 1e9
            W0 = p["power.capacity"]
            W = W0 * np.power(p["power.capacity_growth"], t)
            capped = np.isfinite(W0) & (D > W)
            if capped.any():
                A = W * 1e9 * S_PER_YEAR
                if policy == "proportional":
                    scale = W / D
                    ETc, EIc = ET * scale, EI * scale
                elif policy == "inference_first":
                    EIc = np.minimum(EI, A)
                    ETc = A - EIc
                else:
                    ETc = np.minimum(ET, A)
                    EIc = A - ETc
                ETs = np.where(capped, ETc, ET)
                EIs = np.where(capped, EIc, EI)
                T = np.where(capped, T * (ETs / ET), T)
                I = np.where(capped, I * (EIs / EI), I)
                ET, EI = ETs, EIs
            if "power_shortfall" in want:
                out["power_shortfall"] = np.where(np.isfinite(W0), np.maximum(0.0, D - W), 0.0)
        if "training_energy" in want:
            out["training_energy"] = ET / J_PER_TWH
        if "inference_energy" in want:
            out["inference_energy"] = EI / J_PER_TWH
        if "total_energy" in want:
            out["total_energy"] = ET / J_PER_TWH + EI / J_PER_TWH
        if "power" in want:
            out["power"] = (ET + EI) / S_PER_YEAR / 1e9
    if "training_compute" in want:
        out["training_compute"] = T
    if "inference_compute" in want:
        out["inference_compute"] = I
    if "total_compute" in want:
        out["total_compute"] = T + I
    if "inference_share" in want:
        out["inference_share"] = I / (T + I)
    shape = np.broadcast_shapes(p["training.compute"].shape, t.shape)
    return {k: np.broadcast_to(out[k], shape) for k in SERIES if k in out}


def project(params, base_year, horizon_year, policy=None, names=None):
    """Every output series at the grid years: {name: float64 [n, Y]} with
    Y = horizon_year - base_year + 1. power_shortfall only with a cap."""
    base_year, horizon_year = int(base_year), int(horizon_year)
    if horizon_year <= base_year:
        raise ValueError("horizon_year must exceed base_year")
    t = np.arange(horizon_year - base_year + 1, dtype=np.float64)
    p = resolve(params)
    return evaluate(p, t[None, :], policy, has_cap(params), names)


def crossover_year_index(lhs, rhs):
    """First grid-year index with lhs >= rhs per sample, -1 for never: lhs, rhs [n, Y]."""
    ok = lhs >= rhs
    return np.where(ok.any(axis=1), ok.argmax(axis=1), -1)


SCAN_PER_YEAR = 12
BISECTIONS = 8


def crossings(params, base_year, horizon_year, lhs, rhs, policy=None, chunk=4096):
    """docs/model.md "Crossovers" for the series pair (lhs, rhs).

    Returns (year_index, tau): year_index [n] int64, the index of the first grid
    year with lhs >= rhs (-1: never); tau [n] float64, the crossing time in years
    since the base year (inf: censored). tau: scan t_j = j/12, j = 0..12(YH-Y0);
    the first j with lhs >= rhs gives tau = 0 when j = 0, else the bracket
    [t_{j-1}, t_j] is bisected 8 times, keeping the half whose lower end has
    lhs < rhs and upper end lhs >= rhs; tau is the final upper end."""
    base_year, horizon_year = int(base_year), int(horizon_year)
    p_all = resolve(params)
    cap = has_cap(params)
    n = p_all["training.compute"].shape[0]
    nyears = horizon_year - base_year
    m = SCAN_PER_YEAR * nyears + 1
    tgrid = np.arange(m, dtype=np.float64) / SCAN_PER_YEAR
    year_index = np.empty(n, dtype=np.int64)
    tau = np.empty(n, dtype=np.float64)
    names = (lhs, rhs)
    for a in range(0, n, chunk):
        b = min(n, a + chunk)
        p = {k: v[a:b] for k, v in p_all.items()}
        s = evaluate(p, tgrid[None, :], policy, cap, names)
        ok = s[lhs] >= s[rhs]
        year_index[a:b] = crossover_year_index(s[lhs][:, ::SCAN_PER_YEAR],
                                               s[rhs][:, ::SCAN_PER_YEAR])
        anyok = ok.any(axis=1)
        j = ok.argmax(axis=1)
        hi = tgrid[j]
        lo = tgrid[np.maximum(j - 1, 0)]
        todo = anyok & (j > 0)
        if todo.any():
            idx = np.nonzero(todo)[0]
            ps = {k: v[idx] for k, v in p.items()}
            blo, bhi = lo[idx], hi[idx]
            for _ in range(BISECTIONS):
                mid = 0.5 * (blo + bhi)
                sm = evaluate(ps, mid[:, None], policy, cap, names)
                up = (sm[lhs] >= sm[rhs])[:, 0]
                bhi = np.where(up, mid, bhi)
                blo = np.where(up, blo, mid)
            hi[idx] = bhi
        tau[a:b] = np.where(anyok, np.where(j == 0, 0.0, hi), np.inf)
    return year_index, tau


def order_k(p, n):
    """docs/model.md "Statistics": k = max(1, ceil(p n / 100)), at most n (1-based)."""
    k = np.ceil(np.asarray(p, dtype=np.float64) * float(n) / 100.0)
    return np.clip(k, 1, max(n, 1)).astype(np.int64)


def percentile(x, p, axis=0):
    """The order statistic x(k), k = max(1, ceil(p n / 100)), of x along axis
    (p in percent, a scalar or a 1-D array), exactly as sorting would give it.
    The result has shape p.shape + the shape of x without axis: [Q, Y] for
    x [n, Y]. NaN sorts last (numpy), so
    pass finite values, or inf for censored ones."""
    x = np.asarray(x, dtype=np.float64)
    n = x.shape[axis]
    if n == 0:
        return np.full(np.shape(p) + x.shape[:axis] + x.shape[axis + 1:], np.nan)
    k = order_k(p, n)
    # A partition at every k puts those order statistics where a sort would.
    xs = np.partition(np.ascontiguousarray(np.moveaxis(x, axis, -1)), np.unique(k - 1), axis=-1)
    r = xs[..., k - 1]
    return np.moveaxis(r, -1, 0) if np.ndim(k) else r


def statistics(series, percentiles):
    """Bands, means and population stds of {name: [n, Y]}: {name: (pct [Y, Q],
    mean [Y], std [Y])}."""
    out = {}
    for name, v in series.items():
        pct = percentile(v, np.asarray(percentiles), axis=0).T
        out[name] = (np.ascontiguousarray(pct), v.mean(axis=0), v.std(axis=0))
    return out


# ----------------------------------------------------------------------------
# CLI


def read_samples(h5):
    """Parameters from /samples of an open h5py results file: {key: [n]}."""
    g = h5["samples"]
    return {k: np.asarray(g[k][...], dtype=np.float64) for k in PARAMS if k in g}


def _cli(argv):
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", nargs="?", help="results file written with outputs: {samples: true}")
    ap.add_argument("-p", "--percentiles", default="5,50,95")
    ap.add_argument("--policy", help="power policy (default: from the file's config)")
    ap.add_argument("--self-test", action="store_true", help="run analytic checks and exit")
    a = ap.parse_args(argv)
    if a.self_test:
        return _self_test()
    if not a.results:
        ap.error("a results file or --self-test is required")
    import re

    import h5py

    pcts = [float(s) for s in a.percentiles.split(",")]
    with h5py.File(a.results, "r") as f:
        y0, yh = int(f.attrs["base_year"]), int(f.attrs["horizon_year"])
        params = read_samples(f)
        policy = a.policy
        if policy is None:
            cfg = f.attrs.get("config", b"")
            cfg = cfg.decode() if isinstance(cfg, bytes) else str(cfg)
            m = re.search(r"policy:\s*([A-Za-z_]+)", cfg)
            policy = m.group(1) if m else "proportional"
        cross = {}
        if "crossover" in f:
            for name, g in f["crossover"].items():
                lhs, rhs = g.attrs["lhs"], g.attrs["rhs"]
                cross[name] = tuple(v.decode() if isinstance(v, bytes) else str(v)
                                    for v in (lhs, rhs))
        cross = cross or DEFAULT_CROSSOVERS
    s = project(params, y0, yh, policy)
    n = next(iter(s.values())).shape[0]
    years = np.arange(y0, yh + 1)
    print("# %d samples, %d-%d, policy %s" % (n, y0, yh, policy))
    for name, v in s.items():
        print("\n%s: year, mean, %s" % (name, ", ".join("p%g" % q for q in pcts)))
        for j, y in enumerate(years):
            q = percentile(v[:, j], np.asarray(pcts))
            print("%d %.6g %s" % (y, v[:, j].mean(), " ".join("%.6g" % x for x in q)))
    for name, (lhs, rhs) in cross.items():
        yi, tau = crossings(params, y0, yh, lhs, rhs, policy)
        counts = np.bincount(yi[yi >= 0], minlength=len(years))
        print("\ncrossover %s (%s >= %s): never %d" % (name, lhs, rhs, int((yi < 0).sum())))
        for j, y in enumerate(years):
            print("%d %.6f %.6f" % (y, counts[j] / n, counts[: j + 1].sum() / n))
        tq = percentile(tau, np.asarray(pcts))
        print("crossing year quantiles: " +
              " ".join("p%g=%s" % (q, "censored" if np.isinf(v) else "%.4f" % (y0 + v))
                       for q, v in zip(pcts, tq)))
    return 0


def _self_test():
    """Analytic checks of this module; prints each and returns 0 when all pass."""
    fails = []

    def check(name, ok):
        print(("PASS " if ok else "FAIL ") + name)
        if not ok:
            fails.append(name)

    rng = np.random.default_rng(5)
    n = 2000
    base = {
        "training.compute": rng.lognormal(np.log(6e28), 0.5, n),
        "training.growth": rng.lognormal(np.log(2.7), 0.1, n),
        "inference.compute": rng.lognormal(np.log(1.5e28), 0.6, n),
        "inference.growth": rng.lognormal(np.log(4.0), 0.1, n),
        "hardware.efficiency": np.full(n, 7.5e11),
        "hardware.efficiency_growth": np.full(n, 1.3),
        "training.utilization": np.full(n, 0.4),
        "inference.utilization": np.full(n, 0.12),
    }
    y0, yh = 2025, 2040
    s = project(base, y0, yh)
    t = np.arange(yh - y0 + 1.0)
    T = base["training.compute"][:, None] * base["training.growth"][:, None] ** t
    check("exponential growth without slowdown",
          np.allclose(s["training_compute"], T, rtol=1e-13, atol=0))
    # Energy and power from the definitions, with all defaults (f = 1, PUE = 1).
    ET = T / (0.4 * 7.5e11 * 1.3 ** t)
    check("training energy = T f P / (uT E) in TWh",
          np.allclose(s["training_energy"], ET / 3.6e15, rtol=1e-13, atol=0))
    check("power = total energy / S / 1e9",
          np.allclose(s["power"], s["total_energy"] * 3.6e15 / S_PER_YEAR / 1e9, rtol=1e-13))
    check("no power_shortfall without a cap", "power_shortfall" not in s)
    # Crossing time of two exponentials: tau = ln(T0/I0) / ln(gI/gT).
    yi, tau = crossings(base, y0, yh, "inference_compute", "training_compute")
    lr = np.log(base["inference.growth"] / base["training.growth"])
    l0 = np.log(base["training.compute"] / base["inference.compute"])
    with np.errstate(divide="ignore"):
        exact = np.where(l0 <= 0, 0.0, np.where(lr > 0, l0 / lr, np.inf))
    inside = exact <= yh - y0
    check("crossing time within 1/(12*256) yr of the analytic one",
          bool(np.all(np.abs(tau[inside] - exact[inside]) <= 1.0 / 3072 + 1e-12))
          and bool(np.all(tau[inside] >= exact[inside] - 1e-12)))
    check("censored beyond the horizon", bool(np.all(np.isinf(tau[~inside]))))
    check("crossover year = first grid year at or after tau",
          bool(np.all(yi[inside] == np.ceil(exact[inside] - 1e-9)))
          and bool(np.all(yi[~inside] == -1)))
    check("a sample crossed in the base year has tau = 0 and year index 0",
          bool(np.all((tau == 0) == (yi == 0))) and bool(np.any(yi == 0)))
    # Slowdown: half-life h halves the log-growth gap every h years.
    p = dict(base, **{"training.growth_longrun": np.full(n, 1.4),
                      "training.growth_halflife": np.full(n, 4.0)})
    s2 = project(p, y0, yh)
    r = np.log(s2["training_compute"][:, 1:] / s2["training_compute"][:, :-1])
    gap = r - np.log(1.4)
    check("growth-rate gap halves over one half-life",
          np.allclose(gap[:, 4:] / gap[:, :-4], 0.5, rtol=1e-9))
    ln_g = np.log(p["training.growth"])[:, None]
    k = np.log(2) / 4.0
    lnX = np.log(p["training.compute"])[:, None] + np.log(1.4) * t + \
        (ln_g - np.log(1.4)) * (1 - np.exp(-k * t)) / k
    check("slowdown formula", np.allclose(np.log(s2["training_compute"]), lnX, rtol=0,
                                          atol=1e-12))
    # NaN halflife and longrun select the defaults.
    p3 = dict(base, **{"training.growth_longrun": np.full(n, np.nan),
                       "training.growth_halflife": np.full(n, np.nan)})
    check("NaN optional parameters select the defaults",
          np.array_equal(project(p3, y0, yh)["training_compute"], s["training_compute"]))
    # PUE trend: P(t) = 1 + (P0 - 1) dP^t.
    p4 = dict(base, **{"datacenter.pue": np.full(n, 1.4), "datacenter.pue_trend": np.full(n, 0.9),
                       "hardware.power_factor": np.full(n, 0.7)})
    s4 = project(p4, y0, yh)
    check("PUE trend and power factor", np.allclose(
        s4["total_energy"] / s["total_energy"], 0.7 * (1 + 0.4 * 0.9 ** t), rtol=1e-13))
    # Power cap under each policy.
    pc = dict(p4, **{"power.capacity": np.full(n, 15.0), "power.capacity_growth": np.full(n, 1.6)})
    W = 15.0 * 1.6 ** t
    for pol in POLICIES:
        sc = project(pc, y0, yh, pol)
        D = s4["power"]
        over = D > W
        check("%s: served power = min(D, W)" % pol,
              np.allclose(sc["power"], np.minimum(D, W), rtol=1e-12))
        check("%s: shortfall = max(0, D - W)" % pol,
              np.allclose(sc["power_shortfall"], np.maximum(0, D - W), rtol=1e-12, atol=0))
        check("%s: uncapped years unchanged" % pol,
              np.array_equal(sc["training_compute"][~over], s4["training_compute"][~over]))
        ratio_T = sc["training_compute"] / s4["training_compute"]
        ratio_ET = sc["training_energy"] / s4["training_energy"]
        check("%s: served compute scales with served energy" % pol,
              np.allclose(ratio_T, ratio_ET, rtol=1e-12))
        A = W * 1e9 * S_PER_YEAR / 3.6e15
        if pol == "proportional":
            ok = np.allclose(sc["inference_share"], s4["inference_share"], rtol=1e-12)
        elif pol == "inference_first":
            want = np.where(over, np.minimum(s4["inference_energy"], A), s4["inference_energy"])
            ok = np.allclose(sc["inference_energy"], want, rtol=1e-12)
        else:
            want = np.where(over, np.minimum(s4["training_energy"], A), s4["training_energy"])
            ok = np.allclose(sc["training_energy"], want, rtol=1e-12)
        check("%s: sharing rule" % pol, ok)
    # Percentile convention.
    x = np.arange(1.0, 11.0)
    check("percentile k = max(1, ceil(p n / 100))",
          list(percentile(x, np.array([1e-9, 10, 10.0001, 50, 99.9, 100]))) ==
          [1.0, 1.0, 2.0, 5.0, 10.0, 10.0])
    print("%d failed" % len(fails) if fails else "all passed")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(_cli(sys.argv[1:]))
