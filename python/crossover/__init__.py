"""Crossover results files in Python.

    import crossover
    ds = crossover.open("epoch-2030.h5")          # one xarray.Dataset
    ds["power"].sel(year=2030, percentile=50.0)     # the median power in 2030, GW
    many = crossover.open_many(["a.h5", "b.h5"])   # with a `scenario` dimension
    crossover.fan(ds, "power").figure.savefig("power.png")

Plots (fan, crossover, compare, sensitivity) need matplotlib; they draw on
matplotlib Figure objects of their own (no pyplot, no display), or on the
Axes passed as ax=. Reading needs only h5py, numpy and xarray. docs/python.md
describes the variables, the plots and how to fall back to h5py.
"""
from ._read import combine, crossover_names, open, open_many, parameter_names, series_names

__version__ = "0.1.0"
__all__ = ["open", "open_many", "combine", "series_names", "crossover_names", "parameter_names",
           "fan", "crossover", "compare", "sensitivity", "label"]

_PLOTS = ("fan", "crossover", "compare", "sensitivity", "label")


def __getattr__(name):
    # The plots import matplotlib only when first used.
    if name in _PLOTS:
        from . import plot
        return getattr(plot, name)
    raise AttributeError(f"module 'crossover' has no attribute {name!r}")
