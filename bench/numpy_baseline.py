#!/usr/bin/python3
"""Times the NumPy implementations of the models (bench/reference.py for model
demand, bench/reference_capacity.py for model capacity) as the baseline the C
engine is compared with.

    numpy_baseline.py [--model demand|capacity] [-n SAMPLES] [--cap] [--policy P]
                      [--repeat R] [--json]

Draws n samples of the parameters from lognormals matching the central values
and 90% ranges of docs/sources.md (model demand: a slowdown to a long-run
growth of 1.3 - 1.6 x/yr over 3 - 10 yr half-lives for both workloads), then
times, over all samples of one run:
  project     every output series at the grid years,
  crossings   crossover years and crossing times of the two default crossovers,
  statistics  bands (exact, by sorting), means and stds of every series and
              year, crossover-year counts and crossing-time quantiles,
and prints samples per second for each stage and for the whole (best of
--repeat runs; drawing the inputs is not timed). The work per sample is that of
one `crossover run` sample; the NumPy code does it exactly (sorting) where the
engine uses sketches.
"""

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference as ref  # noqa: E402
import reference_capacity as rc  # noqa: E402

Z95 = 1.6448536269514722
PERCENTILES = np.array([1, 5, 10, 25, 50, 75, 90, 95, 99], dtype=np.float64)


def draw(n, seed=2030, cap=False):
    """Inputs per docs/sources.md: lognormal with the given median and 90% range."""
    rng = np.random.default_rng(seed)

    def ln(med, p5, p95):
        return rng.lognormal(np.log(med), np.log(p95 / p5) / (2 * Z95), n)

    p = {
        "training.compute": ln(6e28, 2e28, 1.5e29),
        "training.growth": ln(2.7, 2.0, 3.5),
        "training.growth_longrun": ln(1.45, 1.3, 1.6),
        "training.growth_halflife": ln(5.5, 3.0, 10.0),
        "inference.compute": ln(1.5e28, 5e27, 5e28),
        "inference.growth": ln(4.0, 2.5, 6.0),
        "inference.growth_longrun": ln(1.45, 1.3, 1.6),
        "inference.growth_halflife": ln(5.5, 3.0, 10.0),
        "hardware.efficiency": ln(7.5e11, 5e11, 1.1e12),
        "hardware.efficiency_growth": ln(1.3, 1.2, 1.45),
        "hardware.power_factor": np.minimum(ln(0.7, 0.6, 0.85), 1.0),
        "training.utilization": np.minimum(ln(0.40, 0.25, 0.55), 1.0),
        "inference.utilization": np.minimum(ln(0.12, 0.05, 0.35), 1.0),
        "datacenter.pue": np.maximum(ln(1.2, 1.08, 1.40), 1.0),
        "datacenter.pue_trend": rng.uniform(0.96, 1.0, n),
    }
    if cap:
        p["power.capacity"] = ln(15.0, 10.0, 30.0)
        p["power.capacity_growth"] = ln(1.6, 1.3, 2.0)
    return p


def draw_capacity(n, seed=2030):
    """Model capacity's inputs: lognormals with the central values and 90%
    ranges of docs/sources.md (what the default job samples, without its
    correlations, truncations and the PERT of the PUE)."""
    rng = np.random.default_rng(seed)

    def ln(p5, p95):
        return rng.lognormal(0.5 * np.log(p5 * p95), np.log(p95 / p5) / (2 * Z95), n)

    return {
        "capex.base": ln(350e9, 700e9),
        "capex.growth": ln(1.3, 1.8),
        "capex.growth_longrun": ln(1.05, 1.25),
        "capex.growth_halflife": ln(2, 6),
        "capex.max_gdp_share": np.minimum(ln(0.007, 0.03), 1.0),
        "economy.gdp": ln(112e12, 122e12),
        "economy.gdp_growth": ln(1.04, 1.06),
        "economy.electricity": ln(27000, 30500),
        "economy.electricity_growth": ln(1.025, 1.04),
        "hardware.stock": ln(0.9e22, 1.3e22),
        "hardware.stock_efficiency": ln(6.5e11, 9e11),
        "hardware.efficiency": ln(0.9e12, 1.5e12),
        "hardware.efficiency_growth": ln(1.2, 1.45),
        "hardware.price_performance": ln(1.3e10, 3e10),
        "hardware.price_performance_growth": ln(1.25, 1.45),
        "hardware.lifetime": ln(4, 6),
        "supply.chips": ln(1.0e22, 1.8e22),
        "supply.chips_growth": ln(1.4, 2.2),
        "supply.chips_growth_longrun": ln(1.15, 1.4),
        "supply.chips_growth_halflife": ln(2, 5),
        "power.additions": ln(15, 40),
        "power.additions_growth": ln(1.1, 1.4),
        "power.additions_max": ln(60, 150),
        "datacenter.pue": np.maximum(ln(1.08, 1.40), 1.0),
        "datacenter.pue_trend": rng.uniform(0.96, 1.0, n),
        "inference.share": np.clip(ln(0.35, 0.65), 0.05, 0.95),
        "inference.share_max": np.clip(ln(0.65, 0.92), 0.5, 0.98),
        "inference.share_rate": ln(0.3, 0.8),
        "training.utilization": np.minimum(ln(0.25, 0.55), 1.0),
        "inference.utilization": np.minimum(ln(0.05, 0.35), 1.0),
        "inference.utilization_growth": ln(1.0, 1.1),
        "training.power_factor": np.minimum(ln(0.75, 0.9), 1.0),
        "inference.power_factor": np.minimum(ln(0.5, 0.75), 1.0),
        "energy.price": ln(50, 90),
    }


