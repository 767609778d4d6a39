"""The three files of a sweep of inference.growth read with crossover.open_many:
the scenario dimension (three, named as the files), values against the HDF5
files (h5py), the shared seed, the varied value in each recorded job, and the
effect going the expected way.
Usage: check_sweep.py LOW.h5 MID.h5 HIGH.h5 (the sweep's files, in its order)"""
import os
import sys

import h5py
import numpy as np

import crossover


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    sys.exit(1)


paths = sys.argv[1:]
names = [os.path.basename(p)[:-3] for p in paths]
written = ["1.5 to 2.5", "2.0 to 4", "{dist: uniform, min: 3, max: 5}"]
ds = crossover.open_many(paths)
configs = []
if ds.sizes.get("scenario") != 3 or ds["scenario"].values.tolist() != names:
    fail(f"scenario dimension {ds['scenario'].values.tolist()}, expected {names}")
for name, path, value in zip(names, paths, written):
    with h5py.File(path, "r") as f:
        if f.attrs["scenario"] != name:
            fail(f"{path}: scenario attribute {f.attrs['scenario']!r}")
        years, pct = list(f["year"][:]), list(f["percentile"][:])
        i, j = years.index(2035), pct.index(50.0)
        v = ds["inference_compute"].sel(scenario=name, year=2035, percentile=50.0).item()
        if v != f["series/inference_compute/percentiles"][i, j]:
            fail(f"{name}: inference_compute 2035 median {v} vs the file's "
                 f"{f['series/inference_compute/percentiles'][i, j]}")
        cum = f["crossover/compute/cumulative"][:]
        if not np.array_equal(ds["crossover_compute_cumulative"].sel(scenario=name).values, cum):
            fail(f"{name}: compute cumulative")
        config = f.attrs["config"]
        if isinstance(config, bytes):
            config = config.decode()
    configs.append(config)
    line = [l for l in config.splitlines() if l.strip().startswith("inference.growth:")]
    if len(line) != 1:
        fail(f"{name}: no single inference.growth in the recorded job")
    line = line[0]
    # the recorded job resolves the value: "A to B" is the lognormal with 5th
    # and 95th percentiles A and B (mu the mean of their logs)
    if value.startswith("{"):
        ok = "uniform" in line and "min: 3" in line and "max: 5" in line
    else:
        a, b = (float(x) for x in value.split(" to "))
        mu = float(line.split("mu:")[1].split(",")[0])
        ok = "lognormal" in line and abs(mu - (np.log(a) + np.log(b)) / 2) < 1e-12
    if not ok:
        fail(f"{name}: the recorded job's {line.strip()!r} is not {value!r}")
# everything else in the recorded jobs is the same
rest = [[l for l in c.splitlines() if not l.strip().startswith(("inference.growth:", "scenario:"))]
        for c in configs]
if rest[0] != rest[1] or rest[0] != rest[2]:
    fail("the recorded jobs differ in more than the varied value and the scenario")
seeds = ds["seed"].values if "seed" in ds.coords else [ds.attrs.get("seed")] * 3
if len(set(int(s) for s in seeds)) != 1:
    fail(f"the runs do not share one seed: {seeds}")
p = ds["crossover_compute_cumulative"].sel(year=2030).values
if not (p[0] < p[1] < p[2]):
    fail(f"P(compute crossover by 2030) does not rise with inference growth: {p}")
print(f"open_many: 3 scenarios {names}; P(compute crossover by 2030) {p}")
