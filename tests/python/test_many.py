"""crossover.open_many over three runs of one job that differ in one
parameter (inference.growth), each with its own scenario name: the scenario
dimension, values against the HDF5 files, the paired per-sample arrays, names
given and repeated, and files with different variables.
Usage: test_many.py FILES_DIR (made by make_files.sh)"""
import os
import sys
import warnings

import h5py
import numpy as np

import crossover
from common import fail, same

files = sys.argv[1]
paths = [os.path.join(files, f"growth-{n}.h5") for n in ("low", "mid", "high")]

with warnings.catch_warnings():
    warnings.simplefilter("error")       # same grids: no warning
    ds = crossover.open_many(paths, samples=True)
names = ["growth-low", "growth-mid", "growth-high"]
if ds["scenario"].values.tolist() != names or ds["power"].dims != ("scenario", "year", "percentile"):
    fail(f"scenario dimension: {ds['scenario'].values} {ds['power'].dims}")
for name, path in zip(names, paths):
    with h5py.File(path, "r") as f:
        years, pct = list(f["year"][:]), list(f["percentile"][:])
        i, j = years.index(2035), pct.index(95.0)
        v = ds["inference_compute"].sel(scenario=name, year=2035, percentile=95.0).item()
        if v != f["series/inference_compute/percentiles"][i, j]:
            fail(f"{name}: inference_compute 2035 p95 {v}")
        if not same(ds["crossover_compute_cumulative"].sel(scenario=name),
                    f["crossover/compute/cumulative"][:]):
            fail(f"{name}: compute cumulative")
        if not same(ds["sample_crossover.compute"].sel(scenario=name),
                    f["samples/crossover.compute"][:]):
            fail(f"{name}: per-sample crossing times")
        if ds["config"].sel(scenario=name).item() != f.attrs["config"]:
            fail(f"{name}: config coordinate")
        if ds["file_scenario"].sel(scenario=name).item() != name:
            fail(f"{name}: file_scenario")
# The varied parameter moves the result the expected way.
p = ds["crossover_compute_cumulative"].sel(year=2030).values
if not (p[0] < p[1] < p[2]):
    fail(f"P(compute crossover by 2030) does not rise with inference growth: {p}")
# What all three share stays an attribute; what differs is a coordinate.
if ds.attrs.get("seed") != 2030 or ds.attrs.get("samples") != 20000 or "config" in ds.attrs:
    fail(f"attributes {ds.attrs}")
if ds["power"].attrs.get("units") != "GW":
    fail("variable attributes lost in the concatenation")
# Paired runs (same seed): the paired difference of P(crossed by 2030).
d = (ds["sample_crossover.compute"] <= 2030).astype(float)
diff = d.sel(scenario="growth-high") - d.sel(scenario="growth-low")
print(f"paired difference high - low of P(crossed by 2030): {float(diff.mean()):.4f} "
      f"+- {float(diff.std()) / np.sqrt(diff.size):.4f}")

# names= and repeated names; samples are not read by default.
two = crossover.open_many(paths[:2], names=["a", "b"])
if two["scenario"].values.tolist() != ["a", "b"] or "sample" in two.dims:
    fail(f"names=: {two['scenario'].values}")
rep = crossover.open_many([paths[0], paths[0], paths[0]])
if rep["scenario"].values.tolist() != ["growth-low", "growth-low (2)", "growth-low (3)"]:
    fail(f"repeated names: {rep['scenario'].values}")
try:
    crossover.open_many(paths, names=["x"])
except ValueError:
    pass
else:
    fail("open_many accepted 1 name for 3 files")

# A variable only some files have (power_shortfall: only with a power cap).
mix = crossover.open_many([os.path.join(files, "epoch.h5"), os.path.join(files, "capped.h5")])
sf = mix["power_shortfall"]
if not np.all(np.isnan(sf.sel(scenario="epoch-2030-demand"))) or np.isnan(sf.sel(scenario="power-capped")).any():
    fail("power_shortfall: NaN for the run without a cap, values for the capped one")
with h5py.File(os.path.join(files, "capped.h5"), "r") as f:
    if not same(sf.sel(scenario="power-capped"), f["series/power_shortfall/percentiles"][:]):
        fail("power_shortfall values")
# A list of opened Datasets combines the same way (crossover.combine).
dss = [crossover.open(p, samples=False) for p in paths]
c = crossover.combine(dss)
if not c["power"].equals(crossover.open_many(paths)["power"]):
    fail("combine != open_many")
print(f"open_many: {ds.sizes['scenario']} scenarios, values equal the files")
