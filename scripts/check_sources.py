#!/usr/bin/python3
"""The calibration checks of docs/sources.md against a results file of the
default job (model capacity): medians and tails of the bands, crossover
medians and the probability of no compute crossover by the horizon.

    check_sources.py RESULTS.h5 [--markdown]

Prints one row per check (check, bound, value, pass) and exits 0 when every
check passes, 1 otherwise, 2 when the file lacks what a check needs.

inference_hardware / hardware_stock equals the inference share of hardware
time s(t) in every sample, so its base-year median is the median of the
sampled inference.share (/parameters). capex_gdp_share can never exceed the
sample's own ceiling capex.max_gdp_share, so its 99th percentile is checked
against the ceiling's.
"""
import sys

import h5py
import numpy as np


def main(argv):
    md = "--markdown" in argv
    paths = [a for a in argv if not a.startswith("--")]
    if len(paths) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    with h5py.File(paths[0], "r") as f:
        years = list(f["year"][:])
        pct = list(f["percentile"][:])
        n = int(f.attrs["samples"])

        def band(series, year, p):
            return float(f["series/%s/percentiles" % series][years.index(year), pct.index(p)])

        def param(key, p):
            return float(f["parameters/%s/percentiles" % key][pct.index(p)])

        def cross_median(name):
            return float(f["crossover/%s/time_quantiles" % name][pct.index(50.0)])

        def never(name):
            return int(f["crossover/%s" % name].attrs["never"]) / n

        T, G = 1e12, 1e9
        rows = [
            ("2025 total_energy median", "70 - 110 TWh", band("total_energy", 2025, 50), 70, 110, 1),
            ("2025 total_energy p95", "<= 150 TWh", band("total_energy", 2025, 95), None, 150, 1),
            ("2025 power median", "8 - 13 GW", band("power", 2025, 50), 8, 13, 1),
            ("2025 inference_hardware / hardware_stock median", "0.4 - 0.6",
             param("inference.share", 50), 0.4, 0.6, 1),
            ("2025 inference_share (executed FLOP) median", "0.15 - 0.35",
             band("inference_share", 2025, 50), 0.15, 0.35, 1),
            ("2025 capex median", "$0.35 - 0.7T", band("capex", 2025, 50), 0.35 * T, 0.7 * T, T),
            ("2030 power median", "60 - 130 GW", band("power", 2030, 50), 60, 130, 1),
            ("2030 power p95", "<= 300 GW", band("power", 2030, 95), None, 300, 1),
            ("2035 power median", "80 - 300 GW", band("power", 2035, 50), 80, 300, 1),
            ("2035 power p95", "<= 500 GW", band("power", 2035, 95), None, 500, 1),
            ("2040 electricity_share p99", "<= 0.15", band("electricity_share", 2040, 99), None,
             0.15, 1),
            ("2040 capex_gdp_share p99", "<= ceiling's p99 (%.4f)" % param("capex.max_gdp_share", 99),
             band("capex_gdp_share", 2040, 99), None, param("capex.max_gdp_share", 99), 1),
            ("hardware crossing time median", "<= 2026.5", cross_median("hardware"), None, 2026.5, 1),
            ("compute crossing time median", "2028 - 2031", cross_median("compute"), 2028, 2031, 1),
            ("P(no compute crossover by %d)" % years[-1], "<= 0.25", never("compute"), None, 0.25, 1),
        ]
    T = 1e12
    bad = 0
    if md:
        print("| check | bound | value | pass |\n|---|---|---|---|")
    for name, bound, v, lo, hi, unit in rows:
        ok = (lo is None or v >= lo) and (hi is None or v <= hi)
        bad += not ok
        val = "%.2f" % v if v > 1000 and unit == 1 else "%.4g%s" % (v / unit, "T" if unit == T else "")
        if md:
            print("| %s | %s | %s | %s |" % (name, bound, val, "yes" if ok else "**no**"))
        else:
            print("%-50s %-28s %-12s %s" % (name, bound, val, "pass" if ok else "FAIL"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
