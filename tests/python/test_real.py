"""crossover.open on files the engine wrote: every dataset of the file equals
the Dataset's variable read from it (bit for bit), with the coordinates,
units, long names and root attributes; a changed file is caught.
Usage: test_real.py FILES_DIR (made by make_files.sh)"""
import os
import shutil
import sys
import tempfile

import h5py
import numpy as np

import crossover
from common import fail, mismatches, same

files = sys.argv[1]
epoch = os.path.join(files, "epoch.h5")
sens = os.path.join(files, "sensitivity.h5")
capped = os.path.join(files, "capped.h5")

# Every dataset of three files, each against the variable read from it.
for path in (epoch, sens, capped):
    with crossover.open(path) as ds:
        bad, n = mismatches(ds, path)
        if bad:
            fail(f"{path}:\n  " + "\n  ".join(bad))
        if n < 50:
            fail(f"{path}: only {n} datasets compared")
        print(f"{os.path.basename(path)}: {n} datasets equal the HDF5 values")

ds = crossover.open(epoch)
with h5py.File(epoch, "r") as f:
    years, pct = f["year"][:], f["percentile"][:]
    if ds.coords["year"].dtype != years.dtype or not same(ds["year"], years):
        fail(f"year coordinate {ds['year'].values} != {years}")
    if not same(ds["percentile"], pct):
        fail("percentile coordinate")
    # The root attributes, as Python values.
    for k, v in f.attrs.items():
        w = ds.attrs.get(k)
        v = v.decode() if isinstance(v, bytes) else v
        if w != v or type(w) not in (str, int, float):
            fail(f"attribute {k}: {w!r} != {v!r}")
    if ds.attrs["model"] != f.attrs.get("model", "demand"):
        fail(f"model {ds.attrs['model']}")
    # A value by label equals the value by position, for every series.
    i, j = list(years).index(2030), list(pct).index(50.0)
    series = list(f["series"])
    if crossover.series_names(ds) != series:
        fail(f"series_names {crossover.series_names(ds)} != {series}")
    for s in series:
        raw = f["series"][s]["percentiles"]
        v = ds[s].sel(year=2030, percentile=50.0).item()
        if v != raw[i, j]:
            fail(f"{s} 2030 median {v} != {raw[i, j]}")
        if ds[s].dims != ("year", "percentile"):
            fail(f"{s} dims {ds[s].dims}")
        if ds[s].attrs["units"] != raw.attrs["units"]:
            fail(f"{s} units {ds[s].attrs['units']} != {raw.attrs['units']}")
        if ds[s + "_mean"].attrs["units"] != raw.attrs["units"] or ds[s + "_std"].dims != ("year",):
            fail(f"{s}_mean / _std")
    for c in f["crossover"]:
        g = f["crossover"][c]
        if ds[f"crossover_{c}_never"].item() != g.attrs["never"]:
            fail(f"{c} never")
        cum = ds[f"crossover_{c}_cumulative"]
        if cum.attrs["lhs"] != g.attrs["lhs"] or cum.attrs["rhs"] != g.attrs["rhs"]:
            fail(f"{c} lhs/rhs attributes")
        if ds[f"crossover_{c}_time_quantiles"].dims != ("percentile",):
            fail(f"{c} time_quantiles dims")
        n = f.attrs["samples"]
        if not np.allclose(cum[-1] + g.attrs["never"] / n, 1.0, rtol=0, atol=1e-12):
            fail(f"{c}: cumulative at the horizon + never/n != 1")
    if crossover.crossover_names(ds) != list(f["crossover"]):
        fail(f"crossover_names {crossover.crossover_names(ds)}")
    if crossover.parameter_names(ds) != list(f["parameters"]):
        fail(f"parameter_names {crossover.parameter_names(ds)}")
    for k in f["parameters"]:
        if ds[f"parameter_{k}"].attrs["units"] != f["parameters"][k].attrs["units"]:
            fail(f"parameter {k} units")
        if "distribution" not in ds[f"parameter_{k}"].attrs:
            fail(f"parameter {k}: no distribution attribute")
    # Per-sample arrays, read lazily from the open file.
    for k in f["samples"]:
        if not same(ds[f"sample_{k}"], f["samples"][k][:]):
            fail(f"sample_{k}")
    if ds.sizes["sample"] != f.attrs["samples"]:
        fail(f"sample dimension {ds.sizes['sample']}")
# Every data variable has units and a long name (the file's or the reader's).
for v in ds.data_vars:
    a = ds[v].attrs
    if not a.get("long_name"):
        fail(f"{v} has no long_name")
    if "units" not in a and ds[v].dtype.kind in "fiu" and not v.startswith("observation_"):
        fail(f"{v} has no units")
ds.close()
try:
    ds["sample_crossover.compute"].values
except Exception:
    pass
else:
    fail("the per-sample arrays are still readable after close(): the file stayed open")

# Without per-sample arrays the file is closed at once.
ds = crossover.open(epoch, samples=False)
if any(v.startswith("sample_") for v in ds.data_vars) or "sample" in ds.dims:
    fail("samples=False still reads /samples")
with h5py.File(epoch, "r+"):          # not locked by the reader
    pass

# Sensitivity indices: [target, parameter] and [target, parameter, bound].
with crossover.open(sens) as s, h5py.File(sens, "r") as f:
    targets = [t for t in f["sensitivity"] if isinstance(f["sensitivity"][t], h5py.Group)]
    if s["target"].values.tolist() != targets:
        fail(f"targets {s['target'].values}")
    params = [p.decode() if isinstance(p, bytes) else p for p in f["sensitivity/parameter"][:]]
    if s["parameter"].values.tolist() != params:
        fail("sensitivity parameters")
    if s["sensitivity_total_ci"].dims != ("target", "parameter", "bound"):
        fail(f"total_ci dims {s['sensitivity_total_ci'].dims}")
    v = s["sensitivity_total"].sel(target="crossover.compute", parameter="inference.growth").item()
    w = f["sensitivity/crossover.compute/total"][params.index("inference.growth")]
    if v != w:
        fail(f"total index {v} != {w}")
    if s["sensitivity_meaning"].sel(target="crossover.compute").item() != \
            f["sensitivity/crossover.compute"].attrs["meaning"]:
        fail("sensitivity meaning")

# The check above can fail: change one band value and one count in a copy.
tmp = tempfile.mkdtemp()
try:
    copy = os.path.join(tmp, "changed.h5")
    shutil.copy(epoch, copy)
    with h5py.File(copy, "r+") as f:
        f["series/power/percentiles"][3, 4] *= 1.0 + 1e-12
        f["crossover/energy/year_counts"][2] += 1
    with crossover.open(epoch, samples=False) as ds:
        bad, _ = mismatches(ds, copy, samples=False)
    paths = sorted(b.split(":")[0] for b in bad)
    if paths != ["/crossover/energy/year_counts", "/series/power/percentiles"]:
        fail(f"a changed file was not caught: {bad}")
finally:
    shutil.rmtree(tmp)
print("crossover.open reads the engine's files exactly; a changed value is caught")
