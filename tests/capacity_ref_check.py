#!/usr/bin/python3
"""The model `capacity` kernel (engine/mc_capacity.c) against the independent
NumPy reference (bench/reference_capacity.py), on random samples from fixed
seeds: calibrated ranges (docs/sources of the default job) and extreme ones
(lifetimes of 1 - 2 years, binding capex ceilings, binding power additions,
growth near zero, defaults, a 41-year grid).

Usage: capacity_ref_check.py CAPACITY_DUMP

For each case: every series within 1e-10 relative of the reference (a zero
must be zero), every binding code equal; the kernel's crossover years equal
the reference rule applied to the kernel's own grid (and to the reference's
grid, but where lhs and rhs are within 1e-9 of each other), and its crossing
times within the rounding that rule allows (mc_log against np.log); the kernel's
results the same bits whether the samples go through it at once or in
blocks of 7. Prints the largest differences; exit status 0 when all pass.
"""

import math
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import reference_capacity as rc  # noqa: E402

RTOL = 1e-10


def calibrated(rng, n):
    """Uniform over the 90% ranges of the calibration table of model
    `capacity` (base year 2025); judgement ranges where it gives none."""
    u = lambda lo, hi: rng.uniform(lo, hi, n)  # noqa: E731
    some_inf = lambda x, frac: np.where(rng.uniform(size=n) < frac, np.inf, x)  # noqa: E731
    return {
        "capex.base": u(3.5e11, 7e11),
        "capex.growth": u(1.3, 1.8),
        "capex.growth_longrun": u(1.0, 1.3),
        "capex.growth_halflife": some_inf(u(3, 10), 0.3),
        "capex.max_gdp_share": u(0.007, 0.03),
        "economy.gdp": u(1.12e14, 1.22e14),
        "economy.gdp_growth": u(1.04, 1.06),
        "economy.electricity": u(28000, 30500),
        "economy.electricity_growth": u(1.025, 1.04),
        "hardware.stock": u(0.9e22, 1.4e22),
        "hardware.stock_efficiency": u(5.5e11, 9e11),
        "hardware.efficiency": u(0.9e12, 1.5e12),
        "hardware.efficiency_growth": u(1.2, 1.45),
        "hardware.price_performance": u(1.3e10, 3e10),
        "hardware.price_performance_growth": u(1.25, 1.45),
        "hardware.lifetime": u(4, 6),
        "supply.chips": u(1.0e22, 1.8e22),
        "supply.chips_growth": u(1.4, 2.2),
        "supply.chips_growth_longrun": u(1.1, 1.5),
        "supply.chips_growth_halflife": some_inf(u(2, 8), 0.2),
        "power.additions": u(15, 40),
        "power.additions_growth": u(1.1, 1.4),
        "power.additions_max": some_inf(u(60, 150), 0.2),
        "datacenter.pue": u(1.08, 1.4),
        "datacenter.pue_trend": u(0.96, 1.0),
        "inference.share": u(0.35, 0.65),
        "inference.share_max": u(0.65, 0.92),
        "inference.share_rate": u(0.3, 0.8),
        "training.utilization": u(0.25, 0.55),
        "inference.utilization": u(0.05, 0.35),
        "inference.utilization_growth": u(1.0, 1.1),
        "hardware.power_factor": u(0.6, 0.85),
        "training.power_factor": u(0.75, 0.9),
        "inference.power_factor": u(0.5, 0.75),
        "energy.price": u(50, 90),
        "energy.price_trend": u(0.98, 1.03),
    }


