"""Reads a results file as docs/python.md shows: xarray with the h5netcdf
engine finds the dimensions `year` and `percentile` of every /series group,
with their coordinate values (from the root, where the dimension scales
live), and agrees with h5py. Usage: xarray_check.py RESULTS.h5"""
import sys

import h5py
import numpy as np
import xarray as xr

path = sys.argv[1]


def fail(msg):
    sys.exit(f"FAIL: {msg}")


with h5py.File(path, "r") as f:
    years = f["year"][:]
    pct = f["percentile"][:]
    series = list(f["series"])
    crosses = {c: f["crossover"][c]["cumulative"][:] for c in f["crossover"]}
    bands = {s: f["series"][s]["percentiles"][:] for s in series}
    units = {s: f["series"][s]["percentiles"].attrs["units"] for s in series}

# The root group holds the dimension scales: coordinates with their values.
root = xr.open_dataset(path, engine="h5netcdf")
if not np.array_equal(root["year"].values, years) or not np.array_equal(root["percentile"].values, pct):
    fail(f"root coordinates: {root.coords}")

for s in series:
    ds = xr.open_dataset(path, group=f"series/{s}", engine="h5netcdf")
    if ds["percentiles"].dims != ("year", "percentile"):
        fail(f"{s}: percentiles has dimensions {ds['percentiles'].dims}")
    if ds.sizes["year"] != len(years) or ds.sizes["percentile"] != len(pct):
        fail(f"{s}: sizes {dict(ds.sizes)}")
    if ds["mean"].dims != ("year",) or ds["std"].dims != ("year",):
        fail(f"{s}: mean/std dimensions")
    # xarray < 2024.10 does not inherit coordinates from a parent group; take
    # them from the root (docs/python.md).
    if "year" not in ds.coords:
        ds = ds.assign_coords(year=root["year"], percentile=root["percentile"])
    if not np.array_equal(ds["year"].values, years) or not np.array_equal(ds["percentile"].values, pct):
        fail(f"{s}: coordinate values")
    v = float(ds["percentiles"].sel(year=2030, percentile=50.0))
    w = bands[s][list(years).index(2030), list(pct).index(50.0)]
    if v != w:
        fail(f"{s}: median 2030 {v} != {w}")
    if ds["percentiles"].attrs.get("units") != units[s]:
        fail(f"{s}: units {ds['percentiles'].attrs.get('units')} != {units[s]}")

for c, cum in crosses.items():
    ds = xr.open_dataset(path, group=f"crossover/{c}", engine="h5netcdf")
    if ds["cumulative"].dims != ("year",) or ds["time_quantiles"].dims != ("percentile",):
        fail(f"crossover {c}: dimensions")
    if not np.array_equal(ds["cumulative"].values, cum):
        fail(f"crossover {c}: cumulative differs from h5py")
    if not (np.all(np.diff(cum) >= 0) and 0 <= cum[0] and cum[-1] <= 1):
        fail(f"crossover {c}: cumulative not a distribution function")
    if ds.attrs["lhs"] == "" or "never" not in ds.attrs:
        fail(f"crossover {c}: attributes {ds.attrs}")

# The parameters' realized percentiles: one dimension, percentile.
p = xr.open_dataset(path, group="parameters/training.compute", engine="h5netcdf")
if p["percentiles"].dims != ("percentile",):
    fail("parameters: dimensions")
print(f"xarray {xr.__version__} reads {len(series)} series and {len(crosses)} crossovers")