def run_once_capacity(params, y0, yh):
    t = {}
    t0 = time.perf_counter()
    series, bind = rc.project(params, y0, yh, binding=True)
    series = {k: np.ascontiguousarray(v) for k, v in series.items()}
    t["project"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    cross = {name: rc.crossings(series[lhs], series[rhs])
             for name, (lhs, rhs) in rc.DEFAULT_CROSSOVERS.items()}
    t["crossings"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    ny = yh - y0 + 1
    stats = ref.statistics(series, PERCENTILES)
    for name, (yi, tau) in cross.items():
        counts = np.bincount(yi[yi >= 0], minlength=ny)
        stats["crossover." + name] = (counts, ref.percentile(tau, PERCENTILES))
    stats["constraints"] = [(bind == c).sum(axis=0) for c in range(len(rc.BINDING))]
    t["statistics"] = time.perf_counter() - t0
    return t, stats


def run_once(params, y0, yh, policy):
    t = {}
    t0 = time.perf_counter()
    series = ref.project(params, y0, yh, policy)
    series = {k: np.ascontiguousarray(v) for k, v in series.items()}
    t["project"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    cross = {name: ref.crossings(params, y0, yh, lhs, rhs, policy)
             for name, (lhs, rhs) in ref.DEFAULT_CROSSOVERS.items()}
    t["crossings"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    ny = yh - y0 + 1
    stats = ref.statistics(series, PERCENTILES)
    for name, (yi, tau) in cross.items():
        counts = np.bincount(yi[yi >= 0], minlength=ny)
        stats["crossover." + name] = (counts, ref.percentile(tau, PERCENTILES))
    t["statistics"] = time.perf_counter() - t0
    return t, stats


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="demand", choices=("demand", "capacity"))
    ap.add_argument("-n", "--samples", type=int, default=200000)
    ap.add_argument("--base-year", type=int, default=2025)
    ap.add_argument("--horizon-year", type=int, default=2040)
    ap.add_argument("--cap", action="store_true", help="configure power.capacity")
    ap.add_argument("--policy", default="proportional", choices=ref.POLICIES)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2030)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    a = ap.parse_args(argv)

    cap = a.model == "capacity"
    params = draw_capacity(a.samples, a.seed) if cap else draw(a.samples, a.seed, a.cap)
    best = None
    for _ in range(max(1, a.repeat)):
        if cap:
            t, stats = run_once_capacity(params, a.base_year, a.horizon_year)
        else:
            t, stats = run_once(params, a.base_year, a.horizon_year, a.policy)
        t["total"] = sum(t.values())
        best = t if best is None else {k: min(best[k], t[k]) for k in t}
    n = a.samples
    rate = {k: n / v for k, v in best.items()}
    med = {name: float(stats[name][0][-1, list(PERCENTILES).index(50)])
           for name in ("power", "total_energy")}
    out = {
        "implementation": "numpy reference (bench/%s)"
        % ("reference_capacity.py" if cap else "reference.py"),
        "model": a.model,
        "numpy": np.__version__,
        "samples": n,
        "years": "%d-%d" % (a.base_year, a.horizon_year),
        "cap": a.cap,
        "policy": a.policy,
        "seconds": best,
        "samples_per_second": rate,
        "median_%d" % a.horizon_year: med,
    }
    if a.json:
        print(json.dumps(out))
    else:
        print("numpy reference, model %s: %d samples, %s, %s, best of %d, numpy %s"
              % (a.model, n, out["years"], ("cap, " + a.policy) if a.cap else "no cap",
                 a.repeat, np.__version__))
        for k in ("project", "crossings", "statistics", "total"):
            print("  %-10s %8.3f s  %12.0f samples/s" % (k, best[k], rate[k]))
        print("samples/second: %.0f" % rate["total"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
