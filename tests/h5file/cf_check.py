#!/usr/bin/python3
"""Checks the CF attributes of a Crossover results file.

Usage: cf_check.py FILE.h5 [--state-deflated]

Root attribute Conventions = "CF-1.8"; every dataset outside /state a
long_name; every `units` attribute (of a dataset or a group) a unit that
UDUNITS-2 parses (the udunits2 program, package udunits-bin; without it, a
hand-checked list); no "year" units (crossing times and the grid are calendar
years: units "1"); display_units only beside units that differ from it. With
--state-deflated, the large /state datasets must be shuffled and deflated.
Exits 0 when the file passes, 1 with the problems listed."""
import shutil
import subprocess
import sys

import h5py

# Checked by hand with udunits2 2.2.28 where the program is missing.
KNOWN_GOOD = {"1", "percent", "yr", "yr-1", "s-1", "J-1", "GW", "GW yr-1", "TW h yr-1",
              "s-1 yr-1", "MW-1 h-1"}


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def udunits_ok(unit, cache={}):
    if unit not in cache:
        if shutil.which("udunits2"):
            r = subprocess.run(["udunits2", "-H", unit, "-W", ""], stdin=subprocess.DEVNULL,
                               capture_output=True, text=True)
            cache[unit] = r.returncode == 0 and "recognize" not in r.stdout + r.stderr
        else:
            cache[unit] = unit in KNOWN_GOOD
    return cache[unit]


def main(argv):
    path = argv[0]
    problems = []
    with h5py.File(path, "r") as f:
        if text(f.attrs.get("Conventions", "")) != "CF-1.8":
            problems.append(f"root attribute Conventions is {f.attrs.get('Conventions')!r}")
        objs = {"/": f}
        f.visititems(lambda n, o: objs.__setitem__("/" + n, o))
        nunits = 0
        for name, o in objs.items():
            state = name == "/state" or name.startswith("/state/")
            if isinstance(o, h5py.Dataset) and not state and "long_name" not in o.attrs:
                problems.append(f"{name}: no long_name")
            if "units" in o.attrs:
                nunits += 1
                u = text(o.attrs["units"])
                if not udunits_ok(u):
                    problems.append(f"{name}: units {u!r} is not a UDUNITS-2 unit")
                if u.strip().lower() in ("year", "years", "a"):
                    problems.append(f"{name}: units {u!r}: a calendar year is not a duration")
                d = o.attrs.get("display_units")
                if d is not None and text(d) == u:
                    problems.append(f"{name}: display_units repeats units {u!r}")
            elif "display_units" in o.attrs:
                problems.append(f"{name}: display_units without units")
        if nunits == 0:
            problems.append("no units attribute at all")
        for c in f.get("crossover", {}).values():
            if "time_quantiles" in c and text(c["time_quantiles"].attrs.get("units")) != "1":
                problems.append(f"{c.name}/time_quantiles: units is not '1'")
        if "--state-deflated" in argv:
            for ds in ("sketch_counts", "tau_hist", "xsum"):
                d = f["state"][ds]
                if d.compression != "gzip" or not d.shuffle:
                    problems.append(f"/state/{ds}: not shuffled and deflated")
    for p in problems:
        print(f"{path}: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