def case_short_lifetimes(rng, n):
    p = calibrated(rng, n)
    p["hardware.lifetime"] = rng.uniform(1.0, 2.0, n)
    p["hardware.lifetime"][: n // 10] = 1.0
    p["hardware.lifetime"][n // 10: n // 5] = 2.0
    return p


def case_capex_binds(rng, n):
    p = calibrated(rng, n)
    p["capex.max_gdp_share"] = rng.uniform(0.001, 0.006, n)
    p["capex.growth"] = rng.uniform(1.5, 2.5, n)
    return p


def case_power_binds(rng, n):
    p = calibrated(rng, n)
    p["power.additions"] = rng.uniform(0.5, 8, n)
    p["power.additions_max"] = rng.uniform(1, 20, n)
    p["hardware.efficiency_growth"] = rng.uniform(1.0, 1.1, n)
    p["datacenter.pue"] = rng.uniform(1.0, 2.0, n)
    return p


def case_flat(rng, n):
    """Growth near zero (multipliers about 1, slow or no logistic approach),
    and some decline."""
    p = calibrated(rng, n)
    for k in ("capex.growth", "capex.growth_longrun", "economy.gdp_growth",
              "economy.electricity_growth", "hardware.efficiency_growth",
              "hardware.price_performance_growth", "supply.chips_growth",
              "supply.chips_growth_longrun", "power.additions_growth",
              "inference.utilization_growth", "energy.price_trend"):
        p[k] = rng.uniform(0.97, 1.03, n)
    p["inference.share_rate"] = np.where(rng.uniform(size=n) < 0.3, 0.0,
                                         rng.uniform(0, 0.05, n))
    p["inference.share_max"] = rng.uniform(0.2, 1.0, n)
    p["capex.growth_halflife"] = rng.uniform(0.5, 50, n)
    p["datacenter.pue_trend"] = np.where(rng.uniform(size=n) < 0.3, 1.0, rng.uniform(0.5, 1, n))
    return p


def case_defaults(rng, n):
    """Optional parameters left out, or NaN for some samples: the reference's
    defaults, handed to the kernel filled in."""
    p = calibrated(rng, n)
    for k in ("capex.growth_longrun", "capex.growth_halflife", "capex.max_gdp_share",
              "hardware.stock_efficiency", "supply.chips_growth_longrun",
              "supply.chips_growth_halflife", "power.additions_growth", "power.additions_max",
              "datacenter.pue_trend", "inference.utilization_growth", "hardware.power_factor",
              "energy.price_trend"):
        del p[k]
    for k in ("training.power_factor", "inference.power_factor"):
        p[k][rng.uniform(size=n) < 0.5] = np.nan
    return p


def case_long(rng, n):
    """A 41-year grid with lifetimes up to 12 years."""
    p = calibrated(rng, n)
    p["hardware.lifetime"] = rng.uniform(1.0, 12.0, n)
    p["capex.growth_longrun"] = rng.uniform(0.95, 1.1, n)
    return p


CASES = [
    ("calibrated", 1, calibrated, 2025, 2040, 3000),
    ("short_lifetimes", 2, case_short_lifetimes, 2025, 2040, 2000),
    ("capex_binds", 3, case_capex_binds, 2025, 2040, 2000),
    ("power_binds", 4, case_power_binds, 2025, 2040, 2000),
    ("flat", 5, case_flat, 2025, 2040, 2000),
    ("defaults", 6, case_defaults, 2025, 2040, 1000),
    ("long", 7, case_long, 2020, 2060, 1000),
]


def run_kernel(exe, params, ny, block=None):
    """The kernel's (grid {name: [n, Y]}, binding [n, Y] int, crossovers
    {name: (year [n], tau [n])}) for resolved parameters {key: [n, 1]}."""
    n = params[rc.PARAMS[0]].shape[0]
    buf = np.concatenate([np.ascontiguousarray(params[k][:, 0], dtype=np.float64)
                          for k in rc.PARAMS])
    data = np.array([n, ny], dtype=np.int32).tobytes() + buf.tobytes()
    args = [exe] + ([str(block)] if block else [])
    out = subprocess.run(args, input=data, stdout=subprocess.PIPE, check=True).stdout
    ng = len(rc.SERIES) * ny * n
    expect = ng * 8 + ny * n + 4 * n * 12
    if len(out) != expect:
        raise RuntimeError("capacity_dump wrote %d bytes, expected %d" % (len(out), expect))
    g = np.frombuffer(out, dtype=np.float64, count=ng).reshape(len(rc.SERIES), ny, n)
    grid = {name: g[s].T.copy() for s, name in enumerate(rc.SERIES)}
    off = ng * 8
    bind = np.frombuffer(out, dtype=np.uint8, count=ny * n, offset=off).reshape(ny, n).T
    bind = np.where(bind == 0xFF, -1, bind.astype(np.int64))
    off += ny * n
    cross = {}
    for name in rc.DEFAULT_CROSSOVERS:
        year = np.frombuffer(out, dtype=np.int32, count=n, offset=off).astype(np.int64)
        off += 4 * n
        tau = np.frombuffer(out, dtype=np.float64, count=n, offset=off).copy()
        off += 8 * n
        cross[name] = (year, tau)
    return grid, bind, cross, out


def tau_tolerance(lhs, rhs, year):
    """How far the crossing time may move when each ln carries a few ulps
    (mc_log within 3 ulp, np.log within 1): |d fr| <= (|b| da + |a| db) /
    (a - b)^2 with da, db the errors of d(y-1) and d(y)."""
    n = lhs.shape[0]
    tol = np.zeros(n)
    rows = np.nonzero(year > 0)[0]
    if rows.size:
        y = year[rows]
        with np.errstate(divide="ignore", invalid="ignore"):
            la, ra = np.log(lhs[rows, y - 1]), np.log(rhs[rows, y - 1])
            lb, rb = np.log(lhs[rows, y]), np.log(rhs[rows, y])
            a, b = la - ra, lb - rb
            eps = 8 * 2.0 ** -52
            da = eps * (np.abs(la) + np.abs(ra)) + 1e-300
            db = eps * (np.abs(lb) + np.abs(rb)) + 1e-300
            t = (np.abs(b) * da + np.abs(a) * db) / (a - b) ** 2
        tol[rows] = np.where(np.isfinite(t), 2 * t, np.inf) + 1e-13
    return tol


def main(argv):
    if len(argv) != 1:
        print(__doc__)
        return 2
    exe = argv[0]
    fails = []

    def check(name, ok, detail=""):
        print(("PASS " if ok else "FAIL ") + name + (": " + detail if detail else ""))
        if not ok:
            fails.append(name)

    for name, seed, gen, y0, yh, n in CASES:
        rng = np.random.default_rng(seed)
        raw = gen(rng, n)
        params = rc.resolve(raw)
        ref, rbind = rc.project(raw, y0, yh, binding=True)
        ny = yh - y0 + 1
        grid, bind, cross, out = run_kernel(exe, params, ny)
        worst, where = 0.0, ""
        bad = []
        for s in rc.SERIES:
            r, c = ref[s], grid[s]
            with np.errstate(divide="ignore", invalid="ignore"):
                rel = np.where(r == 0, np.where(c == 0, 0.0, np.inf), np.abs(c - r) / np.abs(r))
            rel = np.where(np.isnan(rel), np.inf, rel)
            m = float(rel.max())
            if m > worst:
                i, y = np.unravel_index(int(rel.argmax()), rel.shape)
                worst, where = m, "%s, sample %d, year %d" % (s, i, y0 + y)
            if m > RTOL:
                bad.append("%s (%.3g)" % (s, m))
        check("%s: every series within %g of the reference" % (name, RTOL), not bad,
              ", ".join(bad) if bad else "largest %.3g at %s" % (worst, where))
        nb = int((bind != rbind).sum())
        counts = np.bincount(rbind[:, 1:].ravel(), minlength=4)
        check("%s: binding codes equal" % name, nb == 0,
              "%d differ" % nb if nb else "counts over all years " + ", ".join(
                  "%s %d" % (b, k) for b, k in zip(rc.BINDING, counts)))
        worst_t, ok_y, ok_t, info = 0.0, True, True, []
        for cname, (lhs, rhs) in rc.DEFAULT_CROSSOVERS.items():
            year, tau = cross[cname]
            ry, rt = rc.crossings(grid[lhs], grid[rhs])
            ok_y &= bool(np.array_equal(year, ry))
            tol = tau_tolerance(grid[lhs], grid[rhs], ry)
            same_inf = np.isinf(tau) == np.isinf(rt)
            fin = np.isfinite(rt)
            d = np.abs(tau[fin] - rt[fin])
            ok_t &= bool(np.all(same_inf)) and bool(np.all(d <= tol[fin]))
            worst_t = max(worst_t, float(d.max()) if d.size else 0.0)
            # against the reference's own grid: years may differ only at near-ties
            oy, ot = rc.crossings(ref[lhs], ref[rhs])
            for i in np.nonzero(oy != year)[0]:
                ys = [y for y in (oy[i], year[i]) if y >= 0]
                gap = min(abs(ref[lhs][i, y] / ref[rhs][i, y] - 1) for y in ys) if ys else 1.0
                ok_y &= gap < 1e-9
            both = fin & np.isfinite(ot) & (oy == year)
            info.append("%s: %d crossed, %d differ from the reference grid's, |dtau| <= %.2g" % (
                cname, int((year >= 0).sum()), int((oy != year).sum()),
                float(np.abs(ot[both] - tau[both]).max()) if both.any() else 0.0))
        check("%s: crossover years = the rule on the kernel's grid (and the reference's, "
              "but at near-ties)" % name, ok_y)
        check("%s: crossing times within rounding of the rule" % name, ok_t,
              "largest %.3g; %s" % (worst_t, "; ".join(info)))
        g7, b7, c7, out7 = run_kernel(exe, params, ny, block=7)
        check("%s: the same bits in blocks of 7" % name, out7 == out)

    print("%d failed" % len(fails) if fails else "all passed")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
